#include <gtest/gtest.h>

#include "report/counter.h"
#include "report/report_csv.h"
#include "report/report_html.h"
#include "report/report_json.h"

namespace canvass::report {
namespace {

Report Sample() {
  const Period q4 = *ParsePeriod("2026Q4");
  PublicLeaf file{"request.file", "officer", "agy_a", "request", "burglary", 1, q4.from_s};
  PublicLeaf notify{"request.notify", "officer", "agy_a", "request", "", 12, q4.from_s};
  PublicLeaf share{"request.share", "resident", "agy_a", "request", "blur", 2, q4.from_s};
  PublicLeaf search{"plate.search", "officer", "agy_a", "plate_search", "homicide", 0, q4.from_s};
  std::vector<PublicLeaf> leaves = {file, notify, share, search};
  return Count(leaves, q4, "agy_a",
               {42, "Zm9v", "canvass.test\n42\nZm9v\n\n\u2014 canvass.test abc=\n"});
}

TEST(ReportJson, RoundTripsWhatTheVerifierReads) {
  Report r = Sample();
  auto p = ParseReportJson(ReportJson(r));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->period, "2026Q4");
  EXPECT_EQ(p->agency, "agy_a");
  EXPECT_EQ(p->checkpoint.size, 42u);
  EXPECT_EQ(p->checkpoint.root_base64, "Zm9v");
  EXPECT_EQ(p->checkpoint.note, r.checkpoint.note);
  ASSERT_EQ(p->figures.size(), r.figures.size());
  for (size_t i = 0; i < r.figures.size(); ++i) {
    EXPECT_EQ(p->figures[i].first, r.figures[i].name);
    EXPECT_EQ(p->figures[i].second, r.figures[i].Published());
  }
}

TEST(ReportJson, SmallResidentCountsArePublishedAsAStringAndOthersAsNumbers) {
  const std::string j = ReportJson(Sample());
  EXPECT_NE(j.find("\"requests.filed\":1"), std::string::npos) << j;
  EXPECT_NE(j.find("\"requests.cameras_asked\":12"), std::string::npos) << j;
  EXPECT_NE(j.find("\"requests.shares\":\"fewer than 5\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"plates.searches.homicide\":1"), std::string::npos) << j;
  EXPECT_NE(j.find("\"from\":\"2026-10-01T00:00:00Z\""), std::string::npos) << j;
}

TEST(ReportJson, RefusesReportsWithMissingOrMistypedFields) {
  for (
      const char* bad :
      {"", "[]", "{}", R"({"period":"2026Q4","agency":null,"figures":{}})",
       R"({"period":"2026Q4","agency":null,"checkpoint":{"size":1,"root":"x","note":"n"},)"
       R"("figures":{"a":true}})",
       R"({"period":4,"agency":null,"checkpoint":{"size":1,"root":"x","note":"n"},"figures":{}})"}) {
    EXPECT_EQ(ParseReportJson(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(ReportCsv, OneSelfContainedRowPerFigure) {
  Report r = Sample();
  const std::string csv = ReportCsv(r);
  EXPECT_TRUE(csv.starts_with("period,agency,checkpoint_size,figure,value\r\n"));
  EXPECT_NE(csv.find("2026Q4,agy_a,42,requests.filed,1\r\n"), std::string::npos);
  EXPECT_NE(csv.find("2026Q4,agy_a,42,requests.shares,fewer than 5\r\n"), std::string::npos);
  size_t rows = 0;
  for (char c : csv) rows += c == '\n';
  EXPECT_EQ(rows, r.figures.size() + 1);
}

TEST(ReportHtml, ChartsEverySectionAndStatesTheCheckpoint) {
  const std::string h = ReportHtml(Sample(), "Springfield <PD>");
  EXPECT_NE(h.find("<svg"), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  for (const char* section : {"Community footage requests", "Legal demands",
                              "Emergency disclosures", "Plate-sharing agreements", "Deletions"}) {
    EXPECT_NE(h.find(section), std::string::npos) << section;
  }
  EXPECT_NE(h.find("Springfield &lt;PD&gt;"), std::string::npos);
  EXPECT_EQ(h.find("<PD>"), std::string::npos);
  EXPECT_NE(h.find("first 42 leaves"), std::string::npos);
  EXPECT_NE(h.find("--period 2026Q4 --agency agy_a"), std::string::npos);
  EXPECT_NE(h.find("fewer than 5"), std::string::npos);
}

}  // namespace
}  // namespace canvass::report
