// What every benchmark program prints and measures the same way: wall and thread CPU time,
// percentiles, resident memory, the CPU model, PASS/FAIL lines and fatal errors. Header-only:
// benchmarks are plain programs (see bench/CMakeLists.txt); the SQLite baselines share
// bench_sqlite.h.
#pragma once

#include <errno.h>  // program_invocation_short_name (glibc)
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace canvass::bench {

using Steady = std::chrono::steady_clock;

// Ends a benchmark that cannot go on, its program's name before the reason.
[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

inline double Seconds(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU time of the calling thread: with it, time spent descheduled on a busy machine can be told
// apart from the work's own cost.
inline double ThreadCpuUs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

inline double RssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024;
  }
  return 0;
}

// The p-quantile (0..1) of `v` by the nearest-rank method.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Prints one target's verdict, aligned, and returns it.
inline bool Check(const std::string& what, bool ok) {
  std::printf("  %-58s %s\n", what.c_str(), ok ? "PASS" : "FAIL");
  return ok;
}

inline std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

}  // namespace canvass::bench
