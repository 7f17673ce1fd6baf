// build_artifact() for a caller that already holds the repository's lock (RepoLock):
// sync_artifacts locks once for its whole run, and flock(2) would make a second lock of
// the folder, from another open of it, wait for the first. Unlike build_artifact(), it
// leaves removing a killed run's temporaries to the caller (sync does it per dataset).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"
#include "codegen/artifact.h"

namespace sluice::codegen::internal {

Result<ArtifactInfo> build_artifact_locked(const ArtifactSpec& spec,
                                           const std::filesystem::path& out_dir);

// The key under which dataset names collide: the name in lower case ("orders_value" and
// "Orders_Value" define the same ORDERS_VALUE_ARTIFACT_HEADER, and share a folder on a
// case-insensitive file system).
std::string dataset_name_key(std::string_view name);

}  // namespace sluice::codegen::internal
