// open_file_source(): plain log lines or the CMU `Type,Log Entry` CSV from a file or
// stdin.
//
// Reading: one large buffer filled with read(2) (1 MiB at a time); lines are views into
// it, found with memchr, so a line costs no allocation. The buffer is compacted (the
// partial last line moved to the front) only inside next_batch() before a read that
// needs room, which keeps the previous batch's views valid until then. A line longer than
// kMaxLineBytes is cut there (the rest up to its newline is dropped) so a file without
// newlines cannot make us allocate without bound; the cut line is then quarantined by
// the parser like any other malformed line.
#include "ingest/line_source.h"
#include "ingest/stop.h"

#include <sys/stat.h>

#include <cstring>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace sluice::ingest {
namespace {

constexpr std::size_t kReadBytes = 1 << 20;
constexpr std::size_t kMaxLineBytes = 16 << 20;
constexpr std::string_view kCsvHeader = "Type,Log Entry";

// `row` without a trailing '\r' (and a UTF-8 BOM at its start when `first`).
std::string_view header_candidate(std::string_view row, bool first) {
  if (first && row.size() >= 3 && std::memcmp(row.data(), "\xEF\xBB\xBF", 3) == 0) {
    row.remove_prefix(3);
  }
  if (!row.empty() && row.back() == '\r')
    row.remove_suffix(1);
  return row;
}

// Unquotes the "Log Entry" column of one CSV row in place and returns it, or returns
// the whole row when it is not `<type>,"<entry>"` / `<type>,<entry>` (the parser then
// quarantines it). The row's trailing '\r' belongs to the CSV line ending, not to the
// entry, and is dropped either way.
std::string_view csv_entry(char* row, std::size_t size) {
  if (size > 0 && row[size - 1] == '\r')
    --size;
  std::string_view whole(row, size);
  const char* comma = static_cast<const char*>(std::memchr(row, ',', size));
  if (comma == nullptr)
    return whole;
  std::size_t start = static_cast<std::size_t>(comma - row) + 1;
  if (start >= size || row[start] != '"') {
    return whole.substr(start);  // an unquoted entry: as it is
  }
  // Quoted: copy down over each doubled quote.
  std::size_t in = start + 1;
  std::size_t out = start + 1;
  for (;;) {
    const char* q = static_cast<const char*>(std::memchr(row + in, '"', size - in));
    if (q == nullptr)
      return whole;  // no closing quote
    std::size_t qi = static_cast<std::size_t>(q - row);
    if (out != in)
      std::memmove(row + out, row + in, qi - in);
    out += qi - in;
    if (qi + 1 < size && row[qi + 1] == '"') {  // "" -> "
      row[out++] = '"';
      in = qi + 2;
      continue;
    }
    if (qi + 1 != size)
      return whole;  // text after the closing quote
    return std::string_view(row + start + 1, out - (start + 1));
  }
}

class FileLineSource : public LineSource {
 public:
  FileLineSource(int fd, bool owned, std::string name, InputFormat format)
      : fd_(fd), owned_(owned), name_(std::move(name)), format_(format) {
    struct stat st {};
    may_block_ = ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode);
    buffer_.resize(kReadBytes * 2);
  }
  ~FileLineSource() override {
    if (owned_)
      ::close(fd_);
  }

  std::string name() const override { return name_; }

  Result<bool> next_batch(LineBatch& batch, std::size_t max_lines) override {
    batch.clear();
    if (stop_requested())
      return false;
    while (batch.lines.size() < max_lines) {
      char* base = buffer_.data();
      if (skipping_) {  // the rest of a cut line
        char* nl = static_cast<char*>(std::memchr(base + begin_, '\n', end_ - begin_));
        if (nl != nullptr) {
          begin_ = static_cast<std::size_t>(nl - base) + 1;
          skipping_ = false;
          continue;
        }
        begin_ = end_;
        if (eof_ || !batch.lines.empty())
          break;
        SLUICE_TRY(fill());
        continue;
      }
      char* nl = static_cast<char*>(std::memchr(base + begin_, '\n', end_ - begin_));
      if (nl != nullptr) {
        std::size_t size = static_cast<std::size_t>(nl - (base + begin_));
        emit(batch, base + begin_, size);
        begin_ += size + 1;
        continue;
      }
      // No complete line left in the buffer.
      if (eof_) {
        if (begin_ < end_) {  // the last line has no '\n'
          emit(batch, base + begin_, end_ - begin_);
          begin_ = end_;
        }
        break;
      }
      if (!batch.lines.empty())
        break;                               // more next time (this batch's views must stay valid)
      if (end_ - begin_ >= kMaxLineBytes) {  // cut; drop the rest up to its '\n'
        emit(batch, base + begin_, kMaxLineBytes);
        begin_ += kMaxLineBytes;
        skipping_ = true;
        continue;
      }
      SLUICE_TRY(fill());
    }
    return !batch.lines.empty() || batch.skipped_header_lines > 0 || !eof_ || begin_ < end_;
  }

 private:
  void compact() {
    if (begin_ == 0)
      return;
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }

  // Reads more bytes after end_. Only called while the batch is empty, so moving the
  // unread bytes is safe. Grows the buffer (up to kMaxLineBytes + kReadBytes) for a
  // long line.
  Status fill() {
    // The previous batch's views are dead here; move the partial line down only when
    // the room left is too small for a full read (so bytes are moved rarely).
    if (buffer_.size() - end_ < kReadBytes)
      compact();
    if (buffer_.size() - end_ < kReadBytes)
      buffer_.resize(end_ + kReadBytes);
    // A pipe or terminal can block for ever: wait in short polls so a stop request
    // (SIGINT/SIGTERM, handled with SA_RESTART) ends the input.
    while (may_block_) {
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, 200);
      if (stop_requested()) {
        eof_ = true;
        return ok_status();
      }
      if (ready != 0)
        break;  // readable, hung up, or an error read() will report
    }
    for (;;) {
      ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
      if (n < 0 && errno == EINTR) {
        if (stop_requested()) {  // a signal interrupted a blocking read (stdin)
          eof_ = true;
          return ok_status();
        }
        continue;
      }
      if (n < 0) {
        return fail(ErrorCode::kIo, "{}: read failed: {}", name_, std::strerror(errno));
      }
      if (n == 0)
        eof_ = true;
      end_ += static_cast<std::size_t>(n);
      return ok_status();
    }
  }

  void emit(LineBatch& batch, char* text, std::size_t size) {
    ++line_number_;
    if (line_number_ == 1) {
      std::string_view row = header_candidate({text, size}, true);
      if (format_ == InputFormat::kAuto) {
        format_ = row == kCsvHeader ? InputFormat::kCsv : InputFormat::kLines;
      }
      if (format_ == InputFormat::kCsv && row == kCsvHeader) {
        ++batch.skipped_header_lines;
        return;
      }
    }
    std::string_view line(text, size);
    if (format_ == InputFormat::kCsv)
      line = csv_entry(text, size);
    batch.lines.push_back(InputLine{line, line_number_, -1, -1});
  }

  int fd_;
  bool owned_;
  std::string name_;
  InputFormat format_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first byte not yet returned
  std::size_t end_ = 0;    // end of the bytes read
  bool eof_ = false;
  bool may_block_ = false;  // not a regular file (stdin, a pipe, a terminal)
  bool skipping_ = false;   // dropping the rest of a line cut at kMaxLineBytes
  std::int64_t line_number_ = 0;
};

}  // namespace

Result<std::unique_ptr<LineSource>> open_file_source(const std::string& path, InputFormat format) {
  if (path == "-") {
    return std::unique_ptr<LineSource>(new FileLineSource(0, false, "-", format));
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT)
      return fail(ErrorCode::kNotFound, "{}: no such file", path);
    return fail(ErrorCode::kIo, "{}: cannot open: {}", path, std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::kIo, "{}: is a directory, not a log file", path);
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<LineSource>(new FileLineSource(fd, true, path, format));
}

}  // namespace sluice::ingest
