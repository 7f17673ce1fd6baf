// Avro serializer and deserializer for Kafka messages in Confluent's wire format.
//
//   auto client = *Client::make(options);
//   auto ser = *Serializer::make(client, order_schema);           // auto-registers
//   std::vector<std::uint8_t> msg;
//   SLUICE_TRY(ser.serialize("orders", order_value, msg));        // 0x00 + id + datum
//
//   Deserializer de(client, reader_schema);                        // reader chosen by caller
//   Arena arena;
//   SLUICE_ASSIGN_OR_RETURN(Deserialized d, de.deserialize(msg, arena));
//   d.value  // in the reader's shape; d.writer_id names the writer schema
//
// Subjects follow TopicNameStrategy: "<topic>-value" or "<topic>-key". The
// serializer registers its schema (or only looks it up, with AutoRegister::kNo) once
// per subject; the deserializer fetches each writer schema by id once (through the
// client's cache, parsing references recursively) and compiles one ResolutionPlan per
// (writer id, reader schema). Both are thread-safe; decoded values live in the
// caller's arena and point into the message (see avro/value.h).
#pragma once

#include "avro/arena.h"
#include "avro/resolution.h"
#include "avro/schema.h"
#include "avro/value.h"
#include "base/result.h"
#include "registry/client.h"
#include "registry/wire_format.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sluice::registry {

enum class SubjectKind : std::uint8_t { kValue, kKey };
enum class AutoRegister : std::uint8_t { kYes, kNo };

// TopicNameStrategy: "<topic>-value" / "<topic>-key".
std::string topic_subject(std::string_view topic, SubjectKind kind);

struct SerializerOptions {
  // kYes: POST /subjects/{s}/versions (registers if new, subject to the subject's
  // compatibility level); kNo: POST /subjects/{s} (lookup only; fails with kNotFound).
  AutoRegister auto_register = AutoRegister::kYes;
  Normalize normalize = Normalize::kNo;
};

class Serializer {
 public:
  // A serializer of values of `schema`. Fails with kInvalidArgument on a null client
  // or schema. Registers lazily, on the first message of each subject.
  static Result<Serializer> make(std::shared_ptr<Client> client, avro::SchemaPtr schema,
                                 SerializerOptions options = {});

  // Appends one framed message for `topic` to `out`: 0x00, the schema id, then the
  // Avro binary encoding of `value` (an instance of the schema). Fails with the
  // registry's error (kIncompatible when registration is refused, kUnavailable when
  // the registry is down) or kInvalidData when `value` does not match the schema; on
  // failure `out` is left as it was.
  Status serialize(std::string_view topic, const avro::Value& value, std::vector<std::uint8_t>& out,
                   SubjectKind kind = SubjectKind::kValue);

  // The schema id for `subject` (registering or looking it up on first use).
  Result<SchemaId> schema_id(const std::string& subject);

  const avro::SchemaPtr& schema() const { return schema_; }

  Serializer(Serializer&&) noexcept;
  Serializer& operator=(Serializer&&) noexcept;
  ~Serializer();

 private:
  Serializer() = default;
  std::shared_ptr<Client> client_;
  avro::SchemaPtr schema_;
  std::string schema_json_;
  SerializerOptions options_;
  std::unique_ptr<std::shared_mutex> mu_;
  std::unordered_map<std::string, SchemaId> ids_;
};

struct Deserialized {
  SchemaId writer_id;
  avro::Value value;  // in the reader schema's shape
};

class Deserializer {
 public:
  // `reader` is the default reader schema; null means "read as written" (the value
  // then has the writer schema's shape).
  Deserializer(std::shared_ptr<Client> client, avro::SchemaPtr reader = nullptr);

  // Decodes one framed message with the default reader schema. Fails with kCorrupt
  // (bad frame, trailing bytes), the registry's error for an unknown id (kNotFound),
  // kInvalidSchema when the writer schema does not parse, kIncompatible when the
  // reader cannot read the writer's schema (message lists why), or a decode error
  // with byte offset (relative to the datum, after the 5-byte header).
  Result<Deserialized> deserialize(std::span<const std::uint8_t> message, avro::Arena& arena);
  // Same, with `reader` (null: the writer schema) instead of the default.
  Result<Deserialized> deserialize(std::span<const std::uint8_t> message, avro::Arena& arena,
                                   const avro::SchemaPtr& reader);

  // The parsed writer schema for `id` (cached).
  Result<avro::SchemaPtr> writer_schema(SchemaId id);
  // The plan for (writer id, reader) (cached; reader null = identity plan).
  Result<std::shared_ptr<const avro::ResolutionPlan>> plan(SchemaId id,
                                                           const avro::SchemaPtr& reader);

 private:
  Result<avro::SchemaPtr> parse_registry_schema(const RegistrySchema& schema, int depth);

  std::shared_ptr<Client> client_;
  avro::SchemaPtr reader_;
  std::shared_mutex mu_;
  std::unordered_map<std::int32_t, avro::SchemaPtr> writers_;
  // Keyed by reader pointer; the plan keeps its reader alive, so the key stays valid.
  std::map<std::pair<std::int32_t, const avro::Schema*>,
           std::shared_ptr<const avro::ResolutionPlan>>
      plans_;
};

}  // namespace sluice::registry
