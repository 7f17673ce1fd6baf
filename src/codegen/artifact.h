// Schema artifacts: one schema version as an install-ready CMake package holding the
// generated C++ classes, the schema file and version metadata (`sluice artifact build`).
//
//   ArtifactSpec spec;
//   spec.name = "movies";                                   // dataset: package + namespace
//   SLUICE_ASSIGN_OR_RETURN(spec.version, ArtifactVersion::parse("1.2.3"));
//   spec.schema_text = avsc;                                // a schema or a JSON array
//   spec.source = "schemas/movies/v1.avsc";                 // recorded in artifact.json
//   SLUICE_ASSIGN_OR_RETURN(ArtifactInfo info, build_artifact(spec, "artifacts"));
//
// Tree written under <out>/<name>/<x.y.z>/, itself an installation prefix:
//   include/<name>/v<x_y_z>/<name>.hpp            classes in namespace <name>::v<x_y_z>,
//                                                 plus kArtifactVersion, kSchemaFingerprint
//   include/<name>/v<x_y_z>/<name>_generated.hpp  what `sluice avro codegen` writes
//   share/<name>-<x.y.z>/schema.avsc              the schema text, as given
//   share/<name>-<x.y.z>/artifact.json            name, version, fingerprint, source
//   lib/cmake/<name>/<x.y.z>/<name>Config.cmake   this version's package (+ ConfigVersion)
//   lib/cmake/<name>/<name>Config.cmake           the chooser: identical bytes in every
//   lib/cmake/<name>/<name>ConfigVersion.cmake    version, so copying several versions into
//                                                 one prefix merges them without conflict
// find_package(<name> [x.y.z [EXACT]] CONFIG) finds the chooser, which picks among the
// versions installed beside it: with EXACT that version; with a version, the highest one
// of the same major version that is not lower; with none, the highest. It defines the
// INTERFACE target <name>::<name> (include dir, sluice::avro through find_dependency(Sluice),
// compile definitions <NAME>_ARTIFACT_HEADER="<name>/v<x_y_z>/<name>.hpp" and
// <NAME>_ARTIFACT_NAMESPACE=<name>::v<x_y_z>).
//
// The output is a pure function of the spec: no timestamps, no absolute paths, files in a
// fixed order, so building the same spec twice gives byte-identical trees.
#pragma once

#include <compare>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sluice::codegen {

// A semantic version x.y.z (numbers only; no pre-release or build suffix).
struct ArtifactVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;

  // Parses "x.y.z" (each 0..999999, no sign, spaces or leading zeros: "01.2.3" is
  // refused, as semantic versioning does). kInvalidArgument otherwise.
  static Result<ArtifactVersion> parse(std::string_view text);
  std::string to_string() const;  // "1.2.3"
  std::string tag() const;        // "v1_2_3": the namespace and include folder part
  auto operator<=>(const ArtifactVersion&) const = default;
};

struct ArtifactSpec {
  std::string name;  // dataset name: a C++ identifier (checked by validate_dataset_name)
  ArtifactVersion version;
  std::string schema_text;  // one schema, or a JSON array of schemas (a union)
  std::string source;       // free text recorded as "source" in artifact.json
};

struct ArtifactInfo {
  std::filesystem::path root;     // <out>/<name>/<x.y.z>
  std::uint64_t fingerprint = 0;  // CRC-64-AVRO of the schema's Parsing Canonical Form
  std::vector<std::string> files;  // paths relative to root, sorted
  bool existed = false;  // the same build was there already: nothing was written
};

// kInvalidArgument unless `name` is [A-Za-z][A-Za-z0-9_]* (at most 100 characters)
// without "__", and is not a C++ keyword, a standard library macro (linux, EOF), a name
// the generated code uses (std, sluice, string), one declared globally (time, by the C
// library; isnan, a g++ built-in; main) nor, in any case, "sluice" (the Sluice library's
// own package): it becomes a CMake package name, a folder and, as written, a C++ namespace.
Status validate_dataset_name(std::string_view name);

// A dataset name for a registry subject: every character outside [A-Za-z0-9_] becomes
// '_' (with an 'x' between two, so "__" becomes "_x_"), a name starting with a digit (or
// empty) gets a "d_" prefix and one starting with '_' a "d", and a name that is still
// not valid (a keyword, a macro) gets "d_". "movies.watch-value" -> "movies_watch_value".
// A name longer than 100 characters keeps its first 83 (without trailing '_') and gets
// '_' and the 16 hex digits of the subject's CRC-64-AVRO fingerprint.
std::string dataset_name_for_subject(std::string_view subject);

// The Rabin fingerprint as artifact.json and the header print it: 16 lowercase hex digits.
std::string fingerprint_hex(std::uint64_t fingerprint);

// Parses the schema, generates the classes and writes the tree described above into
// <out_dir>/<name>/<x.y.z>/. A published version never changes: when that folder exists
// already it must hold exactly the files this spec gives (then nothing is written: a
// re-run is a no-op), otherwise kInvalidArgument names the first file that differs
// (give a new version, or remove the folder to replace it). The tree is written under a
// temporary name first and renamed into place, so a failure leaves no partial artifact.
// Fails with kInvalidArgument (bad name, a different existing build), kInvalidSchema
// (bad schema, naming the JSON path), whatever the generator reports, or kIo naming the
// path.
Result<ArtifactInfo> build_artifact(const ArtifactSpec& spec, const std::filesystem::path& out_dir);

}  // namespace sluice::codegen
