// Every line of every file in shared/data/movielog/ is classified (an event or a
// rejection with a reason), and the known junk lines of the McGill files get the
// right reasons.
#include "movies/line_parser.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::movies {
namespace {

std::vector<std::string> split_lines(const std::string& data) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < data.size()) {
    std::size_t nl = data.find('\n', start);
    if (nl == std::string::npos)
      nl = data.size();
    lines.push_back(data.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string> file_lines(const std::string& name) {
  return split_lines(testing::read_file(testing::shared_data() / "movielog" / name));
}

// Expected classification of specific lines: a reason, or nullopt for an event.
struct Expect {
  std::size_t line;  // 1-based
  std::optional<Reason> reason;
  std::uint32_t warnings = 0;  // checked for events
};

void check_lines(const std::string& file, const std::vector<Expect>& expectations) {
  SCOPED_TRACE(file);
  std::vector<std::string> lines = file_lines(file);
  LineParser parser;
  for (const Expect& e : expectations) {
    ASSERT_LE(e.line, lines.size());
    const std::string& line = lines[e.line - 1];
    const ParseOutcome& out = parser.parse(line);
    if (e.reason) {
      ASSERT_FALSE(out.ok()) << "line " << e.line << ": " << line;
      EXPECT_EQ(reason_name(out.rejection.reason), reason_name(*e.reason))
          << "line " << e.line << ": " << line << ": " << out.rejection.detail;
    } else {
      ASSERT_TRUE(out.ok()) << "line " << e.line << ": " << line << ": " << out.rejection.detail;
      EXPECT_EQ(out.event.warnings, e.warnings) << "line " << e.line << ": " << line;
    }
  }
}

TEST(MovieLogFiles, EveryLineOfEveryFileIsClassified) {
  SLUICE_REQUIRE_SHARED_DATA();
  std::size_t files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::shared_data() / "movielog")) {
    ++files;
    std::vector<std::string> lines = file_lines(entry.path().filename().string());
    LineParser parser;
    std::size_t events = 0;
    std::size_t rejected = 0;
    for (const std::string& line : lines) {
      const ParseOutcome& out = parser.parse(line);
      if (out.ok()) {
        ++events;
        EXPECT_GE(out.event.user_id, 1);
      } else {
        ++rejected;
        EXPECT_LT(static_cast<int>(out.rejection.reason), kReasonCount);
        EXPECT_FALSE(out.rejection.detail.empty());
      }
    }
    EXPECT_EQ(events + rejected, lines.size()) << entry.path();
    EXPECT_GT(events, 0u) << entry.path();
  }
  EXPECT_EQ(files, 7u);
}

TEST(MovieLogFiles, McGillDumpA) {
  SLUICE_REQUIRE_SHARED_DATA();
  const std::uint32_t env = kWarnKafkaDumpEnvelope;
  check_lines("mcgill-2022-dump-a.csv",
              {{1, std::nullopt, env},
               {2, Reason::kBadTimestamp},  // 2022-10-28T 04:23:23
               {3, Reason::kBadUserId},     // -25611
               {4, std::nullopt, env},
               {6, Reason::kBadTimestamp},               // 2022-1k0-28
               {8, std::nullopt, env | kWarnFraction3},  // a recommendation request
               {12, Reason::kBadUserId},                 // 5521777 > 1,000,000
               {13, Reason::kBadUserId},                 // 24f162
               {14, std::nullopt, env}});
}

TEST(McGillDumpB, AllEvents) {
  SLUICE_REQUIRE_SHARED_DATA();
  std::vector<Expect> all;
  for (std::size_t i = 1; i <= file_lines("mcgill-2022-dump-b.csv").size(); ++i) {
    all.push_back({i, std::nullopt, kWarnKafkaDumpEnvelope});
  }
  check_lines("mcgill-2022-dump-b.csv", all);
}

TEST(MovieLogFiles, McGillHistoryBadDates) {
  SLUICE_REQUIRE_SHARED_DATA();
  check_lines("mcgill-2023-history-bad-dates.csv",
              {{1, Reason::kTrailingData},  // ...134.mpg,rgrt
               {2, Reason::kTrailingData},
               {3, Reason::kTrailingData},
               {4, Reason::kUnknownFormat},  // 2023-10-25T07:20:57,29619 (cut)
               {5, std::nullopt},
               {6, Reason::kUnknownFormat},  // cut after the user id
               {9, Reason::kUnknownFormat},  // rfrtr,rtrrtr,rtrer
               {10, std::nullopt},
               {12, Reason::kUnknownFormat},    // GET /drtrtpg,trter,trt
               {13, Reason::kUnknownFormat}});  // ends with "101577,"
}

TEST(MovieLogFiles, McGillHistoryAndRatingsAreAllEvents) {
  SLUICE_REQUIRE_SHARED_DATA();
  for (const char* file : {"mcgill-2023-history.csv", "mcgill-2023-ratings.csv"}) {
    LineParser parser;
    for (const std::string& line : file_lines(file)) {
      const ParseOutcome& out = parser.parse(line);
      EXPECT_TRUE(out.ok()) << file << ": " << line << ": " << out.rejection.detail;
    }
  }
  // The home+among+strangers_ id (a '_' where the title had a colon) is a valid id.
  check_lines("mcgill-2023-ratings.csv", {{12, std::nullopt}});
}

TEST(MovieLogFiles, McGillStreamSample) {
  SLUICE_REQUIRE_SHARED_DATA();
  std::vector<std::string> lines = file_lines("mcgill-2022-stream-sample.csv");
  LineParser parser;
  std::map<std::string, Reason> rejected;
  std::size_t crlf = 0;
  for (const std::string& line : lines) {
    const ParseOutcome& out = parser.parse(line);
    if (!out.ok()) {
      rejected.emplace(line.substr(0, line.find('\r')), out.rejection.reason);
    } else if (out.event.warnings & kWarnCrLf) {
      ++crlf;
    }
  }
  EXPECT_GT(crlf, 0u) << "the sample has CRLF line ends";
  const std::map<std::string, Reason> expected = {
      {"2022-11-14T12:23:27,83607,GZET /data/m/gone+with+the+wind+1939/83.mpg",
       Reason::kUnknownFormat},
      {"2022-11-1 4T12:23:14,199776,GET /data/m/interstellar+2014/74.mpg", Reason::kBadTimestamp},
      {"2022-11-14T1O2:23:16,494528,GET /data/m/the+avengers+2012/97.mpg", Reason::kBadTimestamp},
      {"2022-11-14T12: 23:28,674325,GET /data/m/the+snowman+1982/8.mpg", Reason::kBadTimestamp},
      {"2022-11-14T12 :23:32,426479,GET /data/m/the+rock+1996/35.mpg", Reason::kBadTimestamp},
      {"2022-e11-14T12:23:33,637196,GET /data/m/wreck-it+ralph+2012/6.mpg", Reason::kBadTimestamp},
      {"2022-11-14T12:23:22,387336 ,GET /data/m/the+shawshank+redemption+1994/7.mpg",
       Reason::kBadUserId},
      {"2022-11-14T12:23:13,266453,GET /data/m/august+2011/ 88.mpg", Reason::kBadMinute},
      {"2022-11-14T12:23:30,176872,GET /data/m/four+weddings+and+a+fun eral+1994/66.mpg",
       Reason::kBadMovieId},
  };
  EXPECT_EQ(rejected.size(), expected.size()) << "every junk line of the sample is listed";
  for (const auto& [line, reason] : expected) {
    auto it = rejected.find(line);
    ASSERT_NE(it, rejected.end()) << "not rejected: " << line;
    EXPECT_EQ(reason_name(it->second), reason_name(reason)) << line;
  }
}

}  // namespace
}  // namespace sluice::movies
