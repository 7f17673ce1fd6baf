// `sluice demo`: the main job until ingestion lands. A short tour of the Avro core on
// embedded data: schema canonical form and fingerprints, a compatibility check of an
// evolved schema, 100,000 movie-watch events written to a zstandard container file
// and read back through a resolution plan into the evolved shape, with timings.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "avro/container.h"
#include "avro/fingerprint.h"
#include "avro/json_codec.h"
#include "avro/random.h"
#include "avro/resolution.h"
#include "avro/schema.h"
#include "cli/command.h"
#include "cli/io.h"

namespace sluice::cli {
namespace {

constexpr const char* kWatchEventV1 = R"({
  "type": "record", "name": "WatchEvent", "namespace": "sluice.movies",
  "doc": "One minute of a movie watched by a user.",
  "fields": [
    {"name": "time", "type": "string", "doc": "ISO-8601 UTC time of the minute"},
    {"name": "userId", "type": "string"},
    {"name": "movieId", "type": "string"},
    {"name": "minute", "type": "int", "doc": "minute of the movie being watched"}
  ]
})";

// v2 adds a nullable field with a default: readers on v2 can read v1 data.
constexpr const char* kWatchEventV2 = R"({
  "type": "record", "name": "WatchEvent", "namespace": "sluice.movies",
  "doc": "One minute of a movie watched by a user.",
  "fields": [
    {"name": "time", "type": "string", "doc": "ISO-8601 UTC time of the minute"},
    {"name": "userId", "type": "string"},
    {"name": "movieId", "type": "string"},
    {"name": "minute", "type": "int", "doc": "minute of the movie being watched"},
    {"name": "device", "type": ["null", "string"], "default": null}
  ]
})";

struct DemoOptions {
  std::string out;
  std::uint64_t count = 100'000;
  std::uint64_t seed = 1;
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string mb_per_s(std::uint64_t bytes, double seconds) {
  return fmt::format("{:.1f} MB/s", static_cast<double>(bytes) / 1e6 / std::max(seconds, 1e-9));
}

// Realistic-looking events (the generic RandomGenerator would give random strings):
// times a minute apart over a day in 2024, 5,000 users, 800 movies.
avro::Value make_event(const avro::Node& root, avro::Rng& rng, avro::Arena& arena,
                       std::uint64_t i) {
  avro::Value v = avro::Value::record(&root, arena);
  std::uint64_t second = (i * 7) % 86'400;
  std::string time = fmt::format("2024-05-{:02}T{:02}:{:02}:{:02}Z", 1 + (i / 86'400) % 28,
                                 second / 3600, (second / 60) % 60, second % 60);
  v[0] = avro::Value::text(root.fields[0].type, arena.copy(time));
  v[1] = avro::Value::text(root.fields[1].type,
                           arena.copy(fmt::format("user-{:05}", rng.below(5000))));
  v[2] = avro::Value::text(root.fields[2].type,
                           arena.copy(fmt::format("tt{:07}", 100000 + rng.below(800))));
  v[3] = avro::Value::int32(root.fields[3].type, static_cast<std::int32_t>(rng.below(180)));
  return v;
}

Result<std::string> output_folder(const std::string& requested) {
  if (!requested.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(requested, ec);
    if (ec) return fail(ErrorCode::kIo, "--out {}: cannot create: {}", requested, ec.message());
    return requested;
  }
  std::string templ = (std::filesystem::temp_directory_path() / "sluice-demo-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) {
    return fail(ErrorCode::kIo, "cannot create a temporary folder {}", templ);
  }
  return templ;
}

Status write_text(const std::string& path, std::string_view text) {
  SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<OutputFile> file, OutputFile::open(path));
  SLUICE_TRY(file->write(text));
  return file->commit();
}

std::string self_path() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("sluice") : path.string();
}

Result<int> run_demo(const DemoOptions& opts) {
  std::string say;
  auto print = [](const std::string& text) { return write_stdout(text); };

  // 1. Schemas: canonical form, fingerprints, compatibility.
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr v1, avro::Schema::parse(kWatchEventV1));
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr v2, avro::Schema::parse(kWatchEventV2));
  SLUICE_TRY(print(fmt::format(
      "== Schema sluice.movies.WatchEvent (v1)\n"
      "canonical form:  {}\n"
      "rabin:           {}\n"
      "md5:             {}\n"
      "sha256:          {}\n\n",
      avro::canonical_form(v1->root()), avro::rabin_signed(v1->root()),
      avro::to_hex(avro::md5_fingerprint(v1->root())),
      avro::to_hex(avro::sha256_fingerprint(v1->root())))));
  auto problems = avro::check_compatibility(v2->root(), v1->root());
  SLUICE_TRY(print(fmt::format(
      "== Evolution: v2 adds \"device\": [\"null\",\"string\"] with default null\n"
      "v2 reads v1 data: {}\n",
      problems.empty() ? "compatible" : "INCOMPATIBLE")));
  for (const auto& p : problems) SLUICE_TRY(print("  " + p.to_string() + "\n"));
  auto backward = avro::check_compatibility(v1->root(), v2->root());
  SLUICE_TRY(print(fmt::format("v1 reads v2 data: {}\n\n",
                               backward.empty() ? "compatible" : "incompatible")));

  // 2. Write a zstandard container file.
  SLUICE_ASSIGN_OR_RETURN(std::string folder, output_folder(opts.out));
  std::string data_path = (std::filesystem::path(folder) / "watch-events.avro").string();
  std::string v1_path = (std::filesystem::path(folder) / "watch-event-v1.avsc").string();
  std::string v2_path = (std::filesystem::path(folder) / "watch-event-v2.avsc").string();
  SLUICE_TRY(write_text(v1_path, std::string(kWatchEventV1) + "\n"));
  SLUICE_TRY(write_text(v2_path, std::string(kWatchEventV2) + "\n"));

  avro::ContainerWriterOptions options;
  options.codec = avro::Codec::kZstandard;
  options.metadata.push_back({"sluice.demo", "movie-watch events"});
  std::uint64_t encoded_bytes = 0;
  auto start = Clock::now();
  {
    SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<OutputFile> file, OutputFile::open(data_path));
    SLUICE_ASSIGN_OR_RETURN(avro::ContainerWriter writer,
                            avro::ContainerWriter::make(file->sink(), v1, options));
    avro::Rng rng(opts.seed);
    avro::Arena arena;
    std::vector<std::uint8_t> scratch;
    for (std::uint64_t i = 0; i < opts.count; ++i) {
      if (i % 1024 == 0) arena.reset();
      avro::Value event = make_event(v1->root(), rng, arena, i);
      SLUICE_TRY(writer.append(event));
      // Size of the datum for the throughput figure (the time includes this encode).
      if (i < 1000) {
        scratch.clear();
        SLUICE_TRY(avro::encode_binary(v1->root(), event, scratch));
        encoded_bytes += scratch.size();
      }
    }
    SLUICE_TRY(writer.close());
    SLUICE_TRY(file->commit());
  }
  double write_s = seconds_since(start);
  // Extrapolate the datum bytes from the first 1000 events (they all look alike).
  if (opts.count > 1000) encoded_bytes = encoded_bytes * opts.count / 1000;
  std::uint64_t file_bytes = std::filesystem::file_size(data_path);
  SLUICE_TRY(print(fmt::format(
      "== Wrote {} events with codec zstandard to {}\n"
      "{} bytes of Avro datums, {} bytes on disk ({:.1f}x smaller); {:.3f} s, {:.0f} records/s, "
      "{}\n\n",
      opts.count, data_path, encoded_bytes, file_bytes,
      static_cast<double>(encoded_bytes) / static_cast<double>(std::max<std::uint64_t>(file_bytes, 1)),
      write_s, static_cast<double>(opts.count) / std::max(write_s, 1e-9),
      mb_per_s(encoded_bytes, write_s))));

  // 3. Read it back as v2 through a resolution plan.
  start = Clock::now();
  avro::ContainerReaderOptions read_options;
  read_options.reader_schema = v2;
  SLUICE_ASSIGN_OR_RETURN(avro::ContainerReader reader,
                          avro::ContainerReader::open(data_path, read_options));
  avro::Arena arena;
  avro::Value value;
  std::uint64_t records = 0;
  std::uint64_t null_devices = 0;
  std::int64_t minutes = 0;
  std::string sample;
  const avro::Node& root = reader.schema()->root();
  int device = root.field_index("device");
  int minute = root.field_index("minute");
  for (;;) {
    if (records % 1024 == 0) arena.reset();
    SLUICE_ASSIGN_OR_RETURN(bool more, reader.next(value, arena));
    if (!more) break;
    if (value[static_cast<std::size_t>(device)].is_null()) ++null_devices;
    minutes += value[static_cast<std::size_t>(minute)].as_int();
    if (records < 2) {
      SLUICE_TRY(avro::encode_json(root, value, sample));
      sample += '\n';
    }
    ++records;
  }
  double read_s = seconds_since(start);
  SLUICE_TRY(print(fmt::format(
      "== Read back as v2 (resolution plan: v1 writer -> v2 reader)\n"
      "{} records ({} with device = null, the v2 default), mean minute {:.1f}; {:.3f} s, "
      "{:.0f} records/s, {}\n"
      "first records as v2:\n{}\n",
      records, null_devices,
      records == 0 ? 0.0 : static_cast<double>(minutes) / static_cast<double>(records), read_s,
      static_cast<double>(records) / std::max(read_s, 1e-9), mb_per_s(encoded_bytes, read_s),
      sample)));
  if (records != opts.count || null_devices != records) {
    return fail(ErrorCode::kInternal, "read back {} records ({} null devices), wrote {}", records,
                null_devices, opts.count);
  }

  std::string self = self_path();
  SLUICE_TRY(print(fmt::format(
      "== Inspect the output\n"
      "  {0} avro getmeta {1}\n"
      "  {0} avro getschema {1}\n"
      "  {0} avro tojson {1} | head -3\n"
      "  {0} avro tojson --reader-schema {2} {1} | head -3\n"
      "  {0} avro compat --reader {2} --writer {3}\n"
      "  {0} avro fingerprint --algo sha256 {3}\n",
      self, data_path, v2_path, v1_path)));
  return kExitOk;
}

}  // namespace

void add_demo_command(CLI::App& app, Registry& registry) {
  auto opts = std::make_shared<DemoOptions>();
  CLI::App* cmd = registry.add(
      app, "demo",
      "Runs a short Avro demo on embedded movie-watch events (the main job for now).\n"
      "A tour of the Avro core on embedded data: the movie-watch event schema "
      "(sluice.movies.WatchEvent) with its canonical form and fingerprints, a compatible "
      "evolution (v2 adds a nullable field with a default), N generated events written to a "
      "zstandard container file and read back through a v1->v2 resolution plan, with "
      "record counts and MB/s. Prints the commands to inspect the output.",
      "  sluice demo\n"
      "  sluice demo --out /tmp/watch --count 1000000");
  cmd->add_option("--out", opts->out,
                  "Folder for watch-events.avro and the two schemas (default: a new temporary "
                  "folder)");
  cmd->add_option("--count", opts->count, "Number of events to write")->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Random seed for the events")->capture_default_str();
  registry.set_runner(cmd, [opts] { return run_demo(*opts); });
}

}  // namespace sluice::cli
