// Transparency reports, public and without login (docs/design/reports.md):
//   GET /api/v1/public/reports?period=2026Q4&agency=agy_...&format=json|csv|html
// `period` defaults to the current quarter (UTC, on the injected clock), `agency` to the whole
// deployment, `format` to json. Every figure is counted from the public log at its latest
// checkpoint, which the report states; `canvass report verify` re-counts it.
#include "api/router.h"
#include "api/services.h"
#include "common/random.h"
#include "report/report_csv.h"
#include "report/report_html.h"
#include "report/report_json.h"

namespace canvass::api {
namespace {

StatusOr<Response> GetReport(Context& c) {
  report::Period period = report::QuarterContaining(c.services.clock->NowMicros());
  if (const std::string* p = c.request.Query("period")) {
    CANVASS_ASSIGN_OR_RETURN(period, report::ParsePeriod(*p));
  }
  std::string agency, label;
  if (const std::string* a = c.request.Query("agency")) {
    if (!IsWellFormedId(*a, "agy")) return InvalidArgumentError("agency must be an agency id (agy_...)");
    agency = *a;
    CANVASS_ASSIGN_OR_RETURN(label, c.services.reports->AgencyName(agency));
  }
  const std::string* format = c.request.Query("format");
  const std::string f = format ? *format : "json";
  if (f != "json" && f != "csv" && f != "html") {
    return InvalidArgumentError("format must be json, csv or html");
  }
  CANVASS_ASSIGN_OR_RETURN(report::Report r, c.services.reports->Publish(period, agency));
  Response out;
  if (f == "json") {
    out.body = report::ReportJson(r);
  } else if (f == "csv") {
    out.content_type = "text/csv; charset=utf-8";
    out.body = report::ReportCsv(r);
  } else {
    out.content_type = "text/html; charset=utf-8";
    out.body = report::ReportHtml(r, label);
  }
  // Counted at the latest checkpoint, which moves every second or so.
  out.AddHeader("Cache-Control", "public, max-age=1");
  out.AddHeader("Access-Control-Allow-Origin", "*");
  return out;
}

}  // namespace

void RegisterReportRoutes(Router& router) {
  router.Add({"GET", "/api/v1/public/reports", Access::Public(), GetReport, 0,
              "a transparency report (`period`, `agency`, `format` json|csv|html)"});
}

}  // namespace canvass::api
