#include "kafka/internal/rdkafka_util.h"

#include <fmt/format.h>

namespace sluice::kafka::internal {

Status set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    return fail(ErrorCode::kInvalidArgument, "librdkafka property {}={}: {}", name, value, errstr);
  }
  return ok_status();
}

Result<ConfPtr> make_conf(const std::map<std::string, std::string>& defaults,
                          const std::map<std::string, std::string>& overrides) {
  ConfPtr conf(rd_kafka_conf_new());
  for (const auto& [name, value] : defaults) {
    if (overrides.count(name) == 0)
      SLUICE_TRY(set_property(conf.get(), name, value));
  }
  for (const auto& [name, value] : overrides) SLUICE_TRY(set_property(conf.get(), name, value));
  return conf;
}

bool is_transient(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
      return true;
    default:
      return false;
  }
}

Error to_error(rd_kafka_resp_err_t err, std::string_view what) {
  return Error(is_transient(err) ? ErrorCode::kUnavailable : ErrorCode::kIo,
               fmt::format("{}: {} ({})", what, rd_kafka_err2str(err), rd_kafka_err2name(err)));
}

}  // namespace sluice::kafka::internal
