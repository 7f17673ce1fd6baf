// build_artifact() for a caller that already holds the repository's lock (RepoLock):
// sync_artifacts locks once for its whole run, and flock(2) would wait on a second lock
// of the same file taken by the same process.
#pragma once

#include <filesystem>

#include "base/result.h"
#include "codegen/artifact.h"

namespace sluice::codegen::internal {

Result<ArtifactInfo> build_artifact_locked(const ArtifactSpec& spec,
                                           const std::filesystem::path& out_dir);

// A dataset folder in `out_dir` whose name differs from `name` only in case, or "".
std::string dataset_differing_in_case(const std::filesystem::path& out_dir, std::string_view name);

}  // namespace sluice::codegen::internal
