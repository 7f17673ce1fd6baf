// An in-process Kafka-protocol cluster: librdkafka's mock cluster (rdkafka_mock.h).
// It serves local runs (`sluice demo`) and tests; `sluice kafka mock` runs one as its
// own process so tests can kill and restart clients around it.
//
//   SLUICE_ASSIGN_OR_RETURN(auto cluster, MockCluster::start({.brokers = 1}));
//   producer_config["bootstrap.servers"] = cluster->bootstrap_servers();
//
// Topics are auto-created on first use (4 partitions), or made ahead with
// create_topic() or MockClusterOptions::topics. The cluster lives in memory and serves
// from its own thread until destroyed. Each partition keeps its newest 5 MiB only
// (librdkafka 2.0 drops older message sets; end offsets still count everything), so
// large runs need topics with more partitions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"

namespace sluice::kafka {

struct MockClusterOptions {
  int brokers = 1;  // 1..64; the replication factor is min(3, brokers)
  // Partitions of the topics in `topics`, and of create_topic(name, -1). Topics
  // auto-created on first use always get 4: librdkafka 2.0's mock cluster fixes that.
  int default_partitions = 4;
  // Topics created at start (before any client can auto-create them).
  std::vector<std::string> topics;
  // Ports are picked by the OS; the cluster listens on 127.0.0.1.
};

class MockCluster {
 public:
  // kIo when librdkafka cannot create the cluster.
  static Result<std::unique_ptr<MockCluster>> start(MockClusterOptions options = {});
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "127.0.0.1:port[,...]".
  const std::string& bootstrap_servers() const;
  // Creates `topic` with `partitions` (-1: default_partitions). kInvalidArgument when
  // it already exists or the count is not positive.
  Status create_topic(const std::string& topic, int partitions);

  // Error injection for tests: metadata answers for `topic` carry Kafka error code
  // `kafka_error` (3 = UNKNOWN_TOPIC_OR_PART, ...) until set back to 0.
  void set_topic_error(const std::string& topic, int kafka_error);

  struct Impl;

 private:
  explicit MockCluster(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::kafka
