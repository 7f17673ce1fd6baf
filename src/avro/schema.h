// Avro schemas: parsed, validated, immutable.
//
//   SLUICE_ASSIGN_OR_RETURN(SchemaPtr schema, Schema::parse(R"({"type":"record", ...})"));
//   const Node& root = schema->root();
//   for (const Field& f : root.fields) ...
//   std::string pcf = canonical_form(root);          // canonical.h
//
// A Schema owns a graph of Nodes. Nodes refer to each other with plain pointers
// (recursive records point back at themselves), so a Node lives as long as the
// Schema that owns it (or, for named types imported from another Schema, as long as
// that Schema, which the importer keeps alive). Schemas are shared as
// SchemaPtr = shared_ptr<const Schema> and are safe to read from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace sluice::avro {

enum class Type : std::uint8_t {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
};

// "null", "boolean", ..., "fixed".
std::string_view type_name(Type type);
bool is_primitive(Type type);
bool is_named(Type type);  // record, enum, fixed

// Logical types recognised on their valid underlying types. An annotation that is
// unknown or invalid (wrong underlying type, bad precision/scale) leaves
// logical == kNone; the raw attribute stays in Node::logical_name and properties.
enum class LogicalType : std::uint8_t {
  kNone,
  kDecimal,        // bytes or fixed; precision, scale
  kBigDecimal,     // bytes (scale stored in each value)
  kUuid,           // string or fixed(16)
  kDate,           // int: days since 1970-01-01
  kTimeMillis,     // int
  kTimeMicros,     // long
  kTimestampMillis,
  kTimestampMicros,
  kTimestampNanos,
  kLocalTimestampMillis,
  kLocalTimestampMicros,
  kLocalTimestampNanos,
  kDuration,       // fixed(12): months, days, millis as little-endian uint32
};

// "decimal", "uuid", ... ("" for kNone).
std::string_view logical_type_name(LogicalType type);

enum class SortOrder : std::uint8_t { kAscending, kDescending, kIgnore };

// A schema attribute that Avro does not define ("doc" excluded), kept in source
// order as compact JSON text: {"name":"x","type":"int","myprop":[1,2]} keeps
// {"myprop", "[1,2]"}.
struct Property {
  std::string name;
  std::string json;
};

struct Node;

struct Field {
  std::string name;
  const Node* type = nullptr;
  std::vector<std::string> aliases;
  std::string doc;
  SortOrder order = SortOrder::kAscending;
  // The field's default as compact JSON text, exactly as validated against `type`
  // (a union's default takes the first branch it is valid for: union_default_branch).
  // Absent when no default.
  std::optional<std::string> default_json;
  std::vector<Property> properties;
  std::size_t index = 0;  // position in the record
};

struct Node {
  Type type = Type::kNull;

  // Logical annotation (see LogicalType). precision/scale for decimal.
  LogicalType logical = LogicalType::kNone;
  std::string logical_name;  // the raw "logicalType" attribute, even if invalid
  int precision = 0;
  int scale = 0;

  // Named types (record, enum, fixed). `fullname` is namespace.name, or just name
  // in the null namespace; `aliases` are fully qualified.
  std::string name;
  std::string space;  // namespace ("" = null namespace)
  std::string fullname;
  std::vector<std::string> aliases;
  std::string doc;

  std::vector<Field> fields;               // record
  // A record declared "type": "error" (protocols' error records; Java and Python accept
  // it in a plain schema too). It is a record everywhere except in the schema's JSON,
  // which keeps the word; the canonical form says "record", as Java's does (Python's
  // keeps "error", so its fingerprints of such schemas differ from Java's).
  bool is_error = false;
  std::vector<std::string> symbols;        // enum
  std::optional<std::string> enum_default; // enum: symbol used for unknown writer symbols
  std::size_t fixed_size = 0;              // fixed
  const Node* items = nullptr;             // array
  const Node* values = nullptr;            // map
  std::vector<const Node*> branches;       // union

  std::vector<Property> properties;

  // Index of the field named `name` (exact match), or -1. O(fields).
  int field_index(std::string_view name) const;
  // Index of `symbol` in an enum, or -1.
  int symbol_index(std::string_view symbol) const;
  // For a union: index of the "null" branch, or -1.
  int null_branch() const;
};

class Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

struct ParseOptions {
  // Named types that the text may refer to by name without defining them (schema
  // references, as in the registry). Their Schemas are kept alive by the result.
  std::vector<SchemaPtr> references;
  // Reject a field default that does not match its type (true per the spec). When
  // false, an invalid default is dropped with no error (legacy data sets).
  bool validate_defaults = true;
  // Maximum nesting depth of the schema JSON (guards against stack exhaustion).
  std::size_t max_depth = 256;
};

class Schema {
 public:
  // Parses and validates schema JSON. Fails with kInvalidSchema and a message that
  // names the JSON path of the problem, e.g. `fields[1].type: unknown type "strin"`.
  static Result<SchemaPtr> parse(std::string_view json, const ParseOptions& options = {});

  // A schema of one primitive type ("int", "string", ...).
  static SchemaPtr primitive(Type type);

  const Node& root() const { return *root_; }

  // The named type `fullname` defined in (or imported into) this schema, or nullptr.
  const Node* find_named(std::string_view fullname) const;
  // Every named type defined in this schema, in definition order.
  const std::vector<const Node*>& named_types() const { return named_; }

  // Full JSON text with every attribute (doc, aliases, defaults, custom properties),
  // compact, named types written once and referenced by fullname afterwards.
  std::string to_json() const;
  // As to_json(), but the named types this schema took from ParseOptions::references
  // (and those took from theirs) are written by fullname only, never defined: the text
  // that parses back with the same references (what a schema registry serves for a
  // schema with references). Equal to to_json() for a schema without references.
  std::string to_json_with_references_by_name() const;

  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  // For the parser: an empty schema to fill in.
  Schema() = default;
  Node* new_node();
  void set_root(const Node* root) { root_ = root; }
  void add_named(const Node* node) { named_.push_back(node); }
  void keep_alive(SchemaPtr other) { imports_.push_back(std::move(other)); }

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<const Node*> named_;
  std::vector<SchemaPtr> imports_;
  const Node* root_ = nullptr;
};

// Whether `s` is an Avro name: [A-Za-z_][A-Za-z0-9_]* (one part of a full name).
bool is_valid_name(std::string_view s);

// Parsing Canonical Form of `node` (canonical.cc), exactly per the specification.
std::string canonical_form(const Node& node);

// The branch of `union_node` that a default value (JSON text, as in Field::default_json,
// with union values unwrapped) takes: the first branch the value is a valid default of,
// as the specification has it since Avro 1.12 (before, only the first branch was
// allowed; those defaults take the same branch). -1 when the value fits no branch.
// Every reader of defaults (decode_default, generated classes) picks branches this way.
int union_default_branch(const Node& union_node, std::string_view value_json);

}  // namespace sluice::avro
