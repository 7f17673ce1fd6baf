// Logical types to and from native C++ values. Decimals use schoolbook base conversion
// between two's-complement bytes and decimal digit strings: quadratic in the number of
// digits, which are capped at kMaxDecimalDigits when parsing text.
#include "avro/logical.h"

#include "avro/internal/varint.h"
#include "base/hex.h"

#include <algorithm>
#include <cstring>

namespace sluice::avro {
namespace {

constexpr std::size_t kMaxDecimalDigits = 10000;

template <class... Args>
tl::unexpected<Error> invalid(fmt::format_string<Args...> format, Args&&... args) {
  return fail(ErrorCode::kInvalidData, format, std::forward<Args>(args)...);
}

// Drops redundant sign-extension bytes; keeps at least one byte.
void minimize(std::vector<std::uint8_t>& v) {
  if (v.empty()) {
    v.push_back(0);
    return;
  }
  std::size_t drop = 0;
  while (drop + 1 < v.size()) {
    std::uint8_t b = v[drop];
    bool next_negative = (v[drop + 1] & 0x80) != 0;
    if ((b == 0x00 && !next_negative) || (b == 0xFF && next_negative)) {
      ++drop;
    } else {
      break;
    }
  }
  v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(drop));
}

void negate(std::vector<std::uint8_t>& v) {
  unsigned carry = 1;
  for (std::size_t i = v.size(); i-- > 0;) {
    unsigned x = static_cast<std::uint8_t>(~v[i]) + carry;
    v[i] = static_cast<std::uint8_t>(x);
    carry = x >> 8;
  }
}

// Decimal digits of |value| ("0" for zero), value being minimal two's complement.
std::string magnitude_digits(const std::vector<std::uint8_t>& twos) {
  std::vector<std::uint8_t> mag = twos;
  if ((mag[0] & 0x80) != 0)
    negate(mag);  // now an unsigned big-endian magnitude
  std::string digits;
  std::size_t start = 0;
  while (start < mag.size() && mag[start] == 0) ++start;
  while (start < mag.size()) {
    // Divide by 10^9, collecting the remainder as nine digits.
    std::uint64_t rem = 0;
    for (std::size_t i = start; i < mag.size(); ++i) {
      std::uint64_t cur = (rem << 8) | mag[i];
      mag[i] = static_cast<std::uint8_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    while (start < mag.size() && mag[start] == 0) ++start;
    for (int k = 0; k < 9; ++k) {
      digits += static_cast<char>('0' + rem % 10);
      rem /= 10;
      if (start == mag.size() && rem == 0)
        break;
    }
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (digits.empty())
    digits.push_back('0');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

// Minimal two's complement of +/- digits.
std::vector<std::uint8_t> from_digits(std::string_view digits, bool negative) {
  std::vector<std::uint8_t> mag{0};  // big-endian, with a spare leading byte
  for (std::size_t pos = 0; pos < digits.size();) {
    std::size_t n = std::min<std::size_t>(9, digits.size() - pos);
    std::uint64_t chunk = 0;
    std::uint64_t mul = 1;
    for (std::size_t k = 0; k < n; ++k) {
      chunk = chunk * 10 + static_cast<std::uint64_t>(digits[pos + k] - '0');
      mul *= 10;
    }
    pos += n;
    std::uint64_t carry = chunk;
    for (std::size_t i = mag.size(); i-- > 0;) {
      std::uint64_t cur = mag[i] * mul + carry;
      mag[i] = static_cast<std::uint8_t>(cur);
      carry = cur >> 8;
    }
    while (carry > 0) {
      mag.insert(mag.begin(), static_cast<std::uint8_t>(carry));
      carry >>= 8;
    }
    if (mag[0] != 0)
      mag.insert(mag.begin(), 0);
  }
  if (negative)
    negate(mag);
  minimize(mag);
  return mag;
}

// The node that describes `value`: the value's branch node when `node` is a union.
Result<const Node*> value_node(const Node& node, const Value& value, LogicalType want,
                               LogicalType also = LogicalType::kNone) {
  const Node* n = &node;
  if (node.type == Type::kUnion) {
    n = value.node();
    if (n == nullptr)
      return invalid("value has no schema node");
  }
  if (n->logical != want && (also == LogicalType::kNone || n->logical != also)) {
    return invalid("schema {} is not a {} (logical type \"{}\")",
                   is_named(n->type) ? n->fullname : std::string(type_name(n->type)),
                   logical_type_name(want), n->logical_name);
  }
  if (value.type() != n->type) {
    return invalid("value is a {}, the schema is a {}", type_name(value.type()),
                   type_name(n->type));
  }
  return n;
}

Result<const Node*> target_node(const Node& node, LogicalType want,
                                LogicalType also = LogicalType::kNone) {
  if (node.logical != want && (also == LogicalType::kNone || node.logical != also)) {
    return invalid("schema {} is not a {} (logical type \"{}\")",
                   is_named(node.type) ? node.fullname : std::string(type_name(node.type)),
                   logical_type_name(want), node.logical_name);
  }
  return &node;
}

std::string_view as_chars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

// ---------------------------------------------------------------- Decimal

Decimal::Decimal(std::span<const std::uint8_t> unscaled, int scale)
    : unscaled_(unscaled.begin(), unscaled.end()), scale_(scale) {
  minimize(unscaled_);
}

Decimal Decimal::from_int64(std::int64_t unscaled, int scale) {
  std::uint8_t be[8];
  auto u = static_cast<std::uint64_t>(unscaled);
  for (int i = 7; i >= 0; --i) {
    be[i] = static_cast<std::uint8_t>(u);
    u >>= 8;
  }
  return Decimal(std::span<const std::uint8_t>(be, 8), scale);
}

Result<Decimal> Decimal::parse(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::string digits;
  std::size_t fraction = 0;
  bool point = false;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (!(digits.empty() && c == '0'))
        digits += c;  // no leading zeros
      if (point)
        ++fraction;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  bool any_digit = i > (point ? 1u : 0u);
  if (!any_digit)
    return invalid("not a decimal number: \"{}\"", text);
  std::int64_t exponent = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E')
      return invalid("not a decimal number: \"{}\"", text);
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
      exp_negative = s[i++] == '-';
    if (i == s.size())
      return invalid("not a decimal number: \"{}\"", text);
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9')
        return invalid("not a decimal number: \"{}\"", text);
      exponent = exponent * 10 + (s[i] - '0');
      if (exponent > static_cast<std::int64_t>(kMaxDecimalDigits)) {
        return invalid("decimal exponent too large in \"{}\"", text);
      }
    }
    if (exp_negative)
      exponent = -exponent;
  }
  std::int64_t scale = static_cast<std::int64_t>(fraction) - exponent;
  if (scale < 0) {
    if (!digits.empty())
      digits.append(static_cast<std::size_t>(-scale), '0');
    scale = 0;
  }
  if (digits.size() > kMaxDecimalDigits) {
    return invalid("decimal has more than {} digits", kMaxDecimalDigits);
  }
  if (scale > INT32_MAX)
    return invalid("decimal scale out of range in \"{}\"", text);
  Decimal d;
  d.unscaled_ = from_digits(digits, negative);
  d.scale_ = static_cast<int>(scale);
  return d;
}

Result<Decimal> Decimal::parse(std::string_view text, int precision, int scale) {
  SLUICE_ASSIGN_OR_RETURN(Decimal d, parse(text));
  auto scaled = d.rescale(scale);
  if (!scaled) {
    return invalid("\"{}\" has more fractional digits than scale {}", text, scale);
  }
  if (precision > 0 && scaled->digits() > precision) {
    return invalid("\"{}\" has {} digits at scale {}, more than precision {}", text,
                   scaled->digits(), scale, precision);
  }
  return scaled;
}

int Decimal::digits() const {
  return static_cast<int>(magnitude_digits(unscaled_).size());
}

std::optional<std::int64_t> Decimal::unscaled_int64() const {
  if (unscaled_.size() > 8)
    return std::nullopt;
  std::uint64_t u = negative() ? ~std::uint64_t{0} : 0;
  for (std::uint8_t b : unscaled_) u = (u << 8) | b;
  return static_cast<std::int64_t>(u);
}

Result<Decimal> Decimal::rescale(int scale) const {
  if (scale == scale_)
    return *this;
  std::string digits = magnitude_digits(unscaled_);
  std::int64_t diff = static_cast<std::int64_t>(scale) - scale_;
  if (is_zero()) {
    Decimal d;
    d.scale_ = scale;
    return d;
  }
  if (diff > 0) {
    if (digits.size() + static_cast<std::size_t>(diff) > kMaxDecimalDigits) {
      return invalid("rescaling to {} needs more than {} digits", scale, kMaxDecimalDigits);
    }
    digits.append(static_cast<std::size_t>(diff), '0');
  } else {
    auto drop = static_cast<std::size_t>(-diff);
    if (drop > digits.size() ||
        digits.find_first_not_of('0', digits.size() - drop) != std::string::npos) {
      return invalid("{} cannot be rescaled to scale {} without rounding", to_string(), scale);
    }
    digits.resize(digits.size() - drop);
  }
  Decimal d;
  d.unscaled_ = from_digits(digits, negative());
  d.scale_ = scale;
  return d;
}

Result<std::vector<std::uint8_t>> Decimal::to_fixed_bytes(std::size_t size) const {
  if (unscaled_.size() > size) {
    return invalid("{} needs {} bytes, more than the fixed size {}", to_string(), unscaled_.size(),
                   size);
  }
  std::vector<std::uint8_t> out(size - unscaled_.size(), negative() ? 0xFF : 0x00);
  out.insert(out.end(), unscaled_.begin(), unscaled_.end());
  return out;
}

std::string Decimal::to_string() const {
  std::string digits = magnitude_digits(unscaled_);
  std::string out = negative() ? "-" : "";
  if (scale_ <= 0) {
    out += digits;
    if (!is_zero())
      out.append(static_cast<std::size_t>(-static_cast<std::int64_t>(scale_)), '0');
    return out;
  }
  auto scale = static_cast<std::size_t>(scale_);
  if (digits.size() <= scale) {
    out += "0.";
    out.append(scale - digits.size(), '0');
    out += digits;
  } else {
    out.append(digits, 0, digits.size() - scale);
    out += '.';
    out.append(digits, digits.size() - scale, scale);
  }
  return out;
}

std::vector<std::uint8_t> encode_big_decimal(const Decimal& value) {
  std::vector<std::uint8_t> out;
  auto unscaled = value.unscaled();
  internal::write_long(out, static_cast<std::int64_t>(unscaled.size()));
  out.insert(out.end(), unscaled.begin(), unscaled.end());
  internal::write_long(out, value.scale());
  return out;
}

Result<Decimal> decode_big_decimal(std::span<const std::uint8_t> bytes) {
  const std::uint8_t* p = bytes.data();
  const std::uint8_t* end = p + bytes.size();
  std::int64_t length;
  if (!internal::read_long(p, end, length) || length < 0 || length > end - p) {
    return invalid("big-decimal: bad unscaled length");
  }
  std::span<const std::uint8_t> unscaled(p, static_cast<std::size_t>(length));
  p += length;
  std::int32_t scale;
  if (!internal::read_int(p, end, scale))
    return invalid("big-decimal: bad or missing scale");
  if (p != end)
    return invalid("big-decimal: {} bytes after the scale", end - p);
  return Decimal(unscaled, scale);
}

Result<Decimal> to_decimal(const Node& node, const Value& value) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n,
                          value_node(node, value, LogicalType::kDecimal, LogicalType::kBigDecimal));
  if (n->logical == LogicalType::kBigDecimal)
    return decode_big_decimal(value.as_bytes());
  return Decimal(value.as_bytes(), n->scale);
}

Result<Value> from_decimal(const Node& node, const Decimal& decimal, Arena& arena) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n,
                          target_node(node, LogicalType::kDecimal, LogicalType::kBigDecimal));
  if (n->logical == LogicalType::kBigDecimal) {
    auto bytes = encode_big_decimal(decimal);
    return Value::text(n, arena.copy(as_chars(bytes)));
  }
  SLUICE_ASSIGN_OR_RETURN(Decimal scaled, decimal.rescale(n->scale));
  if (scaled.digits() > n->precision) {
    return invalid("{} has {} digits, more than precision {}", decimal.to_string(), scaled.digits(),
                   n->precision);
  }
  if (n->type == Type::kFixed) {
    SLUICE_ASSIGN_OR_RETURN(auto bytes, scaled.to_fixed_bytes(n->fixed_size));
    return Value::text(n, arena.copy(as_chars(bytes)));
  }
  return Value::text(n, arena.copy(as_chars(scaled.unscaled())));
}

// ---------------------------------------------------------------- Uuid

Result<Uuid> Uuid::parse(std::string_view text) {
  Uuid u;
  if (text.size() != 36)
    return invalid("not a UUID (8-4-4-4-12 hex): \"{}\"", text);
  std::size_t out = 0;
  for (std::size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-')
        return invalid("not a UUID (8-4-4-4-12 hex): \"{}\"", text);
      ++i;
      continue;
    }
    int hi = hex_digit_value(text[i]);
    int lo = hex_digit_value(text[i + 1]);
    if (hi < 0 || lo < 0)
      return invalid("not a UUID (8-4-4-4-12 hex): \"{}\"", text);
    u.bytes[out++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return u;
}

std::string Uuid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out += '-';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xF];
  }
  return out;
}

Result<Uuid> to_uuid(const Node& node, const Value& value) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, value_node(node, value, LogicalType::kUuid));
  if (n->type == Type::kString)
    return Uuid::parse(value.as_string());
  if (value.size() != 16)
    return invalid("uuid fixed value has {} bytes, not 16", value.size());
  Uuid u;
  std::memcpy(u.bytes.data(), value.as_bytes().data(), 16);
  return u;
}

Result<Value> from_uuid(const Node& node, const Uuid& uuid, Arena& arena) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, target_node(node, LogicalType::kUuid));
  if (n->type == Type::kString)
    return Value::text(n, arena.copy(uuid.to_string()));
  return Value::text(n, arena.copy(as_chars(uuid.bytes)));
}

// ---------------------------------------------------------------- date and time

Result<std::chrono::sys_days> to_date(const Node& node, const Value& value) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, value_node(node, value, LogicalType::kDate));
  (void)n;
  return std::chrono::sys_days(std::chrono::days(value.as_int()));
}

Result<Value> from_date(const Node& node, std::chrono::sys_days date) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, target_node(node, LogicalType::kDate));
  auto days = date.time_since_epoch().count();
  if (days < INT32_MIN || days > INT32_MAX)
    return invalid("date {} days out of range", days);
  return Value::int32(n, static_cast<std::int32_t>(days));
}

Result<TimeMillis> to_time_millis(const Node& node, const Value& value) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, value_node(node, value, LogicalType::kTimeMillis));
  (void)n;
  return TimeMillis(value.as_int());
}

Result<TimeMicros> to_time_micros(const Node& node, const Value& value) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, value_node(node, value, LogicalType::kTimeMicros));
  (void)n;
  return TimeMicros(value.as_long());
}

Result<Value> from_time_millis(const Node& node, TimeMillis time) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, target_node(node, LogicalType::kTimeMillis));
  if (time.count() < 0 || time >= std::chrono::hours(24)) {
    return invalid("time-millis {} is not within one day", time.count());
  }
  return Value::int32(n, time.count());
}

Result<Value> from_time_micros(const Node& node, TimeMicros time) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, target_node(node, LogicalType::kTimeMicros));
  if (time.count() < 0 || time >= std::chrono::hours(24)) {
    return invalid("time-micros {} is not within one day", time.count());
  }
  return Value::int64(n, time.count());
}

namespace {

template <class TimePoint>
Result<TimePoint> to_time_point(const Node& node, const Value& value, LogicalType want) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, value_node(node, value, want));
  (void)n;
  return TimePoint(typename TimePoint::duration(value.as_long()));
}

template <class TimePoint>
Result<Value> from_time_point(const Node& node, TimePoint t, LogicalType want) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, target_node(node, want));
  return Value::int64(n, static_cast<std::int64_t>(t.time_since_epoch().count()));
}

}  // namespace

Result<TimestampMillis> to_timestamp_millis(const Node& node, const Value& value) {
  return to_time_point<TimestampMillis>(node, value, LogicalType::kTimestampMillis);
}
Result<TimestampMicros> to_timestamp_micros(const Node& node, const Value& value) {
  return to_time_point<TimestampMicros>(node, value, LogicalType::kTimestampMicros);
}
Result<TimestampNanos> to_timestamp_nanos(const Node& node, const Value& value) {
  return to_time_point<TimestampNanos>(node, value, LogicalType::kTimestampNanos);
}
Result<LocalTimestampMillis> to_local_timestamp_millis(const Node& node, const Value& value) {
  return to_time_point<LocalTimestampMillis>(node, value, LogicalType::kLocalTimestampMillis);
}
Result<LocalTimestampMicros> to_local_timestamp_micros(const Node& node, const Value& value) {
  return to_time_point<LocalTimestampMicros>(node, value, LogicalType::kLocalTimestampMicros);
}
Result<LocalTimestampNanos> to_local_timestamp_nanos(const Node& node, const Value& value) {
  return to_time_point<LocalTimestampNanos>(node, value, LogicalType::kLocalTimestampNanos);
}
Result<Value> from_timestamp_millis(const Node& node, TimestampMillis t) {
  return from_time_point(node, t, LogicalType::kTimestampMillis);
}
Result<Value> from_timestamp_micros(const Node& node, TimestampMicros t) {
  return from_time_point(node, t, LogicalType::kTimestampMicros);
}
Result<Value> from_timestamp_nanos(const Node& node, TimestampNanos t) {
  return from_time_point(node, t, LogicalType::kTimestampNanos);
}
Result<Value> from_local_timestamp_millis(const Node& node, LocalTimestampMillis t) {
  return from_time_point(node, t, LogicalType::kLocalTimestampMillis);
}
Result<Value> from_local_timestamp_micros(const Node& node, LocalTimestampMicros t) {
  return from_time_point(node, t, LogicalType::kLocalTimestampMicros);
}
Result<Value> from_local_timestamp_nanos(const Node& node, LocalTimestampNanos t) {
  return from_time_point(node, t, LogicalType::kLocalTimestampNanos);
}

// ---------------------------------------------------------------- duration

Result<Duration> to_duration(const Node& node, const Value& value) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, value_node(node, value, LogicalType::kDuration));
  (void)n;
  if (value.size() != 12)
    return invalid("duration value has {} bytes, not 12", value.size());
  auto b = value.as_bytes();
  auto le32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
           static_cast<std::uint32_t>(b[at + 2]) << 16 |
           static_cast<std::uint32_t>(b[at + 3]) << 24;
  };
  return Duration{le32(0), le32(4), le32(8)};
}

Result<Value> from_duration(const Node& node, const Duration& duration, Arena& arena) {
  SLUICE_ASSIGN_OR_RETURN(const Node* n, target_node(node, LogicalType::kDuration));
  char bytes[12];
  std::uint32_t parts[3] = {duration.months, duration.days, duration.millis};
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < 4; ++k) bytes[i * 4 + k] = static_cast<char>(parts[i] >> (8 * k));
  }
  return Value::text(n, arena.copy(std::string_view(bytes, 12)));
}

}  // namespace sluice::avro
