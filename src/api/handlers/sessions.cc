// Sessions: browser login and logout, and "who am I".
#include "api/http_status.h"
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/wire.h"
#include "common/time_format.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

constexpr char kCookie[] = "canvass_session";

std::string CookieHeader(const std::string& value, int64_t max_age_s, bool secure) {
  // HttpOnly: scripts cannot read it; SameSite=Strict: other sites cannot send it; the CSRF
  // token (X-CSRF-Token) guards every unsafe method on top.
  return std::string(kCookie) + "=" + value +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s) +
         (secure ? "; Secure" : "");
}

StatusOr<Response> Login(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(std::string username, r.RequiredString("username", 64));
  CANVASS_ASSIGN_OR_RETURN(std::string password, r.RequiredString("password", 1024));
  CANVASS_RETURN_IF_ERROR(r.Finish());
  auto login = c.services.accounts->Login(username, password, c.request.remote_address);
  if (!login.ok()) {
    if (login.status().code() == Code::kResourceExhausted) {
      Response res = ErrorResponse(login.status());
      int64_t wait =
          std::max(c.services.accounts->RetryAfterSeconds("user:" + username),
                   c.services.accounts->RetryAfterSeconds("addr:" + c.request.remote_address));
      res.AddHeader("Retry-After", std::to_string(std::max<int64_t>(wait, 1)));
      return res;
    }
    return login.status();
  }
  Response res =
      JsonResponse(201, json::object{{"account", wire::AccountJson(login->account)},
                                     {"csrf_token", login->csrf_token},
                                     {"expires_at", FormatRfc3339(login->expires_at_us)}});
  res.AddHeader("Set-Cookie",
                CookieHeader(login->session_token, c.services.config->auth.session_ttl_s,
                             c.services.config->auth.secure_cookies));
  return res;
}

StatusOr<Response> Logout(Context& c) {
  CANVASS_RETURN_IF_ERROR(c.services.accounts->Logout(c.principal));
  Response res;
  res.status = 204;
  res.AddHeader("Set-Cookie", CookieHeader("", 0, c.services.config->auth.secure_cookies));
  return res;
}

StatusOr<Response> Me(Context& c) {
  json::object o{{"account", wire::AccountJson(*c.principal.account)}};
  if (c.principal.agency) o["agency"] = wire::AgencyJson(*c.principal.agency);
  if (c.principal.via == Principal::Via::kCookie) o["csrf_token"] = c.principal.csrf_token;
  return JsonResponse(200, o);
}

}  // namespace

void RegisterSessionRoutes(Router& router) {
  router.Add({"POST", "/api/v1/sessions", Access::Public(), Login, 0, "log in (cookie)"});
  router.Add({"DELETE", "/api/v1/sessions/current", Access::AnyAccount(), Logout, 0, "log out"});
  router.Add({"GET", "/api/v1/me", Access::AnyAccount(), Me, 0, "the signed-in account"});
}

}  // namespace canvass::api
