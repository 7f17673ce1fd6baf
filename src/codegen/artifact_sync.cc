#include "codegen/artifact_sync.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "avro/fingerprint.h"
#include "avro/resolution.h"
#include "avro/schema.h"
#include "codegen/internal/locked_build.h"
#include "codegen/internal/repo_lock.h"

namespace sluice::codegen {
namespace fs = std::filesystem;
namespace {

constexpr int kManifestFormat = 1;

struct ManifestEntry {
  int registry_version = 0;
  std::int64_t schema_id = 0;
  std::string fingerprint;  // hex
  ArtifactVersion version;
  ChangeKind change = ChangeKind::kFirst;
};

struct Manifest {
  std::string subject;
  std::vector<ManifestEntry> entries;  // by registry_version, ascending

  const ManifestEntry* find(int registry_version) const {
    for (const auto& e : entries) {
      if (e.registry_version == registry_version) return &e;
    }
    return nullptr;
  }
};

std::optional<ChangeKind> parse_change(std::string_view text) {
  for (ChangeKind k : {ChangeKind::kFirst, ChangeKind::kCompatible, ChangeKind::kIncompatible,
                       ChangeKind::kRebuilt}) {
    if (change_kind_name(k) == text) return k;
  }
  return std::nullopt;
}

// Reads <dataset>/versions.json; a missing file is an empty manifest.
Result<Manifest> load_manifest(const fs::path& path) {
  Manifest m;
  std::error_code ec;
  if (!fs::exists(path, ec)) return m;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return fail(ErrorCode::kIo, "{}: cannot read", path.string());
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  auto corrupt = [&](std::string_view why) {
    return fail(ErrorCode::kCorrupt, "{}: {}", path.string(), why);
  };
  if (j.is_discarded() || !j.is_object()) return corrupt("not a JSON object");
  if (!j.contains("subject") || !j["subject"].is_string()) return corrupt("no \"subject\"");
  if (!j.contains("versions") || !j["versions"].is_array()) return corrupt("no \"versions\" array");
  m.subject = j["subject"].get<std::string>();
  for (std::size_t i = 0; i < j["versions"].size(); ++i) {
    const nlohmann::json& e = j["versions"][i];
    const std::string where = fmt::format("versions[{}]", i);
    if (!e.is_object() || !e.contains("registry_version") || !e["registry_version"].is_number_integer() ||
        !e.contains("schema_id") || !e["schema_id"].is_number_integer() ||
        !e.contains("fingerprint") || !e["fingerprint"].is_string() ||
        !e.contains("artifact_version") || !e["artifact_version"].is_string() ||
        !e.contains("change") || !e["change"].is_string()) {
      return corrupt(where + ": expected registry_version, schema_id, fingerprint, "
                             "artifact_version and change");
    }
    ManifestEntry entry;
    entry.registry_version = e["registry_version"].get<int>();
    entry.schema_id = e["schema_id"].get<std::int64_t>();
    entry.fingerprint = e["fingerprint"].get<std::string>();
    auto version = ArtifactVersion::parse(e["artifact_version"].get<std::string>());
    if (!version) return corrupt(where + ": " + version.error().message());
    entry.version = *version;
    auto change = parse_change(e["change"].get<std::string>());
    if (!change) return corrupt(where + ": unknown change kind");
    entry.change = *change;
    m.entries.push_back(std::move(entry));
  }
  std::sort(m.entries.begin(), m.entries.end(),
            [](const auto& a, const auto& b) { return a.registry_version < b.registry_version; });
  return m;
}

Status save_manifest(const fs::path& path, const Manifest& m) {
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& e : m.entries) {
    versions.push_back({{"registry_version", e.registry_version},
                        {"schema_id", e.schema_id},
                        {"fingerprint", e.fingerprint},
                        {"artifact_version", e.version.to_string()},
                        {"change", change_kind_name(e.change)}});
  }
  nlohmann::json j = {{"format", kManifestFormat}, {"subject", m.subject}, {"versions", versions}};
  const std::string text = j.dump(2) + "\n";
  const fs::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) return fail(ErrorCode::kIo, "{}: cannot write", temp.string());
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) return fail(ErrorCode::kIo, "{}: {}", path.string(), ec.message());
  return {};
}

// The registered versions that schema references may name: those of the snapshot and
// of the referenced-only subjects.
class VersionIndex {
 public:
  VersionIndex(std::span<const SubjectSnapshot> snapshot,
               std::span<const SubjectSnapshot> referenced) {
    for (auto subjects : {snapshot, referenced}) {
      for (const SubjectSnapshot& s : subjects) {
        auto& versions = by_subject_[s.subject];
        for (const RegisteredVersion& v : s.versions) versions.push_back(&v);
      }
    }
  }
  // Version `version` of `subject` (-1: its highest), or nullptr.
  const RegisteredVersion* find(const std::string& subject, int version) const {
    auto it = by_subject_.find(subject);
    if (it == by_subject_.end()) return nullptr;
    const RegisteredVersion* found = nullptr;
    for (const RegisteredVersion* v : it->second) {
      if (version == -1 ? !found || v->version > found->version : v->version == version)
        found = v;
    }
    return found;
  }

 private:
  std::map<std::string, std::vector<const RegisteredVersion*>> by_subject_;
};

constexpr int kMaxReferenceDepth = 32;

// `rv`'s schema, parsed with the named types of the versions it references (and theirs).
Result<avro::SchemaPtr> parse_with_references(const RegisteredVersion& rv,
                                              const VersionIndex& index, int depth) {
  if (depth > kMaxReferenceDepth) {
    return fail(ErrorCode::kLimitExceeded,
                "schema references nest deeper than {} (do they form a cycle?)",
                kMaxReferenceDepth);
  }
  avro::ParseOptions options;
  for (const SchemaRef& ref : rv.references) {
    const RegisteredVersion* target = index.find(ref.subject, ref.version);
    if (target == nullptr) {
      return fail(ErrorCode::kNotFound, "reference {}: subject \"{}\" has no version {}",
                  ref.name, ref.subject,
                  ref.version == -1 ? std::string("at all") : std::to_string(ref.version));
    }
    if (target->schema_type != "AVRO") {
      return fail(ErrorCode::kUnsupported, "reference {}: subject \"{}\" version {} is a {} schema",
                  ref.name, ref.subject, target->version, target->schema_type);
    }
    auto parsed = parse_with_references(*target, index, depth + 1);
    if (!parsed) {
      return fail(parsed.error().code(), "reference {} (subject \"{}\" version {}): {}", ref.name,
                  ref.subject, target->version, parsed.error().to_string());
    }
    options.references.push_back(std::move(*parsed));
  }
  return avro::Schema::parse(rv.schema, options);
}

// Where an artifact's schema came from, its references included.
std::string source_of(std::string_view registry_url, const SubjectSnapshot& snap,
                      const RegisteredVersion& rv) {
  std::string source = fmt::format("{}/subjects/{}/versions/{} (schema id {}", registry_url,
                                   snap.subject, rv.version, rv.schema_id);
  for (std::size_t i = 0; i < rv.references.size(); ++i) {
    const SchemaRef& ref = rv.references[i];
    source += fmt::format("{}{} from {} version {}", i == 0 ? "; references " : ", ", ref.name,
                          ref.subject, ref.version == -1 ? std::string("latest")
                                                         : std::to_string(ref.version));
  }
  return source + ")";
}

Error with_place(const Error& e, std::string_view subject, int version) {
  return Error(e.code(), fmt::format("subject \"{}\" version {}: {}", subject, version,
                                     e.to_string()));
}

// Builds one subject's missing artifacts (see the header for the rule).
Status sync_subject(const SubjectSnapshot& snap, const std::string& dataset, const fs::path& repo,
                    std::string_view registry_url, const VersionIndex& index,
                    SyncReport& report) {
  const fs::path manifest_path = repo / dataset / "versions.json";
  internal::remove_stale_temporaries(repo / dataset);  // a killed run's: the lock is ours
  SLUICE_ASSIGN_OR_RETURN(Manifest manifest, load_manifest(manifest_path));
  if (!manifest.entries.empty() && manifest.subject != snap.subject) {
    return fail(ErrorCode::kInvalidArgument,
                "{}: belongs to subject \"{}\", not \"{}\" (both map to dataset \"{}\")",
                manifest_path.string(), manifest.subject, snap.subject, dataset);
  }
  manifest.subject = snap.subject;

  std::vector<const RegisteredVersion*> versions;
  for (const auto& v : snap.versions) versions.push_back(&v);
  std::sort(versions.begin(), versions.end(),
            [](const auto* a, const auto* b) { return a->version < b->version; });

  // The schema of the newest manifest entry, for comparing the next registry version.
  avro::SchemaPtr previous_schema;
  for (const RegisteredVersion* rv : versions) {
    auto parsed = parse_with_references(*rv, index, 0);
    if (!parsed) return fail(with_place(parsed.error(), snap.subject, rv->version));
    avro::SchemaPtr schema = *parsed;
    const std::string fp = fingerprint_hex(avro::rabin_fingerprint(schema->root()));

    ArtifactSpec spec;
    spec.name = dataset;
    // With references, the whole schema: to_json() defines each referenced type where
    // it is first used, so the artifact needs no other schema.
    spec.schema_text = rv->references.empty() ? rv->schema : schema->to_json();
    spec.source = source_of(registry_url, snap, *rv);

    if (const ManifestEntry* known = manifest.find(rv->version)) {
      if (known->fingerprint != fp) {
        return fail(ErrorCode::kCorrupt,
                    "{}: registry version {} of \"{}\" had fingerprint {}, the registry now "
                    "serves {}; was the registry reset? Move {} away to start over",
                    manifest_path.string(), rv->version, snap.subject, known->fingerprint, fp,
                    (repo / dataset).string());
      }
      previous_schema = schema;
      std::error_code ec;
      if (fs::exists(repo / dataset / known->version.to_string(), ec)) continue;
      spec.version = known->version;
      auto built = internal::build_artifact_locked(spec, repo);
      if (!built) return fail(with_place(built.error(), snap.subject, rv->version));
      report.built.push_back({snap.subject, dataset, rv->version, rv->schema_id, spec.version,
                              ChangeKind::kRebuilt, built->root});
      continue;
    }
    if (!manifest.entries.empty() && rv->version < manifest.entries.back().registry_version) {
      // A version older than ones already versioned (it was deleted and is back, or the
      // manifest was edited): versioning it now would break the order; leave it out.
      continue;
    }

    ManifestEntry entry;
    entry.registry_version = rv->version;
    entry.schema_id = rv->schema_id;
    entry.fingerprint = fp;
    if (manifest.entries.empty()) {
      entry.version = {1, 0, 0};
      entry.change = ChangeKind::kFirst;
    } else {
      const ManifestEntry& last = manifest.entries.back();
      if (!previous_schema) {
        // The previous registry version is gone from the registry: use the artifact's copy.
        const fs::path schema_file = repo / dataset / last.version.to_string() / "share" /
                                     fmt::format("{}-{}", dataset, last.version.to_string()) /
                                     "schema.avsc";
        std::ifstream in(schema_file, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        if (!in) {
          return fail(ErrorCode::kNotFound, "{}: cannot read the previous version's schema",
                      schema_file.string());
        }
        SLUICE_ASSIGN_OR_RETURN(previous_schema, avro::Schema::parse(text.str()));
      }
      if (last.fingerprint == fp && previous_schema->to_json() == schema->to_json()) {
        // The same schema registered again: same artifact, nothing to build. (The same
        // canonical form alone is not enough: defaults, logical types, aliases and docs
        // are outside it, and each changes the generated classes.)
        entry.version = last.version;
        entry.change = last.change;
        manifest.entries.push_back(entry);
        SLUICE_TRY(save_manifest(manifest_path, manifest));
        previous_schema = schema;
        continue;
      }
      bool compatible = avro::check_compatibility(schema->root(), previous_schema->root()).empty();
      if (compatible) {
        entry.version = {last.version.major, last.version.minor, last.version.patch + 1};
        entry.change = ChangeKind::kCompatible;
      } else {
        int major = 0;
        for (const auto& e : manifest.entries) major = std::max(major, e.version.major);
        entry.version = {major + 1, 0, 0};
        entry.change = ChangeKind::kIncompatible;
      }
    }
    spec.version = entry.version;
    auto built = internal::build_artifact_locked(spec, repo);
    if (!built) return fail(with_place(built.error(), snap.subject, rv->version));
    manifest.entries.push_back(entry);
    SLUICE_TRY(save_manifest(manifest_path, manifest));
    report.built.push_back({snap.subject, dataset, rv->version, rv->schema_id, entry.version,
                            entry.change, built->root});
    previous_schema = schema;
  }
  return {};
}

}  // namespace

std::string_view change_kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kFirst: return "first";
    case ChangeKind::kCompatible: return "compatible";
    case ChangeKind::kIncompatible: return "incompatible";
    case ChangeKind::kRebuilt: return "rebuilt";
  }
  return "?";
}

SyncReport sync_artifacts(std::span<const SubjectSnapshot> snapshot, const fs::path& repo,
                          std::string_view registry_url,
                          std::span<const SubjectSnapshot> referenced) {
  const VersionIndex index(snapshot, referenced);
  std::vector<const SubjectSnapshot*> subjects;
  for (const auto& s : snapshot) subjects.push_back(&s);
  std::sort(subjects.begin(), subjects.end(),
            [](const auto* a, const auto* b) { return a->subject < b->subject; });

  SyncReport report;
  auto lock = internal::RepoLock::acquire(repo);
  if (!lock) {
    for (const SubjectSnapshot* s : subjects) report.failed.push_back({s->subject, lock.error()});
    return report;
  }

  // Who keeps a dataset name that several subjects map to, in any case ("orders_value"
  // and "Orders_Value" would define the same compile definitions, and share a folder on
  // a case-insensitive file system): the subject whose manifest is there, else the first
  // in name order. Decided before anything is built, so that the outcome does not depend
  // on which subject comes first in this run.
  std::map<std::string, std::vector<std::string>> claimants;  // dataset_name_key -> subjects
  for (const SubjectSnapshot* s : subjects)
    claimants[internal::dataset_name_key(dataset_name_for_subject(s->subject))].push_back(s->subject);
  std::map<std::string, std::string> owner;  // dataset_name_key -> subject
  for (const auto& [key, names] : claimants) {
    owner[key] = names.front();
    if (names.size() == 1) continue;
    for (const std::string& name : names) {
      auto manifest = load_manifest(repo / dataset_name_for_subject(name) / "versions.json");
      if (manifest && manifest->subject == name) {
        owner[key] = name;
        break;
      }
    }
  }

  for (const SubjectSnapshot* s : subjects) {
    const std::string dataset = dataset_name_for_subject(s->subject);
    if (const std::string& keeper = owner[internal::dataset_name_key(dataset)]; keeper != s->subject) {
      const std::string kept = dataset_name_for_subject(keeper);
      const std::string names =
          kept == dataset ? fmt::format("dataset name \"{}\", which", dataset)
                          : fmt::format("dataset names \"{}\" and \"{}\", which differ only in "
                                        "case; the name", kept, dataset);
      report.failed.push_back(
          {s->subject, Error(ErrorCode::kInvalidArgument,
                             fmt::format("subject \"{}\": subjects \"{}\" and \"{}\" map to {} "
                                         "stays \"{}\"'s (sync the other into another --out, or "
                                         "narrow with --prefix)",
                                         s->subject, keeper, s->subject, names, keeper))});
      continue;
    }
    auto not_avro = std::find_if(s->versions.begin(), s->versions.end(),
                                 [](const auto& v) { return v.schema_type != "AVRO"; });
    if (not_avro != s->versions.end()) {
      report.skipped.push_back(fmt::format("{}: version {} is a {} schema, not Avro", s->subject,
                                           not_avro->version, not_avro->schema_type));
      continue;
    }
    if (Status st = sync_subject(*s, dataset, repo, registry_url, index, report); !st) {
      // Name the subject where the error does not already (a manifest's path names only
      // the dataset folder).
      const std::string named = fmt::format("subject \"{}\"", s->subject);
      if (st.error().message().starts_with(named)) {
        report.failed.push_back({s->subject, st.error()});
      } else {
        report.failed.push_back(
            {s->subject, Error(st.error().code(),
                               fmt::format("{}: {}", named, st.error().to_string()))});
      }
    }
  }
  return report;
}

}  // namespace sluice::codegen
