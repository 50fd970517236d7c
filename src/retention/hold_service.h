// HoldService: legal holds (docs/design/retention.md, "Holds").
//
// A hold keeps clips and plate reads past their retention while it is in force. Legal staff
// place one for a demand (src/legal calls Place when a preservation demand is recorded, or a
// demand is accepted); a "preservation" hold lasts [retention] preservation_days (90) and may
// be renewed max_renewals times (once), each renewal adding renewal_days (90) to the expiry; a
// "demand" hold lasts until released. Every change writes its audit event in the same store
// transaction: legal.hold_place (reason: the hold's reason), legal.hold_renew (preservation),
// legal.hold_end (expired or released); the public agency of each is the requesting agency.
//
// A hold keeps its scope until its legal.hold_end event is written: the maintenance pass ends
// holds past their expiry (ExpireDue) before it purges.
//
// Thread-safety: safe for concurrent use (the store serialises the changes; a lost race is
// FailedPrecondition).
#pragma once

#include <string>
#include <vector>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "retention/hold_rules.h"
#include "store/store.h"

namespace canvass::retention {

using HoldScope = canvass::HoldScope;
using Hold = canvass::Hold;

class HoldService {
 public:
  HoldService(Store* store, const Clock* clock, Random* random, const RetentionConfig& config);

  // Places a hold for the requesting agency. `legal` must be legal staff. reason:
  // "preservation" or "demand". The scope must name at least one account (a resident), camera
  // (a resident's camera or a plate reader) or plate (normalised here), each existing; its range
  // must not end before it starts. Idempotent per demand_id: placing again for the same demand
  // returns the existing hold, whatever its state, and writes nothing.
  StatusOr<Hold> Place(const Principal& legal, const std::string& demand_id,
                       const std::string& agency_id, const std::string& reason,
                       const HoldScope& scope);
  // Preservation holds only, in force and before their expiry, at most max_renewals times:
  // the expiry moves renewal_days later than it was.
  StatusOr<Hold> Renew(const Principal& legal, const std::string& hold_id);
  // Ends a hold in force ("released"). A hold already past its expiry is ended as "expired"
  // instead, and the answer is FailedPrecondition saying so.
  Status Release(const Principal& legal, const std::string& hold_id);
  // Maintenance: ends every hold in force whose expiry has come ("expired"). Returns how many.
  StatusOr<int> ExpireDue();
  StatusOr<std::vector<Hold>> List(bool active_only);
  StatusOr<Hold> Get(const std::string& id);

 private:
  Status CheckScope(HoldScope* scope);
  Status End(const Principal& actor, const Hold& hold, const std::string& end_reason);

  Store* store_;
  const Clock* clock_;
  Random* random_;
  RetentionConfig config_;
};

}  // namespace canvass::retention
