// Random valid datums of any schema: test data, benchmarks, `sluice avro random`.
//
//   Rng rng(42);                                   // same seed, same data, any platform
//   SLUICE_ASSIGN_OR_RETURN(auto gen, RandomGenerator::make(schema->root()));
//   Arena arena;
//   for (int i = 0; i < 1000; ++i) {
//     SLUICE_ASSIGN_OR_RETURN(Value v, gen.next(rng, arena));
//     ...
//   }
//
// Generated data covers the whole schema over a few hundred datums: every union
// branch (so nulls too), every enum symbol, empty and non-empty arrays and maps,
// strings with escapes and non-ASCII UTF-8 (1- to 4-byte sequences), bytes with
// every byte value, extreme ints and longs (min, max, 0, -1), float specials
// (-0.0, denormals, max) and, only when asked, NaN and infinities. Logical types get
// values valid for them: decimals within their precision, RFC 4122 version-4 UUIDs,
// dates and timestamps between 1900 and 2100, times within a day, durations with
// sane months/days/millis. Map keys within one map are distinct.
//
// Recursive schemas are bounded: below `max_depth` unions take the branch closest to
// a leaf and arrays/maps are empty, so every datum is finite.
//
// Determinism: Rng is std::mt19937_64 (whose output sequence the C++ standard fixes)
// with Sluice's own integer and real distributions (the std:: distributions differ
// between standard libraries), so a seed gives identical bytes everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <unordered_map>

#include "avro/arena.h"
#include "avro/schema.h"
#include "avro/value.h"
#include "base/result.h"

namespace sluice::avro {

// A seeded pseudo-random source with platform-independent distributions.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

  std::uint64_t next_u64() { return engine_(); }
  // Uniform in [0, n); n > 0. Unbiased (rejection sampling).
  std::uint64_t below(std::uint64_t n);
  // Uniform in [lo, hi] (inclusive, lo <= hi), over the full int64 range if asked.
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  // Uniform in [0, 1) with 53 random bits.
  double unit();
  // True with probability numerator/denominator.
  bool chance(std::uint64_t numerator, std::uint64_t denominator) {
    return below(denominator) < numerator;
  }

 private:
  std::mt19937_64 engine_;
};

struct RandomOptions {
  // Arrays and maps get 0..max_items entries (about one in four is empty).
  std::size_t max_items = 4;
  // Strings get 0..max_string_chars code points; bytes 0..max_bytes bytes.
  std::size_t max_string_chars = 12;
  std::size_t max_bytes = 16;
  // Nesting depth (records, arrays, maps) after which recursion is cut short.
  std::size_t max_depth = 6;
  // Whether float/double values may be NaN or +-infinity (off: not every consumer
  // accepts them, e.g. strict JSON).
  bool special_floats = false;
};

// A generator compiled for one schema (keeps per-node facts such as how to end a
// recursion quickly). Holds pointers into the schema: keep the schema alive.
class RandomGenerator {
 public:
  // Fails with kInvalidArgument when the schema has no finite datum (a record that
  // contains itself with no union or collection in between).
  static Result<RandomGenerator> make(const Node& schema, const RandomOptions& options = {});

  // One random datum. Strings, bytes and children live in `arena`.
  Result<Value> next(Rng& rng, Arena& arena) const;

  const Node& schema() const { return *schema_; }

 private:
  Value generate(const Node& node, Rng& rng, Arena& arena, std::size_t depth) const;
  std::size_t rank(const Node* node) const;

  const Node* schema_ = nullptr;
  RandomOptions options_;
  // Steps to the nearest finite leaf, per record/union node (see random.cc).
  std::unordered_map<const Node*, std::size_t> rank_;
};

// One random datum of `schema` (compiles a RandomGenerator each call: for many datums
// use RandomGenerator directly). Same failures as RandomGenerator::make.
Result<Value> random_value(const Node& schema, Rng& rng, Arena& arena,
                           const RandomOptions& options = {});

}  // namespace sluice::avro
