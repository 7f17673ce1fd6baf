// open_kafka_source(): a LineSource over a consumer-group member (kafka/consumer.h).
// Each message value is one line. commit() commits what next_batch() returned; the
// pipeline calls it only after the sinks are durable, so a crash re-reads at most the
// batches since the last commit (at-least-once).
#include "ingest/line_source.h"
#include "ingest/stop.h"
#include "kafka/consumer.h"

#include <fmt/format.h>

#include <chrono>

namespace sluice::ingest {
namespace {

using Clock = std::chrono::steady_clock;

// One next_batch() waits at most this long for a first message, so stop requests
// and the idle exit are noticed promptly.
constexpr int kPollMs = 200;
// A bounded run that never gets a partition assignment (no broker, group stuck) ends
// with an error after this long instead of waiting forever.
constexpr auto kJoinTimeout = std::chrono::seconds(60);

class KafkaLineSource final : public LineSource {
 public:
  KafkaLineSource(KafkaSourceOptions options, std::unique_ptr<kafka::Consumer> consumer)
      : options_(std::move(options)), consumer_(std::move(consumer)) {}

  ~KafkaLineSource() override { (void)consumer_->close(); }

  Result<bool> next_batch(LineBatch& batch, std::size_t max_lines) override {
    batch.clear();
    if (stop_requested())
      return false;
    Status polled = consumer_->poll(messages_, max_lines == 0 ? 1 : max_lines, kPollMs);
    if (!polled) {
      // A missing topic ends a bounded run; a live one waits for it to appear.
      if (polled.error().code() != ErrorCode::kNotFound || bounded()) {
        return fail(Error(polled.error().code(),
                          fmt::format("kafka://{}/{}: {}", options_.bootstrap_servers,
                                      options_.topic, polled.error().message())));
      }
    }
    auto now = Clock::now();
    if (!messages_.messages.empty()) {
      last_message_ = now;
      batch.lines.reserve(messages_.messages.size());
      for (const kafka::Message& m : messages_.messages) {
        std::string_view text = m.value_text();
        if (!text.empty() && text.back() == '\n')
          text.remove_suffix(1);
        if (!text.empty() && text.back() == '\r')
          text.remove_suffix(1);
        batch.lines.push_back({text, -1, m.partition, m.offset});
      }
      return true;
    }
    if (stop_requested())
      return false;
    if (bounded()) {
      if (consumer_->at_end() &&
          now - last_message_ >= std::chrono::milliseconds(options_.idle_exit_ms)) {
        return false;
      }
      if (!consumer_->assigned() && now - started_ >= kJoinTimeout) {
        std::string why = consumer_->last_error();
        return fail(ErrorCode::kUnavailable,
                    "kafka://{}/{}: no partitions assigned to group {} within {} s{}{}",
                    options_.bootstrap_servers, options_.topic, options_.group_id,
                    std::chrono::duration_cast<std::chrono::seconds>(kJoinTimeout).count(),
                    why.empty() ? "" : "; last error: ", why);
      }
    }
    return true;
  }

  Status commit() override {
    Status s = consumer_->commit();
    if (!s) {
      return fail(
          Error(s.error().code(), fmt::format("kafka://{}/{}: {}", options_.bootstrap_servers,
                                              options_.topic, s.error().message())));
    }
    return ok_status();
  }

  std::string name() const override { return options_.topic; }

 private:
  bool bounded() const { return options_.idle_exit_ms > 0; }

  KafkaSourceOptions options_;
  std::unique_ptr<kafka::Consumer> consumer_;
  kafka::MessageBatch messages_;
  Clock::time_point started_ = Clock::now();
  Clock::time_point last_message_ = Clock::now();
};

}  // namespace

Result<std::unique_ptr<LineSource>> open_kafka_source(const KafkaSourceOptions& options) {
  if (options.topic.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "kafka://{}: no topic to read (kafka://host:port/topic)",
                options.bootstrap_servers);
  }
  if (options.start != "earliest" && options.start != "latest") {
    return fail(ErrorCode::kInvalidArgument, "start must be earliest or latest, not \"{}\"",
                options.start);
  }
  if (options.idle_exit_ms < 0) {
    return fail(ErrorCode::kInvalidArgument, "idle exit must be >= 0 ms, not {}",
                options.idle_exit_ms);
  }
  kafka::ConsumerOptions consumer_options;
  consumer_options.bootstrap_servers = options.bootstrap_servers;
  consumer_options.group_id = options.group_id;
  consumer_options.start =
      options.start == "earliest" ? kafka::StartOffset::kEarliest : kafka::StartOffset::kLatest;
  SLUICE_ASSIGN_OR_RETURN(auto consumer, kafka::Consumer::make(consumer_options));
  SLUICE_TRY(consumer->subscribe({options.topic}));
  return std::unique_ptr<LineSource>(new KafkaLineSource(options, std::move(consumer)));
}

}  // namespace sluice::ingest
