#include "api/http_status.h"

#include <boost/json.hpp>

namespace canvass::api {

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kPermissionDenied: return 403;
    // NotFound is also what callers get for objects they may not know exist.
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    // Aborted: a conflict with the server's state the client can resolve (e.g. an upload
    // offset that moved); the message says where to resume.
    case Code::kAborted: return 409;
    // FailedPrecondition: well-formed, but the system is not in a state that allows it
    // (agency not verified, no e2ee key set).
    case Code::kFailedPrecondition: return 422;
    // ResourceExhausted covers "too big" and "too often"; the API layer sets 413 or 429 with
    // Retry-After where it knows which.
    case Code::kResourceExhausted: return 429;
    // Unavailable: busy database or shutting down; clients retry after Retry-After.
    case Code::kUnavailable: return 503;
    case Code::kUnimplemented: return 501;
    // DataLoss and Internal are the server's fault; the message is still shown so that an
    // operator can act ("run canvass check").
    case Code::kDataLoss: return 500;
    case Code::kInternal: return 500;
  }
  return 500;
}

Response ErrorResponse(const Status& status) {
  Response r;
  r.status = HttpStatusFor(status.code());
  boost::json::object err;
  err["code"] = std::string(CodeName(status.code()));
  err["message"] = status.message();
  r.body = boost::json::serialize(boost::json::object{{"error", err}});
  if (status.code() == Code::kUnavailable) r.AddHeader("Retry-After", "1");
  return r;
}

}  // namespace canvass::api
