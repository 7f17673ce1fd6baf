// Parsing Canonical Form and Rabin fingerprints against the upstream vectors
// (avro-upstream/data_schema-tests.txt), plus the cases the vectors do not cover.
#include "avro/fingerprint.h"
#include "avro/schema.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace sluice::avro {
namespace {

struct Vector {
  std::string id;
  std::string input;
  std::string canonical;
  std::optional<std::int64_t> fingerprint;
};

// Format: "// NNN" starts a case; "<<INPUT text" or "<<INPUT" + lines + "INPUT";
// "<<canonical text"; optional "<<fingerprint N". Other "//" lines are comments.
std::vector<Vector> load_vectors(const std::string& text) {
  std::vector<Vector> out;
  std::istringstream in(text);
  std::string line;
  bool heredoc = false;
  while (std::getline(in, line)) {
    if (heredoc) {
      if (line == "INPUT") {
        heredoc = false;
      } else {
        out.back().input += line + "\n";
      }
      continue;
    }
    if (line.rfind("// ", 0) == 0 && line.size() == 6 &&
        line.find_first_not_of("0123456789", 3) == std::string::npos) {
      out.push_back({line.substr(3), "", "", std::nullopt});
    } else if (line.rfind("<<INPUT", 0) == 0 && !out.empty()) {
      if (line == "<<INPUT") {
        heredoc = true;
      } else {
        out.back().input = line.substr(8);
      }
    } else if (line.rfind("<<canonical ", 0) == 0 && !out.empty()) {
      out.back().canonical = line.substr(12);
    } else if (line.rfind("<<fingerprint ", 0) == 0 && !out.empty()) {
      out.back().fingerprint = std::stoll(line.substr(14));
    }
  }
  return out;
}

TEST(CanonicalTest, UpstreamVectors) {
  SLUICE_REQUIRE_SHARED_DATA();
  auto text = testing::read_file(testing::shared_data() / "avro-upstream/data_schema-tests.txt");
  auto vectors = load_vectors(text);
  ASSERT_EQ(vectors.size(), 34u);
  int fingerprints = 0;
  for (const Vector& v : vectors) {
    SCOPED_TRACE("case " + v.id + ": " + v.input);
    ASSERT_FALSE(v.input.empty());
    ASSERT_FALSE(v.canonical.empty());
    auto schema = Schema::parse(v.input);
    ASSERT_TRUE(schema) << schema.error().to_string();
    std::string pcf = canonical_form((*schema)->root());
    EXPECT_EQ(pcf, v.canonical);
    if (v.fingerprint) {
      ++fingerprints;
      EXPECT_EQ(rabin_signed(pcf), *v.fingerprint);
      EXPECT_EQ(rabin_signed((*schema)->root()), *v.fingerprint);
    }
    // The canonical form is itself a schema with the same canonical form.
    auto again = Schema::parse(pcf);
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_EQ(canonical_form((*again)->root()), pcf);
  }
  EXPECT_GE(fingerprints, 25);
}

std::string pcf(std::string_view json) {
  auto schema = Schema::parse(json);
  EXPECT_TRUE(schema) << schema.error().to_string();
  return schema ? canonical_form((*schema)->root()) : "";
}

TEST(CanonicalTest, StripsEverythingButParsingAttributes) {
  EXPECT_EQ(pcf(R"({"type":"fixed","name":"F","namespace":"n","size":16,"logicalType":"uuid",
                    "aliases":["G"],"doc":"d","custom":1})"),
            R"({"name":"n.F","type":"fixed","size":16})");
  EXPECT_EQ(pcf(R"({"type":"long","logicalType":"timestamp-millis"})"), R"("long")");
  EXPECT_EQ(pcf(R"({"type":"string","avro.java.string":"String"})"), R"("string")");
  EXPECT_EQ(pcf(R"({"type":"enum","name":"E","symbols":["A","B"],"default":"A"})"),
            R"({"name":"E","type":"enum","symbols":["A","B"]})");
  EXPECT_EQ(pcf(R"({"type":"record","name":"R","fields":[
                    {"name":"a","type":"int","default":1,"order":"ignore","doc":"x","p":2}]})"),
            R"({"name":"R","type":"record","fields":[{"name":"a","type":"int"}]})");
}

TEST(CanonicalTest, NamedTypesWrittenOnceThenByFullname) {
  EXPECT_EQ(pcf(R"({"type":"record","name":"R","namespace":"a.b","fields":[
                    {"name":"x","type":{"type":"fixed","name":"F","size":2}},
                    {"name":"y","type":"F"},
                    {"name":"z","type":{"type":"array","items":"a.b.F"}},
                    {"name":"self","type":["null","R"]}]})"),
            R"({"name":"a.b.R","type":"record","fields":[)"
            R"({"name":"x","type":{"name":"a.b.F","type":"fixed","size":2}},)"
            R"({"name":"y","type":"a.b.F"},)"
            R"({"name":"z","type":{"type":"array","items":"a.b.F"}},)"
            R"({"name":"self","type":["null","a.b.R"]}]})");
}

TEST(CanonicalTest, StringsAreUnescapedUtf8) {
  // Escapes in names are not valid names, but a doc with escapes is stripped; the
  // canonical form of a record whose name is plain stays plain. Check the escaper via
  // an enum symbol written with an escape sequence for a plain letter.
  EXPECT_EQ(pcf(R"({"type":"enum","name":"\u0045","symbols":["\u0041"]})"),
            R"({"name":"E","type":"enum","symbols":["A"]})");
}

TEST(CanonicalTest, IntegersWithoutLeadingZerosOrExponent) {
  EXPECT_EQ(pcf(R"({"type":"fixed","name":"F","size":0})"),
            R"({"name":"F","type":"fixed","size":0})");
  EXPECT_EQ(pcf(R"({"type":"fixed","name":"F","size":123456})"),
            R"({"name":"F","type":"fixed","size":123456})");
}

TEST(CanonicalTest, NullNamespaceInsideNamespace) {
  EXPECT_EQ(pcf(R"({"type":"record","name":"R","namespace":"n","fields":[
                    {"name":"e","type":{"type":"enum","name":"E","namespace":"","symbols":["A"]}},
                    {"name":"f","type":{"type":"enum","name":"G","symbols":["A"]}}]})"),
            R"({"name":"n.R","type":"record","fields":[)"
            R"({"name":"e","type":{"name":"E","type":"enum","symbols":["A"]}},)"
            R"({"name":"f","type":{"name":"n.G","type":"enum","symbols":["A"]}}]})");
}

}  // namespace
}  // namespace sluice::avro
