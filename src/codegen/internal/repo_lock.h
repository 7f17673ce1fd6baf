// One writer at a time in an artifact repository (the --out folder of `sluice artifact
// build` and `sync`): two runs at once would both read a manifest, both pick the next
// version and overwrite each other's versions.json.
//
//   SLUICE_ASSIGN_OR_RETURN(RepoLock lock, RepoLock::acquire(out_dir));
//   ... read manifests, build, write manifests ...
//   // released when `lock` is destroyed (or when the process dies, even by SIGKILL)
//
// The lock is flock(2) on the folder itself (no lock file is left in the repository),
// waited for without a time limit. Holding it also makes it safe to remove what a killed
// run left behind (remove_stale_temporaries).
#pragma once

#include <filesystem>

#include "base/result.h"

namespace sluice::codegen::internal {

class RepoLock {
 public:
  // Creates `repo` if needed and waits until no other run holds its lock. kIo naming
  // the folder when it cannot be created, opened or locked.
  static Result<RepoLock> acquire(const std::filesystem::path& repo);

  RepoLock(RepoLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RepoLock& operator=(RepoLock&&) = delete;
  RepoLock(const RepoLock&) = delete;
  ~RepoLock();

 private:
  explicit RepoLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Removes the temporary folders and files that an interrupted run left in `dataset_dir`
// (".<version>.tmp-XXXXXX" folders of build_artifact, "versions.json.tmp" of a sync).
// Call only while holding the repository's lock: then no live run owns them.
void remove_stale_temporaries(const std::filesystem::path& dataset_dir);

}  // namespace sluice::codegen::internal
