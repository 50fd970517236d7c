#include "policy/request_policy.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace canvass::policy {
namespace {

constexpr double kEarthRadiusM = 6371010.0;  // as S2 and geo::DistanceMeters

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string Duration(int64_t s) {
  if (s % 3600 == 0) return std::to_string(s / 3600) + " h";
  if (s % 60 == 0) return std::to_string(s / 60) + " min";
  return std::to_string(s) + " s";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// `term` occurs in `text` (both lower case) with a non-word character or the end on each side.
// Underscores count as separators, so "immigration_check" matches "immigration".
bool ContainsWord(const std::string& text, const std::string& term) {
  for (size_t at = text.find(term); at != std::string::npos; at = text.find(term, at + 1)) {
    bool left = at == 0 || !IsWordChar(text[at - 1]);
    size_t end = at + term.size();
    bool right = end == text.size() || !IsWordChar(text[end]);
    if (left && right) return true;
  }
  return false;
}

class Evaluation {
 public:
  void Limit(std::string rule, bool passed, std::string explanation) {
    Add(std::move(rule), RuleOutcome::Kind::kLimit, passed, std::move(explanation));
  }
  void Approval(std::string rule, bool passed, std::string explanation) {
    Add(std::move(rule), RuleOutcome::Kind::kApproval, passed, std::move(explanation));
  }
  std::vector<RuleOutcome> Take() { return std::move(rules_); }

 private:
  void Add(std::string rule, RuleOutcome::Kind kind, bool passed, std::string explanation) {
    rules_.push_back({std::move(rule), kind, passed, std::move(explanation)});
  }
  std::vector<RuleOutcome> rules_;
};

}  // namespace

bool IsIncidentType(std::string_view type) {
  return std::find(std::begin(kIncidentTypes), std::end(kIncidentTypes), type) !=
         std::end(kIncidentTypes);
}

double DiscAreaSquareMeters(double radius_m) {
  // A spherical cap of angular radius r/R has area 2 pi R^2 (1 - cos(r/R)).
  return 2 * M_PI * kEarthRadiusM * kEarthRadiusM * (1 - std::cos(radius_m / kEarthRadiusM));
}

std::string FindProhibitedPurpose(const RequestRules& rules, std::string_view text,
                                  std::string* term) {
  std::string lower = Lower(text);
  std::replace(lower.begin(), lower.end(), '_', ' ');
  for (const auto& [purpose, terms] : rules.prohibited_purposes) {
    for (const auto& t : terms) {
      if (ContainsWord(lower, Lower(t))) {
        if (term) *term = t;
        return purpose;
      }
    }
  }
  return "";
}

PolicyDecision EvaluateRequest(const RequestsConfig& config, const RequestProposal& p) {
  const RequestRules& r = config.For(p.agency_state);
  PolicyDecision d;
  d.state = config.states.count(p.agency_state) ? p.agency_state : "";
  d.expiry_h = r.expiry_h;
  const std::string where = d.state.empty() ? "" : " (rules of " + d.state + ")";
  Evaluation e;

  e.Limit("agency_verified", p.agency_verified,
          p.agency_verified ? "the agency is verified"
                            : "the agency has not been verified by the deployment's admin");
  e.Limit("agency_not_federal", !p.agency_federal || r.allow_federal,
          !p.agency_federal ? "the agency is not federal"
          : r.allow_federal ? "federal agencies may file requests here" + where
                            : "federal agencies may not file community requests" + where);
  const bool known = IsIncidentType(p.incident_type);
  e.Limit("incident_type_known", known,
          known ? "incident type " + p.incident_type + " is on the list"
                : "incident type '" + p.incident_type.substr(0, 40) + "' is not on the list");
  std::string term;
  std::string purpose = FindProhibitedPurpose(r, p.incident_type + " " + p.description, &term);
  e.Limit("purpose_not_prohibited", purpose.empty(),
          purpose.empty() ? "no prohibited purpose found in the incident type or description"
                          : "the request mentions '" + term + "': " + purpose +
                                " is a prohibited purpose" + where);
  e.Limit("point_in_jurisdiction", p.point_in_jurisdiction,
          p.point_in_jurisdiction ? "the point lies in the agency's jurisdiction"
                                  : "the point lies outside the agency's jurisdiction");

  const double radius = p.radius_m;
  e.Limit("radius_min", radius >= r.min_radius_m,
          "radius " + Num(radius) + " m " + (radius >= r.min_radius_m ? ">=" : "<") + " " +
              std::to_string(r.min_radius_m) + " m minimum" + where);
  e.Limit("radius_max", radius <= r.max_radius_m,
          "radius " + Num(radius) + " m " + (radius <= r.max_radius_m ? "<=" : ">") + " " +
              std::to_string(r.max_radius_m) + " m maximum" + where);
  const double area = DiscAreaSquareMeters(radius);
  const bool area_ok = area <= static_cast<double>(r.max_area_m2);
  e.Limit("area_max", area_ok,
          "area " + Num(area) + " m2 " + (area_ok ? "<=" : ">") + " " +
              std::to_string(r.max_area_m2) + " m2 maximum" + where);

  const int64_t window_s = (p.to_us - p.from_us) / 1'000'000;
  const bool ordered = p.to_us > p.from_us;
  e.Limit("window_min", ordered && window_s >= r.min_window_s,
          !ordered
              ? "the window ends before it starts"
              : "window " + Duration(window_s) + (window_s >= r.min_window_s ? " >= " : " < ") +
                    Duration(r.min_window_s) + " minimum" + where);
  e.Limit("window_max", window_s <= r.max_window_s,
          "window " + Duration(std::max<int64_t>(window_s, 0)) +
              (window_s <= r.max_window_s ? " <= " : " > ") + Duration(r.max_window_s) +
              " maximum" + where);
  const bool past = p.to_us <= p.now_us;
  e.Limit("window_in_past", past,
          past ? "the window lies wholly in the past"
               : "the window ends in the future (requests cover recorded footage only)");
  const int64_t oldest_us = p.now_us - int64_t{r.max_window_age_days} * 86400 * 1'000'000;
  const bool recent = p.from_us >= oldest_us;
  e.Limit("window_within_retention", recent,
          recent ? "the window starts within the last " + std::to_string(r.max_window_age_days) +
                       " days"
                 : "the window starts more than " + std::to_string(r.max_window_age_days) +
                       " days ago, past clip retention" + where);
  const bool per_case = p.existing_requests_for_case < r.max_requests_per_case;
  e.Limit("requests_per_case", per_case,
          std::to_string(p.existing_requests_for_case) +
              " request(s) already filed for this case; " + "at most " +
              std::to_string(r.max_requests_per_case) + " allowed" + where);

  const bool small = radius <= r.approval_radius_m;
  e.Approval("approval_radius", small,
             "radius " + Num(radius) + " m " + (small ? "<=" : ">") + " " +
                 std::to_string(r.approval_radius_m) + " m" +
                 (small ? "" : ": a supervisor must approve") + where);
  const bool short_window = window_s <= r.approval_window_s;
  e.Approval("approval_window", short_window,
             "window " + Duration(std::max<int64_t>(window_s, 0)) +
                 (short_window ? " <= " : " > ") + Duration(r.approval_window_s) +
                 (short_window ? "" : ": a supervisor must approve") + where);

  d.rules = e.Take();
  bool refused = false, approval = false;
  for (const auto& o : d.rules) {
    if (o.passed) continue;
    if (o.kind == RuleOutcome::Kind::kLimit)
      refused = true;
    else
      approval = true;
  }
  d.verdict = refused    ? PolicyDecision::Verdict::kRefused
              : approval ? PolicyDecision::Verdict::kNeedsApproval
                         : PolicyDecision::Verdict::kAllowed;
  return d;
}

std::string_view VerdictName(PolicyDecision::Verdict v) {
  switch (v) {
    case PolicyDecision::Verdict::kAllowed:
      return "allowed";
    case PolicyDecision::Verdict::kNeedsApproval:
      return "needs_approval";
    case PolicyDecision::Verdict::kRefused:
      return "refused";
  }
  return "refused";
}

std::string PolicyDecision::DecidingRule() const {
  if (verdict == Verdict::kAllowed) return "";
  const auto want =
      verdict == Verdict::kRefused ? RuleOutcome::Kind::kLimit : RuleOutcome::Kind::kApproval;
  for (const auto& o : rules) {
    if (!o.passed && o.kind == want) return o.rule;
  }
  return "";
}

std::string PolicyDecision::FailureSummary() const {
  std::string out;
  const auto want =
      verdict == Verdict::kRefused ? RuleOutcome::Kind::kLimit : RuleOutcome::Kind::kApproval;
  for (const auto& o : rules) {
    if (o.passed || o.kind != want) continue;
    if (!out.empty()) out += "; ";
    out += o.rule + ": " + o.explanation;
  }
  return out;
}

std::string PolicyDecision::ToJson() const {
  boost::json::array rs;
  for (const auto& o : rules) {
    rs.push_back({{"rule", o.rule},
                  {"kind", o.kind == RuleOutcome::Kind::kLimit ? "limit" : "approval"},
                  {"passed", o.passed},
                  {"explanation", o.explanation}});
  }
  boost::json::object out{{"verdict", VerdictName(verdict)}, {"state", state}, {"rules", rs}};
  return boost::json::serialize(out);
}

}  // namespace canvass::policy
