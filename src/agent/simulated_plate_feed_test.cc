#include "agent/simulated_plate_feed.h"

#include <gtest/gtest.h>

#include "agent/agent_test_util.h"
#include "agent/uploader.h"
#include "testing/test_app.h"

namespace canvass::agent {
namespace {

using canvass::testing::TestApp;
using testing::TempDir;

const std::vector<media::TownCameraSpec> kTown = {{"Elm St", 2, false, false},
                                                  {"ALPR Capitol Ave", 5, false, true}};

TEST(SimulatedPlateFeed, SendsEachPassOncePerLoopInBatches) {
  TempDir dir;
  auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
  SimulatedClock clock(testing::kT0us);
  SimulatedSleeper sleeper(&clock);
  SimulatedPlateFeedOptions o;
  o.reads = {{"a", 1000, "7ABC123"}, {"a", 2000, "7ABC124"}, {"b", 1500, "7ABC125"}};
  o.loop_ms = 10000;
  o.epoch_us = testing::kT0us;
  o.batch_max = 1;
  SimulatedPlateFeed feed(o, box.get(), nullptr, &clock, &sleeper);
  EXPECT_EQ(*feed.Step(testing::kT0us + 999'999), 0);
  EXPECT_EQ(*feed.Step(testing::kT0us + 1'500'000), 2);
  EXPECT_EQ(*feed.Step(testing::kT0us + 1'500'000), 0);   // never twice
  EXPECT_EQ(*feed.Step(testing::kT0us + 12'000'000), 4);  // 2000; then 1000, 1500, 2000 again
  EXPECT_EQ(box->pending(), 6);                           // batch_max 1: one item per read
}

// The demo town's path end to end: the simulation's ALPR ground truth, through the outbox and
// the uploader with the reader's token, reaches the server, and a hot-listed plate raises a hit.
TEST(SimulatedPlateFeed, DemoAlprReadsArriveAndAHotListedPlateRaisesAHit) {
  media::TownSim sim = media::SimulateTown({}, kTown);
  std::vector<SimulatedRead> reads = SimulatedReadsOf(sim);
  ASSERT_FALSE(reads.empty());
  for (const auto& r : reads) EXPECT_EQ(r.camera, "ALPR Capitol Ave");

  TestApp t;
  const std::string reader = t.MakeReader("ALPR Capitol Ave");
  auto owner = t.Make(Role::kResident, "city");
  const std::string device = t.MakeCamera(owner, "ALPR Capitol Ave");
  auto officer = t.Make(Role::kOfficer, "officer");
  Principal p = *t.services().accounts->Authenticate("", officer.token);
  auto list = t.services().plates->CreateHotList(p, "Stolen vehicles");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  canvass::HotListEntry entry;
  entry.plate = reads.front().plate;
  entry.region = "IL";
  entry.reason = "STOLEN VEHICLE";
  entry.source = "manual";
  ASSERT_TRUE(t.services().plates->AddEntry(p, list->id, entry).ok());

  TempDir dir;
  auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
  SimulatedClock clock(testing::kT0us);
  SimulatedSleeper sleeper(&clock);
  SimulatedPlateFeedOptions o;
  o.reads = reads;
  o.loop_ms = sim.options.loop_ms;
  const int64_t now = SystemClock::Get()->NowMicros();
  o.epoch_us = now - o.loop_ms * 1000;  // one whole loop has just played
  SimulatedPlateFeed feed(o, box.get(), nullptr, &clock, &sleeper);
  ASSERT_EQ(*feed.Step(now), static_cast<int64_t>(reads.size()));
  Uploader up(box.get(),
              {.server_url = t.url(), .cameras = {{"ALPR Capitol Ave", {device, reader}}}},
              &sleeper, Random::System());
  while (true) {
    auto r = up.SendNext();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_NE(*r, Uploader::Result::kRefused);
    if (*r == Uploader::Result::kEmpty) break;
  }
  auto hits = t.services().plates->ListHits(p, 100);
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_GE(hits->size(), 1u);
  EXPECT_EQ(hits->front().entry.plate, reads.front().plate);
  ASSERT_TRUE(hits->front().read.has_value());
  EXPECT_EQ(hits->front().read->plate, reads.front().plate);
}

}  // namespace
}  // namespace canvass::agent
