#include "store/sqlite/connection.h"

#include <memory>

namespace canvass::sqlite {

Status MapError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(msg + " (database busy; retry)");
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return AlreadyExistsError(msg);
      }
      return FailedPreconditionError(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLossError(msg + " (run `canvass check`)");
    case SQLITE_FULL:
      return ResourceExhaustedError(msg + " (disk full)");
    case SQLITE_CANTOPEN:
      return InternalError(msg + " (is the data directory there and writable?)");
    default:
      return InternalError(msg);
  }
}

StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool read_only) {
  sqlite3* db = nullptr;
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
              SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = MapError(db, rc, "open database " + path);
    sqlite3_close(db);
    return s;
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_busy_timeout(db, 5000);
  CANVASS_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys = ON"));
  if (!read_only) {
    CANVASS_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode = WAL"));
  }
  // FULL: each commit syncs the WAL, so an acknowledged write survives power loss.
  CANVASS_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous = FULL"));
  // Deleted means gone from the file: SQLite zeroes deleted cells and freed pages instead of
  // leaving them readable in free space (docs/design/retention.md). ON, not FAST: FAST leaves
  // freed pages as they were.
  CANVASS_RETURN_IF_ERROR(conn->Exec("PRAGMA secure_delete = ON"));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, c] : cache_) sqlite3_finalize(c.stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(std::string_view sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    Status s = MapError(db_, rc, "exec");
    sqlite3_free(err);
    return s;
  }
  return OkStatus();
}

StatusOr<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(db_, it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return MapError(db_, rc, "prepare");
  if (it != cache_.end()) return Statement(db_, stmt);  // the cached one is busy: a one-off
  Cached& c = cache_[std::string(sql)];
  c.stmt = stmt;
  c.in_use = true;
  return Statement(db_, stmt, &c.in_use);
}

Statement& Statement::Bind(int i, std::string_view text) {
  int rc =
      sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = MapError(db_, rc, "bind");
  return *this;
}
Statement& Statement::BindBlob(int i, std::string_view bytes) {
  int rc =
      sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = MapError(db_, rc, "bind");
  return *this;
}
Statement& Statement::Bind(int i, int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = MapError(db_, rc, "bind");
  return *this;
}
Statement& Statement::Bind(int i, double v) {
  int rc = sqlite3_bind_double(stmt_, i, v);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = MapError(db_, rc, "bind");
  return *this;
}
Statement& Statement::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}
Statement& Statement::BindOrNull(int i, std::string_view text) {
  return text.empty() ? BindNull(i) : Bind(i, text);
}

StatusOr<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return MapError(db_, rc, "step");
}

Status Statement::Run() {
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return OkStatus();
  }
}

std::string Statement::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string Statement::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  if (!p) return {};
  return std::string(static_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

}  // namespace canvass::sqlite
