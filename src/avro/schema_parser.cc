// Schema::parse: JSON text to a validated Node graph.
//
// The JSON is parsed with nlohmann::ordered_json (so custom properties keep their
// source order), after a cheap pre-scan that bounds the nesting depth: the schema walk
// below is recursive and must never exhaust the stack on hostile input. Every error is
// kInvalidSchema and carries the JSON path of the problem, built by Error::in() as the
// error travels back up ("fields[1].type").
#include "avro/schema.h"
#include "base/error.h"
#include "base/result.h"

#include <nlohmann/json.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace sluice::avro {
namespace {

using Json = nlohmann::ordered_json;

template <class... Args>
Error schema_error(fmt::format_string<Args...> format, Args&&... args) {
  return Error(ErrorCode::kInvalidSchema, fmt::format(format, std::forward<Args>(args)...));
}

std::string compact(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A JSON value for an error message, shortened when long.
std::string brief(const Json& j) {
  std::string s = compact(j);
  if (s.size() > 60)
    s = s.substr(0, 57) + "...";
  return s;
}


// A dot-separated sequence of valid names (not empty).
bool valid_dotted(std::string_view s) {
  while (true) {
    std::size_t dot = s.find('.');
    if (!is_valid_name(s.substr(0, dot)))
      return false;
    if (dot == std::string_view::npos)
      return true;
    s.remove_prefix(dot + 1);
  }
}

std::optional<Type> primitive_type(std::string_view name) {
  static constexpr std::pair<std::string_view, Type> kPrimitives[] = {
      {"null", Type::kNull},   {"boolean", Type::kBoolean}, {"int", Type::kInt},
      {"long", Type::kLong},   {"float", Type::kFloat},     {"double", Type::kDouble},
      {"bytes", Type::kBytes}, {"string", Type::kString},
  };
  for (const auto& [n, t] : kPrimitives) {
    if (n == name)
      return t;
  }
  return std::nullopt;
}

// Rejects JSON nested deeper than `max_depth` before it is parsed (stack guard).
Status check_depth(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return fail(Error(ErrorCode::kInvalidSchema,
                          fmt::format("schema JSON nested deeper than {} levels", max_depth))
                        .at_offset(i));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return ok_status();
}

// Decodes the code points of a UTF-8 string; false if one is above `max`.
bool latin1_length(std::string_view s, std::size_t& length) {
  length = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
    } else if ((c & 0xE0) == 0xC0 && c <= 0xC3) {  // U+0080..U+00FF
      i += 2;
    } else {
      return false;
    }
    ++length;
  }
  return true;
}

std::string describe_type(const Node& node) {
  if (is_named(node.type))
    return node.fullname;
  return std::string(type_name(node.type));
}

// Checks `value` against `type` (the spec's table of field default values).
Status validate_default(const Node& type, const Json& value);

// The branch a union's default takes: the first one the value is a valid default of
// (Avro 1.12; until 1.11 it had to be the first branch, so every default valid then
// takes the same branch now). -1 when none.
int first_default_branch(const Node& union_node, const Json& value) {
  for (std::size_t i = 0; i < union_node.branches.size(); ++i)
    if (validate_default(*union_node.branches[i], value))
      return static_cast<int>(i);
  return -1;
}

Status validate_default(const Node& type, const Json& value) {
  auto mismatch = [&]() {
    return fail(
        schema_error("default {} does not match type {}", brief(value), describe_type(type)));
  };
  switch (type.type) {
    case Type::kNull:
      if (!value.is_null())
        return mismatch();
      return ok_status();
    case Type::kBoolean:
      if (!value.is_boolean())
        return mismatch();
      return ok_status();
    case Type::kInt:
      if (value.is_number_unsigned()) {
        if (value.get<std::uint64_t>() > INT32_MAX)
          return mismatch();
      } else if (value.is_number_integer()) {
        auto v = value.get<std::int64_t>();
        if (v < INT32_MIN || v > INT32_MAX)
          return mismatch();
      } else {
        return mismatch();
      }
      return ok_status();
    case Type::kLong:
      if (value.is_number_unsigned()) {
        if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
          return mismatch();
      } else if (!value.is_number_integer()) {
        return mismatch();
      }
      return ok_status();
    case Type::kFloat:
    case Type::kDouble:
      if (value.is_string()) {
        // The JSON encoding's spelling of non-finite numbers (Java, Python).
        const auto& s = value.get_ref<const std::string&>();
        if (s == "NaN" || s == "Infinity" || s == "-Infinity")
          return ok_status();
        return mismatch();
      }
      if (!value.is_number())
        return mismatch();
      if (type.type == Type::kFloat && value.is_number_float() &&
          std::fabs(value.get<double>()) > FLT_MAX) {
        return mismatch();
      }
      return ok_status();
    case Type::kBytes:
    case Type::kFixed: {
      if (!value.is_string())
        return mismatch();
      std::size_t length;
      if (!latin1_length(value.get_ref<const std::string&>(), length)) {
        return fail(
            schema_error("default {} has a code point above U+00FF (not a byte)", brief(value)));
      }
      if (type.type == Type::kFixed && length != type.fixed_size) {
        return fail(schema_error("default {} has {} bytes, but fixed {} has size {}", brief(value),
                                 length, type.fullname, type.fixed_size));
      }
      return ok_status();
    }
    case Type::kString:
      if (!value.is_string())
        return mismatch();
      return ok_status();
    case Type::kEnum:
      if (!value.is_string())
        return mismatch();
      if (type.symbol_index(value.get_ref<const std::string&>()) < 0) {
        return fail(
            schema_error("default {} is not a symbol of enum {}", brief(value), type.fullname));
      }
      return ok_status();
    case Type::kArray:
      if (!value.is_array())
        return mismatch();
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (auto s = validate_default(*type.items, value[i]); !s) {
          return fail(std::move(s).error().in(fmt::format("[{}]", i)));
        }
      }
      return ok_status();
    case Type::kMap:
      if (!value.is_object())
        return mismatch();
      for (const auto& [key, v] : value.items()) {
        if (auto s = validate_default(*type.values, v); !s) {
          return fail(std::move(s).error().in(key));
        }
      }
      return ok_status();
    case Type::kRecord:
      if (!value.is_object())
        return mismatch();
      for (const Field& f : type.fields) {
        auto it = value.find(f.name);
        if (it == value.end()) {
          if (f.default_json)
            continue;  // the field's own default fills it in
          return fail(schema_error("default {} has no value for field \"{}\" of record {}",
                                   brief(value), f.name, type.fullname));
        }
        if (auto s = validate_default(*f.type, *it); !s) {
          return fail(std::move(s).error().in(f.name));
        }
      }
      return ok_status();
    case Type::kUnion:
      if (type.branches.empty()) {
        return fail(schema_error("default {} given for an empty union", brief(value)));
      }
      if (first_default_branch(type, value) < 0) {
        std::string types;
        for (const Node* b : type.branches)
          types += (types.empty() ? "" : ", ") + describe_type(*b);
        return fail(schema_error("default {} matches no branch of the union [{}]", brief(value),
                                 types));
      }
      return ok_status();
  }
  return mismatch();
}

// Largest number of decimal digits a two's-complement integer of `size` bytes holds:
// floor(log10(2^(8*size-1) - 1)) == floor((8*size-1) * log10(2)) for size >= 1.
long double max_fixed_digits(std::size_t size) {
  if (size == 0)
    return 0;
  return std::floor(static_cast<long double>(8 * size - 1) * 0.30102999566398119521L);
}

std::optional<int> small_int(const Json& j) {
  if (j.is_number_unsigned()) {
    auto v = j.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
      return std::nullopt;
    return static_cast<int>(v);
  }
  if (j.is_number_integer()) {
    auto v = j.get<std::int64_t>();
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
      return std::nullopt;
    }
    return static_cast<int>(v);
  }
  return std::nullopt;
}

// Recognises node's logical annotation; on success says which attributes it consumed
// (they are then not kept as properties). Invalid annotations leave kNone.
void apply_logical(Node& node, const Json& obj, bool& consumed_precision_scale) {
  consumed_precision_scale = false;
  auto it = obj.find("logicalType");
  if (it == obj.end() || !it->is_string())
    return;
  node.logical_name = it->get<std::string>();
  const std::string& name = node.logical_name;
  Type t = node.type;
  LogicalType result = LogicalType::kNone;
  if (name == "decimal") {
    if (t != Type::kBytes && t != Type::kFixed)
      return;
    auto p = obj.find("precision");
    if (p == obj.end())
      return;
    std::optional<int> precision = small_int(*p);
    std::optional<int> scale = 0;
    if (auto s = obj.find("scale"); s != obj.end())
      scale = small_int(*s);
    if (!precision || !scale || *precision <= 0 || *scale < 0 || *scale > *precision)
      return;
    if (t == Type::kFixed && *precision > max_fixed_digits(node.fixed_size))
      return;
    node.precision = *precision;
    node.scale = *scale;
    consumed_precision_scale = true;
    result = LogicalType::kDecimal;
  } else if (name == "big-decimal") {
    if (t == Type::kBytes)
      result = LogicalType::kBigDecimal;
  } else if (name == "uuid") {
    if (t == Type::kString || (t == Type::kFixed && node.fixed_size == 16)) {
      result = LogicalType::kUuid;
    }
  } else if (name == "date") {
    if (t == Type::kInt)
      result = LogicalType::kDate;
  } else if (name == "time-millis") {
    if (t == Type::kInt)
      result = LogicalType::kTimeMillis;
  } else if (name == "time-micros") {
    if (t == Type::kLong)
      result = LogicalType::kTimeMicros;
  } else if (name == "duration") {
    if (t == Type::kFixed && node.fixed_size == 12)
      result = LogicalType::kDuration;
  } else if (t == Type::kLong) {
    static constexpr std::pair<std::string_view, LogicalType> kLongTypes[] = {
        {"timestamp-millis", LogicalType::kTimestampMillis},
        {"timestamp-micros", LogicalType::kTimestampMicros},
        {"timestamp-nanos", LogicalType::kTimestampNanos},
        {"local-timestamp-millis", LogicalType::kLocalTimestampMillis},
        {"local-timestamp-micros", LogicalType::kLocalTimestampMicros},
        {"local-timestamp-nanos", LogicalType::kLocalTimestampNanos},
    };
    for (const auto& [n, l] : kLongTypes) {
      if (n == name)
        result = l;
    }
  }
  node.logical = result;
}

class Parser {
 public:
  Parser(Schema& schema, const ParseOptions& options) : schema_(schema), options_(options) {}

  Result<const Node*> parse(const Json& j, const std::string& space, std::size_t depth) {
    if (depth > options_.max_depth) {
      return fail(schema_error("schema nested deeper than {} levels", options_.max_depth));
    }
    if (j.is_string())
      return parse_name(j.get_ref<const std::string&>(), space);
    if (j.is_array())
      return parse_union(j, space, depth);
    if (j.is_object())
      return parse_object(j, space, depth);
    return fail(schema_error("expected a type name, an object or an array, got {}", brief(j)));
  }

 private:
  // A primitive name or a reference to a named type defined before.
  Result<const Node*> parse_name(std::string_view name, const std::string& space) {
    if (auto t = primitive_type(name))
      return primitive(*t);
    if (const Node* n = lookup(name, space))
      return n;
    return fail(schema_error("unknown type \"{}\"", name));
  }

  const Node* primitive(Type t) {
    auto& slot = primitives_[static_cast<std::size_t>(t)];
    if (slot == nullptr) {
      Node* n = schema_.new_node();
      n->type = t;
      slot = n;
    }
    return slot;
  }

  const Node* find(const std::string& fullname) const {
    if (auto it = names_.find(fullname); it != names_.end())
      return it->second;
    for (const SchemaPtr& ref : options_.references) {
      if (ref == nullptr)
        continue;
      if (const Node* n = ref->find_named(fullname))
        return n;
    }
    return nullptr;
  }

  // A dotted name is a fullname; a simple name is tried in the enclosing namespace
  // first, then in the null namespace.
  const Node* lookup(std::string_view name, const std::string& space) const {
    if (name.find('.') == std::string_view::npos && !space.empty()) {
      if (const Node* n = find(space + "." + std::string(name)))
        return n;
    }
    return find(std::string(name));
  }

  Result<const Node*> parse_union(const Json& j, const std::string& space, std::size_t depth) {
    Node* node = schema_.new_node();
    node->type = Type::kUnion;
    std::map<std::string, std::size_t, std::less<>> seen;
    for (std::size_t i = 0; i < j.size(); ++i) {
      std::string where = fmt::format("[{}]", i);
      if (j[i].is_array()) {
        return fail(schema_error("a union may not immediately contain another union").in(where));
      }
      auto branch = parse(j[i], space, depth + 1);
      if (!branch)
        return fail(std::move(branch).error().in(where));
      const Node* b = *branch;
      if (b->type == Type::kUnion) {
        return fail(schema_error("a union may not immediately contain another union").in(where));
      }
      std::string key = is_named(b->type) ? b->fullname : std::string(type_name(b->type));
      if (auto [it, fresh] = seen.emplace(key, i); !fresh) {
        return fail(
            schema_error("duplicate type {} in union (also branch {})", key, it->second).in(where));
      }
      node->branches.push_back(b);
    }
    return node;
  }

  Result<const Node*> parse_object(const Json& j, const std::string& space, std::size_t depth) {
    auto type_it = j.find("type");
    if (type_it == j.end())
      return fail(schema_error("missing \"type\""));
    if (!type_it->is_string()) {
      return fail(schema_error("\"type\" must be a string, got {}", brief(*type_it)).in("type"));
    }
    const std::string& type = type_it->get_ref<const std::string&>();
    Node* node = nullptr;
    if (auto t = primitive_type(type)) {
      node = schema_.new_node();
      node->type = *t;
    } else if (type == "record" || type == "error" || type == "enum" || type == "fixed") {
      return parse_named(j, type, space, depth);
    } else if (type == "array" || type == "map") {
      node = schema_.new_node();
      bool array = type == "array";
      node->type = array ? Type::kArray : Type::kMap;
      const char* key = array ? "items" : "values";
      auto it = j.find(key);
      if (it == j.end())
        return fail(schema_error("{} has no \"{}\"", type, key));
      auto child = parse(*it, space, depth + 1);
      if (!child)
        return fail(std::move(child).error().in(key));
      (array ? node->items : node->values) = *child;
    } else if (const Node* n = lookup(type, space)) {
      return n;  // {"type": "SomeRecord"}: a reference (Java accepts it too)
    } else {
      return fail(schema_error("unknown type \"{}\"", type).in("type"));
    }
    SLUICE_TRY(finish_attributes(*node, j));
    return node;
  }

  // doc, logical type and custom properties, common to every object form.
  Status finish_attributes(Node& node, const Json& j) {
    static constexpr std::string_view kRecordKeys[] = {"type", "name",    "namespace",
                                                       "doc",  "aliases", "fields"};
    static constexpr std::string_view kEnumKeys[] = {"type",    "name",    "namespace", "doc",
                                                     "aliases", "symbols", "default"};
    static constexpr std::string_view kFixedKeys[] = {"type", "name",    "namespace",
                                                      "doc",  "aliases", "size"};
    static constexpr std::string_view kArrayKeys[] = {"type", "items", "doc"};
    static constexpr std::string_view kMapKeys[] = {"type", "values", "doc"};
    static constexpr std::string_view kPrimitiveKeys[] = {"type", "doc"};
    std::span<const std::string_view> known;
    switch (node.type) {
      case Type::kRecord:
        known = kRecordKeys;
        break;
      case Type::kEnum:
        known = kEnumKeys;
        break;
      case Type::kFixed:
        known = kFixedKeys;
        break;
      case Type::kArray:
        known = kArrayKeys;
        break;
      case Type::kMap:
        known = kMapKeys;
        break;
      default:
        known = kPrimitiveKeys;
        break;
    }
    if (auto it = j.find("doc"); it != j.end()) {
      if (!it->is_string())
        return fail(schema_error("\"doc\" must be a string").in("doc"));
      node.doc = it->get<std::string>();
    }
    bool consumed_precision_scale = false;
    apply_logical(node, j, consumed_precision_scale);
    for (const auto& [key, value] : j.items()) {
      bool skip = false;
      for (std::string_view k : known) skip = skip || k == key;
      if (key == "logicalType" && node.logical != LogicalType::kNone)
        skip = true;
      if ((key == "precision" || key == "scale") && consumed_precision_scale)
        skip = true;
      if (!skip)
        node.properties.push_back({key, compact(value)});
    }
    return ok_status();
  }

  Result<std::vector<std::string>> parse_aliases(const Json& j, const std::string& space,
                                                 bool qualify) {
    std::vector<std::string> out;
    auto it = j.find("aliases");
    if (it == j.end())
      return out;
    if (!it->is_array()) {
      return fail(schema_error("\"aliases\" must be an array of strings").in("aliases"));
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& a = (*it)[i];
      if (!a.is_string()) {
        return fail(schema_error("alias must be a string, got {}", brief(a))
                        .in(fmt::format("[{}]", i))
                        .in("aliases"));
      }
      std::string alias = a.get<std::string>();
      // Relative aliases of a named type live in the type's namespace.
      if (qualify && alias.find('.') == std::string::npos && !space.empty()) {
        alias = space + "." + alias;
      }
      out.push_back(std::move(alias));
    }
    return out;
  }

  Result<const Node*> parse_named(const Json& j, const std::string& kind,
                                  const std::string& enclosing, std::size_t depth) {
    Node* node = schema_.new_node();
    node->type = kind == "record" || kind == "error" ? Type::kRecord
                 : kind == "enum"                     ? Type::kEnum
                                                      : Type::kFixed;
    node->is_error = kind == "error";

    auto name_it = j.find("name");
    if (name_it == j.end())
      return fail(schema_error("{} has no \"name\"", kind));
    if (!name_it->is_string()) {
      return fail(schema_error("\"name\" must be a string, got {}", brief(*name_it)).in("name"));
    }
    const std::string& name = name_it->get_ref<const std::string&>();
    if (std::size_t dot = name.rfind('.'); dot != std::string::npos) {
      if (!valid_dotted(name))
        return fail(schema_error("invalid name \"{}\"", name).in("name"));
      node->space = name.substr(0, dot);
      node->name = name.substr(dot + 1);
    } else {
      if (!is_valid_name(name))
        return fail(schema_error("invalid name \"{}\"", name).in("name"));
      node->name = name;
      node->space = enclosing;
      if (auto ns = j.find("namespace"); ns != j.end() && !ns->is_null()) {
        if (!ns->is_string()) {
          return fail(
              schema_error("\"namespace\" must be a string, got {}", brief(*ns)).in("namespace"));
        }
        node->space = ns->get<std::string>();
        if (!node->space.empty() && !valid_dotted(node->space)) {
          return fail(schema_error("invalid namespace \"{}\"", node->space).in("namespace"));
        }
      }
    }
    if (primitive_type(node->name)) {
      return fail(
          schema_error("a named type may not be called \"{}\" (a primitive type)", node->name)
              .in("name"));
    }
    node->fullname = node->space.empty() ? node->name : node->space + "." + node->name;
    if (find(node->fullname) != nullptr) {
      return fail(schema_error("duplicate definition of name \"{}\"", node->fullname).in("name"));
    }
    // Defined before its body is parsed, so a record may refer to itself.
    names_.emplace(node->fullname, node);
    schema_.add_named(node);

    SLUICE_ASSIGN_OR_RETURN(node->aliases, parse_aliases(j, node->space, true));

    if (node->type == Type::kRecord) {
      SLUICE_TRY(parse_fields(*node, j, depth));
    } else if (node->type == Type::kEnum) {
      SLUICE_TRY(parse_symbols(*node, j));
    } else {
      auto size = j.find("size");
      if (size == j.end())
        return fail(schema_error("fixed has no \"size\""));
      if (size->is_number_unsigned() ||
          (size->is_number_integer() && size->get<std::int64_t>() >= 0)) {
        node->fixed_size = static_cast<std::size_t>(size->get<std::uint64_t>());
      } else {
        return fail(schema_error("fixed size must be a non-negative integer, got {}", brief(*size))
                        .in("size"));
      }
    }
    SLUICE_TRY(finish_attributes(*node, j));
    return node;
  }

  Status parse_symbols(Node& node, const Json& j) {
    auto it = j.find("symbols");
    if (it == j.end())
      return fail(schema_error("enum has no \"symbols\""));
    if (!it->is_array()) {
      return fail(schema_error("\"symbols\" must be an array of strings").in("symbols"));
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& s = (*it)[i];
      std::string where = fmt::format("[{}]", i);
      if (!s.is_string()) {
        return fail(
            schema_error("symbol must be a string, got {}", brief(s)).in(where).in("symbols"));
      }
      const std::string& symbol = s.get_ref<const std::string&>();
      if (!is_valid_name(symbol)) {
        return fail(schema_error("invalid symbol \"{}\"", symbol).in(where).in("symbols"));
      }
      if (node.symbol_index(symbol) >= 0) {
        return fail(schema_error("duplicate symbol \"{}\"", symbol).in(where).in("symbols"));
      }
      node.symbols.push_back(symbol);
    }
    if (auto d = j.find("default"); d != j.end()) {
      if (!d->is_string() || node.symbol_index(d->get_ref<const std::string&>()) < 0) {
        return fail(
            schema_error("enum default {} is not one of the symbols", brief(*d)).in("default"));
      }
      node.enum_default = d->get<std::string>();
    }
    return ok_status();
  }

  Status parse_fields(Node& record, const Json& j, std::size_t depth) {
    auto it = j.find("fields");
    if (it == j.end())
      return fail(schema_error("record has no \"fields\""));
    if (!it->is_array())
      return fail(schema_error("\"fields\" must be an array").in("fields"));
    record.fields.reserve(it->size());
    for (std::size_t i = 0; i < it->size(); ++i) {
      Field field;
      field.index = i;
      if (auto s = parse_field(record, (*it)[i], field, depth + 1); !s) {
        return fail(std::move(s).error().in(fmt::format("[{}]", i)).in("fields"));
      }
      record.fields.push_back(std::move(field));
    }
    return ok_status();
  }

  Status parse_field(const Node& record, const Json& j, Field& field, std::size_t depth) {
    if (!j.is_object())
      return fail(schema_error("a field must be an object, got {}", brief(j)));
    auto name = j.find("name");
    if (name == j.end())
      return fail(schema_error("field has no \"name\""));
    if (!name->is_string()) {
      return fail(schema_error("\"name\" must be a string, got {}", brief(*name)).in("name"));
    }
    field.name = name->get<std::string>();
    if (!is_valid_name(field.name)) {
      return fail(schema_error("invalid field name \"{}\"", field.name).in("name"));
    }
    if (record.field_index(field.name) >= 0) {
      return fail(schema_error("duplicate field name \"{}\"", field.name).in("name"));
    }
    auto type = j.find("type");
    if (type == j.end())
      return fail(schema_error("field \"{}\" has no \"type\"", field.name));
    auto node = parse(*type, record.space, depth + 1);
    if (!node)
      return fail(std::move(node).error().in("type"));
    field.type = *node;

    if (auto doc = j.find("doc"); doc != j.end()) {
      if (!doc->is_string())
        return fail(schema_error("\"doc\" must be a string").in("doc"));
      field.doc = doc->get<std::string>();
    }
    SLUICE_ASSIGN_OR_RETURN(field.aliases, parse_aliases(j, "", false));
    if (auto order = j.find("order"); order != j.end()) {
      std::string_view o;
      if (order->is_string())
        o = order->get_ref<const std::string&>();
      if (o == "ascending") {
        field.order = SortOrder::kAscending;
      } else if (o == "descending") {
        field.order = SortOrder::kDescending;
      } else if (o == "ignore") {
        field.order = SortOrder::kIgnore;
      } else {
        return fail(
            schema_error("order must be \"ascending\", \"descending\" or \"ignore\", got {}",
                         brief(*order))
                .in("order"));
      }
    }
    if (auto def = j.find("default"); def != j.end()) {
      Status valid = validate_default(*field.type, *def);
      if (valid) {
        field.default_json = compact(*def);
      } else if (options_.validate_defaults) {
        return fail(std::move(valid).error().in("default"));
      }
    }
    static constexpr std::string_view kFieldKeys[] = {"name",  "type",    "doc",
                                                      "order", "aliases", "default"};
    for (const auto& [key, value] : j.items()) {
      bool known = false;
      for (std::string_view k : kFieldKeys) known = known || k == key;
      if (!known)
        field.properties.push_back({key, compact(value)});
    }
    return ok_status();
  }

  Schema& schema_;
  const ParseOptions& options_;
  std::map<std::string, const Node*, std::less<>> names_;
  const Node* primitives_[8] = {};
};

}  // namespace

bool is_valid_name(std::string_view s) {
  if (s.empty())
    return false;
  auto head = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!head(s[0]))
    return false;
  for (char c : s.substr(1)) {
    if (!head(c) && !(c >= '0' && c <= '9'))
      return false;
  }
  return true;
}

int union_default_branch(const Node& union_node, std::string_view value_json) {
  Json value = Json::parse(value_json.begin(), value_json.end(), nullptr, false);
  if (value.is_discarded())
    return -1;
  return first_default_branch(union_node, value);
}

Result<SchemaPtr> Schema::parse(std::string_view json, const ParseOptions& options) {
  SLUICE_TRY(check_depth(json, options.max_depth));
  Json doc;
  try {
    doc = Json::parse(json.begin(), json.end());
  } catch (const Json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
    std::string_view what = e.what();
    if (auto close = what.find("] "); close != std::string_view::npos) {
      what.remove_prefix(close + 2);
    }
    return fail(Error(ErrorCode::kInvalidSchema, fmt::format("invalid JSON: {}", what))
                    .at_offset(e.byte > 0 ? e.byte - 1 : 0));
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInvalidSchema, "invalid JSON: {}", e.what());
  }
  auto schema = std::make_shared<Schema>();
  for (const SchemaPtr& ref : options.references) {
    if (ref)
      schema->keep_alive(ref);
  }
  Parser parser(*schema, options);
  SLUICE_ASSIGN_OR_RETURN(const Node* root, parser.parse(doc, "", 1));
  schema->set_root(root);
  return SchemaPtr(std::move(schema));
}

}  // namespace sluice::avro
