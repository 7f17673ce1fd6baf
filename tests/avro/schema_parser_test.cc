// Schema::parse: accepted schemas, every documented error (code and JSON path), names
// and namespaces, aliases, defaults, properties, logical types and to_json round trips.
#include "avro/schema.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::avro {
namespace {

SchemaPtr must_parse(std::string_view json, const ParseOptions& options = {}) {
  auto schema = Schema::parse(json, options);
  EXPECT_TRUE(schema) << json << "\n" << schema.error().to_string();
  return schema ? *schema : nullptr;
}

// ---------------------------------------------------------------- errors

struct ErrorCase {
  const char* json;
  const char* path;     // Error::path()
  const char* message;  // a substring of Error::message()
};

class ParseErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrorTest, FailsWithPathAndMessage) {
  const ErrorCase& c = GetParam();
  auto schema = Schema::parse(c.json);
  ASSERT_FALSE(schema) << c.json << " parsed";
  EXPECT_EQ(schema.error().code(), ErrorCode::kInvalidSchema);
  EXPECT_EQ(schema.error().path(), c.path) << schema.error().to_string();
  EXPECT_NE(schema.error().message().find(c.message), std::string::npos)
      << schema.error().to_string();
}

const ErrorCase kErrorCases[] = {
    // Types.
    {R"("strin")", "", R"(unknown type "strin")"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},
        {"name":"b","type":"strin"}]})",
     "fields[1].type", R"(unknown type "strin")"},
    {"42", "", "expected a type name, an object or an array"},
    {"null", "", "expected a type name"},
    {R"({"items":"int"})", "", R"(missing "type")"},
    {R"({"type":42})", "type", R"("type" must be a string)"},
    {R"({"type":{"type":"int"}})", "type", R"("type" must be a string)"},
    {R"({"type":"intt"})", "type", R"(unknown type "intt")"},
    {R"({"type":"array"})", "", R"(array has no "items")"},
    {R"({"type":"map"})", "", R"(map has no "values")"},
    {R"({"type":"array","items":"nope"})", "items", R"(unknown type "nope")"},
    {R"({"type":"map","values":{"type":"array","items":"x"}})", "values.items",
     R"(unknown type "x")"},
    {R"({"type":"int","doc":5})", "doc", R"("doc" must be a string)"},
    // Names.
    {R"({"type":"record","fields":[]})", "", R"(record has no "name")"},
    {R"({"type":"enum","name":5,"symbols":[]})", "name", R"("name" must be a string)"},
    {R"({"type":"record","name":"1R","fields":[]})", "name", R"(invalid name "1R")"},
    {R"({"type":"record","name":"R-x","fields":[]})", "name", R"(invalid name "R-x")"},
    {R"({"type":"record","name":"","fields":[]})", "name", R"(invalid name "")"},
    {R"({"type":"record","name":"a..R","fields":[]})", "name", R"(invalid name "a..R")"},
    {R"({"type":"record","name":"a.9b.R","fields":[]})", "name", R"(invalid name "a.9b.R")"},
    {R"({"type":"record","name":".R","fields":[]})", "name", R"(invalid name ".R")"},
    {R"({"type":"record","name":"R.","fields":[]})", "name", R"(invalid name "R.")"},
    {R"({"type":"record","name":"R","namespace":"a.","fields":[]})", "namespace",
     R"(invalid namespace "a.")"},
    {R"({"type":"record","name":"R","namespace":"a.1","fields":[]})", "namespace",
     R"(invalid namespace "a.1")"},
    {R"({"type":"record","name":"R","namespace":7,"fields":[]})", "namespace",
     R"("namespace" must be a string)"},
    {R"({"type":"fixed","name":"int","size":4})", "name", "primitive type"},
    {R"({"type":"fixed","name":"a.b.string","size":4})", "name", "primitive type"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":
        {"type":"enum","name":"R","symbols":["A"]}}]})",
     "fields[0].type.name", R"(duplicate definition of name "R")"},
    {R"(["int",{"type":"fixed","name":"a.F","size":1},
        {"type":"fixed","name":"F","namespace":"a","size":2}])",
     "[2].name", R"(duplicate definition of name "a.F")"},
    {R"({"type":"record","name":"R","aliases":"S","fields":[]})", "aliases",
     R"("aliases" must be an array)"},
    {R"({"type":"record","name":"R","aliases":["S",1],"fields":[]})", "aliases[1]",
     "alias must be a string"},
    // Records and fields.
    {R"({"type":"record","name":"R"})", "", R"(record has no "fields")"},
    {R"({"type":"record","name":"R","fields":{}})", "fields", R"("fields" must be an array)"},
    {R"({"type":"record","name":"R","fields":["int"]})", "fields[0]", "a field must be an object"},
    {R"({"type":"record","name":"R","fields":[{"type":"int"}]})", "fields[0]",
     R"(field has no "name")"},
    {R"({"type":"record","name":"R","fields":[{"name":1,"type":"int"}]})", "fields[0].name",
     R"("name" must be a string)"},
    {R"({"type":"record","name":"R","fields":[{"name":"a.b","type":"int"}]})", "fields[0].name",
     R"(invalid field name "a.b")"},
    {R"({"type":"record","name":"R","fields":[{"name":"a b","type":"int"}]})", "fields[0].name",
     R"(invalid field name "a b")"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},
        {"name":"a","type":"long"}]})",
     "fields[1].name", R"(duplicate field name "a")"},
    {R"({"type":"record","name":"R","fields":[{"name":"a"}]})", "fields[0]",
     R"(field "a" has no "type")"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","doc":[]}]})",
     "fields[0].doc", R"("doc" must be a string)"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"up"}]})",
     "fields[0].order", "order must be"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":[3]}]})",
     "fields[0].aliases[0]", "alias must be a string"},
    {R"({"type":"record","name":"R","fields":[{"name":"next","type":"Next"}]})", "fields[0].type",
     R"(unknown type "Next")"},  // used before it is defined
    // Enums.
    {R"({"type":"enum","name":"E"})", "", R"(enum has no "symbols")"},
    {R"({"type":"enum","name":"E","symbols":"A"})", "symbols", R"("symbols" must be an array)"},
    {R"({"type":"enum","name":"E","symbols":["A",1]})", "symbols[1]", "symbol must be a string"},
    {R"({"type":"enum","name":"E","symbols":["A","9"]})", "symbols[1]", R"(invalid symbol "9")"},
    {R"({"type":"enum","name":"E","symbols":["A","B","A"]})", "symbols[2]",
     R"(duplicate symbol "A")"},
    {R"({"type":"enum","name":"E","symbols":["A"],"default":"B"})", "default",
     "is not one of the symbols"},
    {R"({"type":"enum","name":"E","symbols":["A"],"default":0})", "default",
     "is not one of the symbols"},
    // Fixed.
    {R"({"type":"fixed","name":"F"})", "", R"(fixed has no "size")"},
    {R"({"type":"fixed","name":"F","size":-1})", "size", "non-negative integer"},
    {R"({"type":"fixed","name":"F","size":1.5})", "size", "non-negative integer"},
    {R"({"type":"fixed","name":"F","size":"16"})", "size", "non-negative integer"},
    // Unions.
    {R"(["int",["null","string"]])", "[1]", "may not immediately contain another union"},
    {R"(["int","string","int"])", "[2]", "duplicate type int in union"},
    {R"(["null",{"type":"array","items":"int"},{"type":"array","items":"long"}])", "[2]",
     "duplicate type array in union"},
    {R"([{"type":"map","values":"int"},{"type":"map","values":"int"}])", "[1]",
     "duplicate type map in union"},
    {R"(["string",{"type":"string","logicalType":"uuid"}])", "[1]", "duplicate type string"},
    {R"([{"type":"fixed","name":"F","size":1},"F"])", "[1]", "duplicate type F in union"},
    {R"({"type":"record","name":"R","fields":[{"name":"u","type":["null","strin"]}]})",
     "fields[0].type[1]", R"(unknown type "strin")"},
    // Defaults.
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","default":1.5}]})",
     "fields[0].default", "default 1.5 does not match type int"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"1"}]})",
     "fields[0].default", R"(default "1" does not match type int)"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","default":2147483648}]})",
     "fields[0].default", "does not match type int"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","default":-2147483649}]})",
     "fields[0].default", "does not match type int"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"long",
        "default":9223372036854775808}]})",
     "fields[0].default", "does not match type long"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"long","default":1e3}]})",
     "fields[0].default", "does not match type long"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"float","default":1e39}]})",
     "fields[0].default", "does not match type float"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"double","default":"x"}]})",
     "fields[0].default", "does not match type double"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"null","default":0}]})",
     "fields[0].default", "does not match type null"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"boolean","default":1}]})",
     "fields[0].default", "does not match type boolean"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"string","default":null}]})",
     "fields[0].default", "does not match type string"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"bytes","default":"\u0100"}]})",
     "fields[0].default", "above U+00FF"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":"bytes","default":[1]}]})",
     "fields[0].default", "does not match type bytes"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","default":"abc",
        "type":{"type":"fixed","name":"F","size":2}}]})",
     "fields[0].default", "has 3 bytes, but fixed F has size 2"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","default":"C",
        "type":{"type":"enum","name":"E","symbols":["A","B"]}}]})",
     "fields[0].default", "is not a symbol of enum E"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","default":[1,"x"],
        "type":{"type":"array","items":"int"}}]})",
     "fields[0].default[1]", R"(default "x" does not match type int)"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","default":{"k":true},
        "type":{"type":"map","values":"string"}}]})",
     "fields[0].default.k", "default true does not match type string"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","default":{"x":1},
        "type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"},
                                                     {"name":"y","type":"int"}]}}]})",
     "fields[0].default", R"(no value for field "y" of record S)"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","default":{"x":"1"},
        "type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]}}]})",
     "fields[0].default.x", "does not match type int"},
    // A union's default may take any branch it fits (Avro 1.12), but must fit one.
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":["null","int"],
        "default":"x"}]})",
     "fields[0].default", R"(default "x" matches no branch of the union [null, int])"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array",
        "items":["int","boolean"]},"default":[1,"x"]}]})",
     "fields[0].default[1]", "matches no branch of the union [int, boolean]"},
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":[],"default":null}]})",
     "fields[0].default", "empty union"},
    // Nested paths.
    {R"({"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":
        {"type":"record","name":"S","fields":[{"name":"b","type":{"type":"map",
        "values":["null",{"type":"enum","name":"E","symbols":["X","X"]}]}}]}}}]})",
     "fields[0].type.items.fields[0].type.values[1].symbols[1]", R"(duplicate symbol "X")"},
};

INSTANTIATE_TEST_SUITE_P(Documented, ParseErrorTest, ::testing::ValuesIn(kErrorCases));

TEST(SchemaParserTest, InvalidJsonGivesByteOffset) {
  auto schema = Schema::parse(R"({"type": "record", "name": })");
  ASSERT_FALSE(schema);
  EXPECT_EQ(schema.error().code(), ErrorCode::kInvalidSchema);
  EXPECT_NE(schema.error().message().find("invalid JSON"), std::string::npos);
  ASSERT_TRUE(schema.error().byte_offset().has_value());
  EXPECT_EQ(*schema.error().byte_offset(), 27u);
  EXPECT_NE(schema.error().to_string().find("(at byte 27)"), std::string::npos);

  for (std::string_view bad : {"", "  ", "{", "[\"int\",]", "\"int\" \"long\"", "\"\xff\""}) {
    auto s = Schema::parse(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidSchema);
    EXPECT_TRUE(s.error().byte_offset().has_value()) << s.error().to_string();
  }
}

TEST(SchemaParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += R"({"type":"array","items":)";
  deep += "\"int\"";
  for (int i = 0; i < 100000; ++i) deep += "}";
  auto schema = Schema::parse(deep);
  ASSERT_FALSE(schema);
  EXPECT_EQ(schema.error().code(), ErrorCode::kInvalidSchema);
  EXPECT_NE(schema.error().message().find("nested deeper than 256"), std::string::npos);

  std::string unions(100000, '[');
  EXPECT_FALSE(Schema::parse(unions));

  // Within the limit it parses; a lower limit rejects it.
  std::string ok;
  for (int i = 0; i < 50; ++i) ok += R"({"type":"array","items":)";
  ok += "\"int\"" + std::string(50, '}');
  EXPECT_TRUE(Schema::parse(ok));
  ParseOptions strict;
  strict.max_depth = 10;
  EXPECT_FALSE(Schema::parse(ok, strict));
}

// ---------------------------------------------------------------- accepted shapes

TEST(SchemaParserTest, Primitives) {
  for (Type t : {Type::kNull, Type::kBoolean, Type::kInt, Type::kLong, Type::kFloat, Type::kDouble,
                 Type::kBytes, Type::kString}) {
    std::string name(type_name(t));
    auto a = must_parse("\"" + name + "\"");
    auto b = must_parse(R"({"type":")" + name + "\"}");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->root().type, t);
    EXPECT_EQ(b->root().type, t);
  }
}

TEST(SchemaParserTest, RecordFieldsAndAttributes) {
  auto s = must_parse(R"({"type":"record","name":"R","doc":"a record","fields":[
      {"name":"a","type":"int","doc":"field a","default":7,"order":"descending",
       "aliases":["old_a"]},
      {"name":"b","type":{"type":"array","items":"string"},"order":"ignore"},
      {"name":"c","type":{"type":"map","values":"long"},"default":{"x":1}}]})");
  ASSERT_TRUE(s);
  const Node& r = s->root();
  EXPECT_EQ(r.type, Type::kRecord);
  EXPECT_EQ(r.doc, "a record");
  ASSERT_EQ(r.fields.size(), 3u);
  EXPECT_EQ(r.fields[0].doc, "field a");
  EXPECT_EQ(r.fields[0].default_json, "7");
  EXPECT_EQ(r.fields[0].order, SortOrder::kDescending);
  EXPECT_EQ(r.fields[0].aliases, std::vector<std::string>{"old_a"});
  EXPECT_EQ(r.fields[1].order, SortOrder::kIgnore);
  EXPECT_EQ(r.fields[1].type->type, Type::kArray);
  EXPECT_EQ(r.fields[1].type->items->type, Type::kString);
  EXPECT_FALSE(r.fields[1].default_json.has_value());
  EXPECT_EQ(r.fields[2].type->values->type, Type::kLong);
  EXPECT_EQ(r.fields[2].default_json, R"({"x":1})");
  for (std::size_t i = 0; i < r.fields.size(); ++i) EXPECT_EQ(r.fields[i].index, i);
  EXPECT_EQ(r.field_index("c"), 2);
  EXPECT_EQ(s->named_types().size(), 1u);
}

TEST(SchemaParserTest, EnumAndFixed) {
  auto e = must_parse(R"({"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","_x1"],
                          "default":"HEARTS"})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->root().symbols.size(), 3u);
  EXPECT_EQ(e->root().enum_default, "HEARTS");
  auto f = must_parse(R"({"type":"fixed","name":"md5","size":16})");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->root().fixed_size, 16u);
  EXPECT_TRUE(must_parse(R"({"type":"fixed","name":"empty","size":0})"));
  EXPECT_TRUE(must_parse(R"({"type":"enum","name":"E","symbols":[]})"));
}

// "error" (a protocol's error record) is accepted in a plain schema, as Java and Python
// accept it: a record whose JSON keeps the word and whose canonical form says "record"
// (Java's SchemaNormalization).
TEST(SchemaParserTest, ErrorIsARecordThatKeepsItsWord) {
  auto e = must_parse(R"({"type":"error","name":"Oops","namespace":"n",
                          "fields":[{"name":"message","type":"string"}]})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->root().type, Type::kRecord);
  EXPECT_TRUE(e->root().is_error);
  EXPECT_EQ(e->root().fullname, "n.Oops");
  EXPECT_NE(e->to_json().find(R"("type":"error")"), std::string::npos) << e->to_json();
  EXPECT_EQ(canonical_form(e->root()),
            R"({"name":"n.Oops","type":"record","fields":[{"name":"message","type":"string"}]})");
  auto again = must_parse(e->to_json());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->root().is_error);
  // A record is not an error.
  auto r = must_parse(R"({"type":"record","name":"R","fields":[]})");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->root().is_error);
}

TEST(SchemaParserTest, Unions) {
  auto u = must_parse(R"(["null","int",{"type":"record","name":"A","fields":[]},
      {"type":"record","name":"B","fields":[]},{"type":"array","items":"A"},
      {"type":"map","values":"B"},{"type":"fixed","name":"F","size":2},
      {"type":"enum","name":"G","symbols":["X"]}])");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->root().branches.size(), 8u);
  EXPECT_EQ(u->root().null_branch(), 0);
  EXPECT_TRUE(must_parse("[]"));
}

TEST(SchemaParserTest, RecursiveRecordsReferToThemselves) {
  auto s = must_parse(R"({"type":"record","name":"LongList","aliases":["LinkedLongs"],
      "fields":[{"name":"value","type":"long"},
                {"name":"next","type":["null","LongList"]}]})");
  ASSERT_TRUE(s);
  const Node& r = s->root();
  EXPECT_EQ(r.fields[1].type->branches[1], &r);
  // Mutual recursion through a nested definition.
  auto t = must_parse(R"({"type":"record","name":"Tree","namespace":"t","fields":[
      {"name":"children","type":{"type":"array","items":{"type":"record","name":"Node",
        "fields":[{"name":"tree","type":"Tree"},{"name":"self","type":["null","t.Node"]}]}}}]})");
  ASSERT_TRUE(t);
  const Node* node = t->root().fields[0].type->items;
  EXPECT_EQ(node->fields[0].type, &t->root());
  EXPECT_EQ(node->fields[1].type->branches[1], node);
}

TEST(SchemaParserTest, ObjectTypeReferencingANamedType) {
  auto s = must_parse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":{"type":"fixed","name":"F","size":4}},
      {"name":"b","type":{"type":"F"}}]})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->root().fields[1].type, s->root().fields[0].type);
}

// ---------------------------------------------------------------- names

TEST(SchemaParserTest, SpecNamespaceExample) {
  // The example from the specification's "Names" section.
  auto s = must_parse(R"({
    "type": "record", "name": "Example",
    "fields": [
      {"name": "inheritNull", "type": {"type": "enum", "name": "Simple", "symbols": ["a", "b"]}},
      {"name": "explicitNamespace",
       "type": {"type": "fixed", "name": "Simple", "namespace": "explicit", "size": 12}},
      {"name": "fullName",
       "type": {"type": "record", "name": "a.full.Name", "namespace": "ignored",
                "fields": [{"name": "inheritNamespace",
                            "type": {"type": "enum", "name": "Understanding",
                                     "symbols": ["d", "e"]}}]}}
    ]})");
  ASSERT_TRUE(s);
  const Node& r = s->root();
  EXPECT_EQ(r.fullname, "Example");
  EXPECT_EQ(r.space, "");
  EXPECT_EQ(r.fields[0].type->fullname, "Simple");
  EXPECT_EQ(r.fields[1].type->fullname, "explicit.Simple");
  EXPECT_EQ(r.fields[1].type->name, "Simple");
  EXPECT_EQ(r.fields[1].type->space, "explicit");
  const Node* full = r.fields[2].type;
  EXPECT_EQ(full->fullname, "a.full.Name");
  EXPECT_EQ(full->space, "a.full");
  EXPECT_EQ(full->name, "Name");
  EXPECT_EQ(full->fields[0].type->fullname, "a.full.Understanding");
  EXPECT_EQ(s->named_types().size(), 5u);
  EXPECT_EQ(s->find_named("a.full.Understanding"), full->fields[0].type);
  EXPECT_EQ(s->find_named("Understanding"), nullptr);
}

TEST(SchemaParserTest, NamespaceInheritanceAndNullNamespace) {
  auto s = must_parse(R"({"type":"record","name":"Outer","namespace":"com.x","fields":[
      {"name":"a","type":{"type":"enum","name":"E","symbols":["A"]}},
      {"name":"b","type":{"type":"enum","name":"N","namespace":"","symbols":["A"]}},
      {"name":"c","type":{"type":"record","name":"Inner","namespace":"com.y","fields":[
          {"name":"d","type":{"type":"fixed","name":"F","size":1}},
          {"name":"e","type":"com.x.E"}]}},
      {"name":"f","type":"E"},
      {"name":"g","type":"N"},
      {"name":"h","type":"com.y.F"},
      {"name":"i","type":{"type":"enum","name":"Z","namespace":null,"symbols":["A"]}}]})");
  ASSERT_TRUE(s);
  const Node& r = s->root();
  EXPECT_EQ(r.fullname, "com.x.Outer");
  EXPECT_EQ(r.fields[0].type->fullname, "com.x.E");
  EXPECT_EQ(r.fields[1].type->fullname, "N");
  EXPECT_EQ(r.fields[1].type->space, "");
  EXPECT_EQ(r.fields[2].type->fields[0].type->fullname, "com.y.F");
  EXPECT_EQ(r.fields[2].type->fields[1].type, r.fields[0].type);
  EXPECT_EQ(r.fields[3].type, r.fields[0].type);  // "E" in com.x
  EXPECT_EQ(r.fields[4].type, r.fields[1].type);  // "N": not in com.x, found in null ns
  EXPECT_EQ(r.fields[5].type, r.fields[2].type->fields[0].type);
  EXPECT_EQ(r.fields[6].type->fullname, "com.x.Z");  // namespace null = inherit
}

TEST(SchemaParserTest, CurrentNamespaceWinsOverNullNamespace) {
  auto s = must_parse(R"(["null",
      {"type":"fixed","name":"F","size":1},
      {"type":"record","name":"R","namespace":"n","fields":[
         {"name":"local","type":{"type":"fixed","name":"F","size":2}},
         {"name":"ref","type":"F"}]},
      {"type":"record","name":"S","namespace":"m","fields":[{"name":"ref","type":"F"}]}])");
  ASSERT_TRUE(s);
  const Node& u = s->root();
  const Node* r = u.branches[2];
  EXPECT_EQ(r->fields[1].type->fullname, "n.F");
  EXPECT_EQ(r->fields[1].type->fixed_size, 2u);
  EXPECT_EQ(u.branches[3]->fields[0].type->fullname, "F");  // no m.F: the null namespace
}

TEST(SchemaParserTest, ComplexTypeNamesMayBeReusedAsNames) {
  auto s = must_parse(R"({"type":"record","name":"record","namespace":"n","fields":[
      {"name":"a","type":{"type":"enum","name":"map","symbols":["A"]}},
      {"name":"b","type":"map"},
      {"name":"c","type":"record"}]})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->root().fields[1].type->type, Type::kEnum);
  EXPECT_EQ(s->root().fields[2].type, &s->root());
}

TEST(SchemaParserTest, AliasesAreFullyQualified) {
  auto s = must_parse(R"({"type":"record","name":"R","namespace":"a","aliases":["c","x.y"],
      "fields":[{"name":"f","type":{"type":"enum","name":"E","namespace":"",
                 "aliases":["Old","q.Old"],"symbols":["A"]},"aliases":["g","h"]}]})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->root().aliases, (std::vector<std::string>{"a.c", "x.y"}));
  EXPECT_EQ(s->root().fields[0].type->aliases, (std::vector<std::string>{"Old", "q.Old"}));
  EXPECT_EQ(s->root().fields[0].aliases, (std::vector<std::string>{"g", "h"}));
  // Aliases need not be valid names (the spec lets them fix old invalid names).
  EXPECT_TRUE(must_parse(R"({"type":"fixed","name":"F","size":1,"aliases":["old-name!"]})"));
  // Upstream case 023: an alias equal to the name.
  EXPECT_TRUE(must_parse(R"({"fields":[],"type":"record","name":"foo","aliases":["foo","bar"]})"));
}

TEST(SchemaParserTest, ReferencesToOtherSchemas) {
  SchemaPtr address = must_parse(R"({"type":"record","name":"Address","namespace":"com.acme",
      "fields":[{"name":"city","type":"string"}]})");
  ASSERT_TRUE(address);
  ParseOptions options;
  options.references.push_back(address);
  auto s = must_parse(R"({"type":"record","name":"Person","namespace":"com.acme","fields":[
      {"name":"home","type":"Address"},{"name":"work","type":["null","com.acme.Address"]}]})",
                      options);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->root().fields[0].type, &address->root());
  EXPECT_EQ(s->root().fields[1].type->branches[1], &address->root());
  EXPECT_EQ(s->find_named("com.acme.Address"), &address->root());
  EXPECT_EQ(s->named_types().size(), 1u);  // only its own definitions
  // The imported schema stays alive as long as the importer.
  const Node* imported = s->root().fields[0].type;
  address.reset();
  options.references.clear();
  EXPECT_EQ(imported->fields[0].name, "city");
  EXPECT_EQ(canonical_form(s->root()),
            R"({"name":"com.acme.Person","type":"record","fields":[{"name":"home","type":)"
            R"({"name":"com.acme.Address","type":"record","fields":[{"name":"city",)"
            R"("type":"string"}]}},{"name":"work","type":["null","com.acme.Address"]}]})");
  // Without the reference: unknown. Redefining a referenced name: duplicate.
  auto missing = Schema::parse(R"({"type":"array","items":"com.acme.Address"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().path(), "items");
  ParseOptions again;
  again.references.push_back(must_parse(R"({"type":"fixed","name":"F","size":1})"));
  auto dup = Schema::parse(R"({"type":"fixed","name":"F","size":2})", again);
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message().find("duplicate definition"), std::string::npos);
}

// ---------------------------------------------------------------- defaults

TEST(SchemaParserTest, ValidDefaultsAreKeptAsCompactJson) {
  auto s = must_parse(R"({"type":"record","name":"R","fields":[
      {"name":"n","type":"null","default":null},
      {"name":"b","type":"boolean","default":false},
      {"name":"i","type":"int","default":-2147483648},
      {"name":"l","type":"long","default":9223372036854775807},
      {"name":"f","type":"float","default":1.5},
      {"name":"fi","type":"float","default":3},
      {"name":"d","type":"double","default":"NaN"},
      {"name":"di","type":"double","default":-1e300},
      {"name":"by","type":"bytes","default":"\u00ff\u0000a"},
      {"name":"s","type":"string","default":"h\u00e9llo \u4e16"},
      {"name":"fx","type":{"type":"fixed","name":"F","size":2},"default":"\u00ffa"},
      {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]},"default":"B"},
      {"name":"a","type":{"type":"array","items":"int"},"default":[ 1, 2 ]},
      {"name":"m","type":{"type":"map","values":"E"},"default":{"k": "A"}},
      {"name":"u","type":["null","string"],"default":null},
      {"name":"u2","type":["string","null"],"default":"x"},
      {"name":"r","type":{"type":"record","name":"S","fields":[
          {"name":"x","type":"int"},{"name":"y","type":"int","default":3}]},
       "default":{"x":1}},
      {"name":"self","type":["null","R"],"default":null}]})");
  ASSERT_TRUE(s);
  const Node& r = s->root();
  auto def = [&](std::string_view name) { return *r.fields[r.field_index(name)].default_json; };
  EXPECT_EQ(def("n"), "null");
  EXPECT_EQ(def("b"), "false");
  EXPECT_EQ(def("i"), "-2147483648");
  EXPECT_EQ(def("l"), "9223372036854775807");
  EXPECT_EQ(def("f"), "1.5");
  EXPECT_EQ(def("d"), "\"NaN\"");
  EXPECT_EQ(def("by"), "\"\u00ff\\u0000a\"");
  EXPECT_EQ(def("s"), "\"h\u00e9llo \u4e16\"");
  EXPECT_EQ(def("a"), "[1,2]");
  EXPECT_EQ(def("m"), R"({"k":"A"})");
  EXPECT_EQ(def("r"), R"({"x":1})");
}

TEST(SchemaParserTest, InvalidDefaultsDroppedWhenValidationIsOff) {
  ParseOptions lenient;
  lenient.validate_defaults = false;
  auto s = must_parse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":"int","default":"oops"},
      {"name":"b","type":["null","int"],"default":"five"},
      {"name":"c","type":"int","default":5},
      {"name":"d","type":["null","int"],"default":5}]})",
                      lenient);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->root().fields[0].default_json.has_value());
  EXPECT_FALSE(s->root().fields[1].default_json.has_value());
  EXPECT_EQ(s->root().fields[2].default_json, "5");
  EXPECT_EQ(s->root().fields[3].default_json, "5");  // valid: the int branch (Avro 1.12)
}

// ---------------------------------------------------------------- properties

TEST(SchemaParserTest, CustomPropertiesKeptInSourceOrder) {
  auto s = must_parse(R"({"zeta":1,"type":"record","name":"R","alpha":{"b": [1, 2]},
      "fields":[{"name":"a","type":{"type":"string","avro.java.string":"String"},
                 "x-field":"v","default":"d","y":null}],"mid":true})");
  ASSERT_TRUE(s);
  const Node& r = s->root();
  ASSERT_EQ(r.properties.size(), 3u);
  EXPECT_EQ(r.properties[0].name, "zeta");
  EXPECT_EQ(r.properties[0].json, "1");
  EXPECT_EQ(r.properties[1].name, "alpha");
  EXPECT_EQ(r.properties[1].json, R"({"b":[1,2]})");
  EXPECT_EQ(r.properties[2].name, "mid");
  ASSERT_EQ(r.fields[0].properties.size(), 2u);
  EXPECT_EQ(r.fields[0].properties[0].name, "x-field");
  EXPECT_EQ(r.fields[0].properties[0].json, R"("v")");
  EXPECT_EQ(r.fields[0].properties[1].json, "null");
  const Node& str = *r.fields[0].type;
  ASSERT_EQ(str.properties.size(), 1u);
  EXPECT_EQ(str.properties[0].name, "avro.java.string");
}

// ---------------------------------------------------------------- logical types

struct LogicalCase {
  const char* json;
  LogicalType expected;  // kNone: degraded to the underlying type
};

class LogicalParseTest : public ::testing::TestWithParam<LogicalCase> {};

TEST_P(LogicalParseTest, RecognisedOrDegraded) {
  const LogicalCase& c = GetParam();
  auto s = Schema::parse(c.json);
  ASSERT_TRUE(s) << c.json << ": " << s.error().to_string();
  const Node& n = (*s)->root();
  EXPECT_EQ(n.logical, c.expected) << c.json;
  bool has_prop = false;
  for (const Property& p : n.properties) has_prop = has_prop || p.name == "logicalType";
  // A degraded annotation stays visible (logical_name and a property); a valid one is
  // not duplicated as a property.
  EXPECT_EQ(has_prop, c.expected == LogicalType::kNone) << c.json;
  EXPECT_FALSE(n.logical_name.empty());
}

const LogicalCase kLogicalCases[] = {
    {R"({"type":"bytes","logicalType":"decimal","precision":4,"scale":2})", LogicalType::kDecimal},
    {R"({"type":"bytes","logicalType":"decimal","precision":4})", LogicalType::kDecimal},
    {R"({"type":"bytes","logicalType":"decimal","precision":4,"scale":4})", LogicalType::kDecimal},
    {R"({"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":9})",
     LogicalType::kDecimal},
    {R"({"type":"fixed","name":"D","size":16,"logicalType":"decimal","precision":38,
        "scale":10})",
     LogicalType::kDecimal},
    {R"({"type":"bytes","logicalType":"big-decimal"})", LogicalType::kBigDecimal},
    {R"({"type":"string","logicalType":"uuid"})", LogicalType::kUuid},
    {R"({"type":"fixed","name":"U","size":16,"logicalType":"uuid"})", LogicalType::kUuid},
    {R"({"type":"int","logicalType":"date"})", LogicalType::kDate},
    {R"({"type":"int","logicalType":"time-millis"})", LogicalType::kTimeMillis},
    {R"({"type":"long","logicalType":"time-micros"})", LogicalType::kTimeMicros},
    {R"({"type":"long","logicalType":"timestamp-millis"})", LogicalType::kTimestampMillis},
    {R"({"type":"long","logicalType":"timestamp-micros"})", LogicalType::kTimestampMicros},
    {R"({"type":"long","logicalType":"timestamp-nanos"})", LogicalType::kTimestampNanos},
    {R"({"type":"long","logicalType":"local-timestamp-millis"})",
     LogicalType::kLocalTimestampMillis},
    {R"({"type":"long","logicalType":"local-timestamp-micros"})",
     LogicalType::kLocalTimestampMicros},
    {R"({"type":"long","logicalType":"local-timestamp-nanos"})", LogicalType::kLocalTimestampNanos},
    {R"({"type":"fixed","name":"Dur","size":12,"logicalType":"duration"})", LogicalType::kDuration},
    // Degraded: wrong underlying type, bad parameters, unknown names.
    {R"({"type":"string","logicalType":"decimal","precision":4})", LogicalType::kNone},
    {R"({"type":"bytes","logicalType":"decimal"})", LogicalType::kNone},
    {R"({"type":"bytes","logicalType":"decimal","precision":0})", LogicalType::kNone},
    {R"({"type":"bytes","logicalType":"decimal","precision":-3})", LogicalType::kNone},
    {R"({"type":"bytes","logicalType":"decimal","precision":2.5})", LogicalType::kNone},
    {R"({"type":"bytes","logicalType":"decimal","precision":"4"})", LogicalType::kNone},
    {R"({"type":"bytes","logicalType":"decimal","precision":4,"scale":5})", LogicalType::kNone},
    {R"({"type":"bytes","logicalType":"decimal","precision":4,"scale":-1})", LogicalType::kNone},
    {R"({"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":10})",
     LogicalType::kNone},
    {R"({"type":"fixed","name":"D","size":16,"logicalType":"decimal","precision":39})",
     LogicalType::kNone},
    {R"({"type":"fixed","name":"B","size":8,"logicalType":"big-decimal"})", LogicalType::kNone},
    {R"({"type":"fixed","name":"U","size":15,"logicalType":"uuid"})", LogicalType::kNone},
    {R"({"type":"bytes","logicalType":"uuid"})", LogicalType::kNone},
    {R"({"type":"long","logicalType":"date"})", LogicalType::kNone},
    {R"({"type":"long","logicalType":"time-millis"})", LogicalType::kNone},
    {R"({"type":"int","logicalType":"time-micros"})", LogicalType::kNone},
    {R"({"type":"int","logicalType":"timestamp-millis"})", LogicalType::kNone},
    {R"({"type":"string","logicalType":"local-timestamp-nanos"})", LogicalType::kNone},
    {R"({"type":"fixed","name":"Dur","size":8,"logicalType":"duration"})", LogicalType::kNone},
    {R"({"type":"bytes","logicalType":"duration"})", LogicalType::kNone},
    {R"({"type":"string","logicalType":"email-address"})", LogicalType::kNone},
    {R"({"type":"record","name":"R","fields":[],"logicalType":"date"})", LogicalType::kNone},
};

INSTANTIATE_TEST_SUITE_P(Annotations, LogicalParseTest, ::testing::ValuesIn(kLogicalCases));

TEST(SchemaParserTest, DecimalParameters) {
  auto s = must_parse(R"({"type":"bytes","logicalType":"decimal","precision":9,"scale":3})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->root().precision, 9);
  EXPECT_EQ(s->root().scale, 3);
  EXPECT_TRUE(s->root().properties.empty());
  // Degraded: precision/scale remain as properties, in source order.
  auto d = must_parse(R"({"type":"bytes","precision":3,"logicalType":"decimal","scale":4})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->root().logical, LogicalType::kNone);
  EXPECT_EQ(d->root().logical_name, "decimal");
  ASSERT_EQ(d->root().properties.size(), 3u);
  EXPECT_EQ(d->root().properties[0].name, "precision");
  EXPECT_EQ(d->root().properties[1].name, "logicalType");
  EXPECT_EQ(d->root().properties[1].json, R"("decimal")");
  EXPECT_EQ(d->root().properties[2].name, "scale");
}

TEST(SchemaParserTest, FixedDecimalPrecisionLimits) {
  // floor(log10(2^(8n-1) - 1)) digits fit in n bytes.
  const int kMaxDigits[] = {0, 2, 4, 6, 9, 11, 14, 16, 18, 21, 23, 26, 28, 31, 33, 35, 38};
  for (int size = 1; size <= 16; ++size) {
    for (int precision : {kMaxDigits[size], kMaxDigits[size] + 1}) {
      auto s = must_parse(fmt::format(
          R"({{"type":"fixed","name":"D","size":{},"logicalType":"decimal","precision":{}}})", size,
          precision));
      ASSERT_TRUE(s);
      EXPECT_EQ(s->root().logical == LogicalType::kDecimal, precision == kMaxDigits[size])
          << "size " << size << " precision " << precision;
    }
  }
}

// ---------------------------------------------------------------- to_json

void expect_round_trip(std::string_view json) {
  SchemaPtr a = must_parse(json);
  ASSERT_TRUE(a);
  std::string text = a->to_json();
  SchemaPtr b = must_parse(text);
  ASSERT_TRUE(b) << text;
  EXPECT_EQ(canonical_form(a->root()), canonical_form(b->root())) << text;
  EXPECT_EQ(b->to_json(), text);  // a fixed point
}

TEST(SchemaParserTest, ToJsonKeepsEverything) {
  auto s = must_parse(R"({"type":"record","name":"R","namespace":"n","doc":"d\"oc",
      "aliases":["Old"],"custom":[1,{"a":null}],"fields":[
      {"name":"a","type":{"type":"long","logicalType":"timestamp-millis","p":1},
       "doc":"fa","default":5,"order":"descending","aliases":["aa"],"fp":"x"},
      {"name":"b","type":{"type":"enum","name":"E","namespace":"","symbols":["X","Y"],
       "default":"Y","doc":"ed"}},
      {"name":"c","type":["null","E","R"],"default":null},
      {"name":"d","type":{"type":"fixed","name":"D","size":8,"logicalType":"decimal",
       "precision":10,"scale":2}},
      {"name":"e","type":{"type":"string","logicalType":"bogus"}},
      {"name":"f","type":{"type":"map","values":"D"},"order":"ignore"}]})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->to_json(),
            R"({"type":"record","name":"R","namespace":"n","doc":"d\"oc","aliases":["n.Old"],)"
            R"("fields":[{"name":"a","type":{"type":"long","logicalType":"timestamp-millis",)"
            R"("p":1},"doc":"fa","default":5,"order":"descending","aliases":["aa"],"fp":"x"},)"
            R"({"name":"b","type":{"type":"enum","name":"E","namespace":"","doc":"ed",)"
            R"("symbols":["X","Y"],"default":"Y"}},{"name":"c","type":["null","E","n.R"],)"
            R"("default":null},{"name":"d","type":{"type":"fixed","name":"D","size":8,)"
            R"("logicalType":"decimal","precision":10,"scale":2}},{"name":"e","type":)"
            R"({"type":"string","logicalType":"bogus"}},{"name":"f","type":{"type":"map",)"
            R"("values":"n.D"},"order":"ignore"}],"custom":[1,{"a":null}]})");
  SchemaPtr back = must_parse(s->to_json());
  ASSERT_TRUE(back);
  const Node& r = back->root();
  EXPECT_EQ(r.fullname, "n.R");
  EXPECT_EQ(r.doc, "d\"oc");
  EXPECT_EQ(r.aliases, std::vector<std::string>{"n.Old"});
  EXPECT_EQ(r.properties.size(), 1u);
  EXPECT_EQ(r.fields[0].default_json, "5");
  EXPECT_EQ(r.fields[0].type->logical, LogicalType::kTimestampMillis);
  EXPECT_EQ(r.fields[1].type->fullname, "E");
  EXPECT_EQ(r.fields[1].type->enum_default, "Y");
  EXPECT_EQ(r.fields[2].type->branches[1], r.fields[1].type);
  EXPECT_EQ(r.fields[3].type->precision, 10);
  EXPECT_EQ(r.fields[4].type->logical_name, "bogus");
  EXPECT_EQ(r.fields[5].order, SortOrder::kIgnore);
  EXPECT_EQ(r.fields[5].type->values, r.fields[3].type);
  EXPECT_EQ(back->to_json(), s->to_json());
}

TEST(SchemaParserTest, ToJsonRoundTrips) {
  expect_round_trip(R"("int")");
  expect_round_trip(R"(["null",{"type":"array","items":{"type":"map","values":"bytes"}}])");
  expect_round_trip(R"({"type":"record","name":"a.b.R","fields":[
      {"name":"x","type":{"type":"record","name":"c.S","fields":[
          {"name":"y","type":{"type":"enum","name":"T","symbols":["A"]}},
          {"name":"z","type":"a.b.R"}]}},
      {"name":"w","type":"c.T"}]})");
  expect_round_trip(R"({"type":"record","name":"Outer","namespace":"p","fields":[
      {"name":"n","type":{"type":"fixed","name":"F","namespace":"","size":1}},
      {"name":"m","type":{"type":"record","name":"In","fields":[{"name":"r","type":"F"}]}}]})");
}

// ---------------------------------------------------------------- shared schemas

TEST(SchemaParserTest, SeedAndUpstreamSchemasParse) {
  SLUICE_REQUIRE_SHARED_DATA();
  int count = 0;
  for (const char* dir : {"seed-schemas", "avro-upstream"}) {
    for (const auto& entry : std::filesystem::directory_iterator(testing::shared_data() / dir)) {
      auto ext = entry.path().extension();
      bool schema_file =
          ext == ".avsc" ||
          (ext == ".json" && entry.path().filename().string().find("schema") != std::string::npos);
      if (!schema_file)
        continue;
      SCOPED_TRACE(entry.path().string());
      std::string text = testing::read_file(entry.path());
      auto schema = Schema::parse(text);
      ASSERT_TRUE(schema) << schema.error().to_string();
      ++count;
      // And their full JSON round-trips.
      auto back = Schema::parse((*schema)->to_json());
      ASSERT_TRUE(back) << back.error().to_string();
      EXPECT_EQ(canonical_form((*back)->root()), canonical_form((*schema)->root()));
      EXPECT_EQ((*back)->to_json(), (*schema)->to_json());
    }
  }
  EXPECT_GE(count, 12);
}

}  // namespace
}  // namespace sluice::avro
