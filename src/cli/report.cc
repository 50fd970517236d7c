// canvass report: read and re-count transparency reports from outside, as anyone can.
//   canvass report verify --url http://HOST:PORT --key KEYFILE [--period 2026Q4] [--agency A]
//   canvass report show   --url http://HOST:PORT [--period P] [--agency A] [--format json|csv|html]
//
// `verify` fetches the published report and the public log, checks the checkpoint the report
// was counted at against KEYFILE (the verifier key published at /audit/key), re-derives the tree
// to that checkpoint, re-counts every figure from the public leaves and compares
// (report/verify.h). Exit 0 when every figure matches; 1 naming every figure that differs, or
// why the log or the report did not verify; 2 for bad usage.
#include <cstdio>
#include <memory>

#include "api/http_client.h"
#include "cli/cli.h"
#include "cli/log_key.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "report/period.h"
#include "report/verify.h"

namespace canvass::cli {
namespace {

struct ReportFlags {
  std::string url = "http://127.0.0.1:8080";
  std::string key;
  std::string period;  // "" : the current quarter
  std::string agency;
  std::string format = "json";
};

StatusOr<std::string> Get(api::HttpClient& client, const std::string& target) {
  CANVASS_ASSIGN_OR_RETURN(auto r, client.Send("GET", target));
  if (r.status == 404) return NotFoundError("GET " + target + ": 404 " + r.body);
  if (r.status != 200) {
    return UnavailableError("GET " + target + ": HTTP " + std::to_string(r.status) + " " + r.body);
  }
  return r.body;
}

StatusOr<std::string> ReportTarget(const ReportFlags& f, const std::string& format) {
  std::string period = f.period;
  if (period.empty()) period = report::QuarterContaining(SystemClock::Get()->NowMicros()).name;
  CANVASS_RETURN_IF_ERROR(report::ParsePeriod(period).status());
  std::string target = "/api/v1/public/reports?period=" + period + "&format=" + format;
  if (!f.agency.empty()) target += "&agency=" + f.agency;
  return target;
}

int RunVerify(const ReportFlags& f) {
  auto key = ReadLogKey(f.key);
  if (!key.ok()) return Fail(key.status().WithContext("--key " + f.key));
  auto target = ReportTarget(f, "json");
  if (!target.ok()) return Fail(target.status());
  auto connected = api::HttpClient::Connect(f.url);
  if (!connected.ok()) return Fail(connected.status());
  std::shared_ptr<api::HttpClient> client(std::move(connected).value());
  auto published = Get(*client, *target);
  if (!published.ok()) return Fail(published.status());
  audit::TileFetcher log = [client](const std::string& path) {
    return Get(*client, "/audit/" + path);
  };
  auto check = report::VerifyReport(*published, log, *key);
  if (!check.ok()) {
    std::fprintf(stderr, "FAIL: %s\n", check.status().message().c_str());
    return 1;
  }
  const report::PublishedReport& p = check->published;
  const std::string scope = p.agency.empty() ? "the whole deployment" : "agency " + p.agency;
  if (p.agency != f.agency) {
    std::fprintf(stderr, "FAIL: asked for %s, the server sent a report for %s\n",
                 f.agency.empty() ? "the whole deployment" : f.agency.c_str(), scope.c_str());
    return 1;
  }
  if (!f.period.empty() && p.period != f.period) {
    std::fprintf(stderr, "FAIL: asked for period %s, the server sent %s\n", f.period.c_str(),
                 p.period.c_str());
    return 1;
  }
  for (const auto& d : check->differences) std::fprintf(stderr, "FAIL: %s\n", d.c_str());
  if (!check->differences.empty()) return 1;
  std::printf(
      "OK: report %s for %s: all %zu figures re-counted from the %llu public leaves of the "
      "signed checkpoint (root %s) match; the log now has %llu leaves and extends it\n",
      p.period.c_str(), scope.c_str(), check->recount.figures.size(),
      static_cast<unsigned long long>(p.checkpoint.size), p.checkpoint.root_base64.c_str(),
      static_cast<unsigned long long>(check->current_size));
  return 0;
}

int RunShow(const ReportFlags& f) {
  if (f.format != "json" && f.format != "csv" && f.format != "html") {
    return Fail(InvalidArgumentError("--format must be json, csv or html"));
  }
  auto target = ReportTarget(f, f.format);
  if (!target.ok()) return Fail(target.status());
  auto client = api::HttpClient::Connect(f.url);
  if (!client.ok()) return Fail(client.status());
  auto body = Get(**client, *target);
  if (!body.ok()) return Fail(body.status());
  std::fwrite(body->data(), 1, body->size(), stdout);
  if (f.format == "json") std::printf("\n");
  return 0;
}

void AddScopeFlags(CLI::App* cmd, ReportFlags* f) {
  cmd->add_option("--url", f->url, "the server, e.g. http://127.0.0.1:8080");
  cmd->add_option("--period", f->period,
                  "2026Q4, 2026 or 2026-11 (UTC; default: the current quarter)");
  cmd->add_option("--agency", f->agency, "one agency's report (agy_...); default: deployment");
}

}  // namespace

void AddReportCommands(CLI::App& app, Runner* run) {
  CLI::App* report = app.add_subcommand("report", "Read and re-count transparency reports");
  report->require_subcommand(1);
  {
    auto f = std::make_shared<ReportFlags>();
    CLI::App* cmd = report->add_subcommand(
        "verify", "Re-count every figure of a published report from the public log");
    AddScopeFlags(cmd, f.get());
    cmd->add_option("--key", f->key, "file with the log's verifier key from /audit/key")
        ->required();
    cmd->callback([=] { *run = [=] { return RunVerify(*f); }; });
  }
  {
    auto f = std::make_shared<ReportFlags>();
    CLI::App* cmd = report->add_subcommand("show", "Print a published report");
    AddScopeFlags(cmd, f.get());
    cmd->add_option("--format", f->format, "json, csv or html");
    cmd->callback([=] { *run = [=] { return RunShow(*f); }; });
  }
}

}  // namespace canvass::cli
