// RequestService: community footage requests from filing to expiry (docs/design/requests.md).
//
//  1. An officer of a verified agency files a request. The policy (src/policy) evaluates every
//     rule; a refused request is not stored but its decision is logged; one that needs approval
//     waits for a supervisor of the same agency (not the filer); an allowed one is matched at once.
//  2. Matching: the cameras whose owners accept requests, within the radius, with a clip that
//     overlaps the window (MatchIndex, kept current through InventoryListener). Each owner gets
//     one inbox entry listing their matched cameras, and a live event.
//  3. Police see counts only, each below kSmallCount reported as "fewer than 5" by the wire
//     layer; never who was asked or how anyone answered.
//  4. Requests are closed by the agency or expire; never deleted. Pending answers expire with
//     them.
//
// Every step writes its audit event in the same transaction as its change.
// Thread-safety: safe for concurrent use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "clips/inventory_listener.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "events/event_hub.h"
#include "policy/request_policy.h"
#include "requests/match_index.h"
#include "store/store.h"

namespace canvass::requests {

// Counts below this are shown to police and the public as "fewer than 5".
inline constexpr int64_t kSmallCount = 5;

struct RequestInput {
  std::string case_number;
  std::string incident_type;
  std::string description;
  LatLng center;
  double radius_m = 0;
  int64_t from_us = 0;
  int64_t to_us = 0;
  int expiry_h = 0;  // 0: the policy's expiry; else 1 to it (an officer may ask for less time)
};

struct FiledRequest {
  std::optional<FootageRequest> request;  // unset when refused
  policy::PolicyDecision decision;
};

// A request as its agency sees it.
struct AgencyView {
  FootageRequest request;
  RequestCounts counts;
};

// A request as the public feed shows it: area rounded, counts only.
struct PublicView {
  FootageRequest request;  // case number, officer and decision cleared; center rounded
  std::string agency_name;
  RequestCounts counts;
};

// A request as an owner who was asked sees it.
struct InboxEntry {
  FootageRequest request;  // case number, officer and decision cleared
  std::string agency_name;
  RequestNotification notification;
};

struct InboxDetail {
  InboxEntry entry;
  std::vector<Clip> clips;  // the owner's clips on the matched cameras that overlap the window
};

class RequestService : public InventoryListener {
 public:
  RequestService(Store* store, const Clock* clock, Random* random, const RequestsConfig& config,
                 EventHub* hub);

  // Builds the matching index from the store. Call once before serving.
  Status LoadIndex();
  const MatchIndex& index() const { return index_; }

  // --- police ---
  StatusOr<FiledRequest> File(const Principal& officer, const RequestInput& in);
  StatusOr<AgencyView> Approve(const Principal& supervisor, const std::string& id,
                               const std::string& note);
  StatusOr<AgencyView> Reject(const Principal& supervisor, const std::string& id,
                              const std::string& note);
  StatusOr<AgencyView> Close(const Principal& member, const std::string& id);
  StatusOr<AgencyView> Get(const Principal& member, const std::string& id);
  StatusOr<std::vector<AgencyView>> List(const Principal& member, int limit);

  // --- public ---
  StatusOr<std::vector<PublicView>> PublicFeed(int64_t before_us, int limit);

  // --- owners ---
  StatusOr<std::vector<InboxEntry>> Inbox(const Principal& owner, int limit);
  StatusOr<InboxDetail> InboxItem(const Principal& owner, const std::string& request_id);
  Status Decline(const Principal& owner, const std::string& request_id);

  // --- maintenance ---
  // Expires requests past their expiry (and their pending answers). Returns how many.
  StatusOr<int> ExpireDue();

  // --- InventoryListener: keeps the index current ---
  void CameraChanged(const Camera& camera) override;
  void CameraDeleted(const Camera& camera) override;
  void ClipAdded(const Clip& clip) override;
  void ClipDeleted(const Clip& clip) override;

 private:
  // The request, if it belongs to the member's agency (NotFound otherwise).
  StatusOr<FootageRequest> AgencyRequest(const Principal& member, const std::string& id);
  StatusOr<AgencyView> ViewOf(FootageRequest r);
  // Matches the request and builds one notification per owner.
  StatusOr<std::vector<RequestNotification>> Notifications(const FootageRequest& r,
                                                           int64_t* cameras);
  AuditEvent NotifyEvent(const Principal& actor, const FootageRequest& r,
                         const std::vector<RequestNotification>& ns, int64_t cameras);
  void PublishToOwners(const FootageRequest& r, const std::vector<RequestNotification>& ns);
  StatusOr<AgencyView> Decide(const Principal& supervisor, const std::string& id,
                              const std::string& note, bool approve);
  std::string AgencyName(const std::string& agency_id);

  Store* store_;
  const Clock* clock_;
  Random* random_;
  RequestsConfig config_;
  EventHub* hub_;
  MatchIndex index_;
};

// What owners and the public may see of a request: no case number, officer or decision.
FootageRequest RedactForOutsiders(FootageRequest r);

}  // namespace canvass::requests
