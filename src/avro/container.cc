#include "avro/container.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "avro/binary.h"
#include "avro/internal/varint.h"
#include "avro/resolution.h"

namespace sluice::avro {
namespace {

constexpr std::uint8_t kMagic[4] = {'O', 'b', 'j', 1};

Error io_error(std::string_view what, const std::string& name, int err) {
  ErrorCode code = err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo;
  return Error(code, fmt::format("{} {}: {}", what, name, std::strerror(err)));
}

Error block_error(ErrorCode code, std::uint64_t offset, std::string_view message) {
  return Error(code, fmt::format("block at byte {}: {}", offset, message)).at_offset(offset);
}

void put_string(std::vector<std::uint8_t>& out, std::string_view s) {
  internal::write_long(out, static_cast<std::int64_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

SyncMarker random_sync() {
  SyncMarker sync;
  std::random_device rd;
  for (std::size_t i = 0; i < sync.size(); i += 4) {
    std::uint32_t r = rd();
    std::memcpy(sync.data() + i, &r, 4);
  }
  return sync;
}

}  // namespace

// ============================================================================ sinks

Result<std::unique_ptr<FileSink>> FileSink::create(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return fail(io_error("cannot create", path.string(), errno));
  return std::unique_ptr<FileSink>(new FileSink(f, true, path.string()));
}

Result<std::unique_ptr<FileSink>> FileSink::open_append(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  if (f == nullptr) return fail(io_error("cannot open for append", path.string(), errno));
  if (std::fseek(f, 0, SEEK_END) != 0) {
    int err = errno;
    std::fclose(f);
    return fail(io_error("cannot seek", path.string(), err));
  }
  return std::unique_ptr<FileSink>(new FileSink(f, true, path.string()));
}

std::unique_ptr<FileSink> FileSink::borrow(std::FILE* file) {
  return std::unique_ptr<FileSink>(new FileSink(file, false, "<stream>"));
}

FileSink::~FileSink() {
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

Status FileSink::write(std::span<const std::uint8_t> data) {
  if (file_ == nullptr) return fail(ErrorCode::kIo, "write to closed file {}", name_);
  if (data.empty()) return ok_status();
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    return fail(io_error("cannot write", name_, errno));
  }
  return ok_status();
}

Status FileSink::flush() {
  if (file_ != nullptr && std::fflush(file_) != 0) {
    return fail(io_error("cannot flush", name_, errno));
  }
  return ok_status();
}

Status FileSink::close() {
  SLUICE_TRY(flush());
  if (owned_ && file_ != nullptr) {
    int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) return fail(io_error("cannot close", name_, errno));
  }
  return ok_status();
}

// ============================================================================ writer

ContainerWriter::ContainerWriter(ContainerWriter&&) noexcept = default;
ContainerWriter& ContainerWriter::operator=(ContainerWriter&& other) noexcept {
  if (this != &other) {
    if (sink_ && !closed_) (void)close();
    sink_ = std::move(other.sink_);
    schema_ = std::move(other.schema_);
    codec_ = other.codec_;
    level_ = other.level_;
    block_size_ = other.block_size_;
    sync_ = other.sync_;
    block_ = std::move(other.block_);
    block_count_ = other.block_count_;
    compressed_ = std::move(other.compressed_);
    objects_ = other.objects_;
    blocks_ = other.blocks_;
    closed_ = other.closed_;
  }
  return *this;
}

ContainerWriter::~ContainerWriter() {
  if (sink_ && !closed_) (void)close();
}

static Status check_writable(Codec codec, std::optional<int> level, std::size_t block_size) {
  if (codec == Codec::kAvroCLzma) {
    return fail(ErrorCode::kUnsupported,
                "writing avro-c's non-standard \"lzma\" codec is not supported; use xz");
  }
  CodecLevels levels = codec_levels(codec);
  if (level && levels.has_levels && (*level < levels.min || *level > levels.max)) {
    return fail(ErrorCode::kInvalidArgument, "{} level {} is outside {}..{}", codec_name(codec),
                *level, levels.min, levels.max);
  }
  if (block_size == 0) return fail(ErrorCode::kInvalidArgument, "block size must be positive");
  return ok_status();
}

Result<ContainerWriter> ContainerWriter::make(std::unique_ptr<OutputSink> sink, SchemaPtr schema,
                                              ContainerWriterOptions options) {
  if (!sink || !schema) return fail(ErrorCode::kInvalidArgument, "no sink or no schema");
  SLUICE_TRY(check_writable(options.codec, options.level, options.block_size_bytes));
  for (const auto& [key, value] : options.metadata) {
    if (key == "avro.schema" || key == "avro.codec") {
      return fail(ErrorCode::kInvalidArgument, "metadata key \"{}\" is set by the writer", key);
    }
  }
  ContainerWriter w;
  w.sink_ = std::move(sink);
  w.schema_ = std::move(schema);
  w.codec_ = options.codec;
  w.level_ = options.level;
  w.block_size_ = options.block_size_bytes;
  w.sync_ = options.sync_marker ? *options.sync_marker : random_sync();

  std::vector<std::uint8_t> header(kMagic, kMagic + 4);
  internal::write_long(header, static_cast<std::int64_t>(2 + options.metadata.size()));
  put_string(header, "avro.schema");
  put_string(header, options.schema_json ? *options.schema_json : w.schema_->to_json());
  put_string(header, "avro.codec");
  put_string(header, codec_name(w.codec_));
  for (const auto& [key, value] : options.metadata) {
    put_string(header, key);
    put_string(header, value);
  }
  internal::write_long(header, 0);
  header.insert(header.end(), w.sync_.begin(), w.sync_.end());
  SLUICE_TRY(w.sink_->write(header));
  w.block_.reserve(std::min<std::size_t>(w.block_size_ + w.block_size_ / 4, 64 << 20));
  return w;
}

Result<ContainerWriter> ContainerWriter::create(const std::filesystem::path& path,
                                                SchemaPtr schema, ContainerWriterOptions options) {
  SLUICE_TRY(check_writable(options.codec, options.level, options.block_size_bytes));
  SLUICE_ASSIGN_OR_RETURN(auto sink, FileSink::create(path));
  return make(std::move(sink), std::move(schema), std::move(options));
}

Result<ContainerWriter> ContainerWriter::open_for_append(const std::filesystem::path& path,
                                                         AppendOptions options) {
  SyncMarker sync;
  SchemaPtr schema;
  Codec codec;
  {
    SLUICE_ASSIGN_OR_RETURN(ContainerReader reader, ContainerReader::open(path));
    if (reader.file_size() > reader.header_size()) {
      std::uint64_t size = reader.file_size();
      // Only whole blocks may precede the new ones: the file must end with its marker.
      if (size - reader.header_size() < 16) {
        return fail(ErrorCode::kCorrupt, "{} ends inside its first block", path.string());
      }
    }
    sync = reader.sync_marker();
    schema = reader.writer_schema();
    codec = reader.codec();
    SLUICE_TRY(check_writable(codec, options.level, options.block_size_bytes));
    // Check the last 16 bytes through a fresh read of the tail.
    if (reader.file_size() > reader.header_size()) {
      std::FILE* f = std::fopen(path.c_str(), "rb");
      if (f == nullptr) return fail(io_error("cannot open", path.string(), errno));
      SyncMarker tail{};
      bool ok = std::fseek(f, -16, SEEK_END) == 0 && std::fread(tail.data(), 1, 16, f) == 16;
      std::fclose(f);
      if (!ok || tail != sync) {
        return fail(Error(ErrorCode::kCorrupt,
                          fmt::format("{} does not end with its sync marker (a partly written "
                                      "block?); cannot append",
                                      path.string()))
                        .at_offset(reader.file_size() - 16));
      }
    }
  }
  SLUICE_ASSIGN_OR_RETURN(auto sink, FileSink::open_append(path));
  ContainerWriter w;
  w.sink_ = std::move(sink);
  w.schema_ = std::move(schema);
  w.codec_ = codec;
  w.level_ = options.level;
  w.block_size_ = options.block_size_bytes;
  w.sync_ = sync;
  return w;
}

Status ContainerWriter::after_append() {
  ++block_count_;
  ++objects_;
  if (block_.size() >= block_size_) return write_block();
  return ok_status();
}

Status ContainerWriter::append(const Value& value) {
  if (closed_ || !sink_) return fail(ErrorCode::kInvalidArgument, "append to a closed writer");
  std::size_t old = block_.size();
  Status s = encode_binary(schema_->root(), value, block_);
  if (!s) {
    block_.resize(old);
    return s;
  }
  return after_append();
}

Status ContainerWriter::append_encoded(std::span<const std::uint8_t> datum) {
  if (closed_ || !sink_) return fail(ErrorCode::kInvalidArgument, "append to a closed writer");
  block_.insert(block_.end(), datum.begin(), datum.end());
  return after_append();
}

Status ContainerWriter::append_encoded_batch(std::span<const std::uint8_t> bytes,
                                             std::size_t begin,
                                             std::span<const std::size_t> ends) {
  if (closed_ || !sink_) return fail(ErrorCode::kInvalidArgument, "append to a closed writer");
  std::size_t i = 0;
  std::size_t start = begin;
  while (i < ends.size()) {
    // Per-datum appends write the block after the first datum that brings it to
    // block_size_: that datum is the first whose end reaches `limit`.
    const std::size_t room = block_.size() < block_size_ ? block_size_ - block_.size() : 0;
    const std::size_t limit = room > bytes.size() - start ? bytes.size() + 1 : start + room;
    const auto rest = ends.subspan(i);
    const std::size_t fill = static_cast<std::size_t>(
        std::lower_bound(rest.begin(), rest.end(), limit) - rest.begin());
    const std::size_t stop = fill < rest.size() ? i + fill + 1 : ends.size();
    const std::size_t end = ends[stop - 1];
    block_.insert(block_.end(), bytes.data() + start, bytes.data() + end);
    block_count_ += stop - i;
    objects_ += stop - i;
    start = end;
    i = stop;
    if (block_.size() >= block_size_) SLUICE_TRY(write_block());
  }
  return ok_status();
}

Status ContainerWriter::write_block() {
  if (block_count_ == 0) return ok_status();
  std::span<const std::uint8_t> data = block_;
  if (codec_ != Codec::kNull) {
    compressed_.clear();
    SLUICE_TRY(compress(codec_, block_, compressed_, level_));
    data = compressed_;
  }
  std::uint8_t header[20];
  std::uint8_t* p = internal::write_long(header, static_cast<std::int64_t>(block_count_));
  p = internal::write_long(p, static_cast<std::int64_t>(data.size()));
  SLUICE_TRY(sink_->write({header, static_cast<std::size_t>(p - header)}));
  SLUICE_TRY(sink_->write(data));
  SLUICE_TRY(sink_->write(sync_));
  block_.clear();
  block_count_ = 0;
  ++blocks_;
  return ok_status();
}

Status ContainerWriter::flush() {
  if (closed_ || !sink_) return fail(ErrorCode::kInvalidArgument, "flush of a closed writer");
  SLUICE_TRY(write_block());
  return sink_->flush();
}

Status ContainerWriter::close() {
  if (closed_ || !sink_) return fail(ErrorCode::kInvalidArgument, "writer already closed");
  closed_ = true;
  Status s = write_block();
  Status c = sink_->close();
  SLUICE_TRY(s);
  return c;
}

// ============================================================================ reader

struct ContainerReader::Mapping {
  void* addr = nullptr;
  std::size_t size = 0;
  ~Mapping() {
    if (addr != nullptr) munmap(addr, size);
  }
};

struct ContainerReader::BlockProbe {
  bool header_ok = false;  // count and size were readable and within limits
  std::uint64_t count = 0;
  std::uint64_t data_offset = 0;
  std::uint64_t data_end = 0;  // where the sync marker should be
  bool sync_ok = false;
};

ContainerReader::ContainerReader(ContainerReader&&) noexcept = default;
ContainerReader& ContainerReader::operator=(ContainerReader&&) noexcept = default;
ContainerReader::~ContainerReader() = default;

std::uint64_t RecoveryReport::records_lost_known() const {
  std::uint64_t n = 0;
  for (const auto& d : damaged) n += d.records_lost.value_or(0);
  return n;
}

bool RecoveryReport::loss_unknown() const {
  return std::any_of(damaged.begin(), damaged.end(),
                     [](const DamagedBlock& d) { return !d.records_lost.has_value(); });
}

std::string RecoveryReport::to_string() const {
  if (damaged.empty()) return "no damaged blocks";
  return fmt::format("{} damaged block{}, {}{} record{} lost{}", damaged.size(),
                     damaged.size() == 1 ? "" : "s", loss_unknown() ? "at least " : "",
                     records_lost_known(), records_lost_known() == 1 ? "" : "s",
                     loss_unknown() ? " (some counts unknown)" : "");
}

Result<ContainerReader> ContainerReader::open(const std::filesystem::path& path,
                                              ContainerReaderOptions options) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(io_error("cannot open", path.string(), errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return fail(io_error("cannot stat", path.string(), err));
  }
  ContainerReader reader;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    void* addr = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr != MAP_FAILED) {
      reader.mapping_ = std::make_unique<Mapping>();
      reader.mapping_->addr = addr;
      reader.mapping_->size = static_cast<std::size_t>(st.st_size);
      reader.bytes_ = {static_cast<const std::uint8_t*>(addr), reader.mapping_->size};
    }
  }
  if (!reader.mapping_) {
    // Not mappable (a pipe, /dev/stdin, an empty file): read it all.
    std::uint8_t buf[1 << 16];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int err = errno;
        ::close(fd);
        return fail(io_error("cannot read", path.string(), err));
      }
      if (n == 0) break;
      reader.owned_.insert(reader.owned_.end(), buf, buf + n);
    }
    reader.bytes_ = reader.owned_;
  }
  ::close(fd);
  return finish_open(std::move(reader), std::move(options));
}

Result<ContainerReader> ContainerReader::from_bytes(std::vector<std::uint8_t> bytes,
                                                    ContainerReaderOptions options) {
  ContainerReader reader;
  reader.owned_ = std::move(bytes);
  reader.bytes_ = reader.owned_;
  return finish_open(std::move(reader), std::move(options));
}

Result<ContainerReader> ContainerReader::from_view(std::span<const std::uint8_t> bytes,
                                                   ContainerReaderOptions options) {
  ContainerReader reader;
  reader.bytes_ = bytes;
  return finish_open(std::move(reader), std::move(options));
}

Result<ContainerReader> ContainerReader::finish_open(ContainerReader reader,
                                                     ContainerReaderOptions options) {
  reader.limits_ = options.limits;
  reader.recovery_ = options.recovery;
  SLUICE_TRY(reader.parse_header());
  if (options.reader_schema) {
    SLUICE_ASSIGN_OR_RETURN(reader.plan_,
                            ResolutionPlan::compile(reader.writer_schema_, options.reader_schema));
    reader.reader_schema_ = std::move(options.reader_schema);
  }
  reader.pos_ = reader.header_size_;
  return reader;
}

std::optional<std::string_view> ContainerReader::meta(std::string_view key) const {
  for (const auto& [k, v] : metadata_) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

Status ContainerReader::parse_header() {
  const std::uint8_t* begin = bytes_.data();
  const std::uint8_t* end = begin + bytes_.size();
  const std::uint8_t* p = begin;
  auto offset = [&] { return static_cast<std::uint64_t>(p - begin); };
  auto truncated = [&](std::string_view what) {
    return fail(Error(ErrorCode::kTruncated,
                      fmt::format("container header is truncated: file ends in the {}", what))
                    .at_offset(offset()));
  };
  if (bytes_.size() < 4) {
    if (bytes_.empty() || std::memcmp(begin, kMagic, bytes_.size()) == 0) {
      return truncated("magic");
    }
    return fail(Error(ErrorCode::kCorrupt, "not an Avro object container file (bad magic)")
                    .at_offset(0));
  }
  if (std::memcmp(begin, kMagic, 4) != 0) {
    return fail(Error(ErrorCode::kCorrupt, "not an Avro object container file (bad magic)")
                    .at_offset(0));
  }
  p += 4;
  for (;;) {
    std::int64_t count;
    if (!internal::read_long(p, end, count)) return truncated("metadata map");
    if (count == 0) break;
    if (count < 0) {
      if (count == INT64_MIN) {
        return fail(Error(ErrorCode::kCorrupt, "bad metadata block count").at_offset(offset()));
      }
      count = -count;
      std::int64_t block_bytes;
      if (!internal::read_long(p, end, block_bytes)) return truncated("metadata map");
    }
    // Each entry takes at least two bytes (two empty strings).
    if (static_cast<std::uint64_t>(count) > static_cast<std::uint64_t>(end - p) / 2) {
      return fail(Error(ErrorCode::kCorrupt,
                        fmt::format("metadata block of {} entries is larger than the file", count))
                      .at_offset(offset()));
    }
    for (std::int64_t i = 0; i < count; ++i) {
      std::string parts[2];
      for (auto& part : parts) {
        std::int64_t len;
        std::uint64_t at = offset();
        if (!internal::read_long(p, end, len)) return truncated("metadata map");
        if (len < 0) {
          return fail(Error(ErrorCode::kCorrupt, fmt::format("negative metadata length {}", len))
                          .at_offset(at));
        }
        if (static_cast<std::uint64_t>(len) > static_cast<std::uint64_t>(end - p)) {
          return truncated("metadata map");
        }
        part.assign(reinterpret_cast<const char*>(p), static_cast<std::size_t>(len));
        p += len;
      }
      metadata_.emplace_back(std::move(parts[0]), std::move(parts[1]));
    }
  }
  if (end - p < 16) return truncated("sync marker");
  std::memcpy(sync_.data(), p, 16);
  p += 16;
  header_size_ = offset();

  auto schema_text = meta("avro.schema");
  if (!schema_text) {
    return fail(Error(ErrorCode::kCorrupt, "container header has no avro.schema").at_offset(4));
  }
  if (auto codec_text = meta("avro.codec")) {
    auto codec = parse_codec(*codec_text);
    if (!codec) return fail(Error(ErrorCode::kUnsupported, "avro.codec: " + codec.error().message()));
    codec_ = *codec;
  }
  ParseOptions parse_options;
  parse_options.validate_defaults = false;  // a data file is read even if its defaults are bad
  auto schema = Schema::parse(*schema_text, parse_options);
  if (!schema) {
    return fail(Error(schema.error().code(), "avro.schema: " + schema.error().to_string()));
  }
  writer_schema_ = std::move(*schema);
  return ok_status();
}

// Reads and checks the block at `offset`: header, size, sync marker, decompression.
// Fills `probe` as far as it got, so recovery can decide where to resume.
Status ContainerReader::load_block_at(std::uint64_t offset, BlockProbe& probe) {
  const std::uint8_t* begin = bytes_.data();
  const std::uint8_t* end = begin + bytes_.size();
  const std::uint8_t* p = begin + offset;
  std::int64_t count, size;
  if (!internal::read_long(p, end, count)) {
    return fail(block_error(p >= end ? ErrorCode::kTruncated : ErrorCode::kCorrupt, offset,
                            "unreadable object count"));
  }
  if (count < 0) {
    return fail(block_error(ErrorCode::kCorrupt, offset, fmt::format("negative object count {}", count)));
  }
  if (static_cast<std::uint64_t>(count) > limits_.max_block_objects) {
    return fail(block_error(ErrorCode::kLimitExceeded, offset,
                            fmt::format("{} objects exceed the limit of {}", count,
                                        limits_.max_block_objects)));
  }
  if (!internal::read_long(p, end, size)) {
    return fail(block_error(p >= end ? ErrorCode::kTruncated : ErrorCode::kCorrupt, offset,
                            "unreadable byte size"));
  }
  if (size < 0) {
    return fail(block_error(ErrorCode::kCorrupt, offset, fmt::format("negative byte size {}", size)));
  }
  if (static_cast<std::uint64_t>(size) > limits_.max_block_bytes) {
    return fail(block_error(ErrorCode::kLimitExceeded, offset,
                            fmt::format("{} bytes exceed the block limit of {}", size,
                                        limits_.max_block_bytes)));
  }
  probe.header_ok = true;
  probe.count = static_cast<std::uint64_t>(count);
  probe.data_offset = static_cast<std::uint64_t>(p - begin);
  probe.data_end = probe.data_offset + static_cast<std::uint64_t>(size);
  std::uint64_t remaining = static_cast<std::uint64_t>(end - p);
  if (static_cast<std::uint64_t>(size) > remaining) {
    return fail(block_error(ErrorCode::kTruncated, offset,
                            fmt::format("block declares {} bytes but only {} remain", size,
                                        remaining)));
  }
  if (remaining - static_cast<std::uint64_t>(size) < 16) {
    return fail(block_error(ErrorCode::kTruncated, offset, "file ends before the sync marker"));
  }
  const std::uint8_t* sync_at = begin + probe.data_end;
  if (std::memcmp(sync_at, sync_.data(), 16) != 0) {
    return fail(block_error(ErrorCode::kCorrupt, offset,
                            fmt::format("sync marker mismatch at byte {}", probe.data_end)));
  }
  probe.sync_ok = true;
  std::span<const std::uint8_t> data(p, static_cast<std::size_t>(size));
  if (codec_ == Codec::kNull) {
    block_data_ = data;
  } else {
    Status s = decompress(codec_, data, decompressed_, limits_.max_block_bytes);
    if (!s) {
      return fail(block_error(s.error().code(), offset,
                              fmt::format("{}: {}", codec_name(codec_), s.error().message())));
    }
    block_data_ = decompressed_;
  }
  if (count == 0 && !block_data_.empty()) {
    return fail(block_error(ErrorCode::kCorrupt, offset,
                            fmt::format("block of 0 objects holds {} bytes", block_data_.size())));
  }
  return ok_status();
}

std::optional<std::uint64_t> ContainerReader::find_sync(std::uint64_t from) const {
  if (from >= bytes_.size()) return std::nullopt;
  const void* hit = memmem(bytes_.data() + from, bytes_.size() - from, sync_.data(), 16);
  if (hit == nullptr) return std::nullopt;
  return static_cast<std::uint64_t>(static_cast<const std::uint8_t*>(hit) - bytes_.data());
}

// True when a block with a matching sync marker starts at `offset` (or it is the end).
bool ContainerReader::valid_block_at(std::uint64_t offset) const {
  if (offset == bytes_.size()) return true;
  if (offset > bytes_.size()) return false;
  const std::uint8_t* begin = bytes_.data();
  const std::uint8_t* end = begin + bytes_.size();
  const std::uint8_t* p = begin + offset;
  std::int64_t count, size;
  if (!internal::read_long(p, end, count) || count < 0 ||
      static_cast<std::uint64_t>(count) > limits_.max_block_objects) {
    return false;
  }
  if (!internal::read_long(p, end, size) || size < 0) return false;
  std::uint64_t remaining = static_cast<std::uint64_t>(end - p);
  if (static_cast<std::uint64_t>(size) > remaining ||
      remaining - static_cast<std::uint64_t>(size) < 16) {
    return false;
  }
  return std::memcmp(p + size, sync_.data(), 16) == 0;
}

Result<bool> ContainerReader::load_block() {
  if (failed_) {
    return fail(ErrorCode::kCorrupt,
                "reading stopped at a damaged block (open with Recovery::kYes to skip it)");
  }
  for (;;) {
    block_remaining_ = 0;
    block_data_ = {};
    block_cursor_ = 0;
    if (pos_ >= bytes_.size()) return false;
    BlockProbe probe;
    std::uint64_t offset = pos_;
    Status s = load_block_at(offset, probe);
    if (s) {
      block_offset_ = offset;
      block_data_offset_ = probe.data_offset;
      block_remaining_ = probe.count;
      pos_ = probe.data_end + 16;
      ++blocks_read_;
      return true;
    }
    if (recovery_ == Recovery::kNo) {
      failed_ = true;
      return fail(std::move(s).error());
    }
    // Recovery: decide where the next good block starts and what was lost.
    DamagedBlock damage;
    damage.offset = offset;
    damage.error = std::move(s).error();
    std::uint64_t size = bytes_.size();
    if (probe.sync_ok) {
      // Header and marker are fine; only the data is bad.
      damage.records_lost = probe.count;
      pos_ = probe.data_end + 16;
    } else if (probe.header_ok && probe.data_end + 16 <= size &&
               valid_block_at(probe.data_end + 16)) {
      // Only the marker itself was damaged: the next block follows where it should.
      damage.records_lost = probe.count;
      pos_ = probe.data_end + 16;
    } else if (auto hit = find_sync(offset + 1)) {
      pos_ = *hit + 16;
      // No sync marker lies between the block start and `hit`, so when the header
      // claims an end beyond `hit` (its size is damaged) the region holds only this
      // block; otherwise a damaged marker may have hidden more blocks.
      if (probe.header_ok && probe.data_end > *hit) damage.records_lost = probe.count;
    } else {
      pos_ = size;
      if (probe.header_ok) damage.records_lost = probe.count;
    }
    damage.resumed_at = pos_;
    report_.damaged.push_back(std::move(damage));
  }
}

Result<bool> ContainerReader::decode_current(Value& out, Arena& arena) {
  while (block_remaining_ > 0) {
    {
      BinaryReader in(block_data_.subspan(block_cursor_), block_cursor_);
      auto value = plan_ ? plan_->decode(in, arena, limits_)
                         : decode_binary(writer_schema_->root(), in, arena, limits_);
      if (!value) {
        Error e(value.error().code(),
                fmt::format("block at byte {}: {} (within the block's {} data)", block_offset_,
                            value.error().to_string(),
                            codec_ == Codec::kNull ? "raw" : "decompressed"));
        e.at_offset(block_offset_);
        if (recovery_ == Recovery::kNo) {
          failed_ = true;
          block_remaining_ = 0;
          return fail(std::move(e));
        }
        DamagedBlock damage;
        damage.offset = block_offset_;
        damage.resumed_at = pos_;
        damage.records_lost = block_remaining_;
        damage.error = std::move(e);
        report_.damaged.push_back(std::move(damage));
        block_remaining_ = 0;
        continue;
      }
      block_cursor_ = static_cast<std::size_t>(in.pos() - block_data_.data());
      --block_remaining_;
      if (block_remaining_ == 0 && block_cursor_ != block_data_.size()) {
        Error e(ErrorCode::kCorrupt,
                fmt::format("block at byte {}: {} bytes left after its last object",
                            block_offset_, block_data_.size() - block_cursor_));
        e.at_offset(block_offset_);
        if (recovery_ == Recovery::kNo) {
          failed_ = true;
          return fail(std::move(e));
        }
        DamagedBlock damage;
        damage.offset = block_offset_;
        damage.resumed_at = pos_;
        damage.records_lost = 0;
        damage.error = std::move(e);
        report_.damaged.push_back(std::move(damage));
      }
      out = *value;
      return true;
    }
  }
  return false;
}

Result<bool> ContainerReader::next(Value& out, Arena& arena) {
  for (;;) {
    SLUICE_ASSIGN_OR_RETURN(bool got, decode_current(out, arena));
    if (got) return true;
    SLUICE_ASSIGN_OR_RETURN(bool loaded, load_block());
    if (!loaded) return false;
  }
}

Result<std::size_t> ContainerReader::next_batch(std::vector<Value>& out, Arena& arena,
                                                std::size_t max_objects) {
  out.clear();
  if (max_objects == 0) return std::size_t{0};
  Value v;
  SLUICE_ASSIGN_OR_RETURN(bool first, next(v, arena));
  if (!first) return std::size_t{0};
  out.push_back(v);
  while (out.size() < max_objects) {
    SLUICE_ASSIGN_OR_RETURN(bool more, decode_current(v, arena));
    if (!more) break;
    out.push_back(v);
  }
  return out.size();
}

Result<bool> ContainerReader::next_raw_block(RawBlock& out) {
  SLUICE_ASSIGN_OR_RETURN(bool loaded, load_block());
  if (!loaded) return false;
  out.offset = block_offset_;
  out.count = block_remaining_;
  out.data = block_data_;
  block_remaining_ = 0;
  return true;
}

}  // namespace sluice::avro
