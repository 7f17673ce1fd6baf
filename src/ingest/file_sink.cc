// open_file_sink(): one folder per stream, Avro container part files completed
// atomically.
//
// A part is written as `.part-<seq>.avro.tmp` (created with O_EXCL), then closed,
// fsynced and renamed to `part-<seq>.avro` with RENAME_NOREPLACE, and the folder is
// fsynced, so a reader (or a crash) never sees a half file and a completed file is
// never overwritten, not even by a concurrent run (the sequence number moves on when a
// name is taken). make_durable() completes the open parts: everything written before
// it is in complete, fsynced files, which is what lets a Kafka source commit its
// offsets afterwards. A sink destroyed without close() (a failed run) removes its
// temporary files; completed parts stay.
#include "avro/container.h"
#include "ingest/event_sink.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <stdio.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace sluice::ingest {
namespace {

namespace fs = std::filesystem;

std::string errno_text(int err) {
  return std::strerror(err);
}

// Writes to a file descriptor the sink owns (the ContainerWriter only borrows it).
class FdOutput : public avro::OutputSink {
 public:
  FdOutput(int fd, const std::string* path) : fd_(fd), path_(path) {}
  Status write(std::span<const std::uint8_t> data) override {
    const std::uint8_t* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return fail(ErrorCode::kIo, "{}: write failed: {}", *path_, errno_text(errno));
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    return ok_status();
  }

 private:
  int fd_;
  const std::string* path_;
};

// The sequence number of "part-<digits>.avro" or ".part-<digits>.avro.tmp", or -1.
std::int64_t part_sequence(std::string_view name) {
  std::string_view digits;
  if (name.starts_with("part-") && name.ends_with(".avro")) {
    digits = name.substr(5, name.size() - 5 - 5);
  } else if (name.starts_with(".part-") && name.ends_with(".avro.tmp")) {
    digits = name.substr(6, name.size() - 6 - 9);
  } else {
    return -1;
  }
  if (digits.empty() || digits.size() > 15)
    return -1;
  std::int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

struct Stream {
  std::string name;
  avro::SchemaPtr schema;
  std::string dir;
  int dir_fd = -1;
  std::uint64_t next_seq = 0;
  // The open part.
  std::optional<avro::ContainerWriter> writer;
  int fd = -1;
  std::string tmp_path;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
};

class FileEventSink : public EventSink {
 public:
  FileEventSink(std::string dir, FileSinkOptions options)
      : dir_(std::move(dir)), options_(options) {}

  ~FileEventSink() override {
    for (auto& s : streams_) {
      if (s->fd >= 0) {
        s->writer.reset();
        ::close(s->fd);
        ::unlink(s->tmp_path.c_str());
      }
      if (s->dir_fd >= 0)
        ::close(s->dir_fd);
    }
  }

  Status add_stream(std::string_view stream, const avro::SchemaPtr& schema) override {
    if (find(stream) != nullptr) {
      return fail(ErrorCode::kInvalidArgument, "stream {} declared twice", stream);
    }
    if (stream.empty() || stream == "." || stream == ".." ||
        stream.find('/') != std::string_view::npos) {
      return fail(ErrorCode::kInvalidArgument, "stream name '{}' cannot be a folder name", stream);
    }
    auto owned = std::make_unique<Stream>();
    Stream& s = *owned;
    s.name = std::string(stream);
    s.schema = schema;
    s.dir = (fs::path(dir_) / s.name).string();
    std::error_code ec;
    fs::create_directories(s.dir, ec);
    if (ec)
      return fail(ErrorCode::kIo, "{}: cannot create folder: {}", s.dir, ec.message());
    s.dir_fd = ::open(s.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s.dir_fd < 0) {
      return fail(ErrorCode::kIo, "{}: cannot open folder: {}", s.dir, errno_text(errno));
    }
    if (::access(s.dir.c_str(), W_OK) != 0) {
      int err = errno;
      ::close(s.dir_fd);
      s.dir_fd = -1;
      return fail(ErrorCode::kIo, "{}: not writable: {}", s.dir, errno_text(err));
    }
    // Continue after the parts already there (complete or left over by a crash).
    for (const auto& entry : fs::directory_iterator(s.dir, ec)) {
      std::int64_t seq = part_sequence(entry.path().filename().string());
      if (seq >= 0 && static_cast<std::uint64_t>(seq) + 1 > s.next_seq) {
        s.next_seq = static_cast<std::uint64_t>(seq) + 1;
      }
    }
    if (ec)
      return fail(ErrorCode::kIo, "{}: cannot list folder: {}", s.dir, ec.message());
    streams_.push_back(std::move(owned));
    last_ = nullptr;
    return ok_status();
  }

  Status write(std::string_view stream, std::int64_t key,
               std::span<const std::uint8_t> datum) override {
    const std::size_t end = datum.size();
    return write_batch(stream, DatumBatch{datum, {&end, 1}, {&key, 1}});
  }

  Status write_batch(std::string_view stream, const DatumBatch& batch) override {
    Stream* s = last_;
    if (s == nullptr || s->name != stream) {
      s = find(stream);
      if (s == nullptr)
        return fail(ErrorCode::kInvalidArgument, "unknown stream {}", stream);
      last_ = s;
    }
    // Runs of datums that stay in one part go to the writer in one call; a part rolls
    // after the first datum that brings it to roll_records or roll_bytes, as if the
    // datums were written one by one.
    const std::span<const std::size_t> ends = batch.ends;
    std::size_t i = 0;
    std::size_t start = 0;
    while (i < ends.size()) {
      if (!s->writer)
        SLUICE_TRY(open_part(*s));
      std::size_t stop = ends.size();
      if (s->records >= options_.roll_records) {
        stop = i + 1;
      } else if (options_.roll_records - s->records < stop - i) {
        stop = i + static_cast<std::size_t>(options_.roll_records - s->records);
      }
      const std::uint64_t room = s->bytes < options_.roll_bytes ? options_.roll_bytes - s->bytes : 0;
      if (room <= batch.bytes.size() - start) {
        const std::size_t limit = start + static_cast<std::size_t>(room);
        const std::size_t reach = static_cast<std::size_t>(
            std::lower_bound(ends.begin() + i, ends.begin() + stop, limit) - ends.begin());
        if (reach < stop)
          stop = reach + 1;
      }
      SLUICE_TRY(s->writer->append_encoded_batch(batch.bytes, start, ends.subspan(i, stop - i)));
      s->records += stop - i;
      s->bytes += ends[stop - 1] - start;
      start = ends[stop - 1];
      i = stop;
      if (s->records >= options_.roll_records || s->bytes >= options_.roll_bytes) {
        SLUICE_TRY(complete_part(*s));
      }
    }
    return ok_status();
  }

  Status make_durable() override {
    for (auto& s : streams_) {
      if (s->writer)
        SLUICE_TRY(complete_part(*s));
    }
    return ok_status();
  }

  Status close() override { return make_durable(); }

 private:
  Stream* find(std::string_view name) {
    for (auto& s : streams_) {
      if (s->name == name)
        return s.get();
    }
    return nullptr;
  }

  std::string part_name(std::uint64_t seq) const { return fmt::format("part-{:05}.avro", seq); }

  Status open_part(Stream& s) {
    for (;;) {
      s.tmp_path = fmt::format("{}/.part-{:05}.avro.tmp", s.dir, s.next_seq);
      s.fd = ::open(s.tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (s.fd >= 0)
        break;
      if (errno == EEXIST) {  // another run's part: take the next number
        ++s.next_seq;
        continue;
      }
      return fail(ErrorCode::kIo, "{}: cannot create: {}", s.tmp_path, errno_text(errno));
    }
    avro::ContainerWriterOptions opts;
    opts.codec = options_.codec;
    opts.level = options_.level;
    if (!opts.level && options_.codec == avro::Codec::kZstandard)
      opts.level = kIngestZstdLevel;
    opts.block_size_bytes = options_.block_size_bytes;
    opts.metadata.push_back({"sluice.stream", s.name});
    auto writer =
        avro::ContainerWriter::make(std::make_unique<FdOutput>(s.fd, &s.tmp_path), s.schema, opts);
    if (!writer) {
      ::close(s.fd);
      s.fd = -1;
      ::unlink(s.tmp_path.c_str());
      return fail(writer.error());
    }
    s.writer.emplace(std::move(*writer));
    s.records = 0;
    s.bytes = 0;
    return ok_status();
  }

  Status complete_part(Stream& s) {
    SLUICE_TRY(s.writer->close());
    s.writer.reset();
    int fd = s.fd;
    s.fd = -1;
    if (::fsync(fd) != 0) {
      int err = errno;
      ::close(fd);
      return fail(ErrorCode::kIo, "{}: fsync failed: {}", s.tmp_path, errno_text(err));
    }
    if (::close(fd) != 0) {
      return fail(ErrorCode::kIo, "{}: close failed: {}", s.tmp_path, errno_text(errno));
    }
    for (;;) {
      std::string final_path = fmt::format("{}/{}", s.dir, part_name(s.next_seq));
      if (::renameat2(AT_FDCWD, s.tmp_path.c_str(), AT_FDCWD, final_path.c_str(),
                      RENAME_NOREPLACE) == 0) {
        break;
      }
      if (errno == EEXIST) {
        ++s.next_seq;
        continue;
      }
      if (errno == EINVAL || errno == ENOSYS) {  // a file system without RENAME_NOREPLACE
        if (::link(s.tmp_path.c_str(), final_path.c_str()) == 0) {
          ::unlink(s.tmp_path.c_str());
          break;
        }
        if (errno == EEXIST) {
          ++s.next_seq;
          continue;
        }
      }
      return fail(ErrorCode::kIo, "{}: cannot rename to {}: {}", s.tmp_path, final_path,
                  errno_text(errno));
    }
    ++s.next_seq;
    if (::fsync(s.dir_fd) != 0) {
      return fail(ErrorCode::kIo, "{}: fsync of the folder failed: {}", s.dir, errno_text(errno));
    }
    return ok_status();
  }

  std::string dir_;
  FileSinkOptions options_;
  std::vector<std::unique_ptr<Stream>> streams_;  // stable addresses (FdOutput, last_)
  Stream* last_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<EventSink>> open_file_sink(const std::string& dir, FileSinkOptions options) {
  if (options.roll_records == 0 || options.roll_bytes == 0) {
    return fail(ErrorCode::kInvalidArgument, "roll limits must be at least 1");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return fail(ErrorCode::kIo, "{}: cannot create output folder: {}", dir, ec.message());
  if (!fs::is_directory(dir, ec)) {
    return fail(ErrorCode::kIo, "{}: not a folder", dir);
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    return fail(ErrorCode::kIo, "{}: output folder not writable: {}", dir, errno_text(errno));
  }
  return std::unique_ptr<EventSink>(new FileEventSink(dir, options));
}

}  // namespace sluice::ingest
