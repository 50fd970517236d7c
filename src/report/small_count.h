// The "fewer than 5" rule: a count that concerns residents (cameras asked, owners who shared or
// declined, clips shared, users affected or notified) is published as the string "fewer than 5"
// when it is 0 to 4, so that a small figure cannot single out a person (zero included: a
// published 0 beside a published 1 would tell the 1 apart). Agency acts (requests filed,
// searches, demands) are published exactly. The request inbox and feed apply the same rule
// (api/wire/requests_wire.cc).
#pragma once

#include <cstdint>
#include <string>

namespace canvass::report {

inline constexpr int64_t kSmallCount = 5;
inline constexpr char kFewerThanFive[] = "fewer than 5";

// What is published for `count`: its decimal digits, or "fewer than 5" when `concerns_residents`
// and the count is below kSmallCount.
std::string PublishedCount(int64_t count, bool concerns_residents);

}  // namespace canvass::report
