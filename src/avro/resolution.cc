// Schema resolution: compiles (writer, reader) into a flat program of steps, then
// interprets it per datum.
//
// Design (why it is fast):
//  * compile() decides everything once: which writer field goes to which reader slot,
//    which writer fields are skipped (with a skip program of their own, no Value built),
//    which promotions apply, enum remapping tables, union branch tables, and the
//    reader-only defaults (decoded once into the plan's arena).
//  * A record decode allocates its children in one block, memcpy's a precomputed
//    template (defaults already in place, read slots overwritten), then runs its field
//    ops in writer order.
//  * The interpreter reports errors through a side slot (Decoder::error_) and returns
//    bool, so the hot path never builds a Result<Value> per field; the path is
//    prepended while unwinding.
//  * Steps are memoized per (writer node, reader node), so recursive schemas compile to
//    a finite graph of steps that refer to each other by index.
//
// Errors found at compile time are "hard" (compile fails) or "soft": an enum symbol the
// reader cannot map, or a writer union branch no reader branch accepts. Soft ones fail
// decode() only when the data actually uses them; check_compatibility() reports both.
#include "avro/resolution.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "avro/internal/varint.h"
#include "avro/json_codec.h"

namespace sluice::avro {

namespace {

enum class Op : std::uint8_t {
  // Decode steps: read writer data, produce a reader value.
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kText,  // string or bytes on both sides (string<->bytes promotion included)
  kIntToLong,
  kIntToFloat,
  kIntToDouble,
  kLongToFloat,
  kLongToDouble,
  kFloatToDouble,
  kFixed,        // a = size
  kEnum,         // a = offset in enum_maps, b = writer symbol count
  kRecord,       // a = index in records
  kArray,        // a = item step, b = writer item minimum encoded size
  kMap,          // a = value step, b = minimum encoded size of key + value
  kWriterUnion,  // a = offset in branches, b = writer branch count
  kToBranch,     // writer non-union into reader union: a = inner step, b = reader branch
  kInvalid,      // placeholder for a hard incompatibility (never decoded: compile fails)
  // Skip steps: read writer data, produce nothing.
  kSkipNothing,
  kSkipByte,
  kSkipVarint,
  kSkip4,
  kSkip8,
  kSkipText,
  kSkipFixed,   // a = size
  kSkipRecord,  // a = offset in skip_lists, b = field count
  kSkipArray,   // a = item skip step, b = minimum item size
  kSkipMap,     // a = value skip step, b = minimum key + value size
  kSkipUnion,   // a = offset in skip_lists, b = branch count
};

struct Step {
  Op op = Op::kInvalid;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  const Node* reader = nullptr;  // node of the produced value (decode steps)
  const Node* writer = nullptr;
};

struct RecordPlan {
  const Node* reader = nullptr;
  std::uint32_t template_begin = 0;  // reader.fields.size() values in templates
  std::uint32_t ops_begin = 0;
  std::uint32_t ops_count = 0;
};

// One writer field, in writer order: decoded into reader slot `slot`, or skipped.
struct FieldOp {
  std::uint32_t step = 0;
  std::int32_t slot = -1;  // -1: skip
  const std::string* name = nullptr;  // for error paths (reader name, or writer name if skipped)
};

struct BranchEntry {
  std::uint32_t step = 0;
  std::int32_t reader_branch = -1;  // -1: reader is not a union
  std::int32_t error = -1;          // index in messages: this branch fails at run time
};

constexpr std::uint32_t kSizeCap = 1u << 20;

std::uint32_t add_sizes(std::uint32_t a, std::uint32_t b) { return std::min(a + b, kSizeCap); }

}  // namespace

struct ResolutionPlan::Impl {
  std::vector<Step> steps;
  std::vector<RecordPlan> records;
  std::vector<FieldOp> field_ops;
  std::vector<Value> templates;
  std::vector<std::int32_t> enum_maps;
  std::vector<BranchEntry> branches;
  std::vector<std::uint32_t> skip_lists;
  std::vector<std::string> messages;
  Arena arena{4096};  // reader defaults, decoded once
  std::uint32_t root = 0;
};

namespace {

// --- Compile ---------------------------------------------------------------------------

std::string_view last_component(std::string_view fullname) {
  auto dot = fullname.rfind('.');
  return dot == std::string_view::npos ? fullname : fullname.substr(dot + 1);
}

// Named types match by unqualified name, or by a reader alias naming the writer.
bool names_match(const Node& w, const Node& r) {
  if (w.name == r.name) return true;
  for (const std::string& alias : r.aliases) {
    if (alias == w.fullname || last_component(alias) == w.name) return true;
  }
  return false;
}

bool promotable(Type w, Type r) {
  switch (w) {
    case Type::kInt: return r == Type::kLong || r == Type::kFloat || r == Type::kDouble;
    case Type::kLong: return r == Type::kFloat || r == Type::kDouble;
    case Type::kFloat: return r == Type::kDouble;
    case Type::kString: return r == Type::kBytes;
    case Type::kBytes: return r == Type::kString;
    default: return false;
  }
}

enum class Promotion : std::uint8_t { kNo, kYes };

// The specification's "match" (shallow for named types, recursive for containers).
bool matches(const Node& w, const Node& r, Promotion promotion) {
  if (w.type == Type::kUnion) return true;
  if (r.type == Type::kUnion) {
    return std::any_of(r.branches.begin(), r.branches.end(),
                       [&](const Node* b) { return matches(w, *b, promotion); });
  }
  if (w.type != r.type) return promotion == Promotion::kYes && promotable(w.type, r.type);
  switch (w.type) {
    case Type::kArray: return matches(*w.items, *r.items, promotion);
    case Type::kMap: return matches(*w.values, *r.values, promotion);
    case Type::kRecord:
    case Type::kEnum: return names_match(w, r);
    case Type::kFixed: return names_match(w, r) && w.fixed_size == r.fixed_size;
    default: return true;
  }
}

// The reader union branch for writer (non-union) `w`: exact matches first, then
// promotions. -1 when none.
int choose_branch(const Node& w, const Node& reader_union) {
  for (Promotion p : {Promotion::kNo, Promotion::kYes}) {
    for (std::size_t i = 0; i < reader_union.branches.size(); ++i) {
      const Node& b = *reader_union.branches[i];
      if (b.type == Type::kUnion) continue;
      if (matches(w, b, p)) return static_cast<int>(i);
    }
  }
  return -1;
}

std::string short_name(const Node& n) {
  if (is_named(n.type)) return n.fullname;
  return std::string(type_name(n.type));
}

// "string", "record a.B", "union [null, string]".
std::string describe(const Node& n) {
  if (is_named(n.type)) return fmt::format("{} {}", type_name(n.type), n.fullname);
  if (n.type == Type::kUnion) {
    std::string out = "union [";
    for (std::size_t i = 0; i < n.branches.size(); ++i) {
      if (i > 0) out += ", ";
      out += short_name(*n.branches[i]);
    }
    return out + "]";
  }
  return std::string(type_name(n.type));
}

std::string join_path(const std::string& path, std::string_view field) {
  if (path.empty()) return std::string(field);
  return fmt::format("{}.{}", path, field);
}

enum class Defaults : std::uint8_t { kDecode, kIgnore };

class Compiler {
 public:
  Compiler(ResolutionPlan::Impl& impl, Defaults defaults) : impl_(impl), defaults_(defaults) {}

  std::uint32_t resolve(const Node& w, const Node& r, const std::string& path) {
    auto key = std::make_pair(&w, &r);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    if (w.type == Type::kUnion) return resolve_writer_union(w, r, path);
    if (r.type == Type::kUnion) {
      int branch = choose_branch(w, r);
      if (branch < 0) {
        return hard(w, r, path, fmt::format("writer {} vs reader {}", describe(w), describe(r)));
      }
      std::uint32_t self = new_step(Op::kToBranch, &w, nullptr);
      memo_[key] = self;
      std::uint32_t inner =
          resolve(w, *r.branches[static_cast<std::size_t>(branch)], path);
      impl_.steps[self].a = inner;
      impl_.steps[self].b = static_cast<std::uint32_t>(branch);
      return self;
    }
    return resolve_direct(w, r, path);
  }

  // The skip program of writer node `w`.
  std::uint32_t skip(const Node& w) {
    if (auto it = skip_memo_.find(&w); it != skip_memo_.end()) return it->second;
    switch (w.type) {
      case Type::kNull: return memo_skip(w, Op::kSkipNothing);
      case Type::kBoolean: return memo_skip(w, Op::kSkipByte);
      case Type::kInt:
      case Type::kLong:
      case Type::kEnum: return memo_skip(w, Op::kSkipVarint);
      case Type::kFloat: return memo_skip(w, Op::kSkip4);
      case Type::kDouble: return memo_skip(w, Op::kSkip8);
      case Type::kString:
      case Type::kBytes: return memo_skip(w, Op::kSkipText);
      case Type::kFixed: {
        std::uint32_t s = memo_skip(w, Op::kSkipFixed);
        impl_.steps[s].a = static_cast<std::uint32_t>(w.fixed_size);
        return s;
      }
      case Type::kArray:
      case Type::kMap: {
        bool is_array = w.type == Type::kArray;
        std::uint32_t s = memo_skip(w, is_array ? Op::kSkipArray : Op::kSkipMap);
        const Node& item = is_array ? *w.items : *w.values;
        std::uint32_t inner = skip(item);
        impl_.steps[s].a = inner;
        impl_.steps[s].b = is_array ? min_size(item) : add_sizes(1, min_size(item));
        return s;
      }
      case Type::kRecord:
      case Type::kUnion: {
        bool is_record = w.type == Type::kRecord;
        std::uint32_t s = memo_skip(w, is_record ? Op::kSkipRecord : Op::kSkipUnion);
        std::vector<std::uint32_t> children;
        if (is_record) {
          for (const Field& f : w.fields) children.push_back(skip(*f.type));
        } else {
          for (const Node* b : w.branches) children.push_back(skip(*b));
        }
        impl_.steps[s].a = static_cast<std::uint32_t>(impl_.skip_lists.size());
        impl_.steps[s].b = static_cast<std::uint32_t>(children.size());
        impl_.skip_lists.insert(impl_.skip_lists.end(), children.begin(), children.end());
        return s;
      }
    }
    return memo_skip(w, Op::kSkipNothing);
  }

  const std::vector<Incompatibility>& all() const { return all_; }
  const std::vector<Incompatibility>& hard_ones() const { return hard_; }

 private:
  std::uint32_t new_step(Op op, const Node* w, const Node* r) {
    Step s;
    s.op = op;
    s.writer = w;
    s.reader = r;
    impl_.steps.push_back(s);
    return static_cast<std::uint32_t>(impl_.steps.size() - 1);
  }

  std::uint32_t memo_skip(const Node& w, Op op) {
    std::uint32_t s = new_step(op, &w, nullptr);
    skip_memo_[&w] = s;
    return s;
  }

  std::uint32_t hard(const Node& w, const Node& r, const std::string& path, std::string message) {
    Incompatibility inc{path, std::move(message)};
    hard_.push_back(inc);
    all_.push_back(std::move(inc));
    std::uint32_t s = new_step(Op::kInvalid, &w, &r);
    memo_[{&w, &r}] = s;
    return s;
  }

  void soft(const std::string& path, std::string message) {
    all_.push_back(Incompatibility{path, std::move(message)});
  }

  // Smallest number of bytes one datum of writer node `w` can take (bounds the item
  // counts that arrays and maps may claim). Records in progress count as 0.
  std::uint32_t min_size(const Node& w) {
    if (auto it = min_memo_.find(&w); it != min_memo_.end()) return it->second;
    std::uint32_t size = 0;
    switch (w.type) {
      case Type::kNull: size = 0; break;
      case Type::kFloat: size = 4; break;
      case Type::kDouble: size = 8; break;
      case Type::kFixed: size = static_cast<std::uint32_t>(std::min<std::size_t>(w.fixed_size, kSizeCap)); break;
      case Type::kRecord: {
        min_memo_[&w] = 0;
        for (const Field& f : w.fields) size = add_sizes(size, min_size(*f.type));
        break;
      }
      default: size = 1; break;  // one varint byte at least
    }
    min_memo_[&w] = size;
    return size;
  }

  std::uint32_t resolve_writer_union(const Node& w, const Node& r, const std::string& path) {
    std::uint32_t self = new_step(Op::kWriterUnion, &w, &r);
    memo_[{&w, &r}] = self;
    std::vector<BranchEntry> entries(w.branches.size());
    for (std::size_t i = 0; i < w.branches.size(); ++i) {
      const Node& wb = *w.branches[i];
      BranchEntry& e = entries[i];
      if (r.type == Type::kUnion) {
        int branch = choose_branch(wb, r);
        if (branch < 0) {
          e.error = runtime_error(path, fmt::format("writer union branch {} ({}) has no match in reader {}",
                                                    i, describe(wb), describe(r)));
          continue;
        }
        e.step = resolve(wb, *r.branches[static_cast<std::size_t>(branch)], path);
        e.reader_branch = branch;
      } else if (matches(wb, r, Promotion::kYes)) {
        e.step = resolve(wb, r, path);
      } else {
        e.error = runtime_error(path, fmt::format("writer union branch {} ({}) vs reader {}", i,
                                                  describe(wb), describe(r)));
      }
    }
    impl_.steps[self].a = static_cast<std::uint32_t>(impl_.branches.size());
    impl_.steps[self].b = static_cast<std::uint32_t>(entries.size());
    impl_.branches.insert(impl_.branches.end(), entries.begin(), entries.end());
    return self;
  }

  std::int32_t runtime_error(const std::string& path, std::string message) {
    soft(path, message);
    impl_.messages.push_back(std::move(message));
    return static_cast<std::int32_t>(impl_.messages.size() - 1);
  }

  std::uint32_t simple(const Node& w, const Node& r, Op op) {
    std::uint32_t s = new_step(op, &w, &r);
    memo_[{&w, &r}] = s;
    return s;
  }

  std::uint32_t resolve_direct(const Node& w, const Node& r, const std::string& where) {
    // A named type at the root of the reader is called by its name in paths.
    const std::string& path = where.empty() && is_named(r.type) ? r.name : where;
    auto mismatch = [&] {
      return hard(w, r, path, fmt::format("writer {} vs reader {}", describe(w), describe(r)));
    };
    if (w.type != r.type) {
      if (!promotable(w.type, r.type)) return mismatch();
      switch (w.type) {
        case Type::kInt:
          return simple(w, r, r.type == Type::kLong    ? Op::kIntToLong
                              : r.type == Type::kFloat ? Op::kIntToFloat
                                                       : Op::kIntToDouble);
        case Type::kLong:
          return simple(w, r, r.type == Type::kFloat ? Op::kLongToFloat : Op::kLongToDouble);
        case Type::kFloat: return simple(w, r, Op::kFloatToDouble);
        default: return simple(w, r, Op::kText);  // string <-> bytes
      }
    }
    if (is_named(w.type) && !names_match(w, r)) {
      return hard(w, r, path,
                  fmt::format("name mismatch: writer {} vs reader {}", w.fullname, r.fullname));
    }
    switch (w.type) {
      case Type::kNull: return simple(w, r, Op::kNull);
      case Type::kBoolean: return simple(w, r, Op::kBoolean);
      case Type::kInt: return simple(w, r, Op::kInt);
      case Type::kLong: return simple(w, r, Op::kLong);
      case Type::kFloat: return simple(w, r, Op::kFloat);
      case Type::kDouble: return simple(w, r, Op::kDouble);
      case Type::kString:
      case Type::kBytes: return simple(w, r, Op::kText);
      case Type::kFixed: {
        if (w.fixed_size != r.fixed_size) {
          return hard(w, r, path,
                      fmt::format("fixed size {} vs {}", w.fixed_size, r.fixed_size));
        }
        std::uint32_t s = simple(w, r, Op::kFixed);
        impl_.steps[s].a = static_cast<std::uint32_t>(w.fixed_size);
        return s;
      }
      case Type::kEnum: return resolve_enum(w, r, path);
      case Type::kArray:
      case Type::kMap: {
        bool is_array = w.type == Type::kArray;
        std::uint32_t s = simple(w, r, is_array ? Op::kArray : Op::kMap);
        std::uint32_t inner = is_array ? resolve(*w.items, *r.items, path + "[]")
                                       : resolve(*w.values, *r.values, path + "{}");
        impl_.steps[s].a = inner;
        impl_.steps[s].b = is_array ? min_size(*w.items) : add_sizes(1, min_size(*w.values));
        return s;
      }
      case Type::kRecord: return resolve_record(w, r, path);
      case Type::kUnion: break;  // handled by resolve()
    }
    return mismatch();
  }

  std::uint32_t resolve_enum(const Node& w, const Node& r, const std::string& path) {
    std::uint32_t s = simple(w, r, Op::kEnum);
    int fallback = r.enum_default ? r.symbol_index(*r.enum_default) : -1;
    impl_.steps[s].a = static_cast<std::uint32_t>(impl_.enum_maps.size());
    impl_.steps[s].b = static_cast<std::uint32_t>(w.symbols.size());
    for (const std::string& symbol : w.symbols) {
      int index = r.symbol_index(symbol);
      if (index < 0) {
        index = fallback;
        if (index < 0) {
          soft(path, fmt::format("writer enum symbol '{}' not in reader and reader has no default",
                                 symbol));
        }
      }
      impl_.enum_maps.push_back(index);
    }
    return s;
  }

  std::uint32_t resolve_record(const Node& w, const Node& r, const std::string& path) {
    std::uint32_t s = simple(w, r, Op::kRecord);
    std::uint32_t record_index = static_cast<std::uint32_t>(impl_.records.size());
    impl_.records.emplace_back();
    impl_.steps[s].a = record_index;

    // Reader field for each writer field: exact names first, then reader aliases for
    // the fields still unmatched (a writer field is read at most once).
    std::vector<int> reader_of_writer(w.fields.size(), -1);
    std::vector<int> writer_of_reader(r.fields.size(), -1);
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      int wi = w.field_index(r.fields[i].name);
      if (wi >= 0) {
        writer_of_reader[i] = wi;
        reader_of_writer[static_cast<std::size_t>(wi)] = static_cast<int>(i);
      }
    }
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      if (writer_of_reader[i] >= 0) continue;
      for (const std::string& alias : r.fields[i].aliases) {
        int wi = w.field_index(alias);
        if (wi >= 0 && reader_of_writer[static_cast<std::size_t>(wi)] < 0) {
          writer_of_reader[i] = wi;
          reader_of_writer[static_cast<std::size_t>(wi)] = static_cast<int>(i);
          break;
        }
      }
    }

    // Reader fields in reader order (so incompatibilities are listed in that order):
    // resolve the ones the writer has, take defaults for the others.
    std::vector<Value> templ(r.fields.size());
    std::vector<std::uint32_t> reader_steps(r.fields.size(), 0);
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      const Field& rf = r.fields[i];
      std::string field_path = join_path(path, rf.name);
      if (writer_of_reader[i] >= 0) {
        const Field& wf = w.fields[static_cast<std::size_t>(writer_of_reader[i])];
        reader_steps[i] = resolve(*wf.type, *rf.type, field_path);
        continue;
      }
      if (!rf.default_json) {
        hard_.push_back({field_path, fmt::format("reader field '{}' has no default and is "
                                                 "missing from the writer", rf.name)});
        all_.push_back(hard_.back());
        continue;
      }
      if (defaults_ == Defaults::kIgnore) continue;
      auto value = decode_default(*rf.type, *rf.default_json, impl_.arena);
      if (!value) {
        hard_.push_back({field_path, fmt::format("reader field '{}' has an unusable default: {}",
                                                 rf.name, value.error().to_string())});
        all_.push_back(hard_.back());
        continue;
      }
      templ[i] = *value;
      if (rf.type->type == Type::kUnion && templ[i].branch() < 0) templ[i].in_branch(0);
    }

    // Field ops in writer order: read into a reader slot, or skip.
    std::vector<FieldOp> ops(w.fields.size());
    for (std::size_t wi = 0; wi < w.fields.size(); ++wi) {
      const Field& wf = w.fields[wi];
      int ri = reader_of_writer[wi];
      if (ri < 0) {
        ops[wi].step = skip(*wf.type);
        ops[wi].name = &wf.name;
        continue;
      }
      ops[wi].step = reader_steps[static_cast<std::size_t>(ri)];
      ops[wi].slot = ri;
      ops[wi].name = &r.fields[static_cast<std::size_t>(ri)].name;
    }

    RecordPlan& plan = impl_.records[record_index];
    plan.reader = &r;
    plan.template_begin = static_cast<std::uint32_t>(impl_.templates.size());
    impl_.templates.insert(impl_.templates.end(), templ.begin(), templ.end());
    plan.ops_begin = static_cast<std::uint32_t>(impl_.field_ops.size());
    plan.ops_count = static_cast<std::uint32_t>(ops.size());
    impl_.field_ops.insert(impl_.field_ops.end(), ops.begin(), ops.end());
    return s;
  }

  ResolutionPlan::Impl& impl_;
  Defaults defaults_;
  std::map<std::pair<const Node*, const Node*>, std::uint32_t> memo_;
  std::map<const Node*, std::uint32_t> skip_memo_;
  std::map<const Node*, std::uint32_t> min_memo_;
  std::vector<Incompatibility> all_;
  std::vector<Incompatibility> hard_;
};

// --- Decode ----------------------------------------------------------------------------

#if defined(__OPTIMIZE__)
#define SLUICE_HOT_INLINE [[gnu::always_inline]] inline
#else
#define SLUICE_HOT_INLINE [[gnu::noinline]]
#endif

class Decoder {
 public:
  Decoder(const ResolutionPlan::Impl& impl, BinaryReader& in, Arena& arena,
          const DecodeLimits& limits)
      : impl_(impl), p_(in.pos()), end_(in.end()), start_(in.pos()), base_(in.offset()),
        arena_(arena), limits_(limits) {}

  // Out-of-line entry; decode_inline is the same switch, inlined into the loops of
  // records, collections and unions so a field costs no extra call.
  [[gnu::noinline]] bool decode(std::uint32_t index, Value& out) { return decode_inline(index, out); }
  [[gnu::always_inline]] inline bool decode_inline(std::uint32_t index, Value& out);
  bool skip(std::uint32_t index);

  const std::uint8_t* pos() const { return p_; }
  Error take_error() { return std::move(*error_); }

 private:
  std::uint64_t offset_of(const std::uint8_t* at) const {
    return base_ + static_cast<std::uint64_t>(at - start_);
  }

  template <class... Args>
  [[gnu::cold, gnu::noinline]] bool fail_at(const std::uint8_t* at, ErrorCode code, fmt::format_string<Args...> format,
               Args&&... args) {
    error_.emplace(Error(code, fmt::format(format, std::forward<Args>(args)...)));
    error_->at_offset(offset_of(at));
    return false;
  }

  bool read_long(std::int64_t& v) {
    if (p_ < end_ && *p_ < 0x80) {
      v = internal::zigzag_decode(*p_++);
      return true;
    }
    const std::uint8_t* at = p_;
    if (internal::read_long(p_, end_, v)) return true;
    if (p_ >= end_) return fail_at(at, ErrorCode::kTruncated, "input ends inside a varint");
    return fail_at(at, ErrorCode::kInvalidData, "varint longer than 10 bytes");
  }

  bool read_int(std::int32_t& v) {
    const std::uint8_t* at = p_;
    std::int64_t l = 0;
    if (!read_long(l)) return false;
    if (l < INT32_MIN || l > INT32_MAX) {
      return fail_at(at, ErrorCode::kInvalidData, "int value {} out of 32-bit range", l);
    }
    v = static_cast<std::int32_t>(l);
    return true;
  }

  bool read_float(float& v) {
    if (end_ - p_ < 4) return fail_at(p_, ErrorCode::kTruncated, "input ends inside a float");
    std::memcpy(&v, p_, 4);
    p_ += 4;
    return true;
  }

  bool read_double(double& v) {
    if (end_ - p_ < 8) return fail_at(p_, ErrorCode::kTruncated, "input ends inside a double");
    std::memcpy(&v, p_, 8);
    p_ += 8;
    return true;
  }

  bool read_text(std::string_view& v) {
    const std::uint8_t* at = p_;
    std::int64_t len = 0;
    if (!read_long(len)) return false;
    if (len < 0) return fail_at(at, ErrorCode::kInvalidData, "negative length {}", len);
    if (static_cast<std::uint64_t>(len) > limits_.max_bytes_length) {
      return fail_at(at, ErrorCode::kLimitExceeded, "length {} exceeds the limit of {} bytes",
                     len, limits_.max_bytes_length);
    }
    if (static_cast<std::uint64_t>(len) > static_cast<std::uint64_t>(end_ - p_)) {
      return fail_at(at, ErrorCode::kTruncated, "length {} exceeds the {} bytes left", len,
                     end_ - p_);
    }
    v = std::string_view(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(len));
    p_ += len;
    return true;
  }

  bool need(std::size_t n, const char* what) {
    if (static_cast<std::size_t>(end_ - p_) < n) {
      return fail_at(p_, ErrorCode::kTruncated, "input ends inside a {} of {} bytes", what, n);
    }
    return true;
  }

  bool enter(const std::uint8_t* at) {
    if (++depth_ > limits_.max_depth) {
      return fail_at(at, ErrorCode::kLimitExceeded, "nesting deeper than {}", limits_.max_depth);
    }
    return true;
  }

  // Reads one block header of an array or map. count = 0 ends the collection.
  bool block_count(std::int64_t& count, std::size_t total, std::uint32_t min_item) {
    const std::uint8_t* at = p_;
    if (!read_long(count)) return false;
    if (count < 0) {
      if (count == std::numeric_limits<std::int64_t>::min()) {
        return fail_at(at, ErrorCode::kInvalidData, "invalid block count");
      }
      count = -count;
      std::int64_t byte_size = 0;
      if (!read_long(byte_size)) return false;
      if (byte_size < 0) return fail_at(at, ErrorCode::kInvalidData, "negative block size");
    }
    std::uint64_t n = static_cast<std::uint64_t>(count);
    if (n > limits_.max_collection_items || total + n > limits_.max_collection_items) {
      return fail_at(at, ErrorCode::kLimitExceeded, "{} items exceed the limit of {}", total + n,
                     limits_.max_collection_items);
    }
    if (min_item > 0 && n > static_cast<std::uint64_t>(end_ - p_) / min_item) {
      return fail_at(at, ErrorCode::kTruncated, "block of {} items cannot fit in the {} bytes left",
                     n, end_ - p_);
    }
    return true;
  }

  [[gnu::noinline]] bool decode_record(const Step& step, Value& out);
  [[gnu::noinline]] bool decode_array(const Step& step, Value& out);
  [[gnu::noinline]] bool decode_map(const Step& step, Value& out);
  [[gnu::noinline]] bool decode_writer_union(const Step& step, Value& out);
  SLUICE_HOT_INLINE bool decode_nullable_leaf(const Step& step, Value& out, bool& decoded);
  bool skip_collection(const Step& step, bool is_map);

  const ResolutionPlan::Impl& impl_;
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  const std::uint8_t* start_;
  std::uint64_t base_;
  Arena& arena_;
  const DecodeLimits& limits_;
  std::size_t depth_ = 0;
  std::optional<Error> error_;
};

inline bool Decoder::decode_inline(std::uint32_t index, Value& out) {
  const Step& step = impl_.steps[index];
  switch (step.op) {
    case Op::kNull: out = Value::null(step.reader); return true;
    case Op::kBoolean: {
      if (p_ >= end_) return fail_at(p_, ErrorCode::kTruncated, "input ends before a boolean");
      std::uint8_t b = *p_;
      if (b > 1) return fail_at(p_, ErrorCode::kInvalidData, "invalid boolean byte {}", b);
      ++p_;
      out = Value::boolean(step.reader, b != 0);
      return true;
    }
    case Op::kInt: {
      std::int32_t v = 0;
      if (!read_int(v)) return false;
      out = Value::int32(step.reader, v);
      return true;
    }
    case Op::kLong: {
      std::int64_t v = 0;
      if (!read_long(v)) return false;
      out = Value::int64(step.reader, v);
      return true;
    }
    case Op::kFloat: {
      float v = 0;
      if (!read_float(v)) return false;
      out = Value::float32(step.reader, v);
      return true;
    }
    case Op::kDouble: {
      double v = 0;
      if (!read_double(v)) return false;
      out = Value::float64(step.reader, v);
      return true;
    }
    case Op::kText: {
      std::string_view v;
      if (!read_text(v)) return false;
      out = Value::text(step.reader, v);
      return true;
    }
    case Op::kIntToLong: {
      std::int32_t v = 0;
      if (!read_int(v)) return false;
      out = Value::int64(step.reader, v);
      return true;
    }
    case Op::kIntToFloat: {
      std::int32_t v = 0;
      if (!read_int(v)) return false;
      out = Value::float32(step.reader, static_cast<float>(v));
      return true;
    }
    case Op::kIntToDouble: {
      std::int32_t v = 0;
      if (!read_int(v)) return false;
      out = Value::float64(step.reader, static_cast<double>(v));
      return true;
    }
    case Op::kLongToFloat: {
      std::int64_t v = 0;
      if (!read_long(v)) return false;
      out = Value::float32(step.reader, static_cast<float>(v));
      return true;
    }
    case Op::kLongToDouble: {
      std::int64_t v = 0;
      if (!read_long(v)) return false;
      out = Value::float64(step.reader, static_cast<double>(v));
      return true;
    }
    case Op::kFloatToDouble: {
      float v = 0;
      if (!read_float(v)) return false;
      out = Value::float64(step.reader, static_cast<double>(v));
      return true;
    }
    case Op::kFixed: {
      if (!need(step.a, "fixed")) return false;
      out = Value::text(step.reader,
                        std::string_view(reinterpret_cast<const char*>(p_), step.a));
      p_ += step.a;
      return true;
    }
    case Op::kEnum: {
      const std::uint8_t* at = p_;
      std::int32_t v = 0;
      if (!read_int(v)) return false;
      if (v < 0 || static_cast<std::uint32_t>(v) >= step.b) {
        return fail_at(at, ErrorCode::kInvalidData, "enum index {} out of range ({} symbols)", v,
                       step.b);
      }
      std::int32_t mapped = impl_.enum_maps[step.a + static_cast<std::uint32_t>(v)];
      if (mapped < 0) {
        return fail_at(at, ErrorCode::kIncompatible,
                       "writer enum symbol '{}' not in reader and reader has no default",
                       step.writer->symbols[static_cast<std::size_t>(v)]);
      }
      out = Value::enumeration(step.reader, mapped);
      return true;
    }
    case Op::kRecord: return decode_record(step, out);
    case Op::kArray: return decode_array(step, out);
    case Op::kMap: return decode_map(step, out);
    case Op::kWriterUnion: {
      bool decoded = false;
      if (!decode_nullable_leaf(step, out, decoded)) return false;
      return decoded || decode_writer_union(step, out);
    }
    case Op::kToBranch: {
      if (!decode(step.a, out)) return false;
      out.in_branch(static_cast<int>(step.b));
      return true;
    }
    default:
      return fail_at(p_, ErrorCode::kInternal, "invalid resolution step");
  }
}

// The kWriterUnion fast path, out of decode_inline so that unoptimised (sanitizer)
// builds keep decode_inline's frame small: it is inlined into every recursive step,
// and deep data must hit max_depth before the stack ends.
// Sets `decoded` when the value was handled here; false only on a read error.
bool Decoder::decode_nullable_leaf(const Step& step, Value& out, bool& decoded) {
  // Fast path for the common nullable field: a canonical one-byte branch index
  // whose branch is a leaf, decoded here without a call. Leaves do not nest, so
  // skipping the union's depth step changes nothing when one more level is allowed;
  // everything else (errors included) takes decode_writer_union.
  if (p_ < end_ && depth_ < limits_.max_depth) [[likely]] {
    const std::uint8_t byte = *p_;
    const std::uint32_t index = byte >> 1;
    if ((byte & 0x81) == 0 && index < step.b) {
      const BranchEntry& e = impl_.branches[step.a + index];
      if (e.error < 0) {
        const Step& inner = impl_.steps[e.step];
        bool handled = true;
        ++p_;
        switch (inner.op) {
          case Op::kNull: out = Value::null(inner.reader); break;
          case Op::kText: {
            std::string_view v;
            if (!read_text(v)) return false;
            out = Value::text(inner.reader, v);
            break;
          }
          case Op::kInt: {
            std::int32_t v = 0;
            if (!read_int(v)) return false;
            out = Value::int32(inner.reader, v);
            break;
          }
          case Op::kIntToLong: {
            std::int32_t v = 0;
            if (!read_int(v)) return false;
            out = Value::int64(inner.reader, v);
            break;
          }
          case Op::kLong: {
            std::int64_t v = 0;
            if (!read_long(v)) return false;
            out = Value::int64(inner.reader, v);
            break;
          }
          default:
            --p_;
            handled = false;
        }
        if (handled) {
          if (e.reader_branch >= 0) out.in_branch(e.reader_branch);
          decoded = true;
          return true;
        }
      }
    }
  }
  return true;
}

bool Decoder::decode_record(const Step& step, Value& out) {
  if (!enter(p_)) return false;
  const RecordPlan& plan = impl_.records[step.a];
  std::size_t n = plan.reader->fields.size();
  Value* children = arena_.allocate_array<Value>(n);
  if (n > 0) std::memcpy(static_cast<void*>(children), &impl_.templates[plan.template_begin],
                         n * sizeof(Value));
  const FieldOp* op = impl_.field_ops.data() + plan.ops_begin;
  const FieldOp* ops_end = op + plan.ops_count;
  for (; op != ops_end; ++op) {
    bool ok = op->slot >= 0 ? decode_inline(op->step, children[op->slot]) : skip(op->step);
    if (!ok) {
      error_->in(*op->name);
      return false;
    }
  }
  out = Value::with_children(plan.reader, children, n);
  --depth_;
  return true;
}

bool Decoder::decode_array(const Step& step, Value& out) {
  if (!enter(p_)) return false;
  Value* items = nullptr;
  std::size_t total = 0;
  std::size_t capacity = 0;
  for (;;) {
    std::int64_t count = 0;
    if (!block_count(count, total, step.b)) return false;
    if (count == 0) break;
    std::size_t n = static_cast<std::size_t>(count);
    if (total + n > capacity) {
      std::size_t new_capacity = std::max(total + n, capacity * 2);
      Value* grown = arena_.allocate_array<Value>(new_capacity);
      if (total > 0) std::memcpy(static_cast<void*>(grown), items, total * sizeof(Value));
      items = grown;
      capacity = new_capacity;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!decode_inline(step.a, items[total + i])) {
        error_->in(fmt::format("[{}]", total + i));
        return false;
      }
    }
    total += n;
  }
  out = Value::with_children(step.reader, items, total);
  --depth_;
  return true;
}

bool Decoder::decode_map(const Step& step, Value& out) {
  if (!enter(p_)) return false;
  MapEntry* entries = nullptr;
  std::size_t total = 0;
  std::size_t capacity = 0;
  for (;;) {
    std::int64_t count = 0;
    if (!block_count(count, total, step.b)) return false;
    if (count == 0) break;
    std::size_t n = static_cast<std::size_t>(count);
    if (total + n > capacity) {
      std::size_t new_capacity = std::max(total + n, capacity * 2);
      MapEntry* grown = arena_.allocate_array<MapEntry>(new_capacity);
      for (std::size_t i = 0; i < total; ++i) new (&grown[i]) MapEntry(entries[i]);
      entries = grown;
      capacity = new_capacity;
    }
    for (std::size_t i = 0; i < n; ++i) {
      MapEntry* e = new (&entries[total + i]) MapEntry();
      if (!read_text(e->key)) {
        error_->in(fmt::format("[{}]", total + i));
        return false;
      }
      if (!decode_inline(step.a, e->value)) {
        error_->in(fmt::format("[{}]", e->key));
        return false;
      }
    }
    total += n;
  }
  out = Value::with_entries(step.reader, entries, total);
  --depth_;
  return true;
}

bool Decoder::decode_writer_union(const Step& step, Value& out) {
  const std::uint8_t* at = p_;
  if (!enter(at)) return false;
  std::int64_t index = 0;
  if (!read_long(index)) return false;
  if (index < 0 || static_cast<std::uint64_t>(index) >= step.b) {
    return fail_at(at, ErrorCode::kInvalidData, "union branch {} out of range ({} branches)",
                   index, step.b);
  }
  const BranchEntry& e = impl_.branches[step.a + static_cast<std::uint32_t>(index)];
  if (e.error >= 0) {
    return fail_at(at, ErrorCode::kIncompatible, "{}",
                   impl_.messages[static_cast<std::size_t>(e.error)]);
  }
  if (!decode_inline(e.step, out)) return false;
  if (e.reader_branch >= 0) out.in_branch(e.reader_branch);
  --depth_;
  return true;
}

bool Decoder::skip_collection(const Step& step, bool is_map) {
  if (!enter(p_)) return false;
  std::size_t total = 0;
  for (;;) {
    const std::uint8_t* at = p_;
    std::int64_t count = 0;
    if (!read_long(count)) return false;
    if (count == 0) break;
    if (count < 0) {
      // A size-prefixed block: jump over it without reading the items.
      std::int64_t byte_size = 0;
      if (!read_long(byte_size)) return false;
      if (byte_size < 0 || count == std::numeric_limits<std::int64_t>::min()) {
        return fail_at(at, ErrorCode::kInvalidData, "invalid block header");
      }
      if (static_cast<std::uint64_t>(byte_size) > static_cast<std::uint64_t>(end_ - p_)) {
        return fail_at(at, ErrorCode::kTruncated, "block of {} bytes exceeds the {} bytes left",
                       byte_size, end_ - p_);
      }
      p_ += byte_size;
      continue;
    }
    p_ = at;
    if (!block_count(count, total, step.b)) return false;
    for (std::int64_t i = 0; i < count; ++i) {
      if (is_map) {
        std::string_view key;
        if (!read_text(key)) return false;
      }
      if (!skip(step.a)) return false;
    }
    total += static_cast<std::size_t>(count);
  }
  --depth_;
  return true;
}

bool Decoder::skip(std::uint32_t index) {
  const Step& step = impl_.steps[index];
  switch (step.op) {
    case Op::kSkipNothing: return true;
    case Op::kSkipByte:
      if (p_ >= end_) return fail_at(p_, ErrorCode::kTruncated, "input ends before a boolean");
      ++p_;
      return true;
    case Op::kSkipVarint: {
      std::int64_t v = 0;
      return read_long(v);
    }
    case Op::kSkip4:
      if (!need(4, "float")) return false;
      p_ += 4;
      return true;
    case Op::kSkip8:
      if (!need(8, "double")) return false;
      p_ += 8;
      return true;
    case Op::kSkipText: {
      std::string_view v;
      return read_text(v);
    }
    case Op::kSkipFixed:
      if (!need(step.a, "fixed")) return false;
      p_ += step.a;
      return true;
    case Op::kSkipRecord: {
      if (!enter(p_)) return false;
      for (std::uint32_t i = 0; i < step.b; ++i) {
        if (!skip(impl_.skip_lists[step.a + i])) {
          error_->in(step.writer->fields[i].name);
          return false;
        }
      }
      --depth_;
      return true;
    }
    case Op::kSkipArray: return skip_collection(step, false);
    case Op::kSkipMap: return skip_collection(step, true);
    case Op::kSkipUnion: {
      const std::uint8_t* at = p_;
      if (!enter(at)) return false;
      std::int64_t branch = 0;
      if (!read_long(branch)) return false;
      if (branch < 0 || static_cast<std::uint64_t>(branch) >= step.b) {
        return fail_at(at, ErrorCode::kInvalidData, "union branch {} out of range ({} branches)",
                       branch, step.b);
      }
      if (!skip(impl_.skip_lists[step.a + static_cast<std::uint32_t>(branch)])) return false;
      --depth_;
      return true;
    }
    default:
      return fail_at(p_, ErrorCode::kInternal, "invalid skip step");
  }
}

std::string join_messages(const std::vector<Incompatibility>& list) {
  std::string out;
  for (const Incompatibility& inc : list) {
    if (!out.empty()) out += "; ";
    out += inc.to_string();
  }
  return out;
}

}  // namespace

ResolutionPlan::~ResolutionPlan() = default;

Result<std::shared_ptr<const ResolutionPlan>> ResolutionPlan::compile(SchemaPtr writer,
                                                                      SchemaPtr reader) {
  if (!writer || !reader) {
    return fail(ErrorCode::kInvalidArgument, "resolution needs both a writer and a reader schema");
  }
  std::shared_ptr<ResolutionPlan> plan(new ResolutionPlan());
  plan->impl_ = std::make_unique<Impl>();
  Compiler compiler(*plan->impl_, Defaults::kDecode);
  plan->impl_->root = compiler.resolve(writer->root(), reader->root(), "");
  if (!compiler.hard_ones().empty()) {
    return fail(ErrorCode::kIncompatible, "{}", join_messages(compiler.hard_ones()));
  }
  plan->writer_ = std::move(writer);
  plan->reader_ = std::move(reader);
  return std::shared_ptr<const ResolutionPlan>(std::move(plan));
}

Result<Value> ResolutionPlan::decode(BinaryReader& in, Arena& arena,
                                     const DecodeLimits& limits) const {
  Decoder decoder(*impl_, in, arena, limits);
  Value out;
  if (!decoder.decode(impl_->root, out)) return fail(decoder.take_error());
  in.set_pos(decoder.pos());
  return out;
}

std::vector<Incompatibility> check_compatibility(const Node& reader, const Node& writer) {
  ResolutionPlan::Impl scratch;
  Compiler compiler(scratch, Defaults::kIgnore);
  compiler.resolve(writer, reader, "");
  return compiler.all();
}

}  // namespace sluice::avro
