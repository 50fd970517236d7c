// The rules every licence-plate search must pass (docs/design/plates.md, "Reasoned search"):
// an offense type from a fixed list (NIBRS categories), a free-text reason that says something,
// a case number where policy requires one, and no prohibited purpose, judged by the offense type
// and by the words of the reason. Each rule is explained, as for footage requests.
#pragma once

#include <string>
#include <string_view>

#include "common/config.h"
#include "policy/request_policy.h"

namespace canvass::policy {

// NIBRS offense categories (Group A and B) plus the non-crime purposes plate searches serve.
inline constexpr std::string_view kOffenseTypes[] = {"animal_cruelty",
                                                     "arson",
                                                     "assault",
                                                     "bribery",
                                                     "burglary",
                                                     "counterfeiting_forgery",
                                                     "destruction_vandalism",
                                                     "drug_narcotic",
                                                     "embezzlement",
                                                     "extortion_blackmail",
                                                     "fraud",
                                                     "gambling",
                                                     "homicide",
                                                     "human_trafficking",
                                                     "immigration_violation",
                                                     "kidnapping_abduction",
                                                     "larceny_theft",
                                                     "motor_vehicle_theft",
                                                     "pornography_obscene",
                                                     "prostitution",
                                                     "robbery",
                                                     "sex_offense",
                                                     "stolen_property",
                                                     "weapon_law_violation",
                                                     "bad_checks",
                                                     "curfew_loitering_vagrancy",
                                                     "disorderly_conduct",
                                                     "dui",
                                                     "family_offense_nonviolent",
                                                     "liquor_law_violation",
                                                     "peeping_tom",
                                                     "trespass",
                                                     "all_other_offenses",
                                                     "missing_person",
                                                     "wanted_person"};
bool IsOffenseType(std::string_view type);

// Offense types that are themselves a prohibited purpose, and which purpose.
std::string_view ProhibitedPurposeOfOffense(std::string_view type);

struct SearchProposal {
  std::string agency_state;
  std::string offense_type;
  std::string reason;
  std::string case_number;
};

// Verdict kAllowed or kRefused (searches have no approval step).
PolicyDecision EvaluateSearch(const RequestsConfig& requests, const PlatesConfig& plates,
                              const SearchProposal& p);

}  // namespace canvass::policy
