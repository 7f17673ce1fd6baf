// Cold paths of the generated-code support (codegen_support.h): errors, the slow
// varint read, encoder growth, logical types, schema resolution and JSON.
#include "avro/codegen_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>

#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/fingerprint.h"
#include "avro/json_codec.h"
#include "avro/resolution.h"
#include "avro/value.h"
#include "base/sanitizer.h"

namespace sluice::avro::gen {

void throw_error(const char* path, std::string_view reason) {
  throw CodegenError(fmt::format("{}: {}", path, reason));
}

void rethrow_within(const char* path, const CodegenError& inner) {
  throw CodegenError(fmt::format("{} -> {}", path, inner.what()));
}

void throw_error_at(const char* path, std::string_view reason, std::uint64_t offset) {
  throw CodegenError(fmt::format("{}: {} (at byte {})", path, reason, offset));
}

void Decoder::fail_truncated_at(const char* path, std::uint64_t offset) {
  throw_error_at(path, "truncated data: the input ends inside the value", offset);
}

void Decoder::fail_length_at(const char* path, std::int64_t n, std::uint64_t offset,
                             std::size_t remaining) {
  if (n < 0)
    throw_error_at(path, fmt::format("negative length {}", n), offset);
  throw_error_at(path,
                 fmt::format("truncated data: length {} exceeds the {} bytes left", n, remaining),
                 offset);
}

void Decoder::fail_index_at(const char* path, const char* what, std::int64_t i, std::size_t n,
                            std::uint64_t offset) {
  throw_error_at(path, fmt::format("{} {} out of range (0..{})", what, i, n - 1), offset);
}

void Decoder::fail_count_at(const char* path, std::uint64_t count, std::uint64_t offset,
                            std::size_t remaining) {
  throw_error_at(path,
                 fmt::format("block count {} exceeds what the input ({} bytes left) can hold",
                             count, remaining),
                 offset);
}

Decoder::Varint Decoder::read_varint_slow(const std::uint8_t* begin, const std::uint8_t* p,
                                          const std::uint8_t* end, const char* path) {
  auto at = [begin](const std::uint8_t* q) { return static_cast<std::uint64_t>(q - begin); };
  if (end - p >= 10) {
    // No bounds check per byte: ten bytes are there, and a longer varint is an error.
    std::uint64_t result = 0;
    for (int i = 0; i < 10; ++i) {
      std::uint64_t b = p[i];
      result |= (b & 0x7F) << (7 * i);
      if (b < 0x80) {
        return {static_cast<std::int64_t>(result >> 1) ^ -static_cast<std::int64_t>(result & 1),
                p + i + 1};
      }
    }
    // The offset the byte-by-byte loop below reports.
    throw_error_at(path, "varint longer than 10 bytes", at(p + 10));
  }
  std::uint64_t result = 0;
  int shift = 0;
  while (p < end) {
    std::uint8_t b = *p++;
    result |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0)
      return {static_cast<std::int64_t>(result >> 1) ^ -static_cast<std::int64_t>(result & 1), p};
    shift += 7;
    if (shift >= 70)
      throw_error_at(path, "varint longer than 10 bytes", at(p));
  }
  fail_truncated_at(path, at(p));
}

void Encoder::grow(std::size_t n) {
  if (buf_ != nullptr) {
    // No fill: the capacity doubles (at least), keeping what was written.
    auto used = static_cast<std::size_t>(p_ - buf_->data());
    buf_->set_size(used);
    buf_->reserve(used + n);
    p_ = buf_->data() + used;
    end_ = buf_->data() + buf_->capacity();
    return;
  }
  std::vector<std::uint8_t>& out = *vec_;
  // resize() zero-fills what it adds, so the step is bounded: twice what this encoder
  // wrote while that is small (few regrowths for one record), then 64 KiB at a time (a
  // long run of records zero-fills about what it writes, plus at most one step).
  // Within the capacity nothing is reallocated; past it the capacity doubles, so a
  // buffer shared by many encoders is not copied once per encoder.
  constexpr std::size_t kMaxStep = 64 * 1024;
  auto used = static_cast<std::size_t>(p_ - out.data());
  std::size_t step = std::min(std::max<std::size_t>(2 * (used - base_), 128), kMaxStep);
  std::size_t want = used + std::max(n, step);
  if (want > out.capacity())
    out.reserve(std::max(want, 2 * out.capacity()));
  out.resize(want);
  p_ = out.data() + used;
  end_ = out.data() + out.size();
}

namespace {

[[noreturn]] void throw_status(const char* path, const Error& error) {
  throw_error(path, error.to_string());
}

// Checks a decimal against the schema's precision and rescales it to the schema's scale.
Decimal fit_decimal(const Decimal& value, int precision, int scale, const char* path) {
  Result<Decimal> scaled = value.rescale(scale);
  if (!scaled)
    throw_status(path, scaled.error());
  if (precision > 0 && scaled->digits() > precision)
    throw_error(path, fmt::format("decimal {} has more than {} digits", value.to_string(),
                                  precision));
  return *std::move(scaled);
}

}  // namespace

namespace {
// A decoded decimal that must fit the schema's precision; `offset` is where its bytes began.
Decimal within_precision(Decimal value, int precision, std::uint64_t offset, const char* path) {
  if (precision > 0 && value.digits() > precision) {
    throw_error_at(path,
                   fmt::format("decimal {} has more digits than the schema's precision {}",
                               value.to_string(), precision),
                   offset);
  }
  return value;
}
}  // namespace

Decimal read_decimal(Decoder& in, int precision, int scale, const char* path) {
  const std::uint64_t at = in.offset();
  std::string_view v = in.read_view(path);
  return within_precision(
      Decimal(std::span(reinterpret_cast<const std::uint8_t*>(v.data()), v.size()), scale),
      precision, at, path);
}

void write_decimal(Encoder& out, const Decimal& value, int precision, int scale,
                   const char* path) {
  Decimal fitted = fit_decimal(value, precision, scale, path);
  std::span<const std::uint8_t> b = fitted.unscaled();
  out.write_long(static_cast<std::int64_t>(b.size()));
  out.write_raw(b.data(), b.size());
}

Decimal read_decimal_fixed(Decoder& in, std::size_t size, int precision, int scale,
                           const char* path) {
  const std::uint64_t at = in.offset();
  std::vector<std::uint8_t> b(size);
  in.read_raw(b.data(), size, path);
  return within_precision(Decimal(b, scale), precision, at, path);
}

void write_decimal_fixed(Encoder& out, const Decimal& value, std::size_t size, int precision,
                         int scale, const char* path) {
  Decimal fitted = fit_decimal(value, precision, scale, path);
  Result<std::vector<std::uint8_t>> b = fitted.to_fixed_bytes(size);
  if (!b)
    throw_status(path, b.error());
  out.write_raw(b->data(), b->size());
}

Decimal read_big_decimal(Decoder& in, const char* path) {
  std::string_view v = in.read_view(path);
  Result<Decimal> d =
      decode_big_decimal(std::span(reinterpret_cast<const std::uint8_t*>(v.data()), v.size()));
  if (!d)
    throw_status(path, d.error());
  return *std::move(d);
}

void write_big_decimal(Encoder& out, const Decimal& value) {
  std::vector<std::uint8_t> b = encode_big_decimal(value);
  out.write_bytes(b);
}

Uuid read_uuid_string(Decoder& in, const char* path) {
  std::string_view v = in.read_view(path);
  Result<Uuid> u = Uuid::parse(v);
  if (!u)
    throw_status(path, u.error());
  return *u;
}

void write_uuid_string(Encoder& out, const Uuid& value) { out.write_string(value.to_string()); }

Duration read_duration(Decoder& in, const char* path) {
  std::uint8_t b[12];
  in.read_raw(b, 12, path);
  auto le32 = [&](int at) {
    return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
           static_cast<std::uint32_t>(b[at + 2]) << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
  };
  return Duration{le32(0), le32(4), le32(8)};
}

void write_duration(Encoder& out, const Duration& value) {
  std::uint8_t b[12];
  std::uint32_t parts[3] = {value.months, value.days, value.millis};
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 4; ++k)
      b[i * 4 + k] = static_cast<std::uint8_t>(parts[i] >> (8 * k));
  out.write_raw(b, 12);
}

std::int32_t date_days(std::chrono::sys_days date, const char* path) {
  auto days = date.time_since_epoch().count();
  if (days < INT32_MIN || days > INT32_MAX)
    throw_error(path, "date out of the int range of days");
  return static_cast<std::int32_t>(days);
}

Uuid parse_uuid(std::string_view text) {
  Result<Uuid> u = Uuid::parse(text);
  if (!u)
    throw_status("default", u.error());
  return *u;
}

Decimal make_decimal(std::vector<std::uint8_t> unscaled, int scale) {
  return Decimal(unscaled, scale);
}

Decimal make_big_decimal(std::vector<std::uint8_t> encoded) {
  Result<Decimal> d = decode_big_decimal(encoded);
  if (!d)
    throw_status("default", d.error());
  return *std::move(d);
}

SchemaPtr parse_schema(std::string_view json) {
  Result<SchemaPtr> schema = Schema::parse(json);
  if (!schema)
    throw_status("schema", schema.error());
  return *std::move(schema);
}

namespace {

// Plans per (reader schema, writer schema text). A null plan marks a writer with the
// reader's canonical form.
struct KeyLess {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    if (a.first != b.first)
      return std::less<const Schema*>()(a.first, b.first);
    return std::string_view(a.second) < std::string_view(b.second);
  }
};

struct PlanCache {
  std::shared_mutex mutex;
  std::map<std::pair<const Schema*, std::string>, std::shared_ptr<const ResolutionPlan>, KeyLess>
      plans;
};

PlanCache& plan_cache() {
  static PlanCache cache;
  return cache;
}

std::shared_ptr<const ResolutionPlan> plan_for(const SchemaPtr& reader,
                                               std::string_view writer_json, bool& identical) {
  PlanCache& cache = plan_cache();
  auto key = std::pair<const Schema*, std::string_view>(reader.get(), writer_json);
  {
    std::shared_lock lock(cache.mutex);
    auto it = cache.plans.find(key);
    if (it != cache.plans.end()) {
      identical = it->second == nullptr;
      return it->second;
    }
  }
  Result<SchemaPtr> writer = Schema::parse(writer_json);
  if (!writer)
    throw_status("writer schema", writer.error());
  std::shared_ptr<const ResolutionPlan> plan;
  if (canonical_form((*writer)->root()) != canonical_form(reader->root())) {
    Result<std::shared_ptr<const ResolutionPlan>> compiled =
        ResolutionPlan::compile(*writer, reader);
    if (!compiled)
      throw_status(reader->root().fullname.c_str(), compiled.error());
    plan = *std::move(compiled);
  }
  std::unique_lock lock(cache.mutex);
  auto [it, inserted] =
      cache.plans.emplace(std::pair(reader.get(), std::string(writer_json)), plan);
  identical = it->second == nullptr;
  return it->second;
}

}  // namespace

namespace {

// The longest chain of arrays, maps and unions in `node` above a record or a leaf; the
// records met at the chains' ends are queued in `records` (each once, by `seen`).
std::size_t wrapper_chain(const Node& node, std::vector<const Node*>& records,
                          std::set<const Node*>& seen) {
  switch (node.type) {
    case Type::kRecord:
      if (seen.insert(&node).second)
        records.push_back(&node);
      return 0;
    case Type::kArray:
      return 1 + wrapper_chain(*node.items, records, seen);
    case Type::kMap:
      return 1 + wrapper_chain(*node.values, records, seen);
    case Type::kUnion: {
      std::size_t longest = 0;
      for (const Node* b : node.branches)
        longest = std::max(longest, wrapper_chain(*b, records, seen));
      return 1 + longest;
    }
    default:
      return 0;
  }
}

std::size_t compute_generic_depth(const Node& root) {
  std::vector<const Node*> records;
  std::set<const Node*> seen;
  std::size_t chain = wrapper_chain(root, records, seen);
  while (!records.empty()) {
    const Node* record = records.back();
    records.pop_back();
    for (const Field& f : record->fields)
      chain = std::max(chain, wrapper_chain(*f.type, records, seen));
  }
  return (static_cast<std::size_t>(kMaxDepth) + 1) * (1 + chain) + chain + 1;
}

// Under AddressSanitizer each frame of the generic decoder is several times larger, and
// ~1,000 nested levels overflowed an 8 MiB stack: there the generic passes keep the
// default depth (a clean error past it) instead of the deeper one below.
constexpr bool kDeepGenericPasses = SLUICE_ADDRESS_SANITIZER == 0;

// The limits for a generic pass (resolution, JSON) over data that a generated class of
// `root` decodes. Its decoders count nested records (at most
// kMaxDepth); the generic ones count every record, array, map and union. So the depth
// allowed here is kMaxDepth records, each with the longest chain of arrays, maps and
// unions found between two records of the schema: anything the class decodes, the
// generic pass takes too (a tree of records nested through arrays, 512 deep, is 1,024
// generic levels). Computed once per schema. Schemas given here live as long as the
// program (a class's parsed schema, a writer schema held by the plan cache), so their
// addresses stay theirs.
DecodeLimits generic_limits(const Node& root) {
  if (!kDeepGenericPasses)
    return {};
  static std::mutex mutex;
  static std::map<const Node*, std::size_t> depths;
  std::size_t depth;
  {
    std::lock_guard lock(mutex);
    auto it = depths.find(&root);
    if (it == depths.end())
      it = depths.emplace(&root, compute_generic_depth(root)).first;
    depth = it->second;
  }
  DecodeLimits limits;
  limits.max_depth = std::max(limits.max_depth, depth);
  return limits;
}

}  // namespace

std::optional<std::vector<std::uint8_t>> resolve(const SchemaPtr& reader,
                                                 const std::uint8_t* data, std::size_t size,
                                                 std::string_view writer_schema_json) {
  bool identical = false;
  std::shared_ptr<const ResolutionPlan> plan = plan_for(reader, writer_schema_json, identical);
  if (identical)
    return std::nullopt;
  const char* name = reader->root().fullname.c_str();
  Arena arena;
  BinaryReader in(std::span(data, size));
  DecodeLimits limits = generic_limits(plan->writer().root());
  limits.max_depth = std::max(limits.max_depth, generic_limits(reader->root()).max_depth);
  Result<Value> value = plan->decode(in, arena, limits);
  if (!value)
    throw_status(name, value.error());
  if (!in.at_end())
    throw_error_at(name, trailing_bytes_message(in.remaining()), in.offset());
  std::vector<std::uint8_t> out;
  Status encoded = encode_binary(reader->root(), *value, out);
  if (!encoded)
    throw_status(name, encoded.error());
  return out;
}

namespace {

// The last field name of a path: "label" of "a.Tree.label" and of "children[0].label",
// "items" of "a.Small.items[]".
std::string_view last_field(std::string_view path) {
  std::size_t dot = path.rfind('.');
  std::string_view name = dot == std::string_view::npos ? path : path.substr(dot + 1);
  return name.substr(0, name.find_first_of("[{"));
}

}  // namespace

void rethrow_with_root_path(const SchemaPtr& schema, const std::uint8_t* data, std::size_t size,
                            const CodegenError& error) {
  Arena arena;
  BinaryReader in(std::span(data, size));
  // Default limits: on this error path a failure deeper than they allow is left
  // without a root path rather than recursing further.
  Result<Value> generic = decode_binary(schema->root(), in, arena);
  // The two decoders may place a failure at different bytes of one value (a string's
  // length or its text), but they must agree on the field.
  std::string_view what = error.what();
  std::string_view generated_path = what.substr(0, what.find(": "));
  if (generic || generic.error().path().empty() ||
      last_field(generic.error().path()) != last_field(generated_path))
    throw error;
  throw CodegenError(fmt::format("{}; field path from {}: {}", what, schema->root().fullname,
                                 generic.error().path()));
}

std::vector<std::uint8_t> json_to_binary(const SchemaPtr& schema, std::string_view json) {
  const char* name = schema->root().fullname.c_str();
  Arena arena;
  Result<Value> value = decode_json(schema->root(), json, arena);
  if (!value)
    throw_status(name, value.error());
  std::vector<std::uint8_t> out;
  Status encoded = encode_binary(schema->root(), *value, out);
  if (!encoded)
    throw_status(name, encoded.error());
  return out;
}

std::string binary_to_json(const SchemaPtr& schema, const std::vector<std::uint8_t>& bytes) {
  const char* name = schema->root().fullname.c_str();
  Arena arena;
  BinaryReader in(bytes);
  Result<Value> value = decode_binary(schema->root(), in, arena, generic_limits(schema->root()));
  if (!value)
    throw_status(name, value.error());
  std::string out;
  Status encoded = encode_json(schema->root(), *value, out);
  if (!encoded)
    throw_status(name, encoded.error());
  return out;
}

}  // namespace sluice::avro::gen
