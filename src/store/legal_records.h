// Stored types of legal demands (docs/design/legal.md): the demand with its scope and decision,
// its documents, and the notices owed to the owners it touches.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace canvass {

enum class DemandType { kSubpoena, kCourtOrder, kSearchWarrant, kEmergency, kPreservation };
inline constexpr DemandType kAllDemandTypes[] = {DemandType::kSubpoena, DemandType::kCourtOrder,
                                                 DemandType::kSearchWarrant, DemandType::kEmergency,
                                                 DemandType::kPreservation};
std::string_view DemandTypeName(DemandType t);
StatusOr<DemandType> ParseDemandType(std::string_view name);

// recorded -> accepted (possibly narrowed) -> produced; recorded -> rejected.
// A preservation demand ends at accepted (it discloses nothing).
enum class DemandStatus { kRecorded, kAccepted, kRejected, kProduced };
std::string_view DemandStatusName(DemandStatus s);
StatusOr<DemandStatus> ParseDemandStatus(std::string_view name);

// What a demand asks for, or what its documents allow. Stored as JSON (legal/demand_scope.h).
struct DemandScope {
  bool subscriber = false;  // account and camera records
  bool content = false;     // clips, crops, plate reads
  std::vector<std::string> account_ids;
  std::vector<std::string> camera_ids;  // resident cameras or plate readers
  std::vector<std::string> plates;      // normalised plate texts
  int64_t from_us = 0;                  // [from, to): the content's time range
  int64_t to_us = 0;
};

// The stored form of a scope: a JSON object {"subscriber","content","account_ids","camera_ids",
// "plates","from_us","to_us"}. DataLoss when stored text does not parse.
std::string ScopeToJson(const DemandScope& scope);
StatusOr<DemandScope> ScopeFromJson(const std::string& text);

struct Demand {
  std::string id;  // "dem_..."
  DemandType type = DemandType::kSubpoena;
  DemandStatus status = DemandStatus::kRecorded;
  std::string agency_id;           // the requesting agency
  std::string issuing_authority;   // court or office that issued the process
  std::string docket_number;       // docket, warrant or subpoena number
  std::string case_number;         // the agency's case, if given
  DemandScope scope;               // as asked
  DemandScope authorized;          // as the documents allow (transcribed by legal staff)
  DemandScope decided;             // as accepted (narrowed or not); empty until decided
  bool narrowed = false;
  std::string decision_reason;
  std::string decided_by;
  int64_t decided_at_us = 0;
  int64_t issued_at_us = 0;        // the date on the process
  int64_t nondisclosure_until_us = 0;  // a non-disclosure order's end; 0: none
  // Emergency requests: the officer's attestation.
  std::string attestation;         // the officer's statement of imminent danger
  std::string attested_by;         // officer account id
  std::string attestation_signature;  // the officer's typed full name, as signed
  int64_t attested_at_us = 0;
  int64_t followup_due_us = 0;     // set when an emergency disclosure is produced
  std::string followup_demand_id;  // the legal process that followed it
  int64_t flagged_at_us = 0;       // the follow-up deadline passed without process
  std::string follows_demand_id;   // this demand is the process following that emergency
  int64_t users_affected = 0;
  // Production.
  int64_t produced_at_us = 0;
  std::string production_name;     // package file name under legal/productions/
  std::string production_sha256;
  int64_t production_items = 0;
  int64_t production_withheld = 0;  // end-to-end encrypted clips that cannot be produced
  std::string recorded_by;
  int64_t created_at_us = 0;
  int64_t version = 0;  // optimistic concurrency: UpdateDemand checks and increments it
};

struct DemandDocument {
  std::string id;  // "doc_..."
  std::string demand_id;
  std::string filename;  // as uploaded, for display
  std::string sha256;    // hex, of the bytes
  int64_t size_bytes = 0;
  std::string uploaded_by;
  int64_t uploaded_at_us = 0;
};

enum class NoticeStatus { kPending, kDeferred, kSent };
std::string_view NoticeStatusName(NoticeStatus s);
StatusOr<NoticeStatus> ParseNoticeStatus(std::string_view name);

// One owner owed notice of one demand.
struct DemandNotice {
  std::string demand_id;
  std::string account_id;
  NoticeStatus status = NoticeStatus::kPending;
  int64_t due_at_us = 0;  // deferred: when the non-disclosure order ends
  int64_t sent_at_us = 0;
};

}  // namespace canvass
