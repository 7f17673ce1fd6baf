// Block compression codecs of Avro object container files.
//
//   SLUICE_ASSIGN_OR_RETURN(Codec codec, parse_codec("zstandard"));
//   std::vector<std::uint8_t> packed, plain;
//   SLUICE_TRY(compress(codec, block, packed, /*level=*/5));
//   SLUICE_TRY(decompress(codec, packed, plain, limits.max_block_bytes));
//
// Wire formats, per the specification:
//   null       the bytes as they are
//   deflate    RAW RFC 1951 deflate (no zlib header or checksum)
//   snappy     snappy block + 4-byte BIG-endian CRC-32 of the UNcompressed bytes
//   zstandard  zstd frame(s)
//   bzip2      one bzip2 stream
//   xz         one .xz stream (liblzma container, CRC-64 check)
//   lzma       (read only) avro-c's non-standard codec: a RAW LZMA2 stream with the
//              default preset's dictionary, exactly what avro-c's codec.c writes.
//              Sluice reads such files but never writes them (use xz).
//
// Decompression never produces more than `max_output_bytes`: it streams into a
// growing buffer and stops with kLimitExceeded as soon as the output would pass the
// cap (snappy checks the declared length before decompressing), so a tiny hostile
// block cannot inflate into gigabytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sluice::avro {

enum class Codec : std::uint8_t {
  kNull,
  kDeflate,
  kSnappy,
  kZstandard,
  kBzip2,
  kXz,
  kAvroCLzma,  // "lzma": avro-c's raw LZMA2; decompress only (compress -> kUnsupported)
};

// The six standard codecs, in specification order (kAvroCLzma excluded).
inline constexpr Codec kStandardCodecs[] = {Codec::kNull,      Codec::kDeflate, Codec::kSnappy,
                                            Codec::kZstandard, Codec::kBzip2,   Codec::kXz};

// The name written in "avro.codec": "null", "deflate", "snappy", "zstandard",
// "bzip2", "xz" ("lzma" for kAvroCLzma).
std::string_view codec_name(Codec codec);

// Parses a codec name: the spec names above, "zstd" as an alias of "zstandard",
// "lzma" as avro-c's codec. Fails with kUnsupported naming the unknown codec.
Result<Codec> parse_codec(std::string_view name);

// Compression levels a codec accepts. has_levels == false for null and snappy (a
// level given to them is ignored).
struct CodecLevels {
  bool has_levels = false;
  int min = 0;
  int max = 0;
  int default_level = 0;
};
// deflate 0..9 (default 6), zstandard -7..22 (default 3), bzip2 1..9 (default 9),
// xz 0..9 (default 6).
CodecLevels codec_levels(Codec codec);

// Appends the compressed form of `input` to `out`. `level` defaults per
// codec_levels(); a level outside the codec's range fails with kInvalidArgument.
// Fails with kUnsupported for kAvroCLzma, kInternal if the library fails.
// Cost: one pass of the codec; `out` grows by at most the codec's bound.
Status compress(Codec codec, std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out,
                std::optional<int> level = std::nullopt);

// Replaces the contents of `out` with the decompressed form of `input`.
// Fails with kLimitExceeded when the output would exceed `max_output_bytes`, and
// kCorrupt when `input` is not a complete valid stream of the codec (bad data,
// truncated stream, snappy CRC mismatch). The capacity of `out` is reused.
Status decompress(Codec codec, std::span<const std::uint8_t> input,
                  std::vector<std::uint8_t>& out, std::size_t max_output_bytes);

}  // namespace sluice::avro
