#include "avro/codec.h"

#include <gtest/gtest.h>
#include <lzma.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace sluice::avro {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes text_bytes(std::size_t n) {
  // Compressible: repeated words with some variation.
  static const char* words[] = {"avro ", "sluice ", "block ", "deflate ", "record ", "\x01\x02"};
  Bytes out;
  std::mt19937 rng(7);
  while (out.size() < n) {
    const char* w = words[rng() % 6];
    for (const char* c = w; *c && out.size() < n; ++c) out.push_back(static_cast<std::uint8_t>(*c));
  }
  return out;
}

Bytes random_bytes(std::size_t n, unsigned seed = 1) {
  Bytes out(n);
  std::mt19937 rng(seed);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

TEST(CodecNames, RoundTripAndAliases) {
  for (Codec c : kStandardCodecs) {
    auto parsed = parse_codec(codec_name(c));
    ASSERT_TRUE(parsed) << codec_name(c);
    EXPECT_EQ(*parsed, c);
  }
  EXPECT_EQ(*parse_codec("zstd"), Codec::kZstandard);
  EXPECT_EQ(*parse_codec("lzma"), Codec::kAvroCLzma);
  EXPECT_EQ(codec_name(Codec::kAvroCLzma), "lzma");
  auto bad = parse_codec("lz4");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(bad.error().message().find("lz4"), std::string::npos);
}

TEST(Codec, RoundTripEveryCodecAndLevel) {
  std::vector<Bytes> inputs = {Bytes{}, Bytes{42}, text_bytes(1000), text_bytes(300000),
                               random_bytes(70000)};
  for (Codec c : kStandardCodecs) {
    CodecLevels levels = codec_levels(c);
    std::vector<std::optional<int>> level_list = {std::nullopt};
    if (levels.has_levels) {
      level_list.push_back(levels.min);
      level_list.push_back(levels.default_level);
      level_list.push_back(levels.max);
    }
    for (auto level : level_list) {
      for (const Bytes& in : inputs) {
        Bytes packed, plain;
        ASSERT_TRUE(compress(c, in, packed, level))
            << codec_name(c) << " level " << level.value_or(-100);
        auto s = decompress(c, packed, plain, in.size() + 10);
        ASSERT_TRUE(s) << codec_name(c) << ": " << s.error().to_string();
        EXPECT_EQ(plain, in) << codec_name(c) << " size " << in.size();
      }
    }
  }
}

TEST(Codec, CompressAppendsToOutput) {
  Bytes in = text_bytes(5000);
  for (Codec c : kStandardCodecs) {
    Bytes packed = {9, 9, 9};
    ASSERT_TRUE(compress(c, in, packed));
    ASSERT_GE(packed.size(), 3u);
    EXPECT_EQ(packed[0], 9);
    Bytes plain;
    ASSERT_TRUE(decompress(c, std::span(packed).subspan(3), plain, in.size()));
    EXPECT_EQ(plain, in);
  }
}

TEST(Codec, CompressedDataIsSmallerForCompressibleInput) {
  Bytes in = text_bytes(200000);
  for (Codec c : kStandardCodecs) {
    if (c == Codec::kNull) continue;
    Bytes packed;
    ASSERT_TRUE(compress(c, in, packed));
    EXPECT_LT(packed.size(), in.size() / 2) << codec_name(c);
  }
}

TEST(Codec, DeflateIsRawRfc1951) {
  Bytes packed;
  ASSERT_TRUE(compress(Codec::kDeflate, text_bytes(100), packed));
  // A zlib stream would start with 0x78; raw deflate's first byte holds BFINAL/BTYPE.
  ASSERT_FALSE(packed.empty());
  EXPECT_NE(packed[0], 0x78);
}

TEST(Codec, SnappyAppendsBigEndianCrc32OfUncompressedData) {
  std::string s = "123456789";
  Bytes in(s.begin(), s.end());
  Bytes packed;
  ASSERT_TRUE(compress(Codec::kSnappy, in, packed));
  ASSERT_GE(packed.size(), 4u);
  // CRC-32 of "123456789" is 0xCBF43926.
  Bytes tail(packed.end() - 4, packed.end());
  EXPECT_EQ(tail, (Bytes{0xCB, 0xF4, 0x39, 0x26}));
}

TEST(Codec, SnappyCrcMismatchIsCorrupt) {
  Bytes in = text_bytes(1000), packed, plain;
  ASSERT_TRUE(compress(Codec::kSnappy, in, packed));
  packed.back() ^= 0x01;
  auto s = decompress(Codec::kSnappy, packed, plain, 1 << 20);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(s.error().message().find("CRC"), std::string::npos);
  Bytes tiny = {1, 2};
  s = decompress(Codec::kSnappy, tiny, plain, 1 << 20);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kCorrupt);
}

TEST(Codec, TruncatedOrGarbageInputFailsCleanly) {
  Bytes in = text_bytes(50000);
  for (Codec c : kStandardCodecs) {
    if (c == Codec::kNull) continue;
    Bytes packed, plain;
    ASSERT_TRUE(compress(c, in, packed));
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, packed.size() / 2, packed.size() - 1}) {
      auto s = decompress(c, std::span(packed).first(cut), plain, 1 << 20);
      ASSERT_FALSE(s) << codec_name(c) << " cut at " << cut;
      EXPECT_EQ(s.error().code(), ErrorCode::kCorrupt) << codec_name(c) << ": "
                                                        << s.error().to_string();
    }
    Bytes garbage = random_bytes(500, 3);
    auto s = decompress(c, garbage, plain, 1 << 20);
    EXPECT_FALSE(s) << codec_name(c);
  }
}

TEST(Codec, FlippedBytesNeverCrash) {
  Bytes in = text_bytes(20000);
  for (Codec c : kStandardCodecs) {
    Bytes packed, plain;
    ASSERT_TRUE(compress(c, in, packed));
    for (std::size_t i = 0; i < packed.size(); i += 1 + packed.size() / 64) {
      Bytes bad = packed;
      bad[i] ^= 0x5A;
      auto s = decompress(c, bad, plain, in.size() * 2);
      if (s) {
        EXPECT_LE(plain.size(), in.size() * 2);
      }
    }
  }
}

TEST(Codec, DecompressionBombIsLimitExceeded) {
  Bytes zeros(16 << 20, 0);
  for (Codec c : kStandardCodecs) {
    Bytes packed, plain;
    ASSERT_TRUE(compress(c, zeros, packed));
    auto s = decompress(c, packed, plain, 1 << 20);
    ASSERT_FALSE(s) << codec_name(c);
    EXPECT_EQ(s.error().code(), ErrorCode::kLimitExceeded) << codec_name(c);
    // Never grew past a small multiple of the cap.
    EXPECT_LE(plain.capacity(), std::size_t{4} << 20) << codec_name(c);
  }
}

TEST(Codec, LimitIsInclusive) {
  Bytes in = text_bytes(100000);
  for (Codec c : kStandardCodecs) {
    Bytes packed, plain;
    ASSERT_TRUE(compress(c, in, packed));
    EXPECT_TRUE(decompress(c, packed, plain, in.size())) << codec_name(c);
    auto s = decompress(c, packed, plain, in.size() - 1);
    ASSERT_FALSE(s) << codec_name(c);
    EXPECT_EQ(s.error().code(), ErrorCode::kLimitExceeded) << codec_name(c);
  }
}

TEST(Codec, InvalidLevelIsInvalidArgument) {
  Bytes packed;
  auto s = compress(Codec::kDeflate, text_bytes(10), packed, 10);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  s = compress(Codec::kBzip2, text_bytes(10), packed, 0);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  // Codecs without levels ignore one.
  EXPECT_TRUE(compress(Codec::kSnappy, text_bytes(10), packed, 99));
}

TEST(Codec, AvroCLzmaIsReadOnlyRawLzma2) {
  Bytes in = text_bytes(100000);
  // What avro-c's codec.c writes: lzma_raw_buffer_encode, one LZMA2 filter, preset 6.
  lzma_options_lzma options;
  ASSERT_FALSE(lzma_lzma_preset(&options, LZMA_PRESET_DEFAULT));
  lzma_filter filters[2] = {{LZMA_FILTER_LZMA2, &options}, {LZMA_VLI_UNKNOWN, nullptr}};
  Bytes packed(in.size() + 1000);
  std::size_t pos = 0;
  ASSERT_EQ(lzma_raw_buffer_encode(filters, nullptr, in.data(), in.size(), packed.data(), &pos,
                                   packed.size()),
            LZMA_OK);
  packed.resize(pos);
  Bytes plain;
  auto s = decompress(Codec::kAvroCLzma, packed, plain, 1 << 20);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(plain, in);
  s = decompress(Codec::kAvroCLzma, packed, plain, 1000);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kLimitExceeded);

  Bytes out;
  s = compress(Codec::kAvroCLzma, in, out);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kUnsupported);
}

TEST(Codec, ZstdAcceptsConcatenatedFrames) {
  Bytes a = text_bytes(1000), b = random_bytes(300), packed, plain;
  ASSERT_TRUE(compress(Codec::kZstandard, a, packed));
  ASSERT_TRUE(compress(Codec::kZstandard, b, packed));
  ASSERT_TRUE(decompress(Codec::kZstandard, packed, plain, 1 << 20));
  Bytes both = a;
  both.insert(both.end(), b.begin(), b.end());
  EXPECT_EQ(plain, both);
}

}  // namespace
}  // namespace sluice::avro
