#include "avro/codec.h"

#include <bzlib.h>
#include <libdeflate.h>
#include <lzma.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <limits>
#include <memory>
#include <optional>

namespace sluice::avro {
namespace {

// Streaming decompressors write into `out` through this: it grows the buffer
// geometrically but never past cap + 1 bytes, so reaching cap + 1 proves the
// stream is larger than the cap without producing the rest of it.
class CappedOutput {
 public:
  CappedOutput(std::vector<std::uint8_t>& out, std::size_t cap, std::size_t size_hint)
      : out_(out),
        limit_(cap == std::numeric_limits<std::size_t>::max() ? cap : cap + 1),
        cap_(cap) {
    // Output is written from the start, so bytes `out` already holds (a reused block
    // buffer) serve as room without being zero-filled again by resize().
    std::size_t want = std::min(limit_, std::max<std::size_t>(size_hint, 4096));
    if (out_.size() > limit_) out_.resize(limit_);
    if (out_.size() < want) out_.resize(want);
  }

  // Makes room for more output; false when the buffer is already at cap + 1.
  bool ensure_room() {
    if (produced_ < out_.size()) return true;
    if (out_.size() >= limit_) return false;
    std::size_t want = std::max<std::size_t>(out_.size() * 2, 64 * 1024);
    out_.resize(std::min(want, limit_));
    return true;
  }
  std::uint8_t* next() { return out_.data() + produced_; }
  std::size_t room() const { return out_.size() - produced_; }
  void produced(std::size_t n) { produced_ += n; }
  bool over_cap() const { return produced_ > cap_; }
  std::size_t size() const { return produced_; }
  void finish() { out_.resize(produced_); }

  tl::unexpected<Error> limit_error(std::string_view codec) const {
    return fail(ErrorCode::kLimitExceeded,
                "{} block decompresses to more than the limit of {} bytes", codec, cap_);
  }

 private:
  std::vector<std::uint8_t>& out_;
  std::size_t limit_;
  std::size_t cap_;
  std::size_t produced_ = 0;
};

constexpr std::size_t kMaxChunk = UINT_MAX;

std::size_t hint_for(std::size_t input_size) {
  // Typical Avro data compresses 3-5x; start there and grow.
  return input_size > (std::numeric_limits<std::size_t>::max() / 4) ? input_size : input_size * 4;
}

Status check_32bit(std::string_view codec, std::size_t size) {
  if (size > kMaxChunk) {
    return fail(ErrorCode::kLimitExceeded, "{} input of {} bytes exceeds 4 GiB", codec, size);
  }
  return ok_status();
}

// ---------------------------------------------------------------- deflate (raw)

Status deflate_compress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                        int level) {
  SLUICE_TRY(check_32bit("deflate", in.size()));
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return fail(ErrorCode::kInternal, "deflateInit2 failed");
  }
  std::size_t old = out.size();
  std::size_t bound = deflateBound(&zs, static_cast<uLong>(in.size()));
  out.resize(old + bound);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data() + old;
  zs.avail_out = static_cast<uInt>(std::min(bound, kMaxChunk));
  int rc = deflate(&zs, Z_FINISH);
  std::size_t written = bound - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    out.resize(old);
    return fail(ErrorCode::kInternal, "deflate failed ({})", rc);
  }
  out.resize(old + written);
  return ok_status();
}

Status deflate_decompress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                          std::size_t cap) {
  SLUICE_TRY(check_32bit("deflate", in.size()));
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return fail(ErrorCode::kInternal, "inflateInit2 failed");
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  CappedOutput o(out, cap, hint_for(in.size()));
  Status status = ok_status();
  for (;;) {
    if (!o.ensure_room()) {
      status = o.limit_error("deflate");
      break;
    }
    std::size_t room = std::min(o.room(), kMaxChunk);
    zs.next_out = o.next();
    zs.avail_out = static_cast<uInt>(room);
    int rc = inflate(&zs, Z_NO_FLUSH);
    o.produced(room - zs.avail_out);
    if (rc == Z_STREAM_END) break;
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_out == 0) continue;  // needs more room
    if (rc == Z_BUF_ERROR) {
      status = fail(ErrorCode::kCorrupt, "deflate stream is truncated");
    } else {
      status = fail(ErrorCode::kCorrupt, "deflate data is corrupt: {}",
                    zs.msg != nullptr ? zs.msg : "unknown error");
    }
    break;
  }
  inflateEnd(&zs);
  SLUICE_TRY(status);
  if (o.over_cap()) return o.limit_error("deflate");
  o.finish();
  return ok_status();
}

// ---------------------------------------------------------------- snappy

// The CRC-32 (ISO-HDLC, zlib's) of the snappy codec's trailer. libdeflate's runs
// several times faster than zlib's (it folds with PCLMULQDQ where the CPU has it):
// with zlib's, the checksum took about a third of a snappy block's write + read.
std::uint32_t crc32_of(std::span<const std::uint8_t> data) {
  return libdeflate_crc32(0, data.data(), data.size());
}

// Per-thread scratch for compressors that need room for their worst case: a raw
// buffer is reused across blocks, where growing `out` to the bound would zero-fill
// it for every block. Kept at most kMaxKeptScratch between calls.
constexpr std::size_t kMaxKeptScratch = std::size_t{64} << 20;

struct Scratch {
  std::unique_ptr<std::uint8_t[]> data;
  std::size_t size = 0;
  std::uint8_t* get(std::size_t n) {
    if (n > size) {
      data = std::make_unique_for_overwrite<std::uint8_t[]>(n);
      size = n;
    }
    return data.get();
  }
  void trim() {
    if (size > kMaxKeptScratch) {
      data.reset();
      size = 0;
    }
  }
};

Scratch& compress_scratch() {
  thread_local Scratch scratch;
  return scratch;
}

Status snappy_compress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
  Scratch& scratch = compress_scratch();
  std::uint8_t* buf = scratch.get(snappy::MaxCompressedLength(in.size()) + 4);
  std::size_t written = 0;
  snappy::RawCompress(reinterpret_cast<const char*>(in.data()), in.size(),
                      reinterpret_cast<char*>(buf), &written);
  std::uint32_t crc = crc32_of(in);
  std::uint8_t* p = buf + written;
  p[0] = static_cast<std::uint8_t>(crc >> 24);
  p[1] = static_cast<std::uint8_t>(crc >> 16);
  p[2] = static_cast<std::uint8_t>(crc >> 8);
  p[3] = static_cast<std::uint8_t>(crc);
  out.insert(out.end(), buf, buf + written + 4);
  scratch.trim();
  return ok_status();
}

Status snappy_decompress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                         std::size_t cap) {
  if (in.size() < 4) {
    return fail(ErrorCode::kCorrupt, "snappy block of {} bytes has no CRC-32", in.size());
  }
  const char* data = reinterpret_cast<const char*>(in.data());
  std::size_t data_size = in.size() - 4;
  std::size_t length = 0;
  if (!snappy::GetUncompressedLength(data, data_size, &length)) {
    return fail(ErrorCode::kCorrupt, "snappy block has an unreadable length header");
  }
  if (length > cap) {
    return fail(ErrorCode::kLimitExceeded,
                "snappy block declares {} bytes, more than the limit of {} bytes", length, cap);
  }
  // No clear() first: a reused buffer of about the same size is not zero-filled again.
  out.resize(length);
  if (!snappy::RawUncompress(data, data_size, reinterpret_cast<char*>(out.data()))) {
    out.clear();
    return fail(ErrorCode::kCorrupt, "snappy data is corrupt");
  }
  const std::uint8_t* c = in.data() + data_size;
  std::uint32_t expected = (std::uint32_t{c[0]} << 24) | (std::uint32_t{c[1]} << 16) |
                           (std::uint32_t{c[2]} << 8) | std::uint32_t{c[3]};
  std::uint32_t actual = crc32_of(out);
  if (expected != actual) {
    out.clear();
    return fail(ErrorCode::kCorrupt, "snappy CRC-32 mismatch: block says {:08x}, data has {:08x}",
                expected, actual);
  }
  return ok_status();
}

// ---------------------------------------------------------------- zstandard

// zstd contexts are costly to create (they allocate their workspaces): each thread
// keeps one of each and resets it per call.
struct ZstdContexts {
  ZSTD_CCtx* cctx = nullptr;
  ZSTD_DCtx* dctx = nullptr;
  std::optional<int> cctx_level;  // set: cctx has this level and the checksum flag
  ~ZstdContexts() {
    ZSTD_freeCCtx(cctx);
    ZSTD_freeDCtx(dctx);
  }
};

ZstdContexts& zstd_contexts() {
  thread_local ZstdContexts contexts;
  return contexts;
}

Status zstd_compress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                     int level) {
  ZstdContexts& contexts = zstd_contexts();
  if (contexts.cctx == nullptr) contexts.cctx = ZSTD_createCCtx();
  ZSTD_CCtx* cctx = contexts.cctx;
  if (cctx == nullptr) return fail(ErrorCode::kInternal, "ZSTD_createCCtx failed");
  // Parameters stay set between calls (ZSTD_compress2 starts a new frame each time);
  // they are set again only when the level changes.
  if (contexts.cctx_level != level) {
    ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
    // A content checksum lets readers detect a damaged block (deflate, for one, cannot);
    // every zstd reader accepts it.
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    contexts.cctx_level = level;
  }
  std::size_t bound = ZSTD_compressBound(in.size());
  Scratch& scratch = compress_scratch();
  std::uint8_t* buf = scratch.get(bound);
  std::size_t n = ZSTD_compress2(cctx, buf, bound, in.data(), in.size());
  if (ZSTD_isError(n)) {
    contexts.cctx_level.reset();  // start over from a clean context next time
    return fail(ErrorCode::kInternal, "zstd compression failed: {}", ZSTD_getErrorName(n));
  }
  out.insert(out.end(), buf, buf + n);
  scratch.trim();
  return ok_status();
}

Status zstd_decompress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                       std::size_t cap) {
  if (in.empty()) return fail(ErrorCode::kCorrupt, "zstandard block is empty (no frame)");
  ZstdContexts& contexts = zstd_contexts();
  if (contexts.dctx == nullptr) contexts.dctx = ZSTD_createDCtx();
  ZSTD_DCtx* dctx = contexts.dctx;
  if (dctx == nullptr) return fail(ErrorCode::kInternal, "ZSTD_createDCtx failed");
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters);
  // A single frame that declares its size (what Sluice and most writers produce)
  // decompresses in one call straight into `out`, when that size is within the cap
  // and a plausible ratio of the input (a hostile header must not make us allocate
  // far more than the block); anything else streams into a growing buffer.
  unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR &&
      declared <= cap && declared <= in.size() * 64ULL + (std::size_t{1} << 16) &&
      ZSTD_findFrameCompressedSize(in.data(), in.size()) == in.size()) {
    auto size = static_cast<std::size_t>(declared);
    out.resize(size);  // a reused buffer of about this size is not zero-filled again
    std::size_t rc = ZSTD_decompressDCtx(dctx, out.data(), size, in.data(), in.size());
    if (ZSTD_isError(rc)) {
      out.clear();
      return fail(ErrorCode::kCorrupt, "zstandard data is corrupt: {}", ZSTD_getErrorName(rc));
    }
    if (rc != size) {
      out.clear();
      return fail(ErrorCode::kCorrupt, "zstandard frame declares {} bytes but holds {}", size, rc);
    }
    return ok_status();
  }
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  CappedOutput o(out, cap, hint_for(in.size()));
  Status status = ok_status();
  for (;;) {
    if (!o.ensure_room()) {
      status = o.limit_error("zstandard");
      break;
    }
    ZSTD_outBuffer output{o.next(), o.room(), 0};
    std::size_t rc = ZSTD_decompressStream(dctx, &output, &input);
    o.produced(output.pos);
    if (ZSTD_isError(rc)) {
      status = fail(ErrorCode::kCorrupt, "zstandard data is corrupt: {}", ZSTD_getErrorName(rc));
      break;
    }
    bool input_done = input.pos == input.size;
    if (rc == 0 && input_done) break;  // last frame complete
    if (input_done && output.pos < output.size) {
      status = fail(ErrorCode::kCorrupt, "zstandard stream is truncated");
      break;
    }
  }
  SLUICE_TRY(status);
  if (o.over_cap()) return o.limit_error("zstandard");
  o.finish();
  return ok_status();
}

// ---------------------------------------------------------------- bzip2

Status bzip2_compress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                      int level) {
  SLUICE_TRY(check_32bit("bzip2", in.size()));
  std::size_t old = out.size();
  std::size_t bound = in.size() + in.size() / 100 + 600;
  SLUICE_TRY(check_32bit("bzip2", bound));
  out.resize(old + bound);
  unsigned int dest_len = static_cast<unsigned int>(bound);
  char empty = 0;  // libbz2 rejects a null source even when its length is 0
  char* source = in.empty() ? &empty : const_cast<char*>(reinterpret_cast<const char*>(in.data()));
  int rc = BZ2_bzBuffToBuffCompress(reinterpret_cast<char*>(out.data() + old), &dest_len, source,
                                    static_cast<unsigned int>(in.size()), level, 0, 0);
  if (rc != BZ_OK) {
    out.resize(old);
    return fail(ErrorCode::kInternal, "bzip2 compression failed ({})", rc);
  }
  out.resize(old + dest_len);
  return ok_status();
}

Status bzip2_decompress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                        std::size_t cap) {
  SLUICE_TRY(check_32bit("bzip2", in.size()));
  bz_stream bs{};
  if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK) {
    return fail(ErrorCode::kInternal, "BZ2_bzDecompressInit failed");
  }
  bs.next_in = const_cast<char*>(reinterpret_cast<const char*>(in.data()));
  bs.avail_in = static_cast<unsigned int>(in.size());
  CappedOutput o(out, cap, hint_for(in.size()));
  Status status = ok_status();
  for (;;) {
    if (!o.ensure_room()) {
      status = o.limit_error("bzip2");
      break;
    }
    std::size_t room = std::min(o.room(), kMaxChunk);
    bs.next_out = reinterpret_cast<char*>(o.next());
    bs.avail_out = static_cast<unsigned int>(room);
    int rc = BZ2_bzDecompress(&bs);
    std::size_t made = room - bs.avail_out;
    o.produced(made);
    if (rc == BZ_STREAM_END) break;
    if (rc != BZ_OK) {
      status = fail(ErrorCode::kCorrupt, "bzip2 data is corrupt ({})", rc);
      break;
    }
    if (bs.avail_in == 0 && bs.avail_out > 0) {
      status = fail(ErrorCode::kCorrupt, "bzip2 stream is truncated");
      break;
    }
  }
  BZ2_bzDecompressEnd(&bs);
  SLUICE_TRY(status);
  if (o.over_cap()) return o.limit_error("bzip2");
  o.finish();
  return ok_status();
}

// ---------------------------------------------------------------- xz and avro-c lzma

// Memory liblzma may use to decode one .xz stream (its dictionary): a hostile header
// cannot make us allocate more.
constexpr std::uint64_t kXzMemLimit = std::uint64_t{256} << 20;

Status xz_compress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out, int level) {
  std::size_t old = out.size();
  std::size_t bound = lzma_stream_buffer_bound(in.size());
  if (bound == 0) return fail(ErrorCode::kLimitExceeded, "xz input too large");
  out.resize(old + bound);
  std::size_t pos = 0;
  lzma_ret rc = lzma_easy_buffer_encode(static_cast<std::uint32_t>(level), LZMA_CHECK_CRC64,
                                        nullptr, in.data(), in.size(), out.data() + old, &pos,
                                        bound);
  if (rc != LZMA_OK) {
    out.resize(old);
    return fail(ErrorCode::kInternal, "xz compression failed ({})", static_cast<int>(rc));
  }
  out.resize(old + pos);
  return ok_status();
}

Status lzma_decompress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                       std::size_t cap, bool raw_lzma2) {
  std::string_view name = raw_lzma2 ? "lzma" : "xz";
  lzma_stream strm = LZMA_STREAM_INIT;
  lzma_ret init;
  lzma_options_lzma options{};
  if (raw_lzma2) {
    // avro-c: lzma_raw_buffer_encode with one LZMA2 filter at LZMA_PRESET_DEFAULT.
    if (lzma_lzma_preset(&options, LZMA_PRESET_DEFAULT)) {
      return fail(ErrorCode::kInternal, "lzma_lzma_preset failed");
    }
    lzma_filter filters[2] = {{LZMA_FILTER_LZMA2, &options}, {LZMA_VLI_UNKNOWN, nullptr}};
    init = lzma_raw_decoder(&strm, filters);
  } else {
    init = lzma_stream_decoder(&strm, kXzMemLimit, 0);
  }
  if (init != LZMA_OK) return fail(ErrorCode::kInternal, "{} decoder init failed", name);
  strm.next_in = in.data();
  strm.avail_in = in.size();
  CappedOutput o(out, cap, hint_for(in.size()));
  Status status = ok_status();
  for (;;) {
    if (!o.ensure_room()) {
      status = o.limit_error(name);
      break;
    }
    std::size_t room = o.room();
    strm.next_out = o.next();
    strm.avail_out = room;
    lzma_ret rc = lzma_code(&strm, LZMA_FINISH);
    o.produced(room - strm.avail_out);
    if (rc == LZMA_STREAM_END) break;
    if (rc == LZMA_OK) continue;
    if (rc == LZMA_BUF_ERROR && strm.avail_out == 0) continue;
    if (rc == LZMA_MEMLIMIT_ERROR) {
      status = fail(ErrorCode::kLimitExceeded, "xz stream needs more than {} bytes of memory",
                    kXzMemLimit);
    } else if (rc == LZMA_BUF_ERROR) {
      status = fail(ErrorCode::kCorrupt, "{} stream is truncated", name);
    } else {
      status = fail(ErrorCode::kCorrupt, "{} data is corrupt (liblzma error {})", name,
                    static_cast<int>(rc));
    }
    break;
  }
  lzma_end(&strm);
  SLUICE_TRY(status);
  if (o.over_cap()) return o.limit_error(name);
  o.finish();
  return ok_status();
}

Status check_level(Codec codec, int level) {
  CodecLevels levels = codec_levels(codec);
  if (levels.has_levels && (level < levels.min || level > levels.max)) {
    return fail(ErrorCode::kInvalidArgument, "{} level {} is outside {}..{}", codec_name(codec),
                level, levels.min, levels.max);
  }
  return ok_status();
}

}  // namespace

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::kNull: return "null";
    case Codec::kDeflate: return "deflate";
    case Codec::kSnappy: return "snappy";
    case Codec::kZstandard: return "zstandard";
    case Codec::kBzip2: return "bzip2";
    case Codec::kXz: return "xz";
    case Codec::kAvroCLzma: return "lzma";
  }
  return "?";
}

Result<Codec> parse_codec(std::string_view name) {
  if (name == "null") return Codec::kNull;
  if (name == "deflate") return Codec::kDeflate;
  if (name == "snappy") return Codec::kSnappy;
  if (name == "zstandard" || name == "zstd") return Codec::kZstandard;
  if (name == "bzip2") return Codec::kBzip2;
  if (name == "xz") return Codec::kXz;
  if (name == "lzma") return Codec::kAvroCLzma;
  return fail(ErrorCode::kUnsupported,
              "unknown codec \"{}\" (expected null, deflate, snappy, zstandard, bzip2 or xz)",
              name);
}

CodecLevels codec_levels(Codec codec) {
  switch (codec) {
    case Codec::kDeflate: return {true, 0, 9, 6};
    case Codec::kZstandard: return {true, -7, 22, 3};
    case Codec::kBzip2: return {true, 1, 9, 9};
    case Codec::kXz: return {true, 0, 9, 6};
    default: return {};
  }
}

Status compress(Codec codec, std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out,
                std::optional<int> level) {
  int lv = level.value_or(codec_levels(codec).default_level);
  SLUICE_TRY(check_level(codec, lv));
  switch (codec) {
    case Codec::kNull:
      out.insert(out.end(), input.begin(), input.end());
      return ok_status();
    case Codec::kDeflate: return deflate_compress(input, out, lv);
    case Codec::kSnappy: return snappy_compress(input, out);
    case Codec::kZstandard: return zstd_compress(input, out, lv);
    case Codec::kBzip2: return bzip2_compress(input, out, lv);
    case Codec::kXz: return xz_compress(input, out, lv);
    case Codec::kAvroCLzma:
      return fail(ErrorCode::kUnsupported,
                  "writing avro-c's non-standard \"lzma\" codec is not supported; use xz");
  }
  return fail(ErrorCode::kInternal, "unknown codec");
}

Status decompress(Codec codec, std::span<const std::uint8_t> input,
                  std::vector<std::uint8_t>& out, std::size_t max_output_bytes) {
  switch (codec) {
    case Codec::kNull:
      if (input.size() > max_output_bytes) {
        return fail(ErrorCode::kLimitExceeded, "block of {} bytes exceeds the limit of {} bytes",
                    input.size(), max_output_bytes);
      }
      out.assign(input.begin(), input.end());
      return ok_status();
    case Codec::kDeflate: return deflate_decompress(input, out, max_output_bytes);
    case Codec::kSnappy: return snappy_decompress(input, out, max_output_bytes);
    case Codec::kZstandard: return zstd_decompress(input, out, max_output_bytes);
    case Codec::kBzip2: return bzip2_decompress(input, out, max_output_bytes);
    case Codec::kXz: return lzma_decompress(input, out, max_output_bytes, false);
    case Codec::kAvroCLzma: return lzma_decompress(input, out, max_output_bytes, true);
  }
  return fail(ErrorCode::kInternal, "unknown codec");
}

}  // namespace sluice::avro
