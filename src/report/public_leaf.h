// PublicLeaf: the public fields of one audit-log leaf, as anyone reads them from the log's entry
// bundles (audit/leaf.h has the grammar). Reports are counted from these fields alone, so a
// figure can be re-counted by anyone who has the public log and nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace canvass::report {

struct PublicLeaf {
  std::string type;    // "request.share"
  std::string role;    // the actor's role
  std::string agency;  // the agency the event concerns, or ""
  std::string object;  // the object kind
  std::string reason;  // the reason code, may be ""
  int64_t count = 0;
  int64_t time_s = 0;  // Unix seconds
};

// Parses a canonical leaf (the exact bytes of a log entry). InvalidArgument saying which field
// is malformed; a leaf of another version is refused.
StatusOr<PublicLeaf> ParsePublicLeaf(std::string_view entry);

}  // namespace canvass::report
