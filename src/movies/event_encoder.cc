#include "movies/event_encoder.h"

#include "avro/binary.h"
#include "avro/json_codec.h"
#include "movies/internal/datum_writer.h"
#include "movies/internal/text.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <string>
#include <utility>

namespace sluice::movies {

using internal::DatumWriter;
using internal::kMaxVarint;

namespace {

// ---------------------------------------------------------------------------------
// Built-in schemas: direct encoders, field by field in the .avsc order.

std::size_t builtin_bound(const ParsedLine& e) {
  // time, userId, and the v2 nulls: 3 * 10 + 4 spare.
  constexpr std::size_t kCommon = 3 * kMaxVarint + 4;
  switch (e.type) {
    case EventType::kWatch:
      return kCommon + kMaxVarint + e.watch.movie_id.size() + kMaxVarint;
    case EventType::kRating:
      return kCommon + kMaxVarint + e.rating.movie_id.size() + kMaxVarint;
    case EventType::kRecommendation: {
      const auto& r = e.recommendation;
      return kCommon + kMaxVarint + r.server.size() + kMaxVarint +
             // the array: counts, one length per item, the items (all within result_text)
             2 * kMaxVarint + r.recommendations.size() * kMaxVarint + r.result_text.size() +
             // the error union, the response time
             1 + kMaxVarint + (r.error ? r.error->size() : 0) + kMaxVarint;
    }
  }
  return kCommon;
}

// Writes into `out` (room for builtin_bound(e)); returns the size.
std::size_t encode_builtin(const ParsedLine& e, int version, std::uint8_t* out) {
  DatumWriter w(out);
  w.write_long(e.time_micros);
  w.write_long(e.user_id);
  switch (e.type) {
    case EventType::kWatch:
      w.write_string(e.watch.movie_id);
      w.write_long(e.watch.minute);
      if (version >= 2) {
        w.write_byte(0);  // deviceType: null (union branch 0)
        w.write_byte(0);  // watchedInFull: null
      }
      break;
    case EventType::kRating:
      w.write_string(e.rating.movie_id);
      w.write_long(e.rating.rating);
      if (version >= 2)
        w.write_byte(0);  // ratingContext: null
      break;
    case EventType::kRecommendation: {
      const auto& r = e.recommendation;
      w.write_string(r.server);
      w.write_long(r.status);
      if (!r.recommendations.empty()) {
        w.write_long(static_cast<std::int64_t>(r.recommendations.size()));
        for (std::string_view id : r.recommendations) w.write_string(id);
      }
      w.write_byte(0);  // end of the array
      if (r.error) {
        w.write_byte(2);  // union branch 1 (string), zig-zag encoded
        w.write_string(*r.error);
      } else {
        w.write_byte(0);
      }
      w.write_long(r.response_time_ms);
      if (version >= 2)
        w.write_byte(0);  // deviceType: null
      break;
    }
  }
  return w.size();
}

// ---------------------------------------------------------------------------------
// User schemas: a field mapping compiled once per schema.

// What a parsed line offers to a user schema's field.
enum class Source : std::uint8_t {
  kTime,
  kUserId,
  kMovieId,
  kMinute,
  kRating,
  kServer,
  kStatus,
  kRecommendations,
  kError,
  kResponseTime,
};

struct SourceInfo {
  Source source;
  std::string_view canonical;  // the built-in field name
  // Normalised names (lowercase, without '_' and '-') that map to this source.
  std::array<std::string_view, 4> names;
};

// The alias table documented in the README ("Ingestion rules").
constexpr std::array<SourceInfo, 10> kSources = {{
    {Source::kTime, "time", {"time", "timestamp", "ts", "eventtime"}},
    {Source::kUserId, "userId", {"userid", "user", "", ""}},
    {Source::kMovieId, "movieId", {"movieid", "movie", "", ""}},
    {Source::kMinute, "minute", {"minute", "", "", ""}},
    {Source::kRating, "rating", {"rating", "", "", ""}},
    {Source::kServer, "server", {"server", "", "", ""}},
    {Source::kStatus, "status", {"status", "statuscode", "", ""}},
    {Source::kRecommendations, "recommendations", {"recommendations", "results", "result", ""}},
    {Source::kError, "error", {"error", "errortext", "", ""}},
    {Source::kResponseTime, "responseTimeMs", {"responsetimems", "responsetime", "latencyms", ""}},
}};

bool offers(EventType type, Source s) {
  switch (s) {
    case Source::kTime:
    case Source::kUserId:
      return true;
    case Source::kMovieId:
      return type != EventType::kRecommendation;
    case Source::kMinute:
      return type == EventType::kWatch;
    case Source::kRating:
      return type == EventType::kRating;
    default:
      return type == EventType::kRecommendation;
  }
}

std::string normalize(std::string_view name) {
  std::string n;
  for (char c : name) {
    if (c == '_' || c == '-')
      continue;
    n.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return n;
}

const SourceInfo* find_source(EventType type, const avro::Field& field) {
  auto try_name = [&](std::string_view name) -> const SourceInfo* {
    // Aliases may be namespace-qualified; only the last part names the field.
    if (std::size_t dot = name.rfind('.'); dot != std::string_view::npos)
      name = name.substr(dot + 1);
    std::string n = normalize(name);
    for (const SourceInfo& info : kSources) {
      if (!offers(type, info.source))
        continue;
      for (std::string_view candidate : info.names) {
        if (!candidate.empty() && candidate == n)
          return &info;
      }
    }
    return nullptr;
  };
  if (const SourceInfo* s = try_name(field.name))
    return s;
  for (const std::string& alias : field.aliases) {
    if (const SourceInfo* s = try_name(alias))
      return s;
  }
  return nullptr;
}

// How one source value becomes one target value.
enum class Conv : std::uint8_t {
  kTimeMicros,   // long (timestamp-micros or plain)
  kTimeMillis,   // long timestamp-millis: exact only when the time has no sub-ms part
  kTimeNanos,    // long timestamp-nanos
  kTimeText,     // string: the log's timestamp text
  kIntToLong,    // user id, minute, rating, status, response time as long
  kIntToInt,     // as int (range checked for the user id)
  kIntToFloat,   // exact up to 2^24
  kIntToDouble,  // exact up to 2^53
  kIntToText,    // string: the log's text ("84", "200", "44 ms"); user ids in decimal
  kText,         // string or bytes
  kListToArray,  // array of string/bytes
  kListToText,   // string: the result list as in the log
};

struct Op {
  Source source = Source::kTime;
  Conv conv = Conv::kText;
  int value_branch = -1;  // union branch for a present value (-1: not a union)
  int null_branch = -1;   // union branch for an absent optional value (error)
  bool from_default = false;
  std::vector<std::uint8_t> default_bytes;  // the encoded default (from_default)
  std::string field;                        // for rejection details
};

// The conversion from `source` to a non-union `node`, if one is lossless.
std::optional<Conv> conversion(Source source, const avro::Node& node) {
  using avro::LogicalType;
  using avro::Type;
  switch (source) {
    case Source::kTime:
      if (node.type == Type::kString)
        return Conv::kTimeText;
      if (node.type == Type::kLong) {
        switch (node.logical) {
          case LogicalType::kTimestampMillis:
          case LogicalType::kLocalTimestampMillis:
            return Conv::kTimeMillis;
          case LogicalType::kTimestampNanos:
          case LogicalType::kLocalTimestampNanos:
            return Conv::kTimeNanos;
          case LogicalType::kNone:
          case LogicalType::kTimestampMicros:
          case LogicalType::kLocalTimestampMicros:
            return Conv::kTimeMicros;
          default:
            return std::nullopt;
        }
      }
      return std::nullopt;
    case Source::kUserId:
    case Source::kMinute:
    case Source::kRating:
    case Source::kStatus:
    case Source::kResponseTime:
      if (node.logical != LogicalType::kNone)
        return std::nullopt;
      switch (node.type) {
        case Type::kLong:
          return Conv::kIntToLong;
        case Type::kInt:
          return Conv::kIntToInt;
        case Type::kFloat:
          return Conv::kIntToFloat;
        case Type::kDouble:
          return Conv::kIntToDouble;
        case Type::kString:
          return Conv::kIntToText;
        default:
          return std::nullopt;
      }
    case Source::kMovieId:
    case Source::kServer:
    case Source::kError:
      if (node.type == Type::kString || node.type == Type::kBytes)
        return Conv::kText;
      return std::nullopt;
    case Source::kRecommendations:
      if (node.type == Type::kArray &&
          (node.items->type == Type::kString || node.items->type == Type::kBytes)) {
        return Conv::kListToArray;
      }
      if (node.type == Type::kString)
        return Conv::kListToText;
      return std::nullopt;
  }
  return std::nullopt;
}

Result<std::vector<std::uint8_t>> encode_default(const avro::Field& field) {
  avro::Arena arena;
  SLUICE_ASSIGN_OR_RETURN(avro::Value v,
                          avro::decode_default(*field.type, *field.default_json, arena));
  std::vector<std::uint8_t> bytes;
  // A union's default carries its branch (union_default_branch), as a decoded value does.
  SLUICE_TRY(avro::encode_binary(*field.type, v, bytes));
  return bytes;
}

Result<std::vector<Op>> compile_program(EventType type, const avro::Schema& schema) {
  const avro::Node& root = schema.root();
  std::vector<Op> ops;
  for (const avro::Field& field : root.fields) {
    Op op;
    op.field = field.name;
    const SourceInfo* info = find_source(type, field);
    bool mapped = false;
    if (info != nullptr) {
      op.source = info->source;
      const avro::Node& t = *field.type;
      if (t.type == avro::Type::kUnion) {
        op.null_branch = t.null_branch();
        for (std::size_t b = 0; b < t.branches.size(); ++b) {
          if (auto conv = conversion(info->source, *t.branches[b])) {
            op.conv = *conv;
            op.value_branch = static_cast<int>(b);
            mapped = true;
            break;
          }
        }
      } else if (auto conv = conversion(info->source, t)) {
        op.conv = *conv;
        mapped = true;
      }
      if (!mapped && !field.default_json) {
        return fail(ErrorCode::kInvalidArgument,
                    "{}.{}: the event's {} cannot be written losslessly as {}", root.name,
                    field.name, info->canonical,
                    t.type == avro::Type::kUnion ? "any branch of the union"
                                                 : std::string(avro::type_name(t.type)));
      }
    }
    if (!mapped) {
      if (!field.default_json) {
        return fail(ErrorCode::kInvalidArgument,
                    "{}.{}: no event field maps to it and it has no default", root.name,
                    field.name);
      }
      SLUICE_ASSIGN_OR_RETURN(op.default_bytes, encode_default(field));
      op.from_default = true;
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

struct Program {
  avro::SchemaPtr schema;
  std::vector<Op> ops;
};

// The integer a Source denotes in `e`, and its text as in the log.
std::int64_t int_value(const ParsedLine& e, Source s) {
  switch (s) {
    case Source::kUserId:
      return e.user_id;
    case Source::kMinute:
      return e.watch.minute;
    case Source::kRating:
      return e.rating.rating;
    case Source::kStatus:
      return e.recommendation.status;
    case Source::kResponseTime:
      return e.recommendation.response_time_ms;
    default:
      return 0;
  }
}
std::string_view int_text(const ParsedLine& e, Source s) {
  switch (s) {
    case Source::kMinute:
      return e.watch.minute_text;
    case Source::kRating:
      return e.rating.rating_text;
    case Source::kStatus:
      return e.recommendation.status_text;
    case Source::kResponseTime:
      return e.recommendation.response_time_text;
    default:
      return {};
  }
}
std::string_view text_value(const ParsedLine& e, Source s) {
  switch (s) {
    case Source::kMovieId:
      return e.type == EventType::kWatch ? e.watch.movie_id : e.rating.movie_id;
    case Source::kServer:
      return e.recommendation.server;
    case Source::kError:
      return e.recommendation.error ? *e.recommendation.error : std::string_view();
    default:
      return {};
  }
}

std::size_t op_bound(const Op& op, const ParsedLine& e) {
  if (op.from_default)
    return op.default_bytes.size();
  std::size_t n = 2 * kMaxVarint + 8;  // union index, a number or a length, a double
  switch (op.source) {
    case Source::kTime:
      return n + e.time_text.size();
    case Source::kMovieId:
    case Source::kServer:
    case Source::kError:
      return n + text_value(e, op.source).size();
    case Source::kRecommendations:
      return n + e.recommendation.result_text.size() +
             e.recommendation.recommendations.size() * kMaxVarint;
    default:
      return n + int_text(e, op.source).size() + 24;
  }
}

Rejection conversion_failure(const Op& op, std::string message) {
  return Rejection{Reason::kSchemaConversion, fmt::format("field '{}': {}", op.field, message)};
}

// Writes one field; a rejection when the value cannot be converted losslessly.
std::optional<Rejection> write_op(const Op& op, const ParsedLine& e, DatumWriter& w) {
  if (op.from_default) {
    w.write_raw(op.default_bytes.data(), op.default_bytes.size());
    return std::nullopt;
  }
  if (op.source == Source::kError && !e.recommendation.error) {
    if (op.null_branch >= 0) {
      w.write_long(op.null_branch);
      return std::nullopt;
    }
    // A non-nullable error field: an empty text when the request succeeded.
  }
  if (op.value_branch >= 0)
    w.write_long(op.value_branch);
  switch (op.conv) {
    case Conv::kTimeMicros:
      w.write_long(e.time_micros);
      break;
    case Conv::kTimeMillis:
      if (e.time_micros % 1000 != 0) {
        return conversion_failure(op, fmt::format("time '{}' has sub-millisecond digits that "
                                                  "timestamp-millis cannot hold",
                                                  e.time_text));
      }
      w.write_long(e.time_micros / 1000);
      break;
    case Conv::kTimeNanos:
      w.write_long(e.time_micros * 1000);
      break;
    case Conv::kTimeText:
      w.write_string(e.time_text);
      break;
    case Conv::kIntToLong:
      w.write_long(int_value(e, op.source));
      break;
    case Conv::kIntToInt: {
      std::int64_t v = int_value(e, op.source);
      if (v < INT32_MIN || v > INT32_MAX) {
        return conversion_failure(op, fmt::format("{} does not fit an int", v));
      }
      w.write_long(v);
      break;
    }
    case Conv::kIntToFloat: {
      std::int64_t v = int_value(e, op.source);
      if (v < -(1 << 24) || v > (1 << 24)) {
        return conversion_failure(op, fmt::format("{} is not exact as a float", v));
      }
      w.write_float(static_cast<float>(v));
      break;
    }
    case Conv::kIntToDouble:
      w.write_double(static_cast<double>(int_value(e, op.source)));
      break;
    case Conv::kIntToText:
      if (op.source == Source::kUserId) {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, e.user_id);
        w.write_string(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
      } else {
        w.write_string(int_text(e, op.source));
      }
      break;
    case Conv::kText:
      w.write_string(text_value(e, op.source));
      break;
    case Conv::kListToArray: {
      const auto& list = e.recommendation.recommendations;
      if (!list.empty()) {
        w.write_long(static_cast<std::int64_t>(list.size()));
        for (std::string_view id : list) w.write_string(id);
      }
      w.write_byte(0);
      break;
    }
    case Conv::kListToText:
      w.write_string(e.recommendation.result_text);
      break;
  }
  return std::nullopt;
}

// Which event type a user's record schema is for (see with_user_schemas).
std::optional<EventType> classify(const avro::Node& root) {
  std::string name = normalize(root.name);
  if (name.find("recommend") != std::string::npos)
    return EventType::kRecommendation;
  if (name.find("watch") != std::string::npos)
    return EventType::kWatch;
  if (name.find("rat") != std::string::npos)
    return EventType::kRating;
  for (const avro::Field& f : root.fields) {
    std::string n = normalize(f.name);
    if (n == "minute")
      return EventType::kWatch;
    if (n == "rating")
      return EventType::kRating;
    if (n == "recommendations")
      return EventType::kRecommendation;
  }
  return std::nullopt;
}

}  // namespace

struct EventEncoder::Impl {
  EventSchemas builtin;  // the built-in fallback
  // A user mapping per type, or empty ops with no schema (then the built-in is used).
  std::array<std::optional<Program>, kEventTypeCount> programs;
};

EventEncoder::EventEncoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventEncoder::EventEncoder(EventEncoder&&) noexcept = default;
EventEncoder& EventEncoder::operator=(EventEncoder&&) noexcept = default;
EventEncoder::~EventEncoder() = default;

Result<EventEncoder> EventEncoder::builtin(int version) {
  auto impl = std::make_unique<Impl>();
  SLUICE_ASSIGN_OR_RETURN(impl->builtin, builtin_event_schemas(version));
  return EventEncoder(std::move(impl));
}

Result<EventEncoder> EventEncoder::with_user_schemas(std::vector<avro::SchemaPtr> user_schemas,
                                                     int fallback_version) {
  auto impl = std::make_unique<Impl>();
  SLUICE_ASSIGN_OR_RETURN(impl->builtin, builtin_event_schemas(fallback_version));
  for (avro::SchemaPtr& schema : user_schemas) {
    const avro::Node& root = schema->root();
    if (root.type != avro::Type::kRecord) {
      return fail(ErrorCode::kInvalidArgument, "a movie event schema must be a record, not {}",
                  avro::type_name(root.type));
    }
    std::optional<EventType> type = classify(root);
    if (!type) {
      return fail(ErrorCode::kInvalidArgument,
                  "record {} matches no movie event type (its name contains none of 'watch', "
                  "'rat', 'recommend', and it has no minute / rating / recommendations field)",
                  root.fullname);
    }
    auto& slot = impl->programs[static_cast<std::size_t>(*type)];
    if (slot) {
      return fail(ErrorCode::kInvalidArgument, "records {} and {} both match {}",
                  slot->schema->root().fullname, root.fullname, record_name(*type));
    }
    SLUICE_ASSIGN_OR_RETURN(std::vector<Op> ops, compile_program(*type, *schema));
    slot = Program{std::move(schema), std::move(ops)};
  }
  return EventEncoder(std::move(impl));
}

std::size_t EventEncoder::max_size(const ParsedLine& event) const {
  const auto& program = impl_->programs[static_cast<std::size_t>(event.type)];
  if (!program)
    return builtin_bound(event);
  std::size_t bound = 0;
  for (const Op& op : program->ops) bound += op_bound(op, event);
  return bound;
}

std::optional<Rejection> EventEncoder::encode_into(const ParsedLine& event, std::uint8_t* out,
                                                   std::size_t* written) const {
  const auto& program = impl_->programs[static_cast<std::size_t>(event.type)];
  if (!program) {
    *written = encode_builtin(event, impl_->builtin.version, out);
    return std::nullopt;
  }
  DatumWriter w(out);
  for (const Op& op : program->ops) {
    if (auto rejection = write_op(op, event, w)) {
      *written = 0;
      return rejection;
    }
  }
  *written = w.size();
  return std::nullopt;
}

std::optional<Rejection> EventEncoder::encode(const ParsedLine& event,
                                              std::vector<std::uint8_t>& out) const {
  std::optional<Rejection> rejection;
  internal::append_with_bound(out, max_size(event), [&](std::uint8_t* room) {
    std::size_t written = 0;
    rejection = encode_into(event, room, &written);
    return written;
  });
  return rejection;
}

const avro::SchemaPtr& EventEncoder::schema(EventType type) const {
  const auto& program = impl_->programs[static_cast<std::size_t>(type)];
  return program ? program->schema : impl_->builtin[type];
}

namespace {

// The QuarantinedLine datum into `out` (room for the bound encode_quarantined()
// computes); returns its size.
std::size_t write_quarantined(std::string_view raw_line, const Rejection& rejection,
                              const LinePosition& position, std::int64_t ingested_at_micros,
                              std::uint8_t* out) {
  DatumWriter w(out);
  // raw: ["string", "bytes"]
  w.write_long(internal::is_valid_utf8(raw_line) ? 0 : 1);
  w.write_string(raw_line);
  w.write_long(static_cast<std::int64_t>(rejection.reason));
  // The detail quotes pieces of the line; a non-UTF-8 piece would make the string
  // invalid, so such a detail keeps only its valid prefix.
  std::string_view detail = rejection.detail;
  if (!internal::is_valid_utf8(detail))
    detail = detail.substr(0, internal::first_invalid_utf8(detail));
  w.write_string(detail);
  std::string_view source = position.source;
  if (!internal::is_valid_utf8(source))
    source = source.substr(0, internal::first_invalid_utf8(source));
  w.write_string(source);
  auto optional_long = [&](std::int64_t v) {
    if (v < 0) {
      w.write_long(0);  // null
    } else {
      w.write_long(1);
      w.write_long(v);
    }
  };
  optional_long(position.line);
  optional_long(position.partition);
  optional_long(position.offset);
  w.write_long(ingested_at_micros);
  return w.size();
}

}  // namespace

void encode_quarantined(std::string_view raw_line, const Rejection& rejection,
                        const LinePosition& position, std::int64_t ingested_at_micros,
                        std::vector<std::uint8_t>& out) {
  const std::size_t bound = 4 * kMaxVarint + raw_line.size() + rejection.detail.size() +
                            position.source.size() + 8 * kMaxVarint;
  internal::append_with_bound(out, bound, [&](std::uint8_t* room) {
    return write_quarantined(raw_line, rejection, position, ingested_at_micros, room);
  });
}

}  // namespace sluice::movies
