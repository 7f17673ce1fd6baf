// Native C++ views of logical-type values, on request (decoders never convert).
//
//   // A field {"type":"bytes","logicalType":"decimal","precision":9,"scale":2}
//   SLUICE_ASSIGN_OR_RETURN(Decimal price, to_decimal(*field.type, value));
//   fmt::print("{}\n", price.to_string());                         // "-12.34"
//   SLUICE_ASSIGN_OR_RETURN(Value v, from_decimal(*field.type, Decimal::parse("9.5").value(),
//                                                 arena));
//   SLUICE_ASSIGN_OR_RETURN(TimestampMicros t, to_timestamp_micros(node, value));
//
// Every to_*(node, value) checks that `node` carries that logical type (Node::logical)
// and that `value` is of node's type; it fails with kInvalidData otherwise, and when
// the stored bytes are malformed (a uuid string that is not 8-4-4-4-12 hex, a
// big-decimal whose embedded scale is truncated). `node` may also be the union a value
// came from: the value's own branch node is then used. from_*(node, native[, arena])
// build a Value of `node`; bytes/fixed/string payloads are copied into `arena`. They
// fail with kInvalidData when the native value does not fit (a decimal with more
// digits than the precision, a date beyond the int range, a time outside one day).
// All functions are pure; costs are linear in the value's size.
#pragma once

#include "avro/arena.h"
#include "avro/schema.h"
#include "avro/value.h"
#include "base/result.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::avro {

// ---------------------------------------------------------------- decimal

// An arbitrary-precision decimal: unscaled * 10^-scale, the unscaled integer held as
// big-endian two's-complement bytes (the Avro encoding), always in minimal form.
class Decimal {
 public:
  Decimal() : unscaled_{0} {}
  // `unscaled`: big-endian two's complement, any length (empty means 0).
  Decimal(std::span<const std::uint8_t> unscaled, int scale);
  static Decimal from_int64(std::int64_t unscaled, int scale);

  // Parses "-12.34", "+7", "0.5", ".5", "1.25e3", "1E-2". The scale is the text's own
  // (number of fractional digits minus the exponent, never below 0: "1.25e3" has
  // scale 0 and unscaled 1250). Fails with kInvalidData on anything else.
  static Result<Decimal> parse(std::string_view text);
  // Parses and rescales to exactly `scale`, as a decimal(precision, scale) field
  // needs: fails with kInvalidData when nonzero digits would be lost, or when the
  // result has more than `precision` digits (precision <= 0: no limit).
  static Result<Decimal> parse(std::string_view text, int precision, int scale);

  std::span<const std::uint8_t> unscaled() const { return unscaled_; }
  int scale() const { return scale_; }
  bool negative() const { return (unscaled_[0] & 0x80) != 0; }
  bool is_zero() const { return unscaled_.size() == 1 && unscaled_[0] == 0; }
  // Number of decimal digits of |unscaled| (1 for zero).
  int digits() const;
  // The unscaled value when it fits in 64 bits.
  std::optional<std::int64_t> unscaled_int64() const;

  // Same value with scale `scale`; kInvalidData when nonzero digits would be lost.
  Result<Decimal> rescale(int scale) const;
  // The unscaled integer sign-extended to exactly `size` bytes (a fixed's layout);
  // kInvalidData when it does not fit.
  Result<std::vector<std::uint8_t>> to_fixed_bytes(std::size_t size) const;

  // Plain notation, no exponent: "-12.34", "0.05", "100" (scale 0), "1200" (scale -2).
  std::string to_string() const;

  // Same unscaled value and same scale (1.0 != 1.00, as for Java's BigDecimal.equals).
  friend bool operator==(const Decimal& a, const Decimal& b) {
    return a.scale_ == b.scale_ && a.unscaled_ == b.unscaled_;
  }

 private:
  std::vector<std::uint8_t> unscaled_;  // minimal two's complement, never empty
  int scale_ = 0;
};

// The big-decimal encoding of the 1.12 specification: inside the bytes value, the
// unscaled integer as Avro bytes (zig-zag varint length + two's complement) followed
// by the scale as an Avro int.
std::vector<std::uint8_t> encode_big_decimal(const Decimal& value);
// Fails with kInvalidData when the bytes are truncated, have trailing data, or the
// scale is out of the int range.
Result<Decimal> decode_big_decimal(std::span<const std::uint8_t> bytes);

// decimal (bytes or fixed; scale from the schema) or big-decimal (scale in the value).
Result<Decimal> to_decimal(const Node& node, const Value& value);
// decimal: rescaled to the schema's scale and checked against its precision (and a
// fixed's size); big-decimal: encoded with the value's own scale.
Result<Value> from_decimal(const Node& node, const Decimal& decimal, Arena& arena);

// ---------------------------------------------------------------- uuid

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};

  // The canonical 8-4-4-4-12 hex form, either case ("123e4567-e89b-12d3-a456-426614174000").
  static Result<Uuid> parse(std::string_view text);
  // Lowercase 8-4-4-4-12.
  std::string to_string() const;

  friend bool operator==(const Uuid& a, const Uuid& b) { return a.bytes == b.bytes; }
};

// uuid on string (the text form) or fixed(16) (the 16 bytes, RFC 4122 order).
Result<Uuid> to_uuid(const Node& node, const Value& value);
Result<Value> from_uuid(const Node& node, const Uuid& uuid, Arena& arena);

// ---------------------------------------------------------------- date and time

using TimeMillis = std::chrono::duration<std::int32_t, std::milli>;  // since midnight
using TimeMicros = std::chrono::microseconds;                        // since midnight
using TimestampMillis = std::chrono::sys_time<std::chrono::milliseconds>;
using TimestampMicros = std::chrono::sys_time<std::chrono::microseconds>;
using TimestampNanos = std::chrono::sys_time<std::chrono::nanoseconds>;
using LocalTimestampMillis = std::chrono::local_time<std::chrono::milliseconds>;
using LocalTimestampMicros = std::chrono::local_time<std::chrono::microseconds>;
using LocalTimestampNanos = std::chrono::local_time<std::chrono::nanoseconds>;

// date: days since 1970-01-01.
Result<std::chrono::sys_days> to_date(const Node& node, const Value& value);
Result<Value> from_date(const Node& node, std::chrono::sys_days date);

// time-millis / time-micros: time of day. from_* requires 0 <= t < 24h; to_* returns
// the stored count as is.
Result<TimeMillis> to_time_millis(const Node& node, const Value& value);
Result<TimeMicros> to_time_micros(const Node& node, const Value& value);
Result<Value> from_time_millis(const Node& node, TimeMillis time);
Result<Value> from_time_micros(const Node& node, TimeMicros time);

// timestamp-*: instants (UTC); local-timestamp-*: wall-clock times in no zone.
Result<TimestampMillis> to_timestamp_millis(const Node& node, const Value& value);
Result<TimestampMicros> to_timestamp_micros(const Node& node, const Value& value);
Result<TimestampNanos> to_timestamp_nanos(const Node& node, const Value& value);
Result<LocalTimestampMillis> to_local_timestamp_millis(const Node& node, const Value& value);
Result<LocalTimestampMicros> to_local_timestamp_micros(const Node& node, const Value& value);
Result<LocalTimestampNanos> to_local_timestamp_nanos(const Node& node, const Value& value);
Result<Value> from_timestamp_millis(const Node& node, TimestampMillis t);
Result<Value> from_timestamp_micros(const Node& node, TimestampMicros t);
Result<Value> from_timestamp_nanos(const Node& node, TimestampNanos t);
Result<Value> from_local_timestamp_millis(const Node& node, LocalTimestampMillis t);
Result<Value> from_local_timestamp_micros(const Node& node, LocalTimestampMicros t);
Result<Value> from_local_timestamp_nanos(const Node& node, LocalTimestampNanos t);

// ---------------------------------------------------------------- duration

// fixed(12): three little-endian unsigned 32-bit counts.
struct Duration {
  std::uint32_t months = 0;
  std::uint32_t days = 0;
  std::uint32_t millis = 0;
  friend bool operator==(const Duration&, const Duration&) = default;
};

Result<Duration> to_duration(const Node& node, const Value& value);
Result<Value> from_duration(const Node& node, const Duration& duration, Arena& arena);

}  // namespace sluice::avro
