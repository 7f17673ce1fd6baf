#include "kafka/producer.h"

#include "kafka/internal/rdkafka_util.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

namespace sluice::kafka {
namespace {

// How long produce() waits in one poll while the local queue is full.
constexpr int kQueueFullPollMs = 100;

}  // namespace

struct Producer::Impl {
  rd_kafka_t* handle = nullptr;
  // Topic handles by name: producev() by name would look the topic up per message.
  std::map<std::string, rd_kafka_topic_t*, std::less<>> topics;
  std::atomic<std::uint64_t> delivered{0};

  // The first delivery or fatal error, and the latest broker-level error (for
  // explaining a timeout: "all brokers down: connect to 127.0.0.1:1 failed").
  std::mutex mutex;
  std::optional<Error> first_error;
  std::string last_broker_error;

  ~Impl() {
    for (auto& [name, topic] : topics) rd_kafka_topic_destroy(topic);
    if (handle != nullptr)
      rd_kafka_destroy(handle);
  }

  void record(Error error) {
    std::lock_guard lock(mutex);
    if (!first_error)
      first_error = std::move(error);
  }
  Status first_error_status() {
    std::lock_guard lock(mutex);
    if (first_error)
      return fail(*first_error);
    return ok_status();
  }
  std::string broker_error() {
    std::lock_guard lock(mutex);
    return last_broker_error;
  }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      self->delivered.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    std::string what = fmt::format("delivery to {} [{}] failed", rd_kafka_topic_name(message->rkt),
                                   message->partition);
    Error error = internal::to_error(message->err, what);
    std::string broker = self->broker_error();
    if (!broker.empty()) {
      error =
          Error(error.code(), fmt::format("{}; last broker error: {}", error.message(), broker));
    }
    self->record(std::move(error));
  }

  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      char detail[512];
      rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk, detail, sizeof detail);
      self->record(Error(ErrorCode::kIo, fmt::format("fatal producer error: {}: {}",
                                                     rd_kafka_err2name(fatal), detail)));
      return;
    }
    // Broker connection problems are retried by librdkafka; keep the latest for
    // the message of a later timeout.
    std::lock_guard lock(self->mutex);
    self->last_broker_error = reason;
  }

  Result<rd_kafka_topic_t*> topic(std::string_view name) {
    auto it = topics.find(name);
    if (it != topics.end())
      return it->second;
    rd_kafka_topic_t* topic = rd_kafka_topic_new(handle, std::string(name).c_str(), nullptr);
    if (topic == nullptr) {
      return fail(internal::to_error(rd_kafka_last_error(), fmt::format("topic {}", name)));
    }
    topics.emplace(std::string(name), topic);
    return topic;
  }
};

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Producer::~Producer() {
  if (impl_ && impl_->handle != nullptr)
    rd_kafka_flush(impl_->handle, 10'000);
}

Result<std::unique_ptr<Producer>> Producer::make(const ProducerOptions& options) {
  if (options.bootstrap_servers.empty() && options.config.count("bootstrap.servers") == 0) {
    return fail(ErrorCode::kInvalidArgument, "producer: no bootstrap servers");
  }
  // Defaults for a tool that must not lose or duplicate: idempotence (acks=all, no
  // reordering on retry), and a delivery timeout of a minute so a dead cluster is
  // reported in bounded time instead of librdkafka's five minutes.
  std::map<std::string, std::string> defaults = {
      {"bootstrap.servers", options.bootstrap_servers},
      {"enable.idempotence", "true"},
      {"message.timeout.ms", "60000"},
      {"linger.ms", "5"},
  };
  SLUICE_ASSIGN_OR_RETURN(internal::ConfPtr conf, internal::make_conf(defaults, options.config));
  auto impl = std::make_unique<Impl>();
  rd_kafka_conf_set_opaque(conf.get(), impl.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Impl::on_delivery);
  rd_kafka_conf_set_error_cb(conf.get(), &Impl::on_error);
  char errstr[512];
  impl->handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr);
  if (impl->handle == nullptr) {
    return fail(ErrorCode::kInvalidArgument, "cannot create a Kafka producer: {}", errstr);
  }
  conf.release();  // owned by the handle now
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Status Producer::produce(std::string_view topic, std::span<const std::uint8_t> key,
                         std::span<const std::uint8_t> value, std::int32_t partition) {
  SLUICE_TRY(impl_->first_error_status());
  SLUICE_ASSIGN_OR_RETURN(rd_kafka_topic_t * rkt, impl_->topic(topic));
  for (;;) {
    // RD_KAFKA_MSG_F_COPY: librdkafka copies key and value, so the caller's buffers
    // may be reused at once.
    int rc =
        rd_kafka_produce(rkt, partition < 0 ? RD_KAFKA_PARTITION_UA : partition,
                         RD_KAFKA_MSG_F_COPY, const_cast<std::uint8_t*>(value.data()), value.size(),
                         key.empty() ? nullptr : key.data(), key.size(), nullptr);
    if (rc == 0)
      break;
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return fail(internal::to_error(err, fmt::format("producing to {}", topic)));
    }
    // Full local queue: serve delivery reports until there is room. Bounded by
    // message.timeout.ms: undeliverable messages fail and leave the queue.
    rd_kafka_poll(impl_->handle, kQueueFullPollMs);
    SLUICE_TRY(impl_->first_error_status());
  }
  rd_kafka_poll(impl_->handle, 0);
  return ok_status();
}

Status Producer::flush(int timeout_ms) {
  rd_kafka_resp_err_t err = rd_kafka_flush(impl_->handle, timeout_ms);
  SLUICE_TRY(impl_->first_error_status());
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    std::string broker = impl_->broker_error();
    return fail(ErrorCode::kUnavailable, "{} message(s) not acknowledged within {} ms{}{}",
                rd_kafka_outq_len(impl_->handle), timeout_ms,
                broker.empty() ? "" : "; last broker error: ", broker);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return fail(internal::to_error(err, "flush"));
  return ok_status();
}

std::uint64_t Producer::delivered() const {
  return impl_->delivered.load(std::memory_order_relaxed);
}

}  // namespace sluice::kafka
