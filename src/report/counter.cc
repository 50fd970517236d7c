#include "report/counter.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace canvass::report {
namespace {

// The vocabulary the report always lists (docs/design/legal.md, "Public leaves"), so a zero is
// published as a zero rather than left out. Values seen in the log beyond these are listed after
// them, sorted.
constexpr std::string_view kDemandKinds[] = {"subpoena", "court_order", "search_warrant",
                                             "emergency", "preservation"};
constexpr std::string_view kDemandOutcomes[] = {"accepted", "narrowed", "rejected"};
// retention.purge (object clip) and plate.purge (object plate_read, crops deleted with their
// reads): docs/design/retention.md, "Logged in aggregate".
constexpr std::string_view kDeletedObjects[] = {"clip", "plate_read"};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsPurge(std::string_view type) { return EndsWith(type, ".purge"); }

// A reason used as part of a figure's name: never empty.
std::string NamePart(const std::string& reason) { return reason.empty() ? "unspecified" : reason; }

// Sums per figure, then lays them out in publishing order.
class Tally {
 public:
  void Add(const std::string& name, int64_t n) { sums_[name] += n; }
  void Seen(const std::string& group, const std::string& name) { groups_[group].insert(name); }

  void Emit(const std::string& name, bool residents) {
    auto it = sums_.find(name);
    out_.push_back({name, it == sums_.end() ? 0 : it->second, residents});
  }
  // The names always listed, in order, then the others seen in `group`, sorted.
  void EmitGroup(const std::string& group, const std::vector<std::string>& always) {
    for (const auto& n : always) Emit(n, false);
    for (const auto& n : groups_[group]) {
      if (std::find(always.begin(), always.end(), n) == always.end()) Emit(n, false);
    }
  }
  std::vector<Figure> Take() { return std::move(out_); }

 private:
  std::map<std::string, int64_t> sums_;
  std::map<std::string, std::set<std::string>> groups_;
  std::vector<Figure> out_;
};

}  // namespace

bool CountsTowardReports(std::string_view type) {
  return type.starts_with("request.") || type.starts_with("legal.") ||
         type.starts_with("plate.search") || type.starts_with("plate.hit") ||
         type.starts_with("plate.agreement_") || IsPurge(type);
}

std::vector<Figure> CountFigures(std::span<const PublicLeaf> leaves, const Period& period,
                                 std::string_view agency) {
  Tally t;
  int64_t agreements_at_end = 0;
  for (const PublicLeaf& l : leaves) {
    if (!agency.empty() && l.agency != agency) continue;
    if (l.time_s < period.to_s) {
      if (l.type == "plate.agreement_create") ++agreements_at_end;
      if (l.type == "plate.agreement_revoke") --agreements_at_end;
    }
    if (!period.Contains(l.time_s)) continue;
    const std::string& y = l.type;
    if (y == "request.file") {
      t.Add("requests.filed", 1);
    } else if (y == "request.refuse") {
      t.Add("requests.refused_by_policy", 1);
    } else if (y == "request.notify") {
      t.Add("requests.cameras_asked", l.count);
    } else if (y == "request.share") {
      t.Add("requests.shares", 1);
      t.Add("requests.clips_shared", l.count);
    } else if (y == "request.decline") {
      t.Add("requests.declines", 1);
    } else if (y == "legal.demand_record") {
      const std::string name = "demands.received." + NamePart(l.reason);
      t.Add(name, 1);
      t.Seen("received", name);
    } else if (y == "legal.demand_decide") {
      const std::string name = "demands." + NamePart(l.reason);
      t.Add(name, 1);
      t.Seen("decided", name);
      t.Add("demands.users_affected", l.count);
    } else if (y == "legal.notice") {
      t.Add("demands.users_notified", 1);
    } else if (y == "legal.produce") {
      if (l.reason == "emergency") t.Add("emergencies.disclosures", 1);
    } else if (y == "legal.emergency_followup") {
      t.Add("emergencies.followed_up", 1);
    } else if (y == "legal.emergency_flag") {
      t.Add("emergencies.flagged", 1);
    } else if (y == "plate.search") {
      const std::string name = "plates.searches." + NamePart(l.reason);
      t.Add(name, 1);
      t.Seen("searches", name);
    } else if (y == "plate.search_refuse") {
      t.Add("plates.searches_refused", 1);
    } else if (y == "plate.hit") {
      t.Add("plates.hits", 1);
    } else if (y == "plate.hit_confirmed") {
      t.Add("plates.hits_confirmed", 1);
    } else if (y == "plate.hit_misread") {
      t.Add("plates.misreads", 1);
    } else if (y == "plate.agreement_create") {
      t.Add("agreements.created", 1);
    } else if (y == "plate.agreement_revoke") {
      t.Add("agreements.revoked", 1);
    } else if (IsPurge(y)) {
      const std::string name = "deletions." + NamePart(l.object);
      t.Add(name, l.count);
      t.Seen("deletions", name);
    }
  }
  t.Add("agreements.active_at_end", std::max<int64_t>(0, agreements_at_end));

  t.Emit("requests.filed", false);
  t.Emit("requests.refused_by_policy", false);
  t.Emit("requests.cameras_asked", true);
  t.Emit("requests.shares", true);
  t.Emit("requests.clips_shared", true);
  t.Emit("requests.declines", true);
  std::vector<std::string> received, decided;
  for (auto kind : kDemandKinds) {
    received.push_back("demands.received." + std::string(kind));
    for (auto outcome : kDemandOutcomes) {
      decided.push_back("demands." + std::string(kind) + "." + std::string(outcome));
    }
  }
  t.EmitGroup("received", received);
  t.EmitGroup("decided", decided);
  t.Emit("demands.users_affected", true);
  t.Emit("demands.users_notified", true);
  t.Emit("emergencies.disclosures", false);
  t.Emit("emergencies.followed_up", false);
  t.Emit("emergencies.flagged", false);
  t.EmitGroup("searches", {});
  t.Emit("plates.searches_refused", false);
  t.Emit("plates.hits", false);
  t.Emit("plates.hits_confirmed", false);
  t.Emit("plates.misreads", false);
  t.Emit("agreements.created", false);
  t.Emit("agreements.revoked", false);
  t.Emit("agreements.active_at_end", false);
  std::vector<std::string> deleted;
  for (auto object : kDeletedObjects) deleted.push_back("deletions." + std::string(object));
  t.EmitGroup("deletions", deleted);
  return t.Take();
}

Report Count(std::span<const PublicLeaf> leaves, const Period& period, std::string_view agency,
             CountedAt checkpoint) {
  Report r;
  r.period = period;
  r.agency = std::string(agency);
  r.checkpoint = std::move(checkpoint);
  r.figures = CountFigures(leaves, period, agency);
  return r;
}

}  // namespace canvass::report
