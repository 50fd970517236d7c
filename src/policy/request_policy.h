// The rules a community footage request must pass before any camera owner is asked, evaluated
// with an explanation for each rule (docs/design/requests.md has the table and its sources).
//
// Every rule is evaluated, even after one fails, so that the officer sees everything that is
// wrong at once; the decision and every rule's outcome go into the API answer and the audit log.
// Rules are of two kinds: a failed "limit" refuses the request; a failed "approval" rule sends it
// to a supervisor of the agency before owners are notified.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "geo/lat_lng.h"

namespace canvass::policy {

// The fixed list of incident types a request may name.
inline constexpr std::string_view kIncidentTypes[] = {
    "burglary",   "robbery",        "assault",        "homicide",  "shooting",
    "arson",      "vehicle_theft",  "theft",          "vandalism", "hit_and_run",
    "kidnapping", "missing_person", "sexual_assault", "fraud",     "other"};
bool IsIncidentType(std::string_view type);

// What the policy needs to know about a proposed request.
struct RequestProposal {
  std::string agency_state;  // two-letter code: selects the per-state rules
  bool agency_federal = false;
  bool agency_verified = false;
  bool point_in_jurisdiction = false;
  std::string incident_type;
  std::string description;
  LatLng center;
  double radius_m = 0;
  int64_t from_us = 0;
  int64_t to_us = 0;
  int existing_requests_for_case = 0;  // requests of this agency already filed for the case
  int64_t now_us = 0;
};

struct RuleOutcome {
  enum class Kind { kLimit, kApproval };
  std::string rule;  // stable token, e.g. "radius_max"
  Kind kind = Kind::kLimit;
  bool passed = false;
  std::string explanation;  // one sentence with the numbers, e.g. "radius 900 m > 800 m"
};

struct PolicyDecision {
  enum class Verdict { kAllowed, kNeedsApproval, kRefused };
  Verdict verdict = Verdict::kRefused;
  std::string state;               // whose rules were applied ("" for the defaults)
  std::vector<RuleOutcome> rules;  // every rule, in a fixed order
  int expiry_h = 0;                // how long the request stays open

  // The first failed limit (refused) or approval rule (needs approval); "" when allowed.
  std::string DecidingRule() const;
  // One line per failed rule, joined with "; " (what the officer reads).
  std::string FailureSummary() const;
  // {"verdict":..., "state":..., "rules":[{"rule","kind","passed","explanation"}...]}
  std::string ToJson() const;
};
std::string_view VerdictName(PolicyDecision::Verdict v);

PolicyDecision EvaluateRequest(const RequestsConfig& config, const RequestProposal& p);

// The area of a disc of `radius_m` on the sphere (spherical cap), in square metres.
double DiscAreaSquareMeters(double radius_m);

// The prohibited purpose whose term occurs in `text` on word boundaries, case-insensitively;
// "" if none. `term` receives the term that matched.
std::string FindProhibitedPurpose(const RequestRules& rules, std::string_view text,
                                  std::string* term);

}  // namespace canvass::policy
