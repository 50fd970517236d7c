#include "store/sqlite/migrations.h"

#include "store/sqlite/connection.h"

namespace canvass::sqlite {

StatusOr<int> ReadSchemaVersion(Connection& conn) {
  CANVASS_ASSIGN_OR_RETURN(Statement st, conn.Prepare("PRAGMA user_version"));
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return InternalError("PRAGMA user_version returned nothing");
  return static_cast<int>(st.Int(0));
}

Status Migrate(Connection& conn) {
  CANVASS_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(conn));
  const auto& all = Migrations();
  int latest = all.empty() ? 0 : all.back().version;
  if (current > latest) {
    return FailedPreconditionError("database schema version " + std::to_string(current) +
                                   " was written by a newer Canvass (this one knows up to " +
                                   std::to_string(latest) + "); upgrade canvass");
  }
  for (const Migration& m : all) {
    if (m.version <= current) continue;
    CANVASS_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
    Status s = conn.Exec(m.sql);
    if (s.ok()) s = conn.Exec("PRAGMA user_version = " + std::to_string(m.version));
    if (s.ok()) s = conn.Exec("COMMIT");
    if (!s.ok()) {
      conn.Exec("ROLLBACK").IgnoreError();
      return s.WithContext(std::string("migration ") + m.name);
    }
  }
  return OkStatus();
}

}  // namespace canvass::sqlite
