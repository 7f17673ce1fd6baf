// A Kafka producer (librdkafka) that reports delivery failures instead of losing them.
//
//   SLUICE_ASSIGN_OR_RETURN(auto producer, Producer::make({.bootstrap_servers = bs}));
//   SLUICE_TRY(producer->produce("movielog", key, value));   // queued (copied)
//   SLUICE_TRY(producer->flush(30'000));                     // all acknowledged, or the first error
//
// produce() blocks (polling) while librdkafka's local queue is full rather than
// failing. Idempotence is on by default (acks=all), so retries never duplicate.
// Defaults: linger.ms 5, message.timeout.ms 60000 (an unreachable cluster fails the
// delivery within a minute; override in ProducerOptions::config). One thread uses a
// Producer at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sluice::kafka {

struct ProducerOptions {
  std::string bootstrap_servers;
  // Extra librdkafka properties ("linger.ms" -> "5", ...), applied last.
  std::map<std::string, std::string> config;
};

class Producer {
 public:
  // kInvalidArgument for a bad property (librdkafka's message), kIo otherwise.
  static Result<std::unique_ptr<Producer>> make(const ProducerOptions& options);
  ~Producer();  // flushes for at most 10 s; undelivered messages are lost (call flush())
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues one message (key and value copied; an empty key is sent as no key).
  // partition -1 = librdkafka's partitioner on the key. Fails with the first delivery
  // error seen so far.
  Status produce(std::string_view topic, std::span<const std::uint8_t> key,
                 std::span<const std::uint8_t> value, std::int32_t partition = -1);
  Status produce(std::string_view topic, std::string_view key, std::string_view value) {
    return produce(topic, as_bytes(key), as_bytes(value));
  }
  // Waits until every queued message is acknowledged; kIo with the first delivery
  // error, kUnavailable when timeout_ms passes first.
  Status flush(int timeout_ms);
  // Messages acknowledged so far.
  std::uint64_t delivered() const;

  struct Impl;

 private:
  static std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
  }
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::kafka
