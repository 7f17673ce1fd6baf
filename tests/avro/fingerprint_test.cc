// Rabin (CRC-64-AVRO), MD5 and SHA-256 fingerprints. MD5 and SHA-256 are checked
// against Python's hashlib, run at test time, over the same canonical forms.
#include "avro/fingerprint.h"

#include "avro/schema.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::avro {
namespace {

// Java's reference "slow but direct" Rabin fingerprint, bit by bit, for cross-checking
// the table-driven one.
std::uint64_t slow_rabin(std::string_view data) {
  std::uint64_t fp = kRabinEmpty;
  for (char c : data) {
    fp ^= static_cast<std::uint8_t>(c);
    for (int i = 0; i < 8; ++i) fp = (fp >> 1) ^ (kRabinEmpty & (0 - (fp & 1)));
  }
  return fp;
}

TEST(FingerprintTest, RabinEmptyAndKnownValues) {
  EXPECT_EQ(rabin_fingerprint(""), 0xc15d213aa4d7a795ULL);
  // From the upstream vectors.
  EXPECT_EQ(rabin_signed(R"("null")"), 7195948357588979594LL);
  EXPECT_EQ(rabin_signed(R"("string")"), -8142146995180207161LL);
  EXPECT_EQ(rabin_signed(R"({"name":"foo","type":"record","fields":[]})"), -4824392279771201922LL);
  for (std::string s : {"a", "abc", "\xff\x00\x80", "{\"type\":\"array\",\"items\":\"null\"}"}) {
    EXPECT_EQ(rabin_fingerprint(s), slow_rabin(s)) << s;
  }
}

TEST(FingerprintTest, NodeOverloadsUseCanonicalForm) {
  auto s = Schema::parse(R"({"type":"record","name":"R","namespace":"n","doc":"x",
                             "fields":[{"name":"a","type":{"type":"int"}}]})");
  ASSERT_TRUE(s) << s.error().to_string();
  std::string pcf = canonical_form((*s)->root());
  EXPECT_EQ(rabin_fingerprint((*s)->root()), rabin_fingerprint(pcf));
  EXPECT_EQ(rabin_signed((*s)->root()), rabin_signed(pcf));
  EXPECT_EQ(md5_fingerprint((*s)->root()), md5_fingerprint(pcf));
  EXPECT_EQ(sha256_fingerprint((*s)->root()), sha256_fingerprint(pcf));
}

TEST(FingerprintTest, HexIsLowercase) {
  const std::uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(to_hex(bytes), "000fa0ff");
  EXPECT_EQ(to_hex({}), "");
  EXPECT_EQ(to_hex(md5_fingerprint("")), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(FingerprintTest, Md5AndSha256MatchPythonHashlib) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/python3"))
      << "/usr/bin/python3 is missing (scripts/install-deps.sh)";
  const char* schemas[] = {
      R"("int")",
      R"({"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":"long"}]})",
      R"({"type":"enum","name":"E","symbols":["A","B"]})",
      R"(["null",{"type":"map","values":{"type":"fixed","name":"F","size":3}}])",
  };
  testing::TempDir dir;
  for (const char* json : schemas) {
    auto s = Schema::parse(json);
    ASSERT_TRUE(s) << s.error().to_string();
    std::string pcf = canonical_form((*s)->root());
    testing::write_file(dir / "pcf", pcf);
    auto r = testing::run_command(
        "/usr/bin/python3 -c 'import hashlib,sys; d=open(sys.argv[1],\"rb\").read(); "
        "print(hashlib.md5(d).hexdigest(), hashlib.sha256(d).hexdigest())' " +
        (dir / "pcf").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, to_hex(md5_fingerprint((*s)->root())) + " " +
                         to_hex(sha256_fingerprint((*s)->root())) + "\n")
        << pcf;
  }
}

}  // namespace
}  // namespace sluice::avro
