#include "legal/demand_rules.h"

#include <algorithm>
#include <set>

#include "common/random.h"
#include "common/time_format.h"
#include "plates/plate_text.h"

namespace canvass::legal {

namespace {

Status CheckIds(std::vector<std::string>* ids, std::string_view list, std::string_view what,
                std::initializer_list<std::string_view> prefixes) {
  if (ids->size() > kMaxScopeIds) {
    return InvalidArgumentError(std::string(what) + "." + std::string(list) + " names more than " +
                                std::to_string(kMaxScopeIds) + " entries");
  }
  for (const auto& id : *ids) {
    bool ok = std::any_of(prefixes.begin(), prefixes.end(),
                          [&](std::string_view p) { return IsWellFormedId(id, p); });
    if (!ok) {
      return InvalidArgumentError(std::string(what) + "." + std::string(list) + ": '" + id +
                                  "' is not a well-formed id");
    }
  }
  std::sort(ids->begin(), ids->end());
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  return OkStatus();
}

bool Contains(const std::vector<std::string>& sorted_or_not, const std::string& x) {
  return std::find(sorted_or_not.begin(), sorted_or_not.end(), x) != sorted_or_not.end();
}

}  // namespace

bool Discloses(DemandType type) { return type != DemandType::kPreservation; }

Status ValidateScope(DemandType type, DemandScope* s, std::string_view what) {
  const std::string w(what);
  CANVASS_RETURN_IF_ERROR(CheckIds(&s->account_ids, "account_ids", what, {"acc"}));
  CANVASS_RETURN_IF_ERROR(CheckIds(&s->camera_ids, "camera_ids", what, {"cam", "lpr"}));
  if (s->plates.size() > kMaxScopeIds) {
    return InvalidArgumentError(w + ".plates names more than " + std::to_string(kMaxScopeIds) +
                                " entries");
  }
  for (auto& p : s->plates) {
    auto norm = plates::NormalizePlate(p);
    if (!norm.ok()) return InvalidArgumentError(w + ".plates: " + norm.status().message());
    p = *norm;
  }
  std::sort(s->plates.begin(), s->plates.end());
  s->plates.erase(std::unique(s->plates.begin(), s->plates.end()), s->plates.end());
  if (s->account_ids.empty() && s->camera_ids.empty() && s->plates.empty()) {
    return InvalidArgumentError(w + " names no account, camera or plate");
  }
  if (Discloses(type) && !s->subscriber && !s->content) {
    return InvalidArgumentError(w + " asks for nothing: set subscriber, content or both");
  }
  if (!Discloses(type) && (s->subscriber || s->content)) {
    return InvalidArgumentError(
        "a preservation demand discloses nothing: its " + w +
        " names what to preserve, with neither subscriber nor content set");
  }
  const bool needs_range = s->content || !Discloses(type);
  if (needs_range && (s->from_us <= 0 || s->to_us <= s->from_us)) {
    return InvalidArgumentError(w + " needs a time range with from before to");
  }
  if (!needs_range && (s->from_us != 0 || s->to_us != 0) && s->to_us <= s->from_us) {
    return InvalidArgumentError(w + " has a time range whose from is not before its to");
  }
  if (!s->plates.empty() && !s->content && Discloses(type)) {
    return InvalidArgumentError(w + " names plates but not content: plate reads are content");
  }
  return OkStatus();
}

Status CheckTypeAllows(DemandType type, const DemandScope& s) {
  const std::string t(DemandTypeName(type));
  if (s.content && type != DemandType::kSearchWarrant && type != DemandType::kEmergency) {
    return PermissionDeniedError(
        "content (clips, crops, plate reads) needs a search warrant or the owner's consent; a " +
        t + " cannot compel it");
  }
  if (s.subscriber && type == DemandType::kPreservation) {
    return PermissionDeniedError("a preservation request compels no disclosure");
  }
  return OkStatus();
}

Status CheckWithin(const DemandScope& in, std::string_view in_name, const DemandScope& out,
                   std::string_view out_name) {
  const std::string a(in_name), b(out_name);
  auto beyond = [&](const std::string& what) {
    return PermissionDeniedError(a + " goes beyond " + b + ": " + what);
  };
  if (in.subscriber && !out.subscriber) return beyond("subscriber data is not allowed");
  if (in.content && !out.content) return beyond("content is not allowed");
  for (const auto& id : in.account_ids) {
    if (!Contains(out.account_ids, id)) return beyond("account " + id);
  }
  for (const auto& id : in.camera_ids) {
    if (!Contains(out.camera_ids, id)) return beyond("camera " + id);
  }
  for (const auto& p : in.plates) {
    if (!Contains(out.plates, p)) return beyond("plate " + p);
  }
  const bool in_range = in.from_us != 0 || in.to_us != 0;
  const bool out_range = out.from_us != 0 || out.to_us != 0;
  if (out_range && !in_range) return beyond("all time, where only a time range is allowed");
  if (in_range && out_range && (in.from_us < out.from_us || in.to_us > out.to_us)) {
    return beyond("the time range " + FormatRfc3339(in.from_us) + " to " +
                  FormatRfc3339(in.to_us) + " is not within " + FormatRfc3339(out.from_us) +
                  " to " + FormatRfc3339(out.to_us));
  }
  return OkStatus();
}

}  // namespace canvass::legal
