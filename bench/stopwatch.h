// The clock every benchmark reports (they all use Google Benchmark's manual time, so
// untimed setup inside an iteration is excluded): wall time by default; thread CPU
// time with SLUICE_BENCH_CLOCK=cpu, for a machine shared with other work, where wall
// time would charge other processes' time slices to whichever benchmark was running.
// Plain C++ only (avro_c_peer.cc includes it; see avro_c_peer.h).
#pragma once

#include <cstdlib>
#include <ctime>
#include <string_view>

namespace sluice::bench {

class Stopwatch {
 public:
  Stopwatch() : start_(now()) {}
  // Seconds since construction or the last restart().
  double seconds() const { return now() - start_; }
  void restart() { start_ = now(); }

  static bool cpu_clock() {
    static const bool cpu = [] {
      const char* env = std::getenv("SLUICE_BENCH_CLOCK");
      return env != nullptr && std::string_view(env) == "cpu";
    }();
    return cpu;
  }

 private:
  static double now() {
    timespec ts;
    clock_gettime(cpu_clock() ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
  double start_;
};

}  // namespace sluice::bench
