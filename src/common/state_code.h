// IsStateCode: whether a text is a US state (or other region) code as Canvass stores them: two
// upper-case ASCII letters ("IL"). Used for agencies, per-state config sections, plate reads and
// the agent's plate_state.
#pragma once

#include <string_view>

namespace canvass {

constexpr bool IsStateCode(std::string_view s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

}  // namespace canvass
