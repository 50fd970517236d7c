#include "events/event_hub.h"

#include <algorithm>

namespace canvass {

bool Subscription::Take(std::vector<LiveEvent>* out) {
  std::lock_guard lock(mu_);
  for (auto& e : queue_) out->push_back(std::move(e));
  queue_.clear();
  return !closed_ || !out->empty();
}

void Subscription::SetNotify(std::function<void()> notify) {
  std::function<void()> call_now;
  {
    std::lock_guard lock(mu_);
    notify_ = std::move(notify);
    if (!queue_.empty() || closed_) call_now = notify_;
  }
  if (call_now) call_now();
}

void Subscription::Close() {
  std::function<void()> notify;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    notify = notify_;
  }
  if (notify) notify();
}

bool Subscription::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void Subscription::Push(LiveEvent e) {
  std::function<void()> notify;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (queue_.size() >= kMaxQueued) {
      closed_ = true;  // a slow subscriber is dropped; it reconnects and reads its inbox
    } else {
      queue_.push_back(std::move(e));
    }
    notify = notify_;
  }
  if (notify) notify();
}

std::shared_ptr<Subscription> EventHub::Subscribe(const std::string& account_id) {
  auto sub = std::make_shared<Subscription>();
  std::lock_guard lock(mu_);
  if (closed_) {
    sub->closed_ = true;
    return sub;
  }
  auto& list = subs_[account_id];
  std::erase_if(list, [](const auto& w) { return w.expired(); });
  list.push_back(sub);
  return sub;
}

void EventHub::Publish(const std::string& account_id, const LiveEvent& event) {
  std::vector<std::shared_ptr<Subscription>> targets;
  {
    std::lock_guard lock(mu_);
    auto it = subs_.find(account_id);
    if (it == subs_.end()) return;
    for (auto& w : it->second) {
      if (auto s = w.lock()) targets.push_back(std::move(s));
    }
  }
  for (auto& s : targets) s->Push(event);
}

void EventHub::CloseAll() {
  std::vector<std::shared_ptr<Subscription>> all;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (auto& [k, list] : subs_) {
      for (auto& w : list) {
        if (auto s = w.lock()) all.push_back(std::move(s));
      }
    }
    subs_.clear();
  }
  for (auto& s : all) s->Close();
}

size_t EventHub::SubscriberCount(const std::string& account_id) {
  std::lock_guard lock(mu_);
  auto it = subs_.find(account_id);
  if (it == subs_.end()) return 0;
  return std::count_if(it->second.begin(), it->second.end(),
                       [](const auto& w) { return !w.expired(); });
}

}  // namespace canvass
