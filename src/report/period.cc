#include "report/period.h"

#include <chrono>

namespace canvass::report {
namespace {

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

int64_t MonthStartSeconds(int year, int month) {
  namespace chr = std::chrono;
  const chr::sys_days first{chr::year{year} / chr::month{static_cast<unsigned>(month)} / 1};
  return chr::duration_cast<chr::seconds>(first.time_since_epoch()).count();
}

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
  namespace chr = std::chrono;
  const chr::year_month_day date{
      chr::floor<chr::days>(chr::sys_time<chr::microseconds>{chr::microseconds{now_us}})};
  const int year = static_cast<int>(date.year());
  const int q = (static_cast<int>(static_cast<unsigned>(date.month())) - 1) / 3 + 1;
  return Make(std::to_string(year) + "Q" + std::to_string(q), year, 3 * (q - 1) + 1, 3);
}

}  // namespace canvass::report
