// The demo's incident script on a seeded demo town: one episode's beats leave what they say in
// the services (a request with a shared clip, a triaged hit, a preservation hold, a subpoena).
#include "cli/demo_script.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/sha256.h"
#include "media/test_video.h"
#include "testing/test_app.h"

namespace canvass::cli {
namespace {

class DemoScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto accounts = SeedDemoTown(app_.app(), *Random::System());
    ASSERT_TRUE(accounts.ok()) << accounts.status().ToString();
    accounts_ = *accounts;
    auto cameras = SeedDemoCameras(app_.app(), accounts_, DemoTownSim(), *Random::System());
    ASSERT_TRUE(cameras.ok()) << cameras.status().ToString();
    cameras_ = *cameras;
  }

  const DemoCamera& Camera(const std::string& name) {
    auto it = std::find_if(cameras_.begin(), cameras_.end(),
                           [&](const DemoCamera& c) { return c.name == name; });
    EXPECT_NE(it, cameras_.end()) << name;
    return *it;
  }

  // A clip of the Elm St doorbell that ended a minute ago, as its agent would upload it.
  void UploadRecentElmClip() {
    auto device = s().accounts->Authenticate("", Camera("Doorbell, Elm St").device_token);
    ASSERT_TRUE(device.ok()) << device.status().ToString();
    auto bytes = media::MakeTestVideoBytes({});
    ASSERT_TRUE(bytes.ok());
    UploadRequest req;
    req.content_sha256 = Sha256Hex(*bytes);
    req.size_bytes = static_cast<int64_t>(bytes->size());
    req.started_at_us = s().clock->NowMicros() - 120'000'000;
    req.ended_at_us = req.started_at_us + 60'000'000;
    auto st = s().clips->StartUpload(*device, req);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    ASSERT_TRUE(s().clips->AppendChunk(*device, st->upload_id, 0, *bytes).ok());
  }

  // A read of the first plate on the demo hot list by the Capitol Ave reader.
  void ReadAListedPlate() {
    auto chief = DemoPrincipal(s(), accounts_, "chief");
    ASSERT_TRUE(chief.ok());
    auto lists = s().plates->ListHotLists(*chief);
    ASSERT_TRUE(lists.ok() && !lists->empty());
    auto entries = s().plates->ListEntries(*chief, lists->front().id);
    ASSERT_TRUE(entries.ok() && !entries->empty());
    auto reader =
        s().accounts->Authenticate("", Camera("ALPR Capitol Ave eastbound").reader_token);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    plates::ReadInput r;
    r.read_uid = "test:1";
    r.plate = entries->front().plate;
    r.region = "IL";
    r.confidence = 0.99;
    r.read_at_us = s().clock->NowMicros() - 30'000'000;
    auto ingested = s().plates->Ingest(*reader, {r});
    ASSERT_TRUE(ingested.ok()) << ingested.status().ToString();
  }

  api::Services& s() { return app_.services(); }

  testing::TestApp app_{/*start=*/false};
  std::vector<DemoAccount> accounts_;
  std::vector<DemoCamera> cameras_;
};

TEST_F(DemoScriptTest, AnEpisodePlaysOutEveryBeat) {
  UploadRecentElmClip();
  ReadAListedPlate();
  DemoScript script(s(), accounts_);
  for (int beat = 0; beat < DemoScript::kBeats; ++beat) {
    Status st = script.PlayBeat(2, beat);
    ASSERT_TRUE(st.ok()) << "beat " << beat << ": " << st.ToString();
  }
  auto officer = DemoPrincipal(s(), accounts_, "ofc.chen");
  ASSERT_TRUE(officer.ok());

  // Beats 0 and 1: the request, with Elm St's clip shared (Oak St's answer is its own business).
  auto requests = s().requests->List(*officer, 50);
  ASSERT_TRUE(requests.ok());
  auto filed = std::find_if(requests->begin(), requests->end(), [](const requests::AgencyView& v) {
    return v.request.case_number == "SPD-2026-05002";
  });
  ASSERT_NE(filed, requests->end());
  EXPECT_EQ(filed->request.status, RequestStatus::kOpen);
  EXPECT_EQ(filed->counts.clips_shared, 1);

  // Beat 2: the hit confirmed (episode 2 is not a misread episode).
  auto hits = s().plates->ListHits(*officer, 50);
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().hit.status, "confirmed");

  // Beat 3: a preservation demand and (even episode) a subpoena, both accepted.
  auto legal = DemoPrincipal(s(), accounts_, "legal");
  ASSERT_TRUE(legal.ok());
  auto demands = s().demands->List(*legal, "", "", 100);
  ASSERT_TRUE(demands.ok());
  int accepted_for_case = 0;
  for (const Demand& d : *demands) {
    if (d.case_number == "SPD-2026-05002" && d.status == DemandStatus::kAccepted) {
      ++accepted_for_case;
    }
  }
  EXPECT_EQ(accepted_for_case, 2);
}

TEST_F(DemoScriptTest, BeatsWithNothingToDoAreNotErrors) {
  DemoScript script(s(), accounts_);
  // No recent clip and no hit: the episode still plays; answering before filing is an error.
  EXPECT_EQ(script.PlayBeat(1, 1).code(), Code::kFailedPrecondition);
  for (int beat = 0; beat < DemoScript::kBeats; ++beat) {
    Status st = script.PlayBeat(1, beat);
    EXPECT_TRUE(st.ok()) << "beat " << beat << ": " << st.ToString();
  }
  EXPECT_EQ(script.PlayBeat(1, DemoScript::kBeats).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace canvass::cli
