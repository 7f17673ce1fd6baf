// open_file_sink(): atomic parts, rolling, numbering across runs, failures.
#include "avro/schema.h"
#include "ingest/event_sink.h"
#include "ingest_test_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace sluice::ingest {
namespace {

using sluice::testing::parts_of;
using sluice::testing::read_records;
using sluice::testing::read_stream;
using sluice::testing::temp_files;
using sluice::testing::TempDir;

avro::SchemaPtr long_schema() {
  return *avro::Schema::parse(
      R"({"type":"record","name":"N","fields":[{"name":"n","type":"long"}]})");
}

// The binary datum of {"n": v}: a zig-zag varint.
std::vector<std::uint8_t> datum(std::int64_t v) {
  std::vector<std::uint8_t> out;
  auto z = static_cast<std::uint64_t>((v << 1) ^ (v >> 63));
  while (z >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(z | 0x80));
    z >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(z));
  return out;
}

Status write_n(EventSink& sink, std::int64_t from, std::int64_t to) {
  for (std::int64_t i = from; i < to; ++i) SLUICE_TRY(sink.write("s", i, datum(i)));
  return ok_status();
}

TEST(FileSink, PartsAppearOnlyWhenCompleteAndNoTempFileRemains) {
  TempDir dir;
  FileSinkOptions o;
  o.roll_records = 1000;
  auto sink = open_file_sink(dir.path().string(), o);
  ASSERT_TRUE(sink.has_value()) << sink.error().to_string();
  ASSERT_TRUE((*sink)->add_stream("s", long_schema()));
  ASSERT_TRUE(write_n(**sink, 0, 10));
  // Written but not complete: only a temporary file.
  EXPECT_TRUE(parts_of(dir / "s").empty());
  EXPECT_EQ(temp_files(dir.path()).size(), 1u);
  ASSERT_TRUE((*sink)->close());
  EXPECT_TRUE(temp_files(dir.path()).empty());
  auto parts = parts_of(dir / "s");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].filename(), "part-00000.avro");
  auto records = read_records(parts[0]);
  ASSERT_EQ(records.size(), 10u);
  EXPECT_EQ(records[9]["n"], 9);
}

TEST(FileSink, RollsByRecordsAndBytesKeepingEveryRecordInOrder) {
  TempDir dir;
  FileSinkOptions o;
  o.roll_records = 300;
  o.codec = avro::Codec::kDeflate;
  auto sink = open_file_sink(dir.path().string(), o);
  ASSERT_TRUE(sink.has_value());
  ASSERT_TRUE((*sink)->add_stream("s", long_schema()));
  ASSERT_TRUE(write_n(**sink, 0, 1000));
  ASSERT_TRUE((*sink)->close());
  EXPECT_EQ(parts_of(dir / "s").size(), 4u);  // 300 + 300 + 300 + 100
  auto all = read_stream(dir.path(), "s");
  ASSERT_EQ(all.size(), 1000u);
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i]["n"], static_cast<int>(i));

  TempDir bytes_dir;
  FileSinkOptions b;
  b.roll_bytes = 100;  // each datum is 1-2 bytes: ~60 records a part
  auto by_bytes = open_file_sink(bytes_dir.path().string(), b);
  ASSERT_TRUE(by_bytes.has_value());
  ASSERT_TRUE((*by_bytes)->add_stream("s", long_schema()));
  ASSERT_TRUE(write_n(**by_bytes, 0, 1000));
  ASSERT_TRUE((*by_bytes)->close());
  EXPECT_GT(parts_of(bytes_dir / "s").size(), 5u);
  EXPECT_EQ(read_stream(bytes_dir.path(), "s").size(), 1000u);
}

TEST(FileSink, MakeDurableCompletesPartsAndARerunContinuesTheNumbering) {
  TempDir dir;
  {
    auto sink = open_file_sink(dir.path().string(), {});
    ASSERT_TRUE(sink.has_value());
    ASSERT_TRUE((*sink)->add_stream("s", long_schema()));
    ASSERT_TRUE(write_n(**sink, 0, 5));
    ASSERT_TRUE((*sink)->make_durable());
    EXPECT_EQ(parts_of(dir / "s").size(), 1u);
    ASSERT_TRUE(write_n(**sink, 5, 8));
    ASSERT_TRUE((*sink)->close());
  }
  auto before = parts_of(dir / "s");
  ASSERT_EQ(before.size(), 2u);
  std::string first = sluice::testing::read_file(before[0]);
  {
    auto sink = open_file_sink(dir.path().string(), {});
    ASSERT_TRUE(sink.has_value());
    ASSERT_TRUE((*sink)->add_stream("s", long_schema()));
    ASSERT_TRUE(write_n(**sink, 100, 102));
    ASSERT_TRUE((*sink)->close());
  }
  auto after = parts_of(dir / "s");
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[2].filename(), "part-00002.avro");
  EXPECT_EQ(sluice::testing::read_file(after[0]), first);  // never overwritten
  EXPECT_EQ(read_stream(dir.path(), "s").size(), 10u);
}

TEST(FileSink, AbandonedSinkRemovesItsTemporaryFile) {
  TempDir dir;
  {
    auto sink = open_file_sink(dir.path().string(), {});
    ASSERT_TRUE(sink.has_value());
    ASSERT_TRUE((*sink)->add_stream("s", long_schema()));
    ASSERT_TRUE(write_n(**sink, 0, 5));
  }  // no close(): a failed run
  EXPECT_TRUE(temp_files(dir.path()).empty());
  EXPECT_TRUE(parts_of(dir / "s").empty());
}

TEST(FileSink, UnusableFolderFailsNamingIt) {
  TempDir dir;
  sluice::testing::write_file(dir / "file", "x");
  auto sink = open_file_sink((dir / "file" / "out").string(), {});
  ASSERT_FALSE(sink.has_value());
  EXPECT_EQ(sink.error().code(), ErrorCode::kIo);
  EXPECT_NE(sink.error().to_string().find((dir / "file" / "out").string()), std::string::npos);
  auto bad_stream = open_file_sink(dir.path().string(), {});
  ASSERT_TRUE(bad_stream.has_value());
  EXPECT_FALSE((*bad_stream)->add_stream("../escape", long_schema()));
}

}  // namespace
}  // namespace sluice::ingest
