// make_tee_sink(): one EventSink that forwards to several.
#include "ingest/event_sink.h"

namespace sluice::ingest {
namespace {

class TeeSink : public EventSink {
 public:
  explicit TeeSink(std::vector<std::unique_ptr<EventSink>> sinks) : sinks_(std::move(sinks)) {}

  Status add_stream(std::string_view stream, const avro::SchemaPtr& schema) override {
    for (auto& sink : sinks_) SLUICE_TRY(sink->add_stream(stream, schema));
    return ok_status();
  }
  Status write(std::string_view stream, std::int64_t key,
               std::span<const std::uint8_t> datum) override {
    for (auto& sink : sinks_) SLUICE_TRY(sink->write(stream, key, datum));
    return ok_status();
  }
  Status write_batch(std::string_view stream, const DatumBatch& batch) override {
    for (auto& sink : sinks_) SLUICE_TRY(sink->write_batch(stream, batch));
    return ok_status();
  }
  Status make_durable() override {
    for (auto& sink : sinks_) SLUICE_TRY(sink->make_durable());
    return ok_status();
  }
  Status close() override {
    // Close them all even when one fails; report the first failure.
    Status first = ok_status();
    for (auto& sink : sinks_) {
      Status s = sink->close();
      if (!s && first)
        first = s;
    }
    return first;
  }

 private:
  std::vector<std::unique_ptr<EventSink>> sinks_;
};

}  // namespace

std::unique_ptr<EventSink> make_tee_sink(std::vector<std::unique_ptr<EventSink>> sinks) {
  return std::make_unique<TeeSink>(std::move(sinks));
}

}  // namespace sluice::ingest
