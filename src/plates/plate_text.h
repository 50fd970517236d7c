// Plate text: normalisation, validation and OCR confusion classes (docs/design/plates.md).
//
// A plate as read is normalised to upper-case A-Z and 0-9 with spaces, dashes and dots removed
// ("7ab-123" -> "7AB123"); 2 to 8 characters remain (US and Canadian plates fit; vanity plates
// are up to 8).
//
// Readers confuse some glyphs: 0/D/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B. Each class maps to one
// representative (its first member), so two plates that differ only by confusable characters
// have the same "confusion key": "8OL5" and "B0I5" both become "8015". Matching and fuzzy search
// compare keys.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace canvass::plates {

inline constexpr size_t kMinPlateChars = 2;
inline constexpr size_t kMaxPlateChars = 8;

// Upper-cases and drops ' ', '-', '.', then checks length and alphabet. InvalidArgument names
// the offending character or the length.
StatusOr<std::string> NormalizePlate(std::string_view raw);

// A two-letter US state or Canadian province code in upper case ("IL", "ON").
Status ValidateRegion(std::string_view region);

// Maps each byte of A-Z0-9 to its confusion-class representative (others map to themselves).
class ConfusionClasses {
 public:
  // The default classes: 0DOQ 1IL 2Z 5S 6G 8B.
  static const ConfusionClasses& Default();
  // Classes from a list such as {"0DOQ", "1IL"}; each string's first character is the
  // representative. A character in two classes is InvalidArgument.
  static StatusOr<ConfusionClasses> FromGroups(const std::vector<std::string>& groups);

  char Key(char c) const { return map_[static_cast<uint8_t>(c)]; }
  std::string Key(std::string_view plate) const;
  bool Confusable(char a, char b) const { return Key(a) == Key(b); }

 private:
  ConfusionClasses();
  std::array<char, 256> map_;
};

}  // namespace canvass::plates
