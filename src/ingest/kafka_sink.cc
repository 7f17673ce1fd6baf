// open_kafka_sink(): one topic per stream, values in the Confluent wire format.
// add_stream() registers the stream's schema (auto-registration, so the registry's
// compatibility rules decide), write() queues a framed datum, make_durable() waits
// until the brokers acknowledged everything (idempotent producer, acks=all).
#include "ingest/event_sink.h"
#include "kafka/producer.h"
#include "registry/client.h"
#include "registry/wire_format.h"

#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

namespace sluice::ingest {
namespace {

// make_durable() waits this long: longer than the producer's delivery timeout
// (60 s), so a dead cluster is reported as the delivery error it caused.
constexpr int kFlushTimeoutMs = 90'000;

struct Stream {
  std::string topic;
  registry::SchemaId schema_id;
  std::vector<std::uint8_t> header;  // magic byte + schema id
};

class KafkaEventSink final : public EventSink {
 public:
  KafkaEventSink(KafkaSinkOptions options, std::shared_ptr<registry::Client> registry,
                 std::unique_ptr<kafka::Producer> producer)
      : options_(std::move(options)),
        registry_(std::move(registry)),
        producer_(std::move(producer)) {}

  Status add_stream(std::string_view stream, const avro::SchemaPtr& schema) override {
    if (producer_ == nullptr)
      return fail(ErrorCode::kInvalidArgument, "kafka sink is closed");
    std::string topic = options_.topic_prefix + std::string(stream);
    std::string subject = topic + "-value";
    auto id = registry_->register_schema(subject, registry::RegistrySchema{schema->to_json()});
    if (!id) {
      const Error& e = id.error();
      std::string reason = e.message();
      if (auto remote = registry::remote_error(e))
        reason = remote->message;
      if (e.code() == ErrorCode::kIncompatible) {
        return fail(ErrorCode::kIncompatible,
                    "schema registry {} rejected the schema of stream {} under subject {} as "
                    "incompatible: {}",
                    options_.registry_url, stream, subject, reason);
      }
      return fail(e.code(), "registering the schema of stream {} under subject {} at {}: {}",
                  stream, subject, options_.registry_url, reason);
    }
    Stream s{topic, *id, {}};
    registry::append_frame_header(*id, s.header);
    streams_.insert_or_assign(std::string(stream), std::move(s));
    return ok_status();
  }

  Status write(std::string_view stream, std::int64_t key,
               std::span<const std::uint8_t> datum) override {
    auto it = streams_.find(stream);
    if (it == streams_.end()) {
      return fail(ErrorCode::kInvalidArgument, "kafka sink: stream {} was not added", stream);
    }
    if (producer_ == nullptr)
      return fail(ErrorCode::kInvalidArgument, "kafka sink is closed");
    value_.assign(it->second.header.begin(), it->second.header.end());
    value_.insert(value_.end(), datum.begin(), datum.end());
    std::string_view key_text;
    if (key >= 0) {
      auto end = fmt::format_to(key_buffer_, "{}", key);
      key_text = std::string_view(key_buffer_, static_cast<std::size_t>(end - key_buffer_));
    }
    return producer_->produce(
        it->second.topic, {reinterpret_cast<const std::uint8_t*>(key_text.data()), key_text.size()},
        value_);
  }

  Status make_durable() override {
    if (producer_ == nullptr)
      return ok_status();
    Status s = producer_->flush(kFlushTimeoutMs);
    if (!s) {
      return fail(Error(s.error().code(), fmt::format("kafka://{}: {}", options_.bootstrap_servers,
                                                      s.error().message())));
    }
    return ok_status();
  }

  Status close() override {
    Status s = make_durable();
    producer_.reset();
    return s;
  }

 private:
  KafkaSinkOptions options_;
  std::shared_ptr<registry::Client> registry_;
  std::unique_ptr<kafka::Producer> producer_;
  std::map<std::string, Stream, std::less<>> streams_;
  std::vector<std::uint8_t> value_;  // reused for every message (the producer copies)
  char key_buffer_[24];
};

}  // namespace

Result<std::unique_ptr<EventSink>> open_kafka_sink(KafkaSinkOptions options) {
  if (options.bootstrap_servers.empty()) {
    return fail(ErrorCode::kInvalidArgument, "kafka sink: no bootstrap servers");
  }
  if (options.registry_url.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "kafka sink: a schema registry URL is required (values name their schema id)");
  }
  registry::ClientOptions registry_options;
  registry_options.url = options.registry_url;
  SLUICE_ASSIGN_OR_RETURN(auto registry, registry::Client::make(registry_options));
  SLUICE_ASSIGN_OR_RETURN(auto producer,
                          kafka::Producer::make({.bootstrap_servers = options.bootstrap_servers}));
  return std::unique_ptr<EventSink>(
      new KafkaEventSink(std::move(options), std::move(registry), std::move(producer)));
}

}  // namespace sluice::ingest
