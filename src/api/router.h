// Router: every endpoint, its access rule and its handler, in one table. Deny by default: a
// route without roles, device or public access cannot be reached by anyone, and
// tests/api/access_matrix_test.cc walks every route with every role.
//
// Patterns are literal segments and typed parameters: "/api/v1/cameras/{id:cam}" matches only
// well-formed camera ids ("cam_" + 20 base32 characters), so path tricks never reach a handler.
// A last segment "{name*}" takes the rest of the path ("/audit/{path*}"); its handler parses it.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "auth/principal.h"

namespace canvass::api {

struct Services;

struct Access {
  bool anonymous = false;        // anyone, signed in or not
  bool device = false;           // camera agents (device token)
  std::vector<Role> roles;       // accounts with one of these roles
  bool verified_agency = false;  // agency roles additionally need a verified agency
  bool reader = false;           // licence-plate readers (reader token)

  static Access Public() { return {true, false, {}, false, false}; }
  static Access Device() { return {false, true, {}, false, false}; }
  static Access Reader() { return {false, false, {}, false, true}; }
  static Access Roles(std::initializer_list<Role> r) { return {false, false, r, false, false}; }
  static Access AnyAccount() {
    return {false, false, std::vector<Role>(std::begin(kAllRoles), std::end(kAllRoles)), false,
            false};
  }
  Access& VerifiedAgency() {
    verified_agency = true;
    return *this;
  }
};

struct Context {
  Request& request;
  const Principal& principal;
  Services& services;
  const std::string& Param(const std::string& name) const { return request.path_params.at(name); }
};

using RouteHandler = std::function<StatusOr<Response>(Context&)>;

// Body limits that follow the clip settings: an upload chunk, or a whole clip.
inline constexpr int64_t kChunkSizedBody = -1;  // clips.max_upload_chunk_bytes
inline constexpr int64_t kClipSizedBody = -2;   // clips.max_clip_bytes
inline constexpr int64_t kDocumentSizedBody = -3;  // legal.max_document_bytes

struct Route {
  std::string method;
  std::string pattern;
  Access access;
  RouteHandler handler;
  int64_t max_body_bytes = 0;  // 0: server.max_body_bytes; or one of the two below
  std::string summary;         // one line, for docs and errors
};

class Router {
 public:
  void Add(Route route);

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::string bad_param;           // set when a path matched except for a malformed id
    std::vector<std::string> allow;  // methods allowed on the path (for 405)
  };
  Match Find(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace canvass::api
