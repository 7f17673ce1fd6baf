#include "bench_data.h"

#include "avro/arena.h"
#include "avro/binary.h"
#include "checksum_util.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string_view>

namespace sluice::bench {
namespace {

using avro::Arena;
using avro::Node;
using avro::Type;
using avro::Value;

// splitmix64: deterministic, fast, good enough for test data.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  std::uint64_t state_;
};

// Text that generated strings are sliced from (so generation does not allocate):
// words of a 600-word vocabulary, picked with a skew towards the first ones, joined by
// separators, so that strings compress about as well as real text (names, URIs).
const std::string& text_pool() {
  static const std::string pool = [] {
    static constexpr std::string_view kLetters = "etaoinshrdlucmfwypvbgkqjxz";
    static constexpr std::string_view kSeparators = "  /_-.:";
    Rng rng(42);
    std::vector<std::string> words(600);
    for (auto& word : words) {
      std::size_t len = 2 + rng.below(9);
      for (std::size_t i = 0; i < len; ++i) {
        word += kLetters[rng.below(rng.below(kLetters.size()) + 1)];
      }
    }
    std::string s;
    while (s.size() < (1 << 16)) {
      s += words[rng.below(rng.below(words.size()) + 1)];
      s += kSeparators[rng.below(kSeparators.size())];
    }
    return s;
  }();
  return pool;
}

std::string_view random_text(Rng& rng, std::size_t min_len, std::size_t max_len) {
  const std::string& pool = text_pool();
  std::size_t len = min_len + rng.below(max_len - min_len + 1);
  std::size_t at = rng.below(pool.size() - len);
  return std::string_view(pool).substr(at, len);
}

// Distinct map keys (avro-c maps de-duplicate keys, so generated maps must not repeat).
constexpr std::string_view kMapKeys[] = {"ores_damaging", "ores_goodfaith", "quality",
                                         "readability",   "spam",           "vandalism"};

// A random instance of `node`: nullable unions are null 10% of the time; strings are
// 4-32 bytes, arrays 0-5 items, maps 0-6 entries; ints and longs span several varint
// lengths.
Value generate(const Node& node, Rng& rng, Arena& arena) {
  switch (node.type) {
    case Type::kNull:
      return Value::null(&node);
    case Type::kBoolean:
      return Value::boolean(&node, (rng.next() & 1) != 0);
    case Type::kInt: {
      int shift = static_cast<int>(rng.below(4)) * 8;  // 1..4-byte magnitudes
      auto v = static_cast<std::int32_t>(rng.next() >> (40 + shift));
      return Value::int32(&node, (rng.next() & 1) ? v : -v);
    }
    case Type::kLong: {
      int shift = static_cast<int>(rng.below(6)) * 8;
      auto v = static_cast<std::int64_t>(rng.next() >> (16 + shift));
      return Value::int64(&node, (rng.next() & 1) ? v : -v);
    }
    case Type::kFloat:
      return Value::float32(&node, static_cast<float>(rng.below(1 << 20)) / 1024.0f);
    case Type::kDouble:
      return Value::float64(&node, static_cast<double>(rng.next() >> 11) / 9007199254740992.0);
    case Type::kString:
    case Type::kBytes:
      return Value::text(&node, random_text(rng, 4, 32));
    case Type::kFixed:
      return Value::text(&node, random_text(rng, node.fixed_size, node.fixed_size));
    case Type::kEnum:
      return Value::enumeration(&node, static_cast<int>(rng.below(node.symbols.size())));
    case Type::kRecord: {
      Value record = Value::record(&node, arena);
      for (std::size_t i = 0; i < node.fields.size(); ++i) {
        record[i] = generate(*node.fields[i].type, rng, arena);
      }
      return record;
    }
    case Type::kArray: {
      std::size_t n = rng.below(6);
      Value array = Value::array(&node, arena, n);
      for (std::size_t i = 0; i < n; ++i) array[i] = generate(*node.items, rng, arena);
      return array;
    }
    case Type::kMap: {
      std::size_t n = rng.below(std::size(kMapKeys) + 1);
      Value map = Value::map(&node, arena, n);
      auto entries = map.mutable_entries();
      for (std::size_t i = 0; i < n; ++i) {
        entries[i].key = kMapKeys[i];
        entries[i].value = generate(*node.values, rng, arena);
      }
      return map;
    }
    case Type::kUnion: {
      int null_branch = node.null_branch();
      int branch;
      if (null_branch >= 0 && node.branches.size() > 1) {
        if (rng.below(10) == 0) {
          branch = null_branch;
        } else {
          branch = static_cast<int>(rng.below(node.branches.size() - 1));
          if (branch >= null_branch)
            ++branch;
        }
      } else {
        branch = static_cast<int>(rng.below(node.branches.size()));
      }
      Value v = generate(*node.branches[static_cast<std::size_t>(branch)], rng, arena);
      v.in_branch(branch);
      return v;
    }
  }
  die("generate: unknown type");
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    die("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

avro::SchemaPtr parse_schema(const std::string& json, const std::string& what) {
  auto schema = avro::Schema::parse(json);
  if (!schema)
    die(what + ": " + schema.error().to_string());
  return *schema;
}

std::unique_ptr<Workload> build(WorkloadKind kind) {
  auto w = std::make_unique<Workload>();
  const std::string dir = SLUICE_BENCH_SCHEMA_DIR;
  std::string file = kind == WorkloadKind::kWatch ? "movie_watch" : "wikimedia_wide";
  w->name = kind == WorkloadKind::kWatch ? "Watch" : "Wide";
  w->schema_json = read_text_file(dir + "/" + file + ".avsc");
  w->schema = parse_schema(w->schema_json, file + ".avsc");
  w->evolved =
      parse_schema(read_text_file(dir + "/" + file + "_evolved.avsc"), file + "_evolved.avsc");
  w->count = record_count();
  const Node& root = w->schema->root();

  // Generate and encode, one arena batch at a time.
  Rng rng(kind == WorkloadKind::kWatch ? 1 : 2);
  Arena arena;
  w->data.reserve(w->count * (kind == WorkloadKind::kWatch ? 64 : 700));
  std::uint64_t generated_sum = 0;
  std::vector<std::uint8_t> scratch;  // see BM_SluiceEncode for why not w->data directly
  for (std::size_t i = 0; i < w->count; ++i) {
    if (i % kBatch == 0)
      arena.reset();
    Value v = generate(root, rng, arena);
    generated_sum += checksum(v);
    scratch.clear();
    if (auto st = avro::encode_binary(root, v, scratch); !st) {
      die("encode_binary: " + st.error().to_string());
    }
    w->data.insert(w->data.end(), scratch.begin(), scratch.end());
  }
  w->checksum = generated_sum;

  // Sluice reads it back.
  {
    avro::BinaryReader in(w->data);
    std::uint64_t sum = 0;
    std::size_t n = 0;
    while (!in.at_end()) {
      if (n % kBatch == 0)
        arena.reset();
      auto v = avro::decode_binary(root, in, arena);
      if (!v)
        die("decode_binary: " + v.error().to_string());
      sum += checksum(*v);
      ++n;
    }
    if (n != w->count || sum != generated_sum) {
      die(w->name + ": Sluice read back " + std::to_string(n) + " records, checksum " +
          std::to_string(sum) + "; expected " + std::to_string(w->count) + " / " +
          std::to_string(generated_sum));
    }
  }

  // avro-c reads it back.
  std::string error;
  w->c_peer = AvroCPeer::make(w->schema_json, &error);
  if (!w->c_peer)
    die("avro-c rejects " + file + ".avsc: " + error);
  std::uint64_t c_sum = 0;
  if (!w->c_peer->decode_all(w->data.data(), w->data.size(), w->count, &c_sum)) {
    die(w->name + ": avro-c cannot read the data: " + w->c_peer->last_error());
  }
  if (c_sum != generated_sum) {
    die(w->name + ": avro-c read back checksum " + std::to_string(c_sum) + "; expected " +
        std::to_string(generated_sum));
  }
  std::fprintf(stderr,
               "workload %s: %zu records, %zu bytes (%.1f B/record), checksum %llu, "
               "verified by Sluice and avro-c\n",
               w->name.c_str(), w->count, w->data.size(),
               static_cast<double>(w->data.size()) / static_cast<double>(w->count),
               static_cast<unsigned long long>(w->checksum));
  return w;
}

}  // namespace

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "bench: %s\n", message.c_str());
  std::exit(1);
}

std::size_t record_count() {
  const char* env = std::getenv("SLUICE_BENCH_RECORDS");
  if (env && *env) {
    char* end = nullptr;
    unsigned long long n = std::strtoull(env, &end, 10);
    if (*end != '\0' || n == 0)
      die(std::string("bad SLUICE_BENCH_RECORDS: ") + env);
    return static_cast<std::size_t>(n);
  }
  return 1'000'000;
}

const Workload& workload(WorkloadKind kind) {
  static std::unique_ptr<Workload> cache[2];
  static std::mutex mu;
  std::lock_guard lock(mu);
  auto& slot = cache[kind == WorkloadKind::kWatch ? 0 : 1];
  if (!slot)
    slot = build(kind);
  return *slot;
}

std::uint64_t checksum(const Value& value) {
  std::uint64_t sum = value.branch() > 0 ? static_cast<std::uint64_t>(value.branch()) : 0;
  switch (value.type()) {
    case Type::kNull:
      return sum;
    case Type::kBoolean:
      return sum + (value.as_bool() ? 1 : 0);
    case Type::kInt:
      return sum + static_cast<std::uint64_t>(static_cast<std::int64_t>(value.as_int()));
    case Type::kLong:
      return sum + static_cast<std::uint64_t>(value.as_long());
    case Type::kFloat:
      return sum + float_bits(value.as_float());
    case Type::kDouble:
      return sum + double_bits(value.as_double());
    case Type::kString:
    case Type::kBytes:
    case Type::kFixed: {
      auto s = value.as_string();
      return sum + text_sum(s.data(), s.size());
    }
    case Type::kEnum:
      return sum + static_cast<std::uint64_t>(value.enum_index());
    case Type::kRecord:
      for (const Value& f : value.fields()) sum += checksum(f);
      return sum;
    case Type::kArray:
      sum += value.size();
      for (const Value& item : value.items()) sum += checksum(item);
      return sum;
    case Type::kMap:
      sum += value.size();
      for (const avro::MapEntry& e : value.entries()) {
        sum += text_sum(e.key.data(), e.key.size()) + checksum(e.value);
      }
      return sum;
    case Type::kUnion:
      break;
  }
  die("checksum: unexpected type");
}

}  // namespace sluice::bench
