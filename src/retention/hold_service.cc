#include "retention/hold_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "common/clock.h"
#include "common/time_format.h"
#include "plates/plate_text.h"

namespace canvass::retention {
namespace json = boost::json;

namespace {

constexpr size_t kMaxScopeEntries = 1000;  // per list

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::string(s));
  return a;
}

// The private details of a hold's events: exactly what it keeps, for whom and until when.
std::string Details(const Hold& h) {
  return json::serialize(json::object{{"hold_id", h.id},
                                      {"demand_id", h.demand_id},
                                      {"account_ids", Strings(h.scope.account_ids)},
                                      {"camera_ids", Strings(h.scope.camera_ids)},
                                      {"plates", Strings(h.scope.plates)},
                                      {"from_us", h.scope.from_us},
                                      {"to_us", h.scope.to_us},
                                      {"expires_at_us", h.expires_at_us},
                                      {"renewals", h.renewals}});
}

AuditEvent HoldEvent(const Principal& actor, const Clock& clock, const std::string& type,
                     const Hold& h, const std::string& reason_code) {
  AuditEvent ev = MakeAuditEvent(actor, clock, type, "hold", h.id);
  ev.actor_agency_id = h.agency_id;  // the requesting agency (legal staff belong to none)
  ev.reason_code = reason_code;
  ev.count = 0;
  ev.details_json = Details(h);
  return ev;
}

Status RequireLegal(const Principal& p) {
  if (!p.HasRole(Role::kLegal)) return PermissionDeniedError("only legal staff manage holds");
  return OkStatus();
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

}  // namespace

HoldService::HoldService(Store* store, const Clock* clock, Random* random,
                         const RetentionConfig& config)
    : store_(store), clock_(clock), random_(random), config_(config) {}

Status HoldService::CheckScope(HoldScope* s) {
  if (s->account_ids.empty() && s->camera_ids.empty() && s->plates.empty()) {
    return InvalidArgumentError("a hold must name at least one account, camera or plate");
  }
  for (const auto* list : {&s->account_ids, &s->camera_ids, &s->plates}) {
    if (list->size() > kMaxScopeEntries) {
      return InvalidArgumentError("a hold names at most " + std::to_string(kMaxScopeEntries) +
                                  " accounts, cameras and plates each");
    }
  }
  if (s->from_us < 0 || s->to_us < 0 || (s->from_us > 0 && s->to_us > 0 && s->to_us < s->from_us)) {
    return InvalidArgumentError("a hold's time range must not end before it starts");
  }
  for (const auto& id : s->account_ids) {
    if (!IsWellFormedId(id, "acc"))
      return InvalidArgumentError("'" + id + "' is not an account id");
    CANVASS_ASSIGN_OR_RETURN(Account a, store_->GetAccount(id));
    if (a.role != Role::kResident) {
      return InvalidArgumentError("account " + id +
                                  " is not a resident's: only residents own cameras");
    }
  }
  for (const auto& id : s->camera_ids) {
    if (IsWellFormedId(id, "cam")) {
      CANVASS_RETURN_IF_ERROR(store_->GetCamera(id).status());
    } else if (IsWellFormedId(id, "lpr")) {
      CANVASS_RETURN_IF_ERROR(store_->GetPlateReader(id).status());
    } else {
      return InvalidArgumentError("'" + id + "' is neither a camera nor a plate reader id");
    }
  }
  for (auto& p : s->plates) {
    CANVASS_ASSIGN_OR_RETURN(p, plates::NormalizePlate(p));
  }
  SortUnique(&s->account_ids);
  SortUnique(&s->camera_ids);
  SortUnique(&s->plates);
  return OkStatus();
}

StatusOr<Hold> HoldService::Place(const Principal& legal, const std::string& demand_id,
                                  const std::string& agency_id, const std::string& reason,
                                  const HoldScope& scope) {
  CANVASS_RETURN_IF_ERROR(RequireLegal(legal));
  if (!demand_id.empty()) {
    if (!IsWellFormedId(demand_id, "dem")) {
      return InvalidArgumentError("'" + demand_id + "' is not a demand id");
    }
    auto existing = store_->FindHoldByDemand(demand_id);
    if (existing.ok() || existing.status().code() != Code::kNotFound) return existing;
  }
  if (reason != "preservation" && reason != "demand") {
    return InvalidArgumentError("a hold's reason is preservation or demand, not '" + reason + "'");
  }
  CANVASS_RETURN_IF_ERROR(store_->GetAgency(agency_id).status());
  Hold h;
  h.id = random_->NewId("hold");
  h.demand_id = demand_id;
  h.agency_id = agency_id;
  h.reason = reason;
  h.scope = scope;
  CANVASS_RETURN_IF_ERROR(CheckScope(&h.scope));
  h.placed_by = legal.id();
  h.placed_at_us = clock_->NowMicros();
  if (reason == "preservation")
    h.expires_at_us = h.placed_at_us + config_.preservation_days * kDayUs;
  Status s = store_->CreateHold(h, HoldEvent(legal, *clock_, "legal.hold_place", h, reason));
  if (s.code() == Code::kAlreadyExists && !demand_id.empty()) {
    return store_->FindHoldByDemand(demand_id);  // placed concurrently for the same demand
  }
  CANVASS_RETURN_IF_ERROR(s);
  return h;
}

StatusOr<Hold> HoldService::Renew(const Principal& legal, const std::string& hold_id) {
  CANVASS_RETURN_IF_ERROR(RequireLegal(legal));
  CANVASS_ASSIGN_OR_RETURN(Hold h, store_->GetHold(hold_id));
  if (!InForce(h)) {
    return FailedPreconditionError("hold " + h.id + " ended (" + h.end_reason + ") at " +
                                   FormatRfc3339(h.ended_at_us) + "; place a new one");
  }
  if (h.reason != "preservation") {
    return FailedPreconditionError("only preservation holds are renewed; hold " + h.id +
                                   " lasts until it is released");
  }
  const int64_t now = clock_->NowMicros();
  if (now >= h.expires_at_us) {
    return FailedPreconditionError("hold " + h.id + " expired at " +
                                   FormatRfc3339(h.expires_at_us) +
                                   "; a hold is renewed before it expires");
  }
  if (h.renewals >= config_.max_renewals) {
    return FailedPreconditionError("hold " + h.id + " was renewed " + std::to_string(h.renewals) +
                                   " time(s) already, the most allowed (retention.max_renewals)");
  }
  const int before = h.renewals;
  h.expires_at_us += config_.renewal_days * kDayUs;
  h.renewals = before + 1;
  CANVASS_RETURN_IF_ERROR(
      store_->RenewHold(h.id, before, h.expires_at_us,
                        HoldEvent(legal, *clock_, "legal.hold_renew", h, "preservation")));
  return h;
}

Status HoldService::End(const Principal& actor, const Hold& hold, const std::string& end_reason) {
  Hold ended = hold;
  ended.ended_at_us = clock_->NowMicros();
  ended.end_reason = end_reason;
  return store_->EndHold(hold.id, ended.ended_at_us, end_reason,
                         HoldEvent(actor, *clock_, "legal.hold_end", ended, end_reason));
}

Status HoldService::Release(const Principal& legal, const std::string& hold_id) {
  CANVASS_RETURN_IF_ERROR(RequireLegal(legal));
  CANVASS_ASSIGN_OR_RETURN(Hold h, store_->GetHold(hold_id));
  if (!InForce(h)) {
    return FailedPreconditionError("hold " + h.id + " ended (" + h.end_reason + ") at " +
                                   FormatRfc3339(h.ended_at_us));
  }
  if (h.expires_at_us > 0 && clock_->NowMicros() >= h.expires_at_us) {
    CANVASS_RETURN_IF_ERROR(End(Principal::System(), h, "expired"));
    return FailedPreconditionError("hold " + h.id + " expired at " +
                                   FormatRfc3339(h.expires_at_us) + "; it has ended");
  }
  return End(legal, h, "released");
}

StatusOr<int> HoldService::ExpireDue() {
  CANVASS_ASSIGN_OR_RETURN(auto holds, store_->ListHolds(/*active_only=*/true));
  const int64_t now = clock_->NowMicros();
  int ended = 0;
  for (const auto& h : holds) {
    if (h.expires_at_us == 0 || now < h.expires_at_us) continue;
    Status s = End(Principal::System(), h, "expired");
    if (s.code() == Code::kFailedPrecondition) continue;  // released meanwhile
    CANVASS_RETURN_IF_ERROR(s);
    ++ended;
  }
  return ended;
}

StatusOr<std::vector<Hold>> HoldService::List(bool active_only) {
  return store_->ListHolds(active_only);
}

StatusOr<Hold> HoldService::Get(const std::string& id) { return store_->GetHold(id); }

}  // namespace canvass::retention
