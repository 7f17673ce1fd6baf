// Helpers for tests that run the real `sluice` binary.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "test_support.h"

namespace sluice::testing {

// `text` quoted for /bin/sh.
inline std::string sh_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

inline std::string quote(const std::filesystem::path& p) { return sh_quote(p.string()); }

// Runs `sluice <args>` (args already quoted as needed).
inline CommandResult sluice(const std::string& args) {
  return run_command(sh_quote(sluice_binary()) + " " + args);
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

// The CLI's error contract: exactly one line "sluice: error: ..." on stderr.
#define EXPECT_ONE_LINE_ERROR(result)                                                    \
  do {                                                                                   \
    EXPECT_EQ((result).err.rfind("sluice: error: ", 0), 0u) << (result).err;             \
    EXPECT_EQ(std::count((result).err.begin(), (result).err.end(), '\n'), 1) << (result).err; \
    EXPECT_EQ((result).err.find("terminate"), std::string::npos) << (result).err;        \
  } while (false)

}  // namespace sluice::testing
