// The SQLite side of a benchmark's baseline: one in-memory database whose every failure ends the
// program (a baseline that failed quietly would flatter us). Header-only, like bench_util.h;
// only benchmarks that link SQLite include it.
#pragma once

#include <sqlite3.h>

#include <string>

#include "bench_util.h"

namespace canvass::bench {

// Not thread-safe: one thread builds and queries it.
class SqliteDb {
 public:
  SqliteDb() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) Die("sqlite3_open");
    Exec("PRAGMA temp_store = MEMORY");
  }
  // A subclass finalizes its own statements first; then the connection closes.
  ~SqliteDb() { sqlite3_close(db_); }
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      Die(sql + ": " + (err ? err : "?"));
    }
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
        SQLITE_OK) {
      Die(sql + ": " + sqlite3_errmsg(db_));
    }
    return s;
  }
  // Runs a statement that returns no rows, then resets it.
  void StepDone(sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) DieWithError();
    sqlite3_reset(s);
  }
  [[noreturn]] void DieWithError() const { Die(sqlite3_errmsg(db_)); }

 protected:
  sqlite3* db_ = nullptr;
};

}  // namespace canvass::bench
