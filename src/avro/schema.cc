// Schema model basics: names of types, node lookups, node ownership.
// Parsing lives in schema_parser.cc, canonical form in canonical.cc.
#include "avro/schema.h"

namespace sluice::avro {

std::string_view type_name(Type type) {
  switch (type) {
    case Type::kNull: return "null";
    case Type::kBoolean: return "boolean";
    case Type::kInt: return "int";
    case Type::kLong: return "long";
    case Type::kFloat: return "float";
    case Type::kDouble: return "double";
    case Type::kBytes: return "bytes";
    case Type::kString: return "string";
    case Type::kRecord: return "record";
    case Type::kEnum: return "enum";
    case Type::kArray: return "array";
    case Type::kMap: return "map";
    case Type::kUnion: return "union";
    case Type::kFixed: return "fixed";
  }
  return "unknown";
}

bool is_primitive(Type type) { return type <= Type::kString; }
bool is_named(Type type) {
  return type == Type::kRecord || type == Type::kEnum || type == Type::kFixed;
}

std::string_view logical_type_name(LogicalType type) {
  switch (type) {
    case LogicalType::kNone: return "";
    case LogicalType::kDecimal: return "decimal";
    case LogicalType::kBigDecimal: return "big-decimal";
    case LogicalType::kUuid: return "uuid";
    case LogicalType::kDate: return "date";
    case LogicalType::kTimeMillis: return "time-millis";
    case LogicalType::kTimeMicros: return "time-micros";
    case LogicalType::kTimestampMillis: return "timestamp-millis";
    case LogicalType::kTimestampMicros: return "timestamp-micros";
    case LogicalType::kTimestampNanos: return "timestamp-nanos";
    case LogicalType::kLocalTimestampMillis: return "local-timestamp-millis";
    case LogicalType::kLocalTimestampMicros: return "local-timestamp-micros";
    case LogicalType::kLocalTimestampNanos: return "local-timestamp-nanos";
    case LogicalType::kDuration: return "duration";
  }
  return "";
}

int Node::field_index(std::string_view field_name) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

int Node::symbol_index(std::string_view symbol) const {
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    if (symbols[i] == symbol) return static_cast<int>(i);
  }
  return -1;
}

int Node::null_branch() const {
  for (std::size_t i = 0; i < branches.size(); ++i) {
    if (branches[i]->type == Type::kNull) return static_cast<int>(i);
  }
  return -1;
}

Node* Schema::new_node() {
  nodes_.push_back(std::make_unique<Node>());
  return nodes_.back().get();
}

const Node* Schema::find_named(std::string_view fullname) const {
  for (const Node* n : named_) {
    if (n->fullname == fullname) return n;
  }
  for (const SchemaPtr& other : imports_) {
    if (const Node* n = other->find_named(fullname)) return n;
  }
  return nullptr;
}

SchemaPtr Schema::primitive(Type type) {
  auto schema = std::make_shared<Schema>();
  Node* node = schema->new_node();
  node->type = type;
  schema->set_root(node);
  return schema;
}

}  // namespace sluice::avro
