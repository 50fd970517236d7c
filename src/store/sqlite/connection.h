// Thin RAII wrappers over the sqlite3 C API, and the one place SQLite result codes become
// Status codes. Used only inside src/store/sqlite/.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

namespace canvass::sqlite {

// Maps a SQLite result code: BUSY/LOCKED -> Unavailable (another connection holds the write
// lock past busy_timeout; the caller may retry), CONSTRAINT_UNIQUE/PRIMARYKEY -> AlreadyExists,
// other CONSTRAINT -> FailedPrecondition (a foreign key or CHECK: the referenced object is
// missing or a value is out of range, i.e. a caller bug the API should have caught),
// CORRUPT/NOTADB -> DataLoss, FULL -> ResourceExhausted, everything else -> Internal.
Status MapError(sqlite3* db, int rc, std::string_view what);

class Statement;

// One connection. Not thread-safe: one thread at a time (the pool ensures that).
class Connection {
 public:
  // Opens (creating if needed) with WAL, synchronous=FULL, foreign_keys=ON, busy_timeout.
  static StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status Exec(std::string_view sql);
  // Prepared statements are cached per SQL text and reset when the Statement goes away, so the
  // hot paths (audit appends, lookups) parse their SQL once per connection.
  StatusOr<Statement> Prepare(std::string_view sql);
  sqlite3* raw() { return db_; }

 private:
  friend class Statement;
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, Cached> cache_;
};

// A prepared statement. Bind indexes are 1-based; column indexes 0-based.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool* in_use = nullptr)
      : db_(db), stmt_(stmt), in_use_(in_use) {}
  Statement(Statement&& o) noexcept
      : db_(o.db_), stmt_(o.stmt_), in_use_(o.in_use_), bind_error_(std::move(o.bind_error_)) {
    o.stmt_ = nullptr;
    o.in_use_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  ~Statement() {
    if (in_use_) {  // cached: keep it for the next use
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
      *in_use_ = false;
    } else {
      sqlite3_finalize(stmt_);
    }
  }

  Statement& Bind(int i, std::string_view text);
  Statement& BindBlob(int i, std::string_view bytes);
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Statement& Bind(int i, bool v) { return Bind(i, static_cast<int64_t>(v ? 1 : 0)); }
  Statement& Bind(int i, double v);
  Statement& BindNull(int i);
  // Binds text, or NULL when empty.
  Statement& BindOrNull(int i, std::string_view text);

  // Steps once: true if a row is available, false when done.
  StatusOr<bool> Step();
  // Steps to completion (for statements without results).
  Status Run();
  // Rows changed by the last Run.
  int Changes() const { return sqlite3_changes(db_); }

  std::string Text(int col) const;
  std::string Blob(int col) const;
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;
  Status bind_error_;
};

}  // namespace canvass::sqlite
