#include "avro/value.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace sluice::avro {

Value Value::record(const Node* node, Arena& arena) {
  std::size_t n = node->fields.size();
  Value* children = arena.allocate_array<Value>(n);
  for (std::size_t i = 0; i < n; ++i) new (&children[i]) Value(node->fields[i].type, Type::kNull);
  return with_children(node, children, n);
}

Value Value::array(const Node* node, Arena& arena, std::size_t count) {
  Value* children = arena.allocate_array<Value>(count);
  for (std::size_t i = 0; i < count; ++i) new (&children[i]) Value();
  return with_children(node, children, count);
}

Value Value::map(const Node* node, Arena& arena, std::size_t count) {
  MapEntry* entries = arena.allocate_array<MapEntry>(count);
  for (std::size_t i = 0; i < count; ++i) new (&entries[i]) MapEntry();
  return with_entries(node, entries, count);
}

const Value* Value::field(std::string_view name) const {
  if (type_ != Type::kRecord) return nullptr;
  int index = node_->field_index(name);
  return index < 0 ? nullptr : &u_.children[index];
}

Value* Value::mutable_field(std::string_view name) {
  return const_cast<Value*>(static_cast<const Value*>(this)->field(name));
}

const Value* Value::find(std::string_view key) const {
  if (type_ != Type::kMap) return nullptr;
  for (const MapEntry& e : entries()) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

bool operator==(const Value& a, const Value& b) {
  if (a.type() != b.type() || a.branch() != b.branch()) return false;
  switch (a.type()) {
    case Type::kNull: return true;
    case Type::kBoolean: return a.as_bool() == b.as_bool();
    case Type::kInt: return a.as_int() == b.as_int();
    case Type::kLong: return a.as_long() == b.as_long();
    case Type::kFloat: {
      float x = a.as_float(), y = b.as_float();
      return (std::isnan(x) && std::isnan(y)) || std::memcmp(&x, &y, sizeof x) == 0;
    }
    case Type::kDouble: {
      double x = a.as_double(), y = b.as_double();
      return (std::isnan(x) && std::isnan(y)) || std::memcmp(&x, &y, sizeof x) == 0;
    }
    case Type::kBytes:
    case Type::kString:
    case Type::kFixed: return a.as_string() == b.as_string();
    case Type::kEnum: return a.enum_index() == b.enum_index();
    case Type::kRecord:
    case Type::kArray: {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!(a[i] == b[i])) return false;
      }
      return true;
    }
    case Type::kMap: {
      if (a.size() != b.size()) return false;
      // Same entries in the same order: the common case, linear.
      bool in_order = true;
      for (std::size_t i = 0; i < a.size() && in_order; ++i) {
        in_order = a.entries()[i].key == b.entries()[i].key &&
                   a.entries()[i].value == b.entries()[i].value;
      }
      if (in_order) return true;
      // Otherwise compare as multisets: the binary encoding allows duplicate keys,
      // so each entry of `a` must claim a distinct equal entry of `b`.
      std::vector<bool> used(b.size(), false);
      for (const MapEntry& e : a.entries()) {
        bool matched = false;
        for (std::size_t j = 0; j < b.size() && !matched; ++j) {
          if (!used[j] && b.entries()[j].key == e.key && b.entries()[j].value == e.value) {
            used[j] = matched = true;
          }
        }
        if (!matched) return false;
      }
      return true;
    }
    case Type::kUnion: return false;  // never stored: union members carry branch()
  }
  return false;
}

Value deep_copy(const Value& value, Arena& arena) {
  Value out = value;
  switch (value.type()) {
    case Type::kBytes:
    case Type::kString:
    case Type::kFixed: {
      out = Value::text(value.node(), arena.copy(value.as_string()));
      break;
    }
    case Type::kRecord:
    case Type::kArray: {
      Value* children = arena.allocate_array<Value>(value.size());
      for (std::size_t i = 0; i < value.size(); ++i) children[i] = deep_copy(value[i], arena);
      out = Value::with_children(value.node(), children, value.size());
      break;
    }
    case Type::kMap: {
      MapEntry* entries = arena.allocate_array<MapEntry>(value.size());
      std::size_t i = 0;
      for (const MapEntry& e : value.entries()) {
        new (&entries[i++]) MapEntry{arena.copy(e.key), deep_copy(e.value, arena)};
      }
      out = Value::with_entries(value.node(), entries, value.size());
      break;
    }
    default: break;
  }
  if (value.branch() >= 0) out.in_branch(value.branch());
  return out;
}

}  // namespace sluice::avro
