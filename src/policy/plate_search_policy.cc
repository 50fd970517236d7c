#include "policy/plate_search_policy.h"

#include <algorithm>
#include <cctype>

namespace canvass::policy {
namespace {

// Reasons that say nothing: the public record shows searches logged as just "investigation"
// or "ICE". A reason made only of these words is refused whatever its length.
constexpr std::string_view kVagueWords[] = {
    "investigation", "inv",     "invest", "ice",         "case",       "test",
    "lawful",        "purpose", "law",    "enforcement", "suspicious", "police",
    "search",        "check",   "n/a",    "na",          "none",       "other"};

std::string Trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

bool OnlyVagueWords(const std::string& reason) {
  std::string word;
  auto vague = [](const std::string& w) {
    return std::find(std::begin(kVagueWords), std::end(kVagueWords), w) != std::end(kVagueWords);
  };
  for (size_t i = 0; i <= reason.size(); ++i) {
    char c = i < reason.size()
                 ? static_cast<char>(std::tolower(static_cast<unsigned char>(reason[i])))
                 : ' ';
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '/') {
      word += c;
    } else if (!word.empty()) {
      if (!vague(word)) return false;
      word.clear();
    }
  }
  return true;
}

}  // namespace

bool IsOffenseType(std::string_view type) {
  return std::find(std::begin(kOffenseTypes), std::end(kOffenseTypes), type) !=
         std::end(kOffenseTypes);
}

std::string_view ProhibitedPurposeOfOffense(std::string_view type) {
  if (type == "immigration_violation") return "immigration_enforcement";
  return "";
}

PolicyDecision EvaluateSearch(const RequestsConfig& requests, const PlatesConfig& plates,
                              const SearchProposal& p) {
  PolicyDecision d;
  d.state = p.agency_state;
  auto add = [&](std::string rule, bool passed, std::string why) {
    d.rules.push_back({std::move(rule), RuleOutcome::Kind::kLimit, passed, std::move(why)});
  };
  const bool known = IsOffenseType(p.offense_type);
  add("offense_type_known", known,
      known ? "offense type " + p.offense_type + " is on the list"
            : "offense type '" + p.offense_type.substr(0, 40) +
                  "' is not on the list (NIBRS categories)");
  const std::string_view by_type = ProhibitedPurposeOfOffense(p.offense_type);
  add("offense_not_prohibited", by_type.empty(),
      by_type.empty() ? "the offense type serves no prohibited purpose"
                      : "offense type " + p.offense_type + " serves " + std::string(by_type) +
                            ", a prohibited purpose");
  const std::string reason = Trim(p.reason);
  const bool long_enough = static_cast<int>(reason.size()) >= plates.min_reason_chars;
  const bool specific = long_enough && !OnlyVagueWords(reason);
  add("reason_specific", specific,
      !long_enough ? "the reason has " + std::to_string(reason.size()) + " characters; at least " +
                         std::to_string(plates.min_reason_chars) + " are required"
      : !specific ? "the reason '" + reason.substr(0, 60) +
                        "' says nothing specific (what happened, what is sought)"
                  : "the reason is specific");
  std::string term;
  const std::string purpose =
      FindProhibitedPurpose(requests.For(p.agency_state), p.offense_type + " " + reason, &term);
  add("purpose_not_prohibited", purpose.empty(),
      purpose.empty() ? "no prohibited purpose found in the reason"
                      : "the offense type or reason mentions '" + term + "': " + purpose +
                            " is a prohibited purpose");
  const bool has_case = !plates.require_case_number || !Trim(p.case_number).empty();
  add("case_number_given", has_case,
      !plates.require_case_number ? "a case number is optional here"
      : has_case                  ? "a case number is given"
                                  : "policy requires a case number for every search");
  const bool refused =
      std::any_of(d.rules.begin(), d.rules.end(), [](const RuleOutcome& o) { return !o.passed; });
  d.verdict = refused ? PolicyDecision::Verdict::kRefused : PolicyDecision::Verdict::kAllowed;
  return d;
}

}  // namespace canvass::policy
