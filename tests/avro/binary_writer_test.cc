// The encoder's primitives (internal/binary_writer.h): put_varint's branch-free
// one-or-two-byte path and the loop for larger values, and put_varint_any's branch-free
// path below 2^56 and its loop above, must write exactly what the reference varint
// writer writes (and put_varint_any nothing beyond its 10 bytes of room); both copy paths (rep movsb where the CPU has FSRM,
// the length-class moves everywhere) must copy exactly `n` bytes and nothing more;
// copy_short_text must copy `n` bytes, write nothing before them, and never touch the
// page after its source, whatever the source's place in its page.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "avro/internal/binary_writer.h"
#include "avro/internal/varint.h"

namespace sluice::avro::internal {
namespace {

TEST(PutVarint, MatchesTheReferenceWriterAroundEveryLengthBoundary) {
  std::vector<std::int64_t> values;
  // +-2^bits + d, wrapping (unsigned arithmetic; C++20 converts to signed modulo 2^64).
  for (int bits = 0; bits < 64; ++bits) {
    const std::uint64_t edge = std::uint64_t{1} << bits;
    for (std::int64_t d = -2; d <= 2; ++d) {
      values.push_back(static_cast<std::int64_t>(edge + static_cast<std::uint64_t>(d)));
      values.push_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(d) - edge));
    }
  }
  for (std::int64_t v : values) {
    std::vector<std::uint8_t> expected;
    write_long(expected, v);
    std::uint8_t out[16];
    std::uint8_t* end = put_varint(out, zigzag_encode(v));
    ASSERT_EQ(std::vector<std::uint8_t>(out, end), expected) << "value " << v;
  }
}

TEST(PutVarintAny, MatchesTheReferenceWriterAroundEveryLengthBoundary) {
  for (int bits = 0; bits < 64; ++bits) {
    const std::uint64_t edge = std::uint64_t{1} << bits;
    for (std::uint64_t d = 0; d < 5; ++d) {
      for (std::uint64_t n : {edge + d - 2, 0 - edge + d - 2}) {
        std::vector<std::uint8_t> expected;
        write_long(expected, zigzag_decode(n));
        std::uint8_t out[16];
        std::memset(out, 0xEE, sizeof out);
        std::uint8_t* end = put_varint_any(out, n);
        ASSERT_EQ(std::vector<std::uint8_t>(out, end), expected) << "n = " << n;
        for (std::size_t i = 10; i < sizeof out; ++i) ASSERT_EQ(out[i], 0xEE) << "n = " << n;
      }
    }
  }
}

// Copies [0, n) of a patterned source into a guarded destination with `copy`.
template <typename Copy>
void check_copies(Copy copy) {
  std::vector<std::uint8_t> src(300);
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<std::uint8_t>(i * 7 + 1);
  for (std::size_t offset : {0, 1, 7}) {
    for (std::size_t n = 0; n + offset <= src.size(); ++n) {
      std::vector<std::uint8_t> dst(n + 64, 0xEE);
      copy(dst.data() + 32, src.data() + offset, n);
      for (std::size_t i = 0; i < 32; ++i) ASSERT_EQ(dst[i], 0xEE) << "before, n=" << n;
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(dst[32 + i], src[offset + i]) << "n=" << n;
      for (std::size_t i = n + 32; i < dst.size(); ++i) ASSERT_EQ(dst[i], 0xEE) << "after, n=" << n;
    }
  }
}

TEST(CopyBytes, CopiesExactlyNBytes) {
  check_copies([](std::uint8_t* d, const void* s, std::size_t n) { copy_bytes(d, s, n); });
}

TEST(CopyBytes, LengthClassPathCopiesExactlyNBytes) {
  check_copies(
      [](std::uint8_t* d, const void* s, std::size_t n) { copy_bytes_by_length_class(d, s, n); });
}

TEST(CopyShortText, CopiesTheFirstNBytesAndWritesNothingBefore) {
  std::vector<std::uint8_t> src(300);
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<std::uint8_t>(i * 7 + 1);
  for (std::size_t offset : {0, 1, 7, 15}) {
    for (std::size_t n = 0; n + offset + kShortTextSlack <= src.size(); ++n) {
      std::vector<std::uint8_t> dst(32 + n + kShortTextSlack, 0xEE);
      ASSERT_EQ(copy_short_text(dst.data() + 32, src.data() + offset, n), dst.data() + 32 + n);
      for (std::size_t i = 0; i < 32; ++i) ASSERT_EQ(dst[i], 0xEE) << "before, n=" << n;
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(dst[32 + i], src[offset + i]) << "n=" << n;
    }
  }
}

// Sources ending at every place near the end of a readable page followed by an
// inaccessible one: a read past the page would fault and kill the test.
TEST(CopyShortText, NeverReadsIntoTheNextPage) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  auto* base = static_cast<std::uint8_t*>(mem);
  for (std::size_t i = 0; i < page; ++i) base[i] = static_cast<std::uint8_t>(i * 13 + 5);
  ASSERT_EQ(mprotect(base + page, page, PROT_NONE), 0);
  std::uint8_t dst[64 + kShortTextSlack];
  for (std::size_t n = 0; n <= 64; ++n) {
    for (std::size_t gap = 0; gap <= 40; ++gap) {  // bytes between the source's end and the page's
      const std::uint8_t* source = base + page - gap - n;
      std::memset(dst, 0xEE, sizeof dst);
      ASSERT_EQ(copy_short_text(dst, source, n), dst + n);
      ASSERT_EQ(std::memcmp(dst, source, n), 0) << "n=" << n << " gap=" << gap;
    }
  }
  munmap(mem, 2 * page);
}

}  // namespace
}  // namespace sluice::avro::internal
