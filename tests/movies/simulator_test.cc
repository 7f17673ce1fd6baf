// Simulator: deterministic for a seed, its lines parse back with LineParser, and its
// corruption accounting is exact.
#include "movies/simulator.h"

#include "movies/line_parser.h"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <vector>

namespace sluice::movies {
namespace {

std::vector<std::string> simulate(SimulatorOptions options, int n) {
  Simulator sim(options);
  std::vector<std::string> lines(static_cast<std::size_t>(n));
  for (std::string& line : lines) sim.next(line);
  return lines;
}

TEST(Simulator, SameSeedSameLinesOtherSeedOtherLines) {
  EXPECT_EQ(simulate({.seed = 7, .corruption_rate = 0.05}, 2000),
            simulate({.seed = 7, .corruption_rate = 0.05}, 2000));
  EXPECT_NE(simulate({.seed = 7}, 200), simulate({.seed = 8}, 200));
}

TEST(Simulator, UncorruptedLinesAreAllEvents) {
  SimulatorOptions options{.seed = 3, .users = 5000, .timeout_rate = 0.2};
  Simulator sim(options);
  LineParser parser;
  std::array<std::uint64_t, kEventTypeCount> types{};
  std::set<std::int64_t> users;
  std::uint64_t timeouts = 0;
  std::int64_t last_time = 0;
  std::string line;
  const int n = 50'000;
  for (int i = 0; i < n; ++i) {
    sim.next(line);
    const ParseOutcome& out = parser.parse(line);
    ASSERT_TRUE(out.ok()) << line << ": " << out.rejection.detail;
    ++types[static_cast<std::size_t>(out.event.type)];
    EXPECT_GE(out.event.user_id, 1);
    EXPECT_LE(out.event.user_id, 5000);
    users.insert(out.event.user_id);
    // The clock never goes back (watch lines print whole seconds).
    EXPECT_GE(out.event.time_micros, last_time - 1'000'000);
    last_time = std::max(last_time, out.event.time_micros);
    if (out.event.type == EventType::kRecommendation) {
      const auto& r = out.event.recommendation;
      if (r.status == 200) {
        EXPECT_EQ(r.recommendations.size(), 20u) << line;
        EXPECT_EQ(
            std::set<std::string_view>(r.recommendations.begin(), r.recommendations.end()).size(),
            20u)
            << "distinct ids: " << line;
        EXPECT_GE(r.response_time_ms, 25);
        EXPECT_LE(r.response_time_ms, 340);
      } else {
        EXPECT_EQ(r.status, 0);
        ++timeouts;
        ASSERT_TRUE(r.error.has_value());
        EXPECT_NE(r.error->find(": "), std::string_view::npos) << *r.error;
        EXPECT_NE(r.error->find(", "), std::string_view::npos) << *r.error;
      }
    }
  }
  const SimulatorStats& stats = sim.stats();
  EXPECT_EQ(stats.lines, static_cast<std::uint64_t>(n));
  EXPECT_EQ(stats.corrupted, 0u);
  EXPECT_EQ(types[0], stats.watch);
  EXPECT_EQ(types[1], stats.rating);
  EXPECT_EQ(types[2], stats.recommendation);
  // The configured shares, loosely (2% ratings, 5% requests, 20% of them timeouts).
  EXPECT_GT(stats.rating, n / 100u);
  EXPECT_LT(stats.rating, n / 25u);
  EXPECT_GT(stats.recommendation, n / 40u);
  EXPECT_LT(stats.recommendation, n / 10u);
  EXPECT_GT(timeouts, stats.recommendation / 10);
  EXPECT_GT(users.size(), 1000u);
}

TEST(Simulator, CorruptionIsCountedExactly) {
  for (double rate : {0.01, 0.3, 1.0}) {
    Simulator sim({.seed = 11, .corruption_rate = rate});
    LineParser parser;
    std::array<std::uint64_t, kEventTypeCount> types{};
    std::array<std::uint64_t, kReasonCount> reasons{};
    std::uint64_t rejected = 0;
    std::uint64_t no_seconds = 0;
    std::string line;
    const int n = 20'000;
    for (int i = 0; i < n; ++i) {
      sim.next(line);
      const ParseOutcome& out = parser.parse(line);
      if (!out.ok()) {
        ++rejected;
        ++reasons[static_cast<std::size_t>(out.rejection.reason)];
      } else if (out.event.warnings & kWarnNoSeconds) {
        ++no_seconds;  // the only corruption that still parses
      } else {
        ++types[static_cast<std::size_t>(out.event.type)];
      }
    }
    const SimulatorStats& stats = sim.stats();
    EXPECT_EQ(stats.lines, static_cast<std::uint64_t>(n));
    EXPECT_EQ(rejected + no_seconds, stats.corrupted) << rate;
    EXPECT_EQ(no_seconds, stats.seconds_dropped) << rate;
    EXPECT_EQ(types[0], stats.watch);
    EXPECT_EQ(types[1], stats.rating);
    EXPECT_EQ(types[2], stats.recommendation);
    EXPECT_NEAR(static_cast<double>(stats.corrupted) / n, rate, 0.02);
    if (rate >= 0.3) {
      // Every kind of corruption shows up.
      EXPECT_GT(reasons[static_cast<std::size_t>(Reason::kBadTimestamp)], 0u);
      EXPECT_GT(reasons[static_cast<std::size_t>(Reason::kBadUserId)], 0u);
      EXPECT_GT(reasons[static_cast<std::size_t>(Reason::kTrailingData)], 0u);
      EXPECT_GT(reasons[static_cast<std::size_t>(Reason::kUnknownFormat)], 0u);
      EXPECT_GT(no_seconds, 0u);
    }
  }
}

}  // namespace
}  // namespace sluice::movies
