// open_file_source(): line splitting, the CMU CSV, headers, long lines, errors.
#include "ingest/line_source.h"
#include "ingest_test_util.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::ingest {
namespace {

using sluice::testing::TempDir;
using sluice::testing::write_file;

struct Read {
  std::vector<std::string> lines;
  std::vector<std::int64_t> numbers;
  std::uint64_t headers = 0;
};

Read read_all(const std::string& path, InputFormat format, std::size_t batch = 3) {
  Read r;
  auto source = open_file_source(path, format);
  EXPECT_TRUE(source.has_value()) << source.error().to_string();
  if (!source)
    return r;
  LineBatch b;
  for (;;) {
    auto more = (*source)->next_batch(b, batch);
    EXPECT_TRUE(more.has_value());
    if (!more)
      break;
    EXPECT_LE(b.lines.size(), batch);
    r.headers += b.skipped_header_lines;
    for (const InputLine& l : b.lines) {
      r.lines.emplace_back(l.text);
      r.numbers.push_back(l.line);
    }
    if (!*more)
      break;
  }
  return r;
}

TEST(FileSource, SplitsLinesKeepsCrAndLastLineWithoutNewline) {
  TempDir dir;
  write_file(dir / "a.log", "one\ntwo\r\n\nlast");
  Read r = read_all((dir / "a.log").string(), InputFormat::kAuto);
  EXPECT_EQ(r.lines, (std::vector<std::string>{"one", "two\r", "", "last"}));
  EXPECT_EQ(r.numbers, (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(r.headers, 0u);
}

TEST(FileSource, EmptyFileHasNoLines) {
  TempDir dir;
  write_file(dir / "e.log", "");
  EXPECT_TRUE(read_all((dir / "e.log").string(), InputFormat::kLines).lines.empty());
}

TEST(FileSource, CsvUnquotesEntriesAndCountsTheHeaderApart) {
  TempDir dir;
  write_file(dir / "c.csv",
             "Type,Log Entry\r\n"
             "Movie,\"2024-03-08T23:06:09,1,GET /data/m/a+1999/3.mpg\"\r\n"
             "Recommendation,\"x, \"\"quoted\"\", y\"\r\n"
             "Rating,unquoted,entry\r\n"
             "Broken,\"no closing quote\r\n"
             "nocomma");
  Read r = read_all((dir / "c.csv").string(), InputFormat::kAuto);
  EXPECT_EQ(r.headers, 1u);
  EXPECT_EQ(r.lines, (std::vector<std::string>{"2024-03-08T23:06:09,1,GET /data/m/a+1999/3.mpg",
                                               "x, \"quoted\", y", "unquoted,entry",
                                               "Broken,\"no closing quote", "nocomma"}));
  // Line numbers are the file's: the header is line 1.
  EXPECT_EQ(r.numbers, (std::vector<std::int64_t>{2, 3, 4, 5, 6}));
}

TEST(FileSource, AutoIsLinesWithoutTheCsvHeader) {
  TempDir dir;
  write_file(dir / "l.log", "Movie,\"a\"\n");
  Read r = read_all((dir / "l.log").string(), InputFormat::kAuto);
  EXPECT_EQ(r.lines, (std::vector<std::string>{"Movie,\"a\""}));
  // Forced csv on a file without a header: every row is data.
  Read c = read_all((dir / "l.log").string(), InputFormat::kCsv);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"a"}));
  EXPECT_EQ(c.headers, 0u);
  // Forced lines on a CSV: the header is an ordinary line.
  write_file(dir / "h.csv", "Type,Log Entry\nMovie,\"a\"\n");
  Read h = read_all((dir / "h.csv").string(), InputFormat::kLines);
  EXPECT_EQ(h.lines.size(), 2u);
  EXPECT_EQ(h.headers, 0u);
}

TEST(FileSource, LinesAcrossManyReadBuffers) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 300000; ++i) text += "line " + std::to_string(i) + "\n";
  write_file(dir / "big.log", text);
  Read r = read_all((dir / "big.log").string(), InputFormat::kLines, 4096);
  ASSERT_EQ(r.lines.size(), 300000u);
  EXPECT_EQ(r.lines[0], "line 0");
  EXPECT_EQ(r.lines[123456], "line 123456");
  EXPECT_EQ(r.lines.back(), "line 299999");
  EXPECT_EQ(r.numbers.back(), 300000);
}

TEST(FileSource, OverlongLineIsCutNotBuffered) {
  TempDir dir;
  std::string text = "before\n" + std::string(20u << 20, 'x') + "\nafter\n";
  write_file(dir / "long.log", text);
  Read r = read_all((dir / "long.log").string(), InputFormat::kLines, 10);
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.lines[0], "before");
  EXPECT_EQ(r.lines[1].size(), 16u << 20);
  EXPECT_EQ(r.lines[2], "after");
  EXPECT_EQ(r.numbers[2], 3);
}

TEST(FileSource, MissingFileNamesThePath) {
  auto source = open_file_source("/nonexistent/dir/x.log", InputFormat::kAuto);
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(source.error().to_string().find("/nonexistent/dir/x.log"), std::string::npos);
  TempDir dir;
  auto folder = open_file_source(dir.path().string(), InputFormat::kAuto);
  ASSERT_FALSE(folder.has_value());
  EXPECT_NE(folder.error().to_string().find(dir.path().string()), std::string::npos);
}

}  // namespace
}  // namespace sluice::ingest
