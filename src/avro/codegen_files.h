// Object container files of generated records (`sluice avro codegen` classes):
//
//   #include "avro/codegen_files.h"
//   std::vector<example::User> users = ...;
//   SLUICE_TRY(sluice::avro::gen::write_container("users.avro", std::span(users)));
//   SLUICE_ASSIGN_OR_RETURN(std::vector<example::User> back,
//                           sluice::avro::gen::read_container<example::User>("users.avro"));
//
// write_container() writes the records with T's schema (T::avro_schema()) as the file's
// writer schema, so any Avro reader (python3-avro, avro-tools, avro-c) reads them.
// read_container<T>() reads a file written with T's schema or with another schema T can
// read: the same canonical form decodes straight into T from each block; another
// writer schema goes through schema resolution (defaults for fields the writer did not
// have, promotions), as T::from_avro(data, size, writer_schema_json) does per datum.
//
// A separate header so that generated headers do not pull in the container code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/codegen_support.h"
#include "avro/container.h"
#include "avro/fingerprint.h"
#include "base/result.h"

namespace sluice::avro::gen {

// Writes `records` to a new container file at `path` (replacing one that exists).
// Errors: as ContainerWriter::create and append; a record the schema cannot hold (an
// enum or decimal out of range) is kInvalidArgument naming its index and field.
template <class T>
Status write_container(const std::filesystem::path& path, std::span<const T> records,
                       ContainerWriterOptions options = {}) {
  SLUICE_ASSIGN_OR_RETURN(ContainerWriter writer,
                          ContainerWriter::create(path, T::avro_schema_ptr(), std::move(options)));
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < records.size(); ++i) {
    bytes.clear();
    try {
      records[i].append_avro(bytes);
    } catch (const CodegenError& e) {
      return fail(ErrorCode::kInvalidArgument, "{}: record {}: {}", path.string(), i, e.what());
    }
    SLUICE_TRY(writer.append_encoded(bytes));
  }
  return writer.close();
}
// The same for records in a span of non-const T (`std::span(users)`) or a vector, which
// deduction would not match to std::span<const T>.
template <class T>
  requires(!std::is_const_v<T>)
Status write_container(const std::filesystem::path& path, std::span<T> records,
                       ContainerWriterOptions options = {}) {
  return write_container(path, std::span<const T>(records), std::move(options));
}
template <class T>
Status write_container(const std::filesystem::path& path, const std::vector<T>& records,
                       ContainerWriterOptions options = {}) {
  return write_container(path, std::span<const T>(records), std::move(options));
}

// Most records of one file that take no bytes at all (a record of only nulls, empty
// records and fixed(0)): a block may declare millions of them in no data, and each is
// a T in memory. Any other record takes at least one byte of the (size-limited) blocks.
inline constexpr std::uint64_t kMaxEmptyRecordsPerFile = std::uint64_t{1} << 20;

// Every record of the container file at `path`, as T. Errors name the file: as
// ContainerReader::open and next (kIncompatible when T cannot read the file's schema,
// kCorrupt/kTruncated for damaged blocks, with their byte offsets); a datum that does
// not decode is kCorrupt naming its block's byte offset, its index and the field; more
// than kMaxEmptyRecordsPerFile records of no bytes is kLimitExceeded.
template <class T>
Result<std::vector<T>> read_container(const std::filesystem::path& path) {
  const std::string name = path.string();
  auto in_file = [&](const Error& e) { return Error(e.code(), name + ": " + e.to_string()); };
  ContainerReaderOptions options;
  options.reader_schema = T::avro_schema_ptr();
  auto opened = ContainerReader::open(path, options);
  if (!opened)
    return fail(in_file(opened.error()));
  ContainerReader& reader = *opened;
  std::vector<T> out;
  std::uint64_t empty_budget = kMaxEmptyRecordsPerFile;
  auto too_many_empty = [&](std::uint64_t block_offset) {
    return fail(ErrorCode::kLimitExceeded,
                "{}: block at byte {}: more than {} records that take no bytes (records of "
                "nothing but nulls, empty records or fixed(0)) in one file",
                name, block_offset, kMaxEmptyRecordsPerFile);
  };
  if (rabin_fingerprint(reader.writer_schema()->root()) == T::kAvroFingerprint) {
    // T's own schema: its raw blocks hold T's encoding.
    ContainerReader::RawBlock block;
    for (;;) {
      auto more = reader.next_raw_block(block);
      if (!more)
        return fail(in_file(more.error()));
      if (!*more)
        return out;
      // Records beyond one per byte of data can only be records of no bytes.
      const std::uint64_t excess =
          block.count > block.data.size() ? block.count - block.data.size() : 0;
      if (excess > empty_budget)
        return too_many_empty(block.offset);
      empty_budget -= excess;
      try {
        Decoder in(block.data.data(), block.data.size());
        for (std::uint64_t i = 0; i < block.count; ++i)
          T::decode_avro(in, out.emplace_back());
        in.expect_end("block");
      } catch (const CodegenError& e) {
        return fail(ErrorCode::kCorrupt,
                    "{}: block at byte {} (the offset below is within its decompressed data): {}",
                    name, block.offset, e.what());
      }
    }
  }
  // Another writer schema: the reader resolves each datum into T's schema.
  const Node& root = options.reader_schema->root();
  Arena arena;
  Value value;
  std::vector<std::uint8_t> bytes;
  for (;;) {
    arena.reset();
    auto more = reader.next(value, arena);
    if (!more)
      return fail(in_file(more.error()));
    if (!*more)
      return out;
    bytes.clear();
    if (Status encoded = encode_binary(root, value, bytes); !encoded)
      return fail(in_file(encoded.error()));
    if (bytes.empty() && empty_budget-- == 0)
      return too_many_empty(reader.block_offset());
    try {
      out.push_back(T::from_avro(bytes.data(), bytes.size()));
    } catch (const CodegenError& e) {
      return fail(ErrorCode::kCorrupt, "{}: record {}: {}", name, out.size(), e.what());
    }
  }
}

}  // namespace sluice::avro::gen
