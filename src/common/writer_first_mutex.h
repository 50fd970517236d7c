// WriterFirstSharedMutex: a reader-writer lock whose waiting writer goes first.
//
// glibc's std::shared_mutex prefers readers: while any reader holds it, new readers keep getting
// in, and a writer under a steady stream of readers (searches, matches) can wait forever. Here
// readers pass through a turnstile mutex that a writer holds while it waits and while it writes,
// so once a writer arrives new readers queue behind it; readers already inside finish first.
// Meets the SharedMutex requirements: use it with std::shared_lock and std::unique_lock.
#pragma once

#include <mutex>
#include <shared_mutex>

namespace canvass {

class WriterFirstSharedMutex {
 public:
  void lock() {
    turnstile_.lock();
    mu_.lock();
  }
  void unlock() {
    mu_.unlock();
    turnstile_.unlock();
  }
  void lock_shared() {
    std::lock_guard turnstile(turnstile_);  // queues behind a writer that waits or writes
    mu_.lock_shared();
  }
  void unlock_shared() { mu_.unlock_shared(); }

 private:
  std::mutex turnstile_;
  std::shared_mutex mu_;
};

}  // namespace canvass
