// generate_cpp_header: Avro schemas -> one C++20 header (see cpp_generator.h).
//
// Layout of the output: includes; forward declarations of every record; enums and
// fixed aliases; records in dependency order (a record after every record it holds
// by value); then, after every type is complete, the out-of-class inline member
// functions (straight-line encode/decode, schema constants, resolution, JSON).
//
// Recursion: records are ordered by a depth-first walk of the records each one
// refers to; a reference that closes a cycle and needs a complete type (a record
// held directly, in a std::optional or in a std::variant) becomes Box<T>. References
// inside std::vector or maps need no box (those containers accept incomplete types).
#include "codegen/cpp_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "avro/fingerprint.h"
#include "avro/logical.h"
#include "codegen/internal/cpp_literals.h"
#include "codegen/internal/cpp_names.h"

namespace sluice::codegen {
namespace {

using avro::LogicalType;
using avro::Node;
using avro::Type;
using Json = nlohmann::json;
using internal::append_doc;
using internal::byte_list;
using internal::cpp_string_view;
using internal::cpp_string_literal;
using internal::float_literal;
using internal::int_literal;
using internal::latin1_bytes;
using internal::split_namespace;

constexpr const char* kGen = "::sluice::avro::gen::";
constexpr const char* kAvro = "::sluice::avro::";
// The read-only view struct nested in each record whose type graph has no recursion:
// strings and bytes as views into the input, maps as vectors of (key, value) pairs.
// (A recursive record would need a view of a record not yet complete, so it has none.)
constexpr const char* kViewName = "AvroView";
// Warnings that a user's -Werror build must not fail on are silenced for the
// header's own code, between these two:
// - every member of a generated record is initialised (a default or
//   value-initialisation), but g++ 12 reports it "may be used uninitialized" when the
//   constructors and copies of std::optional and std::variant members are inlined into
//   a large function, at -O1 and under -fsanitize=address (GCC bug 80635);
// - -Wshadow: a field may have the name of a parameter or local variable of the
//   record's own member functions (`out`, `bytes`, `at`, ...), which those functions
//   shadow on purpose (they reach the fields through `this->`); renaming the field
//   instead would change the record's API;
// - clang's -Wexit-time-destructors (in -Weverything): avro_schema_ptr() keeps the
//   parsed schema in a function-local static, destroyed at exit on purpose;
// - -Wfloat-equal: the operator== written out for a record that holds a record not yet
//   complete compares float and double fields with ==, as a defaulted one does.
constexpr const char* kSilenceWarnings =
    "#if defined(__clang__)\n"
    "#pragma clang diagnostic push\n"
    "#pragma clang diagnostic ignored \"-Wshadow-all\"\n"
    "#pragma clang diagnostic ignored \"-Wexit-time-destructors\"\n"
    "#pragma clang diagnostic ignored \"-Wfloat-equal\"\n"
    "#elif defined(__GNUC__)\n"
    "#pragma GCC diagnostic push\n"
    "#pragma GCC diagnostic ignored \"-Wmaybe-uninitialized\"\n"
    "#pragma GCC diagnostic ignored \"-Wshadow\"\n"
    "#pragma GCC diagnostic ignored \"-Wfloat-equal\"\n"
    "#endif\n";
constexpr const char* kRestoreWarnings =
    "#if defined(__clang__)\n"
    "#pragma clang diagnostic pop\n"
    "#elif defined(__GNUC__)\n"
    "#pragma GCC diagnostic pop\n"
    "#endif\n";

struct Named {
  const Node* node = nullptr;
  std::string ns;    // C++ namespace, "a::b" ("" = global)
  std::string name;  // C++ simple name
  // Records only.
  std::vector<std::string> fields;  // C++ member names, in field order
  std::set<std::string> boxed;      // fullnames of records held through Box<>
  bool recursive = false;           // the record can contain itself
  bool has_view = false;            // gets a nested AvroView (see kViewName)
};

class Generator {
 public:
  explicit Generator(const CppOptions& options) : options_(options) {}

  Result<std::string> run(std::span<const avro::SchemaPtr> schemas) {
    if (schemas.empty())
      return fail(ErrorCode::kInvalidArgument, "no schema to generate C++ from");
    for (const avro::SchemaPtr& schema : schemas)
      SLUICE_TRY(collect(schema->root()));
    SLUICE_TRY(assign_names());
    order_records();  // before defaults: it decides which members are boxed
    find_finite_zeros();
    SLUICE_TRY(prepare_defaults());
    emit();
    return std::move(out_);
  }

 private:
  // ---------------------------------------------------------------- analysis

  Status collect(const Node& node) {
    switch (node.type) {
      case Type::kRecord:
      case Type::kEnum:
      case Type::kFixed: {
        auto it = named_.find(node.fullname);
        if (it != named_.end()) {
          if (it->second.node != &node &&
              avro::canonical_form(*it->second.node) != avro::canonical_form(node))
            return fail(ErrorCode::kInvalidArgument,
                        "two different definitions of the named type {}", node.fullname);
          return ok_status();
        }
        named_[node.fullname].node = &node;
        appearance_.push_back(&node);
        for (const avro::Field& f : node.fields)
          SLUICE_TRY(collect(*f.type));
        return ok_status();
      }
      case Type::kArray:
        return collect(*node.items);
      case Type::kMap:
        return collect(*node.values);
      case Type::kUnion:
        for (const Node* b : node.branches)
          SLUICE_TRY(collect(*b));
        return ok_status();
      default:
        return ok_status();
    }
  }

  Status assign_names() {
    std::optional<std::string> override_ns;
    if (options_.cpp_namespace) {
      std::string ns;
      const std::vector<std::string> parts = split_namespace(*options_.cpp_namespace);
      if (parts.empty())
        return fail(ErrorCode::kInvalidArgument, "C++ namespace \"{}\" names no namespace",
                    *options_.cpp_namespace);
      for (const std::string& part : parts) {
        // Avro's name rule, so that the parts are mangled as Avro namespaces are
        // (keywords and reserved names renamed).
        if (!avro::is_valid_name(part)) {
          return fail(ErrorCode::kInvalidArgument,
                      "C++ namespace \"{}\": \"{}\" is not a name (ASCII letters, digits and '_', "
                      "not starting with a digit; parts separated by :: or .)",
                      *options_.cpp_namespace, part);
        }
        std::string id = internal::cpp_identifier(part);
        while (ns.empty() && internal::is_global_name(id))
          internal::add_underscore(id);  // --namespace time: ::time is a function
        ns += (ns.empty() ? "" : "::") + id;
      }
      override_ns = ns;
    }
    // kViewName is a member type of every record: no field may take that name.
    std::set<std::string> type_names = {kViewName};
    std::map<std::string, std::string> taken;  // "ns::name" -> fullname
    // Every C++ namespace the types open, with the namespaces around it ("a", "a::b").
    std::set<std::string> namespaces;
    for (const Node* node : appearance_) {
      Named& n = named_[node->fullname];
      if (override_ns) {
        n.ns = *override_ns;
      } else {
        for (const std::string& part : split_namespace(node->space)) {
          std::string id = internal::cpp_identifier(part);
          while (n.ns.empty() && internal::is_global_name(id))
            internal::add_underscore(id);  // a namespace `time` would clash with ::time
          n.ns += (n.ns.empty() ? "" : "::") + id;
        }
      }
      std::string prefix;
      for (const std::string& part : split_namespace(n.ns))
        namespaces.insert(prefix += (prefix.empty() ? "" : "::") + part);
    }
    for (const Node* node : appearance_) {
      Named& n = named_[node->fullname];
      std::string name = internal::cpp_identifier(node->name);
      if (override_ns && taken.count(n.ns + "::" + name) != 0) {
        // Two types of one simple name gathered into one namespace (--namespace, and
        // artifacts): the later one is prefixed with its Avro namespace's last part
        // (a.Id, b.Id -> Id, b_Id).
        std::vector<std::string> parts = split_namespace(node->space);
        if (!parts.empty())
          name = internal::cpp_identifier(parts.back() + "_" + node->name);
      }
      // A type may not have the name of a namespace beside it (the record a.b and
      // the namespace a.b of another type), nor of a parameter or local variable of
      // the generated functions, which would hide it there, nor the name of the view
      // type nested in records (kViewName), which would hide it in them, nor, in the
      // global namespace, a name the standard library declares there (tm, FILE, time),
      // nor that of another type in its namespace, nor one the caller reserves: it gets a
      // trailing underscore.
      while (namespaces.count(n.ns.empty() ? name : n.ns + "::" + name) != 0 ||
             is_local_name(name) || name == kViewName ||
             options_.reserved_names.count(name) != 0 ||
             (n.ns.empty() && internal::is_global_name(name)) ||
             taken.count(n.ns + "::" + name) != 0)
        internal::add_underscore(name);
      n.name = name;
      taken.emplace(n.ns + "::" + n.name, node->fullname);
      type_names.insert(n.name);
      for (const std::string& part : split_namespace(n.ns))
        type_names.insert(part);
    }
    // Member names: a name that equals a type or namespace name would change the
    // meaning of that name inside the struct, so it gets a trailing underscore too.
    for (const Node* node : appearance_) {
      if (node->type != Type::kRecord)
        continue;
      Named& n = named_[node->fullname];
      std::set<std::string> used;
      for (const avro::Field& f : node->fields) {
        std::string name = internal::cpp_identifier(f.name);
        while (type_names.count(name) != 0 || used.count(name) != 0)
          internal::add_underscore(name);
        used.insert(name);
        n.fields.push_back(name);
      }
    }
    return ok_status();
  }

  // Whether generated functions declare `name` as a parameter or local variable: the
  // fixed names, and tmp()'s (a prefix letter and a number).
  static bool is_local_name(const std::string& name) {
    static const std::set<std::string> kLocals = {
        "at",     "bytes",  "data", "decoder", "guard", "in",   "out",
        "resolved", "schema", "size", "text",  "value", "view", "writer_schema_json"};
    if (kLocals.count(name) != 0)
      return true;
    return name.size() >= 2 && std::string_view("aceikmnrtuw").find(name[0]) != std::string::npos &&
           name.find_first_not_of("0123456789", 1) == std::string::npos;
  }

  // Records `node` refers to, with whether the reference sits inside a vector/map.
  void refs(const Node& node, bool in_container, std::vector<std::pair<const Node*, bool>>& out) {
    switch (node.type) {
      case Type::kRecord:
        out.emplace_back(&node, in_container);
        return;
      case Type::kArray:
        refs(*node.items, true, out);
        return;
      case Type::kMap:
        refs(*node.values, true, out);
        return;
      case Type::kUnion:
        for (const Node* b : node.branches)
          refs(*b, in_container, out);
        return;
      default:
        return;
    }
  }

  std::vector<std::pair<const Node*, bool>> record_refs(const Node& record) {
    std::vector<std::pair<const Node*, bool>> out;
    for (const avro::Field& f : record.fields)
      refs(*f.type, false, out);
    return out;
  }

  void order_records() {
    std::map<std::string, int> state;  // 0 new, 1 in progress, 2 done
    std::function<void(const Node&)> visit = [&](const Node& r) {
      state[r.fullname] = 1;
      for (auto [s, in_container] : record_refs(r)) {
        int st = state[s->fullname];
        if (st == 1) {
          if (!in_container)
            named_[r.fullname].boxed.insert(s->fullname);
        } else if (st == 0) {
          visit(*s);
        }
      }
      state[r.fullname] = 2;
      records_.push_back(&r);
    };
    for (const Node* node : appearance_)
      if (node->type == Type::kRecord && state[node->fullname] == 0)
        visit(*node);
    // A record is recursive when it can reach itself.
    for (const Node* r : records_) {
      std::set<std::string> seen;
      std::vector<const Node*> stack;
      for (auto [s, c] : record_refs(*r))
        stack.push_back(s);
      while (!stack.empty()) {
        const Node* s = stack.back();
        stack.pop_back();
        if (s == r || s->fullname == r->fullname) {
          named_[r->fullname].recursive = true;
          break;
        }
        if (!seen.insert(s->fullname).second)
          continue;
        for (auto [t, c] : record_refs(*s))
          stack.push_back(t);
      }
    }
    // records_ lists every record after the records it holds (outside cycles), so
    // their has_view is known when a record's is decided. A record without a view is
    // one that is recursive or holds one that is.
    for (const Node* r : records_) {
      Named& n = named_[r->fullname];
      n.has_view = !n.recursive;
      for (auto [s, c] : record_refs(*r))
        n.has_view = n.has_view && named_[s->fullname].has_view;
    }
  }

  // ---------------------------------------------------------------- types

  std::string qualified(const Node& named, const Named& ctx) const {
    const Named& n = named_.at(named.fullname);
    if (n.ns == ctx.ns)
      return n.name;
    return n.ns.empty() ? "::" + n.name : "::" + n.ns + "::" + n.name;
  }

  // Record `record`'s Named for code that stands in ctx's functions (its fields decoded
  // inline there, its default as an expression there): its own fields and boxes, with
  // type names written from ctx's namespace, which may differ from the record's.
  Named seen_from(const Node& record, const Named& ctx) const {
    Named r = named_.at(record.fullname);
    r.ns = ctx.ns;
    return r;
  }

  bool is_boxed(const Node& record, const Named& ctx, bool in_container) const {
    return !in_container && ctx.boxed.count(record.fullname) != 0;
  }

  // The optional's value branch for ["null", T] / [T, "null"], else -1.
  static int optional_branch(const Node& u) {
    if (u.branches.size() != 2)
      return -1;
    int ni = u.null_branch();
    return ni < 0 ? -1 : 1 - ni;
  }

  // The C++ type of a logical annotation on a fixed/bytes/string/int/long, or "".
  std::string logical_type(const Node& n) const {
    switch (n.logical) {
      case LogicalType::kDecimal:
      case LogicalType::kBigDecimal:
        return fmt::format("{}Decimal", kAvro);
      case LogicalType::kUuid:
        return fmt::format("{}Uuid", kAvro);
      case LogicalType::kDate:
        return "std::chrono::sys_days";
      case LogicalType::kTimeMillis:
        return fmt::format("{}TimeMillis", kAvro);
      case LogicalType::kTimeMicros:
        return fmt::format("{}TimeMicros", kAvro);
      case LogicalType::kTimestampMillis:
        return fmt::format("{}TimestampMillis", kAvro);
      case LogicalType::kTimestampMicros:
        return fmt::format("{}TimestampMicros", kAvro);
      case LogicalType::kTimestampNanos:
        return fmt::format("{}TimestampNanos", kAvro);
      case LogicalType::kLocalTimestampMillis:
        return fmt::format("{}LocalTimestampMillis", kAvro);
      case LogicalType::kLocalTimestampMicros:
        return fmt::format("{}LocalTimestampMicros", kAvro);
      case LogicalType::kLocalTimestampNanos:
        return fmt::format("{}LocalTimestampNanos", kAvro);
      case LogicalType::kDuration:
        return fmt::format("{}Duration", kAvro);
      case LogicalType::kNone:
        return "";
    }
    return "";
  }

  std::string cpp_type(const Node& n, const Named& ctx, bool in_container) const {
    switch (n.type) {
      case Type::kNull:
        return "std::monostate";
      case Type::kBoolean:
        return "bool";
      case Type::kInt:
        return n.logical != LogicalType::kNone ? logical_type(n) : "std::int32_t";
      case Type::kLong:
        return n.logical != LogicalType::kNone ? logical_type(n) : "std::int64_t";
      case Type::kFloat:
        return "float";
      case Type::kDouble:
        return "double";
      case Type::kBytes:
        if (n.logical != LogicalType::kNone)
          return logical_type(n);
        return view_ ? "std::span<const std::uint8_t>" : "std::vector<std::uint8_t>";
      case Type::kString:
        if (n.logical != LogicalType::kNone)
          return logical_type(n);
        return view_ ? "std::string_view" : "std::string";
      case Type::kRecord:
        if (view_)
          return qualified(n, ctx) + "::" + kViewName;
        if (is_boxed(n, ctx, in_container))
          return fmt::format("{}Box<{}>", kGen, qualified(n, ctx));
        return qualified(n, ctx);
      case Type::kEnum:
      case Type::kFixed:
        return qualified(n, ctx);
      case Type::kArray:
        return fmt::format("std::vector<{}>", cpp_type(*n.items, ctx, true));
      case Type::kMap:
        if (view_)
          return fmt::format("std::vector<std::pair<std::string_view, {}>>",
                             cpp_type(*n.values, ctx, true));
        return fmt::format("{}<std::string, {}>",
                           options_.map_kind == MapKind::kOrdered ? "std::map"
                                                                  : "std::unordered_map",
                           cpp_type(*n.values, ctx, true));
      case Type::kUnion: {
        int vi = optional_branch(n);
        if (vi >= 0)
          return fmt::format("std::optional<{}>", cpp_type(*n.branches[vi], ctx, in_container));
        std::string out = "std::variant<";
        for (std::size_t i = 0; i < n.branches.size(); ++i)
          out += (i > 0 ? ", " : "") + cpp_type(*n.branches[i], ctx, in_container);
        return out + ">";
      }
    }
    return "void";
  }

  // ---------------------------------------------------------------- defaults

  // Every field default has a C++ expression: the parser checked each against its
  // type; this catches what only the C++ value can reject (a UUID string that is no
  // UUID, big-decimal bytes that are no big-decimal), naming the field, before anything
  // is emitted. The parsed default and its expression are kept for emit_record.
  Status prepare_defaults() {
    for (const Node* node : appearance_) {
      if (node->type != Type::kRecord)
        continue;
      const Named& n = named_.at(node->fullname);
      for (const avro::Field& f : node->fields) {
        if (!f.default_json)
          continue;
        Json j = Json::parse(*f.default_json, nullptr, false);
        if (j.is_discarded())  // the parser stores a default as the JSON it validated
          return fail(ErrorCode::kInternal, "{}.{}: stored default is not JSON", node->fullname,
                      f.name);
        Result<std::string> e = default_expr(*f.type, j, n, false);
        if (!e)
          return fail(e.error().code(), "{}.{}: default {}: {}", node->fullname, f.name,
                      *f.default_json, e.error().message());
        defaults_[{node->fullname, f.name}] = FieldDefault{std::move(j), std::move(*e)};
      }
    }
    return ok_status();
  }

  // A decimal default, checked as a UUID is: with more digits than the precision, every
  // constructor would make a value that to_avro() and to_json() refuse.
  static Result<std::string> decimal_default(const Node& n, const std::vector<std::uint8_t>& b) {
    avro::Decimal value(b, n.scale);
    if (n.precision > 0 && value.digits() > n.precision)
      return fail(ErrorCode::kInvalidArgument, "decimal {} has more than {} digits (the precision)",
                  value.to_string(), n.precision);
    return fmt::format("{}make_decimal({{{}}}, {})", kGen, byte_list(b), n.scale);
  }

  Result<std::string> default_expr(const Node& n, const Json& j, const Named& ctx,
                                   bool in_container) const {
    switch (n.type) {
      case Type::kNull:
        return std::string("{}");
      case Type::kBoolean:
        return std::string(j.get<bool>() ? "true" : "false");
      case Type::kInt: {
        std::int64_t v = j.get<std::int64_t>();
        if (n.logical == LogicalType::kDate)
          return fmt::format("std::chrono::sys_days(std::chrono::days({}))", v);
        if (n.logical == LogicalType::kTimeMillis)
          return fmt::format("{}TimeMillis({})", kAvro, v);
        return int_literal(v);
      }
      case Type::kLong: {
        std::int64_t v = j.get<std::int64_t>();
        switch (n.logical) {
          case LogicalType::kTimeMicros:
            return fmt::format("{}TimeMicros({})", kAvro, int_literal(v));
          case LogicalType::kTimestampMillis:
          case LogicalType::kLocalTimestampMillis:
            return fmt::format("{}(std::chrono::milliseconds({}))", logical_type(n), int_literal(v));
          case LogicalType::kTimestampMicros:
          case LogicalType::kLocalTimestampMicros:
            return fmt::format("{}(std::chrono::microseconds({}))", logical_type(n), int_literal(v));
          case LogicalType::kTimestampNanos:
          case LogicalType::kLocalTimestampNanos:
            return fmt::format("{}(std::chrono::nanoseconds({}))", logical_type(n), int_literal(v));
          default:
            return int_literal(v);
        }
      }
      case Type::kFloat:
        return float_literal(j, true);
      case Type::kDouble:
        return float_literal(j, false);
      case Type::kString: {
        std::string s = j.get<std::string>();
        if (n.logical == LogicalType::kUuid) {
          // Checked here: a default that is no UUID would make every constructor throw.
          if (Result<avro::Uuid> u = avro::Uuid::parse(s); !u)
            return fail(u.error());
          return fmt::format("{}parse_uuid({})", kGen, cpp_string_literal(s));
        }
        if (s.find('\0') != std::string::npos)
          return fmt::format("std::string({}, {})", cpp_string_literal(s), s.size());
        return fmt::format("std::string({})", cpp_string_literal(s));
      }
      case Type::kBytes: {
        std::vector<std::uint8_t> b = latin1_bytes(j.get<std::string>());
        if (n.logical == LogicalType::kDecimal)
          return decimal_default(n, b);
        if (n.logical == LogicalType::kBigDecimal) {
          // Checked here, as a UUID is: every constructor would throw.
          if (Result<avro::Decimal> d = avro::decode_big_decimal(b); !d)
            return fail(d.error());
          return fmt::format("{}make_big_decimal({{{}}})", kGen, byte_list(b));
        }
        return fmt::format("std::vector<std::uint8_t>{{{}}}", byte_list(b));
      }
      case Type::kFixed: {
        std::vector<std::uint8_t> b = latin1_bytes(j.get<std::string>());
        if (n.logical == LogicalType::kDecimal)
          return decimal_default(n, b);
        if (n.logical == LogicalType::kUuid)
          return fmt::format("{}Uuid{{{{{}}}}}", kAvro, byte_list(b));
        if (n.logical == LogicalType::kDuration && b.size() == 12) {
          auto le = [&](int at) {
            return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
                   static_cast<std::uint32_t>(b[at + 2]) << 16 |
                   static_cast<std::uint32_t>(b[at + 3]) << 24;
          };
          return fmt::format("{}Duration{{{}u, {}u, {}u}}", kAvro, le(0), le(4), le(8));
        }
        return fmt::format("{}{{{{{}}}}}", qualified(n, ctx), byte_list(b));
      }
      case Type::kEnum: {
        int i = n.symbol_index(j.get<std::string>());
        if (i < 0)
          return fail(ErrorCode::kInvalidArgument, "enum default {} is not a symbol", j.dump());
        return fmt::format("{}::{}", qualified(n, ctx), enum_symbols(n)[i]);
      }
      case Type::kArray: {
        // An empty array or map is spelled with its type, never as a bare `{}`: that
        // would be std::nullopt as the value of a [array, null] optional, and cannot
        // be an argument of std::variant's in_place_index constructor.
        std::string out = cpp_type(n, ctx, in_container) + "{";
        bool first = true;
        for (const Json& item : j) {
          SLUICE_ASSIGN_OR_RETURN(std::string e, default_expr(*n.items, item, ctx, true));
          out += (first ? "" : ", ") + e;
          first = false;
        }
        return out + "}";
      }
      case Type::kMap: {
        // Spelled with its type when empty too (see kArray).
        std::string out = cpp_type(n, ctx, in_container) + "{";
        bool first = true;
        for (auto it = j.begin(); it != j.end(); ++it) {
          SLUICE_ASSIGN_OR_RETURN(std::string e, default_expr(*n.values, it.value(), ctx, true));
          out += fmt::format("{}{{{}, {}}}", first ? "" : ", ", cpp_string_literal(it.key()), e);
          first = false;
        }
        return out + "}";
      }
      case Type::kRecord: {
        // The expression stands where ctx's code is.
        const Named r = seen_from(n, ctx);
        std::string type = qualified(n, ctx);
        // Aggregate initialization with designators: the members given are not first
        // default-initialized, so a record whose member default holds that record again
        // (a tree with a default child) is built once, without recursion.
        std::string out = type + "{";
        for (std::size_t i = 0; i < n.fields.size(); ++i) {
          const avro::Field& f = n.fields[i];
          auto it = j.find(f.name);
          // An empty value that holds records (an empty array of them, null, a variant's
          // first branch) is written {}: spelled out, it would construct a container of a
          // record perhaps not complete here, which clang rejects; and a member may have
          // no initializer then (see emit_record), which a designated initializer must
          // not skip (-Wmissing-field-initializers). Other members left out of the
          // default keep their own.
          if (holds_record(*f.type) &&
              (it != j.end() ? is_zero_default(*f.type, *it)
                             : f.default_json && is_zero_default(*f.type, Json::parse(
                                                                   *f.default_json, nullptr,
                                                                   false)))) {
            out += fmt::format("{}.{} = {{}}", out.back() == '{' ? "" : ", ", r.fields[i]);
            continue;
          }
          if (it == j.end())
            continue;
          SLUICE_ASSIGN_OR_RETURN(std::string e, default_expr(*f.type, *it, r, false));
          out += fmt::format("{}.{} = {}", out.back() == '{' ? "" : ", ", r.fields[i], e);
        }
        out += "}";
        if (is_boxed(n, ctx, in_container))
          return fmt::format("{}Box<{}>({})", kGen, type, out);
        return out;
      }
      case Type::kUnion: {
        // The branch the default takes: the first it fits (the parser's rule).
        int b = avro::union_default_branch(n, j.dump());
        if (b < 0)
          return fail(ErrorCode::kInvalidArgument, "default {} matches no branch of the union",
                      j.dump());
        const Node& branch = *n.branches[static_cast<std::size_t>(b)];
        if (optional_branch(n) >= 0) {
          if (branch.type == Type::kNull)
            return std::string("std::nullopt");
          return default_expr(branch, j, ctx, in_container);
        }
        std::string type = cpp_type(n, ctx, in_container);
        if (branch.type == Type::kNull)
          return b == 0 ? std::string("{}") : fmt::format("{}(std::in_place_index<{}>)", type, b);
        SLUICE_ASSIGN_OR_RETURN(std::string e, default_expr(branch, j, ctx, in_container));
        return fmt::format("{}(std::in_place_index<{}>, {})", type, b, e);
      }
    }
    return std::string("{}");
  }

  // Whether making an element of a vector or map of `t` needs a record not yet
  // complete, whatever the element's value: `t` is such a record, or a union holding one
  // by value (unions in containers hold their records unboxed). A map of
  // std::variant<std::monostate, Later> with one null entry still makes the variant.
  bool element_needs_incomplete(const Node& t) const {
    auto incomplete = [&](const Node& r) {
      return r.type == Type::kRecord && complete_.count(r.fullname) == 0;
    };
    if (t.type == Type::kUnion)
      return std::any_of(t.branches.begin(), t.branches.end(),
                         [&](const Node* b) { return incomplete(*b); });
    return incomplete(t);
  }

  // Whether the default `j` of a value of `n` builds a record not yet complete where
  // the member being emitted is declared: one emitted later (a cycle through a vector,
  // map or Box) or the record being emitted itself.
  bool builds_incomplete(const Node& n, const Json& j) const {
    switch (n.type) {
      case Type::kRecord: {
        if (complete_.count(n.fullname) == 0)
          return true;
        for (const avro::Field& f : n.fields) {
          auto it = j.find(f.name);
          if (it != j.end() && builds_incomplete(*f.type, *it))
            return true;
        }
        return false;
      }
      case Type::kArray:
        if (!j.empty() && element_needs_incomplete(*n.items))
          return true;
        for (const Json& item : j)
          if (builds_incomplete(*n.items, item))
            return true;
        return false;
      case Type::kMap:
        if (!j.empty() && element_needs_incomplete(*n.values))
          return true;
        for (const Json& value : j)
          if (builds_incomplete(*n.values, value))
            return true;
        return false;
      case Type::kUnion: {
        int b = avro::union_default_branch(n, j.dump());  // the branch default_expr builds
        return b >= 0 && builds_incomplete(*n.branches[static_cast<std::size_t>(b)], j);
      }
      default:
        return false;
    }
  }

  // Whether a value of `n` holds a record through arrays, maps and unions.
  static bool holds_record(const Node& n) {
    switch (n.type) {
      case Type::kRecord:
        return true;
      case Type::kArray:
        return holds_record(*n.items);
      case Type::kMap:
        return holds_record(*n.values);
      case Type::kUnion:
        return std::any_of(n.branches.begin(), n.branches.end(),
                           [](const Node* b) { return holds_record(*b); });
      default:
        return false;
    }
  }

  // Whether the default `j` of an array, map or union is the value its C++ type gets
  // when value-initialized: an empty array or map, null in an optional, a variant's
  // first branch holding null or such an empty value.
  static bool is_zero_default(const Node& n, const Json& j) {
    switch (n.type) {
      case Type::kNull:
        return true;
      case Type::kArray:
        return j.is_array() && j.empty();
      case Type::kMap:
        return j.is_object() && j.empty();
      case Type::kUnion: {
        int b = avro::union_default_branch(n, j.dump());
        if (b < 0)
          return false;
        const Node& branch = *n.branches[static_cast<std::size_t>(b)];
        if (optional_branch(n) >= 0)
          return branch.type == Type::kNull;
        return b == 0 && is_zero_default(branch, j);
      }
      default:
        return false;
    }
  }

  // Whether a member of type `n` holds (through an optional, variant, vector, map or
  // Box, or a complete record holding one) a record not complete where the member is
  // declared: a later record, or the record being emitted itself. clang (14) evaluates
  // std:: type traits of such a record while it is incomplete, and rejects the code or
  // keeps the wrong answer (std::optional<R>::emplace() then fails to compile later),
  // where the record declares a defaulted operator== over, say, a
  // std::map<std::string, R> member, or where a default member initializer makes a
  // std::vector<std::optional<R>> or a std::variant<std::vector<Later>, ...>. So a record
  // with such a member declares operator== and defines it after every record, and such
  // a member has no initializer when its value is empty (see emit_record).
  bool holds_incomplete(const Node& n) const {
    std::set<std::string> visited;
    return holds_incomplete(n, visited);
  }
  bool holds_incomplete(const Node& n, std::set<std::string>& visited) const {
    switch (n.type) {
      case Type::kRecord:
        if (!visited.insert(n.fullname).second)
          return false;
        if (complete_.count(n.fullname) == 0)
          return true;
        // Complete, but making one (in a default member initializer) instantiates the
        // members it holds.
        return std::any_of(n.fields.begin(), n.fields.end(), [&](const avro::Field& f) {
          return holds_incomplete(*f.type, visited);
        });
      case Type::kArray:
        return holds_incomplete(*n.items, visited);
      case Type::kMap:
        return holds_incomplete(*n.values, visited);
      case Type::kUnion:
        return std::any_of(n.branches.begin(), n.branches.end(), [&](const Node* b) {
          return holds_incomplete(*b, visited);
        });
      default:
        return false;
    }
  }

  std::vector<std::string> enum_symbols(const Node& n) const {
    std::vector<std::string> out;
    std::set<std::string> used;
    for (const std::string& s : n.symbols) {
      std::string name = internal::cpp_identifier(s);
      while (used.count(name) != 0)
        internal::add_underscore(name);
      used.insert(name);
      out.push_back(name);
    }
    return out;
  }

  // ---------------------------------------------------------------- code

  void line(int indent, std::string_view text) {
    out_.append(static_cast<std::size_t>(indent) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }

  std::string tmp(std::string_view prefix) { return fmt::format("{}{}", prefix, counter_++); }

  static std::string quote(const std::string& path) { return "\"" + path + "\""; }

  // An expression reading a scalar (no storage to reuse), or "" when the type decodes
  // into an lvalue.
  std::string scalar_read(const Node& n, const Named& ctx, const std::string& p) const {
    switch (n.type) {
      case Type::kBoolean:
        return fmt::format("in.read_bool({})", p);
      case Type::kInt:
        if (n.logical == LogicalType::kDate)
          return fmt::format("std::chrono::sys_days(std::chrono::days(in.read_int({})))", p);
        if (n.logical == LogicalType::kTimeMillis)
          return fmt::format("{}TimeMillis(in.read_int({}))", kAvro, p);
        return fmt::format("in.read_int({})", p);
      case Type::kLong:
        switch (n.logical) {
          case LogicalType::kTimeMicros:
            return fmt::format("{}TimeMicros(in.read_long({}))", kAvro, p);
          case LogicalType::kTimestampMillis:
          case LogicalType::kLocalTimestampMillis:
            return fmt::format("{}(std::chrono::milliseconds(in.read_long({})))", logical_type(n), p);
          case LogicalType::kTimestampMicros:
          case LogicalType::kLocalTimestampMicros:
            return fmt::format("{}(std::chrono::microseconds(in.read_long({})))", logical_type(n), p);
          case LogicalType::kTimestampNanos:
          case LogicalType::kLocalTimestampNanos:
            return fmt::format("{}(std::chrono::nanoseconds(in.read_long({})))", logical_type(n), p);
          default:
            return fmt::format("in.read_long({})", p);
        }
      case Type::kFloat:
        return fmt::format("in.read_float({})", p);
      case Type::kDouble:
        return fmt::format("in.read_double({})", p);
      case Type::kEnum:
        return fmt::format("static_cast<{}>(in.read_enum({}, {}))", qualified(n, ctx),
                           n.symbols.size(), p);
      case Type::kBytes:
        if (n.logical == LogicalType::kDecimal)
          return fmt::format("{}read_decimal(in, {}, {}, {})", kGen, n.precision, n.scale, p);
        if (n.logical == LogicalType::kBigDecimal)
          return fmt::format("{}read_big_decimal(in, {})", kGen, p);
        return view_ ? fmt::format("in.read_bytes_view({})", p) : "";
      case Type::kString:
        if (n.logical == LogicalType::kUuid)
          return fmt::format("{}read_uuid_string(in, {})", kGen, p);
        return view_ ? fmt::format("in.read_view({})", p) : "";
      case Type::kFixed:
        if (n.logical == LogicalType::kDuration)
          return fmt::format("{}read_duration(in, {})", kGen, p);
        if (n.logical == LogicalType::kDecimal)
          return fmt::format("{}read_decimal_fixed(in, {}, {}, {}, {})", kGen, n.fixed_size,
                             n.precision, n.scale, p);
        return "";
      default:
        return "";
    }
  }

  // Whether a record's fields are decoded and encoded inside the record that holds it
  // rather than by a call of its own functions: a record that is not recursive, has at
  // most kInlineFields fields and no records or collections in them (so the code
  // inlined stays small and one level deep).
  static constexpr std::size_t kInlineFields = 16;
  bool inlines(const Node& record) const {
    if (named_.at(record.fullname).recursive || record.fields.empty() ||
        record.fields.size() > kInlineFields)
      return false;
    auto flat = [](const Node& t) {
      return t.type != Type::kRecord && t.type != Type::kArray && t.type != Type::kMap;
    };
    for (const avro::Field& f : record.fields) {
      if (!flat(*f.type))
        return false;
      if (f.type->type == Type::kUnion)
        for (const auto& b : f.type->branches)
          if (!flat(*b))
            return false;
    }
    return true;
  }

  // The initializer of a field without a default when value-initialization (`{}`) is
  // not the value a decoder would produce for zero: a decimal carries its schema's
  // scale, directly or as the first branch a variant holds, so a default-made record
  // equals itself after a round trip. Empty when `{}` will do. `type` is cpp_type(t).
  //
  // A variant whose first branch has no finite zero value (a record that holds itself
  // through it, see finite_zero_) holds its first branch that has one: encoding the
  // endless value would fail at the depth limit, and == on two of them recurse until
  // the stack runs out.
  std::string zero_init(const Node& t, const std::string& type) const {
    if (t.logical == LogicalType::kDecimal && t.scale != 0)
      return fmt::format("{}make_decimal({{}}, {})", kGen, t.scale);
    if (t.type == Type::kUnion && optional_branch(t) < 0 && !t.branches.empty()) {
      std::size_t held = zero_branch(t);
      const Node& branch = *t.branches[held];
      if (branch.logical == LogicalType::kDecimal && branch.scale != 0)
        return fmt::format("{}(std::in_place_index<{}>, {}make_decimal({{}}, {}))", type, held,
                           kGen, branch.scale);
      if (held != 0)
        return fmt::format("{}(std::in_place_index<{}>)", type, held);
    }
    return "";
  }

  // Whether the zero value of a `t` (what zero_init gives a field without default) is
  // finite. Only a record that holds itself through Box<> can have an endless one.
  bool zero_is_finite(const Node& t) const {
    switch (t.type) {
      case Type::kRecord:
        return finite_zero_.count(t.fullname) != 0;
      case Type::kUnion:
        return optional_branch(t) >= 0 || t.branches.empty() ||
               zero_is_finite(*t.branches[zero_branch(t)]);
      default:
        return true;
    }
  }
  // The branch a variant without default holds: the first with a finite zero value
  // when find_finite_zeros() first found one (fixed then: a record found finite later,
  // through this very choice, must not become the choice).
  std::size_t zero_branch(const Node& u) const {
    if (auto it = zero_branch_.find(&u); it != zero_branch_.end())
      return it->second;
    for (std::size_t i = 0; i < u.branches.size(); ++i) {
      if (zero_is_finite(*u.branches[i])) {
        zero_branch_[&u] = i;
        return i;
      }
    }
    return 0;
  }
  // Fills finite_zero_: the records whose fields all have a default or a finite zero
  // value, to a fixed point.
  void find_finite_zeros() {
    for (bool changed = true; changed;) {
      changed = false;
      for (const Node* r : records_) {
        if (finite_zero_.count(r->fullname) != 0)
          continue;
        bool finite = true;
        for (const avro::Field& f : r->fields)
          finite = (f.default_json || zero_is_finite(*f.type)) && finite;  // each union's choice
        if (finite) {
          finite_zero_.insert(r->fullname);
          changed = true;
        }
      }
    }
  }

  // The attribute that forces a record view's decode_avro inline into its callers: for
  // a small flat record (one that inlines(), with at most kHotFields fields) the call,
  // the saved registers and the cursor's store and reload around each datum cost a
  // tenth of its work or more. (Forcing the encoders inline measured slower.)
  static constexpr std::size_t kHotFields = 8;
  std::string hot_attribute(const Node& record) const {
    return inlines(record) && record.fields.size() <= kHotFields ? "[[gnu::always_inline]] "
                                                                 : "";
  }

  // Whether an optional of `v` (a union of null and `v`) is decoded by one call of
  // Decoder::read_optional, which reads the index and the value together: booleans,
  // ints and longs, and in a view strings, without a logical type.
  bool fused_optional(const Node& v) const {
    if (v.logical != LogicalType::kNone)
      return false;
    return v.type == Type::kBoolean || v.type == Type::kInt || v.type == Type::kLong ||
           (view_ && v.type == Type::kString);
  }

  // Decodes one value of `n` into the lvalue `lv` (whose storage is reused).
  void decode(const Node& n, const std::string& lv, const std::string& path, const Named& ctx,
              bool in_container, int ind) {
    std::string p = quote(path);
    if (n.type == Type::kNull)
      return;
    std::string scalar = scalar_read(n, ctx, p);
    if (!scalar.empty()) {
      line(ind, fmt::format("{} = {};", lv, scalar));
      return;
    }
    switch (n.type) {
      case Type::kString:
        line(ind, fmt::format("in.read_string({}, {});", lv, p));
        return;
      case Type::kBytes:
        line(ind, fmt::format("in.read_bytes({}, {});", lv, p));
        return;
      case Type::kFixed:
        if (decodes_nothing(n))
          return;  // fixed(0): no bytes (and its data() may be null, no memcpy)
        if (n.logical == LogicalType::kUuid)
          line(ind, fmt::format("in.read_raw({}.bytes.data(), 16, {});", lv, p));
        else
          line(ind, fmt::format("in.read_raw({}.data(), {}, {});", lv, n.fixed_size, p));
        return;
      case Type::kRecord:
        if (writes_nothing(n))
          return;  // nothing to read (and no unused reference to declare)
        if (inlines(n)) {
          // A small flat record: its fields are decoded here, with no call and no
          // write-back of the cursor.
          const Named r = seen_from(n, ctx);
          std::string v = tmp("r");
          line(ind, fmt::format("{{  // {}", n.fullname));
          line(ind + 1, fmt::format("auto& {} = {};", v, lv));
          for (std::size_t i = 0; i < n.fields.size(); ++i)
            decode(*n.fields[i].type, v + "." + r.fields[i], path + "." + n.fields[i].name, r,
                   false, ind + 1);
          line(ind, "}");
          return;
        }
        // Through the parameter, so that no pointer to the local copy is passed on
        // (see emit_decode_body).
        line(ind, "decoder = in;");
        if (named_.at(n.fullname).recursive) {
          line(ind, fmt::format("{}::decode_avro(decoder, {}{});", qualified(n, ctx),
                                is_boxed(n, ctx, in_container) ? "*" : "", lv));
        } else {
          // The nested record's errors name its own fields: the path of the field that
          // holds it goes in front. (Not through a recursive type, whose nesting would
          // repeat the prefix up to kMaxDepth times.)
          line(ind, "try {");
          line(ind + 1, fmt::format("{}::decode_avro(decoder, {}{});", qualified(n, ctx),
                                    is_boxed(n, ctx, in_container) ? "*" : "", lv));
          line(ind, fmt::format("}} catch (const {}CodegenError& e) {{", kAvro));
          line(ind + 1, fmt::format("{}rethrow_within({}, e);", kGen, p));
          line(ind, "}");
        }
        line(ind, "in = decoder;");
        return;
      case Type::kArray: {
        // Items already in the vector are decoded over (their strings and vectors
        // keep their capacity); the vector is cut to the decoded count at the end.
        std::string a = tmp("a"), t = tmp("t"), b = tmp("n"), i = tmp("i"), c = tmp("c");
        bool may_be_empty = min_size(*n.items) == 0;
        line(ind, "{");
        line(ind + 1, fmt::format("auto& {} = {};", a, lv));
        line(ind + 1, fmt::format("std::size_t {} = 0;", c));
        line(ind + 1, fmt::format("std::uint64_t {} = 0;", t));
        line(ind + 1, fmt::format("while (std::size_t {} = in.read_block({}, {}, {})) {{", b,
                                  may_be_empty ? "true" : "false", t, p));
        std::string item_path = path + "[]";
        std::string s = scalar_read(*n.items, ctx, quote(item_path));
        if (view_) {
          // A view's vector is sized per block and its items written in place (no test
          // per item of whether it exists, no call to grow it item by item).
          line(ind + 2, fmt::format("{}size_at_least({}, {} + {});", kGen, a, c, b));
          line(ind + 2,
               fmt::format("for (std::size_t {} = 0; {} < {}; ++{}, ++{}) {{", i, i, b, i, c));
          if (!s.empty())
            line(ind + 3, fmt::format("{}[{}] = {};", a, c, s));
          else if (!decodes_nothing(*n.items))
            decode(*n.items, fmt::format("{}[{}]", a, c), item_path, ctx, true, ind + 3);
          line(ind + 2, "}");
          line(ind + 1, "}");
          line(ind + 1, fmt::format("{}.resize({});", a, c));
          line(ind, "}");
          return;
        }
        if (!may_be_empty)
          line(ind + 2, fmt::format("{}reserve_for({}, {} + {});", kGen, a, c, b));
        line(ind + 2, fmt::format("for (std::size_t {} = 0; {} < {}; ++{}, ++{}) {{", i, i, b, i, c));
        if (decodes_nothing(*n.items)) {
          line(ind + 3, fmt::format("if ({} >= {}.size())", c, a));
          line(ind + 4, fmt::format("{}.emplace_back();", a));
        } else if (!s.empty()) {
          line(ind + 3, fmt::format("if ({} < {}.size())", c, a));
          line(ind + 4, fmt::format("{}[{}] = {};", a, c, s));
          line(ind + 3, "else");
          line(ind + 4, fmt::format("{}.push_back({});", a, s));
        } else {
          std::string e = tmp("e");
          line(ind + 3, fmt::format("auto& {} = {} < {}.size() ? {}[{}] : {}.emplace_back();", e, c,
                                    a, a, c, a));
          decode(*n.items, e, item_path, ctx, true, ind + 3);
        }
        line(ind + 2, "}");
        line(ind + 1, "}");
        line(ind + 1, fmt::format("{}.resize({});", a, c));
        line(ind, "}");
        return;
      }
      case Type::kMap: {
        if (view_) {
          decode_view_map(n, lv, path, ctx, ind);
          return;
        }
        // The previous entries' nodes (keys, values and their storage) are reused for
        // the new ones (see MapOverwrite); a repeated key keeps the last value, as in
        // the generic decoder.
        std::string w = tmp("w"), t = tmp("t"), b = tmp("n"), i = tmp("i"), e = tmp("e");
        line(ind, "{");
        line(ind + 1, fmt::format("{}MapOverwrite<{}> {}({});", kGen,
                                  cpp_type(n, ctx, in_container), w, lv));
        line(ind + 1, fmt::format("std::uint64_t {} = 0;", t));
        // Every entry has a key of at least one byte: counts are bounded by the input.
        line(ind + 1, fmt::format("while (std::size_t {} = in.read_block(false, {}, {})) {{", b,
                                  t, p));
        line(ind + 2, fmt::format("for (std::size_t {} = 0; {} < {}; ++{}) {{", i, i, b, i));
        if (decodes_nothing(*n.values)) {
          line(ind + 3, fmt::format("{}.entry(in.read_view({}));", w, p));
        } else {
          line(ind + 3, fmt::format("auto& {} = {}.entry(in.read_view({}));", e, w, p));
          decode(*n.values, e, path + "{}", ctx, true, ind + 3);
        }
        line(ind + 2, "}");
        line(ind + 1, "}");
        line(ind + 1, fmt::format("{}.finish();", w));
        line(ind, "}");
        return;
      }
      case Type::kUnion: {
        int vi = optional_branch(n);
        if (vi >= 0) {
          const Node& v = *n.branches[vi];
          if (fused_optional(v)) {
            line(ind, fmt::format("in.read_optional({}, {}, {});", lv, vi, p));
            return;
          }
          line(ind, fmt::format("if (in.read_branch(2, {}) == {}) {{", p, vi));
          std::string s = scalar_read(v, ctx, p);
          if (!s.empty()) {
            // emplace: no test of whether the optional held a value (assignment has one).
            line(ind + 1, fmt::format("{}.emplace({});", lv, s));
          } else if (decodes_nothing(v)) {
            line(ind + 1, fmt::format("{}.emplace();", lv));
          } else {
            std::string u = tmp("u");
            line(ind + 1, fmt::format("auto& {} = {} ? *{} : {}.emplace();", u, lv, lv, lv));
            decode(v, u, path, ctx, in_container, ind + 1);
          }
          line(ind, "} else {");
          line(ind + 1, fmt::format("{}.reset();", lv));
          line(ind, "}");
          return;
        }
        line(ind, fmt::format("switch (in.read_branch({}, {})) {{", n.branches.size(), p));
        for (std::size_t i = 0; i < n.branches.size(); ++i) {
          const Node& br = *n.branches[i];
          line(ind + 1, fmt::format("case {}: {{", i));
          std::string s = scalar_read(br, ctx, p);
          if (decodes_nothing(br)) {
            line(ind + 2, fmt::format("{}.emplace<{}>();", lv, i));
          } else if (!s.empty()) {
            line(ind + 2, fmt::format("{}.emplace<{}>({});", lv, i, s));
          } else {
            std::string u = tmp("u");
            line(ind + 2, fmt::format("auto& {} = {}.index() == {} ? std::get<{}>({}) : {}.emplace<{}>();",
                                      u, lv, i, i, lv, lv, i));
            decode(br, u, path, ctx, in_container, ind + 2);
          }
          line(ind + 2, "break;");
          line(ind + 1, "}");
        }
        line(ind, "}");
        return;
      }
      default:
        return;
    }
  }

  // Decodes a map into a view's vector of (key, value) pairs, in the order written
  // (a repeated key appears as often as it was written, as in the generic decoder's
  // Value). Pairs already in the vector are decoded over; it is cut to the count.
  void decode_view_map(const Node& n, const std::string& lv, const std::string& path,
                       const Named& ctx, int ind) {
    std::string p = quote(path);
    std::string m = tmp("m"), t = tmp("t"), b = tmp("n"), i = tmp("i"), c = tmp("c"),
                e = tmp("e");
    line(ind, "{");
    line(ind + 1, fmt::format("auto& {} = {};", m, lv));
    line(ind + 1, fmt::format("std::size_t {} = 0;", c));
    line(ind + 1, fmt::format("std::uint64_t {} = 0;", t));
    // Every entry has a key of at least one byte: counts are bounded by the input.
    line(ind + 1, fmt::format("while (std::size_t {} = in.read_block(false, {}, {})) {{", b, t,
                              p));
    line(ind + 2, fmt::format("{}size_at_least({}, {} + {});", kGen, m, c, b));
    line(ind + 2, fmt::format("for (std::size_t {} = 0; {} < {}; ++{}, ++{}) {{", i, i, b, i, c));
    line(ind + 3, fmt::format("auto& {} = {}[{}];", e, m, c));
    line(ind + 3, fmt::format("{}.first = in.read_view({});", e, p));
    decode(*n.values, e + ".second", path + "{}", ctx, true, ind + 3);
    line(ind + 2, "}");
    line(ind + 1, "}");
    line(ind + 1, fmt::format("{}.resize({});", m, c));
    line(ind, "}");
  }

  // The fewest bytes a value of `n` takes (0 for null and records of nulls).
  std::size_t min_size(const Node& n, int depth = 0) const {
    switch (n.type) {
      case Type::kNull:
        return 0;
      case Type::kFixed:
        return n.fixed_size;
      case Type::kRecord: {
        if (depth > 32)
          return 0;
        std::size_t s = 0;
        for (const avro::Field& f : n.fields)
          s += min_size(*f.type, depth + 1);
        return s;
      }
      case Type::kFloat:
        return 4;
      case Type::kDouble:
        return 8;
      default:
        return 1;
    }
  }

  // Encodes the value `rv` of `n`.
  void encode(const Node& n, const std::string& rv, const std::string& path, const Named& ctx,
              bool in_container, int ind) {
    std::string p = quote(path);
    switch (n.type) {
      case Type::kNull:
        return;
      case Type::kBoolean:
        line(ind, fmt::format("out.write_bool({});", rv));
        return;
      case Type::kInt:
        if (n.logical == LogicalType::kDate)
          line(ind, fmt::format("out.write_int({}date_days({}, {}));", kGen, rv, p));
        else if (n.logical == LogicalType::kTimeMillis)
          line(ind, fmt::format("out.write_int({}.count());", rv));
        else
          line(ind, fmt::format("out.write_int({});", rv));
        return;
      case Type::kLong:
        if (n.logical == LogicalType::kTimeMicros)
          line(ind, fmt::format("out.write_long({}.count());", rv));
        else if (n.logical != LogicalType::kNone)
          line(ind, fmt::format("out.write_long({}.time_since_epoch().count());", rv));
        else
          line(ind, fmt::format("out.write_long({});", rv));
        return;
      case Type::kFloat:
        line(ind, fmt::format("out.write_float({});", rv));
        return;
      case Type::kDouble:
        line(ind, fmt::format("out.write_double({});", rv));
        return;
      case Type::kString:
        if (n.logical == LogicalType::kUuid)
          line(ind, fmt::format("{}write_uuid_string(out, {});", kGen, rv));
        else
          line(ind, fmt::format("out.write_string({});", rv));
        return;
      case Type::kBytes:
        if (n.logical == LogicalType::kDecimal)
          line(ind, fmt::format("{}write_decimal(out, {}, {}, {}, {});", kGen, rv, n.precision,
                                n.scale, p));
        else if (n.logical == LogicalType::kBigDecimal)
          line(ind, fmt::format("{}write_big_decimal(out, {});", kGen, rv));
        else
          line(ind, fmt::format("out.write_bytes({});", rv));
        return;
      case Type::kFixed:
        if (n.logical == LogicalType::kDuration)
          line(ind, fmt::format("{}write_duration(out, {});", kGen, rv));
        else if (n.logical == LogicalType::kDecimal)
          line(ind, fmt::format("{}write_decimal_fixed(out, {}, {}, {}, {}, {});", kGen, rv,
                                n.fixed_size, n.precision, n.scale, p));
        else if (n.logical == LogicalType::kUuid)
          line(ind, fmt::format("out.write_raw({}.bytes.data(), 16);", rv));
        else if (n.fixed_size != 0)
          line(ind, fmt::format("out.write_raw({}.data(), {});", rv, n.fixed_size));
        return;
      case Type::kEnum:
        line(ind, fmt::format("out.write_enum(static_cast<std::int32_t>({}), {}, {});", rv,
                              n.symbols.size(), p));
        return;
      case Type::kRecord:
        if (is_boxed(n, ctx, in_container))
          line(ind, fmt::format("{}->encode_avro(out);", rv));
        else
          line(ind, fmt::format("{}.encode_avro(out);", rv));
        return;
      case Type::kArray: {
        std::string e = tmp("e");
        line(ind, fmt::format("if (!{}.empty()) {{", rv));
        line(ind + 1, fmt::format("out.write_long(static_cast<std::int64_t>({}.size()));", rv));
        // std::vector<bool> yields proxies by value: bind them by value (clang's
        // -Wrange-loop-bind-reference).
        const char* item = n.items->type == Type::kBoolean ? "const bool" : "const auto&";
        line(ind + 1, fmt::format("for ({} {} : {}) {{", item, e, rv));
        if (decodes_nothing(*n.items))
          line(ind + 2, fmt::format("static_cast<void>({});", e));
        if (std::optional<Put> put = simple_put(*n.items, e, path + "[]"); put && !put->lines.empty())
          emit_run({*std::move(put)}, ind + 2);  // the cursor in a register per item
        else
          encode(*n.items, e, path + "[]", ctx, true, ind + 2);
        line(ind + 1, "}");
        line(ind, "}");
        line(ind, "out.write_long(0);");
        return;
      }
      case Type::kMap: {
        std::string e = tmp("e"), k = tmp("k");
        line(ind, fmt::format("if (!{}.empty()) {{", rv));
        line(ind + 1, fmt::format("out.write_long(static_cast<std::int64_t>({}.size()));", rv));
        line(ind + 1, fmt::format("for (const auto& [{}, {}] : {}) {{", k, e, rv));
        if (decodes_nothing(*n.values))
          line(ind + 2, fmt::format("static_cast<void>({});", e));
        if (std::optional<Put> put = simple_put(*n.values, e, path + "{}")) {
          emit_run({string_put(k, "string"), *std::move(put)}, ind + 2);  // one room check
        } else {
          line(ind + 2, fmt::format("out.write_string({});", k));
          encode(*n.values, e, path + "{}", ctx, true, ind + 2);
        }
        line(ind + 1, "}");
        line(ind, "}");
        line(ind, "out.write_long(0);");
        return;
      }
      case Type::kUnion: {
        int vi = optional_branch(n);
        if (vi >= 0) {
          line(ind, fmt::format("if ({}) {{", rv));
          line(ind + 1, fmt::format("out.write_long({});", vi));
          encode(*n.branches[vi], "(*" + rv + ")", path, ctx, in_container, ind + 1);
          line(ind, "} else {");
          line(ind + 1, fmt::format("out.write_long({});", 1 - vi));
          line(ind, "}");
          return;
        }
        line(ind, fmt::format("switch ({}.index()) {{", rv));
        for (std::size_t i = 0; i < n.branches.size(); ++i) {
          line(ind + 1, fmt::format("case {}:", i));
          line(ind + 2, fmt::format("out.write_long({});", i));
          encode(*n.branches[i], fmt::format("std::get<{}>({})", i, rv), path, ctx, in_container,
                 ind + 2);
          line(ind + 2, "break;");
        }
        line(ind + 1, "default:");
        line(ind + 2, fmt::format("{}throw_error({}, \"union holds no value\");", kGen, p));
        line(ind, "}");
        return;
      }
    }
  }

  // ---------------------------------------------------------------- emission

  // Wraps emission in `namespace ns {` blocks, reopening only when ns changes.
  void enter_namespace(const std::string& ns) {
    if (open_ns_ && *open_ns_ == ns)
      return;
    close_namespace();
    if (!ns.empty())
      out_ += fmt::format("namespace {} {{\n\n", ns);
    open_ns_ = ns;
  }
  void close_namespace() {
    if (open_ns_ && !open_ns_->empty())
      out_ += fmt::format("}}  // namespace {}\n\n", *open_ns_);
    open_ns_.reset();
  }

  void emit() {
    std::string label = options_.source_label.empty() ? "Avro schemas" : options_.source_label;
    for (char& c : label)  // it goes into a comment: no line ends (see append_doc)
      if (c == '\r' || c == '\n')
        c = ' ';
    out_ += fmt::format("// Generated by `sluice avro codegen` from {}. Do not edit.\n", label);
    out_ +=
        "// C++ classes for Avro records: binary and JSON encodings, schema resolution.\n"
        "// Needs only the Sluice Avro library and the standard library.\n"
        "#pragma once\n\n"
        "#include <array>\n#include <chrono>\n#include <cstddef>\n#include <cstdint>\n"
        "#include <limits>\n#include <map>\n#include <optional>\n#include <span>\n#include <string>\n"
        "#include <string_view>\n#include <unordered_map>\n#include <utility>\n"
        "#include <variant>\n#include <vector>\n\n"
        "#include \"avro/codegen_support.h\"\n";
    for (const std::string& header : options_.includes)
      out_ += fmt::format("#include \"{}\"\n", header);
    out_ += "\n";
    out_ += kSilenceWarnings;
    out_ += "\n";

    // Forward declarations.
    bool any_record = false;
    for (const Node* r : records_) {
      if (!defines(*r))
        continue;
      const Named& n = named_.at(r->fullname);
      enter_namespace(n.ns);
      out_ += fmt::format("struct {};\n", n.name);
      any_record = true;
    }
    if (any_record)
      out_ += "\n";
    for (const Node* node : appearance_) {
      if (!defines(*node))
        continue;
      if (node->type == Type::kEnum)
        emit_enum(*node);
      else if (node->type == Type::kFixed)
        emit_fixed(*node);
    }
    for (const Node* r : records_) {
      if (defines(*r))
        emit_record(*r);
      else
        complete_.insert(r->fullname);  // complete in an included header
    }
    for (const Node* r : records_)
      if (defines(*r))
        emit_record_functions(*r);
    close_namespace();
    out_ += kRestoreWarnings;
  }

  // Whether this header defines the named type `node` (see CppOptions::emit_only).
  bool defines(const Node& node) const {
    return !options_.emit_only || options_.emit_only->count(node.fullname) != 0;
  }

  void emit_fixed(const Node& node) {
    const Named& n = named_.at(node.fullname);
    enter_namespace(n.ns);
    append_doc(out_, node.doc, "");
    std::string type = node.logical != LogicalType::kNone
                           ? logical_type(node)
                           : fmt::format("std::array<std::uint8_t, {}>", node.fixed_size);
    out_ += fmt::format("// Avro fixed {} ({} bytes).\nusing {} = {};\n\n", node.fullname,
                        node.fixed_size, n.name, type);
  }

  void emit_enum(const Node& node) {
    const Named& n = named_.at(node.fullname);
    enter_namespace(n.ns);
    std::vector<std::string> syms = enum_symbols(node);
    append_doc(out_, node.doc, "");
    out_ += fmt::format("// Avro enum {}.\nenum class {} : std::int32_t {{\n", node.fullname, n.name);
    for (const std::string& s : syms)
      out_ += fmt::format("  {},\n", s);
    out_ += "};\n\n";
    out_ += fmt::format("// The Avro symbol of `value` (\"\" for a value that is not an enumerator).\n"
                        "inline constexpr std::string_view to_string({} value) noexcept {{\n"
                        "  switch (value) {{\n",
                        n.name);
    for (std::size_t i = 0; i < syms.size(); ++i)
      out_ += fmt::format("    case {}::{}:\n      return {};\n", n.name, syms[i],
                          cpp_string_literal(node.symbols[i]));
    out_ += "  }\n  return {};\n}\n\n";
    out_ += fmt::format(
        "// Sets `value` to the enumerator of the Avro symbol `text`; false when none matches.\n"
        "inline bool from_string(std::string_view text, {}& value) noexcept {{\n",
        n.name);
    for (std::size_t i = 0; i < syms.size(); ++i)
      out_ += fmt::format("  if (text == {}) {{\n    value = {}::{};\n    return true;\n  }}\n",
                          cpp_string_literal(node.symbols[i]), n.name, syms[i]);
    out_ += "  return false;\n}\n\n";
  }

  void emit_record(const Node& node) {
    const Named& n = named_.at(node.fullname);
    enter_namespace(n.ns);
    append_doc(out_, node.doc, "");
    out_ += fmt::format("// Avro record {}.\nstruct {} {{\n", node.fullname, n.name);
    bool late_equality = false;
    for (const avro::Field& f : node.fields)
      late_equality = late_equality || holds_incomplete(*f.type);
    if (late_equality)
      late_equality_.insert(node.fullname);
    for (std::size_t i = 0; i < node.fields.size(); ++i) {
      const avro::Field& f = node.fields[i];
      append_doc(out_, f.doc, "  ");
      std::string type = cpp_type(*f.type, n, false);
      std::string init = "{}";
      auto d = defaults_.find({node.fullname, f.name});
      if (d != defaults_.end()) {
        const std::string& e = d->second.expr;
        bool zero = e == "{}" || e == "std::nullopt" || e == type + "{}";
        if (!zero && builds_incomplete(*f.type, d->second.json)) {
          // The expression needs records that are incomplete here: a static function
          // builds it, defined after every record (see emit_record_functions), since a
          // default member initializer is compiled where the struct is complete only.
          std::string fn = fmt::format("avro_default_{}", i);
          while (std::find(n.fields.begin(), n.fields.end(), fn) != n.fields.end())
            internal::add_underscore(fn);
          deferred_defaults_[node.fullname].push_back({fn, type, e});
          out_ += fmt::format("  static {} {}();\n", type, fn);
          init = fmt::format(" = {}()", fn);
        } else if (!zero) {
          init = " = " + e;
        }
      }
      if (!f.default_json) {
        if (std::string zero = zero_init(*f.type, type); !zero.empty())
          init = " = " + zero;
      }
      if (f.name != n.fields[i])
        out_ += fmt::format("  // Avro field \"{}\".\n", f.name);
      // A member holding a record not complete here (this record or a later one,
      // through a container: see holds_incomplete) gets its empty or first-branch value
      // without an initializer: for any default member initializer clang instantiates
      // what std::vector, std::variant and std::optional need of the record, which is
      // not complete yet. Without one, the member is value-initialized all the same when
      // the struct is made (every such type is a class type).
      bool empty = d == defaults_.end() ? init == "{}" : is_zero_default(*f.type, d->second.json);
      if (empty && holds_incomplete(*f.type))
        init.clear();
      out_ += fmt::format("  {} {}{};\n", type, n.fields[i], init);
    }
    if (!node.fields.empty())
      out_ += "\n";
    if (n.has_view)
      emit_view(node);
    avro::Schema standalone;
    standalone.set_root(&node);
    std::string json = standalone.to_json();
    std::string canonical = avro::canonical_form(node);
    // Past 65,535 characters clang's -Wpedantic warns of the literal's length (a limit of
    // the standard's that compilers need not have; g++ and clang have none).
    const bool overlength = std::max(json.size(), canonical.size()) > 65535;
    if (overlength)
      out_ += "#if defined(__clang__)\n#pragma clang diagnostic push\n"
              "#pragma clang diagnostic ignored \"-Woverlength-strings\"\n#endif\n";
    out_ += fmt::format(
        "  // This record's Avro schema (the writer schema of to_avro()), its Parsing\n"
        "  // Canonical Form and the form's CRC-64-AVRO (Rabin) fingerprint.\n"
        "  static constexpr std::string_view kAvroSchemaJson =\n      {};\n"
        "  static constexpr std::string_view kAvroCanonicalForm =\n      {};\n"
        "  static constexpr std::uint64_t kAvroFingerprint = 0x{:016x}ULL;\n\n",
        cpp_string_view(json), cpp_string_view(canonical), avro::rabin_fingerprint(canonical));
    if (overlength)
      out_ += "#if defined(__clang__)\n#pragma clang diagnostic pop\n#endif\n";
    out_ += fmt::format(
        "  static std::string_view avro_schema() {{ return kAvroSchemaJson; }}\n"
        "  // The schema parsed once (thread-safe).\n"
        "  static const ::sluice::avro::SchemaPtr& avro_schema_ptr();\n\n"
        "  // The Avro binary encoding. Throws CodegenError for a value the schema cannot\n"
        "  // hold (an enum or decimal out of range).\n"
        "  std::vector<std::uint8_t> to_avro() const;\n"
        "  // Appends the binary encoding to `bytes`.\n"
        "  void append_avro(std::vector<std::uint8_t>& bytes) const;\n"
        "  void encode_avro(::sluice::avro::gen::Encoder& out) const;\n\n"
        "  // Decodes data written with this schema; throws CodegenError naming the field\n"
        "  // path on truncated data, a bad union or enum index, or trailing bytes.\n"
        "  static {0} from_avro(const std::uint8_t* data, std::size_t size);\n"
        "  // Decodes data written with `writer_schema_json` (an older or newer version),\n"
        "  // resolving it to this schema (plans are compiled once per writer and cached).\n"
        "  static {0} from_avro(const std::uint8_t* data, std::size_t size,\n"
        "      {1}std::string_view writer_schema_json);\n"
        "  // Decodes into `value`, reusing its storage.\n"
        "  static void decode_avro(::sluice::avro::gen::Decoder& in, {0}& value);\n\n"
        "  // The Avro JSON encoding (as sluice::avro::encode_json writes it).\n"
        "  std::string to_json() const;\n"
        "  // Decodes the Avro JSON encoding of this schema; throws CodegenError naming the\n"
        "  // field path of a value that does not fit.\n"
        "  static {0} from_json(std::string_view json);\n\n"
        "  friend bool operator==(const {0}&, const {0}&){2};\n"
        "}};\n\n",
        n.name, std::string(n.name.size() + 14, ' '), late_equality ? "" : " = default");
    complete_.insert(node.fullname);
  }

  // The nested read-only view of a record (kViewName) and its decoder's declaration.
  void emit_view(const Node& node) {
    const Named& n = named_.at(node.fullname);
    view_ = true;
    out_ += fmt::format(
        "  // A view of one datum, for decoding and encoding without copying strings:\n"
        "  // strings and bytes are views (after decode_avro(in, view), into the input\n"
        "  // buffer: valid while that buffer lives and is unchanged), nested records are\n"
        "  // views, and maps are vectors of (key, value) pairs in the order written.\n"
        "  // decode_avro(in, view) decodes over a view, reusing its vectors' capacity, with\n"
        "  // the owning decoder's checks; encode_avro writes what the record would.\n"
        "  struct {} {{\n",
        kViewName);
    for (std::size_t i = 0; i < node.fields.size(); ++i)
      out_ += fmt::format("    {} {}{{}};\n", cpp_type(*node.fields[i].type, n, false),
                          n.fields[i]);
    const std::string hot = hot_attribute(node);
    out_ += "\n    void encode_avro(::sluice::avro::gen::Encoder& out) const;\n";
    out_ += "  };\n";
    out_ += fmt::format(
        "  // Decodes into `view` (pointing into `in`'s buffer); same errors as the owning\n"
        "  // decode_avro. Call in.expect_end() after the last datum to reject trailing bytes.\n"
        "  {}static void decode_avro(::sluice::avro::gen::Decoder& in, {}& view);\n\n",
        hot, kViewName);
    view_ = false;
  }

  // A value written with the Encoder's put_* functions inside a run of writes that
  // share one room check: the bound on its bytes and its statements (assigning the
  // cursor `at`). The bound is `fixed` plus the `sizes` (expressions of the lengths of
  // strings and bytes, each 0 when an optional around it is empty): an optional
  // counts its value's fixed part whether or not it holds one, so that the bound of a
  // run is mostly one constant.
  struct Put {
    std::size_t fixed = 0;
    std::vector<std::string> sizes;
    std::vector<std::string> lines;
  };

  // The Put of a string or bytes value `rv` (`kind` "string" or "bytes").
  static Put string_put(const std::string& rv, std::string_view kind) {
    return Put{10, {rv + ".size()"},
               {fmt::format("at = {}Encoder::put_{}(at, {});", kGen, kind, rv)}};
  }

  // The Put for the value `rv` of `n`, or nullopt for what is written through the
  // encoder itself: records, collections, unions other than optionals, and logical
  // types with helpers of their own (decimals, string uuids, durations).
  //
  // A record that inlines() is a Put too when its fields are: they join the run of
  // the record that holds it (no call and no room check of its own).
  std::optional<Put> simple_put(const Node& n, const std::string& rv,
                                const std::string& path) const {
    const std::string e = std::string(kGen) + "Encoder::";
    auto one = [](std::size_t fixed, std::string statement) {
      return Put{fixed, {}, {std::move(statement)}};
    };
    switch (n.type) {
      case Type::kNull:
        return Put{};
      case Type::kBoolean:
        return one(1, fmt::format("at = {}put_bool(at, {});", e, rv));
      case Type::kInt:
      case Type::kLong: {
        std::string v = rv;
        if (n.logical == LogicalType::kDate)
          v = fmt::format("{}date_days({}, {})", kGen, rv, quote(path));
        else if (n.logical == LogicalType::kTimeMillis || n.logical == LogicalType::kTimeMicros)
          v = rv + ".count()";
        else if (n.logical != LogicalType::kNone)
          v = rv + ".time_since_epoch().count()";
        return one(10, fmt::format("at = {}put_varint(at, {});", e, v));
      }
      case Type::kFloat:
        return one(4, fmt::format("at = {}put_float(at, {});", e, rv));
      case Type::kDouble:
        return one(8, fmt::format("at = {}put_double(at, {});", e, rv));
      case Type::kString:
      case Type::kBytes:
        if (n.logical != LogicalType::kNone)
          return std::nullopt;
        return string_put(rv, n.type == Type::kString ? "string" : "bytes");
      case Type::kFixed:
        if (n.logical == LogicalType::kUuid)
          return one(16, fmt::format("at = {}put_raw(at, {}.bytes.data(), 16);", e, rv));
        if (n.logical != LogicalType::kNone)
          return std::nullopt;
        if (n.fixed_size == 0)
          return Put{};
        return one(n.fixed_size,
                   fmt::format("at = {}put_raw(at, {}.data(), {});", e, rv, n.fixed_size));
      case Type::kEnum:
        return one(10, fmt::format("at = {}put_enum(at, static_cast<std::int32_t>({}), {}, {});",
                                     e, rv, n.symbols.size(), quote(path)));
      case Type::kRecord: {
        if (!inlines(n))
          return std::nullopt;
        const Named& r = named_.at(n.fullname);
        Put put;
        for (std::size_t i = 0; i < n.fields.size(); ++i) {
          std::optional<Put> field = simple_put(*n.fields[i].type, rv + "." + r.fields[i],
                                                n.fullname + "." + n.fields[i].name);
          if (!field)
            return std::nullopt;
          put.fixed += field->fixed;
          put.sizes.insert(put.sizes.end(), field->sizes.begin(), field->sizes.end());
          put.lines.insert(put.lines.end(), field->lines.begin(), field->lines.end());
        }
        return put;
      }
      case Type::kUnion: {
        int vi = optional_branch(n);
        if (vi < 0)
          return std::nullopt;
        std::optional<Put> inner = simple_put(*n.branches[vi], "(*" + rv + ")", path);
        if (!inner)
          return std::nullopt;
        Put put{10 + inner->fixed, {}, {}};
        for (const std::string& size : inner->sizes)
          put.sizes.push_back(fmt::format("({} ? {} : std::size_t{{0}})", rv, size));
        put.lines.push_back(fmt::format("if ({}) {{", rv));
        put.lines.push_back(fmt::format("  at = {}put_varint(at, {});", e, vi));
        for (const std::string& l : inner->lines)
          put.lines.push_back("  " + l);
        put.lines.push_back("} else {");
        put.lines.push_back(fmt::format("  at = {}put_varint(at, {});", e, 1 - vi));
        put.lines.push_back("}");
        return put;
      }
      default:
        return std::nullopt;
    }
  }

  // The statements of a record's encode_avro (of the record, or of its view when
  // view_ is set) and the closing brace. Consecutive fields that simple_put covers
  // are written as one run: one room check, then a cursor in a register.
  // Writes the Puts of `run` with one room check (nothing when none writes a byte).
  void emit_run(const std::vector<Put>& run, int ind) {
    // At most kMaxRun values per room check: g++ parses an expression of n terms in
    // time and memory that grow with n squared (a 2,000-field record took 4 GB).
    constexpr std::size_t kMaxRun = 64;
    if (run.size() > kMaxRun) {
      for (std::size_t i = 0; i < run.size(); i += kMaxRun) {
        const auto first = run.begin() + static_cast<std::ptrdiff_t>(i);
        emit_run(std::vector<Put>(first, first + static_cast<std::ptrdiff_t>(
                                                     std::min(kMaxRun, run.size() - i))),
                 ind);
      }
      return;
    }
    std::vector<std::string> bounds;
    std::size_t fixed = 0;
    bool any = false;
    for (const Put& put : run) {
      any = any || !put.lines.empty();
      fixed += put.fixed;
      bounds.insert(bounds.end(), put.sizes.begin(), put.sizes.end());
    }
    if (!any)
      return;
    bounds.insert(bounds.begin(), fmt::format("{}", fixed));
    line(ind, "{");
    if (bounds.size() == 1) {
      line(ind + 1, fmt::format("std::uint8_t* at = out.room({});", bounds[0]));
    } else {
      // The fixed part, then one line per string or bytes value (their sizes).
      line(ind + 1, "std::uint8_t* at = out.room(");
      for (std::size_t i = 0; i < bounds.size(); ++i)
        line(ind + 3, bounds[i] + (i + 1 < bounds.size() ? " +" : ");"));
    }
    for (const Put& put : run)
      for (const std::string& l : put.lines)
        line(ind + 1, l);
    line(ind + 1, "out.set_cursor(at);");
    line(ind, "}");
  }

  // Whether a record's encoding is always empty (no fields, or only nulls and such
  // records): its encode and decode functions use neither their coder nor the value.
  static bool writes_nothing(const Node& record, int depth = 0) {
    if (depth > 32)
      return false;  // a record that holds only itself
    for (const avro::Field& f : record.fields)
      if (!decodes_nothing(*f.type, depth + 1))
        return false;
    return true;
  }
  // Whether decode() writes no statement for a value of `n` (a null, a fixed of size 0,
  // or such a record): its callers then declare no reference to the value.
  static bool decodes_nothing(const Node& n, int depth = 0) {
    return n.type == Type::kNull ||
           (n.type == Type::kFixed && n.fixed_size == 0 && n.logical == LogicalType::kNone) ||
           (n.type == Type::kRecord && writes_nothing(n, depth));
  }

  void emit_encode_body(const Node& node) {
    const Named& n = named_.at(node.fullname);
    std::vector<Put> run;
    auto flush = [&] {
      emit_run(run, 1);
      run.clear();
    };
    for (std::size_t i = 0; i < node.fields.size(); ++i) {
      std::string rv = "this->" + n.fields[i];
      std::string path = node.fullname + "." + node.fields[i].name;
      if (std::optional<Put> put = simple_put(*node.fields[i].type, rv, path)) {
        run.push_back(*std::move(put));
        continue;
      }
      flush();
      encode(*node.fields[i].type, rv, path, n, false, 1);
    }
    flush();
    if (writes_nothing(node))
      line(1, "static_cast<void>(out);");
    out_ += "}\n\n";
  }

  // The statements of a record's decode_avro into `target` (the value or the view)
  // and the closing brace.
  // The function's parameter is `decoder`; the fields are read through `in`, a local
  // copy written back at the end. Only the copy's cursor advances while the fields are
  // decoded, and as no pointer to it is ever passed on (Decoder's failure paths take
  // the cursor by value), g++ keeps it in a register: through the parameter it would
  // be reloaded after each store into the record (a char store may alias anything).
  // On a throw the parameter is left where the record started.
  void emit_decode_body(const Node& node, const std::string& target) {
    const Named& n = named_.at(node.fullname);
    if (writes_nothing(node)) {
      line(1, fmt::format("static_cast<void>(decoder);\n  static_cast<void>({});", target));
      out_ += "}\n\n";
      return;
    }
    line(1, "::sluice::avro::gen::Decoder in = decoder;  // the cursor in a register");
    for (std::size_t i = 0; i < node.fields.size(); ++i)
      decode(*node.fields[i].type, target + "." + n.fields[i],
             node.fullname + "." + node.fields[i].name, n, false, 1);
    line(1, "decoder = in;");
    out_ += "}\n\n";
  }

  void emit_record_functions(const Node& node) {
    const Named& n = named_.at(node.fullname);
    enter_namespace(n.ns);
    const std::string& T = n.name;
    const std::string full = node.fullname;
    out_ += fmt::format("// ---- {} ----\n\n", full);
    for (const auto& [fn, type, expr] : deferred_defaults_[full])
      out_ += fmt::format("inline {} {}::{}() {{\n  return {};\n}}\n\n", type, T, fn, expr);
    if (late_equality_.count(full) != 0) {
      // Memberwise, as the defaulted operator== of the other records compares. The
      // parameters have temporaries' names (a0, a1): is_local_name keeps every type
      // from them, where `a` and `b` could name a record.
      std::string terms;
      for (const std::string& field : n.fields)
        terms += fmt::format("{}a0.{} == a1.{}", terms.empty() ? "" : " &&\n         ", field, field);
      out_ += fmt::format("inline bool operator==(const {0}& a0, const {0}& a1) {{\n  return {1};\n}}\n\n",
                          T, terms);
    }
    out_ += fmt::format(
        "inline const ::sluice::avro::SchemaPtr& {0}::avro_schema_ptr() {{\n"
        "  static const ::sluice::avro::SchemaPtr schema = {1}parse_schema(kAvroSchemaJson);\n"
        "  return schema;\n}}\n\n",
        T, kGen);
    // encode
    out_ += fmt::format("inline void {}::encode_avro(::sluice::avro::gen::Encoder& out) const {{\n", T);
    if (n.recursive)
      line(1, fmt::format("{}DepthGuard guard(out, {});", kGen, quote(full)));
    emit_encode_body(node);
    out_ += fmt::format(
        "inline void {0}::append_avro(std::vector<std::uint8_t>& bytes) const {{\n"
        "  ::sluice::avro::gen::Encoder out(bytes);\n"
        "  encode_avro(out);\n"
        "  out.finish();\n}}\n\n"
        "inline std::vector<std::uint8_t> {0}::to_avro() const {{\n"
        "  std::vector<std::uint8_t> bytes;\n"
        "  append_avro(bytes);\n"
        "  return bytes;\n}}\n\n",
        T);
    // decode
    out_ += fmt::format("inline void {0}::decode_avro(::sluice::avro::gen::Decoder& decoder, {0}& value) {{\n", T);
    if (n.recursive)
      line(1, fmt::format("{}DepthGuard guard(decoder, {});", kGen, quote(full)));
    emit_decode_body(node, "value");
    if (n.has_view) {
      view_ = true;
      out_ += fmt::format(
          "{2}inline void {0}::decode_avro(::sluice::avro::gen::Decoder& decoder, {0}::{1}& view) {{\n",
          T, kViewName, hot_attribute(node));
      emit_decode_body(node, "view");
      out_ += fmt::format(
          "inline void {0}::{1}::encode_avro(::sluice::avro::gen::Encoder& out) const {{\n", T,
          kViewName);
      emit_encode_body(node);
      view_ = false;
    }
    // A recursive record's decoder names only its own fields in errors: from a record
    // that reaches one (one without a view), a failure gets the path from the root.
    std::string decode_datum =
        n.has_view ? std::string("  decode_avro(in, value);\n")
                   : fmt::format("  try {{\n"
                                 "    decode_avro(in, value);\n"
                                 "  }} catch (const {}CodegenError& e) {{\n"
                                 "    {}rethrow_with_root_path(avro_schema_ptr(), data, size, e);\n"
                                 "  }}\n",
                                 kAvro, kGen);
    out_ += fmt::format(
        "inline {0} {0}::from_avro(const std::uint8_t* data, std::size_t size) {{\n"
        "  ::sluice::avro::gen::Decoder in(data, size);\n"
        "  {0} value;\n"
        "{4}"
        "  in.expect_end({1});\n"
        "  return value;\n}}\n\n"
        "inline {0} {0}::from_avro(const std::uint8_t* data, std::size_t size,\n"
        "{3}std::string_view writer_schema_json) {{\n"
        "  if (writer_schema_json == kAvroSchemaJson)\n"
        "    return from_avro(data, size);\n"
        "  std::optional<std::vector<std::uint8_t>> resolved =\n"
        "      {2}resolve(avro_schema_ptr(), data, size, writer_schema_json);\n"
        "  if (!resolved)\n"
        "    return from_avro(data, size);\n"
        "  return from_avro(resolved->data(), resolved->size());\n}}\n\n"
        "inline std::string {0}::to_json() const {{\n"
        "  return {2}binary_to_json(avro_schema_ptr(), to_avro());\n}}\n\n"
        "inline {0} {0}::from_json(std::string_view json) {{\n"
        "  std::vector<std::uint8_t> bytes = {2}json_to_binary(avro_schema_ptr(), json);\n"
        "  return from_avro(bytes.data(), bytes.size());\n}}\n\n",
        T, quote(full), kGen, std::string(2 * T.size() + 20, ' '), decode_datum);
  }

  const CppOptions& options_;
  std::map<std::string, Named> named_;  // by Avro fullname
  std::vector<const Node*> appearance_;  // named types in order of first appearance
  std::vector<const Node*> records_;     // records in emission order
  std::set<std::string> complete_;       // fullnames of the records emitted so far
  // Each field default, parsed, and its C++ expression (prepare_defaults), by record
  // fullname and field name (a record defined again in a second schema is another Node).
  struct FieldDefault {
    Json json;
    std::string expr;
  };
  std::map<std::pair<std::string, std::string>, FieldDefault> defaults_;
  std::set<std::string> late_equality_;  // records whose operator== is defined after all
  // Per record fullname: defaults built by a static function (function name, member
  // type, expression), for defaults that hold records incomplete at the member.
  std::map<std::string, std::vector<std::array<std::string, 3>>> deferred_defaults_;
  std::set<std::string> finite_zero_;    // records whose zero value is finite
  mutable std::map<const Node*, std::size_t> zero_branch_;  // see zero_branch()
  std::optional<std::string> open_ns_;
  std::string out_;
  int counter_ = 0;
  // Set while emitting a record's AvroView and its decoder: cpp_type, scalar_read and
  // decode then produce the view forms.
  bool view_ = false;
};

}  // namespace

Result<std::string> generate_cpp_header(std::span<const avro::SchemaPtr> schemas,
                                        const CppOptions& options) {
  return Generator(options).run(schemas);
}

}  // namespace sluice::codegen
