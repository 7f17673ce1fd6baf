// Producer and Consumer against librdkafka's mock cluster, in process.
#include "kafka/consumer.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sluice::kafka {
namespace {

// Generous upper bound on polls, so a broken consumer fails the test instead of
// hanging it (each poll waits at most 200 ms).
constexpr int kMaxPolls = 600;

std::unique_ptr<MockCluster> start_cluster(MockClusterOptions options = {}) {
  auto cluster = MockCluster::start(options);
  EXPECT_TRUE(cluster) << cluster.error().to_string();
  return cluster ? std::move(*cluster) : nullptr;
}

std::unique_ptr<Producer> make_producer(const std::string& bs) {
  auto producer = Producer::make({.bootstrap_servers = bs});
  EXPECT_TRUE(producer) << producer.error().to_string();
  return producer ? std::move(*producer) : nullptr;
}

std::unique_ptr<Consumer> make_consumer(const std::string& bs, const std::string& group,
                                        StartOffset start = StartOffset::kEarliest) {
  auto consumer = Consumer::make({.bootstrap_servers = bs, .group_id = group, .start = start});
  EXPECT_TRUE(consumer) << consumer.error().to_string();
  return consumer ? std::move(*consumer) : nullptr;
}

void produce_values(Producer& producer, const std::string& topic, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    Status s = producer.produce(topic, fmt::format("user{}", i % 7), fmt::format("m{}", i));
    ASSERT_TRUE(s) << s.error().to_string();
  }
  Status s = producer.flush(30'000);
  ASSERT_TRUE(s) << s.error().to_string();
}

struct Read {
  std::string value;
  std::string key;
  std::int32_t partition;
  std::int64_t offset;
};

// Polls until the consumer is at the end of every assigned partition (or `limit`
// messages were read), collecting what it got.
std::vector<Read> read_until_end(Consumer& consumer, std::size_t limit = SIZE_MAX,
                                 std::size_t batch_size = 1000) {
  std::vector<Read> out;
  MessageBatch batch;
  for (int polls = 0; polls < kMaxPolls && out.size() < limit; ++polls) {
    Status s = consumer.poll(batch, std::min(batch_size, limit - out.size()), 200);
    EXPECT_TRUE(s) << s.error().to_string();
    for (const Message& m : batch.messages) {
      out.push_back(
          {std::string(m.value_text()), std::string(m.key_text()), m.partition, m.offset});
    }
    if (batch.messages.empty() && consumer.at_end())
      break;
  }
  return out;
}

TEST(MockCluster, CreateTopicTwiceFails) {
  auto cluster = start_cluster();
  ASSERT_TRUE(cluster);
  EXPECT_NE(cluster->bootstrap_servers().find("127.0.0.1:"), std::string::npos);
  ASSERT_TRUE(cluster->create_topic("t", 3));
  Status again = cluster->create_topic("t", 3);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(again.error().message().find("already exists"), std::string::npos);
  EXPECT_FALSE(cluster->create_topic("u", 0));
  EXPECT_FALSE(MockCluster::start({.brokers = 0}));
}

TEST(MockCluster, ListTopicsShowsEndOffsets) {
  auto cluster = start_cluster({.brokers = 1, .default_partitions = 2, .topics = {"pre"}});
  ASSERT_TRUE(cluster);
  auto producer = make_producer(cluster->bootstrap_servers());
  ASSERT_TRUE(producer);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(producer->produce("pre", "", fmt::format("v{}", i)));
  ASSERT_TRUE(producer->flush(30'000));
  auto topics = list_topics(cluster->bootstrap_servers(), 10'000);
  ASSERT_TRUE(topics) << topics.error().to_string();
  ASSERT_EQ(topics->size(), 1u);
  EXPECT_EQ((*topics)[0].name, "pre");
  ASSERT_EQ((*topics)[0].end_offsets.size(), 2u);
  EXPECT_EQ((*topics)[0].end_offsets[0] + (*topics)[0].end_offsets[1], 10);
}

// A fresh cluster and producer per test.
class ProducerConsumer : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster = start_cluster();
    ASSERT_TRUE(cluster);
    producer = make_producer(bs());
    ASSERT_TRUE(producer);
  }
  const std::string& bs() const { return cluster->bootstrap_servers(); }

  std::unique_ptr<MockCluster> cluster;
  std::unique_ptr<Producer> producer;
};

TEST_F(ProducerConsumer, GroupConsumesEverythingProduced) {
  ASSERT_TRUE(cluster->create_topic("events", 3));
  constexpr int kCount = 5000;
  produce_values(*producer, "events", 0, kCount);
  EXPECT_EQ(producer->delivered(), static_cast<std::uint64_t>(kCount));

  auto consumer = make_consumer(bs(), "g1");
  ASSERT_TRUE(consumer);
  ASSERT_TRUE(consumer->subscribe({"events"}));
  std::vector<Read> got = read_until_end(*consumer);
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(consumer->assignment().size(), 3u);

  std::set<std::string> values;
  std::map<std::string, std::int32_t> partition_of_key;
  std::map<std::int32_t, std::int64_t> last_offset;
  for (const Read& r : got) {
    values.insert(r.value);
    // One key, one partition; offsets increase within a partition.
    auto [it, fresh] = partition_of_key.emplace(r.key, r.partition);
    EXPECT_EQ(it->second, r.partition) << r.key;
    auto [lo, first] = last_offset.emplace(r.partition, r.offset);
    if (!first) {
      EXPECT_GT(r.offset, lo->second);
      lo->second = r.offset;
    }
  }
  EXPECT_EQ(values.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(partition_of_key.size(), 7u);
  auto ends = consumer->end_offsets("events", 10'000);
  ASSERT_TRUE(ends) << ends.error().to_string();
  std::int64_t total = 0;
  for (std::int64_t e : *ends) total += e;
  EXPECT_EQ(total, kCount);
}

TEST_F(ProducerConsumer, CommittedGroupResumesAfterCommit) {
  ASSERT_TRUE(cluster->create_topic("log", 2));
  produce_values(*producer, "log", 0, 200);

  std::set<std::string> first_values;
  {
    auto a = make_consumer(bs(), "resume");
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->subscribe({"log"}));
    std::vector<Read> first = read_until_end(*a, 80, 20);
    ASSERT_EQ(first.size(), 80u);
    for (const Read& r : first) first_values.insert(r.value);
    EXPECT_FALSE(a->pending_offsets().empty());
    Status committed = a->commit();
    ASSERT_TRUE(committed) << committed.error().to_string();
    EXPECT_TRUE(a->pending_offsets().empty());
    ASSERT_TRUE(a->close());
  }
  auto b = make_consumer(bs(), "resume");
  ASSERT_TRUE(b);
  ASSERT_TRUE(b->subscribe({"log"}));
  std::vector<Read> rest = read_until_end(*b);
  // Exactly the complement: nothing read twice, nothing skipped.
  EXPECT_EQ(rest.size(), 120u);
  for (const Read& r : rest) EXPECT_EQ(first_values.count(r.value), 0u) << r.value;
  std::set<std::string> all = first_values;
  for (const Read& r : rest) all.insert(r.value);
  EXPECT_EQ(all.size(), 200u);
}

TEST_F(ProducerConsumer, UncommittedMessagesAreReadAgain) {
  produce_values(*producer, "auto", 0, 50);  // auto-created topic
  {
    auto a = make_consumer(bs(), "nocommit");
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->subscribe({"auto"}));
    EXPECT_EQ(read_until_end(*a).size(), 50u);
  }
  auto b = make_consumer(bs(), "nocommit");
  ASSERT_TRUE(b);
  ASSERT_TRUE(b->subscribe({"auto"}));
  EXPECT_EQ(read_until_end(*b).size(), 50u);
  EXPECT_EQ(b->assignment().size(), 4u);  // the mock's auto-created partition count
}

TEST_F(ProducerConsumer, LatestStartSkipsExistingMessages) {
  ASSERT_TRUE(cluster->create_topic("live", 1));
  produce_values(*producer, "live", 0, 30);
  auto consumer = make_consumer(bs(), "latest", StartOffset::kLatest);
  ASSERT_TRUE(consumer);
  ASSERT_TRUE(consumer->subscribe({"live"}));
  EXPECT_TRUE(read_until_end(*consumer).empty());
  ASSERT_TRUE(consumer->at_end());
  produce_values(*producer, "live", 30, 5);
  std::vector<Read> got;
  MessageBatch batch;
  for (int polls = 0; polls < kMaxPolls && got.size() < 5; ++polls) {
    ASSERT_TRUE(consumer->poll(batch, 10, 200));
    for (const Message& m : batch.messages) got.push_back({std::string(m.value_text()), "", 0, 0});
  }
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got.front().value, "m30");
  EXPECT_EQ(got.back().value, "m34");
}

TEST_F(ProducerConsumer, SubscribedEmptyTopicReachesItsEnd) {
  // The mock cluster auto-creates topics for consumers too: an empty topic is read to
  // its end (the bounded-run exit condition) with nothing returned.
  auto consumer = make_consumer(bs(), "empty");
  ASSERT_TRUE(consumer);
  ASSERT_TRUE(consumer->subscribe({"empty"}));
  EXPECT_TRUE(read_until_end(*consumer).empty());
  EXPECT_TRUE(consumer->at_end());
  EXPECT_EQ(consumer->assignment().size(), 4u);
  EXPECT_TRUE(consumer->pending_offsets().empty());
  EXPECT_TRUE(consumer->commit());  // nothing to commit is not an error
}

TEST_F(ProducerConsumer, MissingTopicIsNotFound) {
  cluster->set_topic_error("no-such-topic", 3);  // UNKNOWN_TOPIC_OR_PART, as a real broker
  auto consumer = make_consumer(bs(), "missing");
  ASSERT_TRUE(consumer);
  ASSERT_TRUE(consumer->subscribe({"no-such-topic"}));
  MessageBatch batch;
  Status s = ok_status();
  for (int polls = 0; polls < kMaxPolls && s; ++polls) s = consumer->poll(batch, 10, 200);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(s.error().message().find("no-such-topic"), std::string::npos) << s.error().message();
}

TEST(Producer, UnreachableBootstrapFailsWithDeliveryError) {
  // Port 1 on loopback: connection refused. The delivery timeout bounds the wait.
  auto producer = Producer::make(
      {.bootstrap_servers = "127.0.0.1:1", .config = {{"message.timeout.ms", "1500"}}});
  ASSERT_TRUE(producer) << producer.error().to_string();
  ASSERT_TRUE((*producer)->produce("t", "k", "v"));
  Status s = (*producer)->flush(60'000);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message().find("delivery to t"), std::string::npos) << s.error().message();
  EXPECT_NE(s.error().message().find("timed out"), std::string::npos) << s.error().message();
  EXPECT_EQ((*producer)->delivered(), 0u);
  // Later calls keep failing with the same first error.
  EXPECT_FALSE((*producer)->produce("t", "k", "v"));
}

TEST(Producer, BadPropertyIsInvalidArgument) {
  auto producer =
      Producer::make({.bootstrap_servers = "127.0.0.1:1", .config = {{"no.such.property", "1"}}});
  ASSERT_FALSE(producer);
  EXPECT_EQ(producer.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(producer.error().message().find("no.such.property"), std::string::npos);
  EXPECT_FALSE(Producer::make({}));
  EXPECT_FALSE(Consumer::make({.bootstrap_servers = "127.0.0.1:1"}));  // no group
}

}  // namespace
}  // namespace sluice::kafka
