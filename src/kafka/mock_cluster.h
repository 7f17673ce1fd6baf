// An in-process Kafka-protocol cluster: librdkafka's mock cluster (rdkafka_mock.h).
// It serves local runs (`sluice demo`) and tests; `sluice kafka mock` runs one as its
// own process so tests can kill and restart clients around it.
//
//   SLUICE_ASSIGN_OR_RETURN(auto cluster, MockCluster::start({.brokers = 1}));
//   producer_config["bootstrap.servers"] = cluster->bootstrap_servers();
//
// Topics are auto-created on first use with `default_partitions` partitions, or made
// ahead with create_topic().
#pragma once

#include <memory>
#include <string>

#include "base/result.h"

namespace sluice::kafka {

struct MockClusterOptions {
  int brokers = 1;
  int default_partitions = 4;
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
  Status create_topic(const std::string& topic, int partitions);

  struct Impl;

 private:
  explicit MockCluster(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::kafka
