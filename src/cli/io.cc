#include "cli/io.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "cli/command.h"

namespace sluice::cli {
namespace {

Error io_error(std::string_view path, std::string_view action) {
  return Error(ErrorCode::kIo, fmt::format("{}: cannot {}: {}", path, action, std::strerror(errno)));
}

Result<std::string> read_stream(std::FILE* in, std::string_view name) {
  std::string data;
  std::array<char, 1 << 16> buffer;
  while (true) {
    std::size_t n = std::fread(buffer.data(), 1, buffer.size(), in);
    data.append(buffer.data(), n);
    if (n < buffer.size()) break;
  }
  if (std::ferror(in)) return fail(io_error(name, "read"));
  return data;
}

bool is_primitive_name(std::string_view s) {
  for (std::string_view name :
       {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}) {
    if (s == name) return true;
  }
  return false;
}

}  // namespace

Result<std::string> read_input(const std::string& path) {
  if (path == "-") return read_stream(stdin, "<stdin>");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return fail(ErrorCode::kNotFound, "{}: no such file", path);
  }
  if (std::filesystem::is_directory(path, ec)) {
    return fail(ErrorCode::kIo, "{}: is a directory", path);
  }
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) return fail(io_error(path, "open"));
  auto data = read_stream(in, path);
  std::fclose(in);
  return data;
}

Result<std::string> schema_text(const std::string& argument, std::string_view what) {
  std::error_code ec;
  if (argument == "-" || std::filesystem::is_regular_file(argument, ec)) {
    auto text = read_input(argument);
    if (!text) return fail(in_context(text.error(), what));
    return text;
  }
  std::size_t start = argument.find_first_not_of(" \t\r\n");
  if (start != std::string::npos &&
      (argument[start] == '{' || argument[start] == '[' || argument[start] == '"')) {
    return argument;
  }
  if (is_primitive_name(argument)) return fmt::format("\"{}\"", argument);
  return fail(ErrorCode::kNotFound,
              "{}: '{}' is not a file, and not schema JSON (which starts with {{, [ or \")", what,
              argument);
}

Result<avro::SchemaPtr> load_schema(const std::string& argument, std::string_view what) {
  return load_schema(argument, what, avro::ParseOptions{});
}

Result<avro::SchemaPtr> load_schema(const std::string& argument, std::string_view what,
                                    const avro::ParseOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, schema_text(argument, what));
  auto schema = avro::Schema::parse(text, options);
  if (!schema) return fail(in_context(schema.error(), fmt::format("{}: invalid schema", what)));
  return schema;
}

// --- OutputFile ---------------------------------------------------------------

Result<std::shared_ptr<OutputFile>> OutputFile::open(const std::string& path) {
  std::shared_ptr<OutputFile> out(new OutputFile());
  out->path_ = path;
  if (path == "-") {
    out->to_stdout_ = true;
    return out;
  }
  std::filesystem::path target(path);
  std::error_code ec;
  if (std::filesystem::is_directory(target, ec)) {
    return fail(ErrorCode::kIo, "{}: is a directory", path);
  }
  std::filesystem::path folder = target.parent_path();
  if (folder.empty()) folder = ".";
  if (!std::filesystem::is_directory(folder, ec)) {
    return fail(ErrorCode::kNotFound, "{}: no such directory {}", path, folder.string());
  }
  // A hidden, unique name in the same folder, so rename() is atomic.
  std::string templ =
      (folder / fmt::format(".{}.tmp-XXXXXX", target.filename().string())).string();
  int fd = ::mkstemp(templ.data());
  if (fd < 0) return fail(io_error(path, "create a temporary file"));
  out->temp_ = templ;
  out->file_ = ::fdopen(fd, "wb");
  if (out->file_ == nullptr) {
    ::close(fd);
    std::filesystem::remove(out->temp_, ec);
    out->temp_.clear();
    return fail(io_error(path, "open"));
  }
  return out;
}

namespace {

class OutputFileSink : public avro::OutputSink {
 public:
  explicit OutputFileSink(std::shared_ptr<OutputFile> file) : file_(std::move(file)) {}
  Status write(std::span<const std::uint8_t> data) override { return file_->write(data); }

 private:
  std::shared_ptr<OutputFile> file_;
};

}  // namespace

std::unique_ptr<avro::OutputSink> OutputFile::sink() {
  return std::make_unique<OutputFileSink>(shared_from_this());
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!done_ && !temp_.empty()) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

Status OutputFile::write(std::span<const std::uint8_t> bytes) {
  return write(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Status OutputFile::write(std::string_view bytes) {
  if (to_stdout_) {
    memory_.append(bytes);
    return ok_status();
  }
  if (file_ == nullptr) return fail(ErrorCode::kInternal, "{}: write after commit", path_);
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return fail(io_error(path_, "write"));
  }
  return ok_status();
}

Status OutputFile::commit() {
  if (to_stdout_) {
    done_ = true;
    return write_stdout(memory_);
  }
  if (file_ == nullptr) return fail(ErrorCode::kInternal, "{}: committed twice", path_);
  bool ok = std::fflush(file_) == 0;
  ok = (std::fclose(file_) == 0) && ok;
  file_ = nullptr;
  if (!ok) return fail(io_error(path_, "write"));
  // mkstemp creates 0600; give the file the usual permissions.
  mode_t mask = ::umask(0);
  ::umask(mask);
  std::error_code ec;
  std::filesystem::permissions(temp_, static_cast<std::filesystem::perms>(0666 & ~mask), ec);
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) return fail(io_error(path_, "rename into"));
  done_ = true;
  return ok_status();
}

Result<avro::Codec> parse_codec_option(const std::string& name) {
  auto codec = avro::parse_codec(name);
  if (!codec || *codec == avro::Codec::kAvroCLzma) {
    return fail(usage_error(fmt::format(
        "--codec: unknown codec '{}' (use null, deflate, snappy, zstandard, bzip2 or xz)", name)));
  }
  return codec;
}

Status check_codec_level_option(avro::Codec codec, std::optional<int> level) {
  if (!level) return ok_status();
  avro::CodecLevels levels = avro::codec_levels(codec);
  if (levels.has_levels && (*level < levels.min || *level > levels.max)) {
    return fail(usage_error(fmt::format("--level: {} is outside {}'s range {}..{}", *level,
                                        avro::codec_name(codec), levels.min, levels.max)));
  }
  return ok_status();
}

Status write_stdout(std::string_view text) {
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
    return fail(io_error("<stdout>", "write"));
  }
  return ok_status();
}

}  // namespace sluice::cli
