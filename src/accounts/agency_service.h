// AgencyService: law-enforcement agencies. An admin creates each one with its jurisdiction and
// verifies it; until then its officers can sign in but cannot act (RequireVerifiedAgency).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include "auth/principal.h"
#include "common/clock.h"
#include "common/random.h"
#include "store/store.h"

namespace canvass {

struct NewAgency {
  std::string name;
  std::string state;
  bool federal = false;
  std::vector<LatLng> boundary;
};

class AgencyService {
 public:
  AgencyService(Store* store, const Clock* clock, Random* random)
      : store_(store), clock_(clock), random_(random) {}

  StatusOr<Agency> Create(const Principal& actor, const NewAgency& in);
  Status Verify(const Principal& actor, const std::string& id);
  // Admins see every agency; agency members their own; others none (NotFound).
  StatusOr<Agency> Get(const Principal& actor, const std::string& id);
  StatusOr<std::vector<Agency>> List(const Principal& actor);

 private:
  Store* store_;
  const Clock* clock_;
  Random* random_;
};

// FailedPrecondition unless the principal belongs to a verified agency.
Status RequireVerifiedAgency(const Principal& p);

}  // namespace canvass
