#include "report/public_leaf.h"

namespace canvass::report {
namespace {

// A cursor over the canonical leaf: fixed key order, no spaces, strings without escapes (every
// string field is a token of [a-z0-9_.] or hex), integers without signs.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool Literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  // A string value after its opening quote, up to (and consuming) the closing quote.
  bool String(std::string* out) {
    const size_t end = s_.find('"', pos_);
    if (end == std::string_view::npos) return false;
    const std::string_view v = s_.substr(pos_, end - pos_);
    if (v.find('\\') != std::string_view::npos) return false;
    *out = std::string(v);
    pos_ = end + 1;
    return true;
  }
  bool Integer(int64_t* out) {
    const size_t start = pos_;
    int64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      if (pos_ - start >= 18) return false;  // well below 2^63
      v = v * 10 + (s_[pos_++] - '0');
    }
    *out = v;
    return pos_ > start;
  }
  bool AtEnd() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

StatusOr<PublicLeaf> ParsePublicLeaf(std::string_view entry) {
  PublicLeaf leaf;
  Scanner in(entry);
  std::string ignored;
  int64_t scope = 0;
  auto bad = [](const char* field) {
    return InvalidArgumentError(std::string("not a canonical leaf: bad \"") + field + "\"");
  };
  if (!in.Literal("{\"agency\":\"") || !in.String(&leaf.agency)) return bad("agency");
  if (!in.Literal(",\"case\":\"") || !in.String(&ignored)) return bad("case");
  if (!in.Literal(",\"commitment\":\"") || !in.String(&ignored)) return bad("commitment");
  if (!in.Literal(",\"count\":") || !in.Integer(&leaf.count)) return bad("count");
  if (!in.Literal(",\"object\":\"") || !in.String(&leaf.object)) return bad("object");
  if (!in.Literal(",\"reason\":\"") || !in.String(&leaf.reason)) return bad("reason");
  if (!in.Literal(",\"role\":\"") || !in.String(&leaf.role)) return bad("role");
  if (in.Literal(",\"scope\":{\"agencies\":")) {
    if (!in.Integer(&scope) || !in.Literal(",\"cameras\":") || !in.Integer(&scope) ||
        !in.Literal("}")) {
      return bad("scope");
    }
  }
  if (!in.Literal(",\"time\":") || !in.Integer(&leaf.time_s)) return bad("time");
  if (!in.Literal(",\"type\":\"") || !in.String(&leaf.type)) return bad("type");
  if (!in.Literal(",\"v\":1}") || !in.AtEnd()) return bad("v");
  return leaf;
}

}  // namespace canvass::report
