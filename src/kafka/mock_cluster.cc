#include "kafka/mock_cluster.h"

#include "kafka/internal/rdkafka_util.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>

namespace sluice::kafka {

struct MockCluster::Impl {
  MockClusterOptions options;
  // The mock cluster lives inside a client instance (librdkafka's bookkeeping needs
  // one); a producer that never produces. Destroyed after the cluster.
  rd_kafka_t* handle = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::string bootstrap_servers;

  ~Impl() {
    if (cluster != nullptr)
      rd_kafka_mock_cluster_destroy(cluster);
    if (handle != nullptr)
      rd_kafka_destroy(handle);
  }
};

MockCluster::MockCluster(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MockCluster::~MockCluster() = default;

Result<std::unique_ptr<MockCluster>> MockCluster::start(MockClusterOptions options) {
  if (options.brokers < 1 || options.brokers > 64) {
    return fail(ErrorCode::kInvalidArgument, "mock cluster brokers must be 1..64, not {}",
                options.brokers);
  }
  if (options.default_partitions < 1) {
    return fail(ErrorCode::kInvalidArgument, "mock cluster partitions must be positive, not {}",
                options.default_partitions);
  }
  // The holder has no bootstrap servers of its own; its notices about that are noise.
  SLUICE_ASSIGN_OR_RETURN(internal::ConfPtr conf, internal::make_conf({{"log_level", "3"}}, {}));
  char errstr[512];
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr);
  if (impl->handle == nullptr) {
    return fail(ErrorCode::kIo, "cannot create the mock cluster's client: {}", errstr);
  }
  conf.release();  // owned by the handle now
  impl->cluster = rd_kafka_mock_cluster_new(impl->handle, options.brokers);
  if (impl->cluster == nullptr) {
    return fail(ErrorCode::kIo, "librdkafka could not create a mock cluster of {} broker(s)",
                options.brokers);
  }
  impl->bootstrap_servers = rd_kafka_mock_cluster_bootstraps(impl->cluster);
  std::unique_ptr<MockCluster> cluster(new MockCluster(std::move(impl)));
  for (const std::string& topic : options.topics) {
    SLUICE_TRY(cluster->create_topic(topic, options.default_partitions));
  }
  return cluster;
}

const std::string& MockCluster::bootstrap_servers() const {
  return impl_->bootstrap_servers;
}

Status MockCluster::create_topic(const std::string& topic, int partitions) {
  if (partitions == -1)
    partitions = impl_->options.default_partitions;
  if (partitions < 1) {
    return fail(ErrorCode::kInvalidArgument, "topic {}: partitions must be positive, not {}", topic,
                partitions);
  }
  int replication = std::min(3, impl_->options.brokers);
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(impl_->cluster, topic.c_str(), partitions, replication);
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return fail(ErrorCode::kInvalidArgument, "topic {} already exists", topic);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(internal::to_error(err, fmt::format("creating topic {}", topic)));
  }
  return ok_status();
}

void MockCluster::set_topic_error(const std::string& topic, int kafka_error) {
  rd_kafka_mock_topic_set_error(impl_->cluster, topic.c_str(),
                                static_cast<rd_kafka_resp_err_t>(kafka_error));
}

}  // namespace sluice::kafka
