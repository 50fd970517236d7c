// Status and StatusOr<T>: the one error type of Canvass.
//
// Every fallible function returns Status or StatusOr<T>; nothing throws across a module
// boundary. Foreign errors (SQLite, errno, libav, libsodium) are mapped to a Code once, in the
// file that talks to the foreign library. The HTTP layer maps Codes to statuses in one table
// (src/api/http_status.cc).
//
// Messages say what is wrong and, where possible, what to do about it:
//   "retention_days must be between 1 and 180, got 365"
//
// Usage:
//   StatusOr<Camera> cam = store.GetCamera(id);
//   if (!cam.ok()) return cam.status();
//   CANVASS_RETURN_IF_ERROR(store.DeleteCamera(id));
//   CANVASS_ASSIGN_OR_RETURN(Camera c, store.GetCamera(id));
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace canvass {

enum class Code {
  kOk = 0,
  kInvalidArgument,     // The caller sent something malformed or out of range.
  kNotFound,            // The object does not exist (or the caller may not know it exists).
  kAlreadyExists,       // A unique object with that name exists already.
  kPermissionDenied,    // Authenticated, but not allowed.
  kUnauthenticated,     // No or bad credentials.
  kFailedPrecondition,  // The system is not in a state that allows it (e.g. agency not verified).
  kAborted,             // Conflict with a concurrent change; retrying may work (e.g. wrong offset).
  kResourceExhausted,   // Too much: too big, too many, too often.
  kUnavailable,         // Temporarily unavailable (busy database, shutting down); retry later.
  kDataLoss,            // Stored data is corrupt or missing.
  kInternal,            // A bug or an unexpected failure of a dependency.
  kUnimplemented,
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "NOT_FOUND: camera cam_x does not exist"
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

  // Explicitly ignores the status (for best-effort clean-up paths).
  void IgnoreError() const {}

  bool operator==(const Status& other) const = default;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
inline Status PermissionDeniedError(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status UnauthenticatedError(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) {
  return {Code::kFailedPrecondition, std::move(m)};
}
inline Status AbortedError(std::string m) { return {Code::kAborted, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) {
  return {Code::kResourceExhausted, std::move(m)};
}
inline Status UnavailableError(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status DataLossError(std::string m) { return {Code::kDataLoss, std::move(m)}; }
inline Status InternalError(std::string m) { return {Code::kInternal, std::move(m)}; }

// Maps an errno value to a Status: ENOENT -> NotFound, ENOSPC/EDQUOT -> ResourceExhausted,
// EACCES -> PermissionDenied (of the server process, so reported as Internal), others Internal.
Status ErrnoStatus(int err, std::string_view what);

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const Status& status) : v_(status) { assert(!status.ok()); }  // NOLINT
  StatusOr(Status&& status) : v_(std::move(status)) {                   // NOLINT
    assert(!std::get<Status>(v_).ok());
  }
  StatusOr(const T& value) : v_(value) {}       // NOLINT
  StatusOr(T&& value) : v_(std::move(value)) {}  // NOLINT
  template <typename U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, Status> &&
             !std::is_same_v<std::decay_t<U>, StatusOr<T>> && !std::is_same_v<std::decay_t<U>, T>)
  StatusOr(U&& value) : v_(T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace canvass

#define CANVASS_STATUS_CONCAT_INNER(a, b) a##b
#define CANVASS_STATUS_CONCAT(a, b) CANVASS_STATUS_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if `expr` is not OK. Usable any number of times
// in one scope.
#define CANVASS_RETURN_IF_ERROR(expr)                                                  \
  do {                                                                                 \
    ::canvass::Status canvass_status_tmp_ = (expr);                                    \
    if (!canvass_status_tmp_.ok()) return canvass_status_tmp_;                         \
  } while (0)

// `CANVASS_ASSIGN_OR_RETURN(auto x, F());` declares x from F()'s value or returns its status.
#define CANVASS_ASSIGN_OR_RETURN(lhs, expr) \
  CANVASS_ASSIGN_OR_RETURN_IMPL(CANVASS_STATUS_CONCAT(canvass_statusor_, __COUNTER__), lhs, expr)
#define CANVASS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
