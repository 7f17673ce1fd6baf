// README examples run as tests (STYLE.md): every ```sh block of README.md runs with
// bash -euo pipefail in a fresh folder, with the built `sluice` first on PATH.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_test_util.h"
#include "test_support.h"

namespace sluice::testing {
namespace {

std::vector<std::string> sh_blocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  std::size_t pos = 0;
  while ((pos = markdown.find("\n```sh\n", pos)) != std::string::npos) {
    std::size_t start = pos + 7;
    std::size_t end = markdown.find("\n```", start);
    if (end == std::string::npos) break;
    blocks.push_back(markdown.substr(start, end - start + 1));
    pos = end + 4;
  }
  return blocks;
}

TEST(Readme, ShellExamplesRun) {
  std::filesystem::path readme = std::filesystem::path(SLUICE_SOURCE_DIR) / "README.md";
  ASSERT_TRUE(std::filesystem::exists(readme));
  auto blocks = sh_blocks(read_file(readme));
  ASSERT_FALSE(blocks.empty()) << "README.md has no ```sh block";
  std::string bin_dir = std::filesystem::path(sluice_binary()).parent_path().string();
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    TempDir dir;
    write_file(dir / "example.sh", blocks[i]);
    auto r = run_command("cd " + quote(dir.path()) + " && PATH=" + sh_quote(bin_dir) +
                         ":\"$PATH\" bash -euo pipefail example.sh");
    EXPECT_EQ(r.exit_code, 0) << "README block " << i << " failed:\n" << blocks[i] << "\nstderr:\n"
                              << r.err;
    if (i == 0) {
      // The tour's checkpoints.
      EXPECT_NE(r.out.find("\"name\":\"example.User\""), std::string::npos) << r.out;
      EXPECT_NE(r.out.find("1002"), std::string::npos) << r.out;
      EXPECT_NE(r.out.find("grace@example.com"), std::string::npos) << r.out;
      EXPECT_NE(r.out.find("\"country\": \"unknown\""), std::string::npos) << r.out;
      EXPECT_NE(r.out.find("age"), std::string::npos) << r.out;
      EXPECT_NE(r.out.find("exit 1"), std::string::npos) << r.out;
    }
  }
}

}  // namespace
}  // namespace sluice::testing
