// Private helpers shared by the kafka module's wrappers: owning pointers for
// librdkafka objects, configuration from string maps, and error translation.
#pragma once

#include "base/result.h"

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace sluice::kafka::internal {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

// Sets one property. kInvalidArgument with librdkafka's reason ("No such
// configuration property", "Invalid value ...") naming the property.
Status set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value);

// A configuration holding `defaults`, then `overrides` (the caller's extra
// properties win). Fails as set_property().
Result<ConfPtr> make_conf(const std::map<std::string, std::string>& defaults,
                          const std::map<std::string, std::string>& overrides);

// True for errors that a later attempt may not see (a broker down, a timeout).
bool is_transient(rd_kafka_resp_err_t err);

// An Error for librdkafka error `err` while doing `what`: kUnavailable when
// transient, kIo otherwise; the message holds librdkafka's error name and text.
Error to_error(rd_kafka_resp_err_t err, std::string_view what);

}  // namespace sluice::kafka::internal
