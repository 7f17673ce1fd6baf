// Avro object container files: reading and writing.
//
//   // Write.
//   ContainerWriterOptions opts;
//   opts.codec = Codec::kZstandard;
//   SLUICE_ASSIGN_OR_RETURN(auto writer, ContainerWriter::create("out.avro", schema, opts));
//   for (const Value& v : values) SLUICE_TRY(writer.append(v));
//   SLUICE_TRY(writer.close());
//
//   // Read.
//   SLUICE_ASSIGN_OR_RETURN(auto reader, ContainerReader::open("out.avro"));
//   Arena arena;
//   Value v;
//   for (;;) {
//     SLUICE_ASSIGN_OR_RETURN(bool more, reader.next(v, arena));
//     if (!more) break;
//     ...                                   // v is valid until the next block loads
//   }
//
// File layout (spec "Object Container Files"): "Obj\x01", a metadata map
// (string -> bytes; avro.schema, avro.codec, user keys), a 16-byte sync marker, then
// blocks of: object count (long), byte size (long), the compressed objects, the sync
// marker again.
//
// Hardening: the whole header and every block header is checked against the bytes
// that remain and against DecodeLimits (max_block_bytes for compressed and
// decompressed sizes, max_block_objects for counts); a bad sync marker, truncated
// block, failed decompression, or a block whose objects do not use exactly its bytes
// is kCorrupt/kTruncated and names the block's byte offset. In recovery mode the
// reader skips a damaged block (scanning forward for the next sync marker) and
// counts what was lost in recovery_report().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "avro/arena.h"
#include "avro/codec.h"
#include "avro/limits.h"
#include "avro/schema.h"
#include "avro/value.h"
#include "base/result.h"

namespace sluice::avro {

class ResolutionPlan;

using SyncMarker = std::array<std::uint8_t, 16>;

// One metadata entry of a container header. Values are raw bytes (held in a string).
using MetadataEntry = std::pair<std::string, std::string>;

// ---------------------------------------------------------------------------- sinks

// Where a ContainerWriter puts its bytes.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  // Writes all of `data`; kIo on failure.
  virtual Status write(std::span<const std::uint8_t> data) = 0;
  virtual Status flush() { return ok_status(); }
  virtual Status close() { return flush(); }
};

// A file (owned: opened by open/create, closed by close()) or a borrowed FILE*
// such as stdout (flushed, never closed).
class FileSink : public OutputSink {
 public:
  // Creates or truncates `path`. kIo naming the path when it cannot be opened.
  static Result<std::unique_ptr<FileSink>> create(const std::filesystem::path& path);
  // Opens `path` for writing at its end (must exist). kNotFound/kIo.
  static Result<std::unique_ptr<FileSink>> open_append(const std::filesystem::path& path);
  // Writes to `file` without taking ownership (e.g. stdout).
  static std::unique_ptr<FileSink> borrow(std::FILE* file);
  ~FileSink() override;
  Status write(std::span<const std::uint8_t> data) override;
  Status flush() override;
  Status close() override;

 private:
  FileSink(std::FILE* file, bool owned, std::string name)
      : file_(file), owned_(owned), name_(std::move(name)) {}
  std::FILE* file_;
  bool owned_;
  std::string name_;
};

// Appends to a caller-owned vector, which must outlive the sink.
class VectorSink : public OutputSink {
 public:
  explicit VectorSink(std::vector<std::uint8_t>* out) : out_(out) {}
  Status write(std::span<const std::uint8_t> data) override {
    out_->insert(out_->end(), data.begin(), data.end());
    return ok_status();
  }

 private:
  std::vector<std::uint8_t>* out_;
};

// ---------------------------------------------------------------------------- writer

struct ContainerWriterOptions {
  Codec codec = Codec::kNull;
  // Codec level (see codec_levels()); the codec's default when absent.
  std::optional<int> level;
  // A block is compressed and written once its encoded (uncompressed) objects reach
  // this many bytes. 64 KiB matches the Java and Python writers' defaults' order of
  // magnitude and keeps memory per writer small; raise it for better compression.
  std::size_t block_size_bytes = 64 * 1024;
  // The file's sync marker; random (from std::random_device) when absent.
  std::optional<SyncMarker> sync_marker;
  // User metadata written to the header after avro.schema and avro.codec, in this
  // order. Keys "avro.schema" and "avro.codec" are the writer's (kInvalidArgument).
  std::vector<MetadataEntry> metadata;
  // The avro.schema text; schema->to_json() when absent. Must parse to the same
  // schema (not checked; used to keep a file's original schema text when recoding).
  std::optional<std::string> schema_json;
};

// Options for continuing an existing file: its schema, codec and sync marker are
// kept; only the level and block size of the new blocks can be chosen.
struct AppendOptions {
  std::optional<int> level;
  std::size_t block_size_bytes = 64 * 1024;
};

class ContainerWriter {
 public:
  // Writes the header to `sink`. kInvalidArgument for a reserved metadata key, an
  // invalid level, kAvroCLzma, or block_size_bytes == 0; kIo from the sink.
  static Result<ContainerWriter> make(std::unique_ptr<OutputSink> sink, SchemaPtr schema,
                                      ContainerWriterOptions options = {});
  // Same, creating or truncating the file at `path`.
  static Result<ContainerWriter> create(const std::filesystem::path& path, SchemaPtr schema,
                                        ContainerWriterOptions options = {});
  // Opens an existing container file to add blocks at its end with the same schema,
  // codec and sync marker. Fails with kNotFound/kIo when the file cannot be opened,
  // kCorrupt when its header is bad or it does not end with its sync marker (a
  // partly written block), kUnsupported when its codec cannot be written (lzma).
  static Result<ContainerWriter> open_for_append(const std::filesystem::path& path,
                                                 AppendOptions options = {});

  ContainerWriter(ContainerWriter&&) noexcept;
  ContainerWriter& operator=(ContainerWriter&&) noexcept;
  // Closes the writer if close() was not called (errors are lost: call close()).
  ~ContainerWriter();

  // Encodes `value` (an instance of schema()) into the current block; writes the
  // block when it reaches block_size_bytes. kInvalidData naming the field path when
  // the value does not match (nothing is appended then); kIo from the sink.
  Status append(const Value& value);
  // Appends one already-encoded datum of schema() (not validated).
  Status append_encoded(std::span<const std::uint8_t> datum);
  // append_encoded() of each datum of a back-to-back buffer: datum i is
  // bytes[i == 0 ? begin : ends[i - 1], ends[i]) (`ends` ascending, within `bytes`).
  // Blocks are cut exactly where per-datum appends would cut them. Costs one copy of
  // the bytes (plus compression of each block filled); kIo from the sink (the datums
  // of blocks already written stay written), kInvalidArgument after close().
  Status append_encoded_batch(std::span<const std::uint8_t> bytes, std::size_t begin,
                              std::span<const std::size_t> ends);
  // Writes the current block (if any) and flushes the sink.
  Status flush();
  // flush() and closes the sink. Further calls fail with kInvalidArgument.
  Status close();

  const SchemaPtr& schema() const { return schema_; }
  Codec codec() const { return codec_; }
  const SyncMarker& sync_marker() const { return sync_; }
  // Objects appended so far by this writer; blocks written so far.
  std::uint64_t objects_written() const { return objects_; }
  std::uint64_t blocks_written() const { return blocks_; }

 private:
  ContainerWriter() = default;
  Status write_block();
  Status after_append();

  std::unique_ptr<OutputSink> sink_;
  SchemaPtr schema_;
  Codec codec_ = Codec::kNull;
  std::optional<int> level_;
  std::size_t block_size_ = 64 * 1024;
  SyncMarker sync_{};
  std::vector<std::uint8_t> block_;       // encoded objects of the current block
  std::uint64_t block_count_ = 0;         // objects in block_
  std::vector<std::uint8_t> compressed_;  // scratch
  std::uint64_t objects_ = 0;
  std::uint64_t blocks_ = 0;
  bool closed_ = false;
};

// ---------------------------------------------------------------------------- reader

// Whether a reader stops at the first damaged block or skips it.
enum class Recovery : std::uint8_t { kNo, kYes };

struct ContainerReaderOptions {
  // Decode into this schema's shape through a ResolutionPlan (kIncompatible from
  // open() when it cannot read the file's schema). The writer's schema when null.
  SchemaPtr reader_schema;
  DecodeLimits limits;
  Recovery recovery = Recovery::kNo;
};

// One damaged region skipped in recovery mode.
struct DamagedBlock {
  std::uint64_t offset = 0;                  // byte offset of the damaged block
  std::uint64_t resumed_at = 0;              // where reading resumed (file size if never)
  std::optional<std::uint64_t> records_lost; // absent: unknown (block header unreadable,
                                             // or more than one block was skipped)
  Error error{ErrorCode::kCorrupt, ""};      // what was wrong
};

struct RecoveryReport {
  std::vector<DamagedBlock> damaged;
  std::uint64_t blocks_damaged() const { return damaged.size(); }
  // Records lost in damaged regions whose count is known.
  std::uint64_t records_lost_known() const;
  // True when some region's loss is unknown (records_lost() is then a lower bound).
  bool loss_unknown() const;
  // "2 damaged blocks, 17 records lost" / "... at least 17 records lost (some unknown)".
  std::string to_string() const;
};

class ContainerReader {
 public:
  // Opens a container file (memory-mapped; read into memory when it cannot be
  // mapped). kNotFound/kIo for the file, kCorrupt/kTruncated for a bad header
  // (bad magic, metadata, missing avro.schema), kInvalidSchema for a bad avro.schema,
  // kUnsupported for an unknown codec, kIncompatible for an unusable reader schema.
  static Result<ContainerReader> open(const std::filesystem::path& path,
                                      ContainerReaderOptions options = {});
  // Same for a file already in memory (the reader takes ownership of the bytes).
  static Result<ContainerReader> from_bytes(std::vector<std::uint8_t> bytes,
                                            ContainerReaderOptions options = {});
  // Same for bytes the caller keeps alive for the reader's lifetime (no copy).
  static Result<ContainerReader> from_view(std::span<const std::uint8_t> bytes,
                                           ContainerReaderOptions options = {});

  ContainerReader(ContainerReader&&) noexcept;
  ContainerReader& operator=(ContainerReader&&) noexcept;
  ~ContainerReader();

  // The file's schema, and the shape of decoded values (reader schema or writer's).
  const SchemaPtr& writer_schema() const { return writer_schema_; }
  const SchemaPtr& schema() const { return reader_schema_ ? reader_schema_ : writer_schema_; }
  Codec codec() const { return codec_; }
  const SyncMarker& sync_marker() const { return sync_; }
  // Metadata in file order (avro.schema and avro.codec included), values as bytes.
  const std::vector<MetadataEntry>& metadata() const { return metadata_; }
  // The value of `key`, or nullopt. The view lives as long as the reader.
  std::optional<std::string_view> meta(std::string_view key) const;
  // The avro.schema text exactly as in the file.
  std::string_view schema_json() const { return *meta("avro.schema"); }
  // Byte offset of the first block (the header's size).
  std::uint64_t header_size() const { return header_size_; }
  std::uint64_t file_size() const { return bytes_.size(); }

  // Decodes the next object into `out` (allocating in `arena`). Returns false at the
  // end of the file. Strings and bytes in `out` may point into the reader's current
  // block: they are valid until the next call that loads another block (and until
  // `arena` is reset); deep_copy() them to keep them longer. Errors name the block's
  // byte offset; in recovery mode damaged blocks are skipped instead (see
  // recovery_report()) and only errors that end reading (none so far) are returned.
  Result<bool> next(Value& out, Arena& arena);

  // Decodes up to `max_objects` objects into `out` (cleared first), all from one
  // block, so they share its lifetime. Returns the number read; 0 at the end.
  Result<std::size_t> next_batch(std::vector<Value>& out, Arena& arena,
                                 std::size_t max_objects = 1024);

  // A block's raw (decompressed) objects, for copying data without decoding.
  struct RawBlock {
    std::uint64_t offset = 0;  // byte offset of the block in the file
    std::uint64_t count = 0;   // objects in the block
    std::span<const std::uint8_t> data;  // valid until the next read call
  };
  // Reads the next whole block (skipping objects of the current one not yet read by
  // next()). Returns false at the end. Same errors and recovery as next().
  Result<bool> next_raw_block(RawBlock& out);

  // Blocks fully loaded so far and the damage seen (recovery mode).
  std::uint64_t blocks_read() const { return blocks_read_; }
  // Byte offset in the file of the block the last object came from.
  std::uint64_t block_offset() const { return block_offset_; }
  const RecoveryReport& recovery_report() const { return report_; }

 private:
  ContainerReader() = default;
  static Result<ContainerReader> finish_open(ContainerReader reader,
                                             ContainerReaderOptions options);
  Status parse_header();
  // Loads the block at pos_ into data_/remaining_. Returns false at the end.
  Result<bool> load_block();
  struct BlockProbe;
  Status load_block_at(std::uint64_t offset, BlockProbe& probe);
  // Decodes one object of the current block; false when it has none left.
  Result<bool> decode_current(Value& out, Arena& arena);
  std::optional<std::uint64_t> find_sync(std::uint64_t from) const;
  bool valid_block_at(std::uint64_t offset) const;

  // File bytes: a memory mapping, an owned vector, or a borrowed view.
  struct Mapping;
  std::unique_ptr<Mapping> mapping_;
  std::vector<std::uint8_t> owned_;
  std::span<const std::uint8_t> bytes_;

  SchemaPtr writer_schema_;
  SchemaPtr reader_schema_;
  std::shared_ptr<const ResolutionPlan> plan_;
  Codec codec_ = Codec::kNull;
  SyncMarker sync_{};
  std::vector<MetadataEntry> metadata_;
  std::uint64_t header_size_ = 0;
  DecodeLimits limits_;
  Recovery recovery_ = Recovery::kNo;

  std::uint64_t pos_ = 0;  // file offset of the next block
  // The current block.
  std::uint64_t block_offset_ = 0;
  std::uint64_t block_remaining_ = 0;  // objects not yet decoded
  std::uint64_t block_data_offset_ = 0;  // file offset of the (compressed) data
  std::span<const std::uint8_t> block_data_;  // decompressed objects
  std::size_t block_cursor_ = 0;              // read position in block_data_
  std::vector<std::uint8_t> decompressed_;
  std::uint64_t blocks_read_ = 0;
  bool failed_ = false;  // a strict-mode error ended reading
  RecoveryReport report_;
};

}  // namespace sluice::avro
