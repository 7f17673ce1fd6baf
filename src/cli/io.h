// Input and output for the CLI: whole-file reads ("-" = stdin), schema arguments,
// and output files that appear only when complete.
//
//   SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr schema, load_schema(opts.schema, "--schema"));
//   SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<OutputFile> out, OutputFile::open(opts.output));
//   SLUICE_TRY(out->write(bytes));   // or: ContainerWriter::make(out->sink(), ...)
//   SLUICE_TRY(out->commit());       // without commit, the destructor removes the temp file
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "avro/codec.h"
#include "avro/container.h"
#include "avro/schema.h"
#include "base/result.h"

namespace sluice::cli {

// The whole contents of `path`, or of stdin when `path` is "-".
// Fails with kNotFound ("no such file") or kIo, naming the path.
Result<std::string> read_input(const std::string& path);

// A <schema> argument: an existing file's contents, "-" for stdin, inline JSON
// (text starting with '{', '[' or '"'), or a bare primitive name ("int").
// `what` names the argument in errors: `--schema: fields[1].type: unknown type "x"`.
Result<std::string> schema_text(const std::string& argument, std::string_view what);
Result<avro::SchemaPtr> load_schema(const std::string& argument, std::string_view what);
// Same, with parse options (e.g. named types defined by schemas loaded earlier).
Result<avro::SchemaPtr> load_schema(const std::string& argument, std::string_view what,
                                    const avro::ParseOptions& options);

// A file written under a temporary name in the destination's folder and renamed
// over the destination by commit(), so a failure never leaves a partial file. For
// "-", bytes are kept in memory and written to stdout by commit().
class OutputFile : public std::enable_shared_from_this<OutputFile> {
 public:
  // Creates the temporary file. kNotFound when the destination folder does not
  // exist, kIo when the file cannot be created; both name the path.
  static Result<std::shared_ptr<OutputFile>> open(const std::string& path);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  // A sink for ContainerWriter writing into this file. Its close() only flushes:
  // the file appears at its destination only through commit().
  std::unique_ptr<avro::OutputSink> sink();

  Status write(std::span<const std::uint8_t> bytes);
  Status write(std::string_view bytes);
  // Flushes, closes and renames into place. Fails with kIo naming the path.
  Status commit();

  // The temporary file being written ("" for stdout).
  const std::string& temp_path() const { return temp_; }
  const std::string& path() const { return path_; }

 private:
  OutputFile() = default;
  std::string path_;
  std::string temp_;
  std::FILE* file_ = nullptr;
  std::string memory_;  // for "-"
  bool to_stdout_ = false;
  bool done_ = false;
};

// A --codec value: a codec name from the specification (or "zstd"). Anything else is
// a usage error listing the valid names.
Result<avro::Codec> parse_codec_option(const std::string& name);

// A --level value for `codec`: a usage error naming the codec's range when it is outside
// it. Codecs without levels accept any value (it is ignored); absent is always fine.
Status check_codec_level_option(avro::Codec codec, std::optional<int> level);

// Writes `text` to stdout; fails with kIo if stdout is closed or full.
Status write_stdout(std::string_view text);

}  // namespace sluice::cli
