// A Kafka consumer-group member (librdkafka's high-level consumer) that commits only
// what the caller says is done, and can tell when it has read everything.
//
//   SLUICE_ASSIGN_OR_RETURN(auto consumer,
//                           Consumer::make({.bootstrap_servers = bs, .group_id = "g"}));
//   SLUICE_TRY(consumer->subscribe({"movielog"}));
//   MessageBatch batch;
//   while (...) {
//     SLUICE_TRY(consumer->poll(batch, 10'000, 200));
//     for (const Message& m : batch.messages) handle(m.value);
//     SLUICE_TRY(consumer->commit());   // after the results are durable
//   }
//
// Auto-commit is off: commit() commits, synchronously, the offset after the last
// message poll() returned on each partition still assigned. Offsets of a partition
// taken away by a rebalance before commit() are dropped, so the new owner reads those
// messages again (at-least-once: duplicates, never loss). A group without committed
// offsets starts at the earliest or latest offset (ConsumerOptions::start).
//
// End of partition: every time a partition's fetch position reaches its end, it is
// marked "at end" until a message arrives on it; at_end() says whether all assigned
// partitions are there (bounded runs end on it). Not thread-safe: one thread polls.
#pragma once

#include "base/result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::kafka {

enum class StartOffset : std::uint8_t { kEarliest, kLatest };

struct ConsumerOptions {
  std::string bootstrap_servers;
  std::string group_id;
  // Where a partition without a committed offset for the group starts.
  StartOffset start = StartOffset::kEarliest;
  // Extra librdkafka properties, applied last. Defaults set here:
  // session.timeout.ms 10000 (a killed member's partitions move on within 10 s).
  std::map<std::string, std::string> config;
};

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// One message. The views point into librdkafka's buffers, valid until the next
// poll() on the consumer (or its destruction).
struct Message {
  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  bool has_key = false;
  std::span<const std::uint8_t> key;
  std::span<const std::uint8_t> value;
  std::string_view value_text() const {
    return {reinterpret_cast<const char*>(value.data()), value.size()};
  }
  std::string_view key_text() const {
    return {reinterpret_cast<const char*>(key.data()), key.size()};
  }
};

struct MessageBatch {
  std::vector<Message> messages;
};

class Consumer {
 public:
  // kInvalidArgument for an empty group id or a bad property, kIo otherwise.
  static Result<std::unique_ptr<Consumer>> make(const ConsumerOptions& options);
  // Leaves the group (close()), committing nothing.
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Joins the group on `topics` (replacing an earlier subscription). The assignment
  // arrives during later poll() calls.
  Status subscribe(const std::vector<std::string>& topics);

  // Replaces `batch` with up to `max_messages` messages: waits up to `timeout_ms` for
  // the first, then takes only those already fetched. An empty batch means nothing
  // arrived in time. Rebalances and end-of-partition events are handled inside.
  // Fails with kNotFound when a subscribed topic does not exist (brokers that do not
  // auto-create topics; the mock cluster does), kIo on a fatal consumer error;
  // broker connection problems are retried (see last_error()).
  Status poll(MessageBatch& batch, std::size_t max_messages, int timeout_ms);

  // Synchronously commits the position after every message returned so far, on the
  // partitions still assigned. A commit refused because the group is rebalancing is
  // not an error: those offsets stay pending and go with the next commit() if the
  // partition is still ours (otherwise the new owner re-reads them).
  Status commit();
  // Offsets that commit() would commit now (next offset to read per partition).
  std::map<TopicPartition, std::int64_t> pending_offsets() const;

  // True once the group gave this member an assignment (possibly empty).
  bool assigned() const;
  const std::vector<TopicPartition>& assignment() const;
  // True when assigned() and every assigned partition is at its end.
  bool at_end() const;
  // The latest non-fatal error librdkafka reported (e.g. brokers down), or "".
  std::string last_error() const;

  // Leaves the group now (revokes the assignment). Idempotent.
  Status close();

  // Partition end offsets (high watermarks) of `topic`, asking the brokers.
  // kNotFound when the topic does not exist; kUnavailable after `timeout_ms`.
  Result<std::vector<std::int64_t>> end_offsets(const std::string& topic, int timeout_ms);

  struct Impl;

 private:
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Topics of the cluster at `bootstrap_servers` (names starting with "__" left out)
// with each partition's end offset. kUnavailable when no broker answers in
// `timeout_ms`.
struct TopicInfo {
  std::string name;
  std::vector<std::int64_t> end_offsets;  // by partition
};
Result<std::vector<TopicInfo>> list_topics(const std::string& bootstrap_servers, int timeout_ms);

}  // namespace sluice::kafka
