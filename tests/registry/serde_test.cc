// Serializer / Deserializer: framing, registration per subject, writer schema fetch
// and resolution to a caller-chosen reader, plan caching; against an in-memory
// registry transport and against a real `sluice registry serve`.
#include "registry/serde.h"

#include "avro/json_codec.h"
#include "registry/clients/server_process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <mutex>

namespace sluice::registry {
namespace {

// A toy registry: register assigns ids by schema text, get by id returns them.
class MiniRegistry final : public Transport {
 public:
  Result<HttpResponse> send(const HttpRequest& r, std::size_t) override {
    std::lock_guard lock(mu_);
    ++requests;
    if (r.method == "POST" && r.target.ends_with("/versions")) {
      auto body = nlohmann::json::parse(r.body);
      std::string text = body["schema"];
      auto [it, inserted] = ids_.try_emplace(text, static_cast<int>(ids_.size()) + 1);
      by_id_[it->second] = text;
      return HttpResponse{200, nlohmann::json{{"id", it->second}}.dump()};
    }
    if (r.method == "POST" && r.target.starts_with("/subjects/")) {  // lookup
      auto body = nlohmann::json::parse(r.body);
      auto it = ids_.find(body["schema"].get<std::string>());
      if (it == ids_.end()) {
        return HttpResponse{404, R"({"error_code":40403,"message":"Schema not found"})"};
      }
      return HttpResponse{
          200,
          nlohmann::json{
              {"subject", "x"}, {"version", 1}, {"id", it->second}, {"schema", it->first}}
              .dump()};
    }
    if (r.method == "GET" && r.target.starts_with("/schemas/ids/")) {
      int id = std::stoi(r.target.substr(13));
      auto it = by_id_.find(id);
      if (it == by_id_.end()) {
        return HttpResponse{404, R"({"error_code":40403,"message":"Schema not found"})"};
      }
      return HttpResponse{200, nlohmann::json{{"schema", it->second}}.dump()};
    }
    return HttpResponse{404, R"({"error_code":404,"message":"no route"})"};
  }
  void put(int id, std::string text) {
    std::lock_guard lock(mu_);
    by_id_[id] = std::move(text);
  }
  std::atomic<int> requests{0};

 private:
  std::mutex mu_;
  std::map<std::string, int> ids_;
  std::map<int, std::string> by_id_;
};

constexpr const char* kV1 =
    R"({"type":"record","name":"Movie","fields":[{"name":"id","type":"long"},{"name":"title","type":"string"}]})";
constexpr const char* kV2 =
    R"({"type":"record","name":"Movie","fields":[{"name":"id","type":"long"},{"name":"title","type":"string"},{"name":"year","type":"int","default":1999},{"name":"tags","type":{"type":"array","items":"string"},"default":[]}]})";

avro::SchemaPtr parse(const char* text) {
  auto s = avro::Schema::parse(text);
  EXPECT_TRUE(s) << s.error().to_string();
  return *s;
}

avro::Value from_json(const avro::SchemaPtr& schema, std::string_view json, avro::Arena& arena) {
  auto v = avro::decode_json(schema->root(), json, arena);
  EXPECT_TRUE(v) << v.error().to_string();
  return *v;
}

std::string to_json(const avro::SchemaPtr& schema, const avro::Value& v) {
  std::string out;
  EXPECT_TRUE(avro::encode_json(schema->root(), v, out));
  return out;
}

struct Setup {
  MiniRegistry* registry;
  std::shared_ptr<Client> client;
};

Setup mini() {
  auto t = std::make_unique<MiniRegistry>();
  Setup s{t.get(), nullptr};
  s.client = Client::with_transport({}, std::move(t));
  return s;
}

TEST(SerdeTest, TopicNameStrategy) {
  EXPECT_EQ(topic_subject("orders", SubjectKind::kValue), "orders-value");
  EXPECT_EQ(topic_subject("orders", SubjectKind::kKey), "orders-key");
}

TEST(SerdeTest, FramesAndRoundTrips) {
  auto [registry, client] = mini();
  auto v1 = parse(kV1);
  auto ser = Serializer::make(client, v1);
  ASSERT_TRUE(ser);
  avro::Arena arena;
  std::vector<std::uint8_t> msg;
  ASSERT_TRUE(ser->serialize("movies", from_json(v1, R"({"id": 7, "title": "Up"})", arena), msg));
  ASSERT_GE(msg.size(), 5u);
  EXPECT_EQ(msg[0], 0x00);
  EXPECT_EQ(msg[4], 0x01);  // first id
  // 0x0e = zigzag(7), then "Up" (length 2 -> 0x04).
  EXPECT_EQ(std::vector<std::uint8_t>(msg.begin() + 5, msg.end()),
            (std::vector<std::uint8_t>{0x0e, 0x04, 'U', 'p'}));

  Deserializer de(client);
  auto d = de.deserialize(msg, arena);
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->writer_id.value, 1);
  EXPECT_EQ(to_json(v1, d->value), R"({"id": 7, "title": "Up"})");
}

TEST(SerdeTest, ResolvesToTheReaderAndCachesPlans) {
  auto [registry, client] = mini();
  auto v1 = parse(kV1);
  auto v2 = parse(kV2);
  auto ser = Serializer::make(client, v1);
  ASSERT_TRUE(ser);
  avro::Arena arena;
  std::vector<std::uint8_t> msg;
  ASSERT_TRUE(ser->serialize("movies", from_json(v1, R"({"id": 1, "title": "A"})", arena), msg));
  int after_register = registry->requests.load();
  Deserializer de(client, v2);
  for (int i = 0; i < 5; ++i) {
    auto d = de.deserialize(msg, arena);
    ASSERT_TRUE(d) << d.error().to_string();
    EXPECT_EQ(to_json(v2, d->value), R"({"id": 1, "title": "A", "year": 1999, "tags": []})");
  }
  // The register answer already told the client the schema of id 1.
  EXPECT_EQ(registry->requests.load(), after_register);
  auto p1 = de.plan(SchemaId{1}, v2);
  auto p2 = de.plan(SchemaId{1}, v2);
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(p1->get(), p2->get());
  // Another reader, same writer: a different plan; null reader reads as written.
  auto as_written = de.deserialize(msg, arena, nullptr);
  ASSERT_TRUE(as_written);
  EXPECT_EQ(to_json(v1, as_written->value), R"({"id": 1, "title": "A"})");
}

TEST(SerdeTest, SerializerRegistersOncePerSubject) {
  auto [registry, client] = mini();
  auto v1 = parse(kV1);
  auto ser = Serializer::make(client, v1);
  ASSERT_TRUE(ser);
  avro::Arena arena;
  auto value = from_json(v1, R"({"id": 1, "title": "A"})", arena);
  std::vector<std::uint8_t> msg;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(ser->serialize("a", value, msg));
  ASSERT_TRUE(ser->serialize("a", value, msg, SubjectKind::kKey));
  ASSERT_TRUE(ser->serialize("b", value, msg));
  EXPECT_EQ(registry->requests.load(), 3);
}

TEST(SerdeTest, LookupOnlyFailsForUnknownSchema) {
  auto [registry, client] = mini();
  SerializerOptions o;
  o.auto_register = AutoRegister::kNo;
  auto v1 = parse(kV1);
  auto ser = Serializer::make(client, v1, o);
  ASSERT_TRUE(ser);
  avro::Arena arena;
  std::vector<std::uint8_t> msg{9, 9};
  auto st = ser->serialize("a", from_json(v1, R"({"id": 1, "title": "A"})", arena), msg);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(msg, (std::vector<std::uint8_t>{9, 9}));  // untouched
}

TEST(SerdeTest, BadValueLeavesOutputUntouched) {
  auto [registry, client] = mini();
  auto v1 = parse(kV1);
  auto other = parse(R"({"type":"record","name":"X","fields":[{"name":"a","type":"string"}]})");
  auto ser = Serializer::make(client, v1);
  ASSERT_TRUE(ser);
  avro::Arena arena;
  std::vector<std::uint8_t> msg;
  auto st = ser->serialize("a", from_json(other, R"({"a": "x"})", arena), msg);
  ASSERT_FALSE(st);
  EXPECT_TRUE(msg.empty());
}

TEST(SerdeTest, DeserializerErrors) {
  auto [registry, client] = mini();
  registry->put(5, kV1);
  registry->put(6, "{not a schema");
  Deserializer de(
      client,
      parse(R"({"type":"record","name":"Movie","fields":[{"name":"id","type":"string"}]})"));
  avro::Arena arena;
  std::vector<std::uint8_t> short_msg{0, 0, 0};
  auto a = de.deserialize(short_msg, arena);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code(), ErrorCode::kCorrupt);

  std::vector<std::uint8_t> unknown{0, 0, 0, 0, 42, 0};
  auto b = de.deserialize(unknown, arena);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code(), ErrorCode::kNotFound);

  std::vector<std::uint8_t> bad_writer{0, 0, 0, 0, 6, 0};
  auto c = de.deserialize(bad_writer, arena, nullptr);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidSchema);
  EXPECT_NE(c.error().to_string().find("writer schema 6"), std::string::npos);

  // Reader wants id as string, writer wrote long: incompatible, and the path is named.
  std::vector<std::uint8_t> m{0, 0, 0, 0, 5, 0x02, 0x02, 'x'};
  auto d = de.deserialize(m, arena);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), ErrorCode::kIncompatible);
  EXPECT_NE(d.error().to_string().find("id"), std::string::npos);

  // Trailing bytes after the datum.
  std::vector<std::uint8_t> trailing{0, 0, 0, 0, 5, 0x02, 0x02, 'x', 0x00};
  auto e = de.deserialize(trailing, arena, nullptr);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), ErrorCode::kCorrupt);

  // Truncated datum.
  std::vector<std::uint8_t> truncated{0, 0, 0, 0, 5, 0x02, 0x08, 'x'};
  auto f = de.deserialize(truncated, arena, nullptr);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code(), ErrorCode::kTruncated);
}

TEST(SerdeTest, MakeRejectsNulls) {
  EXPECT_FALSE(Serializer::make(nullptr, parse(kV1)));
  auto [registry, client] = mini();
  EXPECT_FALSE(Serializer::make(client, nullptr));
}

// --- against the real server -------------------------------------------------------

TEST(SerdeServerTest, EvolvesUnderBackwardAndReadsOldDataAsNew) {
  testing::ServerProcess server;
  if (!server.ok())
    FAIL() << server.why();
  ClientOptions o;
  o.url = server.url();
  auto client = Client::make(o);
  ASSERT_TRUE(client) << client.error().to_string();
  auto v1 = parse(kV1);
  auto v2 = parse(kV2);
  auto ser1 = Serializer::make(*client, v1);
  auto ser2 = Serializer::make(*client, v2);
  ASSERT_TRUE(ser1 && ser2);
  avro::Arena arena;
  std::vector<std::uint8_t> m1, m2;
  ASSERT_TRUE(ser1->serialize("movies", from_json(v1, R"({"id": 1, "title": "A"})", arena), m1));
  auto st = ser2->serialize(
      "movies", from_json(v2, R"({"id": 2, "title": "B", "year": 2001, "tags": ["x"]})", arena),
      m2);
  ASSERT_TRUE(st) << st.error().to_string();
  EXPECT_EQ(*(*client)->get_versions("movies-value"), (std::vector<int>{1, 2}));

  // A fresh client (empty caches) reading both as v2 and as v1.
  auto fresh = Client::make(o);
  ASSERT_TRUE(fresh);
  Deserializer as_v2(*fresh, v2);
  auto a = as_v2.deserialize(m1, arena);
  ASSERT_TRUE(a) << a.error().to_string();
  EXPECT_EQ(to_json(v2, a->value), R"({"id": 1, "title": "A", "year": 1999, "tags": []})");
  auto b = as_v2.deserialize(m2, arena);
  ASSERT_TRUE(b);
  EXPECT_EQ(to_json(v2, b->value), R"({"id": 2, "title": "B", "year": 2001, "tags": ["x"]})");
  Deserializer as_v1(*fresh, v1);
  auto c = as_v1.deserialize(m2, arena);
  ASSERT_TRUE(c);
  EXPECT_EQ(to_json(v1, c->value), R"({"id": 2, "title": "B"})");

  // A breaking schema is refused by the registry, so nothing is framed.
  auto broken =
      parse(R"({"type":"record","name":"Movie","fields":[{"name":"id","type":"string"}]})");
  auto ser3 = Serializer::make(*client, broken);
  ASSERT_TRUE(ser3);
  std::vector<std::uint8_t> m3;
  auto refused = ser3->serialize("movies", from_json(broken, R"({"id": "x"})", arena), m3);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kIncompatible);
  EXPECT_TRUE(m3.empty());
}

}  // namespace
}  // namespace sluice::registry
