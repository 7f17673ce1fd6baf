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

// Every record of the container file at `path`, as T. Errors: as ContainerReader::open
// and next (kIncompatible when T cannot read the file's schema); a datum that does not
// decode is kCorrupt naming its block's byte offset, its index and the field.
template <class T>
Result<std::vector<T>> read_container(const std::filesystem::path& path) {
  ContainerReaderOptions options;
  options.reader_schema = T::avro_schema_ptr();
  auto opened = ContainerReader::open(path, options);
  if (!opened)
    return fail(opened.error().code(), "{}: {}", path.string(), opened.error().to_string());
  ContainerReader& reader = *opened;
  std::vector<T> out;
  if (rabin_fingerprint(reader.writer_schema()->root()) == T::kAvroFingerprint) {
    // T's own schema: its raw blocks hold T's encoding.
    ContainerReader::RawBlock block;
    for (;;) {
      SLUICE_ASSIGN_OR_RETURN(bool more, reader.next_raw_block(block));
      if (!more)
        return out;
      try {
        Decoder in(block.data.data(), block.data.size());
        for (std::uint64_t i = 0; i < block.count; ++i)
          T::decode_avro(in, out.emplace_back());
        in.expect_end("block");
      } catch (const CodegenError& e) {
        return fail(ErrorCode::kCorrupt,
                    "{}: block at byte {} (the offset below is within its decompressed data): {}",
                    path.string(), block.offset, e.what());
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
    SLUICE_ASSIGN_OR_RETURN(bool more, reader.next(value, arena));
    if (!more)
      return out;
    bytes.clear();
    SLUICE_TRY(encode_binary(root, value, bytes));
    try {
      out.push_back(T::from_avro(bytes.data(), bytes.size()));
    } catch (const CodegenError& e) {
      return fail(ErrorCode::kCorrupt, "{}: record {}: {}", path.string(), out.size(), e.what());
    }
  }
}

}  // namespace sluice::avro::gen
