#include "plates/plate_text.h"

#include <vector>

#include "common/state_code.h"

namespace canvass::plates {

StatusOr<std::string> NormalizePlate(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == ' ' || c == '-' || c == '.') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      unsigned char u = static_cast<unsigned char>(c);
      std::string shown = u >= 0x20 && u < 0x7f ? std::string(1, c) : "\\x" + std::to_string(u);
      return InvalidArgumentError("plate '" + std::string(raw.substr(0, 20)) +
                                  "' has a character outside A-Z and 0-9: '" + shown + "'");
    }
    out += c;
  }
  if (out.size() < kMinPlateChars || out.size() > kMaxPlateChars) {
    return InvalidArgumentError("plate '" + std::string(raw.substr(0, 20)) + "' has " +
                                std::to_string(out.size()) + " characters; 2 to 8 expected");
  }
  return out;
}

Status ValidateRegion(std::string_view region) {
  if (!IsStateCode(region)) {
    return InvalidArgumentError("state '" + std::string(region.substr(0, 10)) +
                                "' must be a two-letter upper-case code (e.g. IL)");
  }
  return OkStatus();
}

ConfusionClasses::ConfusionClasses() {
  for (int i = 0; i < 256; ++i) map_[i] = static_cast<char>(i);
}

const ConfusionClasses& ConfusionClasses::Default() {
  static const ConfusionClasses kDefault = *FromGroups({"0DOQ", "1IL", "2Z", "5S", "6G", "8B"});
  return kDefault;
}

StatusOr<ConfusionClasses> ConfusionClasses::FromGroups(const std::vector<std::string>& groups) {
  ConfusionClasses c;
  std::array<bool, 256> seen{};
  for (const auto& g : groups) {
    if (g.empty()) return InvalidArgumentError("an empty confusion class");
    for (char ch : g) {
      auto u = static_cast<uint8_t>(ch);
      if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) {
        return InvalidArgumentError("confusion class '" + g + "' holds a character outside A-Z0-9");
      }
      if (seen[u])
        return InvalidArgumentError(std::string("'") + ch + "' is in two confusion classes");
      seen[u] = true;
      c.map_[u] = g[0];
    }
  }
  return c;
}

std::string ConfusionClasses::Key(std::string_view plate) const {
  std::string out(plate);
  for (char& ch : out) ch = Key(ch);
  return out;
}

}  // namespace canvass::plates
