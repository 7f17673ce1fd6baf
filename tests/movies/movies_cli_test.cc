// `sluice movies simulate | check | schemas` through the real binary.
#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace sluice::movies {
namespace {

using testing::run_command;
using testing::sluice_binary;

TEST(MoviesCli, SimulateIsDeterministicAndCheckCountsEveryLine) {
  testing::TempDir dir;
  const std::string a = (dir / "a.log").string();
  const std::string b = (dir / "b.log").string();
  const std::string base = sluice_binary() + " movies simulate --lines 5000 --seed 9 ";
  auto ra = run_command(base + "--corruption-rate 0.1 --out " + a);
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  EXPECT_NE(ra.err.find("simulated 5000 lines"), std::string::npos) << ra.err;
  auto rb = run_command(base + "--corruption-rate 0.1 --out " + b);
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  EXPECT_EQ(testing::read_file(a), testing::read_file(b));

  auto check = run_command(sluice_binary() + " movies check " + a);
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("lines: 5000\n"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("rejected "), std::string::npos) << check.out;

  // Without corruption every line is an event.
  auto clean = run_command(sluice_binary() + " movies simulate --lines 3000 --seed 2 | " +
                           sluice_binary() + " movies check -");
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(clean.out.find("lines: 3000\n"), std::string::npos) << clean.out;
  EXPECT_EQ(clean.out.find("rejected "), std::string::npos) << clean.out;
}

TEST(MoviesCli, UsageErrorsAndSchemas) {
  EXPECT_EQ(run_command(sluice_binary() + " movies simulate --corruption-rate 2").exit_code, 2);
  EXPECT_EQ(run_command(sluice_binary() + " movies simulate --start yesterday").exit_code, 2);
  EXPECT_EQ(run_command(sluice_binary() + " movies schemas --version 9").exit_code, 2);
  auto v2 = run_command(sluice_binary() + " movies schemas --version 2");
  ASSERT_EQ(v2.exit_code, 0) << v2.err;
  EXPECT_NE(v2.out.find("deviceType"), std::string::npos);
  auto help = run_command(sluice_binary() + " movies simulate --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--corruption-rate"), std::string::npos);
  EXPECT_NE(help.out.find("Example"), std::string::npos);
}

}  // namespace
}  // namespace sluice::movies

namespace sluice::movies {
namespace {

// `--to kafka://`: each line one message keyed by its user id, read back with kcat (a
// real client) from `sluice kafka mock`.
TEST(MoviesCli, SimulateToKafkaProducesOneMessagePerLine) {
  ASSERT_EQ(std::system("command -v kcat >/dev/null 2>&1"), 0)
      << "kcat is missing (scripts/install-deps.sh installs it)";
  testing::TempDir dir;
  const std::string ready = (dir / "ready").string();
  const std::string pid = (dir / "pid").string();
  const std::string s = sluice_binary();
  std::string script =
      "(" + s + " kafka mock --topic movielog --ready-file " + ready +
      " >/dev/null 2>&1 & echo $! > " + pid + "); for i in $(seq 1 100); do [ -f " + ready +
      " ] && break; sleep 0.1; done; " + "BS=$(cut -d= -f2 " + ready + "); " + s +
      " movies simulate --lines 300 --seed 4 --to kafka://$BS/movielog 2>/dev/null && "
      "timeout 60 kcat -C -b $BS -t movielog -e -q -f '%k|%s\\n'; rc=$?; kill $(cat " +
      pid + "); exit $rc";
  testing::write_file(dir / "run.sh", script);
  auto r = run_command("bash " + (dir / "run.sh").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t messages = 0;
  std::size_t start = 0;
  while (start < r.out.size()) {
    std::size_t nl = r.out.find('\n', start);
    std::string m = r.out.substr(start, nl - start);
    start = nl == std::string::npos ? r.out.size() : nl + 1;
    ++messages;
    // key|<time>,<key>,<request>
    std::size_t bar = m.find('|');
    ASSERT_NE(bar, std::string::npos) << m;
    std::string key = m.substr(0, bar);
    EXPECT_NE(m.find("," + key + ","), std::string::npos) << m;
  }
  EXPECT_EQ(messages, 300u);
}

}  // namespace
}  // namespace sluice::movies
