#include "report/period.h"

namespace canvass::report {
namespace {

// Days from 1970-01-01 to year-month-day (proleptic Gregorian), after H. Hinnant's
// days_from_civil.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

Period Make(std::string name, int year, int first_month, int months) {
  const int last = first_month + months;  // may be 13: January of the next year
  const int end_year = year + (last - 1) / 12;
  const int end_month = (last - 1) % 12 + 1;
  return {std::move(name), MonthStartSeconds(year, first_month),
          MonthStartSeconds(end_year, end_month)};
}

}  // namespace

int64_t MonthStartSeconds(int year, int month) { return DaysFromCivil(year, month, 1) * 86400; }

StatusOr<Period> ParsePeriod(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError("period '" + std::string(text.substr(0, 32)) +
                                "' must be a year (2026), a quarter (2026Q4) or a month (2026-11)");
  };
  if (text.size() < 4 || !AllDigits(text.substr(0, 4))) return bad();
  const int year = ToInt(text.substr(0, 4));
  if (year < 1970) return bad();
  const std::string_view rest = text.substr(4);
  if (rest.empty()) return Make(std::string(text), year, 1, 12);
  if (rest.size() == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4') {
    const int q = rest[1] - '0';
    return Make(std::string(text), year, 3 * (q - 1) + 1, 3);
  }
  if (rest.size() == 3 && rest[0] == '-' && AllDigits(rest.substr(1))) {
    const int month = ToInt(rest.substr(1));
    if (month < 1 || month > 12) return bad();
    return Make(std::string(text), year, month, 1);
  }
  return bad();
}

Period QuarterContaining(int64_t now_us) {
  constexpr int64_t kDayUs = 86400LL * 1'000'000;
  const int64_t days = now_us / kDayUs - (now_us % kDayUs < 0);  // floor
  // civil_from_days (Hinnant), for the year and month only.
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2));
  const int q = (month - 1) / 3 + 1;
  return Make(std::to_string(year) + "Q" + std::to_string(q), year, 3 * (q - 1) + 1, 3);
}

}  // namespace canvass::report
