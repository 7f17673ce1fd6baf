// Prometheus metrics for the registry server: requests by route and status, a latency
// histogram per route, and schema/subject gauges.
//
//   Metrics m;
//   m.record("/schemas/ids/{id}", 200, 0.00012);
//   std::string text = m.render(registry);   // Prometheus text format 0.0.4
//
// record() is lock-free (relaxed atomics in fixed tables, one copy per shard so that
// server threads do not bounce each other's cache lines; a thread keeps its shard);
// routes are the templates RestApi puts in RestResponse::route, statuses outside the
// table count as "other". render() sums the shards.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::registry {

class SchemaRegistry;

class Metrics {
 public:
  static constexpr std::array<std::string_view, 31> kRoutes = {
      "/",
      "/health",
      "/metrics",
      "/schemas",
      "/schemas/types",
      "/schemas/ids/{id}",
      "/schemas/ids/{id}/schema",
      "/schemas/ids/{id}/subjects",
      "/schemas/ids/{id}/versions",
      "/subjects",
      "/subjects/{subject}",
      "/subjects/{subject}/versions",
      "/subjects/{subject}/versions/{version}",
      "/subjects/{subject}/versions/{version}/schema",
      "/subjects/{subject}/versions/{version}/referencedby",
      "/compatibility/subjects/{subject}/versions",
      "/compatibility/subjects/{subject}/versions/{version}",
      "/config",
      "/config/{subject}",
      "/mode",
      "/mode/{subject}",
      "/contexts",
      "/contexts/{context}",
      "/v1/metadata",
      "negotiation",
      "auth",
      "body_limit",
      "bad_request",
      "unknown",
      "internal",
      "other",
  };
  static constexpr std::array<int, 15> kStatuses = {200, 204, 400, 401, 403, 404, 405, 406,
                                                    409, 413, 415, 422, 500, 503, 0};
  static constexpr std::array<double, 13> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                      0.005,  0.01,    0.025,  0.05,  0.1,
                                                      0.25,   1.0,     5.0};

  void record(std::string_view route, int status, double seconds);
  std::string render(const SchemaRegistry& registry) const;

 private:
  static std::size_t route_index(std::string_view route);
  static std::size_t status_index(int status);

  struct alignas(64) Shard {
    std::array<std::array<std::atomic<std::uint64_t>, kStatuses.size()>, kRoutes.size()>
        counts{};
    std::array<std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1>, kRoutes.size()>
        buckets{};
    std::array<std::atomic<std::uint64_t>, kRoutes.size()> sum_micros{};
  };
  static constexpr std::size_t kShards = 4;
  static std::size_t shard_index();

  std::uint64_t count(std::size_t route, std::size_t status) const;
  std::uint64_t bucket(std::size_t route, std::size_t b) const;
  std::uint64_t sum_micros(std::size_t route) const;

  std::array<Shard, kShards> shards_{};
};

}  // namespace sluice::registry
