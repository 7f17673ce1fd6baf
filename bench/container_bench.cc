// Container files vs the codec library alone, on the same blocks.
//
// BM_Codec_<Codec>_<W>            the library (zstd / snappy) compresses then decompresses
//                                 each 64 KiB block of the workload's datums, with
//                                 reused contexts and buffers: the floor.
// BM_ContainerRaw_<Codec>_<W>     ContainerWriter::append_encoded for every datum into
//                                 memory, then ContainerReader::next_raw_block over
//                                 the file: container framing + codec (+ snappy CRC).
// BM_ContainerValues_<Codec>_<W>  ContainerWriter::append(Value) for every record
//                                 (values decoded outside the timed region), then
//                                 ContainerReader::next(Value) with the checksum:
//                                 framing + codec + encode + decode.
// All three write then read the first 200,000 records of the workload (see
// container_record_count()) once per iteration; the first iteration checks that
// what is read back equals what was written.
#include "avro/binary.h"
#include "avro/codec.h"
#include "avro/container.h"
#include "baselines.h"
#include "bench_common.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <snappy.h>
#include <vector>
#include <zstd.h>

namespace sluice::bench {
namespace {

using avro::Codec;

constexpr std::size_t kBlockBytes = 64 * 1024;  // ContainerWriterOptions default
constexpr std::size_t kValueChunk = 4096;

// The first container_record_count() records of the workload, cut into datums and
// into the blocks a ContainerWriter with kBlockBytes would write (a block ends once
// its datums reach kBlockBytes).
struct Layout {
  std::size_t count = 0;                   // records
  std::size_t size = 0;                    // their bytes: Workload::data[0, size)
  std::uint64_t checksum = 0;              // sum of checksum() over them
  std::vector<std::size_t> datum_offsets;  // count + 1 entries
  struct Block {
    std::size_t begin = 0, end = 0;  // byte range in Workload::data
    std::size_t count = 0;
  };
  std::vector<Block> blocks;
};

// Records in the container benchmarks: SLUICE_BENCH_CONTAINER_RECORDS, default 200,000
// (the codecs dominate their time, and a ratio needs no more), at most the workload's.
std::size_t container_record_count(const Workload& w) {
  std::size_t n = 200'000;
  if (const char* env = std::getenv("SLUICE_BENCH_CONTAINER_RECORDS"); env && *env) {
    n = std::strtoull(env, nullptr, 10);
  }
  return std::max<std::size_t>(1, std::min(n, w.count));
}

const Layout& layout(WorkloadKind kind) {
  static std::unique_ptr<Layout> cache[2];
  auto& slot = cache[kind == WorkloadKind::kWatch ? 0 : 1];
  if (slot)
    return *slot;
  const Workload& w = workload(kind);
  auto l = std::make_unique<Layout>();
  l->count = container_record_count(w);
  avro::BinaryReader in(w.data);
  avro::Arena arena;
  Layout::Block block;
  l->datum_offsets.push_back(0);
  for (std::size_t i = 0; i < l->count; ++i) {
    if (i % kBatch == 0)
      arena.reset();
    auto v = avro::decode_binary(w.schema->root(), in, arena);
    if (!v)
      die("decode_binary: " + v.error().to_string());
    l->checksum += checksum(*v);
    l->datum_offsets.push_back(in.offset());
    ++block.count;
    block.end = in.offset();
    if (block.end - block.begin >= kBlockBytes) {
      l->blocks.push_back(block);
      block = {block.end, block.end, 0};
    }
  }
  if (block.count > 0)
    l->blocks.push_back(block);
  l->size = l->datum_offsets.back();
  slot = std::move(l);
  return *slot;
}

void set_counters(benchmark::State& state, const Layout& l) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * l.count));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * l.size));
}

void BM_Codec(benchmark::State& state, WorkloadKind kind, Codec codec) {
  const Workload& w = workload(kind);
  const Layout& l = layout(kind);
  const int level = avro::codec_levels(Codec::kZstandard).default_level;
  std::vector<std::uint8_t> packed;
  std::vector<std::size_t> packed_offsets(l.blocks.size() + 1);
  std::size_t bound = 0;
  for (const auto& b : l.blocks) {
    std::size_t n = b.end - b.begin;
    bound += codec == Codec::kZstandard ? ZSTD_compressBound(n) : snappy::MaxCompressedLength(n);
  }
  packed.resize(bound);
  std::vector<char> plain(kBlockBytes * 4 + (std::size_t{1} << 20));
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  bool verify = true;
  for (auto _ : state) {
    Stopwatch start;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < l.blocks.size(); ++i) {
      const auto& b = l.blocks[i];
      const auto* src = w.data.data() + b.begin;
      std::size_t n = b.end - b.begin;
      auto* dst = packed.data() + pos;
      if (codec == Codec::kZstandard) {
        std::size_t r = ZSTD_compressCCtx(cctx, dst, packed.size() - pos, src, n, level);
        if (ZSTD_isError(r))
          die("ZSTD_compressCCtx failed");
        pos += r;
      } else {
        std::size_t out_len = 0;
        snappy::RawCompress(reinterpret_cast<const char*>(src), n, reinterpret_cast<char*>(dst),
                            &out_len);
        pos += out_len;
      }
      packed_offsets[i + 1] = pos;
    }
    double seconds = start.seconds();
    for (std::size_t i = 0; i < l.blocks.size(); ++i) {
      const auto& b = l.blocks[i];
      std::size_t n = b.end - b.begin;
      const auto* src = packed.data() + packed_offsets[i];
      std::size_t src_len = packed_offsets[i + 1] - packed_offsets[i];
      start.restart();
      if (codec == Codec::kZstandard) {
        std::size_t r = ZSTD_decompressDCtx(dctx, plain.data(), plain.size(), src, src_len);
        if (ZSTD_isError(r) || r != n)
          die("ZSTD_decompressDCtx failed");
      } else {
        std::size_t len = 0;
        const char* s = reinterpret_cast<const char*>(src);
        if (!snappy::GetUncompressedLength(s, src_len, &len) || len != n ||
            !snappy::RawUncompress(s, src_len, plain.data())) {
          die("snappy::RawUncompress failed");
        }
      }
      seconds += start.seconds();
      if (verify && std::memcmp(plain.data(), w.data.data() + b.begin, n) != 0) {
        die("codec round trip differs");
      }
    }
    verify = false;
    state.SetIterationTime(seconds);
  }
  state.counters["compressed_bytes"] = static_cast<double>(packed_offsets.back());
  ZSTD_freeCCtx(cctx);
  ZSTD_freeDCtx(dctx);
  set_counters(state, l);
}

avro::ContainerWriter make_writer(const Workload& w, Codec codec, std::vector<std::uint8_t>& file) {
  avro::ContainerWriterOptions options;
  options.codec = codec;
  options.block_size_bytes = kBlockBytes;
  options.sync_marker = avro::SyncMarker{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  auto writer =
      avro::ContainerWriter::make(std::make_unique<avro::VectorSink>(&file), w.schema, options);
  if (!writer)
    die("ContainerWriter::make: " + writer.error().to_string());
  return std::move(*writer);
}

void BM_ContainerRaw(benchmark::State& state, WorkloadKind kind, Codec codec) {
  const Workload& w = workload(kind);
  const Layout& l = layout(kind);
  std::vector<std::uint8_t> file;
  file.reserve(l.size + l.size / 8 + (std::size_t{1} << 20));
  bool verify = true;
  for (auto _ : state) {
    file.clear();
    Stopwatch start;
    {
      auto writer = make_writer(w, codec, file);
      for (std::size_t i = 0; i < l.count; ++i) {
        std::span<const std::uint8_t> datum(w.data.data() + l.datum_offsets[i],
                                            l.datum_offsets[i + 1] - l.datum_offsets[i]);
        if (auto st = writer.append_encoded(datum); !st)
          die("append_encoded: " + st.error().to_string());
      }
      if (auto st = writer.close(); !st)
        die("close: " + st.error().to_string());
    }
    double seconds = start.seconds();
    auto reader = avro::ContainerReader::from_view(file);
    if (!reader)
      die("ContainerReader::from_view: " + reader.error().to_string());
    avro::ContainerReader::RawBlock block;
    std::size_t records = 0, pos = 0;
    for (;;) {
      start.restart();
      auto more = reader->next_raw_block(block);
      seconds += start.seconds();
      if (!more)
        die("next_raw_block: " + more.error().to_string());
      if (!*more)
        break;
      records += block.count;
      if (verify && (pos + block.data.size() > l.size ||
                     std::memcmp(block.data.data(), w.data.data() + pos, block.data.size()) != 0)) {
        die("container raw round trip differs");
      }
      pos += block.data.size();
    }
    if (records != l.count || pos != l.size)
      die("container raw round trip: wrong count");
    verify = false;
    state.SetIterationTime(seconds);
  }
  state.counters["file_bytes"] = static_cast<double>(file.size());
  set_counters(state, l);
}

void BM_ContainerValues(benchmark::State& state, WorkloadKind kind, Codec codec) {
  const Workload& w = workload(kind);
  const Layout& l = layout(kind);
  const avro::Node& root = w.schema->root();
  std::vector<std::uint8_t> file;
  file.reserve(l.size + l.size / 8 + (std::size_t{1} << 20));
  avro::Arena arena;
  std::vector<avro::Value> values(kValueChunk);
  for (auto _ : state) {
    file.clear();
    double seconds = 0;
    {
      Stopwatch start;
      auto writer = make_writer(w, codec, file);
      seconds += start.seconds();
      avro::BinaryReader in(w.data);
      for (std::size_t done = 0; done < l.count;) {
        std::size_t n = std::min(kValueChunk, l.count - done);
        decode_chunk(root, in, arena, values.data(), n);
        start.restart();
        for (std::size_t i = 0; i < n; ++i) {
          if (auto st = writer.append(values[i]); !st)
            die("append: " + st.error().to_string());
        }
        seconds += start.seconds();
        done += n;
      }
      start.restart();
      if (auto st = writer.close(); !st)
        die("close: " + st.error().to_string());
      seconds += start.seconds();
    }
    Stopwatch start;
    auto reader = avro::ContainerReader::from_view(file);
    if (!reader)
      die("ContainerReader::from_view: " + reader.error().to_string());
    avro::Value v;
    std::uint64_t sum = 0;
    std::size_t records = 0;
    for (;; ++records) {
      if (records % kBatch == 0)
        arena.reset();
      auto more = reader->next(v, arena);
      if (!more)
        die("ContainerReader::next: " + more.error().to_string());
      if (!*more)
        break;
      sum += checksum(v);
    }
    seconds += start.seconds();
    if (records != l.count || sum != l.checksum)
      die("container values round trip differs");
    state.SetIterationTime(seconds);
  }
  set_counters(state, l);
}

}  // namespace

void register_container_benchmarks() {
  for (auto kind : {WorkloadKind::kWatch, WorkloadKind::kWide}) {
    std::string w = kind == WorkloadKind::kWatch ? "Watch" : "Wide";
    for (auto codec : {Codec::kZstandard, Codec::kSnappy}) {
      std::string c = std::string(codec == Codec::kZstandard ? "Zstandard" : "Snappy") + "_" + w;
      using Fn = void (*)(benchmark::State&, WorkloadKind, Codec);
      const std::pair<const char*, Fn> benches[] = {{"Codec", &BM_Codec},
                                                    {"ContainerRaw", &BM_ContainerRaw},
                                                    {"ContainerValues", &BM_ContainerValues}};
      for (const auto& [thing, fn] : benches) {
        benchmark::RegisterBenchmark(("BM_" + std::string(thing) + "_" + c).c_str(), fn, kind,
                                     codec)
            ->Unit(benchmark::kMillisecond)
            ->MinTime(0.3)
            ->Repetitions(bench_repetitions())
            ->UseManualTime();
      }
    }
  }
}

}  // namespace sluice::bench
