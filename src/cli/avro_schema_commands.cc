// `sluice avro canonical | fingerprint | compat`: commands about schemas alone.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <memory>
#include <string>

#include "avro/fingerprint.h"
#include "avro/resolution.h"
#include "avro/schema.h"
#include "cli/avro_commands.h"
#include "cli/command.h"
#include "cli/io.h"

namespace sluice::cli {
namespace {

constexpr const char* kSchemaArgHelp =
    "Schema: a file path, '-' for stdin, inline JSON text, or a primitive name";

struct CanonicalOptions {
  std::string schema;
};

Result<int> run_canonical(const CanonicalOptions& opts) {
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr schema, load_schema(opts.schema, "schema"));
  SLUICE_TRY(write_stdout(avro::canonical_form(schema->root()) + "\n"));
  return kExitOk;
}

struct FingerprintOptions {
  std::string schema;
  std::string algo = "rabin";
};

Result<int> run_fingerprint(const FingerprintOptions& opts) {
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr schema, load_schema(opts.schema, "schema"));
  const avro::Node& root = schema->root();
  std::string line;
  if (opts.algo == "rabin") {
    line = fmt::format("{}", avro::rabin_signed(root));
  } else if (opts.algo == "md5") {
    line = avro::to_hex(avro::md5_fingerprint(root));
  } else {
    line = avro::to_hex(avro::sha256_fingerprint(root));
  }
  SLUICE_TRY(write_stdout(line + "\n"));
  return kExitOk;
}

struct CompatOptions {
  std::string reader;
  std::string writer;
};

Result<int> run_compat(const CompatOptions& opts) {
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr reader, load_schema(opts.reader, "--reader"));
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr writer, load_schema(opts.writer, "--writer"));
  std::vector<avro::Incompatibility> problems =
      avro::check_compatibility(reader->root(), writer->root());
  if (problems.empty()) {
    SLUICE_TRY(write_stdout("compatible: the reader schema can read data of the writer schema\n"));
    return kExitOk;
  }
  std::string out = fmt::format("incompatible: {} problem{}\n", problems.size(),
                                problems.size() == 1 ? "" : "s");
  for (const avro::Incompatibility& p : problems) out += p.to_string() + "\n";
  SLUICE_TRY(write_stdout(out));
  return kExitFailure;
}

}  // namespace

void add_avro_schema_commands(CLI::App& avro, Registry& registry) {
  {
    auto opts = std::make_shared<CanonicalOptions>();
    CLI::App* cmd = registry.add(
        avro, "canonical",
        "Prints the Parsing Canonical Form of a schema.\n"
        "The form defined by the Avro specification: full names, only the attributes that matter for parsing, in a fixed order, no whitespace.",
        "  sluice avro canonical user.avsc\n"
        "  sluice avro canonical '{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"B\"]}'\n"
        "  sluice avro canonical int");
    cmd->add_option("schema", opts->schema, kSchemaArgHelp)->required();
    registry.set_runner(cmd, [opts] { return run_canonical(*opts); });
  }
  {
    auto opts = std::make_shared<FingerprintOptions>();
    CLI::App* cmd = registry.add(
        avro, "fingerprint",
        "Prints the fingerprint of a schema (rabin, md5 or sha256).\n"
        "Computed over the Parsing Canonical Form: rabin (CRC-64-AVRO) as a signed 64-bit decimal, as in the Java reference and the upstream test vectors; "
        "md5 and sha256 as lowercase hex.",
        "  sluice avro fingerprint user.avsc\n"
        "  sluice avro fingerprint --algo sha256 '\"string\"'");
    cmd->add_option("--algo", opts->algo, "Algorithm: rabin (default), md5 or sha256")
        ->check(CLI::IsMember({"rabin", "md5", "sha256"}))
        ->capture_default_str();
    cmd->add_option("schema", opts->schema, kSchemaArgHelp)->required();
    registry.set_runner(cmd, [opts] { return run_fingerprint(*opts); });
  }
  {
    auto opts = std::make_shared<CompatOptions>();
    CLI::App* cmd = registry.add(
        avro, "compat",
        "Checks that a reader schema can read data written with a writer schema.\n"
        "Uses the Avro schema resolution rules. Exits 0 when compatible; otherwise prints every "
        "incompatibility with its path in the reader schema and exits 1.",
        "  sluice avro compat --reader user-v2.avsc --writer user-v1.avsc");
    cmd->add_option("--reader", opts->reader, "Reader schema (file, '-', JSON or primitive)")
        ->required();
    cmd->add_option("--writer", opts->writer, "Writer schema (file, '-', JSON or primitive)")
        ->required();
    registry.set_runner(cmd, [opts] { return run_compat(*opts); });
  }
}

}  // namespace sluice::cli
