#include "cli/heap_tuning.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace sluice::cli {
namespace {

constexpr std::size_t kGrowthStep = 64 << 20;      // heap grows by this much at a time
constexpr std::size_t kLargeBuffer = 64 << 20;     // only larger blocks get their own mmap
constexpr std::size_t kHugePage = std::size_t{2} << 20;

}  // namespace

void tune_heap_for_streaming() {
  static bool done = false;
  if (done)
    return;
  done = true;
#if defined(__GLIBC__)
  ::mallopt(M_MMAP_THRESHOLD, static_cast<int>(kLargeBuffer));
  ::mallopt(M_TOP_PAD, static_cast<int>(kGrowthStep));
  ::mallopt(M_TRIM_THRESHOLD, static_cast<int>(kGrowthStep * 4));
  // Grow the main heap by one large step now (a block too large for the free space it
  // has) and mark everything from that block's start to the new top as huge-page
  // memory; later growth extends the same mapping, which keeps the advice.
  void* probe = std::malloc(kGrowthStep / 2);
  if (probe == nullptr)
    return;
  const auto start = reinterpret_cast<std::uintptr_t>(probe);
  std::free(probe);
  const auto top = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  const auto from = (start + kHugePage - 1) & ~(kHugePage - 1);
  // Only when the block came from the main heap just below its top (not from another
  // allocator's mapping, as under AddressSanitizer): never advise memory we don't own.
  if (top != static_cast<std::uintptr_t>(-1) && start < top && top - start <= 2 * kGrowthStep &&
      from < top)
    ::madvise(reinterpret_cast<void*>(from), top - from, MADV_HUGEPAGE);
#endif
}

}  // namespace sluice::cli
