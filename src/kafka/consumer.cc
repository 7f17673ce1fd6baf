#include "kafka/consumer.h"

#include "kafka/internal/rdkafka_util.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>

namespace sluice::kafka {
namespace {

using internal::PartitionListPtr;

// Commit failures that only mean "the group is rebalancing / you were moved": the
// offsets are not lost, the messages are re-read by whoever owns the partition next.
bool is_rebalance_error(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
    case RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST:
    case RD_KAFKA_RESP_ERR__STATE:
      return true;
    default:
      return false;
  }
}

std::vector<TopicPartition> to_vector(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  if (list == nullptr)
    return out;
  out.reserve(static_cast<std::size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back({list->elems[i].topic, list->elems[i].partition});
  }
  return out;
}

// Partition end offsets of one topic through `handle` (metadata, then watermarks).
Result<std::vector<std::int64_t>> query_end_offsets(rd_kafka_t* handle, const std::string& topic,
                                                    int timeout_ms) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(handle, topic.c_str(), nullptr);
  if (rkt == nullptr) {
    return fail(internal::to_error(rd_kafka_last_error(), fmt::format("topic {}", topic)));
  }
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(handle, 0, rkt, &metadata, timeout_ms);
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(internal::to_error(err, fmt::format("metadata of topic {}", topic)));
  }
  std::vector<std::int64_t> ends;
  Status status = ok_status();
  if (metadata->topic_cnt != 1 || metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_resp_err_t topic_err =
        metadata->topic_cnt == 1 ? metadata->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
    status = topic_err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                     topic_err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC
                 ? Status(fail(ErrorCode::kNotFound, "topic {} does not exist", topic))
                 : Status(fail(internal::to_error(topic_err, fmt::format("topic {}", topic))));
  } else {
    for (int p = 0; p < metadata->topics[0].partition_cnt && status; ++p) {
      std::int64_t low = 0;
      std::int64_t high = 0;
      err = rd_kafka_query_watermark_offsets(handle, topic.c_str(), p, &low, &high, timeout_ms);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        status = fail(internal::to_error(err, fmt::format("end offset of {} [{}]", topic, p)));
      }
      ends.push_back(high);
    }
  }
  rd_kafka_metadata_destroy(metadata);
  SLUICE_TRY(status);
  return ends;
}

}  // namespace

struct Consumer::Impl {
  std::string group_id;
  rd_kafka_t* handle = nullptr;
  bool closed = false;
  // Messages whose bytes the last batch points into.
  std::vector<rd_kafka_message_t*> held;

  bool assigned = false;
  std::vector<TopicPartition> assignment;
  std::set<TopicPartition> at_end;
  std::map<TopicPartition, std::int64_t> pending;  // next offset to commit
  std::string last_error;
  std::optional<Error> fatal;
  std::optional<Error> unknown_topic;

  ~Impl() {
    release_held();
    if (handle != nullptr)
      rd_kafka_destroy(handle);
  }

  void release_held() {
    for (rd_kafka_message_t* m : held) rd_kafka_message_destroy(m);
    held.clear();
  }

  void forget(std::vector<TopicPartition> partitions) {  // by value: may be `assignment`
    for (const TopicPartition& tp : partitions) {
      pending.erase(tp);
      at_end.erase(tp);
      assignment.erase(std::remove(assignment.begin(), assignment.end(), tp), assignment.end());
    }
  }

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    std::vector<TopicPartition> changed = to_vector(partitions);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, partitions)) {
          self->last_error = rd_kafka_error_string(e);
          rd_kafka_error_destroy(e);
        }
      } else {
        rd_kafka_assign(rk, partitions);
        self->forget(self->assignment);  // replaced whole
      }
      for (const TopicPartition& tp : changed) {
        self->at_end.erase(tp);
        self->assignment.push_back(tp);
      }
      self->assigned = true;
      return;
    }
    // Revoked (or a rebalance error): uncommitted offsets of these partitions are
    // dropped; their messages go to the next owner again.
    if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
      self->last_error = rd_kafka_err2str(err);
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, partitions)) {
        rd_kafka_error_destroy(e);
      }
      self->forget(changed);
    } else {
      rd_kafka_assign(rk, nullptr);
      self->forget(self->assignment);
    }
  }

  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      char detail[512];
      rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk, detail, sizeof detail);
      self->fatal = Error(ErrorCode::kIo, fmt::format("fatal consumer error: {}: {}",
                                                      rd_kafka_err2name(fatal), detail));
      return;
    }
    self->last_error = reason;
  }
};

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Consumer::~Consumer() {
  (void)close();
}

Result<std::unique_ptr<Consumer>> Consumer::make(const ConsumerOptions& options) {
  if (options.group_id.empty() && options.config.count("group.id") == 0) {
    return fail(ErrorCode::kInvalidArgument, "consumer: empty group id");
  }
  if (options.bootstrap_servers.empty() && options.config.count("bootstrap.servers") == 0) {
    return fail(ErrorCode::kInvalidArgument, "consumer: no bootstrap servers");
  }
  std::map<std::string, std::string> defaults = {
      {"bootstrap.servers", options.bootstrap_servers},
      {"group.id", options.group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", options.start == StartOffset::kEarliest ? "earliest" : "latest"},
      {"session.timeout.ms", "10000"},
      {"heartbeat.interval.ms", "2000"},
  };
  SLUICE_ASSIGN_OR_RETURN(internal::ConfPtr conf, internal::make_conf(defaults, options.config));
  auto impl = std::make_unique<Impl>();
  impl->group_id = options.group_id;
  rd_kafka_conf_set_opaque(conf.get(), impl.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Impl::on_rebalance);
  rd_kafka_conf_set_error_cb(conf.get(), &Impl::on_error);
  char errstr[512];
  impl->handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr);
  if (impl->handle == nullptr) {
    return fail(ErrorCode::kInvalidArgument, "cannot create a Kafka consumer: {}", errstr);
  }
  conf.release();  // owned by the handle now
  // Errors and rebalances are served by consumer_poll() in the caller's thread.
  rd_kafka_poll_set_consumer(impl->handle);
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Status Consumer::subscribe(const std::vector<std::string>& topics) {
  if (topics.empty())
    return fail(ErrorCode::kInvalidArgument, "subscribe: no topics");
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& topic : topics) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(impl_->handle, list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(internal::to_error(err, fmt::format("subscribing group {}", impl_->group_id)));
  }
  return ok_status();
}

Status Consumer::poll(MessageBatch& batch, std::size_t max_messages, int timeout_ms) {
  Impl& s = *impl_;
  s.release_held();
  batch.messages.clear();
  if (s.closed)
    return fail(ErrorCode::kInvalidArgument, "poll on a closed consumer");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  // Runs of messages of one partition: update the per-partition state once per run.
  const char* run_topic = nullptr;
  std::int32_t run_partition = -1;
  std::int64_t run_next = -1;
  auto end_run = [&] {
    if (run_topic == nullptr)
      return;
    TopicPartition tp{run_topic, run_partition};
    s.pending[tp] = run_next;
    s.at_end.erase(tp);
    run_topic = nullptr;
  };
  while (batch.messages.size() < max_messages && !s.fatal) {
    int wait = 0;
    if (batch.messages.empty()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait = static_cast<int>(std::max<std::int64_t>(0, left.count()));
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(s.handle, wait);
    if (m == nullptr) {
      if (wait == 0)
        break;
      continue;  // woke without a message (a served event); wait the rest
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_resp_err_t err = m->err;
      if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        end_run();
        s.at_end.insert({rd_kafka_topic_name(m->rkt), m->partition});
      } else if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                 err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
        s.unknown_topic =
            Error(ErrorCode::kNotFound,
                  fmt::format("topic {} does not exist",
                              m->rkt != nullptr ? rd_kafka_topic_name(m->rkt) : "(unknown)"));
      } else if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char detail[512];
        rd_kafka_fatal_error(s.handle, detail, sizeof detail);
        s.fatal = Error(ErrorCode::kIo, fmt::format("fatal consumer error: {}", detail));
      } else {
        s.last_error = rd_kafka_message_errstr(m);
      }
      rd_kafka_message_destroy(m);
      if (s.unknown_topic)
        break;
      continue;
    }
    const char* topic = rd_kafka_topic_name(m->rkt);
    if (run_topic == nullptr || run_partition != m->partition ||
        std::strcmp(run_topic, topic) != 0) {
      end_run();
      run_topic = topic;
      run_partition = m->partition;
    }
    run_next = m->offset + 1;
    s.held.push_back(m);
    Message& out = batch.messages.emplace_back();
    out.topic = topic;
    out.partition = m->partition;
    out.offset = m->offset;
    out.has_key = m->key != nullptr;
    out.key = {static_cast<const std::uint8_t*>(m->key), m->key_len};
    out.value = {static_cast<const std::uint8_t*>(m->payload), m->len};
  }
  end_run();
  if (s.fatal)
    return fail(*s.fatal);
  if (s.unknown_topic) {
    Error e = *s.unknown_topic;
    s.unknown_topic.reset();
    return fail(std::move(e));
  }
  return ok_status();
}

Status Consumer::commit() {
  Impl& s = *impl_;
  if (s.pending.empty())
    return ok_status();
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(s.pending.size())));
  for (const auto& [tp, offset] : s.pending) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  }
  rd_kafka_resp_err_t err = rd_kafka_commit(s.handle, list.get(), /*async=*/0);
  if (is_rebalance_error(err))
    return ok_status();  // kept pending; see the header
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(internal::to_error(err, fmt::format("committing offsets of group {}", s.group_id)));
  }
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR && !is_rebalance_error(p.err)) {
      return fail(
          internal::to_error(p.err, fmt::format("committing offset {} of {} [{}] for group {}",
                                                p.offset, p.topic, p.partition, s.group_id)));
    }
    if (p.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      auto it = s.pending.find({p.topic, p.partition});
      if (it != s.pending.end() && it->second == p.offset)
        s.pending.erase(it);
    }
  }
  return ok_status();
}

std::map<TopicPartition, std::int64_t> Consumer::pending_offsets() const {
  return impl_->pending;
}

bool Consumer::assigned() const {
  return impl_->assigned;
}

const std::vector<TopicPartition>& Consumer::assignment() const {
  return impl_->assignment;
}

bool Consumer::at_end() const {
  if (!impl_->assigned)
    return false;
  return std::all_of(impl_->assignment.begin(), impl_->assignment.end(),
                     [&](const TopicPartition& tp) { return impl_->at_end.count(tp) != 0; });
}

std::string Consumer::last_error() const {
  return impl_->last_error;
}

Status Consumer::close() {
  Impl& s = *impl_;
  if (s.closed || s.handle == nullptr)
    return ok_status();
  s.closed = true;
  s.release_held();
  rd_kafka_resp_err_t err = rd_kafka_consumer_close(s.handle);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(internal::to_error(err, fmt::format("leaving group {}", s.group_id)));
  }
  return ok_status();
}

Result<std::vector<std::int64_t>> Consumer::end_offsets(const std::string& topic, int timeout_ms) {
  return query_end_offsets(impl_->handle, topic, timeout_ms);
}

Result<std::vector<TopicInfo>> list_topics(const std::string& bootstrap_servers, int timeout_ms) {
  SLUICE_ASSIGN_OR_RETURN(internal::ConfPtr conf,
                          internal::make_conf({{"bootstrap.servers", bootstrap_servers}}, {}));
  char errstr[512];
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr);
  if (handle == nullptr) {
    return fail(ErrorCode::kInvalidArgument, "cannot create a Kafka client: {}", errstr);
  }
  conf.release();
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> owner(handle, rd_kafka_destroy);
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(handle, 1, nullptr, &metadata, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(internal::to_error(err, fmt::format("metadata from {}", bootstrap_servers)));
  }
  std::vector<std::string> names;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    std::string name = metadata->topics[i].topic;
    if (name.rfind("__", 0) != 0)
      names.push_back(std::move(name));
  }
  rd_kafka_metadata_destroy(metadata);
  std::sort(names.begin(), names.end());
  std::vector<TopicInfo> out;
  for (std::string& name : names) {
    SLUICE_ASSIGN_OR_RETURN(std::vector<std::int64_t> ends,
                            query_end_offsets(handle, name, timeout_ms));
    out.push_back({std::move(name), std::move(ends)});
  }
  return out;
}

}  // namespace sluice::kafka
