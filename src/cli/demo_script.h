// DemoScript: the demo town's incidents, played out over time while `canvass demo` runs, so that
// the requests, inbox, hits, plate search, legal and audit pages fill with fresh content beside
// the clips and reads the town's agents produce (docs/design/agent.md, "Demo town").
//
// Every episode is one incident near the three residents' cameras the agents watch, told in
// four beats, each done through the services as the person in question (so each lands in the
// audit log as it would from the web UI):
//   0. Officer Chen files a footage request for the last 15 minutes around those homes
//      ("SPD-2026-05NNN"); the sergeant approves it if the policy asks for approval.
//   1. The residents answer: Elm St shares its newest matching clip, Maple St declines, Oak St
//      does not answer.
//   2. The officer triages the newest unreviewed hot-list hit (confirmed; every third episode a
//      misread) and searches the plate for the stated reason, under the case number.
//   3. Legal records a preservation request for the Elm St camera over the incident's window and
//      accepts it (a hold); every second episode also a subpoena for the Maple St household's
//      subscriber record, accepted, so its owner is told.
// A beat that finds nothing to do (no clip yet, no hit) logs so and the episode goes on.
//
// Usage:
//   DemoScript script(app.services(), accounts);
//   std::thread t([&] { script.Run(100s, 150s); });  // until script.Stop(); or PlayBeat(n, beat)
//
// Thread-safety: one thread runs a DemoScript; the services are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "api/services.h"
#include "cli/demo_town.h"

namespace canvass::cli {

class DemoScript {
 public:
  static constexpr int kBeats = 4;

  DemoScript(api::Services& services, std::vector<DemoAccount> accounts);

  // Plays episodes 1, 2, ... from `first` after the call, one every `period`, the beats spread
  // over the first half of each period, until Stop(). Errors are logged, never fatal.
  void Run(std::chrono::milliseconds first, std::chrono::milliseconds period);
  void Stop();

  // One beat of one episode (1-based episode, beat 0 to kBeats-1), at once. A step that is
  // refused (by the policy, a missing clip) is an error only when it should not have been.
  Status PlayBeat(int episode, int beat);

 private:
  Status FileRequest(int episode);
  Status Answer(int episode);
  Status TriageHit(int episode);
  Status Preserve(int episode);
  bool WaitFor(std::chrono::milliseconds d);  // false once stopped

  api::Services& s_;
  std::vector<DemoAccount> accounts_;
  std::string request_id_;  // of the current episode
  int64_t window_from_us_ = 0, window_to_us_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace canvass::cli
