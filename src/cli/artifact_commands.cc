// `sluice artifact build | sync`: schemas as versioned CMake packages of generated C++
// classes. Parsing and printing only; the work is done by codegen/artifact.h and
// codegen/artifact_sync.h (the registry is read with registry::Client).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/registry_commands.h"
#include "cli/io.h"
#include "codegen/artifact.h"
#include "codegen/artifact_sync.h"
#include "registry/client.h"
#include "registry/subjects.h"

namespace sluice::cli {
namespace {

namespace reg = sluice::registry;

struct BuildOptions {
  std::string schema;
  std::string name;
  std::string version;
  std::string out = ".";
  std::string source;
};

Result<int> run_build(const BuildOptions& o) {
  if (Status s = codegen::validate_dataset_name(o.name); !s) {
    return fail(usage_error("--name: " + s.error().message()));
  }
  auto version = codegen::ArtifactVersion::parse(o.version);
  if (!version) return fail(usage_error("--version: " + version.error().message()));
  auto text = schema_text(o.schema, "--schema");
  if (!text) return fail(text.error());

  codegen::ArtifactSpec spec;
  spec.name = o.name;
  spec.version = *version;
  spec.schema_text = std::move(*text);
  // A UTF-8 byte order mark is no part of the schema; schema.avsc is JSON for any reader
  // (Python's json module refuses a leading BOM).
  if (spec.schema_text.starts_with("\xEF\xBB\xBF")) spec.schema_text.erase(0, 3);
  // By default the schema file's name, not the path as typed: building the same schema
  // from another folder gives the same artifact (a published version never changes).
  std::error_code ec;
  if (!o.source.empty())
    spec.source = o.source;
  else if (o.schema != "-" && std::filesystem::is_regular_file(o.schema, ec))
    spec.source = std::filesystem::path(o.schema).filename().string();
  else
    spec.source = o.schema == "-" ? "stdin" : "inline schema";
  auto info = codegen::build_artifact(spec, o.out);
  if (!info) {
    if (info.error().code() == ErrorCode::kInvalidSchema) {
      return fail(in_context(info.error(), "--schema"));
    }
    return fail(info.error());
  }
  SLUICE_TRY(write_stdout(fmt::format("{} {} (fingerprint {}) -> {}{}\n", spec.name,
                                      spec.version.to_string(),
                                      codegen::fingerprint_hex(info->fingerprint),
                                      info->root.string(),
                                      info->existed ? " (built already, unchanged)" : "")));
  return kExitOk;
}

struct SyncOptions {
  RegistryConnection registry;
  std::string out;
  std::string prefix;
};

// Version `sv` of `subject`; its references name subjects as the registry resolves them
// (one without a context is in `subject`'s context).
codegen::RegisteredVersion to_registered(const std::string& subject, reg::SubjectVersion sv) {
  const std::string context = reg::split_subject(subject).first;
  codegen::RegisteredVersion rv;
  rv.version = sv.version;
  rv.schema_id = sv.id.value;
  rv.schema_type = sv.schema.schema_type.empty() ? "AVRO" : sv.schema.schema_type;
  rv.schema = std::move(sv.schema.schema);
  for (auto& ref : sv.schema.references)
    rv.references.push_back(
        {std::move(ref.name), reg::reference_subject(context, ref.subject), ref.version});
  return rv;
}

// What sync_artifacts needs from the registry.
struct Snapshot {
  // Every version of every subject under the prefix (deleted ones excluded).
  std::vector<codegen::SubjectSnapshot> subjects;
  // The versions those reference (recursively) in subjects beyond the prefix.
  std::vector<codegen::SubjectSnapshot> referenced;
};

Result<Snapshot> take_snapshot(reg::Client& client, const std::string& prefix) {
  Snapshot snapshot;
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> subjects,
                          client.get_subjects(reg::IncludeDeleted::kNo, prefix));
  std::set<std::pair<std::string, int>> have;  // (subject, version) fetched
  std::vector<codegen::SchemaRef> wanted;       // references to look at
  auto note_references = [&](const codegen::RegisteredVersion& rv) {
    wanted.insert(wanted.end(), rv.references.begin(), rv.references.end());
  };
  for (const std::string& subject : subjects) {
    codegen::SubjectSnapshot snap;
    snap.subject = subject;
    SLUICE_ASSIGN_OR_RETURN(std::vector<int> versions, client.get_versions(subject));
    for (int v : versions) {
      SLUICE_ASSIGN_OR_RETURN(reg::SubjectVersion sv, client.get_version(subject, v));
      snap.versions.push_back(to_registered(subject, std::move(sv)));
      note_references(snap.versions.back());
      have.emplace(subject, snap.versions.back().version);
    }
    snapshot.subjects.push_back(std::move(snap));
  }
  // A referenced version outside the prefix: fetched as the registry serves it (a bad
  // reference is left for sync_artifacts to report with its subject and version).
  std::map<std::string, codegen::SubjectSnapshot> beyond;
  while (!wanted.empty()) {
    codegen::SchemaRef ref = std::move(wanted.back());
    wanted.pop_back();
    if (ref.version != -1 && have.count({ref.subject, ref.version})) continue;
    if (ref.version == -1 && std::find(subjects.begin(), subjects.end(), ref.subject) != subjects.end())
      continue;
    auto sv = client.get_version(ref.subject, ref.version == -1 ? reg::kLatestVersion : ref.version);
    if (!sv) {
      if (sv.error().code() == ErrorCode::kNotFound) continue;
      return fail(sv.error());
    }
    codegen::RegisteredVersion rv = to_registered(ref.subject, std::move(*sv));
    if (!have.emplace(ref.subject, rv.version).second) continue;
    note_references(rv);
    codegen::SubjectSnapshot& snap = beyond[ref.subject];
    snap.subject = ref.subject;
    snap.versions.push_back(std::move(rv));
  }
  for (auto& [subject, snap] : beyond) snapshot.referenced.push_back(std::move(snap));
  return snapshot;
}

Result<int> run_sync(const SyncOptions& o) {
  auto client = connect_registry(o.registry);
  if (!client) return fail(usage_error("--registry: " + client.error().message()));
  auto urls = reg::base_urls_without_credentials(o.registry.url);
  if (!urls) return fail(usage_error("--registry: " + urls.error().message()));
  auto snapshot = take_snapshot(**client, o.prefix);
  if (!snapshot) return fail(in_context(snapshot.error(), fmt::format("{}", fmt::join(*urls, ","))));
  // The registry as artifacts record it (their source): the base URL that served the
  // snapshot, without the credentials a URL may carry (artifact.json is installed with
  // the package).
  const std::string& recorded_url = urls->at((*client)->url_in_use() % urls->size());
  const codegen::SyncReport report =
      codegen::sync_artifacts(snapshot->subjects, o.out, recorded_url, snapshot->referenced);
  std::string text;
  for (const auto& skipped : report.skipped) text += fmt::format("skipped {}\n", skipped);
  for (const auto& b : report.built) {
    text += fmt::format("built {} {} from {} version {} (schema id {}, {}) -> {}\n", b.dataset,
                        b.version.to_string(), b.subject, b.registry_version, b.schema_id,
                        codegen::change_kind_name(b.change), b.root.string());
  }
  if (report.built.empty() && report.failed.empty()) text += "up to date\n";
  SLUICE_TRY(write_stdout(text));
  if (report.failed.empty()) return kExitOk;
  // Every other subject was synced; these were left as they were (exit 1).
  std::string errors;
  for (const auto& f : report.failed)
    errors += fmt::format("sluice: error: {}\n", f.error.to_string());
  errors += fmt::format("sluice: error: {} of {} subjects not synced (above); the others are "
                        "up to date\n",
                        report.failed.size(), snapshot->subjects.size());
  std::fputs(errors.c_str(), stderr);
  return kExitFailure;
}

}  // namespace

void add_artifact_commands(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand(
      "artifact", "Schemas as versioned artifacts: CMake packages holding generated C++ classes.");
  group->require_subcommand(1);
  group->footer(
      "Examples:\n"
      "  sluice artifact build --schema schemas/movies/v1.avsc --name movies --version 1.0.0 --out artifacts\n"
      "  sluice artifact sync --registry http://127.0.0.1:8081 --out artifact-repo\n"
      "Run `sluice artifact <command> --help` for each command's options.");

  {
    auto o = std::make_shared<BuildOptions>();
    CLI::App* cmd = registry.add(
        *group, "build",
        "Builds one schema version as a CMake package. The package is <out>/<name>/<version>/, "
        "an installation prefix holding include/<name>/v<x_y_z>/<name>.hpp (classes in namespace "
        "<name>::v<x_y_z>), share/<name>-<version>/schema.avsc and artifact.json (version, "
        "Rabin fingerprint, source), and lib/cmake/<name>/ (find_package(<name> [<version> "
        "[EXACT]] CONFIG) gives the target <name>::<name>; several versions copied into one "
        "prefix live side by side), plus a CMakeLists.txt that installs it elsewhere (cmake -S "
        "<out>/<name>/<version> -B b && cmake --install b --prefix P). The same inputs always "
        "give byte-identical files.",
        "sluice artifact build --schema schemas/movies/v1.avsc --name movies --version 1.0.0 "
        "--out artifacts\n"
        "cmake -S app -B app/build -DCMAKE_PREFIX_PATH=\"$PWD/artifacts/movies/1.0.0;<sluice "
        "prefix>\"");
    cmd->add_option("--schema", o->schema,
                    "The schema: a file, '-' for stdin, or inline JSON; one schema or a JSON "
                    "array of schemas")
        ->required();
    cmd->add_option("--name", o->name,
                    "Dataset name: CMake package, folder and C++ namespace ([A-Za-z][A-Za-z0-9_]*, "
                    "no '__', not a C++ keyword, standard library macro, global name, name the generated "
                    "code uses, nor 'sluice' in any case)")
        ->required();
    cmd->add_option("--version", o->version, "Artifact version x.y.z")->required();
    cmd->add_option("--out", o->out, "Folder receiving <name>/<version>/ (default: .)");
    cmd->add_option("--source", o->source,
                    "Text recorded as \"source\" in artifact.json (default: the --schema "
                    "file's name, \"stdin\" or \"inline schema\")");
    registry.set_runner(cmd, [o] { return run_build(*o); });
  }
  {
    auto o = std::make_shared<SyncOptions>();
    CLI::App* cmd = registry.add(
        *group, "sync",
        "Snapshots every subject of a schema registry and builds one artifact per registered "
        "version missing from <out> (<out>/<dataset>/<version>/, dataset = the subject with "
        "characters outside [A-Za-z0-9_] replaced by '_', '__' by '_x_', a 'd_' prefix "
        "where it would start with a digit or be a keyword or macro, a 'd' where it would start "
        "with '_'; past 100 characters, the first 83 and '_' and the subject's 16-hex-digit "
        "fingerprint). Versioning: the first registry "
        "version is 1.0.0; a later one that can read the previous one's data (BACKWARD) bumps "
        "the patch number, an incompatible one (level NONE) bumps the major. "
        "<out>/<dataset>/versions.json records registry version, schema id and fingerprint "
        "-> artifact version, so a re-run with no registry change builds nothing and prints "
        "\"up to date\". A registered version whose schema differs from the previous one only "
        "outside the canonical form (defaults, logical types, aliases, docs) is a change too. "
        "A schema with references (named types of other subjects) is resolved "
        "through the versions it references, also beyond --prefix; its artifact holds the "
        "whole schema. A subject that cannot be synced (two subjects mapping to one dataset "
        "name, a bad reference, a reset registry) is reported and the others are synced; the "
        "exit code is then 1. Credentials in the URL are not recorded in artifact.json.",
        "sluice artifact sync --registry http://127.0.0.1:8081 --out artifact-repo");
    add_connection_options(cmd, o->registry, "--registry");
    cmd->add_option("--out", o->out, "Artifact repository folder (created if missing)")->required();
    cmd->add_option("--prefix", o->prefix,
                    "Only subjects starting with this prefix (their references are still read)");
    registry.set_runner(cmd, [o] { return run_sync(*o); });
  }
}

}  // namespace sluice::cli
