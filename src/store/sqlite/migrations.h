// Numbered, one-way schema migrations (src/store/sqlite/schema/NNNN_name.sql), applied in order
// at open. The database's PRAGMA user_version is the number of the last one applied.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace canvass::sqlite {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// All migrations, in order (generated at build time).
const std::vector<Migration>& Migrations();

class Connection;
// Applies the missing migrations, each in its own transaction. Refuses a database whose version
// is newer than this build knows ("written by a newer Canvass").
Status Migrate(Connection& conn);
StatusOr<int> ReadSchemaVersion(Connection& conn);

}  // namespace canvass::sqlite
