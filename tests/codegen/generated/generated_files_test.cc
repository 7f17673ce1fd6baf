// Container files of generated records (avro/codegen_files.h): written and read back,
// read with another writer schema (resolution), read from a file python3-avro wrote,
// and a damaged file reported with its place. (python3-avro reading files written by
// gen::write_container is tests/codegen/generated/generated_shared_test.cc.)
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "avro/codegen_files.h"
#include "movies_v1.hpp"
#include "movies_v2.hpp"
#include "nulls.hpp"
#include "test_support.h"

namespace {

using sluice::testing::TempDir;
namespace v1 = gen::movies::v1;
namespace v2 = gen::movies::v2;

std::vector<v1::MovieWatchEvent> watch_events(int n) {
  std::vector<v1::MovieWatchEvent> events(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto& e = events[static_cast<std::size_t>(i)];
    e.time = sluice::avro::TimestampMicros(std::chrono::microseconds(1700000000000000LL + i));
    e.userId = 1000 + i;
    e.movieId = "movie+" + std::to_string(i);
    e.minute = i % 120;
  }
  return events;
}

TEST(GeneratedFiles, WriteThenReadAcrossBlocksAndCodecs) {
  TempDir dir;
  auto events = watch_events(5000);
  for (auto codec : {sluice::avro::Codec::kNull, sluice::avro::Codec::kZstandard}) {
    sluice::avro::ContainerWriterOptions options;
    options.codec = codec;
    options.block_size_bytes = 4096;  // many blocks
    auto written = sluice::avro::gen::write_container(
        dir / "w.avro", std::span<const v1::MovieWatchEvent>(events), options);
    ASSERT_TRUE(written) << written.error().to_string();
    auto back = sluice::avro::gen::read_container<v1::MovieWatchEvent>(dir / "w.avro");
    ASSERT_TRUE(back) << back.error().to_string();
    EXPECT_EQ(*back, events);
  }
  // As the README writes it: a span of non-const records, or the vector itself.
  ASSERT_TRUE(sluice::avro::gen::write_container(dir / "span.avro", std::span(events)));
  ASSERT_TRUE(sluice::avro::gen::write_container(dir / "vector.avro", events));
  EXPECT_EQ(sluice::testing::read_file(dir / "span.avro").size(),
            sluice::testing::read_file(dir / "vector.avro").size());
  EXPECT_EQ(*sluice::avro::gen::read_container<v1::MovieWatchEvent>(dir / "vector.avro"), events);
}

TEST(GeneratedFiles, ReadWithAnotherWriterSchemaResolves) {
  TempDir dir;
  auto events = watch_events(10);
  ASSERT_TRUE(sluice::avro::gen::write_container(
      dir / "v1.avro", std::span<const v1::MovieWatchEvent>(events)));
  // v1's data as v2 classes: v2's added fields take their defaults.
  auto as_v2 = sluice::avro::gen::read_container<v2::MovieWatchEvent>(dir / "v1.avro");
  ASSERT_TRUE(as_v2) << as_v2.error().to_string();
  ASSERT_EQ(as_v2->size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ((*as_v2)[i].userId, events[i].userId);
    EXPECT_EQ((*as_v2)[i].movieId, events[i].movieId);
    EXPECT_EQ((*as_v2)[i].deviceType, std::nullopt);
  }
  // A schema that cannot read the file's: kIncompatible from the reader.
  auto wrong = sluice::avro::gen::read_container<v1::MovieRatingEvent>(dir / "v1.avro");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), sluice::ErrorCode::kIncompatible) << wrong.error().to_string();
}

TEST(GeneratedFiles, ReadsAFileWrittenByPythonAvro) {
  TempDir dir;
  sluice::testing::write_file(dir / "v1.avsc", std::string(v1::MovieRatingEvent::avro_schema()));
  sluice::testing::write_file(dir / "write.py", R"PY(
import sys, avro.schema
from avro.datafile import DataFileWriter
from avro.io import DatumWriter
import datetime
schema = avro.schema.parse(open(sys.argv[1]).read())
with open(sys.argv[2], "wb") as f:
    w = DataFileWriter(f, DatumWriter(), schema, codec="deflate")
    for i in range(300):
        w.append({"time": datetime.datetime(2024, 3, 8, tzinfo=datetime.timezone.utc)
                          + datetime.timedelta(seconds=i),
                  "userId": i, "movieId": "m+%d" % i, "rating": 1 + i % 5})
    w.close()
)PY");
  auto r = sluice::testing::run_command("/usr/bin/python3 " + (dir / "write.py").string() + " " +
                                        (dir / "v1.avsc").string() + " " +
                                        (dir / "py.avro").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto got = sluice::avro::gen::read_container<v1::MovieRatingEvent>(dir / "py.avro");
  ASSERT_TRUE(got) << got.error().to_string();
  ASSERT_EQ(got->size(), 300u);
  EXPECT_EQ((*got)[299].userId, 299);
  EXPECT_EQ((*got)[299].movieId, "m+299");
  EXPECT_EQ((*got)[299].rating, 5);
  EXPECT_EQ((*got)[1].time.time_since_epoch(),
            std::chrono::microseconds(1709856000000000LL + 1000000));
}

TEST(GeneratedFiles, DamagedDataNamesTheBlock) {
  TempDir dir;
  auto events = watch_events(50);
  ASSERT_TRUE(sluice::avro::gen::write_container(
      dir / "w.avro", std::span<const v1::MovieWatchEvent>(events)));
  std::string bytes = sluice::testing::read_file(dir / "w.avro");
  // The last datum's minute varint (the byte before the sync marker) gets a
  // continuation bit: the block's data no longer ends where its size says.
  bytes[bytes.size() - 17] = static_cast<char>(0x80);
  sluice::testing::write_file(dir / "w.avro", bytes);
  auto back = sluice::avro::gen::read_container<v1::MovieWatchEvent>(dir / "w.avro");
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code(), sluice::ErrorCode::kCorrupt) << back.error().to_string();
  EXPECT_NE(back.error().to_string().find("block at byte"), std::string::npos)
      << back.error().to_string();
  EXPECT_EQ(sluice::avro::gen::read_container<v1::MovieWatchEvent>(dir / "missing.avro")
                .error()
                .code(),
            sluice::ErrorCode::kNotFound);

  // Damage the container reader finds (here a file cut inside its last block) names the
  // file too, on the straight path and on the resolving one.
  ASSERT_TRUE(sluice::avro::gen::write_container(
      dir / "cut.avro", std::span<const v1::MovieWatchEvent>(events)));
  bytes = sluice::testing::read_file(dir / "cut.avro");
  bytes.resize(bytes.size() - 5);
  sluice::testing::write_file(dir / "cut.avro", bytes);
  const std::string path = (dir / "cut.avro").string();
  back = sluice::avro::gen::read_container<v1::MovieWatchEvent>(dir / "cut.avro");
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().to_string().rfind(path + ": block at byte ", 0), 0u)
      << back.error().to_string();
  auto resolved = sluice::avro::gen::read_container<v2::MovieWatchEvent>(dir / "cut.avro");
  ASSERT_FALSE(resolved);
  EXPECT_EQ(resolved.error().to_string().rfind(path + ": ", 0), 0u)
      << resolved.error().to_string();
}

// A record that takes no bytes: a block may declare any number of them in no data. A
// file of them is read up to kMaxEmptyRecordsPerFile, and beyond that refused before
// anything is allocated (a 2 KB file declaring 10 blocks of 2^26 used to take
// gigabytes, and then abort on std::bad_alloc).
TEST(GeneratedFiles, RecordsOfNoBytesAreBounded) {
  using Empty = codegen::test::nulls::OnlyNull;
  TempDir dir;
  std::vector<Empty> three(3);
  ASSERT_TRUE(sluice::avro::gen::write_container(dir / "e.avro", std::span<const Empty>(three)));
  const std::string file = sluice::testing::read_file(dir / "e.avro");
  // The one block: count 3 (zigzag 0x06), size 0, then the 16-byte sync marker.
  ASSERT_EQ(file.substr(file.size() - 18, 2), std::string("\x06\x00", 2));
  const std::string header = file.substr(0, file.size() - 18);
  const std::string sync = file.substr(file.size() - 16);
  auto with_blocks = [&](std::uint64_t count, int blocks) {
    std::string out = header;
    for (int b = 0; b < blocks; ++b) {
      for (std::uint64_t z = count << 1; ; z >>= 7) {  // zigzag of a positive count
        if (z < 0x80) {
          out.push_back(static_cast<char>(z));
          break;
        }
        out.push_back(static_cast<char>((z & 0x7f) | 0x80));
      }
      out.push_back('\0');
      out += sync;
    }
    return out;
  };
  const std::uint64_t limit = sluice::avro::gen::kMaxEmptyRecordsPerFile;
  sluice::testing::write_file(dir / "ok.avro", with_blocks(limit / 2, 2));
  auto ok = sluice::avro::gen::read_container<Empty>(dir / "ok.avro");
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(ok->size(), limit);

  sluice::testing::write_file(dir / "bomb.avro", with_blocks(std::uint64_t{1} << 26, 10));
  auto bomb = sluice::avro::gen::read_container<Empty>(dir / "bomb.avro");
  ASSERT_FALSE(bomb);
  EXPECT_EQ(bomb.error().code(), sluice::ErrorCode::kLimitExceeded);
  EXPECT_NE(bomb.error().to_string().find("records that take no bytes"), std::string::npos)
      << bomb.error().to_string();
  sluice::testing::write_file(dir / "over.avro", with_blocks(limit / 2 + 1, 2));
  EXPECT_FALSE(sluice::avro::gen::read_container<Empty>(dir / "over.avro"));
}

}  // namespace
