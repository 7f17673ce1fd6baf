// Realistic movie-service traffic, deterministic for a seed: the test and demo input.
//
//   Simulator sim({.seed = 7, .corruption_rate = 0.01});
//   std::string line;
//   for (int i = 0; i < n; ++i) { sim.next(line); emit(line); }
//
// Users in [1, users] with sessions of consecutive watch minutes of one movie,
// ratings (1-5) after some sessions, recommendation requests with
// `recommendations_per_request` results and 25-340 ms response times, a rate of
// status-0 timeouts whose result is a Java exception text, and corruption injected at
// `corruption_rate` (insert a character, drop seconds, corrupt a user id, cut a line,
// add trailing junk). Timestamps advance with the simulated clock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace sluice::movies {

struct SimulatorOptions {
  std::uint64_t seed = 1;
  std::int64_t users = 1'000'000;
  // Average lines per simulated second (sets how fast the clock advances).
  double lines_per_second = 1000;
  // UTC microseconds of the first line; 2024-03-08T23:00:00 by default.
  std::int64_t start_time_micros = 1'709'938'800'000'000;
  double rating_rate = 0.02;           // share of lines that are ratings
  double recommendation_rate = 0.05;   // share of lines that are recommendation requests
  double timeout_rate = 0.05;          // share of recommendation requests with status 0
  double corruption_rate = 0.0;        // share of lines corrupted on purpose
  int recommendations_per_request = 20;
  // Concurrent watch sessions (each a user watching consecutive minutes of a movie).
  int active_sessions = 256;
};

// What the simulator produced so far (corrupted lines are counted, not typed).
struct SimulatorStats {
  std::uint64_t lines = 0;
  std::uint64_t watch = 0;
  std::uint64_t rating = 0;
  std::uint64_t recommendation = 0;
  std::uint64_t corrupted = 0;
  // Of `corrupted`, the lines whose seconds were dropped: those still parse (with a
  // no_seconds warning); every other corrupted line is rejected by LineParser.
  std::uint64_t seconds_dropped = 0;
};

class Simulator {
 public:
  explicit Simulator(SimulatorOptions options = {});
  Simulator(Simulator&&) noexcept;
  Simulator& operator=(Simulator&&) noexcept;
  ~Simulator();

  // Replaces `line` with the next line (no '\n').
  void next(std::string& line);
  const SimulatorStats& stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::movies
