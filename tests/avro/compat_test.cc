// check_compatibility: every incompatibility, with the reader path and the rule.
// Paths use the reader's record name at the root, ".field" for fields, "[]" for array
// items and "{}" for map values.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "avro/resolution.h"
#include "avro/schema.h"

namespace sluice::avro {
namespace {

std::vector<std::string> compat(const char* reader, const char* writer) {
  auto r = Schema::parse(reader);
  auto w = Schema::parse(writer);
  EXPECT_TRUE(r) << r.error().to_string();
  EXPECT_TRUE(w) << w.error().to_string();
  if (!r || !w) return {"<schema error>"};
  std::vector<std::string> out;
  for (const Incompatibility& inc : check_compatibility((*r)->root(), (*w)->root())) {
    out.push_back(inc.to_string());
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(CompatTest, IdenticalAndPromotedSchemasAreCompatible) {
  const char* schema = R"({"type":"record","name":"R","fields":[
      {"name":"a","type":"int"},{"name":"s","type":["null","string"]},
      {"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"]}}]})";
  EXPECT_EQ(compat(schema, schema), Strings{});
  EXPECT_EQ(compat(R"("double")", R"("int")"), Strings{});
  EXPECT_EQ(compat(R"("float")", R"("long")"), Strings{});
  EXPECT_EQ(compat(R"("bytes")", R"("string")"), Strings{});
  EXPECT_EQ(compat(R"("string")", R"("bytes")"), Strings{});
  EXPECT_EQ(compat(R"(["null","long"])", R"("int")"), Strings{});
}

TEST(CompatTest, ReversePromotionIsIncompatible) {
  EXPECT_EQ(compat(R"("int")", R"("long")"), Strings{"writer long vs reader int"});
  EXPECT_EQ(compat(R"("float")", R"("double")"), Strings{"writer double vs reader float"});
}

TEST(CompatTest, NestedRecordPathUsesRootNameAndFields) {
  const char* writer = R"({"type":"record","name":"Interop","namespace":"org.apache.avro","fields":[
      {"name":"recordField","type":{"type":"record","name":"Node","fields":[
        {"name":"label","type":"string"},
        {"name":"children","type":{"type":"array","items":{"type":"record","name":"Child","fields":[
          {"name":"label","type":"string"}]}}}]}}]})";
  const char* reader = R"({"type":"record","name":"Interop","namespace":"org.apache.avro","fields":[
      {"name":"recordField","type":{"type":"record","name":"Node","fields":[
        {"name":"label","type":"string"},
        {"name":"children","type":{"type":"array","items":{"type":"record","name":"Child","fields":[
          {"name":"label","type":"int"}]}}}]}}]})";
  EXPECT_EQ(compat(reader, writer),
            Strings{"Interop.recordField.children[].label: writer string vs reader int"});
}

TEST(CompatTest, MapValuePathUsesBraces) {
  EXPECT_EQ(compat(R"({"type":"record","name":"R","fields":[{"name":"m","type":{"type":"map","values":
                     {"type":"record","name":"V","fields":[{"name":"x","type":"int"}]}}}]})",
                   R"({"type":"record","name":"R","fields":[{"name":"m","type":{"type":"map","values":
                     {"type":"record","name":"V","fields":[{"name":"x","type":"boolean"}]}}}]})"),
            Strings{"R.m{}.x: writer boolean vs reader int"});
  EXPECT_EQ(compat(R"({"type":"map","values":{"type":"array","items":"int"}})",
                   R"({"type":"map","values":{"type":"array","items":"string"}})"),
            Strings{"{}[]: writer string vs reader int"});
}

TEST(CompatTest, MissingFieldWithoutDefault) {
  EXPECT_EQ(compat(R"({"type":"record","name":"R","fields":[
                     {"name":"a","type":"int"},{"name":"x","type":"int"},
                     {"name":"y","type":"string","default":"ok"}]})",
                   R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})"),
            Strings{"R.x: reader field 'x' has no default and is missing from the writer"});
}

TEST(CompatTest, FieldAliasSatisfiesMissingField) {
  EXPECT_EQ(compat(R"({"type":"record","name":"R","fields":[{"name":"x","aliases":["old"],"type":"long"}]})",
                   R"({"type":"record","name":"R","fields":[{"name":"old","type":"int"}]})"),
            Strings{});
}

TEST(CompatTest, EnumWithoutDefaultListsEachMissingSymbol) {
  EXPECT_EQ(compat(R"({"type":"record","name":"R","fields":[{"name":"e","type":
                     {"type":"enum","name":"E","symbols":["A"]}}]})",
                   R"({"type":"record","name":"R","fields":[{"name":"e","type":
                     {"type":"enum","name":"E","symbols":["A","B","C"]}}]})"),
            (Strings{"R.e: writer enum symbol 'B' not in reader and reader has no default",
                     "R.e: writer enum symbol 'C' not in reader and reader has no default"}));
}

TEST(CompatTest, EnumWithDefaultAcceptsNewSymbols) {
  EXPECT_EQ(compat(R"({"type":"enum","name":"E","symbols":["A","U"],"default":"U"})",
                   R"({"type":"enum","name":"E","symbols":["A","B","C"]})"),
            Strings{});
}

TEST(CompatTest, EnumAtRootIsNamedByItsName) {
  EXPECT_EQ(compat(R"({"type":"enum","name":"ns.E","symbols":["A"]})",
                   R"({"type":"enum","name":"ns.E","symbols":["A","B"]})"),
            Strings{"E: writer enum symbol 'B' not in reader and reader has no default"});
}

TEST(CompatTest, UnionBranchRemoval) {
  EXPECT_EQ(compat(R"({"type":"record","name":"R","fields":[{"name":"u","type":["null","string"]}]})",
                   R"({"type":"record","name":"R","fields":[{"name":"u","type":["null","string","int"]}]})"),
            Strings{"R.u: writer union branch 2 (int) has no match in reader union [null, string]"});
  // Adding a branch in the reader is fine.
  EXPECT_EQ(compat(R"(["null","string","int"])", R"(["null","string"])"), Strings{});
}

TEST(CompatTest, WriterUnionIntoNonUnion) {
  EXPECT_EQ(compat(R"({"type":"record","name":"R","fields":[{"name":"u","type":"long"}]})",
                   R"({"type":"record","name":"R","fields":[{"name":"u","type":["null","int"]}]})"),
            Strings{"R.u: writer union branch 0 (null) vs reader long"});
}

TEST(CompatTest, NonUnionIntoUnionWithoutMatch) {
  EXPECT_EQ(compat(R"({"type":"record","name":"R","fields":[{"name":"u","type":["null","string"]}]})",
                   R"({"type":"record","name":"R","fields":[{"name":"u","type":"boolean"}]})"),
            Strings{"R.u: writer boolean vs reader union [null, string]"});
}

TEST(CompatTest, FixedSizeAndNames) {
  EXPECT_EQ(compat(R"({"type":"record","name":"R","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":8}}]})",
                   R"({"type":"record","name":"R","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":16}}]})"),
            Strings{"R.f: fixed size 16 vs 8"});
  EXPECT_EQ(compat(R"({"type":"fixed","name":"a.C","size":2})",
                   R"({"type":"fixed","name":"a.B","size":2})"),
            Strings{"C: name mismatch: writer a.B vs reader a.C"});
  EXPECT_EQ(compat(R"({"type":"fixed","name":"a.C","aliases":["B"],"size":2})",
                   R"({"type":"fixed","name":"a.B","size":2})"),
            Strings{});
}

TEST(CompatTest, RecordNameMismatchAndAliases) {
  EXPECT_EQ(compat(R"({"type":"record","name":"a.C","fields":[]})",
                   R"({"type":"record","name":"a.B","fields":[]})"),
            Strings{"C: name mismatch: writer a.B vs reader a.C"});
  EXPECT_EQ(compat(R"({"type":"record","name":"b.C","aliases":["a.B"],"fields":[]})",
                   R"({"type":"record","name":"a.B","fields":[]})"),
            Strings{});
  // Unqualified names match across namespaces.
  EXPECT_EQ(compat(R"({"type":"record","name":"x.B","fields":[]})",
                   R"({"type":"record","name":"y.B","fields":[]})"),
            Strings{});
}

TEST(CompatTest, EveryIncompatibilityIsListedInReaderOrder) {
  EXPECT_EQ(compat(R"({"type":"record","name":"R","fields":[
                     {"name":"a","type":"int"},
                     {"name":"b","type":{"type":"array","items":"int"}},
                     {"name":"c","type":"string"},
                     {"name":"d","type":{"type":"map","values":"float"}}]})",
                   R"({"type":"record","name":"R","fields":[
                     {"name":"d","type":{"type":"map","values":"double"}},
                     {"name":"b","type":{"type":"array","items":"long"}},
                     {"name":"a","type":"string"}]})"),
            (Strings{"R.a: writer string vs reader int", "R.b[]: writer long vs reader int",
                     "R.c: reader field 'c' has no default and is missing from the writer",
                     "R.d{}: writer double vs reader float"}));
}

TEST(CompatTest, RecursiveSchemasTerminate) {
  const char* writer = R"({"type":"record","name":"Tree","fields":[
      {"name":"label","type":"string"},
      {"name":"kids","type":{"type":"array","items":"Tree"}}]})";
  const char* reader_ok = R"({"type":"record","name":"Tree","fields":[
      {"name":"kids","type":{"type":"array","items":"Tree"}},
      {"name":"label","type":"bytes"},
      {"name":"weight","type":"double","default":0.0}]})";
  const char* reader_bad = R"({"type":"record","name":"Tree","fields":[
      {"name":"kids","type":{"type":"array","items":"Tree"}},
      {"name":"label","type":"int"}]})";
  EXPECT_EQ(compat(reader_ok, writer), Strings{});
  EXPECT_EQ(compat(reader_bad, writer), Strings{"Tree.label: writer string vs reader int"});
}

TEST(CompatTest, CompileFailsWithTheSameList) {
  auto r = Schema::parse(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"x","type":"int"}]})");
  auto w = Schema::parse(R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"}]})");
  ASSERT_TRUE(r && w);
  auto plan = ResolutionPlan::compile(*w, *r);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code(), ErrorCode::kIncompatible);
  EXPECT_EQ(plan.error().message(),
            "R.a: writer string vs reader int; "
            "R.x: reader field 'x' has no default and is missing from the writer");
}

TEST(CompatTest, RuntimeOnlyProblemsDoNotFailCompile) {
  auto r = Schema::parse(R"({"type":"record","name":"R","fields":[
      {"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},
      {"name":"u","type":["null","string"]}]})");
  auto w = Schema::parse(R"({"type":"record","name":"R","fields":[
      {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
      {"name":"u","type":["null","string","int"]}]})");
  ASSERT_TRUE(r && w);
  EXPECT_TRUE(ResolutionPlan::compile(*w, *r));
  EXPECT_EQ(check_compatibility((*r)->root(), (*w)->root()).size(), 2u);
}

}  // namespace
}  // namespace sluice::avro
