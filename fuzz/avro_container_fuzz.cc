// libFuzzer target: object container files from untrusted bytes.
//
// The input is a whole file in memory. It is read three ways with small limits
// (strict, raw blocks, recovery mode); none may crash, hang or allocate past the
// limits. When the strict read succeeds, its records are written to a new container
// and read back: they must come back equal.
#include "avro/arena.h"
#include "avro/container.h"
#include "avro/value.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

namespace {

using namespace sluice::avro;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "avro_container_fuzz: %s\n", what);
  std::abort();
}

ContainerReaderOptions small_options(Recovery recovery) {
  ContainerReaderOptions options;
  options.limits.max_bytes_length = 1 << 16;
  options.limits.max_collection_items = 1 << 14;
  options.limits.max_depth = 64;
  options.limits.max_block_bytes = 1 << 20;
  options.limits.max_block_objects = 1 << 14;
  options.recovery = recovery;
  return options;
}

constexpr std::size_t kMaxRecords = 4096;  // keeps each input fast

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);

  // Raw blocks.
  if (auto reader = ContainerReader::from_view(bytes, small_options(Recovery::kNo))) {
    ContainerReader::RawBlock block;
    for (int i = 0; i < 1024; ++i) {
      auto more = reader->next_raw_block(block);
      if (!more || !*more)
        break;
    }
  }

  // Recovery mode: damaged blocks are skipped, never returned as errors.
  if (auto reader = ContainerReader::from_view(bytes, small_options(Recovery::kYes))) {
    Arena arena;
    Value v;
    for (std::size_t i = 0; i < kMaxRecords; ++i) {
      if (i % 256 == 0)
        arena.reset();
      auto more = reader->next(v, arena);
      if (!more || !*more)
        break;
    }
    (void)reader->recovery_report().to_string();
  }

  // Strict mode, keeping the records for the round trip.
  auto reader = ContainerReader::from_view(bytes, small_options(Recovery::kNo));
  if (!reader)
    return 0;
  Arena arena;
  std::vector<Value> records;
  for (;;) {
    if (records.size() >= kMaxRecords)
      return 0;
    Value v;
    auto more = reader->next(v, arena);
    if (!more)
      return 0;
    if (!*more)
      break;
    records.push_back(deep_copy(v, arena));  // v's strings die with its block
  }

  std::vector<std::uint8_t> file;
  {
    ContainerWriterOptions options;
    options.block_size_bytes = 512;  // several blocks
    auto writer =
        ContainerWriter::make(std::make_unique<VectorSink>(&file), reader->schema(), options);
    if (!writer)
      fail("cannot write a container with the schema of a readable one");
    for (const Value& v : records) {
      if (!writer->append(v))
        fail("a record read from a container does not append");
    }
    if (!writer->close())
      fail("close failed");
  }
  auto copy = ContainerReader::from_view(file, small_options(Recovery::kNo));
  if (!copy)
    fail("a written container does not open");
  Arena arena2;
  for (const Value& expected : records) {
    Value v;
    auto more = copy->next(v, arena2);
    if (!more || !*more)
      fail("a written container has fewer records");
    if (!(v == expected))
      fail("a record changed in the container round trip");
  }
  Value extra;
  auto more = copy->next(extra, arena2);
  if (!more || *more)
    fail("a written container has more records");
  return 0;
}
