// Who may search (and match hot lists against) whose plate reads (docs/design/plates.md,
// "Sharing"). An agency always reaches its own reads; another agency's reads only through an
// agreement that agency made, and only as far as the owner's state law allows:
//
//   scope "agency"    one named agency
//   scope "in_state"  every agency of the owner's state
//   scope "states"    every agency of the named states
//   scope "distance"  every agency whose jurisdiction's centre lies within distance_m of the
//                     owner's
//
// State rules (config [plates]): where out_of_state_sharing is off (California by default) no
// agreement reaches an agency of another state; where federal_sharing is off no agreement reaches
// a federal agency. Federal agencies share and receive one to one at most: only "agency"
// agreements involve them.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "store/plate_records.h"
#include "store/records.h"

namespace canvass::plates {

// True if `searcher` may search the reads of `owner`.
bool MaySearch(const Agency& searcher, const Agency& owner,
               const std::vector<SharingAgreement>& agreements, const PlatesConfig& config);

// The ids of every agency in `all` whose reads `searcher` may search (itself first).
std::vector<std::string> SearchableAgencies(const Agency& searcher, const std::vector<Agency>& all,
                                            const std::vector<SharingAgreement>& agreements,
                                            const PlatesConfig& config);

// Checks an agreement's shape before it is stored: scope known, its parameters present, states
// valid, a federal party only one to one, and nothing the owner's state forbids.
Status ValidateAgreement(const SharingAgreement& a, const Agency& from, const Agency* to,
                         const PlatesConfig& config);

}  // namespace canvass::plates
