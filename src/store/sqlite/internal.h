// Pieces shared by the files that implement SqliteStore (sqlite_store.cc, sqlite_requests.cc):
// the reader lease, the one-row query and the change check. Not for use outside store/sqlite/.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_store.h"

namespace canvass::sqlite {

class SqliteStore::ReaderLease {
 public:
  ReaderLease(SqliteStore* store, std::unique_ptr<Connection> conn, Status status)
      : store_(store), conn_(std::move(conn)), status_(std::move(status)) {}
  ReaderLease(ReaderLease&&) = default;
  ~ReaderLease() {
    if (conn_) {
      std::lock_guard lock(store_->pool_mu_);
      store_->readers_.push_back(std::move(conn_));
    }
  }
  const Status& status() const { return status_; }
  Connection& operator*() { return *conn_; }

 private:
  SqliteStore* store_;
  std::unique_ptr<Connection> conn_;
  Status status_;
};

// Runs a query expected to return at most one row, mapped by `read`.
template <typename T, typename ReadFn>
StatusOr<T> QueryOne(Connection& c, const std::string& sql, const std::string& key,
                     const std::string& what, ReadFn read) {
  CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(sql));
  st.Bind(1, key);
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFoundError(what + " not found");
  return read(st);
}

// Steps `st` to the end, mapping each row with `read` (which returns T or StatusOr<T>).
template <typename T, typename ReadFn>
StatusOr<std::vector<T>> QueryAll(Statement& st, ReadFn read) {
  std::vector<T> out;
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    if constexpr (std::is_same_v<std::decay_t<decltype(read(st))>, T>) {
      out.push_back(read(st));
    } else {
      CANVASS_ASSIGN_OR_RETURN(T v, read(st));
      out.push_back(std::move(v));
    }
  }
}

// The clips table's columns in ReadClip's order, and the same prefixed with a table name (for
// joins); ReadClip maps a row selected with either.
extern const char kClipCols[];
std::string QualifiedClipCols(const std::string& table);
Clip ReadClip(const Statement& st);

inline Status ExpectOneChange(const Statement& st, const std::string& what) {
  if (st.Changes() == 0) return NotFoundError(what + " not found");
  return OkStatus();
}

// Leases a reader connection for the rest of the scope as `name`, or returns its error.
#define CANVASS_READER(name)                      \
  ReaderLease name##_lease = Reader();            \
  CANVASS_RETURN_IF_ERROR(name##_lease.status()); \
  Connection& name = *name##_lease

}  // namespace canvass::sqlite
