#include "events/event_hub.h"

#include <gtest/gtest.h>

namespace canvass {
namespace {

TEST(EventHub, DeliversOnlyToTheAccountsSubscribers) {
  EventHub hub;
  auto a = hub.Subscribe("acc_a");
  auto b = hub.Subscribe("acc_b");
  int notified = 0;
  a->SetNotify([&] { ++notified; });
  hub.Publish("acc_a", {"motion", "{}"});
  std::vector<LiveEvent> got;
  EXPECT_TRUE(a->Take(&got));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, "motion");
  EXPECT_EQ(notified, 1);
  std::vector<LiveEvent> none;
  b->Take(&none);
  EXPECT_TRUE(none.empty());
}

TEST(EventHub, DroppedSubscriptionsAreForgottenAndCloseAllEndsStreams) {
  EventHub hub;
  {
    auto gone = hub.Subscribe("acc_a");
  }
  EXPECT_EQ(hub.SubscriberCount("acc_a"), 0u);
  auto s = hub.Subscribe("acc_a");
  hub.CloseAll();
  std::vector<LiveEvent> got;
  EXPECT_FALSE(s->Take(&got));
  EXPECT_TRUE(hub.Subscribe("acc_a")->closed());
}

TEST(EventHub, SlowSubscriberIsClosedAtTheQueueLimit) {
  EventHub hub;
  auto s = hub.Subscribe("acc_a");
  for (size_t i = 0; i <= Subscription::kMaxQueued; ++i) hub.Publish("acc_a", {"motion", "{}"});
  EXPECT_TRUE(s->closed());
}

}  // namespace
}  // namespace canvass
