// EventHub: live events for signed-in accounts (motion alerts now; request notifications and
// hot-list alerts later), delivered over Server-Sent Events by the API layer.
//
// Delivery is best effort and in memory: a subscriber that is not connected misses live events,
// which is why each event is also kept in the store (the inbox) by whoever publishes it.
// A subscriber whose queue passes kMaxQueued events is dropped (a slow client must not grow
// memory without bound); it reconnects and reads the inbox.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace canvass {

struct LiveEvent {
  std::string type;       // SSE "event:" field, e.g. "motion"
  std::string data_json;  // SSE "data:" field: one line of JSON
};

class Subscription {
 public:
  static constexpr size_t kMaxQueued = 1000;

  // Moves pending events out. Returns false once the subscription is closed and drained.
  bool Take(std::vector<LiveEvent>* out);
  // Called (from any thread) whenever an event arrives or the subscription closes. The callee
  // must not call back into the hub; it typically posts work to its own executor.
  void SetNotify(std::function<void()> notify);
  void Close();
  bool closed() const;

 private:
  friend class EventHub;
  void Push(LiveEvent e);

  mutable std::mutex mu_;
  std::deque<LiveEvent> queue_;     // GUARDED_BY(mu_)
  bool closed_ = false;             // GUARDED_BY(mu_)
  std::function<void()> notify_;    // GUARDED_BY(mu_)
};

class EventHub {
 public:
  std::shared_ptr<Subscription> Subscribe(const std::string& account_id);
  void Publish(const std::string& account_id, const LiveEvent& event);
  // Closes every subscription (at shutdown) and refuses new ones.
  void CloseAll();
  size_t SubscriberCount(const std::string& account_id);

 private:
  std::mutex mu_;
  bool closed_ = false;  // GUARDED_BY(mu_)
  std::unordered_map<std::string, std::vector<std::weak_ptr<Subscription>>> subs_;  // GUARDED_BY(mu_)
};

}  // namespace canvass
