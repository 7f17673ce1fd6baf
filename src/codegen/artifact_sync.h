// Schema registry -> artifact repository (`sluice artifact sync`): one artifact per
// registered subject version, versioned by a fixed rule, idempotent across re-runs.
//
//   std::vector<SubjectSnapshot> snapshot = ...;   // every subject's versions (the CLI
//                                                  // fetches them with registry::Client)
//   SyncReport report = sync_artifacts(snapshot, "repo", url);
//   for (const SyncFailure& f : report.failed) ...;   // subjects left behind, and why
//   if (report.built.empty() && report.failed.empty()) puts("up to date");
//
// Versioning rule, per subject (dataset name = dataset_name_for_subject(subject)):
//   - the first registry version becomes artifact 1.0.0;
//   - each later registry version is compared with the previous one: the same schema
//     (every attribute: defaults, logical types, aliases and docs change the generated
//     classes, though not the canonical form) keeps the previous artifact version
//     (nothing is built); a schema
//     that can read the previous one's data (check_compatibility, BACKWARD sense:
//     new reader, previous writer) bumps the patch number (1.0.0 -> 1.0.1); anything
//     else (possible when the subject's level is NONE) bumps the major (1.0.1 -> 2.0.0).
// The manifest <repo>/<dataset>/versions.json maps each registry version (with its
// schema id and fingerprint) to its artifact version; a registry version already in
// the manifest is never re-versioned, only rebuilt if its folder is missing, so a re-run
// with no registry change builds nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "codegen/artifact.h"

namespace sluice::codegen {

// A schema reference as the registry serves it: the named type `name` is defined by
// version `version` of `subject` (-1: its latest version).
struct SchemaRef {
  std::string name;
  std::string subject;
  int version = 0;
};

// One version of a subject as the registry serves it.
struct RegisteredVersion {
  int version = 0;             // the registry's version number (1, 2, ...)
  std::int64_t schema_id = 0;  // the registry's global schema id
  std::string schema_type = "AVRO";
  std::string schema;               // schema text
  std::vector<SchemaRef> references;  // named types the text uses without defining them
};

struct SubjectSnapshot {
  std::string subject;
  std::vector<RegisteredVersion> versions;  // any order
};

enum class ChangeKind : std::uint8_t { kFirst, kCompatible, kIncompatible, kRebuilt };
std::string_view change_kind_name(ChangeKind kind);  // "first", "compatible", ...

struct SyncAction {
  std::string subject;
  std::string dataset;
  int registry_version = 0;
  std::int64_t schema_id = 0;
  ArtifactVersion version;
  ChangeKind change = ChangeKind::kFirst;
  std::filesystem::path root;  // the artifact's folder
};

// A subject sync_artifacts could not bring up to date (the artifacts of its earlier
// versions that it did build are in SyncReport::built all the same).
struct SyncFailure {
  std::string subject;
  Error error;  // its message names the subject and, where one is at fault, the version
};

struct SyncReport {
  std::vector<SyncAction> built;
  std::vector<std::string> skipped;  // "subject: why" for subjects that are not Avro
  std::vector<SyncFailure> failed;   // in subject order
};

// Schema references: a version whose text uses named types of other subjects (Confluent
// schema references) is resolved through the versions it references, looked up in
// `snapshot` and then in `referenced` (versions of subjects outside the snapshot, e.g.
// beyond a subject prefix, which get no artifacts of their own); references of
// references are followed, up to 32 deep. Its artifact holds the resolved, self-contained
// schema (the referenced types defined inline where first used): the header and
// schema.avsc need nothing else, and the fingerprint is that of the whole schema.
//
// Brings `repo` up to date with `snapshot` (see the rule above). `registry_url` is
// recorded in each artifact's source (give it without credentials). Subjects are
// processed in name order and versions in number order; the manifest is rewritten after
// every artifact, so an interrupted run resumes where it stopped.
//
// A subject that cannot be brought up to date does not stop the others: it is listed in
// `failed`, with the artifacts of its versions before the failing one built. Failures:
// kInvalidArgument when the subject's dataset name is another subject's (two subjects
// mapping to one name: the one the manifest names keeps it, else the first in name
// order) or its manifest belongs to another subject, kCorrupt for an unreadable manifest
// or one whose fingerprint for a registry version differs from the registry's (the
// registry was reset: move the dataset folder away), kNotFound for a reference to a
// version in neither list, kLimitExceeded for references nested deeper than 32 (or in a
// cycle), and as build_artifact().
SyncReport sync_artifacts(std::span<const SubjectSnapshot> snapshot,
                          const std::filesystem::path& repo, std::string_view registry_url,
                          std::span<const SubjectSnapshot> referenced = {});

}  // namespace sluice::codegen
