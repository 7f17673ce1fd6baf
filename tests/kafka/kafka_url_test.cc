#include "kafka/kafka_url.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::kafka {
namespace {

struct UrlCase {
  const char* text;
  const char* bootstrap;  // nullptr: must fail
  const char* topic;
  const char* error_part;  // for failures: a piece of the message
};

const UrlCase kCases[] = {
    {"kafka://127.0.0.1:9092/movielog", "127.0.0.1:9092", "movielog", nullptr},
    {"kafka://a:1,b:2/t", "a:1,b:2", "t", nullptr},
    {"kafka://broker.example.com:9092", "broker.example.com:9092", "", nullptr},
    {"kafka://broker:9092/", "broker:9092", "", nullptr},
    {"kafka://[::1]:9092/t.x_y-z", "[::1]:9092", "t.x_y-z", nullptr},
    {"kafka://h:65535/T9", "h:65535", "T9", nullptr},
    {"kafka:///movielog", nullptr, nullptr, "no host"},
    {"kafka://", nullptr, nullptr, "no host"},
    {"kafka://broker/t", nullptr, nullptr, "has no port"},
    {"kafka://broker:/t", nullptr, nullptr, "bad port"},
    {"kafka://broker:0/t", nullptr, nullptr, "bad port"},
    {"kafka://broker:65536/t", nullptr, nullptr, "bad port"},
    {"kafka://broker:90x/t", nullptr, nullptr, "bad port"},
    {"kafka://:9092/t", nullptr, nullptr, "has no host"},
    {"kafka://a:1,,b:2/t", nullptr, nullptr, "empty broker"},
    {"kafka://a:1,/t", nullptr, nullptr, "empty broker"},
    {"kafka://::1:9092/t", nullptr, nullptr, "brackets"},
    {"kafka://h:1/a/b", nullptr, nullptr, "character '/'"},
    {"kafka://h:1/a b", nullptr, nullptr, "character ' '"},
    {"kafka://h:1/..", nullptr, nullptr, "not a legal topic"},
    {"http://h:1/t", nullptr, nullptr, "not a kafka:// URL"},
};

TEST(KafkaUrl, Table) {
  for (const UrlCase& c : kCases) {
    SCOPED_TRACE(c.text);
    auto url = parse_kafka_url(c.text);
    if (c.bootstrap != nullptr) {
      ASSERT_TRUE(url) << url.error().to_string();
      EXPECT_EQ(url->bootstrap_servers, c.bootstrap);
      EXPECT_EQ(url->topic, c.topic);
    } else {
      ASSERT_FALSE(url) << "parsed as " << url->bootstrap_servers << " / " << url->topic;
      EXPECT_EQ(url.error().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(url.error().message().find(c.error_part), std::string::npos)
          << url.error().message();
    }
  }
}

TEST(KafkaUrl, TopicLengthLimit) {
  EXPECT_TRUE(parse_kafka_url("kafka://h:1/" + std::string(249, 'a')));
  auto url = parse_kafka_url("kafka://h:1/" + std::string(250, 'a'));
  ASSERT_FALSE(url);
  EXPECT_NE(url.error().message().find("longer than 249"), std::string::npos);
}

TEST(KafkaUrl, IsKafkaUrl) {
  EXPECT_TRUE(is_kafka_url("kafka://x"));
  EXPECT_FALSE(is_kafka_url("kafka:/x"));
  EXPECT_FALSE(is_kafka_url("/tmp/kafka://x"));
  EXPECT_FALSE(is_kafka_url(""));
}

}  // namespace
}  // namespace sluice::kafka
