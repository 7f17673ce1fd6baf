#include "kafka/kafka_url.h"

#include <charconv>
#include <string>

namespace sluice::kafka {
namespace {

constexpr std::string_view kScheme = "kafka://";
// Kafka's own limit on topic names (legal characters: ASCII letters, digits, . _ -).
constexpr std::size_t kMaxTopicLength = 249;

bool legal_topic_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// One "host:port" (or "[v6]:port") of the broker list.
Status check_broker(std::string_view broker, std::string_view url) {
  if (broker.empty()) {
    return fail(ErrorCode::kInvalidArgument, "{}: empty broker in the host list", url);
  }
  std::size_t colon = broker.rfind(':');
  std::string_view host = colon == std::string_view::npos ? broker : broker.substr(0, colon);
  if (colon == std::string_view::npos) {
    return fail(ErrorCode::kInvalidArgument, "{}: broker \"{}\" has no port (host:port)", url,
                broker);
  }
  if (host.empty() || host == "[]") {
    return fail(ErrorCode::kInvalidArgument, "{}: broker \"{}\" has no host", url, broker);
  }
  if (host.front() == '[' ? host.back() != ']' : host.find_first_of("[]:") != host.npos) {
    return fail(ErrorCode::kInvalidArgument,
                "{}: bad host \"{}\" (write IPv6 addresses in brackets: [::1]:9092)", url, host);
  }
  std::string_view port = broker.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
      value > 65535) {
    return fail(ErrorCode::kInvalidArgument, "{}: bad port \"{}\" in \"{}\" (1-65535)", url, port,
                broker);
  }
  return ok_status();
}

}  // namespace

bool is_kafka_url(std::string_view text) {
  return text.substr(0, kScheme.size()) == kScheme;
}

Result<KafkaUrl> parse_kafka_url(std::string_view text) {
  if (!is_kafka_url(text)) {
    return fail(ErrorCode::kInvalidArgument, "\"{}\" is not a kafka:// URL", text);
  }
  std::string_view rest = text.substr(kScheme.size());
  std::size_t slash = rest.find('/');
  std::string_view hosts = rest.substr(0, slash);
  std::string_view topic =
      slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  if (hosts.empty()) {
    return fail(ErrorCode::kInvalidArgument, "{}: no host (kafka://host:port/topic)", text);
  }
  for (std::size_t start = 0;;) {
    std::size_t comma = hosts.find(',', start);
    SLUICE_TRY(check_broker(hosts.substr(start, comma - start), text));
    if (comma == std::string_view::npos)
      break;
    start = comma + 1;
  }
  if (topic == "." || topic == "..") {
    return fail(ErrorCode::kInvalidArgument, "{}: \"{}\" is not a legal topic name", text, topic);
  }
  if (topic.size() > kMaxTopicLength) {
    return fail(ErrorCode::kInvalidArgument, "{}: topic name longer than {} characters", text,
                kMaxTopicLength);
  }
  for (std::size_t i = 0; i < topic.size(); ++i) {
    if (!legal_topic_char(topic[i])) {
      return fail(ErrorCode::kInvalidArgument,
                  "{}: character '{}' at {} is not legal in a topic name (letters, digits, . _ -)",
                  text, topic[i], i);
    }
  }
  return KafkaUrl{std::string(hosts), std::string(topic)};
}

}  // namespace sluice::kafka
