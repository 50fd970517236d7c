#include "cli/demo_script.h"

#include "common/clock.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

namespace canvass::cli {

namespace {

constexpr const char* kLiveResidents[] = {"resident.elm", "resident.oak", "resident.maple"};

std::string CaseNumber(int episode) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "SPD-2026-05%03d", episode % 1000);
  return buf;
}

StatusOr<Camera> FirstCamera(api::Services& s, const std::string& username) {
  CANVASS_ASSIGN_OR_RETURN(Account a, s.store->FindAccountByUsername(username));
  CANVASS_ASSIGN_OR_RETURN(auto cams, s.store->ListCamerasByOwner(a.id));
  if (cams.empty()) return NotFoundError("demo resident " + username + " has no camera");
  return cams.front();
}

}  // namespace

DemoScript::DemoScript(api::Services& services, std::vector<DemoAccount> accounts)
    : s_(services), accounts_(std::move(accounts)) {}

void DemoScript::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  cv_.notify_all();
}

bool DemoScript::WaitFor(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopped_; });
}

void DemoScript::Run(std::chrono::milliseconds first, std::chrono::milliseconds period) {
  if (!WaitFor(first)) return;
  const auto beat_gap = period / (2 * kBeats);
  for (int episode = 1;; ++episode) {
    for (int beat = 0; beat < kBeats; ++beat) {
      Status st = PlayBeat(episode, beat);
      if (!st.ok()) spdlog::warn("demo script: episode {} beat {}: {}", episode, beat, st.message());
      if (!WaitFor(beat_gap)) return;
    }
    if (!WaitFor(period - kBeats * beat_gap)) return;
  }
}

Status DemoScript::PlayBeat(int episode, int beat) {
  switch (beat) {
    case 0:
      return FileRequest(episode);
    case 1:
      return Answer(episode);
    case 2:
      return TriageHit(episode);
    case 3:
      return Preserve(episode);
    default:
      return InvalidArgumentError("beat must be 0 to " + std::to_string(kBeats - 1));
  }
}

Status DemoScript::FileRequest(int episode) {
  CANVASS_ASSIGN_OR_RETURN(Principal officer, DemoPrincipal(s_, accounts_, "ofc.chen"));
  // Centred on the three homes whose cameras the agents watch, wide enough to hold them all.
  std::vector<LatLng> homes;
  for (const char* r : kLiveResidents) {
    CANVASS_ASSIGN_OR_RETURN(Camera c, FirstCamera(s_, r));
    homes.push_back(c.location);
  }
  LatLng centre{0, 0};
  for (const LatLng& h : homes) {
    centre.lat_deg += h.lat_deg / static_cast<double>(homes.size());
    centre.lng_deg += h.lng_deg / static_cast<double>(homes.size());
  }
  const int64_t now = s_.clock->NowMicros();
  window_from_us_ = now - 15 * kMinuteUs;
  window_to_us_ = now;
  const bool burglary = episode % 2 == 1;
  requests::RequestInput in{CaseNumber(episode),
                            burglary ? "burglary" : "vehicle_theft",
                            burglary ? "Package taken from a porch in the last quarter hour; "
                                       "looking for a person on foot with a parcel."
                                     : "A car was broken into and driven off; any camera facing "
                                       "the street in the last quarter hour may have it.",
                            centre,
                            500,
                            window_from_us_,
                            window_to_us_};
  CANVASS_ASSIGN_OR_RETURN(auto filed, s_.requests->File(officer, in));
  if (!filed.request) {
    return FailedPreconditionError("request refused: " + filed.decision.FailureSummary());
  }
  request_id_ = filed.request->id;
  if (filed.request->status == RequestStatus::kPendingApproval) {
    CANVASS_ASSIGN_OR_RETURN(Principal sergeant, DemoPrincipal(s_, accounts_, "sgt.miller"));
    CANVASS_RETURN_IF_ERROR(
        s_.requests->Approve(sergeant, request_id_, "Recent theft; the window is short").status());
  }
  spdlog::info("demo script: episode {}: {} filed footage request {} ({})", episode, "ofc.chen",
               request_id_, in.case_number);
  return OkStatus();
}

Status DemoScript::Answer(int episode) {
  if (request_id_.empty()) return FailedPreconditionError("no request filed this episode");
  CANVASS_ASSIGN_OR_RETURN(Principal elm, DemoPrincipal(s_, accounts_, "resident.elm"));
  auto detail = s_.requests->InboxItem(elm, request_id_);
  if (!detail.ok() && detail.status().code() != Code::kNotFound) return detail.status();
  if (!detail.ok() || detail->clips.empty()) {  // NotFound: not asked, no clip in the area
    spdlog::info("demo script: episode {}: Elm St has no clip in the window to share", episode);
  } else {
    const Clip& newest = *std::max_element(
        detail->clips.begin(), detail->clips.end(),
        [](const Clip& a, const Clip& b) { return a.started_at_us < b.started_at_us; });
    requests::ShareOptions share;
    share.contact = requests::Contact{"Elm St household", "", "elm@example.org"};
    CANVASS_RETURN_IF_ERROR(s_.shares->ShareClips(elm, request_id_, {newest.id}, share).status());
    spdlog::info("demo script: episode {}: Elm St shared a clip with {}", episode, request_id_);
  }
  CANVASS_ASSIGN_OR_RETURN(Principal maple, DemoPrincipal(s_, accounts_, "resident.maple"));
  Status declined = s_.requests->Decline(maple, request_id_);
  if (declined.ok()) spdlog::info("demo script: episode {}: Maple St declined", episode);
  return OkStatus();  // Maple St may have had no clip to be asked about; Oak St never answers
}

Status DemoScript::TriageHit(int episode) {
  CANVASS_ASSIGN_OR_RETURN(Principal officer, DemoPrincipal(s_, accounts_, "ofc.chen"));
  CANVASS_ASSIGN_OR_RETURN(auto hits, s_.plates->ListHits(officer, 50));
  auto fresh = std::find_if(hits.begin(), hits.end(), [](const plates::HitView& h) {
    return h.hit.status == "new" && h.read.has_value();
  });
  if (fresh == hits.end()) {
    spdlog::info("demo script: episode {}: no unreviewed hot-list hit", episode);
    return OkStatus();
  }
  const std::string verdict = episode % 3 == 0 ? "misread" : "confirmed";
  CANVASS_RETURN_IF_ERROR(s_.plates->DecideHit(officer, fresh->hit.id, verdict));
  if (verdict == "misread") {
    spdlog::info("demo script: episode {}: hit {} marked misread", episode, fresh->hit.id);
    return OkStatus();
  }
  plates::SearchInput q;
  q.mode = plates::PlateSearchMode::kExact;
  q.text = fresh->read->plate;
  q.from_us = s_.clock->NowMicros() - 24 * 60 * kMinuteUs;
  q.to_us = s_.clock->NowMicros();
  q.offense_type = "motor_vehicle_theft";
  q.reason = "Confirmed hot-list hit: where else was the stolen car seen today?";
  q.case_number = CaseNumber(episode);
  CANVASS_ASSIGN_OR_RETURN(auto found, s_.plates->Search(officer, q));
  if (found.decision.verdict != policy::PolicyDecision::Verdict::kAllowed) {
    return FailedPreconditionError("plate search refused: " + found.decision.FailureSummary());
  }
  spdlog::info("demo script: episode {}: hit {} confirmed; plate search found {} reads", episode,
               fresh->hit.id, found.reads.size());
  return OkStatus();
}

Status DemoScript::Preserve(int episode) {
  CANVASS_ASSIGN_OR_RETURN(Principal legal, DemoPrincipal(s_, accounts_, "legal"));
  CANVASS_ASSIGN_OR_RETURN(Principal officer, DemoPrincipal(s_, accounts_, "ofc.chen"));
  // Records a demand of the agency under this episode's case and accepts it as it stands.
  auto record_and_accept = [&](legal::DemandInput in, const std::string& docket,
                               const std::string& reason) -> StatusOr<Demand> {
    in.agency_id = officer.AgencyId();
    in.docket_number = docket + CaseNumber(episode);
    in.case_number = CaseNumber(episode);
    in.authorized = in.scope;
    CANVASS_ASSIGN_OR_RETURN(Demand d, s_.demands->Record(legal, in));
    CANVASS_RETURN_IF_ERROR(
        s_.demands->Decide(legal, d.id, {legal::Decision::Outcome::kAccept, reason, std::nullopt})
            .status());
    return d;
  };
  CANVASS_ASSIGN_OR_RETURN(Camera elm, FirstCamera(s_, "resident.elm"));
  const int64_t now = s_.clock->NowMicros();
  legal::DemandInput keep;
  keep.type = DemandType::kPreservation;
  keep.issuing_authority = "Springfield Police Department";
  keep.scope.camera_ids = {elm.id};  // preserve what it holds; disclose nothing
  keep.scope.from_us = window_from_us_ != 0 ? window_from_us_ : now - 15 * kMinuteUs;
  keep.scope.to_us = window_to_us_ != 0 ? window_to_us_ : now;
  CANVASS_ASSIGN_OR_RETURN(
      Demand d, record_and_accept(keep, "PRES-",
                                  "Preservation letter for the incident window; preserves, "
                                  "discloses nothing."));
  spdlog::info("demo script: episode {}: legal accepted preservation {}", episode, d.id);
  if (episode % 2 != 0) return OkStatus();
  CANVASS_ASSIGN_OR_RETURN(Account maple, s_.store->FindAccountByUsername("resident.maple"));
  legal::DemandInput sub;
  sub.type = DemandType::kSubpoena;
  sub.issuing_authority = "Sangamon County State's Attorney";
  sub.scope.subscriber = true;
  sub.scope.account_ids = {maple.id};
  CANVASS_ASSIGN_OR_RETURN(
      Demand d2, record_and_accept(sub, "GJ-", "Grand jury subpoena for the subscriber record only."));
  spdlog::info("demo script: episode {}: legal accepted subpoena {} (owner told)", episode, d2.id);
  return OkStatus();
}

}  // namespace canvass::cli
