// Accounts and API tokens.
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/wire.h"
#include "common/encoding.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

StatusOr<Response> Create(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(NewAccount in, wire::ParseNewAccount(r));
  CANVASS_ASSIGN_OR_RETURN(Account a, c.services.accounts->CreateAccount(c.principal, in));
  return JsonResponse(201, wire::AccountJson(a));
}

StatusOr<Response> List(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto accounts, c.services.accounts->ListAccounts(c.principal));
  json::array out;
  for (const auto& a : accounts) out.push_back(wire::AccountJson(a));
  return JsonResponse(200, json::object{{"accounts", out}});
}

StatusOr<Response> Get(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(Account a, c.services.accounts->GetAccount(c.principal, c.Param("id")));
  return JsonResponse(200, wire::AccountJson(a));
}

StatusOr<Response> SetDisabled(Context& c, bool disabled) {
  CANVASS_RETURN_IF_ERROR(c.services.accounts->SetDisabled(c.principal, c.Param("id"), disabled));
  CANVASS_ASSIGN_OR_RETURN(Account a, c.services.accounts->GetAccount(c.principal, c.Param("id")));
  return JsonResponse(200, wire::AccountJson(a));
}

StatusOr<Response> CreateToken(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(std::string label, r.RequiredString("label", 100));
  CANVASS_RETURN_IF_ERROR(r.Finish());
  CANVASS_ASSIGN_OR_RETURN(std::string token,
                           c.services.accounts->CreateApiToken(c.principal, label));
  return JsonResponse(201, json::object{{"token", token}, {"label", label}});
}

StatusOr<Response> SetE2eeKey(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  std::string raw;
  if (!r.IsNull("public_key")) {
    CANVASS_ASSIGN_OR_RETURN(std::string b64, r.RequiredString("public_key", 100));
    auto decoded = Base64Decode(b64);
    if (!decoded.ok()) return InvalidArgumentError("field 'public_key' must be base64");
    raw = *decoded;
  }
  CANVASS_RETURN_IF_ERROR(r.Finish());
  CANVASS_RETURN_IF_ERROR(c.services.accounts->SetE2eePublicKey(c.principal, raw));
  CANVASS_ASSIGN_OR_RETURN(Account a,
                           c.services.accounts->GetAccount(c.principal, c.principal.id()));
  return JsonResponse(200, wire::AccountJson(a));
}

}  // namespace

void RegisterAccountRoutes(Router& router) {
  // Public: anonymous residents sign up; admins and agency admins create staff. The service
  // decides who may create which role.
  router.Add({"POST", "/api/v1/accounts", Access::Public(), Create, 0, "create an account"});
  router.Add({"GET", "/api/v1/accounts", Access::Roles({Role::kAdmin, Role::kAgencyAdmin}), List, 0,
              "list accounts (admin: all; agency admin: own agency)"});
  router.Add({"GET", "/api/v1/accounts/{id:acc}", Access::AnyAccount(), Get, 0, "one account"});
  router.Add({"POST", "/api/v1/accounts/{id:acc}/disable",
              Access::Roles({Role::kAdmin, Role::kAgencyAdmin}),
              [](Context& c) { return SetDisabled(c, true); }, 0, "disable an account"});
  router.Add({"POST", "/api/v1/accounts/{id:acc}/enable",
              Access::Roles({Role::kAdmin, Role::kAgencyAdmin}),
              [](Context& c) { return SetDisabled(c, false); }, 0, "enable an account"});
  router.Add({"POST", "/api/v1/tokens", Access::AnyAccount(), CreateToken, 0,
              "create a bearer API token"});
  router.Add({"PUT", "/api/v1/me/e2ee-key", Access::Roles({Role::kResident}), SetE2eeKey, 0,
              "set the key clips are sealed to"});
}

}  // namespace canvass::api
