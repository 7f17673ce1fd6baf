// Optional scalars ([null, T] and [T, null] of boolean, int, long and string): the
// generated decoders read the union index and the value together
// (Decoder::read_optional), with fast paths that must give exactly what the general
// reads give -- the same values, and on bad input the same message naming the same
// field at the same byte offset. Checked against a decoder written here with the
// general reads only, over values of every varint and length class, every cut of the
// input and every byte of it corrupted.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "all_types.hpp"

namespace {

using sluice::avro::CodegenError;
using sluice::avro::gen::Decoder;
using Bytes = std::vector<std::uint8_t>;
using Optionals = codegen::test::Optionals;

// What the fields hold, as the reference and both generated decoders report it.
struct Decoded {
  std::optional<bool> b, b_first;
  std::optional<std::int32_t> i, i_first;
  std::optional<std::int64_t> l, l_first;
  std::optional<std::string> s, s_first;
  std::string error;  // empty unless decoding threw
  std::uint64_t end = 0;  // the decoder's offset after the datum
  bool operator==(const Decoded&) const = default;
};

template <class T>
std::optional<std::string> text(const std::optional<T>& v) {
  if (!v)
    return std::nullopt;
  return std::string(*v);
}

// The general reads, in the order and with the paths the generated code uses.
Decoded reference(const Bytes& bytes) {
  Decoded d;
  Decoder in(bytes.data(), bytes.size());
  auto opt = [&in](auto& out, std::size_t value_branch, const char* path, auto read) {
    if (in.read_branch(2, path) == value_branch)
      out = read(path);
    else
      out.reset();
  };
  auto read_bool = [&in](const char* p) { return in.read_bool(p); };
  auto read_int = [&in](const char* p) { return in.read_int(p); };
  auto read_long = [&in](const char* p) { return in.read_long(p); };
  auto read_string = [&in](const char* p) { return std::string(in.read_view(p)); };
  try {
    opt(d.b, 1, "codegen.test.Optionals.b", read_bool);
    opt(d.i, 1, "codegen.test.Optionals.i", read_int);
    opt(d.l, 1, "codegen.test.Optionals.l", read_long);
    opt(d.s, 1, "codegen.test.Optionals.s", read_string);
    opt(d.b_first, 0, "codegen.test.Optionals.bFirst", read_bool);
    opt(d.i_first, 0, "codegen.test.Optionals.iFirst", read_int);
    opt(d.l_first, 0, "codegen.test.Optionals.lFirst", read_long);
    opt(d.s_first, 0, "codegen.test.Optionals.sFirst", read_string);
    d.end = in.offset();
  } catch (const CodegenError& e) {
    d = Decoded{};  // only the message is compared
    d.error = e.what();
  }
  return d;
}

// The generated owning decoder (fused reads for booleans, ints and longs) or view
// decoder (fused reads for strings too). `bytes` is exactly the datum (no slack after
// it), so the reads near its end take the fallbacks.
Decoded generated(const Bytes& bytes, bool view) {
  Decoded d;
  Decoder in(bytes.data(), bytes.size());
  try {
    if (view) {
      Optionals::AvroView v;
      Optionals::decode_avro(in, v);
      d = {v.b, v.bFirst, v.i, v.iFirst, v.l, v.lFirst, text(v.s), text(v.sFirst), "", 0};
    } else {
      Optionals o;
      Optionals::decode_avro(in, o);
      d = {o.b, o.bFirst, o.i, o.iFirst, o.l, o.lFirst, o.s, o.sFirst, "", 0};
    }
    d.end = in.offset();
  } catch (const CodegenError& e) {
    d = Decoded{};  // only the message is compared
    d.error = e.what();
  }
  return d;
}

// Datums whose fields take every branch and every length class: ints and longs of
// 1 to 10 varint bytes (and the 32-bit limits), strings with one- and two-byte
// lengths, nulls next to values.
std::vector<Optionals> datums() {
  const std::int32_t ints[] = {0, -1, 63, -64, 64, 8191, 1 << 20, -(1 << 27),
                               std::numeric_limits<std::int32_t>::max(),
                               std::numeric_limits<std::int32_t>::min()};
  const std::int64_t longs[] = {0,
                                1,
                                -65,
                                std::int64_t{1} << 34,
                                (std::int64_t{1} << 48) - 1,
                                (std::int64_t{1} << 55) - 1,  // 8 bytes
                                std::int64_t{1} << 55,        // 9 bytes
                                std::numeric_limits<std::int64_t>::max(),
                                std::numeric_limits<std::int64_t>::min()};
  const std::size_t lengths[] = {0, 1, 5, 62, 63, 64, 200};
  std::vector<Optionals> out;
  for (std::size_t k = 0; k < 40; ++k) {
    Optionals o;
    bool null = k % 4 == 3;  // every field null in some datums, none in others
    bool null_first = k % 5 == 2;
    if (!null) {
      o.b = k % 2 == 0;
      o.i = ints[k % std::size(ints)];
      o.l = longs[k % std::size(longs)];
      o.s = std::string(lengths[k % std::size(lengths)], static_cast<char>('a' + k % 26));
    }
    if (null_first) {
      o.bFirst.reset();
      o.iFirst.reset();
      o.lFirst.reset();
      o.sFirst.reset();
    } else {
      o.bFirst = k % 3 == 0;
      o.iFirst = ints[(k + 3) % std::size(ints)];
      o.lFirst = longs[(k + 5) % std::size(longs)];
      o.sFirst = std::string(lengths[(k + 2) % std::size(lengths)], 'z');
    }
    out.push_back(o);
  }
  return out;
}

void expect_same_exactly(const Bytes& bytes, const std::string& what) {
  Decoded want = reference(bytes);
  EXPECT_EQ(generated(bytes, false), want) << what << " (owning): " << want.error;
  EXPECT_EQ(generated(bytes, true), want) << what << " (view): " << want.error;
}

// The datum alone, and followed by more bytes than any fast path reads ahead, so that
// the reads take the fast paths that check one bound for the longest value rather
// than the exact-bounds fallbacks near the end (the bytes after it, 0x55, read as a
// boolean's 1 and as union index and lengths that are out of range).
void expect_same(const Bytes& bytes, const std::string& what) {
  expect_same_exactly(bytes, what);
  Bytes padded = bytes;
  padded.insert(padded.end(), 80, 0x55);
  expect_same_exactly(padded, what + " + 80 bytes");
}

TEST(GeneratedOptionals, EveryLengthClassDecodesAsTheGeneralReads) {
  for (const Optionals& o : datums()) {
    Bytes bytes = o.to_avro();
    Decoded got = generated(bytes, true);
    ASSERT_TRUE(got.error.empty()) << got.error;
    EXPECT_EQ(got.end, bytes.size());
    EXPECT_EQ(got.i, o.i);
    EXPECT_EQ(got.l, o.l);
    EXPECT_EQ(got.s, o.s);
    EXPECT_EQ(got.l_first, o.lFirst);
    expect_same(bytes, "valid datum");
  }
}

// A run of datums through one Decoder into one reused view and one reused struct:
// the fast paths, which read ahead of the value, see the next datum's bytes after it.
TEST(GeneratedOptionals, ARunOfDatumsThroughOneDecoder) {
  std::vector<Optionals> all = datums();
  Bytes run;
  for (const Optionals& o : all)
    o.append_avro(run);
  Decoder in(run.data(), run.size());
  Optionals::AvroView view;
  Optionals owned;
  for (std::size_t k = 0; k < all.size(); ++k) {
    Decoder copy = in;
    Optionals::decode_avro(in, view);
    Optionals::decode_avro(copy, owned);
    EXPECT_EQ(in.offset(), copy.offset());
    EXPECT_EQ(owned, all[k]) << k;
    EXPECT_EQ(view.i, all[k].i) << k;
    EXPECT_EQ(view.lFirst, all[k].lFirst) << k;
    EXPECT_EQ(text(view.s), all[k].s) << k;
    EXPECT_EQ(text(view.sFirst), all[k].sFirst) << k;
    EXPECT_EQ(view.b, all[k].b) << k;
    EXPECT_EQ(view.bFirst, all[k].bFirst) << k;
  }
  in.expect_end("run");
}

// Every cut: the input ends inside an index, a varint, a length or a string.
TEST(GeneratedOptionals, EveryCutFailsAsTheGeneralReads) {
  for (const Optionals& o : datums()) {
    Bytes bytes = o.to_avro();
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
      Bytes part(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
      ASSERT_FALSE(reference(part).error.empty());
      expect_same(part, "cut to " + std::to_string(cut));
    }
  }
}

// Every byte replaced by values that make bad union indexes (2, -1, -2, 127), a
// boolean byte that is neither 0 nor 1, non-canonical or over-long varints (0x80,
// 0x81, 0xFF: continuation bits), negative and too-long lengths, ints beyond 32 bits.
TEST(GeneratedOptionals, EveryCorruptedByteFailsOrDecodesAsTheGeneralReads) {
  const std::uint8_t replacements[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x7E, 0x7F, 0x80, 0x81, 0xFF};
  std::vector<Optionals> all = datums();
  for (std::size_t k = 0; k < all.size(); k += 3) {
    Bytes bytes = all[k].to_avro();
    for (std::size_t at = 0; at < bytes.size(); ++at) {
      for (std::uint8_t r : replacements) {
        Bytes bad = bytes;
        bad[at] = r;
        expect_same(bad, "byte " + std::to_string(at) + " = " + std::to_string(r));
      }
    }
  }
}

}  // namespace

namespace {

// Decoder::read_int reads back put_varint's bytes for every varint length (1 to 5
// bytes), both signs and the 32-bit limits (its fast path covers up to 4 bytes), with
// the offset after each.
TEST(GeneratedInts, ReadIntReadsEveryVarintLength) {
  using sluice::avro::gen::Encoder;
  std::vector<std::int32_t> values = {std::numeric_limits<std::int32_t>::min(),
                                      std::numeric_limits<std::int32_t>::max()};
  for (int bits = 0; bits < 31; ++bits) {
    for (std::int32_t delta : {-1, 0, 1}) {
      std::int32_t v = static_cast<std::int32_t>((std::int64_t{1} << bits) + delta);
      values.push_back(v);
      values.push_back(-v);
    }
  }
  Bytes all;
  for (std::int32_t v : values) {
    std::uint8_t want[16] = {};
    std::size_t want_n = static_cast<std::size_t>(Encoder::put_varint(want, v) - want);
    all.insert(all.end(), want, want + want_n);
  }
  all.insert(all.end(), 8, 0);  // a run followed by slack: every read takes its fast path
  Decoder in(all.data(), all.size());
  for (std::int32_t v : values)
    EXPECT_EQ(in.read_int("v"), v);
  EXPECT_EQ(in.remaining(), 8u);
}

}  // namespace
