// DemandService: legal demands as the operator's legal staff handle them, and emergency
// requests as officers file them (docs/design/legal.md).
//
//   legal staff  record a demand with its documents, accept, narrow or reject it with a reason;
//                link the legal process that follows an emergency disclosure
//   officers     file an emergency request with a signed attestation; see their agency's demands
//   residents    see every demand they were told of
//   everyone     sees emergency disclosures and whether process followed (public feed)
//
// Accepting a demand places a hold on its scope (retention::HoldService) and notifies every
// owner it touches, unless a non-disclosure order defers the notice until its end date; the
// maintenance loop sends deferred notices when they fall due and flags emergency disclosures
// whose follow-up process did not arrive in time. Productions are ProductionService's.
//
// Thread-safety: safe for concurrent use (the store's versions arbitrate concurrent decisions).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/file_system.h"
#include "common/random.h"
#include "events/event_hub.h"
#include "retention/hold_service.h"
#include "store/store.h"

namespace canvass::legal {

struct DemandInput {
  DemandType type = DemandType::kSubpoena;
  std::string agency_id;
  std::string issuing_authority;
  std::string docket_number;
  std::string case_number;
  int64_t issued_at_us = 0;
  int64_t nondisclosure_until_us = 0;
  DemandScope scope;
  DemandScope authorized;
  std::string follows_demand_id;  // the emergency disclosure this process follows, if any
};

struct EmergencyInput {
  std::string case_number;
  std::string attestation;  // the facts: who is in danger of what, and why now
  std::string signature;    // the officer's full name, typed as a signature
  bool imminent_danger = false;  // "I attest ... imminent danger of death or serious injury"
  DemandScope scope;        // what is needed; legal staff may narrow it
};

struct Decision {
  enum class Outcome { kAccept, kNarrow, kReject };
  Outcome outcome = Outcome::kReject;
  std::string reason;
  std::optional<DemandScope> scope;  // kNarrow: the narrowed scope
};

struct DemandView {
  Demand demand;
  std::vector<DemandDocument> documents;
  std::vector<DemandNotice> notices;  // legal staff only
};

// What a resident is told of a demand that touched their data.
struct ResidentDemandView {
  Demand demand;
  std::string agency_name;
  DemandNotice notice;
  std::vector<std::string> my_account_ids;  // of the decided scope, theirs only
  std::vector<std::string> my_camera_ids;
};

class DemandService {
 public:
  DemandService(Store* store, FileSystem* fs, const Clock* clock, Random* random,
                const LegalConfig& config, retention::HoldService* holds, EventHub* hub,
                std::string data_dir);
  Status Init();  // creates legal/documents under the data directory

  // --- legal staff ---
  StatusOr<Demand> Record(const Principal& legal, DemandInput in);
  StatusOr<DemandDocument> AttachDocument(const Principal& legal, const std::string& demand_id,
                                          const std::string& filename, const std::string& pdf);
  StatusOr<std::string> ReadDocument(const Principal& legal, const std::string& demand_id,
                                     const std::string& document_id, DemandDocument* doc);
  StatusOr<Demand> Decide(const Principal& legal, const std::string& id, Decision decision);
  StatusOr<Demand> LinkFollowup(const Principal& legal, const std::string& emergency_id,
                                const std::string& followup_id);

  // --- legal staff (every demand) and agency members (their agency's, without notices) ---
  StatusOr<DemandView> Get(const Principal& p, const std::string& id);
  StatusOr<std::vector<Demand>> List(const Principal& p, const std::string& agency_id,
                                     const std::string& type, int limit);

  // --- officers ---
  StatusOr<Demand> FileEmergency(const Principal& officer, EmergencyInput in);

  // --- residents ---
  StatusOr<std::vector<ResidentDemandView>> ForResident(const Principal& resident, int limit);

  // --- public: emergency disclosures and their follow-up ---
  StatusOr<std::vector<Demand>> PublicEmergencies(int limit);

  // --- maintenance ---
  StatusOr<int> SendDueNotices();
  StatusOr<int> FlagOverdueEmergencies();

  // The resident accounts a scope touches: its accounts and the owners of its cameras.
  StatusOr<std::vector<std::string>> AffectedAccounts(const DemandScope& scope);

 private:
  Status RequireLegal(const Principal& p) const;
  Status CheckTargetsExist(const DemandScope& scope, const std::string& what);
  AuditEvent Event(const Principal& actor, const Demand& d, std::string type) const;
  void PushNotice(const DemandNotice& n, const Demand& d);

  Store* store_;
  FileSystem* fs_;
  const Clock* clock_;
  Random* random_;
  LegalConfig config_;
  retention::HoldService* holds_;
  EventHub* hub_;
  std::string data_dir_;
};

}  // namespace canvass::legal
