#include "report/report_json.h"

#include <boost/json.hpp>

#include "common/time_format.h"
#include "report/small_count.h"

namespace canvass::report {
namespace json = boost::json;

namespace {

constexpr char kRule[] =
    "counts that concern residents (cameras asked, shares, clips shared, declines, users "
    "affected, users notified) are published as \"fewer than 5\" when 0 to 4";

}  // namespace

std::string ReportJson(const Report& r) {
  json::object figures;
  for (const auto& f : r.figures) {
    const std::string v = f.Published();
    if (v == kFewerThanFive) {
      figures[f.name] = kFewerThanFive;
    } else {
      figures[f.name] = f.count;
    }
  }
  json::object o;
  o["period"] = r.period.name;
  o["from"] = FormatRfc3339(r.period.from_s * 1'000'000);
  o["to"] = FormatRfc3339(r.period.to_s * 1'000'000);
  o["agency"] = r.agency.empty() ? json::value(nullptr) : json::value(r.agency);
  o["checkpoint"] = json::object{
      {"size", r.checkpoint.size}, {"root", r.checkpoint.root_base64}, {"note", r.checkpoint.note}};
  o["small_count_rule"] = kRule;
  o["figures"] = std::move(figures);
  return json::serialize(o);
}

StatusOr<PublishedReport> ParseReportJson(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return InvalidArgumentError("the report is not a JSON object");
  const json::object& o = v.as_object();
  auto bad = [](const char* field) {
    return InvalidArgumentError(std::string("the report's \"") + field +
                                "\" is missing or of the wrong type");
  };
  PublishedReport out;
  const json::value* period = o.if_contains("period");
  if (!period || !period->is_string()) return bad("period");
  out.period = std::string(period->as_string());
  const json::value* agency = o.if_contains("agency");
  if (!agency || !(agency->is_null() || agency->is_string())) return bad("agency");
  if (agency->is_string()) out.agency = std::string(agency->as_string());
  const json::value* cp = o.if_contains("checkpoint");
  if (!cp || !cp->is_object()) return bad("checkpoint");
  const json::value* size = cp->as_object().if_contains("size");
  const json::value* root = cp->as_object().if_contains("root");
  const json::value* note = cp->as_object().if_contains("note");
  if (!size || !(size->is_uint64() || size->is_int64()) ||
      (size->is_int64() && size->as_int64() < 0)) {
    return bad("checkpoint.size");
  }
  out.checkpoint.size = size->to_number<uint64_t>();
  if (!root || !root->is_string()) return bad("checkpoint.root");
  out.checkpoint.root_base64 = std::string(root->as_string());
  if (!note || !note->is_string()) return bad("checkpoint.note");
  out.checkpoint.note = std::string(note->as_string());
  const json::value* figures = o.if_contains("figures");
  if (!figures || !figures->is_object()) return bad("figures");
  for (const auto& [name, value] : figures->as_object()) {
    std::string published;
    if (value.is_int64()) {
      published = std::to_string(value.as_int64());
    } else if (value.is_uint64()) {
      published = std::to_string(value.as_uint64());
    } else if (value.is_string()) {
      published = std::string(value.as_string());
    } else {
      return InvalidArgumentError("figure " + std::string(name) +
                                  " is neither a number nor a string");
    }
    out.figures.emplace_back(std::string(name), std::move(published));
  }
  return out;
}

}  // namespace canvass::report
