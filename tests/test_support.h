// Helpers shared by all test binaries: where shared data lives, skipping when it is
// absent (with a printed reason), reading files, running commands.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sluice::testing {

// ../shared/data (overridable with SLUICE_SHARED_DATA in the environment).
inline std::filesystem::path shared_data() {
  if (const char* env = std::getenv("SLUICE_SHARED_DATA")) return env;
  return SLUICE_SHARED_DATA;
}

// The built `sluice` binary.
inline std::string sluice_binary() {
  if (const char* env = std::getenv("SLUICE_BINARY")) return env;
  return SLUICE_BINARY;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "sluice-test-XXXXXX").string();
    path_ = mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` through /bin/sh, capturing stdout and stderr.
inline CommandResult run_command(const std::string& command) {
  TempDir dir;
  auto out = dir / "stdout";
  auto err = dir / "stderr";
  std::string full = command + " >" + out.string() + " 2>" + err.string();
  int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace sluice::testing

// Skips the current test, printing why, when ../shared/data is not there.
#define SLUICE_REQUIRE_SHARED_DATA()                                                   \
  do {                                                                                 \
    if (!std::filesystem::exists(::sluice::testing::shared_data())) {                   \
      GTEST_SKIP() << "shared data not found at " << ::sluice::testing::shared_data()   \
                   << " (set SLUICE_SHARED_DATA)";                                      \
    }                                                                                  \
  } while (false)
