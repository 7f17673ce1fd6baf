// `sluice avro tojson | fromjson | getschema | getmeta | recodec | concat | random`:
// commands on object container files. Parsing and printing only; the work is done by
// the avro module (ContainerReader/Writer, the JSON codec, RandomGenerator).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "avro/binary.h"
#include "avro/codec.h"
#include "avro/container.h"
#include "avro/fingerprint.h"
#include "avro/json_codec.h"
#include "avro/random.h"
#include "avro/schema.h"
#include "cli/avro_commands.h"
#include "cli/command.h"
#include "cli/io.h"

namespace sluice::cli {
namespace {

constexpr const char* kCodecHelp =
    "Block codec: null, deflate, snappy, zstandard (or zstd), bzip2, xz";
constexpr const char* kLevelHelp =
    "Codec level (deflate 0-9, zstandard -7..22, bzip2 1-9, xz 0-9; default per codec)";
constexpr std::size_t kFlushBytes = 1 << 20;

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

// Opens a container file, or stdin for "-"; errors name the file.
Result<avro::ContainerReader> open_container(const std::string& path,
                                             avro::ContainerReaderOptions options = {}) {
  Result<avro::ContainerReader> reader = [&]() -> Result<avro::ContainerReader> {
    if (path == "-") {
      SLUICE_ASSIGN_OR_RETURN(std::string data, read_input(path));
      return avro::ContainerReader::from_bytes(std::vector<std::uint8_t>(data.begin(), data.end()),
                                               std::move(options));
    }
    return avro::ContainerReader::open(path, std::move(options));
  }();
  if (!reader) {
    const Error& e = reader.error();
    // kNotFound/kIo messages from the reader already name the path.
    if (e.message().find(path) != std::string::npos) return fail(e);
    return fail(in_context(e, display_name(path)));
  }
  return reader;
}

// User metadata of a file (everything but the avro.* keys the writer sets itself).
std::vector<avro::MetadataEntry> user_metadata(const avro::ContainerReader& reader) {
  std::vector<avro::MetadataEntry> out;
  for (const auto& entry : reader.metadata()) {
    if (entry.first != "avro.schema" && entry.first != "avro.codec") out.push_back(entry);
  }
  return out;
}

// Copies every datum of `reader` to `writer` without decoding it into values: each
// block's objects are delimited with skip_binary (which also validates them).
Status copy_datums(avro::ContainerReader& reader, avro::ContainerWriter& writer,
                   const std::string& name) {
  const avro::Node& root = reader.writer_schema()->root();
  avro::ContainerReader::RawBlock block;
  for (;;) {
    auto more = reader.next_raw_block(block);
    if (!more) return fail(in_context(more.error(), name));
    if (!*more) break;
    avro::BinaryReader in(block.data);
    for (std::uint64_t i = 0; i < block.count; ++i) {
      const std::uint8_t* start = in.pos();
      auto skipped = avro::skip_binary(root, in);
      if (!skipped) {
        return fail(in_context(skipped.error(),
                               fmt::format("{}: block at byte {}, object {}", name, block.offset, i)));
      }
      SLUICE_TRY(writer.append_encoded(
          std::span<const std::uint8_t>(start, static_cast<std::size_t>(in.pos() - start))));
    }
  }
  return ok_status();
}

// ---------------------------------------------------------------------------- tojson

struct ToJsonOptions {
  std::string file;
  std::string reader_schema;
  bool pretty = false;
  bool recover = false;
};

Result<int> run_tojson(const ToJsonOptions& opts) {
  avro::ContainerReaderOptions options;
  if (!opts.reader_schema.empty()) {
    SLUICE_ASSIGN_OR_RETURN(options.reader_schema,
                            load_schema(opts.reader_schema, "--reader-schema"));
  }
  options.recovery = opts.recover ? avro::Recovery::kYes : avro::Recovery::kNo;
  std::string name = display_name(opts.file);
  SLUICE_ASSIGN_OR_RETURN(avro::ContainerReader reader, open_container(opts.file, options));

  const avro::Node& root = reader.schema()->root();
  avro::JsonEncodeOptions json_options;
  json_options.pretty = opts.pretty;
  avro::Arena arena;
  avro::Value value;
  std::string out;
  std::uint64_t records = 0;
  for (;;) {
    arena.reset();
    auto more = reader.next(value, arena);
    if (!more) {
      SLUICE_TRY(write_stdout(out));
      return fail(in_context(more.error(), fmt::format("{}: record {}", name, records + 1)));
    }
    if (!*more) break;
    auto encoded = avro::encode_json(root, value, out, json_options);
    if (!encoded) {
      return fail(in_context(encoded.error(), fmt::format("{}: record {}", name, records + 1)));
    }
    out += '\n';
    ++records;
    if (out.size() >= kFlushBytes) {
      SLUICE_TRY(write_stdout(out));
      out.clear();
    }
  }
  SLUICE_TRY(write_stdout(out));
  const avro::RecoveryReport& report = reader.recovery_report();
  if (report.blocks_damaged() > 0) {
    std::fflush(stdout);
    std::string detail;
    for (const avro::DamagedBlock& d : report.damaged) {
      detail += fmt::format("; block at byte {}: {}", d.offset, d.error.to_string());
    }
    std::fprintf(stderr, "sluice: warning: %s: recovered %llu records; %s%s\n", name.c_str(),
                 static_cast<unsigned long long>(records), report.to_string().c_str(),
                 detail.c_str());
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------- fromjson

struct WriteOptions {
  std::string codec = "null";
  std::optional<int> level;
  std::size_t block_size = 64 * 1024;
};

void add_write_options(CLI::App* cmd, WriteOptions& opts) {
  cmd->add_option("--codec", opts.codec, kCodecHelp)->capture_default_str();
  cmd->add_option("--level", opts.level, kLevelHelp);
  cmd->add_option("--block-size", opts.block_size,
                  "Uncompressed bytes per block before it is compressed and written")
      ->capture_default_str();
}

Result<avro::ContainerWriterOptions> writer_options(const WriteOptions& opts) {
  avro::ContainerWriterOptions out;
  SLUICE_ASSIGN_OR_RETURN(out.codec, parse_codec_option(opts.codec));
  out.level = opts.level;
  SLUICE_TRY(check_codec_level_option(out.codec, opts.level));
  if (opts.block_size == 0) return fail(usage_error("--block-size: must be at least 1 byte"));
  out.block_size_bytes = opts.block_size;
  return out;
}

// Creates `output` (atomically) and a writer into it.
struct OpenedWriter {
  std::shared_ptr<OutputFile> file;
  avro::ContainerWriter writer;
};

Result<OpenedWriter> open_writer(const std::string& output, avro::SchemaPtr schema,
                                 avro::ContainerWriterOptions options) {
  SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<OutputFile> file, OutputFile::open(output));
  auto writer = avro::ContainerWriter::make(file->sink(), std::move(schema), std::move(options));
  if (!writer) return fail(in_context(writer.error(), output));
  return OpenedWriter{std::move(file), std::move(*writer)};
}

Status finish_writer(OpenedWriter& out) {
  auto closed = out.writer.close();
  if (!closed) return fail(in_context(closed.error(), out.file->path()));
  return out.file->commit();
}

struct FromJsonOptions {
  std::string schema;
  std::string input;
  std::string output;
  WriteOptions write;
};

Result<int> run_fromjson(const FromJsonOptions& opts) {
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr schema, load_schema(opts.schema, "--schema"));
  SLUICE_ASSIGN_OR_RETURN(avro::ContainerWriterOptions options, writer_options(opts.write));
  SLUICE_ASSIGN_OR_RETURN(std::string text, read_input(opts.input));
  SLUICE_ASSIGN_OR_RETURN(OpenedWriter out, open_writer(opts.output, schema, std::move(options)));

  const avro::Node& root = schema->root();
  std::string name = display_name(opts.input);
  avro::Arena arena;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank line
    arena.reset();
    auto value = avro::decode_json(root, line, arena);
    if (!value) {
      return fail(in_context(value.error(), fmt::format("{}: line {}", name, line_number)));
    }
    auto appended = out.writer.append(*value);
    if (!appended) {
      return fail(in_context(appended.error(), fmt::format("{}: line {}", name, line_number)));
    }
  }
  SLUICE_TRY(finish_writer(out));
  return kExitOk;
}

// ------------------------------------------------------------------- getschema / getmeta

struct FileOptions {
  std::string file;
};

Result<int> run_getschema(const FileOptions& opts) {
  SLUICE_ASSIGN_OR_RETURN(avro::ContainerReader reader, open_container(opts.file));
  std::string text(reader.schema_json());
  if (text.empty() || text.back() != '\n') text += '\n';
  SLUICE_TRY(write_stdout(text));
  return kExitOk;
}

// A metadata value on one line: UTF-8 text as is; tabs, newlines, other control
// characters and bytes that are not UTF-8 as \t, \n, \r or \xNN.
std::string printable(std::string_view value) {
  std::string out;
  std::size_t i = 0;
  while (i < value.size()) {
    auto c = static_cast<std::uint8_t>(value[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len > 0 && i + len <= value.size();
    for (std::size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<std::uint8_t>(value[i + k]) & 0xC0) == 0x80;
    }
    if (!valid) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else if (len == 1 && (c < 0x20 || c == 0x7F)) {
      out += c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : fmt::format("\\x{:02x}", c);
      ++i;
    } else {
      out.append(value.substr(i, len));
      i += len;
    }
  }
  return out;
}

Result<int> run_getmeta(const FileOptions& opts) {
  SLUICE_ASSIGN_OR_RETURN(avro::ContainerReader reader, open_container(opts.file));
  std::string out;
  for (const auto& [key, value] : reader.metadata()) {
    out += fmt::format("{}\t{}\n", printable(key), printable(value));
  }
  SLUICE_TRY(write_stdout(out));
  return kExitOk;
}

// ---------------------------------------------------------------------------- recodec

struct RecodecOptions {
  std::string input;
  std::string output;
  WriteOptions write;
};

Result<int> run_recodec(const RecodecOptions& opts) {
  SLUICE_ASSIGN_OR_RETURN(avro::ContainerWriterOptions options, writer_options(opts.write));
  SLUICE_ASSIGN_OR_RETURN(avro::ContainerReader reader, open_container(opts.input));
  options.schema_json = std::string(reader.schema_json());
  options.metadata = user_metadata(reader);
  SLUICE_ASSIGN_OR_RETURN(OpenedWriter out,
                          open_writer(opts.output, reader.writer_schema(), std::move(options)));
  SLUICE_TRY(copy_datums(reader, out.writer, display_name(opts.input)));
  SLUICE_TRY(finish_writer(out));
  return kExitOk;
}

// ---------------------------------------------------------------------------- concat

struct ConcatOptions {
  std::vector<std::string> files;  // inputs..., output
  std::string codec;               // empty: the first input's codec
  std::optional<int> level;
};

// "sluice.movies.WatchEvent (rabin 1963407386392411381)", "int (rabin ...)".
std::string describe(const avro::Node& root) {
  std::string name = root.fullname.empty() ? std::string(avro::type_name(root.type)) : root.fullname;
  return fmt::format("{} (rabin {})", name, avro::rabin_signed(root));
}

Result<int> run_concat(const ConcatOptions& opts) {
  if (opts.files.size() < 2) {
    return fail(usage_error("concat needs at least one input file and an output file"));
  }
  std::vector<std::string> inputs(opts.files.begin(), opts.files.end() - 1);
  const std::string& output = opts.files.back();

  std::vector<avro::ContainerReader> readers;
  std::string canonical;
  for (const std::string& path : inputs) {
    SLUICE_ASSIGN_OR_RETURN(avro::ContainerReader reader, open_container(path));
    std::string form = avro::canonical_form(reader.writer_schema()->root());
    if (readers.empty()) {
      canonical = form;
    } else if (form != canonical) {
      return fail(ErrorCode::kIncompatible,
                  "{}: schema {} differs from the schema {} of {}; concat needs identical "
                  "schemas (the same Parsing Canonical Form)",
                  display_name(path), describe(reader.writer_schema()->root()),
                  describe(readers.front().writer_schema()->root()), display_name(inputs.front()));
    }
    readers.push_back(std::move(reader));
  }

  WriteOptions write;
  write.codec = opts.codec.empty() ? std::string(avro::codec_name(readers.front().codec()))
                                   : opts.codec;
  write.level = opts.level;
  SLUICE_ASSIGN_OR_RETURN(avro::ContainerWriterOptions options, writer_options(write));
  options.schema_json = std::string(readers.front().schema_json());
  options.metadata = user_metadata(readers.front());
  SLUICE_ASSIGN_OR_RETURN(OpenedWriter out,
                          open_writer(output, readers.front().writer_schema(), std::move(options)));
  for (std::size_t i = 0; i < readers.size(); ++i) {
    SLUICE_TRY(copy_datums(readers[i], out.writer, display_name(inputs[i])));
  }
  SLUICE_TRY(finish_writer(out));
  return kExitOk;
}

// ---------------------------------------------------------------------------- random

struct RandomCommandOptions {
  std::string schema;
  std::string output;
  std::uint64_t count = 0;
  std::uint64_t seed = 0;
  WriteOptions write;
  avro::RandomOptions random;
};

Result<int> run_random(const RandomCommandOptions& opts) {
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr schema, load_schema(opts.schema, "--schema"));
  SLUICE_ASSIGN_OR_RETURN(avro::ContainerWriterOptions options, writer_options(opts.write));
  auto generator = avro::RandomGenerator::make(schema->root(), opts.random);
  if (!generator) return fail(in_context(generator.error(), "--schema"));
  SLUICE_ASSIGN_OR_RETURN(OpenedWriter out, open_writer(opts.output, schema, std::move(options)));
  avro::Rng rng(opts.seed);
  avro::Arena arena;
  for (std::uint64_t i = 0; i < opts.count; ++i) {
    arena.reset();
    SLUICE_ASSIGN_OR_RETURN(avro::Value value, generator->next(rng, arena));
    auto appended = out.writer.append(value);
    if (!appended) return fail(in_context(appended.error(), fmt::format("record {}", i + 1)));
  }
  SLUICE_TRY(finish_writer(out));
  return kExitOk;
}

}  // namespace

void add_avro_file_commands(CLI::App& avro, Registry& registry) {
  {
    auto opts = std::make_shared<ToJsonOptions>();
    CLI::App* cmd = registry.add(
        avro, "tojson",
        "Prints the records of a container file as JSON, one per line.\n"
        "Uses the Avro JSON encoding (unions as {\"type\": value}, bytes as ISO-8859-1 strings). With "
        "--reader-schema, records are resolved to that schema first.",
        "  sluice avro tojson events.avro\n"
        "  sluice avro tojson --reader-schema event-v2.avsc events.avro | head\n"
        "  cat events.avro | sluice avro tojson --pretty -");
    cmd->add_option("--reader-schema", opts->reader_schema,
                    "Read the records as this schema (file, '-', JSON or primitive name)");
    cmd->add_flag("--pretty", opts->pretty, "Indent each record over several lines");
    cmd->add_flag("--recover", opts->recover,
                  "Skip corrupt blocks (resuming at the next sync marker) and report the "
                  "records lost on stderr instead of failing");
    cmd->add_option("file", opts->file, "Container file to read ('-' for stdin)")->required();
    registry.set_runner(cmd, [opts] { return run_tojson(*opts); });
  }
  {
    auto opts = std::make_shared<FromJsonOptions>();
    CLI::App* cmd = registry.add(
        avro, "fromjson",
        "Writes a container file from JSON lines.\n"
        "One record per line, in the Avro JSON encoding of --schema; blank lines are skipped. A bad line stops with an "
        "error naming the line number and field path, and leaves no output file behind.",
        "  sluice avro fromjson --schema event.avsc events.jsonl events.avro\n"
        "  sluice avro fromjson --schema event.avsc --codec zstandard --level 9 - out.avro");
    cmd->add_option("--schema", opts->schema, "Schema of the records (file, '-', JSON or name)")
        ->required();
    add_write_options(cmd, opts->write);
    cmd->add_option("input", opts->input, "JSON lines file ('-' for stdin)")->required();
    cmd->add_option("output", opts->output, "Container file to write ('-' for stdout)")
        ->required();
    registry.set_runner(cmd, [opts] { return run_fromjson(*opts); });
  }
  {
    auto opts = std::make_shared<FileOptions>();
    CLI::App* cmd = registry.add(
        avro, "getschema", "Prints the schema stored in a container file.\nThe avro.schema text of the header, exactly as written.",
        "  sluice avro getschema events.avro | sluice avro canonical -");
    cmd->add_option("file", opts->file, "Container file ('-' for stdin)")->required();
    registry.set_runner(cmd, [opts] { return run_getschema(*opts); });
  }
  {
    auto opts = std::make_shared<FileOptions>();
    CLI::App* cmd = registry.add(
        avro, "getmeta",
        "Prints the header metadata of a container file.\n"
        "One key<TAB>value line per entry (avro.schema, avro.codec and user keys). Control characters and bytes that are not "
        "UTF-8 are shown as \\t, \\n, \\r or \\xNN.",
        "  sluice avro getmeta events.avro\n"
        "  sluice avro getmeta events.avro | grep '^avro.codec'");
    cmd->add_option("file", opts->file, "Container file ('-' for stdin)")->required();
    registry.set_runner(cmd, [opts] { return run_getmeta(*opts); });
  }
  {
    auto opts = std::make_shared<RecodecOptions>();
    CLI::App* cmd = registry.add(
        avro, "recodec",
        "Rewrites a container file with another codec.\n"
        "Also changes the level or block size; keeps the schema text, user metadata and records.",
        "  sluice avro recodec --codec zstandard --level 19 events.avro events.zst.avro");
    cmd->add_option("--codec", opts->write.codec, kCodecHelp)->required();
    cmd->add_option("--level", opts->write.level, kLevelHelp);
    cmd->add_option("--block-size", opts->write.block_size,
                    "Uncompressed bytes per block before it is compressed and written")
        ->capture_default_str();
    cmd->add_option("input", opts->input, "Container file to read ('-' for stdin)")->required();
    cmd->add_option("output", opts->output, "Container file to write ('-' for stdout)")
        ->required();
    registry.set_runner(cmd, [opts] { return run_recodec(*opts); });
  }
  {
    auto opts = std::make_shared<ConcatOptions>();
    CLI::App* cmd = registry.add(
        avro, "concat",
        "Concatenates container files that have the same schema.\n"
        "Schemas are compared by Parsing Canonical Form. The output uses the first file's schema text, metadata and codec unless "
        "--codec is given. The last argument is the output.",
        "  sluice avro concat day1.avro day2.avro day3.avro week.avro");
    cmd->add_option("--codec", opts->codec, std::string(kCodecHelp) + " (default: the first "
                                                                      "input's codec)");
    cmd->add_option("--level", opts->level, kLevelHelp);
    cmd->add_option("files", opts->files, "Input files, then the output file ('-' for stdout)")
        ->required()
        ->expected(2, CLI::detail::expected_max_vector_size);
    registry.set_runner(cmd, [opts] { return run_concat(*opts); });
  }
  {
    auto opts = std::make_shared<RandomCommandOptions>();
    CLI::App* cmd = registry.add(
        avro, "random",
        "Writes a container file of random valid records of a schema.\n"
        "The records cover every type in the schema: every union branch and enum symbol, empty and non-empty arrays and maps, "
        "non-ASCII strings, all byte values, extreme numbers, valid logical-type values. The "
        "same --seed gives the same records on every platform.",
        "  sluice avro random --schema event.avsc --count 1000 --seed 7 events.avro\n"
        "  sluice avro random --schema '[\"null\",\"long\"]' --count 5 - | sluice avro tojson -");
    cmd->add_option("--schema", opts->schema, "Schema of the records (file, '-', JSON or name)")
        ->required();
    cmd->add_option("--count", opts->count, "Number of records to write")->required();
    cmd->add_option("--seed", opts->seed, "Random seed")->capture_default_str();
    add_write_options(cmd, opts->write);
    cmd->add_option("--max-items", opts->random.max_items, "Most items per array or map")
        ->capture_default_str();
    cmd->add_option("--max-depth", opts->random.max_depth,
                    "Nesting depth after which recursive schemas stop growing")
        ->capture_default_str();
    cmd->add_flag("--special-floats", opts->random.special_floats,
                  "Also generate NaN and infinities for float and double");
    cmd->add_option("output", opts->output, "Container file to write ('-' for stdout)")
        ->required();
    registry.set_runner(cmd, [opts] { return run_random(*opts); });
  }
}

}  // namespace sluice::cli
