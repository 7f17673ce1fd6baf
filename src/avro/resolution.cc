// Schema resolution: compiles (writer, reader) into a flat program of steps, then
// interprets it per datum.
//
// Two stages:
//  * Resolve (Compiler): walks both schemas once and decides everything: which writer
//    field goes to which reader slot, which writer fields are skipped (with a skip
//    program of their own, no Value built), which promotions apply, enum remapping
//    tables, union branch tables, and the reader-only defaults (decoded once into the
//    plan's arena). Its steps are memoized per (writer node, reader node), so
//    recursive schemas give a finite graph; it also finds every incompatibility, with
//    its path, for compile() and check_compatibility().
//  * Lower (Lowering): turns that graph into the kind of program the plain decoder
//    runs (internal/resolution_program.h, after internal/program.h), so that decoding
//    through a plan costs what a plain decode costs: a record's field steps are one
//    block read in writer order, each naming the reader slot it fills (reader defaults
//    are steps of the block that copy the shared default value); a writer union of
//    null and one other branch is one "optional" step; a value that lands in a reader
//    union carries its branch in its step; promotions, enum remapping and skips are
//    codes of their own. Its interpreter (internal/resolution_decoder.cc) works like
//    the plain one: the input position in a register, values written member by
//    member, errors built in cold functions, the path added while unwinding.
//
// Errors found at compile time are "hard" (compile fails) or "soft": an enum symbol the
// reader cannot map, or a writer union branch no reader branch accepts. Soft ones fail
// decode() only when the data actually uses them; check_compatibility() reports both.
#include "avro/resolution.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "avro/internal/resolution_program.h"
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

// The plan as compile() first builds it: a graph of steps memoized per (writer node,
// reader node), with side tables. Lowering turns it into the program decode() runs.
struct Graph {
  std::vector<Step> steps;
  std::vector<RecordPlan> records;
  std::vector<FieldOp> field_ops;
  std::vector<Value> templates;
  std::vector<std::int32_t> enum_maps;
  std::vector<BranchEntry> branches;
  std::vector<std::uint32_t> skip_lists;
  std::vector<std::string> messages;
  Arena* arena = nullptr;  // reader defaults, decoded once (the plan's arena)
  std::uint32_t root = 0;
};

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

// The reader union branch for writer (non-union) `w`: a named type of the writer's
// fullname first (a union may hold a.Rec and b.Rec, which match by unqualified name
// alike; Java's resolver also tries the fullname first), then one whose aliases name the
// writer's fullname (Java renames the writer's types by the reader's aliases before it
// matches fullnames), then exact matches, then promotions. -1 when none.
int choose_branch(const Node& w, const Node& reader_union) {
  if (is_named(w.type)) {
    for (std::size_t i = 0; i < reader_union.branches.size(); ++i) {
      const Node& b = *reader_union.branches[i];
      if (b.type == w.type && b.fullname == w.fullname && matches(w, b, Promotion::kNo))
        return static_cast<int>(i);
    }
    for (std::size_t i = 0; i < reader_union.branches.size(); ++i) {
      const Node& b = *reader_union.branches[i];
      if (b.type == w.type &&
          std::find(b.aliases.begin(), b.aliases.end(), w.fullname) != b.aliases.end() &&
          matches(w, b, Promotion::kNo))
        return static_cast<int>(i);
    }
  }
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

// A fixed's size as a step holds it (32 bits). A larger size, which the schema allows
// but no input this decoder reads can hold, becomes the largest 32-bit size: reading it
// fails as truncated, where the size cut to 32 bits would read the wrong bytes.
std::uint32_t fixed_step_size(const Node& fixed) {
  return static_cast<std::uint32_t>(std::min<std::size_t>(fixed.fixed_size, UINT32_MAX));
}

std::string join_messages(std::span<const Incompatibility> list) {
  std::string out;
  for (const Incompatibility& inc : list) {
    if (!out.empty()) out += "; ";
    out += inc.to_string();
  }
  return out;
}

class Compiler {
 public:
  Compiler(Graph& graph, Defaults defaults) : graph_(graph), defaults_(defaults) {}

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
      remember(key, self);
      std::uint32_t inner =
          resolve(w, *r.branches[static_cast<std::size_t>(branch)], path);
      graph_.steps[self].a = inner;
      graph_.steps[self].b = static_cast<std::uint32_t>(branch);
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
        graph_.steps[s].a = fixed_step_size(w);
        return s;
      }
      case Type::kArray:
      case Type::kMap: {
        bool is_array = w.type == Type::kArray;
        std::uint32_t s = memo_skip(w, is_array ? Op::kSkipArray : Op::kSkipMap);
        const Node& item = is_array ? *w.items : *w.values;
        std::uint32_t inner = skip(item);
        graph_.steps[s].a = inner;
        graph_.steps[s].b = is_array ? min_size(item) : add_sizes(1, min_size(item));
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
        graph_.steps[s].a = static_cast<std::uint32_t>(graph_.skip_lists.size());
        graph_.steps[s].b = static_cast<std::uint32_t>(children.size());
        graph_.skip_lists.insert(graph_.skip_lists.end(), children.begin(), children.end());
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
    graph_.steps.push_back(s);
    return static_cast<std::uint32_t>(graph_.steps.size() - 1);
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
    remember({&w, &r}, s);
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
    remember({&w, &r}, self);
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
        e.step = resolve_branch(wb, *r.branches[static_cast<std::size_t>(branch)], i, path, e);
        e.reader_branch = branch;
      } else if (matches(wb, r, Promotion::kYes)) {
        e.step = resolve_branch(wb, r, i, path, e);
      } else {
        e.error = runtime_error(path, fmt::format("writer union branch {} ({}) vs reader {}", i,
                                                  describe(wb), describe(r)));
      }
    }
    graph_.steps[self].a = static_cast<std::uint32_t>(graph_.branches.size());
    graph_.steps[self].b = static_cast<std::uint32_t>(entries.size());
    graph_.branches.insert(graph_.branches.end(), entries.begin(), entries.end());
    return self;
  }

  // Writer union branch `i` read as reader node `r`. When that fails (a record branch
  // whose reader lacks a default, say), only data in this branch fails, at run time, as
  // with a branch that matches nothing (Java and Python resolve a union branch when it
  // is read): the hard incompatibilities become `e`'s error, and the steps memoized
  // meanwhile are forgotten, so that the same pair resolved outside a union fails again.
  std::uint32_t resolve_branch(const Node& wb, const Node& r, std::size_t i,
                               const std::string& path, BranchEntry& e) {
    const std::size_t hard_before = hard_.size();
    const std::size_t memo_before = memo_log_.size();
    std::uint32_t step = resolve(wb, r, path);
    if (hard_.size() == hard_before) return step;
    std::string why = join_messages(std::span(hard_).subspan(hard_before));
    hard_.resize(hard_before);  // all_ keeps them: check_compatibility still reports them
    for (std::size_t k = memo_before; k < memo_log_.size(); ++k) memo_.erase(memo_log_[k]);
    memo_log_.resize(memo_before);
    graph_.messages.push_back(
        fmt::format("writer union branch {} ({}) vs reader {}: {}", i, describe(wb), describe(r), why));
    e.error = static_cast<std::int32_t>(graph_.messages.size() - 1);
    return step;
  }

  void remember(std::pair<const Node*, const Node*> key, std::uint32_t step) {
    memo_[key] = step;
    memo_log_.push_back(key);
  }

  std::int32_t runtime_error(const std::string& path, std::string message) {
    soft(path, message);
    graph_.messages.push_back(std::move(message));
    return static_cast<std::int32_t>(graph_.messages.size() - 1);
  }

  std::uint32_t simple(const Node& w, const Node& r, Op op) {
    std::uint32_t s = new_step(op, &w, &r);
    remember({&w, &r}, s);
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
        graph_.steps[s].a = fixed_step_size(w);
        return s;
      }
      case Type::kEnum: return resolve_enum(w, r, path);
      case Type::kArray:
      case Type::kMap: {
        bool is_array = w.type == Type::kArray;
        std::uint32_t s = simple(w, r, is_array ? Op::kArray : Op::kMap);
        std::uint32_t inner = is_array ? resolve(*w.items, *r.items, path + "[]")
                                       : resolve(*w.values, *r.values, path + "{}");
        graph_.steps[s].a = inner;
        graph_.steps[s].b = is_array ? min_size(*w.items) : add_sizes(1, min_size(*w.values));
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
    graph_.steps[s].a = static_cast<std::uint32_t>(graph_.enum_maps.size());
    graph_.steps[s].b = static_cast<std::uint32_t>(w.symbols.size());
    for (const std::string& symbol : w.symbols) {
      int index = r.symbol_index(symbol);
      if (index < 0) {
        index = fallback;
        if (index < 0) {
          soft(path, fmt::format("writer enum symbol '{}' not in reader and reader has no default",
                                 symbol));
        }
      }
      graph_.enum_maps.push_back(index);
    }
    return s;
  }

  std::uint32_t resolve_record(const Node& w, const Node& r, const std::string& path) {
    std::uint32_t s = simple(w, r, Op::kRecord);
    std::uint32_t record_index = static_cast<std::uint32_t>(graph_.records.size());
    graph_.records.emplace_back();
    graph_.steps[s].a = record_index;

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
      auto value = decode_default(*rf.type, *rf.default_json, *graph_.arena);
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

    RecordPlan& plan = graph_.records[record_index];
    plan.reader = &r;
    plan.template_begin = static_cast<std::uint32_t>(graph_.templates.size());
    graph_.templates.insert(graph_.templates.end(), templ.begin(), templ.end());
    plan.ops_begin = static_cast<std::uint32_t>(graph_.field_ops.size());
    plan.ops_count = static_cast<std::uint32_t>(ops.size());
    graph_.field_ops.insert(graph_.field_ops.end(), ops.begin(), ops.end());
    return s;
  }

  Graph& graph_;
  Defaults defaults_;
  std::map<std::pair<const Node*, const Node*>, std::uint32_t> memo_;
  std::vector<std::pair<const Node*, const Node*>> memo_log_;  // memo_ keys, in order set
  std::map<const Node*, std::uint32_t> skip_memo_;
  std::map<const Node*, std::uint32_t> min_memo_;
  std::vector<Incompatibility> all_;
  std::vector<Incompatibility> hard_;
};

// --- Lower: the graph as a flat program (internal/resolution_program.h) ---------------

namespace rp = internal::resolution;

class Lowering {
 public:
  Lowering(const Graph& graph, rp::Program& program) : g_(graph), p_(program) {}

  void run() {
    p_.enum_maps = g_.enum_maps;
    p_.messages = g_.messages;
    p_.steps.emplace_back();
    p_.names.emplace_back();
    rp::Step root = make(g_.root, rp::kNoBranch);
    p_.steps[0] = root;
  }

 private:
  // The step reading graph step `index` (a decode step), its value in reader union
  // branch `branch`.
  rp::Step make(std::uint32_t index, std::uint16_t branch) {
    const Step& st = g_.steps[index];
    rp::Step s;
    s.node = st.reader;
    s.writer = st.writer;
    s.branch = branch;
    switch (st.op) {
      case Op::kNull: s.code = rp::kNull; break;
      case Op::kBoolean: s.code = rp::kBoolean; break;
      case Op::kInt: s.code = rp::kInt; break;
      case Op::kLong: s.code = rp::kLong; break;
      case Op::kFloat: s.code = rp::kFloat; break;
      case Op::kDouble: s.code = rp::kDouble; break;
      case Op::kText:
        s.code = st.reader->type == Type::kString ? rp::kString : rp::kBytes;
        break;
      case Op::kIntToLong: s.code = rp::kIntToLong; break;
      case Op::kIntToFloat: s.code = rp::kIntToFloat; break;
      case Op::kIntToDouble: s.code = rp::kIntToDouble; break;
      case Op::kLongToFloat: s.code = rp::kLongToFloat; break;
      case Op::kLongToDouble: s.code = rp::kLongToDouble; break;
      case Op::kFloatToDouble: s.code = rp::kFloatToDouble; break;
      case Op::kFixed:
        s.code = rp::kFixed;
        s.a = st.a;
        break;
      case Op::kEnum:
        s.code = rp::kEnum;
        s.a = st.a;
        s.b = st.b;
        break;
      case Op::kRecord: {
        const RecordPlan& plan = g_.records[st.a];
        s.code = rp::kRecord;
        s.c = static_cast<std::uint32_t>(plan.reader->fields.size());
        s.a = record_block(st.a, s.b);
        break;
      }
      case Op::kArray:
      case Op::kMap:
        s.code = st.op == Op::kArray ? rp::kArray : rp::kMap;
        s.b = st.b;
        s.a = single(st.a);
        break;
      case Op::kToBranch:
        // A writer non-union read as one branch of a reader union.
        return make(st.a, static_cast<std::uint16_t>(st.b));
      case Op::kWriterUnion: return writer_union(st);
      default:
        // kInvalid: a hard incompatibility, so compile() failed and nothing runs this.
        s.code = rp::kError;
        s.a = kNoMessage;
        break;
    }
    return s;
  }

  // A writer union: one optional step when it is null and one other branch, both of
  // which the reader takes; else a block of branch steps.
  rp::Step writer_union(const Step& st) {
    const BranchEntry* entries = g_.branches.data() + st.a;
    const Node& w = *st.writer;
    if (st.b == 2 && entries[0].error < 0 && entries[1].error < 0) {
      int null_index = w.branches[0]->type == Type::kNull   ? 0
                       : w.branches[1]->type == Type::kNull ? 1
                                                            : -1;
      if (null_index >= 0 && w.branches[1 - null_index]->type != Type::kNull) {
        const BranchEntry& null_entry = entries[null_index];
        const BranchEntry& value_entry = entries[1 - null_index];
        const Step& null_step = g_.steps[null_entry.step];
        rp::Step s = make(value_entry.step, branch_of(value_entry));
        if (null_step.op == Op::kNull && s.code <= rp::kLastValue) {
          s.code |= rp::kOptional;
          s.null_byte = static_cast<std::uint8_t>(2 * null_index);  // zig-zag of 0 or 1
          s.value_byte = static_cast<std::uint8_t>(2 * (1 - null_index));
          s.null_branch = branch_of(null_entry);
          s.null_node = null_step.reader;
          return s;
        }
      }
    }
    rp::Step s;
    s.code = rp::kUnion;
    s.node = st.reader;
    s.writer = st.writer;
    s.b = st.b;
    s.a = reserve(st.b);
    for (std::uint32_t i = 0; i < st.b; ++i) {
      const BranchEntry& e = entries[i];
      rp::Step branch;
      if (e.error >= 0) {
        branch.code = rp::kError;
        branch.a = static_cast<std::uint32_t>(e.error);
        branch.writer = w.branches[i];
      } else {
        branch = make(e.step, branch_of(e));
      }
      p_.steps[s.a + i] = branch;
    }
    return s;
  }

  static std::uint32_t slot_offset(std::size_t slot) {
    return static_cast<std::uint32_t>(slot * sizeof(Value));
  }

  static std::uint16_t branch_of(const BranchEntry& e) {
    return e.reader_branch < 0 ? rp::kNoBranch : static_cast<std::uint16_t>(e.reader_branch);
  }

  // The block of a record's field steps (writer fields in writer order, then the
  // reader defaults), lowered once per graph record. `count` gets the block's size.
  std::uint32_t record_block(std::uint32_t record, std::uint32_t& count) {
    const RecordPlan& plan = g_.records[record];
    const std::size_t n = plan.reader->fields.size();
    std::vector<bool> read(n, false);
    for (std::uint32_t i = 0; i < plan.ops_count; ++i) {
      const FieldOp& op = g_.field_ops[plan.ops_begin + i];
      if (op.slot >= 0) read[static_cast<std::size_t>(op.slot)] = true;
    }
    std::uint32_t defaults = 0;
    for (bool r : read) defaults += r ? 0 : 1;
    count = plan.ops_count + defaults;
    if (auto it = records_.find(record); it != records_.end()) return it->second;

    std::uint32_t first = reserve(count);
    records_.emplace(record, first);
    for (std::uint32_t i = 0; i < plan.ops_count; ++i) {
      const FieldOp& op = g_.field_ops[plan.ops_begin + i];
      rp::Step s;
      if (op.slot >= 0) {
        s = make(op.step, rp::kNoBranch);
        s.slot = slot_offset(static_cast<std::size_t>(op.slot));
      } else {
        s = make_skip(op.step);
      }
      p_.steps[first + i] = s;
      p_.names[first + i] = op.name;
    }
    std::uint32_t at = first + plan.ops_count;
    for (std::size_t slot = 0; slot < n; ++slot) {
      if (read[slot]) continue;
      rp::Step s;
      s.code = rp::kDefault;
      s.slot = slot_offset(slot);
      s.node = plan.reader->fields[slot].type;
      s.a = static_cast<std::uint32_t>(p_.defaults.size());
      p_.defaults.push_back(g_.templates[plan.template_begin + slot]);
      p_.steps[at] = s;
      p_.names[at] = &plan.reader->fields[slot].name;
      ++at;
    }
    return first;
  }

  // The step skipping graph skip step `index`.
  rp::Step make_skip(std::uint32_t index) {
    const Step& st = g_.steps[index];
    rp::Step s;
    s.node = st.writer;
    s.writer = st.writer;
    switch (st.op) {
      case Op::kSkipNothing: s.code = rp::kSkipNothing; break;
      case Op::kSkipByte: s.code = rp::kSkipBoolean; break;
      case Op::kSkipVarint: s.code = rp::kSkipVarint; break;
      case Op::kSkip4:
        s.code = rp::kSkipFixed;
        s.a = 4;
        break;
      case Op::kSkip8:
        s.code = rp::kSkipFixed;
        s.a = 8;
        break;
      case Op::kSkipFixed:
        s.code = rp::kSkipFixed;
        s.a = st.a;
        break;
      case Op::kSkipText: s.code = rp::kSkipText; break;
      case Op::kSkipArray:
      case Op::kSkipMap:
        s.code = st.op == Op::kSkipArray ? rp::kSkipArray : rp::kSkipMap;
        s.b = st.b;
        s.a = single_skip(st.a);
        break;
      case Op::kSkipRecord: {
        s.code = rp::kSkipRecord;
        s.b = st.b;
        if (auto it = skip_records_.find(index); it != skip_records_.end()) {
          s.a = it->second;
          break;
        }
        s.a = reserve(st.b);
        skip_records_.emplace(index, s.a);
        for (std::uint32_t i = 0; i < st.b; ++i) {
          rp::Step field = make_skip(g_.skip_lists[st.a + i]);
          p_.steps[s.a + i] = field;
          p_.names[s.a + i] = &st.writer->fields[i].name;
        }
        break;
      }
      case Op::kSkipUnion: {
        s.code = rp::kSkipUnion;
        s.b = st.b;
        s.a = reserve(st.b);
        for (std::uint32_t i = 0; i < st.b; ++i) {
          rp::Step branch = make_skip(g_.skip_lists[st.a + i]);
          p_.steps[s.a + i] = branch;
        }
        break;
      }
      default:
        s.code = rp::kError;
        s.a = kNoMessage;
        break;
    }
    return s;
  }

  // One step in a slot of its own (array items, map values).
  std::uint32_t single(std::uint32_t index) {
    std::uint32_t at = reserve(1);
    rp::Step s = make(index, rp::kNoBranch);
    p_.steps[at] = s;
    return at;
  }

  std::uint32_t single_skip(std::uint32_t index) {
    std::uint32_t at = reserve(1);
    rp::Step s = make_skip(index);
    p_.steps[at] = s;
    return at;
  }

  std::uint32_t reserve(std::uint32_t n) {
    auto first = static_cast<std::uint32_t>(p_.steps.size());
    p_.steps.resize(p_.steps.size() + n);
    p_.names.resize(p_.steps.size(), nullptr);
    return first;
  }

  // The message of kError steps that stand for a hard incompatibility (never run).
  static constexpr std::uint32_t kNoMessage = 0xFFFFFFFFu;

  const Graph& g_;
  rp::Program& p_;
  std::map<std::uint32_t, std::uint32_t> records_;       // graph record -> field block
  std::map<std::uint32_t, std::uint32_t> skip_records_;  // graph skip step -> field block
};

}  // namespace

struct ResolutionPlan::Impl {
  rp::Program program;
  Arena arena{4096};  // reader defaults, decoded once
};

ResolutionPlan::~ResolutionPlan() = default;

Result<std::shared_ptr<const ResolutionPlan>> ResolutionPlan::compile(SchemaPtr writer,
                                                                      SchemaPtr reader) {
  if (!writer || !reader) {
    return fail(ErrorCode::kInvalidArgument, "resolution needs both a writer and a reader schema");
  }
  std::shared_ptr<ResolutionPlan> plan(new ResolutionPlan());
  plan->impl_ = std::make_unique<Impl>();
  Graph graph;
  graph.arena = &plan->impl_->arena;
  Compiler compiler(graph, Defaults::kDecode);
  graph.root = compiler.resolve(writer->root(), reader->root(), "");
  if (!compiler.hard_ones().empty()) {
    return fail(ErrorCode::kIncompatible, "{}", join_messages(compiler.hard_ones()));
  }
  Lowering(graph, plan->impl_->program).run();
  plan->writer_ = std::move(writer);
  plan->reader_ = std::move(reader);
  return std::shared_ptr<const ResolutionPlan>(std::move(plan));
}

Result<Value> ResolutionPlan::decode(BinaryReader& in, Arena& arena,
                                     const DecodeLimits& limits) const {
  return rp::decode(impl_->program, in, arena, limits);
}

std::vector<Incompatibility> check_compatibility(const Node& reader, const Node& writer) {
  Graph scratch;
  Compiler compiler(scratch, Defaults::kIgnore);
  compiler.resolve(writer, reader, "");
  return compiler.all();
}

}  // namespace sluice::avro
