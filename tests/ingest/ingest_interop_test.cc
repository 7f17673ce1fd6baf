// Files written by `sluice ingest` read by real peers: python3-avro's DataFileReader
// (null, deflate, snappy, zstandard, bzip2) and avro-c's avrocat (null, deflate,
// snappy), compared record by record with our own decode of the same files.
#include "ingest_test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Real logs plus a line that is not UTF-8 (its raw text is quarantined as bytes).
fs::path make_input(const TempDir& dir) {
  fs::path input = dir / "input.log";
  std::string text = read_file(shared_data() / "movielog" / "mcgill-2022-stream-sample.csv");
  text += read_file(shared_data() / "movielog" / "mcgill-2022-dump-a.csv") + "\n";
  text += read_file(shared_data() / "movielog" / "mcgill-2023-history-bad-dates.csv") + "\n";
  text += "2024-03-08T23:00:00,42,GET /data/m/caf\xe9+1999/3.mpg\n";
  write_file(input, text);
  return input;
}

std::vector<fs::path> all_parts(const fs::path& out) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    std::string name = e.path().filename().string();
    if (name.starts_with("part-") && name.ends_with(".avro"))
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

fs::path ingest(const TempDir& dir, const fs::path& input, const std::string& codec) {
  fs::path out = dir / codec;
  auto r = run_sluice("ingest --from " + shq(input.string()) + " --to " + shq(out.string()) +
                      " --codec " + codec + " --roll-records 5000");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

TEST(IngestInterop, Python3AvroReadsEveryCodec) {
  SLUICE_REQUIRE_SHARED_DATA();
  ASSERT_TRUE(fs::exists("/usr/bin/python3")) << "/usr/bin/python3 is missing (scripts/install-deps.sh)";
  TempDir dir;
  fs::path input = make_input(dir);
  fs::path script = fs::path(SLUICE_SOURCE_DIR) / "tests" / "ingest" / "read_with_python.py";
  for (std::string codec : {"null", "deflate", "snappy", "zstandard", "bzip2"}) {
    SCOPED_TRACE(codec);
    fs::path out = ingest(dir, input, codec);
    auto r = run_command("/usr/bin/python3 " + shq(script.string()) + " " + shq(out.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json peer = json::parse(r.out);
    auto files = all_parts(out);
    ASSERT_EQ(peer.size(), files.size());
    ASSERT_GE(files.size(), 5u);  // 3 types + quarantine, the watches in several parts
    std::size_t total = 0;
    bool saw_bytes = false;
    for (const fs::path& f : files) {
      std::string rel = fs::relative(f, out).string();
      ASSERT_TRUE(peer.contains(rel)) << rel;
      EXPECT_EQ(peer[rel]["codec"], codec);
      auto ours = read_records(f);
      ASSERT_EQ(peer[rel]["records"].size(), ours.size()) << rel;
      for (std::size_t i = 0; i < ours.size(); ++i) {
        ASSERT_EQ(peer[rel]["records"][i], ours[i]) << rel << " record " << i;
        if (rel.starts_with("quarantine") &&
            ours[i]["raw"].get<std::string>().find("caf\xc3\xa9") != std::string::npos) {
          saw_bytes = true;
        }
      }
      total += ours.size();
    }
    EXPECT_EQ(total, 12000u + 14u + 13u + 1u);
    EXPECT_TRUE(saw_bytes) << "the non-UTF-8 line should be quarantined as bytes";
  }
}

TEST(IngestInterop, AvrocatReadsNullDeflateSnappy) {
  SLUICE_REQUIRE_SHARED_DATA();
  ASSERT_EQ(run_command("command -v avrocat").exit_code, 0)
      << "avrocat is missing (avro-bin; scripts/install-deps.sh)";
  TempDir dir;
  fs::path input = make_input(dir);
  for (std::string codec : {"null", "deflate", "snappy"}) {
    SCOPED_TRACE(codec);
    fs::path out = ingest(dir, input, codec);
    std::size_t total = 0;
    for (const fs::path& f : all_parts(out)) {
      auto peer = run_command("avrocat " + shq(f.string()));
      ASSERT_EQ(peer.exit_code, 0) << f << peer.err;
      auto ours = run_sluice("avro tojson " + shq(f.string()));
      ASSERT_EQ(ours.exit_code, 0) << f << ours.err;
      auto peer_lines = lines_of(peer.out);
      auto our_lines = lines_of(ours.out);
      ASSERT_EQ(peer_lines.size(), our_lines.size()) << f;
      ASSERT_EQ(peer_lines.size(), read_records(f).size()) << f;
      for (std::size_t i = 0; i < peer_lines.size(); ++i) {
        ASSERT_EQ(json::parse(peer_lines[i]), json::parse(our_lines[i])) << f << " record " << i;
      }
      total += peer_lines.size();
    }
    EXPECT_EQ(total, 12000u + 14u + 13u + 1u);
  }
}

}  // namespace
}  // namespace sluice::testing
