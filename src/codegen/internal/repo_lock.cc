// One writer at a time in an artifact repository (see repo_lock.h).
#include "codegen/internal/repo_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace sluice::codegen::internal {
namespace fs = std::filesystem;

Result<RepoLock> RepoLock::acquire(const fs::path& repo) {
  std::error_code ec;
  fs::create_directories(repo, ec);
  if (ec) return fail(ErrorCode::kIo, "{}: {}", repo.string(), ec.message());
  // The folder itself is locked, so that the repository holds nothing but datasets.
  int fd = ::open(repo.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::kIo, "{}: cannot open: {}", repo.string(), std::strerror(errno));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    return fail(ErrorCode::kIo, "{}: cannot lock: {}", repo.string(), std::strerror(err));
  }
  return RepoLock(fd);
}

RepoLock::~RepoLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the lock
}

void remove_stale_temporaries(const fs::path& dataset_dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dataset_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool build_temp = name.starts_with(".") && name.find(".tmp-") != std::string::npos;
    if (build_temp || name == "versions.json.tmp") {
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  }
}

}  // namespace sluice::codegen::internal
