#include "registry/serde.h"

#include "avro/binary.h"

#include <fmt/format.h>

namespace sluice::registry {

namespace {
constexpr int kMaxReferenceDepth = 32;
}  // namespace

std::string topic_subject(std::string_view topic, SubjectKind kind) {
  return fmt::format("{}-{}", topic, kind == SubjectKind::kKey ? "key" : "value");
}

// ---------------------------------------------------------------------------------

Serializer::Serializer(Serializer&&) noexcept = default;
Serializer& Serializer::operator=(Serializer&&) noexcept = default;
Serializer::~Serializer() = default;

Result<Serializer> Serializer::make(std::shared_ptr<Client> client, avro::SchemaPtr schema,
                                    SerializerOptions options) {
  if (client == nullptr)
    return fail(ErrorCode::kInvalidArgument, "serializer without a client");
  if (schema == nullptr)
    return fail(ErrorCode::kInvalidArgument, "serializer without a schema");
  Serializer s;
  s.client_ = std::move(client);
  s.schema_json_ = schema->to_json();
  s.schema_ = std::move(schema);
  s.options_ = options;
  s.mu_ = std::make_unique<std::shared_mutex>();
  return s;
}

Result<SchemaId> Serializer::schema_id(const std::string& subject) {
  {
    std::shared_lock lock(*mu_);
    if (auto it = ids_.find(subject); it != ids_.end())
      return it->second;
  }
  RegistrySchema text{schema_json_, "AVRO", {}};
  SchemaId id;
  if (options_.auto_register == AutoRegister::kYes) {
    SLUICE_ASSIGN_OR_RETURN(id, client_->register_schema(subject, text, options_.normalize));
  } else {
    SLUICE_ASSIGN_OR_RETURN(
        SubjectVersion sv,
        client_->lookup_schema(subject, text, IncludeDeleted::kNo, options_.normalize));
    id = sv.id;
  }
  std::unique_lock lock(*mu_);
  ids_.emplace(subject, id);
  return id;
}

Status Serializer::serialize(std::string_view topic, const avro::Value& value,
                             std::vector<std::uint8_t>& out, SubjectKind kind) {
  SLUICE_ASSIGN_OR_RETURN(SchemaId id, schema_id(topic_subject(topic, kind)));
  std::size_t start = out.size();
  append_frame_header(id, out);
  Status st = avro::encode_binary(schema_->root(), value, out);
  if (!st) {
    out.resize(start);
    return st;
  }
  return ok_status();
}

// ---------------------------------------------------------------------------------

Deserializer::Deserializer(std::shared_ptr<Client> client, avro::SchemaPtr reader)
    : client_(std::move(client)), reader_(std::move(reader)) {}

Result<avro::SchemaPtr> Deserializer::parse_registry_schema(const RegistrySchema& schema,
                                                            int depth) {
  if (schema.schema_type != "AVRO" && !schema.schema_type.empty()) {
    return fail(ErrorCode::kUnsupported, "writer schema type {} is not Avro", schema.schema_type);
  }
  if (depth > kMaxReferenceDepth) {
    return fail(ErrorCode::kLimitExceeded, "schema references nest deeper than {}",
                kMaxReferenceDepth);
  }
  avro::ParseOptions options;
  for (const SchemaReference& ref : schema.references) {
    auto referenced = client_->get_version(ref.subject, ref.version);
    if (!referenced) {
      return fail(Error(referenced.error()).in(fmt::format("reference {}", ref.name)));
    }
    SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr parsed,
                            parse_registry_schema(referenced->schema, depth + 1));
    options.references.push_back(std::move(parsed));
  }
  return avro::Schema::parse(schema.schema, options);
}

Result<avro::SchemaPtr> Deserializer::writer_schema(SchemaId id) {
  {
    std::shared_lock lock(mu_);
    if (auto it = writers_.find(id.value); it != writers_.end())
      return it->second;
  }
  SLUICE_ASSIGN_OR_RETURN(RegistrySchema text, client_->get_schema(id));
  auto parsed = parse_registry_schema(text, 0);
  if (!parsed) {
    return fail(Error(parsed.error().code(),
                      fmt::format("writer schema {}: {}", id.value, parsed.error().to_string())));
  }
  std::unique_lock lock(mu_);
  auto [it, inserted] = writers_.emplace(id.value, std::move(*parsed));
  return it->second;
}

Result<std::shared_ptr<const avro::ResolutionPlan>> Deserializer::plan(
    SchemaId id, const avro::SchemaPtr& reader) {
  auto key = std::pair{id.value, reader.get()};
  {
    std::shared_lock lock(mu_);
    if (auto it = plans_.find(key); it != plans_.end())
      return it->second;
  }
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr writer, writer_schema(id));
  auto compiled = avro::ResolutionPlan::compile(writer, reader ? reader : writer);
  if (!compiled) {
    return fail(
        Error(compiled.error().code(), fmt::format("reader schema cannot read writer schema {}: {}",
                                                   id.value, compiled.error().to_string())));
  }
  std::unique_lock lock(mu_);
  auto [it, inserted] = plans_.emplace(key, std::move(*compiled));
  return it->second;
}

Result<Deserialized> Deserializer::deserialize(std::span<const std::uint8_t> message,
                                               avro::Arena& arena) {
  return deserialize(message, arena, reader_);
}

Result<Deserialized> Deserializer::deserialize(std::span<const std::uint8_t> message,
                                               avro::Arena& arena, const avro::SchemaPtr& reader) {
  SLUICE_ASSIGN_OR_RETURN(Frame frame, parse_frame(message));
  SLUICE_ASSIGN_OR_RETURN(auto p, plan(frame.schema_id, reader));
  avro::BinaryReader in(frame.payload);
  SLUICE_ASSIGN_OR_RETURN(avro::Value value, p->decode(in, arena));
  if (!in.at_end()) {
    return fail(
        Error(ErrorCode::kCorrupt, fmt::format("{} bytes left after the datum (writer schema {})",
                                               in.remaining(), frame.schema_id.value))
            .at_offset(in.offset()));
  }
  return Deserialized{frame.schema_id, value};
}

}  // namespace sluice::registry
