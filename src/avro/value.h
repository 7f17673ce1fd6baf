// Generic Avro values: any datum of any schema, in 24 bytes plus arena storage.
//
//   Arena arena;
//   SLUICE_ASSIGN_OR_RETURN(Value event, decode_binary(schema->root(), bytes, arena));
//   int64_t user = event.field("userId")->as_long();
//   std::string_view movie = event[2].as_string();   // field by index
//   for (const Value& item : event.field("tags")->items()) ...
//
// A Value is a small handle: the schema Node it is an instance of, a type tag and a
// payload. Records, arrays and maps point at children in an Arena; strings, bytes and
// fixed point either into the decoded input (zero copy) or into an Arena. So a Value
// is valid while both its input buffer and its Arena are: reset the arena per batch.
// Values are trivially copyable; copying one copies the handle, not the children.
//
// A value inside a union is stored as the branch's value (node() is the branch's
// schema, never the union) with branch() giving the branch index; outside a union
// branch() is -1. Accessors assume the right type (checked with SLUICE_DCHECK in
// debug builds); check type() first when the type is not known.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "avro/arena.h"
#include "avro/schema.h"

namespace sluice::avro {

struct MapEntry;
namespace internal {
struct ValueAccess;  // decoders' direct construction (internal/value_access.h)
}

class Value {
 public:
  static constexpr std::uint16_t kNoBranch = 0xFFFF;

  Value() = default;

  // --- Construction. `node` is the schema node of the value (not a union). ---
  // Scalars fill the whole 8-byte payload (the narrow member is its low bytes on the
  // little-endian hosts we support): a partial write keeps the temporary in memory
  // and costs a store-forwarding stall on every assignment in hot decoders.
  static Value null(const Node* node) { return Value(node, Type::kNull); }
  static Value boolean(const Node* node, bool v) { Value x(node, Type::kBoolean); x.u_.l = v ? 1 : 0; return x; }
  static Value int32(const Node* node, std::int32_t v) { Value x(node, Type::kInt); x.u_.l = static_cast<std::uint32_t>(v); return x; }
  static Value int64(const Node* node, std::int64_t v) { Value x(node, Type::kLong); x.u_.l = v; return x; }
  static Value float32(const Node* node, float v) { Value x(node, Type::kFloat); std::uint32_t bits; std::memcpy(&bits, &v, 4); x.u_.l = bits; return x; }
  static Value float64(const Node* node, double v) { Value x(node, Type::kDouble); x.u_.d = v; return x; }
  // string, bytes or fixed (by node->type); `data` is not copied: keep it alive or
  // pass arena.copy(data).
  static Value text(const Node* node, std::string_view data) {
    Value x(node, node->type);
    x.u_.str = data.data();
    x.size_ = static_cast<std::uint32_t>(data.size());
    return x;
  }
  static Value enumeration(const Node* node, int symbol) { Value x(node, Type::kEnum); x.u_.l = static_cast<std::uint32_t>(symbol); return x; }
  // A record with node->fields.size() children, each a null Value to be filled in.
  static Value record(const Node* node, Arena& arena);
  // An array of `count` items / a map of `count` entries, to be filled in.
  static Value array(const Node* node, Arena& arena, std::size_t count);
  static Value map(const Node* node, Arena& arena, std::size_t count);
  // Children from storage the caller allocated in an arena (used by decoders).
  static Value with_children(const Node* node, Value* children, std::size_t count) {
    Value x(node, node->type);
    x.u_.children = children;
    x.size_ = static_cast<std::uint32_t>(count);
    return x;
  }
  static Value with_entries(const Node* node, MapEntry* entries, std::size_t count) {
    Value x(node, Type::kMap);
    x.u_.entries = entries;
    x.size_ = static_cast<std::uint32_t>(count);
    return x;
  }

  // Marks this value as branch `index` of its enclosing union.
  Value& in_branch(int index) { branch_ = static_cast<std::uint16_t>(index); return *this; }

  // --- Inspection ---
  const Node* node() const { return node_; }
  Type type() const { return type_; }
  int branch() const { return branch_ == kNoBranch ? -1 : branch_; }

  bool is_null() const { return type_ == Type::kNull; }
  bool as_bool() const { SLUICE_DCHECK(type_ == Type::kBoolean); return u_.b; }
  std::int32_t as_int() const { SLUICE_DCHECK(type_ == Type::kInt); return u_.i; }
  std::int64_t as_long() const { SLUICE_DCHECK(type_ == Type::kLong); return u_.l; }
  float as_float() const { SLUICE_DCHECK(type_ == Type::kFloat); return u_.f; }
  double as_double() const { SLUICE_DCHECK(type_ == Type::kDouble); return u_.d; }
  // string, bytes or fixed contents.
  std::string_view as_string() const { return {u_.str, size_}; }
  std::span<const std::uint8_t> as_bytes() const {
    return {reinterpret_cast<const std::uint8_t*>(u_.str), size_};
  }
  int enum_index() const { SLUICE_DCHECK(type_ == Type::kEnum); return u_.i; }
  std::string_view enum_symbol() const { return node_->symbols[static_cast<std::size_t>(u_.i)]; }

  // Number of record fields, array items, map entries, or string/bytes/fixed bytes.
  std::size_t size() const { return size_; }
  // Record fields or array items.
  std::span<const Value> children() const { return {u_.children, size_}; }
  std::span<Value> mutable_children() { return {u_.children, size_}; }
  std::span<const Value> items() const { return children(); }
  std::span<const Value> fields() const { return children(); }
  std::span<const MapEntry> entries() const;
  std::span<MapEntry> mutable_entries();
  // Field `i` of a record or item `i` of an array (unchecked).
  const Value& operator[](std::size_t i) const { return u_.children[i]; }
  Value& operator[](std::size_t i) { return u_.children[i]; }

  // Record field by name (exact; aliases are not consulted), or nullptr.
  const Value* field(std::string_view name) const;
  Value* mutable_field(std::string_view name);
  // Map value by key (linear scan: maps keep their encoded order), or nullptr.
  const Value* find(std::string_view key) const;

 private:
  friend struct internal::ValueAccess;
  Value(const Node* node, Type type) : node_(node), type_(type) {}

  const Node* node_ = nullptr;
  Type type_ = Type::kNull;
  std::uint16_t branch_ = kNoBranch;
  std::uint32_t size_ = 0;
  union Payload {
    bool b;
    std::int32_t i;
    std::int64_t l;
    float f;
    double d;
    const char* str;
    Value* children;
    MapEntry* entries;
  } u_{.l = 0};
};

struct MapEntry {
  std::string_view key;
  Value value;
};

inline std::span<const MapEntry> Value::entries() const { return {u_.entries, size_}; }
inline std::span<MapEntry> Value::mutable_entries() { return {u_.entries, size_}; }

// Deep equality of data (not of schema identity): same type, same branch, same
// contents; floats compare bitwise-equal or both NaN. Maps compare as multisets of
// entries (order-insensitive; duplicate keys, which the encoding allows, count).
bool operator==(const Value& a, const Value& b);

// Deep copy of `value` whose strings, bytes and children all live in `arena`
// (use it to keep a value after its input buffer goes away).
Value deep_copy(const Value& value, Arena& arena);

}  // namespace sluice::avro
