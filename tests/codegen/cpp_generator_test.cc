// generate_cpp_header and `sluice avro codegen`: the text it writes (the generated
// classes themselves are compiled and exercised by codegen_generated_tests).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "avro/schema.h"
#include "codegen/cpp_generator.h"
#include "codegen/internal/cpp_names.h"
#include "test_support.h"

namespace sluice::codegen {
namespace {

using testing::run_command;
using testing::sluice_binary;
using testing::TempDir;

avro::SchemaPtr parse(std::string_view json) {
  auto schema = avro::Schema::parse(json);
  EXPECT_TRUE(schema.has_value()) << (schema ? "" : schema.error().to_string());
  return *schema;
}

std::string generate(std::string_view json, CppOptions options = {}) {
  std::vector<avro::SchemaPtr> schemas{parse(json)};
  auto header = generate_cpp_header(schemas, options);
  EXPECT_TRUE(header.has_value()) << (header ? "" : header.error().to_string());
  return header ? *header : "";
}

constexpr const char* kList = R"({"type":"record","name":"List","namespace":"a.b","doc":"A list.",
  "fields":[{"name":"value","type":"int","doc":"The value."},
            {"name":"next","type":["null","List"],"default":null}]})";

TEST(CppNames, Mangling) {
  EXPECT_EQ(internal::cpp_identifier("userId"), "userId");
  EXPECT_EQ(internal::cpp_identifier("class"), "class_");
  EXPECT_EQ(internal::cpp_identifier("namespace"), "namespace_");
  EXPECT_EQ(internal::cpp_identifier("int"), "int_");
  EXPECT_EQ(internal::cpp_identifier("std"), "std_");
  EXPECT_EQ(internal::cpp_identifier("to_avro"), "to_avro_");
  EXPECT_EQ(internal::cpp_identifier("_Reserved"), "x_Reserved");
  EXPECT_EQ(internal::cpp_identifier("a__b"), "a_x_b");
  EXPECT_EQ(internal::cpp_identifier("Class"), "Class");
  std::string name = "tm";
  internal::add_underscore(name);
  EXPECT_EQ(name, "tm_");
  internal::add_underscore(name);
  EXPECT_EQ(name, "tm_x_");  // never "tm__": a double underscore is reserved
}

// Names that still collide after mangling get more underscores, never a "__".
TEST(CppNames, CollisionsNeverMakeADoubleUnderscore) {
  // "class" is mangled to class_, which the next field already holds.
  std::string h = generate(R"({"type":"record","name":"R","fields":[
    {"name":"class_","type":"int"},{"name":"class","type":"int"},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["new_","new"]}}]})");
  EXPECT_NE(h.find("std::int32_t class_{};"), std::string::npos) << h;
  EXPECT_NE(h.find("std::int32_t class_x_{};"), std::string::npos) << h;
  EXPECT_NE(h.find("new_x_"), std::string::npos) << h;
  // None anywhere in the header but the compiler's own macros (__GNUC__, __clang__) in
  // its preprocessor lines.
  std::istringstream lines(h);
  for (std::string line; std::getline(lines, line);)
    if (!line.starts_with("#")) {
      EXPECT_EQ(line.find("__"), std::string::npos) << line;
    }
  // --namespace time: ::time is a function of the C library.
  CppOptions options;
  options.cpp_namespace = "time.v1";
  EXPECT_NE(generate(R"({"type":"record","name":"R","fields":[]})", options)
                .find("namespace time_::v1 {"),
            std::string::npos);
}

TEST(CppGenerator, StructNamespaceDocAndRecursion) {
  std::string h = generate(kList);
  EXPECT_NE(h.find("namespace a::b {"), std::string::npos) << h;
  EXPECT_NE(h.find("struct List {"), std::string::npos);
  EXPECT_NE(h.find("// A list."), std::string::npos);
  EXPECT_NE(h.find("  // The value.\n  std::int32_t value{};"), std::string::npos) << h;
  // No initializer: List is not complete there (holds_incomplete); still nullopt.
  EXPECT_NE(h.find("std::optional<::sluice::avro::gen::Box<List>> next;"), std::string::npos)
      << h;
  EXPECT_NE(h.find("#include \"avro/codegen_support.h\""), std::string::npos);
  // Only the Sluice Avro support header and standard headers are included.
  std::size_t pos = 0;
  while ((pos = h.find("#include ", pos)) != std::string::npos) {
    std::string line = h.substr(pos, h.find('\n', pos) - pos);
    EXPECT_TRUE(line.find('<') != std::string::npos || line.find("avro/codegen_support.h") !=
                                                           std::string::npos)
        << line;
    pos += 9;
  }
}

TEST(CppGenerator, Deterministic) {
  EXPECT_EQ(generate(kList), generate(kList));
}

TEST(CppGenerator, NamespaceOverrideAndMaps) {
  const char* schema = R"({"type":"record","name":"R","namespace":"x.y",
    "fields":[{"name":"m","type":{"type":"map","values":"long"}}]})";
  CppOptions options;
  options.cpp_namespace = "app.v1";
  options.map_kind = MapKind::kUnordered;
  std::string h = generate(schema, options);
  EXPECT_NE(h.find("namespace app::v1 {"), std::string::npos) << h;
  EXPECT_NE(h.find("std::unordered_map<std::string, std::int64_t> m{};"), std::string::npos) << h;
  EXPECT_NE(generate(schema).find("std::map<std::string, std::int64_t> m{};"), std::string::npos);
}

// --namespace must name namespaces: each part an Avro-style name (then mangled as Avro
// namespaces are: class -> class_), or the header would not compile.
TEST(CppGenerator, NamespaceOverrideMustBeNames) {
  const char* schema = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
  std::vector<avro::SchemaPtr> schemas{parse(schema)};
  for (const char* bad : {"1abc", "a-b", "a b", "a::2", "x.é", "::", ""}) {
    CppOptions options;
    options.cpp_namespace = bad;
    auto header = generate_cpp_header(schemas, options);
    ASSERT_FALSE(header) << bad;
    EXPECT_EQ(header.error().code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(header.error().message().find("C++ namespace"), std::string::npos)
        << header.error().message();
  }
  CppOptions options;
  options.cpp_namespace = "class::_x.y9";
  EXPECT_NE(generate(schema, options).find("namespace class_::x_x::y9 {"), std::string::npos);
}

TEST(CppGenerator, ViewsOfNonRecursiveRecords) {
  const char* schema = R"({"type":"record","name":"R","namespace":"x",
    "fields":[{"name":"s","type":"string"},{"name":"b","type":"bytes"},
              {"name":"m","type":{"type":"map","values":"long"}},
              {"name":"AvroView","type":"int"},
              {"name":"in","type":{"type":"record","name":"In","fields":[
                 {"name":"o","type":["null","string"]}]}}]})";
  std::string h = generate(schema);
  EXPECT_NE(h.find("  struct AvroView {\n    std::string_view s{};\n"
                   "    std::span<const std::uint8_t> b{};\n"
                   "    std::vector<std::pair<std::string_view, std::int64_t>> m{};\n"
                   "    std::int32_t AvroView_{};\n    In::AvroView in{};\n"),
            std::string::npos)
      << h;
  EXPECT_NE(h.find("    std::optional<std::string_view> o{};"), std::string::npos) << h;
  EXPECT_NE(h.find("inline void R::decode_avro(::sluice::avro::gen::Decoder& decoder, R::AvroView& view)"),
            std::string::npos);
  EXPECT_NE(h.find("inline void R::AvroView::encode_avro(::sluice::avro::gen::Encoder& out) const"),
            std::string::npos);
  // A recursive record has no view (it would hold a view of an incomplete type).
  EXPECT_EQ(generate(kList).find("AvroView"), std::string::npos);
}

// g++ parses one expression of n terms in time and memory growing with n squared: a wide
// record's encoder checks its room every 64 values, not once for all of them.
TEST(CppGenerator, RoomChecksOfWideRecordsStaySmall) {
  std::string fields;
  for (int i = 0; i < 300; ++i)
    fields += fmt::format(R"({}{{"name":"f{}","type":["null","string"],"default":null}})",
                          i ? "," : "", i);
  std::string h = generate(R"({"type":"record","name":"W","fields":[)" + fields + "]}");
  std::size_t checks = 0;
  for (std::size_t at = h.find("out.room("); at != std::string::npos; at = h.find("out.room(", at + 1)) {
    ++checks;
    const std::string expr = h.substr(at, h.find(");", at) - at);
    std::size_t terms = 1;
    for (std::size_t p = expr.find(" +"); p != std::string::npos; p = expr.find(" +", p + 1)) ++terms;
    EXPECT_LE(terms, 65u);  // the fixed bytes, and 64 string sizes
  }
  EXPECT_EQ(checks, 10u);  // ceil(300 / 64) for the record, as many for its view
}

TEST(CppGenerator, FixedOfSizeZeroReadsAndWritesNothing) {
  // std::array<T, 0>::data() may be null, and memcpy from or to null is undefined even
  // for no bytes: no read_raw/write_raw/put_raw of it (UBSan found them).
  const char* schema = R"({"type":"record","name":"R","fields":[
    {"name":"a","type":{"type":"fixed","name":"F0","size":0}},
    {"name":"b","type":{"type":"array","items":"F0"}},
    {"name":"c","type":["null","F0"]},
    {"name":"d","type":{"type":"map","values":"F0"}}]})";
  std::string h = generate(schema);
  EXPECT_NE(h.find("using F0 = std::array<std::uint8_t, 0>;"), std::string::npos) << h;
  EXPECT_EQ(h.find("_raw("), std::string::npos) << h;
}

TEST(CppGenerator, Errors) {
  auto none = generate_cpp_header({}, {});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::kInvalidArgument);

  // Two types that the --namespace override gathers into one C++ namespace: the later
  // one takes its namespace as a prefix instead of failing (same_names.avsc compiles it).
  std::vector<avro::SchemaPtr> two{
      parse(R"({"type":"record","name":"R","namespace":"a","fields":[]})"),
      parse(R"({"type":"record","name":"R","namespace":"b","fields":[]})")};
  CppOptions options;
  options.cpp_namespace = "one";
  auto merged = generate_cpp_header(two, options);
  ASSERT_TRUE(merged.has_value()) << merged.error().to_string();
  EXPECT_NE(merged->find("struct R {"), std::string::npos);
  EXPECT_NE(merged->find("struct b_R {"), std::string::npos);
  EXPECT_TRUE(generate_cpp_header(two, {}).has_value());

  // The same fullname defined differently in two schemas.
  std::vector<avro::SchemaPtr> clash{
      parse(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})"),
      parse(R"({"type":"record","name":"R","fields":[{"name":"a","type":"long"}]})")};
  EXPECT_FALSE(generate_cpp_header(clash, {}).has_value());

  // Defaults that are valid Avro strings or bytes but no value of the C++ type: every
  // constructor would throw, so generation fails and names the field.
  std::vector<avro::SchemaPtr> bad_uuid{parse(
      R"({"type":"record","name":"U","namespace":"n","fields":[
           {"name":"id","type":{"type":"string","logicalType":"uuid"},"default":"not-a-uuid"}]})")};
  auto uuid = generate_cpp_header(bad_uuid, {});
  ASSERT_FALSE(uuid.has_value());
  EXPECT_NE(uuid.error().message().find("n.U.id: default \"not-a-uuid\""), std::string::npos)
      << uuid.error().message();
  EXPECT_NE(uuid.error().message().find("not a UUID"), std::string::npos);
  // big-decimal bytes: a scale varint and an unscaled value; "\u0080" is a varint that
  // never ends.
  std::vector<avro::SchemaPtr> bad_big{parse(
      R"({"type":"record","name":"B","fields":[
           {"name":"amount","type":{"type":"bytes","logicalType":"big-decimal"},
            "default":"\u0080"}]})")};
  auto big = generate_cpp_header(bad_big, {});
  ASSERT_FALSE(big.has_value());
  EXPECT_NE(big.error().message().find("B.amount: default"), std::string::npos)
      << big.error().message();
  // A decimal default with more digits than the precision (256 for decimal(2, 0)), as
  // bytes, as fixed and inside an array: every constructor would make an unencodable value.
  for (const char* type : {R"({"type":"bytes","logicalType":"decimal","precision":2})",
                           R"({"type":"fixed","name":"F","size":2,"logicalType":"decimal","precision":2})"}) {
    std::vector<avro::SchemaPtr> wide_decimal{parse(fmt::format(
        R"({{"type":"record","name":"D","fields":[{{"name":"x","type":{},"default":"\u0001\u0000"}}]}})",
        type))};
    auto decimal = generate_cpp_header(wide_decimal, {});
    ASSERT_FALSE(decimal.has_value()) << type;
    EXPECT_NE(decimal.error().message().find("D.x: default"), std::string::npos)
        << decimal.error().message();
    EXPECT_NE(decimal.error().message().find("decimal 256 has more than 2 digits"), std::string::npos)
        << decimal.error().message();
  }
  std::vector<avro::SchemaPtr> in_array{parse(
      R"({"type":"record","name":"A","fields":[
           {"name":"xs","type":{"type":"array","items":{"type":"bytes","logicalType":"decimal","precision":2}},
            "default":["\u0001\u0000"]}]})")};
  auto array = generate_cpp_header(in_array, {});
  ASSERT_FALSE(array.has_value());
  EXPECT_NE(array.error().message().find("decimal 256 has more than 2 digits"), std::string::npos)
      << array.error().message();
  // A valid UUID default still generates.
  std::vector<avro::SchemaPtr> good_uuid{parse(
      R"({"type":"record","name":"G","fields":[
           {"name":"id","type":{"type":"string","logicalType":"uuid"},
            "default":"123e4567-e89b-12d3-a456-426614174000"}]})")};
  EXPECT_TRUE(generate_cpp_header(good_uuid, {}).has_value());
}

TEST(CodegenCommand, StdoutFileDirectoryAndUsage) {
  TempDir dir;
  testing::write_file(dir / "list.avsc", kList);
  std::string sluice = sluice_binary();
  auto out = run_command(sluice + " avro codegen " + (dir / "list.avsc").string());
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_NE(out.out.find("struct List {"), std::string::npos);
  EXPECT_NE(out.out.find("from list.avsc"), std::string::npos);

  auto file = run_command(sluice + " avro codegen " + (dir / "list.avsc").string() +
                          " --namespace my::ns --out " + (dir / "list.hpp").string());
  ASSERT_EQ(file.exit_code, 0) << file.err;
  std::string text = testing::read_file(dir / "list.hpp");
  EXPECT_NE(text.find("namespace my::ns {"), std::string::npos);
  // Same input, same bytes.
  auto again = run_command(sluice + " avro codegen " + (dir / "list.avsc").string() +
                           " --namespace my::ns");
  EXPECT_EQ(again.out, text);

  auto to_dir = run_command(sluice + " avro codegen " + (dir / "list.avsc").string() +
                            " --out " + (dir / "gen/").string());
  ASSERT_EQ(to_dir.exit_code, 0) << to_dir.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "gen/list.hpp"));

  auto help = run_command(sluice + " avro codegen --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--map"), std::string::npos);
  auto bad_map = run_command(sluice + " avro codegen " + (dir / "list.avsc").string() +
                             " --map sorted");
  EXPECT_EQ(bad_map.exit_code, 2);
  auto missing = run_command(sluice + " avro codegen " + (dir / "nope.avsc").string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.avsc"), std::string::npos);
  // Inline JSON that starts with '[' (a union of records) is one schema, and may be
  // followed by another schema.
  auto inline_union = run_command(
      sluice + " avro codegen '[{\"type\":\"record\",\"name\":\"A\",\"fields\":[]},"
               "{\"type\":\"record\",\"name\":\"B\",\"fields\":[]}]' " +
      (dir / "list.avsc").string());
  ASSERT_EQ(inline_union.exit_code, 0) << inline_union.err;
  EXPECT_NE(inline_union.out.find("struct A {"), std::string::npos);
  EXPECT_NE(inline_union.out.find("struct B {"), std::string::npos);
  EXPECT_NE(inline_union.out.find("struct List {"), std::string::npos);
}

TEST(CodegenCommand, ALaterSchemaMayUseTheNamedTypesOfEarlierOnes) {
  TempDir dir;
  testing::write_file(dir / "point.avsc",
                      R"({"type":"record","name":"Point","namespace":"geo",)"
                      R"("fields":[{"name":"x","type":"int"}]})");
  testing::write_file(dir / "path.avsc",
                      R"({"type":"record","name":"Path","namespace":"geo",)"
                      R"("fields":[{"name":"points","type":{"type":"array","items":"Point"}}]})");
  std::string sluice = sluice_binary();
  std::string both = (dir / "point.avsc").string() + " " + (dir / "path.avsc").string();
  // One header: Point once, then Path using it.
  auto one = run_command(sluice + " avro codegen " + both);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out.find("struct Point {"), one.out.rfind("struct Point {"));
  EXPECT_LT(one.out.find("struct Point {"), one.out.find("struct Path {"));
  // In the other order, Point is not known yet when Path is read.
  auto reversed = run_command(sluice + " avro codegen " + (dir / "path.avsc").string() + " " +
                              (dir / "point.avsc").string());
  EXPECT_EQ(reversed.exit_code, 1);
  // The error says which later schema defines it.
  EXPECT_NE(reversed.err.find("unknown type \"Point\" (point.avsc defines geo.Point, but comes "
                              "after it"),
            std::string::npos)
      << reversed.err;
  // Also when the schema defining it needs a still later one (route.avsc uses Path,
  // which needs Point): the hint names path.avsc, not point.avsc.
  testing::write_file(dir / "route.avsc",
                      R"({"type":"record","name":"Route","namespace":"geo",)"
                      R"("fields":[{"name":"path","type":"Path"}]})");
  auto deeper = run_command(sluice + " avro codegen " + (dir / "route.avsc").string() + " " +
                            (dir / "path.avsc").string() + " " + (dir / "point.avsc").string());
  EXPECT_EQ(deeper.exit_code, 1);
  EXPECT_NE(deeper.err.find("unknown type \"Path\" (path.avsc defines geo.Path, but comes after it"),
            std::string::npos)
      << deeper.err;
  // Alone, it is only an unknown type.
  auto alone = run_command(sluice + " avro codegen " + (dir / "path.avsc").string());
  EXPECT_EQ(alone.exit_code, 1);
  EXPECT_NE(alone.err.find("unknown type \"Point\""), std::string::npos) << alone.err;
  EXPECT_EQ(alone.err.find("comes after"), std::string::npos) << alone.err;
  // A header per schema: path.hpp includes point.hpp rather than defining Point again
  // (tests/codegen/generated/generated_split_test.cc compiles such a pair).
  auto to_dir = run_command(sluice + " avro codegen " + both + " --out " + (dir / "gen/").string());
  ASSERT_EQ(to_dir.exit_code, 0) << to_dir.err;
  std::string point = testing::read_file(dir / "gen/point.hpp");
  std::string path = testing::read_file(dir / "gen/path.hpp");
  EXPECT_NE(point.find("struct Point {"), std::string::npos);
  EXPECT_EQ(point.find("#include \"path.hpp\""), std::string::npos);
  EXPECT_NE(path.find("#include \"point.hpp\""), std::string::npos);
  EXPECT_EQ(path.find("struct Point"), std::string::npos);
  EXPECT_NE(path.find("struct Path {"), std::string::npos);
  // Schemas that each define the same type themselves still get a header each, the
  // later one including the earlier rather than defining the type again (the two
  // headers go into one program).
  testing::write_file(dir / "point2.avsc", testing::read_file(dir / "point.avsc"));
  auto same = run_command(sluice + " avro codegen " + (dir / "point.avsc").string() + " " +
                          (dir / "point2.avsc").string() + " --out " + (dir / "gen2/").string());
  ASSERT_EQ(same.exit_code, 0) << same.err;
  std::string point2 = testing::read_file(dir / "gen2/point2.hpp");
  EXPECT_NE(point2.find("#include \"point.hpp\""), std::string::npos) << point2;
  EXPECT_EQ(point2.find("struct Point"), std::string::npos) << point2;
  // Two different definitions of one type are refused, as in one header.
  testing::write_file(dir / "point3.avsc",
                      R"({"type":"record","name":"Point","namespace":"geo",)"
                      R"("fields":[{"name":"x","type":"long"}]})");
  auto differ = run_command(sluice + " avro codegen " + (dir / "point.avsc").string() + " " +
                            (dir / "point3.avsc").string() + " --out " + (dir / "gen4/").string());
  EXPECT_NE(differ.exit_code, 0);
  EXPECT_NE(differ.err.find("two different definitions of the named type geo.Point"),
            std::string::npos)
      << differ.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "gen4/point.hpp"));
  // Two schemas of one file name would write one header: refused, nothing written.
  std::filesystem::create_directories(dir / "other");
  testing::write_file(dir / "other/point.avsc", testing::read_file(dir / "point.avsc"));
  auto clash = run_command(sluice + " avro codegen " + (dir / "point.avsc").string() + " " +
                           (dir / "other/point.avsc").string() + " --out " +
                           (dir / "gen3/").string());
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_NE(clash.err.find("would both be written to point.hpp"), std::string::npos) << clash.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "gen3"));
}

}  // namespace
}  // namespace sluice::codegen
