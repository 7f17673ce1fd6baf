// `kafka://host:port[,host:port]/topic` locations used by the CLI (--from, --to).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace sluice::kafka {

struct KafkaUrl {
  std::string bootstrap_servers;  // "host:port[,host:port]"
  std::string topic;              // may be empty (a sink: one topic per stream)
};

// True when `text` starts with "kafka://".
bool is_kafka_url(std::string_view text);
// kInvalidArgument naming the problem (no host, bad port, bad topic name).
Result<KafkaUrl> parse_kafka_url(std::string_view text);

}  // namespace sluice::kafka
