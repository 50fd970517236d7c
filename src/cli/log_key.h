// The audit log's public key file (as served at GET /audit/key), read for the commands that
// verify the log: `canvass audit verify` and `canvass report verify`.
#pragma once

#include <string>

#include "audit/note.h"
#include "common/file_system.h"
#include "common/status.h"

namespace canvass::cli {

inline StatusOr<audit::Verifier> ReadLogKey(const std::string& path) {
  CANVASS_ASSIGN_OR_RETURN(std::string text, FileSystem::Posix()->ReadFile(path));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return audit::Verifier::Parse(text);
}

}  // namespace canvass::cli
