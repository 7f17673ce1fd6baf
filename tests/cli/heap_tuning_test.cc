// tune_heap_for_streaming(): large buffers allocated after it fault in huge pages
// (a handful of faults for 16 MiB), where before each 4 KiB page faulted on its own.
// Each test runs in its own process under ctest (gtest_discover_tests), so the tuning
// of one does not leak into the other.
#include "cli/heap_tuning.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "base/sanitizer.h"


namespace sluice::cli {
namespace {

constexpr std::size_t kBytes = 16 << 20;
constexpr std::size_t kSmallPages = kBytes / 4096;

long minor_faults() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// Minor page faults taken while a fresh kBytes buffer is written once per 4 KiB.
long faults_touching_a_fresh_buffer() {
  auto buffer = std::make_unique_for_overwrite<unsigned char[]>(kBytes);
  long before = minor_faults();
  for (std::size_t i = 0; i < kBytes; i += 4096)
    buffer[i] = static_cast<unsigned char>(i);
  long after = minor_faults();
  EXPECT_EQ(buffer[4096], 0);  // keeps the writes
  return after - before;
}

// The kernel's transparent huge page setting, e.g. "always [madvise] never" (empty when
// the kernel has none).
std::string huge_page_setting() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::stringstream text;
  text << f.rdbuf();
  return text.str();
}

// Why the test is skipped here, or empty when it can run.
std::string skip_reason() {
#if SLUICE_ADDRESS_SANITIZER
  return "AddressSanitizer's allocator replaces glibc malloc; the tuning is a no-op there";
#else
  std::string setting = huge_page_setting();
  if (setting.empty() || setting.find("[never]") != std::string::npos)
    return "transparent huge pages are off on this kernel";
  return {};
#endif
}

TEST(HeapTuning, WithoutItEveryPageOfALargeBufferFaults) {
  if (std::string why = skip_reason(); !why.empty())
    GTEST_SKIP() << why;
  if (huge_page_setting().find("[always]") != std::string::npos)
    GTEST_SKIP() << "transparent huge pages are 'always' here: any large mapping gets them";
  EXPECT_GE(faults_touching_a_fresh_buffer(), static_cast<long>(kSmallPages * 9 / 10));
}

TEST(HeapTuning, LargeBuffersFaultInHugePagesAfterIt) {
  if (std::string why = skip_reason(); !why.empty())
    GTEST_SKIP() << why;
  tune_heap_for_streaming();
  tune_heap_for_streaming();  // a second call changes nothing
  EXPECT_LT(faults_touching_a_fresh_buffer(), static_cast<long>(kSmallPages / 8));
}

}  // namespace
}  // namespace sluice::cli
