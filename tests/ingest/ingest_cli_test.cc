// `sluice ingest` and `sluice demo` end to end: the report's accounting, the files
// read back, the real movie logs of ../shared/data/movielog, user schemas, errors.
#include "ingest_test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kEventStreams = {"MovieWatchEvent", "MovieRatingEvent",
                                                "RecommendationRequest"};

json load_json(const fs::path& p) {
  return json::parse(read_file(p));
}

std::uint64_t sum_values(const json& object) {
  std::uint64_t n = 0;
  for (const auto& [k, v] : object.items()) n += v.get<std::uint64_t>();
  return n;
}

// The report's accounting holds, and the files hold exactly what it says.
void expect_report_matches_files(const json& report, const fs::path& out) {
  std::uint64_t lines_in = report["lines_in"];
  std::uint64_t quarantined = report["quarantined_total"];
  EXPECT_EQ(lines_in, sum_values(report["events_out"]) + quarantined) << report.dump(2);
  EXPECT_EQ(quarantined, sum_values(report["quarantined"]));
  std::uint64_t source_sum = 0;
  for (const json& s : report["sources"]) {
    EXPECT_EQ(s["lines_in"].get<std::uint64_t>(),
              s["events_out"].get<std::uint64_t>() + s["quarantined"].get<std::uint64_t>())
        << s.dump();
    source_sum += s["lines_in"].get<std::uint64_t>();
  }
  EXPECT_EQ(source_sum, lines_in);
  for (const auto& [name, n] : report["events_out"].items()) {
    EXPECT_EQ(read_stream(out, name).size(), n.get<std::uint64_t>()) << name;
  }
  EXPECT_EQ(read_stream(out, "quarantine").size(), quarantined);
  EXPECT_TRUE(temp_files(out).empty());
}

class IngestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(shared_data() / "movielog")) {
      GTEST_SKIP() << "shared data not found at " << shared_data() << " (set SLUICE_SHARED_DATA)";
    }
  }
  fs::path movielog(const std::string& name) { return shared_data() / "movielog" / name; }
  TempDir dir_;
};

TEST_F(IngestCli, EveryMovieLogFileIsAccountedFor) {
  for (const auto& entry : fs::directory_iterator(shared_data() / "movielog")) {
    SCOPED_TRACE(entry.path().string());
    fs::path out = dir_ / entry.path().filename().string();
    fs::path report_path = dir_ / (entry.path().filename().string() + ".json");
    auto r = run_sluice("ingest --from " + shq(entry.path().string()) + " --to " +
                        shq(out.string()) + " --report " + shq(report_path.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("lines in"), std::string::npos) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;  // not a terminal: no progress line
    json report = load_json(report_path);
    EXPECT_GT(report["lines_in"].get<std::uint64_t>(), 0u);
    expect_report_matches_files(report, out);
  }
}

TEST_F(IngestCli, SeveralSourcesInOneRun) {
  fs::path out = dir_ / "out";
  auto r = run_sluice("ingest --from " + shq(movielog("mcgill-2023-history.csv").string()) +
                      " --from " + shq(movielog("mcgill-2023-ratings.csv").string()) + " --to " +
                      shq(out.string()) + " --report " + shq((dir_ / "r.json").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json report = load_json(dir_ / "r.json");
  ASSERT_EQ(report["sources"].size(), 2u);
  // 18 lines (17 newlines, the last line has none) and 31 ratings (30 + 1).
  EXPECT_EQ(report["sources"][0]["lines_in"], 18);
  EXPECT_EQ(report["sources"][1]["lines_in"], 31);
  EXPECT_EQ(report["events_out"]["MovieRatingEvent"], 31);
  expect_report_matches_files(report, out);
}

// CMU 2024 export: 1,000 rows = the header + 984 Movie + 4 Rating + 11 Recommendation
// (counted with `cut -d, -f1 | sort | uniq -c`); every row is a good line.
TEST_F(IngestCli, CmuCsvExactCounts) {
  fs::path out = dir_ / "cmu";
  auto r = run_sluice("ingest --from " + shq(movielog("cmu-2024-master.csv").string()) + " --to " +
                      shq(out.string()) + " --report " + shq((dir_ / "r.json").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json report = load_json(dir_ / "r.json");
  EXPECT_EQ(report["lines_in"], 999);
  EXPECT_EQ(report["header_lines"], 1);
  EXPECT_EQ(report["events_out"]["MovieWatchEvent"], 984);
  EXPECT_EQ(report["events_out"]["MovieRatingEvent"], 4);
  EXPECT_EQ(report["events_out"]["RecommendationRequest"], 11);
  EXPECT_EQ(report["quarantined_total"], 0);
  expect_report_matches_files(report, out);

  // Spot-check values against the file's text.
  auto watches = read_stream(out, "MovieWatchEvent");
  ASSERT_EQ(watches.size(), 984u);
  // Row 2: Movie,"2024-03-08T23:06:09,422004,GET /data/m/dear+zachary+...+2008/84.mpg"
  EXPECT_EQ(watches[0]["userId"], 422004);
  EXPECT_EQ(watches[0]["movieId"], "dear+zachary+a+letter+to+a+son+about+his+father+2008");
  EXPECT_EQ(watches[0]["minute"], 84);
  EXPECT_EQ(watches[0]["time"], 1709939169000000);  // 2024-03-08T23:06:09Z
  auto recs = read_stream(out, "RecommendationRequest");
  ASSERT_EQ(recs.size(), 11u);
  EXPECT_EQ(recs[0]["userId"], 665685);
  EXPECT_EQ(recs[0]["server"], "17645-team19.isri.cmu.edu:8082");
  EXPECT_EQ(recs[0]["status"], 200);
  EXPECT_EQ(recs[0]["recommendations"][0], "dilwale+dulhania+le+jayenge+1995");
  auto ratings = read_stream(out, "MovieRatingEvent");
  ASSERT_EQ(ratings.size(), 4u);
  EXPECT_EQ(ratings[0]["userId"], 245847);
  EXPECT_EQ(ratings[0]["movieId"], "suicide+room+2011");
  EXPECT_EQ(ratings[0]["rating"], 5);
}

// Quarantined rows of the McGill files, read back from the quarantine files. Expected
// reasons worked out by reading each row (see the comments), not by running the parser.
TEST_F(IngestCli, McGillJunkLandsInQuarantineWithItsReason) {
  struct Expected {
    std::int64_t line;
    std::string reason;
  };
  std::map<std::string, std::vector<Expected>> files = {
      // 14 Kafka-dump rows; row 2 "2022-10-28T 04:23:23", row 6 "2022-1k0-28", row 3
      // user "-25611", row 12 user 5521777 (> 1,000,000), row 13 user "24f162".
      {"mcgill-2022-dump-a.csv",
       {{2, "bad_timestamp"},
        {3, "bad_user_id"},
        {6, "bad_timestamp"},
        {12, "bad_user_id"},
        {13, "bad_user_id"}}},
      // 13 rows: ",rgrt"-style junk after .mpg (rows 1-3), no request (rows 4, 6 and the
      // last, 13), a request that is no known form (rows 9 and 12).
      {"mcgill-2023-history-bad-dates.csv",
       {{1, "trailing_data"},
        {2, "trailing_data"},
        {3, "trailing_data"},
        {4, "unknown_format"},
        {6, "unknown_format"},
        {9, "unknown_format"},
        {12, "unknown_format"},
        {13, "unknown_format"}}},
  };
  std::vector<std::string> raw_lines;
  for (const auto& [name, expected] : files) {
    SCOPED_TRACE(name);
    fs::path out = dir_ / name;
    fs::path path = movielog(name);
    auto r = run_sluice("ingest --from " + shq(path.string()) + " --to " + shq(out.string()) +
                        " --report " + shq((dir_ / (name + ".json")).string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The file's lines, to compare raw text.
    std::vector<std::string> text;
    {
      std::ifstream in(path);
      for (std::string l; std::getline(in, l);) text.push_back(l);
    }
    auto q = read_stream(out, "quarantine");
    ASSERT_EQ(q.size(), expected.size());
    for (std::size_t i = 0; i < q.size(); ++i) {
      EXPECT_EQ(q[i]["line"], expected[i].line) << q[i].dump();
      EXPECT_EQ(q[i]["reason"], expected[i].reason) << q[i].dump();
      EXPECT_EQ(q[i]["source"], path.string());
      EXPECT_EQ(q[i]["raw"], text[static_cast<std::size_t>(expected[i].line - 1)]);
      EXPECT_FALSE(q[i]["detail"].get<std::string>().empty());
      EXPECT_TRUE(q[i]["partition"].is_null());
    }
    json report = load_json(dir_ / (name + ".json"));
    EXPECT_EQ(report["lines_in"], text.size());
    EXPECT_EQ(report["quarantined_total"], expected.size());
    // A few samples per reason, with their line.
    for (const auto& [reason, samples] : report["samples"].items()) {
      EXPECT_GE(samples.size(), 1u);
      EXPECT_LE(samples.size(), 3u);
      EXPECT_EQ(samples[0]["source"], path.string());
    }
    expect_report_matches_files(report, out);
  }
}

TEST_F(IngestCli, StdinAndAFileGiveTheSameEvents) {
  fs::path file = movielog("mcgill-2023-ratings.csv");
  auto a =
      run_sluice("ingest --from " + shq(file.string()) + " --to " + shq((dir_ / "a").string()));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto b = run_command("cat " + shq(file.string()) + " | " + shq(sluice_binary()) +
                       " ingest --from - --to " + shq((dir_ / "b").string()));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto ra = read_stream(dir_ / "a", "MovieRatingEvent");
  EXPECT_EQ(ra.size(), 31u);
  EXPECT_EQ(ra, read_stream(dir_ / "b", "MovieRatingEvent"));
}

TEST_F(IngestCli, RollingAndReRunsAddPartsWithoutOverwriting) {
  fs::path out = dir_ / "out";
  std::string cmd = "ingest --from " + shq(movielog("cmu-2024-master.csv").string()) + " --to " +
                    shq(out.string()) + " --roll-records 100 --codec deflate";
  auto r = run_sluice(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto parts = parts_of(out / "MovieWatchEvent");
  EXPECT_EQ(parts.size(), 10u);  // 984 records, 100 a part
  EXPECT_EQ(read_stream(out, "MovieWatchEvent").size(), 984u);
  std::string first = read_file(parts[0]);
  r = run_sluice(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto again = parts_of(out / "MovieWatchEvent");
  EXPECT_EQ(again.size(), 20u);
  EXPECT_EQ(again.back().filename(), "part-00019.avro");
  EXPECT_EQ(read_file(again[0]), first);
  EXPECT_EQ(read_stream(out, "MovieWatchEvent").size(), 2 * 984u);
  EXPECT_TRUE(temp_files(out).empty());
}

TEST_F(IngestCli, LevelChangesTheCompressionNotTheRecords) {
  std::string from = "ingest --from " + shq(movielog("cmu-2024-master.csv").string()) + " --to ";
  auto r = run_sluice(from + shq((dir_ / "fast").string()));  // the default level
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_sluice(from + shq((dir_ / "small").string()) + " --level 19");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_sluice(from + shq((dir_ / "xz").string()) + " --codec xz --level 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto fast = read_stream(dir_ / "fast", "MovieWatchEvent");
  EXPECT_EQ(fast.size(), 984u);
  EXPECT_EQ(fast, read_stream(dir_ / "small", "MovieWatchEvent"));
  EXPECT_EQ(fast, read_stream(dir_ / "xz", "MovieWatchEvent"));
  auto reader = avro::ContainerReader::open(parts_of(dir_ / "fast" / "MovieWatchEvent").at(0));
  ASSERT_TRUE(reader.has_value());
  EXPECT_EQ(reader->codec(), avro::Codec::kZstandard);
  // A level outside the codec's range, or for Kafka output: usage, exit 2, nothing written.
  r = run_sluice(from + shq((dir_ / "bad").string()) + " --level 23");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--level: 23 is outside zstandard's range -7..22"), std::string::npos)
      << r.err;
  r = run_sluice(from + shq((dir_ / "bad").string()) + " --codec deflate --level 10");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("deflate"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "bad"));
  r = run_sluice(from + "kafka://127.0.0.1:1 --level 3");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--level"), std::string::npos) << r.err;
}

TEST_F(IngestCli, UserSchemasNameTheFilesAndShapeTheRecords) {
  fs::path schemas = shared_data() / "seed-schemas";
  fs::path out = dir_ / "out";
  auto r = run_sluice("ingest --from " + shq(movielog("cmu-2024-master.csv").string()) + " --to " +
                      shq(out.string()) + " --schema " +
                      shq((schemas / "cmu-repo-movie_watch.avsc").string()) + " --schema " +
                      shq((schemas / "cmu-repo-movie_rating.avsc").string()) + " --schema " +
                      shq((schemas / "cmu-repo-recommendation_request.avsc").string()) +
                      " --report " + shq((dir_ / "r.json").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json report = load_json(dir_ / "r.json");
  EXPECT_EQ(report["events_out"]["MovieWatch"], 984);
  EXPECT_EQ(report["events_out"]["MovieRating"], 4);
  EXPECT_EQ(report["events_out"]["RecommendationRequest"], 11);
  auto watch_parts = parts_of(out / "MovieWatch");
  ASSERT_FALSE(watch_parts.empty());
  auto reader = avro::ContainerReader::open(watch_parts[0]);
  ASSERT_TRUE(reader.has_value());
  EXPECT_EQ(reader->writer_schema()->root().name, "MovieWatch");
  auto watches = read_stream(out, "MovieWatch");
  ASSERT_EQ(watches.size(), 984u);
  // The user schema's types: time and minute are strings, userid an int.
  EXPECT_EQ(watches[0]["time"], "2024-03-08T23:06:09");
  EXPECT_EQ(watches[0]["userid"], 422004);
  EXPECT_EQ(watches[0]["minute"], "84");
  EXPECT_EQ(watches[0]["movieid"], "dear+zachary+a+letter+to+a+son+about+his+father+2008");
  EXPECT_EQ(read_stream(out, "MovieRating")[0]["rating"], "5");
  expect_report_matches_files(report, out);
}

TEST_F(IngestCli, BadInputGetsClearErrors) {
  // A missing input: exit 1, naming the path, nothing written.
  auto r = run_sluice("ingest --from " + shq((dir_ / "missing.log").string()) + " --to " +
                      shq((dir_ / "out").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find((dir_ / "missing.log").string()), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  // An output folder that cannot be created (a file is in the way): exit 1, naming it.
  write_file(dir_ / "blocker", "x");
  r = run_sluice("ingest --from " + shq(movielog("mcgill-2022-dump-b.csv").string()) + " --to " +
                 shq((dir_ / "blocker" / "out").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find((dir_ / "blocker" / "out").string()), std::string::npos) << r.err;
  // A bad codec: usage, exit 2.
  r = run_sluice("ingest --from " + shq(movielog("mcgill-2022-dump-b.csv").string()) + " --to " +
                 shq((dir_ / "o2").string()) + " --codec lz5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("lz5"), std::string::npos) << r.err;
  // A bad format and schema version: usage.
  r = run_sluice("ingest --from x --to y --format xml");
  EXPECT_EQ(r.exit_code, 2);
  r = run_sluice("ingest --from x --to y --schema-version 3");
  EXPECT_EQ(r.exit_code, 2);
  // A schema that fits no event type: usage, naming the option.
  write_file(dir_ / "odd.avsc",
             R"({"type":"record","name":"Thing","fields":[{"name":"q","type":"int"}]})");
  r = run_sluice("ingest --from " + shq(movielog("mcgill-2022-dump-b.csv").string()) + " --to " +
                 shq((dir_ / "o3").string()) + " --schema " + shq((dir_ / "odd.avsc").string()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--schema"), std::string::npos) << r.err;
}

TEST_F(IngestCli, HelpDocumentsTheOptionsAndLayout) {
  auto r = run_sluice("ingest --help");
  ASSERT_EQ(r.exit_code, 0);
  for (const char* word :
       {"--from", "--to", "--format", "--schema-version", "--schema", "--codec", "--level",
        "--report", "--max-user-id", "--roll-records", "--registry", "--group", "--idle-exit-ms",
        "--topic-prefix", "quarantine/part-NNNNN.avro", "bad_user_id", "Example"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
  }
}

// The main job on a small input: its tables and quarantine hold what the printed
// report says.
TEST(Demo, OutputMatchesTheReport) {
  TempDir dir;
  fs::path out = dir / "demo";
  auto r = run_sluice("demo --lines 20000 --seed 5 --out " + shq(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto number_after = [&](const std::string& label) -> std::uint64_t {
    std::size_t p = r.out.find("\n" + label);
    if (p == std::string::npos)
      p = r.out.find("\n  " + label);
    EXPECT_NE(p, std::string::npos) << label << "\n" << r.out;
    if (p == std::string::npos)
      return 0;
    std::size_t digits = r.out.find_first_of("0123456789", p + label.size() + 1);
    return std::stoull(r.out.substr(digits));
  };
  std::uint64_t lines_in = number_after("lines in");
  EXPECT_EQ(lines_in, 20000u);
  std::uint64_t total = 0;
  for (const std::string& stream : kEventStreams) {
    std::uint64_t n = number_after(stream);
    EXPECT_GT(n, 0u) << stream;
    EXPECT_EQ(read_stream(out, stream).size(), n) << stream;
    total += n;
  }
  std::uint64_t quarantined = number_after("quarantined");
  EXPECT_GT(quarantined, 0u);  // 1% corrupted on purpose
  EXPECT_EQ(read_stream(out, "quarantine").size(), quarantined);
  EXPECT_EQ(total + quarantined, lines_in);
  EXPECT_NE(r.out.find("sluice avro tojson"), std::string::npos);
  EXPECT_TRUE(temp_files(out).empty());
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

// SIGTERM while stdin is still open: the run stops, makes its output durable, prints
// the report, and exits 130 (interrupted file input).
TEST(IngestSignals, SigtermStopsGracefully) {
  TempDir dir;
  fs::path out = dir / "out";
  // A named pipe kept open by the shell: the input never ends by itself.
  std::string script =
      "cd " + shq(dir.path().string()) + " && mkfifo fifo || exit 9; " + shq(sluice_binary()) +
      " ingest --from fifo --to out --report r.json > stdout 2>&1 & pid=$!; exec 3>" +
      shq((dir / "fifo").string()) +
      "; printf '2024-03-08T23:06:09,42,GET /data/m/heat+1995/3.mpg\\nnot a line\\n' >&3; "
      // Wait (bounded) until the run has declared its streams: handlers are installed.
      "for i in $(seq 300); do [ -d " +
      shq((out / "quarantine").string()) +
      " ] && break; sleep 0.1; done; sleep 0.5; kill -TERM $pid; wait $pid; echo $?; exec 3>&-";
  auto r = run_command("bash -c " + shq(script));
  EXPECT_EQ(r.out, "130\n") << r.err << read_file(dir / "stdout");
  nlohmann::json report = nlohmann::json::parse(read_file(dir / "r.json"));
  EXPECT_EQ(report["interrupted"], true);
  EXPECT_EQ(report["lines_in"], 2);
  EXPECT_EQ(read_stream(out, "MovieWatchEvent").size(), 1u);
  EXPECT_EQ(read_stream(out, "quarantine").size(), 1u);
  EXPECT_TRUE(temp_files(out).empty());
}

}  // namespace
}  // namespace sluice::testing
