// VerifyLog: what `canvass audit verify` does, over any source of the log's files (HTTP or an
// offline copy). It fetches the signed checkpoint, checks the signature and origin, fetches every
// level-0 tile and entry bundle, checks each entry against its tile hash, parses each entry as a
// leaf, recomputes the root and every higher tile from the leaves, and compares. With the
// checkpoint it saw last time (a witness's state), it also checks that the old tree is a prefix of
// the new one: the log did not fork or rewrite history.
//
// Failures are DataLoss naming the first bad place ("entry 1234: ..."), or Unauthenticated for a
// bad signature.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "audit/note.h"
#include "audit/tiles.h"

namespace canvass {

struct LogVerification {
  audit::Checkpoint checkpoint;
  std::string checkpoint_note;
  uint64_t entries_checked = 0;
  uint64_t tiles_checked = 0;
};

// `fetch` takes paths relative to the log root: "checkpoint", "tile/0/000", "tile/entries/000".
// It is called from the calling thread only, in order; the checks of the fetched tiles run on
// all cores (`threads`, 0: one per core) while later tiles are being fetched.
StatusOr<LogVerification> VerifyLog(const audit::TileFetcher& fetch, const audit::Verifier& key,
                                    const std::optional<audit::Checkpoint>& previous,
                                    int threads = 0);

// Checks that an entry is a well-formed public leaf (audit/leaf.h): a JSON object with exactly
// the leaf's fields and types, v = 1.
Status CheckLeafShape(std::string_view entry);

}  // namespace canvass
