// Admin commands run on the server's machine against its data directory, as the "system"
// actor (audited as such):
//   canvass agency create --name N --state ST --boundary "lat,lng;lat,lng;..." [--federal]
//   canvass agency verify AGENCY_ID
//   canvass agency list
//   canvass user create --username U --role R [--agency ID] [--display-name D] (password on stdin)
//   canvass token create --username U [--label L]
#include <boost/json.hpp>

#include <iostream>
#include <sstream>

#include "api/app.h"
#include "api/wire/wire.h"
#include "cli/cli.h"

namespace canvass::cli {
namespace json = boost::json;

namespace {

StatusOr<std::unique_ptr<api::App>> OpenApp(const CommonFlags& flags) {
  CANVASS_ASSIGN_OR_RETURN(Config config, LoadConfig(flags));
  return api::App::Open({config});
}

StatusOr<std::vector<LatLng>> ParseBoundary(const std::string& text) {
  std::vector<LatLng> out;
  std::stringstream ss(text);
  std::string pair;
  while (std::getline(ss, pair, ';')) {
    double lat, lng;
    char comma;
    std::stringstream ps(pair);
    if (!(ps >> lat >> comma >> lng) || comma != ',') {
      return InvalidArgumentError("--boundary must be \"lat,lng;lat,lng;...\", got '" + pair + "'");
    }
    out.push_back({lat, lng});
  }
  return out;
}

void Print(const json::value& v) { std::cout << json::serialize(v) << "\n"; }

}  // namespace

void AddAdminCommands(CLI::App& app, Runner* run) {
  // ---- agency ----
  CLI::App* agency = app.add_subcommand("agency", "Create, verify and list agencies");
  agency->require_subcommand(1);
  {
    auto flags = std::make_shared<CommonFlags>();
    auto in = std::make_shared<NewAgency>();
    auto boundary = std::make_shared<std::string>();
    CLI::App* cmd = agency->add_subcommand("create", "Create an agency (unverified)");
    AddCommonFlags(cmd, flags.get(), false);
    cmd->add_option("--name", in->name, "agency name")->required();
    cmd->add_option("--state", in->state, "two-letter state code")->required();
    cmd->add_option("--boundary", *boundary, "jurisdiction polygon \"lat,lng;lat,lng;...\"")
        ->required();
    cmd->add_flag("--federal", in->federal, "a federal agency");
    cmd->callback([=] {
      *run = [=]() -> int {
        auto ring = ParseBoundary(*boundary);
        if (!ring.ok()) return Fail(ring.status());
        in->boundary = *ring;
        auto a = OpenApp(*flags);
        if (!a.ok()) return Fail(a.status());
        auto created = (*a)->services().agencies->Create(Principal::System(), *in);
        if (!created.ok()) return Fail(created.status());
        Print(api::wire::AgencyJson(*created));
        return 0;
      };
    });
  }
  {
    auto flags = std::make_shared<CommonFlags>();
    auto id = std::make_shared<std::string>();
    CLI::App* cmd = agency->add_subcommand("verify", "Verify an agency so its officers can act");
    AddCommonFlags(cmd, flags.get(), false);
    cmd->add_option("id", *id, "agency id")->required();
    cmd->callback([=] {
      *run = [=]() -> int {
        auto a = OpenApp(*flags);
        if (!a.ok()) return Fail(a.status());
        Status s = (*a)->services().agencies->Verify(Principal::System(), *id);
        if (!s.ok()) return Fail(s);
        Print(api::wire::AgencyJson(*(*a)->services().agencies->Get(Principal::System(), *id)));
        return 0;
      };
    });
  }
  {
    auto flags = std::make_shared<CommonFlags>();
    CLI::App* cmd = agency->add_subcommand("list", "List agencies");
    AddCommonFlags(cmd, flags.get(), false);
    cmd->callback([=] {
      *run = [=]() -> int {
        auto a = OpenApp(*flags);
        if (!a.ok()) return Fail(a.status());
        auto list = (*a)->services().agencies->List(Principal::System());
        if (!list.ok()) return Fail(list.status());
        for (const auto& ag : *list) Print(api::wire::AgencyJson(ag));
        return 0;
      };
    });
  }

  // ---- user ----
  CLI::App* user = app.add_subcommand("user", "Create accounts");
  user->require_subcommand(1);
  {
    auto flags = std::make_shared<CommonFlags>();
    auto in = std::make_shared<NewAccount>();
    auto role = std::make_shared<std::string>("resident");
    CLI::App* cmd = user->add_subcommand(
        "create", "Create an account; reads the password from standard input");
    AddCommonFlags(cmd, flags.get(), false);
    cmd->add_option("--username", in->username, "login name")->required();
    cmd->add_option("--role", *role,
                    "resident, officer, supervisor, agency_admin, legal, auditor or admin");
    cmd->add_option("--agency", in->agency_id, "agency id (officer, supervisor, agency_admin)");
    cmd->add_option("--display-name", in->display_name, "name shown to the account itself");
    cmd->callback([=] {
      *run = [=]() -> int {
        auto r = ParseRole(*role);
        if (!r.ok()) return Fail(r.status());
        in->role = *r;
        if (!std::getline(std::cin, in->password)) {
          return Fail(InvalidArgumentError("give the password on standard input"));
        }
        auto a = OpenApp(*flags);
        if (!a.ok()) return Fail(a.status());
        auto created = (*a)->services().accounts->CreateAccount(Principal::System(), *in);
        if (!created.ok()) return Fail(created.status());
        Print(api::wire::AccountJson(*created));
        return 0;
      };
    });
  }

  // ---- token ----
  CLI::App* token = app.add_subcommand("token", "Create bearer API tokens");
  token->require_subcommand(1);
  {
    auto flags = std::make_shared<CommonFlags>();
    auto username = std::make_shared<std::string>();
    auto label = std::make_shared<std::string>("cli");
    CLI::App* cmd = token->add_subcommand("create", "Create an API token for an account");
    AddCommonFlags(cmd, flags.get(), false);
    cmd->add_option("--username", *username, "the account")->required();
    cmd->add_option("--label", *label, "what the token is for");
    cmd->callback([=] {
      *run = [=]() -> int {
        auto a = OpenApp(*flags);
        if (!a.ok()) return Fail(a.status());
        auto acc = (*a)->services().store->FindAccountByUsername(*username);
        if (!acc.ok()) return Fail(acc.status());
        Principal p;
        p.kind = Principal::Kind::kAccount;
        p.account = *acc;
        auto t = (*a)->services().accounts->CreateApiToken(p, *label);
        if (!t.ok()) return Fail(t.status());
        Print(json::object{{"username", *username}, {"token", *t}});
        return 0;
      };
    });
  }
}

}  // namespace canvass::cli
