// The encoder's primitives (internal/binary_writer.h): put_varint's branch-free
// one-or-two-byte path and the loop for larger values must write exactly what the
// reference varint writer writes; both copy paths (rep movsb where the CPU has FSRM,
// the length-class moves everywhere) must copy exactly `n` bytes and nothing more.
#include <gtest/gtest.h>

#include <cstdint>
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

}  // namespace
}  // namespace sluice::avro::internal
