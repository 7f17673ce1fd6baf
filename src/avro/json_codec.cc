// The Avro JSON encoding: a hand-written writer for encoding and simdjson's DOM
// parser (kept private to this file) for decoding.
#include "avro/json_codec.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace sluice::avro {
namespace {

// The name a union branch is known by in JSON: the fullname of a named type, else the
// type name ("string", "array", ...).
std::string_view branch_name(const Node& node) {
  return is_named(node.type) ? std::string_view(node.fullname) : type_name(node.type);
}

// Index of the branch of `node` (a union) that `value` is an instance of, or -1.
int union_branch_of(const Node& node, const Value& value) {
  int branch = value.branch();
  if (branch >= 0) {
    return static_cast<std::size_t>(branch) < node.branches.size() ? branch : -1;
  }
  for (std::size_t i = 0; i < node.branches.size(); ++i) {
    if (node.branches[i] == value.node()) return static_cast<int>(i);
  }
  for (std::size_t i = 0; i < node.branches.size(); ++i) {
    const Node* b = node.branches[i];
    if (b->type != value.type()) continue;
    if (is_named(b->type) && value.node() != nullptr && value.node()->fullname != b->fullname) {
      continue;
    }
    return static_cast<int>(i);
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Encoding.

constexpr char kHex[] = "0123456789abcdef";

void append_unicode_escape(std::string& out, unsigned code) {
  char buf[6] = {'\\', 'u', kHex[(code >> 12) & 0xF], kHex[(code >> 8) & 0xF],
                 kHex[(code >> 4) & 0xF], kHex[code & 0xF]};
  out.append(buf, 6);
}

// Length of the valid UTF-8 sequence at s[i..n), or 0 if it is not valid.
std::size_t utf8_sequence_length(const unsigned char* s, std::size_t i, std::size_t n) {
  unsigned char c = s[i];
  std::size_t len;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are invalid.
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

// A JSON string of UTF-8 text: control characters escaped, non-ASCII passed through,
// invalid UTF-8 replaced by U+FFFD so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  out.push_back('"');
  std::size_t run = 0;  // start of the pending run of bytes that need no escaping
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      std::size_t len = utf8_sequence_length(s, i, n);
      if (len != 0) {
        i += len;
        continue;
      }
    }
    out.append(text.data() + run, i - run);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        append_unicode_escape(out, c < 0x80 ? c : 0xFFFD);  // control char, or bad UTF-8
        break;
    }
    ++i;
    run = i;
  }
  out.append(text.data() + run, n - run);
  out.push_back('"');
}

// A JSON string whose code points 0-255 are the bytes (ISO-8859-1), ASCII-only output.
void append_json_bytes(std::string& out, std::string_view bytes) {
  out.push_back('"');
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else if (c == '"') {
      out.append("\\\"");
    } else if (c == '\\') {
      out.append("\\\\");
    } else {
      append_unicode_escape(out, c);
    }
  }
  out.push_back('"');
}

template <class F>
void append_json_real(std::string& out, F v) {
  if (std::isnan(v)) {
    out.append("\"NaN\"");
  } else if (std::isinf(v)) {
    out.append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    // Shortest representation that reads back to the same value; "1" gets ".0" so
    // readers see a real number.
    std::size_t start = out.size();
    fmt::format_to(std::back_inserter(out), "{}", v);
    if (out.find_first_of(".eE", start) == std::string::npos) out.append(".0");
  }
}

struct JsonEncoder {
  std::string& out;
  bool pretty;
  int depth = 0;
  std::optional<Error> error;

  [[gnu::cold, gnu::noinline]] bool fail(Error e) {
    error.emplace(std::move(e));
    return false;
  }
  [[gnu::cold, gnu::noinline]] bool in(std::string segment) {
    error->in(segment);
    return false;
  }

  void newline() {
    if (!pretty) return;
    out.push_back('\n');
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
  }
  void separator() { out.append(pretty ? "," : ", "); }

  bool encode(const Node& node, const Value& value);
};

bool JsonEncoder::encode(const Node& node, const Value& value) {
  if (node.type == Type::kUnion) {
    int branch = union_branch_of(node, value);
    if (branch < 0) {
      if (value.branch() >= 0) {
        return fail(Error(ErrorCode::kInvalidData,
                          fmt::format("union branch {} is out of range (the union has {} "
                                      "branches)",
                                      value.branch(), node.branches.size())));
      }
      return fail(Error(ErrorCode::kInvalidData,
                        fmt::format("no branch of the union matches a value of type {}",
                                    type_name(value.type()))));
    }
    const Node& b = *node.branches[static_cast<std::size_t>(branch)];
    if (b.type == Type::kNull) return encode(b, value);
    out.push_back('{');
    ++depth;
    newline();
    append_json_string(out, branch_name(b));
    out.append(": ");
    if (!encode(b, value)) return false;
    --depth;
    newline();
    out.push_back('}');
    return true;
  }
  if (value.type() != node.type) {
    return fail(Error(ErrorCode::kInvalidData,
                      fmt::format("expected a value of type {}{}{}, got {}", type_name(node.type),
                                  node.fullname.empty() ? "" : " ", node.fullname,
                                  type_name(value.type()))));
  }
  switch (node.type) {
    case Type::kNull: out.append("null"); return true;
    case Type::kBoolean: out.append(value.as_bool() ? "true" : "false"); return true;
    case Type::kInt: fmt::format_to(std::back_inserter(out), "{}", value.as_int()); return true;
    case Type::kLong: fmt::format_to(std::back_inserter(out), "{}", value.as_long()); return true;
    case Type::kFloat: append_json_real(out, value.as_float()); return true;
    case Type::kDouble: append_json_real(out, value.as_double()); return true;
    case Type::kString: append_json_string(out, value.as_string()); return true;
    case Type::kBytes: append_json_bytes(out, value.as_string()); return true;
    case Type::kFixed:
      if (value.size() != node.fixed_size) {
        return fail(Error(ErrorCode::kInvalidData,
                          fmt::format("fixed {} needs {} bytes, the value has {}", node.fullname,
                                      node.fixed_size, value.size())));
      }
      append_json_bytes(out, value.as_string());
      return true;
    case Type::kEnum: {
      int index = value.enum_index();
      if (index < 0 || static_cast<std::size_t>(index) >= node.symbols.size()) {
        return fail(Error(ErrorCode::kInvalidData,
                          fmt::format("enum {} index {} is out of range (it has {} symbols)",
                                      node.fullname, index, node.symbols.size())));
      }
      append_json_string(out, node.symbols[static_cast<std::size_t>(index)]);
      return true;
    }
    case Type::kRecord: {
      std::size_t n = node.fields.size();
      if (value.size() != n) {
        return fail(Error(ErrorCode::kInvalidData,
                          fmt::format("record {} has {} fields, the value has {}", node.fullname,
                                      n, value.size())));
      }
      out.push_back('{');
      if (n == 0) {
        out.push_back('}');
        return true;
      }
      ++depth;
      for (std::size_t i = 0; i < n; ++i) {
        if (i != 0) separator();
        newline();
        append_json_string(out, node.fields[i].name);
        out.append(": ");
        if (!encode(*node.fields[i].type, value[i])) return in(node.fields[i].name);
      }
      --depth;
      newline();
      out.push_back('}');
      return true;
    }
    case Type::kArray: {
      std::size_t n = value.size();
      out.push_back('[');
      if (n == 0) {
        out.push_back(']');
        return true;
      }
      ++depth;
      for (std::size_t i = 0; i < n; ++i) {
        if (i != 0) separator();
        newline();
        if (!encode(*node.items, value[i])) return in(fmt::format("[{}]", i));
      }
      --depth;
      newline();
      out.push_back(']');
      return true;
    }
    case Type::kMap: {
      auto entries = value.entries();
      out.push_back('{');
      if (entries.empty()) {
        out.push_back('}');
        return true;
      }
      ++depth;
      bool first = true;
      for (const MapEntry& e : entries) {
        if (!first) separator();
        first = false;
        newline();
        append_json_string(out, e.key);
        out.append(": ");
        if (!encode(*node.values, e.value)) return in(fmt::format("[{}]", e.key));
      }
      --depth;
      newline();
      out.push_back('}');
      return true;
    }
    case Type::kUnion: break;  // handled above
  }
  return fail(Error(ErrorCode::kInternal, "unknown schema node type"));
}

// ---------------------------------------------------------------------------
// Decoding.

// simdjson parsers are costly to create: one per thread, reused. Decoding a field
// default while another document is being decoded needs a second one, so a small
// per-thread pool hands out leases.
struct ParserSlot {
  simdjson::dom::parser parser;
  std::unique_ptr<char[]> buffer;  // the text, copied with simdjson's padding
  std::size_t capacity = 0;
};

class ParserLease {
 public:
  ParserLease() {
    auto& p = pool();
    if (used() == p.size()) p.push_back(std::make_unique<ParserSlot>());
    slot_ = p[used()++].get();
  }
  ~ParserLease() { --used(); }
  ParserLease(const ParserLease&) = delete;
  ParserLease& operator=(const ParserLease&) = delete;

  simdjson::error_code parse(std::string_view json, simdjson::dom::element& out) {
    std::size_t need = json.size() + simdjson::SIMDJSON_PADDING;
    if (slot_->capacity < need) {
      slot_->buffer = std::make_unique<char[]>(need);
      slot_->capacity = need;
    }
    if (!json.empty()) std::memcpy(slot_->buffer.get(), json.data(), json.size());
    std::memset(slot_->buffer.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    return slot_->parser.parse(slot_->buffer.get(), json.size(), false).get(out);
  }

 private:
  static std::vector<std::unique_ptr<ParserSlot>>& pool() {
    thread_local std::vector<std::unique_ptr<ParserSlot>> slots;
    return slots;
  }
  static std::size_t& used() {
    thread_local std::size_t n = 0;
    return n;
  }
  ParserSlot* slot_;
};

using simdjson::dom::element;
using simdjson::dom::element_type;

enum class UnionMode : std::uint8_t {
  kTagged,       // {"type": value} or null (the JSON encoding)
  kDefaultBranch,  // the value of union_default_branch's branch, unwrapped (field defaults)
};

// A short rendering of a JSON value for messages.
std::string describe(element e) {
  std::string text = simdjson::minify(e);
  if (text.size() > 40) {
    text.resize(37);
    text += "...";
  }
  return text;
}

// Decodes a UTF-8 string whose code points are all <= U+00FF into bytes.
bool latin1_to_bytes(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size() && (s[i + 1] & 0xC0) == 0x80) {
      out.push_back(static_cast<char>(((c & 0x1F) << 6) | (s[i + 1] & 0x3F)));
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

struct JsonDecoder {
  Arena& arena;
  UnionMode mode;
  std::optional<Error> error;
  std::string scratch;

  [[gnu::cold, gnu::noinline]] bool fail(std::string message) {
    error.emplace(ErrorCode::kInvalidData, std::move(message));
    return false;
  }
  [[gnu::cold, gnu::noinline]] bool expected(std::string_view what, element got) {
    return fail(fmt::format("expected {}, got {}", what, describe(got)));
  }
  [[gnu::cold, gnu::noinline]] bool in(std::string segment) {
    if (error) error->in(segment);
    return false;
  }

  bool decode(const Node& node, element e, Value& out);
  bool decode_real(const Node& node, element e, Value& out);
  bool decode_record(const Node& node, element e, Value& out);
  bool decode_union(const Node& node, element e, Value& out);
};

bool JsonDecoder::decode_real(const Node& node, element e, Value& out) {
  double d;
  switch (e.type()) {
    case element_type::INT64: d = static_cast<double>(e.get_int64().value_unsafe()); break;
    case element_type::UINT64: d = static_cast<double>(e.get_uint64().value_unsafe()); break;
    case element_type::DOUBLE: d = e.get_double().value_unsafe(); break;
    case element_type::STRING: {
      std::string_view s = e.get_string().value_unsafe();
      if (s == "NaN") {
        d = std::numeric_limits<double>::quiet_NaN();
      } else if (s == "Infinity") {
        d = std::numeric_limits<double>::infinity();
      } else if (s == "-Infinity") {
        d = -std::numeric_limits<double>::infinity();
      } else {
        return expected(fmt::format("{} (a number, \"NaN\", \"Infinity\" or \"-Infinity\")",
                                    type_name(node.type)),
                        e);
      }
      break;
    }
    default: return expected(fmt::format("{} (a number)", type_name(node.type)), e);
  }
  if (node.type == Type::kFloat) {
    constexpr double kFloatMax = std::numeric_limits<float>::max();
    if (std::isfinite(d) && std::fabs(d) > kFloatMax) {
      // Up to half an ulp (2^103) above FLT_MAX still rounds to FLT_MAX: the shortest
      // text of FLT_MAX ("3.4028235e+38") reads back as such a double.
      if (std::fabs(d) >= kFloatMax + 0x1p103) {
        return fail(fmt::format("{} is out of the float range", describe(e)));
      }
      d = std::copysign(kFloatMax, d);
    }
    out = Value::float32(&node, static_cast<float>(d));
  } else {
    out = Value::float64(&node, d);
  }
  return true;
}

bool JsonDecoder::decode(const Node& node, element e, Value& out) {
  switch (node.type) {
    case Type::kNull:
      if (!e.is_null()) return expected("null", e);
      out = Value::null(&node);
      return true;
    case Type::kBoolean:
      if (e.type() != element_type::BOOL) return expected("boolean", e);
      out = Value::boolean(&node, e.get_bool().value_unsafe());
      return true;
    case Type::kInt: {
      if (e.type() != element_type::INT64 && e.type() != element_type::UINT64) {
        return expected("int", e);
      }
      if (e.type() == element_type::UINT64) {
        return fail(fmt::format("{} is out of the int range", describe(e)));
      }
      std::int64_t v = e.get_int64().value_unsafe();
      if (v < std::numeric_limits<std::int32_t>::min() ||
          v > std::numeric_limits<std::int32_t>::max()) {
        return fail(fmt::format("{} is out of the int range", v));
      }
      out = Value::int32(&node, static_cast<std::int32_t>(v));
      return true;
    }
    case Type::kLong:
      if (e.type() == element_type::UINT64) {
        return fail(fmt::format("{} is out of the long range", describe(e)));
      }
      if (e.type() != element_type::INT64) return expected("long", e);
      out = Value::int64(&node, e.get_int64().value_unsafe());
      return true;
    case Type::kFloat:
    case Type::kDouble: return decode_real(node, e, out);
    case Type::kString:
      if (e.type() != element_type::STRING) return expected("string", e);
      out = Value::text(&node, arena.copy(e.get_string().value_unsafe()));
      return true;
    case Type::kBytes:
    case Type::kFixed: {
      if (e.type() != element_type::STRING) return expected(type_name(node.type), e);
      if (!latin1_to_bytes(e.get_string().value_unsafe(), scratch)) {
        return fail(fmt::format("{} string has a code point above U+00FF", type_name(node.type)));
      }
      if (node.type == Type::kFixed && scratch.size() != node.fixed_size) {
        return fail(fmt::format("fixed {} needs {} bytes, got {}", node.fullname,
                                node.fixed_size, scratch.size()));
      }
      out = Value::text(&node, arena.copy(scratch));
      return true;
    }
    case Type::kEnum: {
      if (e.type() != element_type::STRING) return expected("enum symbol", e);
      std::string_view symbol = e.get_string().value_unsafe();
      int index = node.symbol_index(symbol);
      if (index < 0) {
        return fail(fmt::format("\"{}\" is not a symbol of enum {}", symbol, node.fullname));
      }
      out = Value::enumeration(&node, index);
      return true;
    }
    case Type::kRecord: return decode_record(node, e, out);
    case Type::kArray: {
      if (e.type() != element_type::ARRAY) return expected("array", e);
      simdjson::dom::array items = e.get_array().value_unsafe();
      std::size_t n = items.size();
      Value* children = arena.allocate_array<Value>(n);
      std::size_t i = 0;
      for (element item : items) {
        new (&children[i]) Value();
        if (!decode(*node.items, item, children[i])) return in(fmt::format("[{}]", i));
        ++i;
      }
      out = Value::with_children(&node, children, i);
      return true;
    }
    case Type::kMap: {
      if (e.type() != element_type::OBJECT) return expected("map (a JSON object)", e);
      simdjson::dom::object object = e.get_object().value_unsafe();
      std::size_t n = object.size();
      MapEntry* entries = arena.allocate_array<MapEntry>(n);
      std::size_t i = 0;
      for (simdjson::dom::key_value_pair kv : object) {
        new (&entries[i]) MapEntry{arena.copy(kv.key), Value()};
        if (!decode(*node.values, kv.value, entries[i].value)) {
          return in(fmt::format("[{}]", kv.key));
        }
        ++i;
      }
      out = Value::with_entries(&node, entries, i);
      return true;
    }
    case Type::kUnion: return decode_union(node, e, out);
  }
  return fail("unknown schema node type");
}

Result<Value> decode_with_mode(const Node& schema, std::string_view json, Arena& arena,
                               UnionMode mode);

bool JsonDecoder::decode_record(const Node& node, element e, Value& out) {
  if (e.type() != element_type::OBJECT) {
    return expected(fmt::format("record {} (a JSON object)", node.fullname), e);
  }
  const std::size_t n = node.fields.size();
  Value* children = arena.allocate_array<Value>(n);
  std::vector<bool> seen(n, false);
  std::size_t guess = 0;  // keys usually come in field order
  simdjson::dom::object object = e.get_object().value_unsafe();
  for (simdjson::dom::key_value_pair kv : object) {
    std::size_t index;
    if (guess < n && node.fields[guess].name == kv.key) {
      index = guess;
    } else {
      int found = node.field_index(kv.key);
      if (found < 0) {
        return fail(fmt::format("record {} has no field \"{}\"", node.fullname, kv.key));
      }
      index = static_cast<std::size_t>(found);
    }
    guess = index + 1;
    if (seen[index]) return fail(fmt::format("field \"{}\" appears twice", kv.key));
    seen[index] = true;
    new (&children[index]) Value();
    if (!decode(*node.fields[index].type, kv.value, children[index])) {
      return in(node.fields[index].name);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (seen[i]) continue;
    const Field& f = node.fields[i];
    if (!f.default_json) {
      return fail(fmt::format("missing field \"{}\" (it has no default)", f.name));
    }
    auto value = decode_with_mode(*f.type, *f.default_json, arena, UnionMode::kDefaultBranch);
    if (!value) {
      error.emplace(std::move(value).error());
      error->in(fmt::format("{}(default)", f.name));
      return false;
    }
    new (&children[i]) Value(*value);
  }
  out = Value::with_children(&node, children, n);
  return true;
}

bool JsonDecoder::decode_union(const Node& node, element e, Value& out) {
  if (node.branches.empty()) return fail("a union with no branches has no values");
  if (mode == UnionMode::kDefaultBranch) {
    int index = union_default_branch(node, simdjson::minify(e));
    if (index < 0) return fail(fmt::format("default {} matches no branch of the union", describe(e)));
    if (!decode(*node.branches[static_cast<std::size_t>(index)], e, out)) return false;
    out.in_branch(index);
    return true;
  }
  if (e.is_null()) {
    int null_index = node.null_branch();
    if (null_index < 0) return fail("null is not a branch of this union");
    out = Value::null(node.branches[static_cast<std::size_t>(null_index)]);
    out.in_branch(null_index);
    return true;
  }
  auto wrapped_expectation = [&] {
    std::string names;
    for (const Node* b : node.branches) {
      if (!names.empty()) names += ", ";
      names += branch_name(*b);
    }
    return fmt::format("a union value (null or {{\"<type>\": value}} with a type among {})",
                       names);
  };
  if (e.type() != element_type::OBJECT) return expected(wrapped_expectation(), e);
  simdjson::dom::object object = e.get_object().value_unsafe();
  auto it = object.begin();
  if (it == object.end()) return expected(wrapped_expectation(), e);
  simdjson::dom::key_value_pair kv = *it;
  ++it;
  if (it != object.end()) return expected(wrapped_expectation(), e);
  int index = -1;
  for (std::size_t i = 0; i < node.branches.size(); ++i) {
    if (branch_name(*node.branches[i]) == kv.key) {
      index = static_cast<int>(i);
      break;
    }
  }
  if (index < 0) {
    // Accept a named type's short name when it is unambiguous.
    for (std::size_t i = 0; i < node.branches.size(); ++i) {
      const Node& b = *node.branches[i];
      if (is_named(b.type) && b.name == kv.key) {
        if (index >= 0) {
          index = -1;
          break;
        }
        index = static_cast<int>(i);
      }
    }
  }
  if (index < 0) {
    return fail(fmt::format("\"{}\" is not a branch of the union ({})", kv.key,
                            wrapped_expectation()));
  }
  const Node& branch = *node.branches[static_cast<std::size_t>(index)];
  if (!decode(branch, kv.value, out)) return false;
  out.in_branch(index);
  return true;
}

Result<Value> decode_with_mode(const Node& schema, std::string_view json, Arena& arena,
                               UnionMode mode) {
  ParserLease lease;
  element root;
  if (auto err = lease.parse(json, root); err != simdjson::SUCCESS) {
    return fail(ErrorCode::kInvalidData, "invalid JSON: {}", simdjson::error_message(err));
  }
  JsonDecoder decoder{arena, mode, std::nullopt, {}};
  Value out;
  if (!decoder.decode(schema, root, out)) return fail(std::move(*decoder.error));
  return out;
}

}  // namespace

Status encode_json(const Node& schema, const Value& value, std::string& out,
                   const JsonEncodeOptions& options) {
  std::size_t before = out.size();
  JsonEncoder encoder{out, options.pretty};
  if (!encoder.encode(schema, value)) {
    out.resize(before);
    return fail(std::move(*encoder.error));
  }
  return ok_status();
}

Result<Value> decode_json(const Node& schema, std::string_view json, Arena& arena) {
  return decode_with_mode(schema, json, arena, UnionMode::kTagged);
}

Result<Value> decode_default(const Node& schema, std::string_view json, Arena& arena) {
  return decode_with_mode(schema, json, arena, UnionMode::kDefaultBranch);
}

}  // namespace sluice::avro
