// The registry client: request shapes, caches, retries and error mapping against a
// scripted transport; then every call against a real `sluice registry serve`.
#include "registry/client.h"

#include "registry/clients/server_process.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace sluice::registry {
namespace {

// A transport that answers from a handler and records every request.
class FakeTransport final : public Transport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&, std::size_t)>;
  explicit FakeTransport(Handler handler, std::size_t urls = 1)
      : handler_(std::move(handler)), urls_(urls) {}

  Result<HttpResponse> send(const HttpRequest& request, std::size_t url_index) override {
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      url_indexes_.push_back(url_index);
    }
    return handler_(request, url_index);
  }
  std::size_t url_count() const override { return urls_; }

  std::vector<HttpRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::vector<std::size_t> url_indexes() {
    std::lock_guard lock(mu_);
    return url_indexes_;
  }

 private:
  Handler handler_;
  std::size_t urls_;
  std::mutex mu_;
  std::vector<HttpRequest> requests_;
  std::vector<std::size_t> url_indexes_;
};

ClientOptions fast_options() {
  ClientOptions o;
  o.initial_backoff = std::chrono::milliseconds(1);
  o.max_backoff = std::chrono::milliseconds(4);
  return o;
}

struct Fixture {
  FakeTransport* transport = nullptr;
  std::shared_ptr<Client> client;
};

Fixture make(FakeTransport::Handler handler, ClientOptions options = fast_options(),
             std::size_t urls = 1) {
  auto t = std::make_unique<FakeTransport>(std::move(handler), urls);
  Fixture f;
  f.transport = t.get();
  f.client = Client::with_transport(options, std::move(t));
  return f;
}

constexpr const char* kUser =
    R"({"type":"record","name":"User","fields":[{"name":"id","type":"long"}]})";

TEST(ClientTest, RegisterPostsSchemaAndCachesId) {
  auto f = make([](const HttpRequest&, std::size_t) -> Result<HttpResponse> {
    return HttpResponse{200, R"({"id":7})"};
  });
  auto id = f.client->register_schema("users-value", {kUser});
  ASSERT_TRUE(id) << id.error().to_string();
  EXPECT_EQ(id->value, 7);
  auto again = f.client->register_schema("users-value", {kUser});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->value, 7);
  auto reqs = f.transport->requests();
  ASSERT_EQ(reqs.size(), 1u);  // the second call came from the cache
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/subjects/users-value/versions");
  auto body = nlohmann::json::parse(reqs[0].body);
  EXPECT_EQ(body["schema"], kUser);
  EXPECT_FALSE(body.contains("schemaType"));  // omitted for AVRO, as real clients do
  // The id is now known without asking.
  auto schema = f.client->get_schema(SchemaId{7});
  ASSERT_TRUE(schema);
  EXPECT_EQ(schema->schema, kUser);
  EXPECT_EQ(f.transport->requests().size(), 1u);
}

TEST(ClientTest, SubjectsAreUrlEncoded) {
  auto f = make([](const HttpRequest&, std::size_t) -> Result<HttpResponse> {
    return HttpResponse{200, "[1,2]"};
  });
  auto v = f.client->get_versions("a/b c:.ctx", IncludeDeleted::kYes);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (std::vector<int>{1, 2}));
  EXPECT_EQ(f.transport->requests()[0].target, "/subjects/a%2Fb%20c%3A.ctx/versions?deleted=true");
  EXPECT_EQ(url_encode("Az09-_.~ /%"), "Az09-_.~%20%2F%25");
}

TEST(ClientTest, RegistryErrorsKeepCodeAndMessage) {
  auto f = make([](const HttpRequest& r, std::size_t) -> Result<HttpResponse> {
    if (r.target.find("missing") != std::string::npos) {
      return HttpResponse{404, R"({"error_code":40401,"message":"Subject 'missing' not found."})"};
    }
    if (r.target.find("bad") != std::string::npos) {
      return HttpResponse{422, R"({"error_code":42201,"message":"Invalid schema"})"};
    }
    if (r.target.find("clash") != std::string::npos) {
      return HttpResponse{
          409, R"({"error_code":409,"message":"Schema being registered is incompatible"})"};
    }
    if (r.target.find("level") != std::string::npos) {
      return HttpResponse{422, R"({"error_code":42203,"message":"Invalid compatibility level"})"};
    }
    return HttpResponse{401, "not json"};
  });
  auto a = f.client->get_versions("missing");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code(), ErrorCode::kNotFound);
  auto ra = remote_error(a.error());
  ASSERT_TRUE(ra);
  EXPECT_EQ(ra->error_code, 40401);
  EXPECT_EQ(ra->http_status, 404);
  EXPECT_EQ(ra->message, "Subject 'missing' not found.");
  EXPECT_FALSE(a.error().retriable());

  auto b = f.client->register_schema("bad", {"{"});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code(), ErrorCode::kInvalidSchema);
  EXPECT_EQ(remote_error(b.error())->error_code, 42201);

  auto c = f.client->register_schema("clash", {kUser});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::kIncompatible);

  auto d = f.client->set_compatibility(std::string_view("level"), "SIDEWAYS");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(remote_error(d.error())->error_code, 42203);

  // A body that is not the envelope: the HTTP status stands in for the code.
  auto e = f.client->get_subjects();
  ASSERT_FALSE(e);
  auto re = remote_error(e.error());
  ASSERT_TRUE(re);
  EXPECT_EQ(re->error_code, 401);
  EXPECT_EQ(re->message, "not json");

  EXPECT_FALSE(remote_error(Error(ErrorCode::kUnavailable, "connection refused")));
}

TEST(ClientTest, RetriesConnectionErrorsAndServerErrorsWithBackoff) {
  std::atomic<int> calls{0};
  auto f = make([&](const HttpRequest&, std::size_t) -> Result<HttpResponse> {
    int n = calls++;
    if (n == 0)
      return fail(ErrorCode::kUnavailable, "connection refused");
    if (n == 1)
      return HttpResponse{503, R"({"error_code":50001,"message":"store error"})"};
    return HttpResponse{200, R"(["a"])"};
  });
  auto s = f.client->get_subjects();
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(*s, (std::vector<std::string>{"a"}));
  EXPECT_EQ(calls.load(), 3);
}

TEST(ClientTest, GivesUpAfterTheConfiguredRetries) {
  std::atomic<int> calls{0};
  ClientOptions o = fast_options();
  o.retries = 2;
  auto f = make(
      [&](const HttpRequest&, std::size_t) -> Result<HttpResponse> {
        ++calls;
        return HttpResponse{500,
                            R"({"error_code":50001,"message":"Error in the backend data store"})"};
      },
      o);
  auto s = f.client->get_subjects();
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().retriable());
  EXPECT_EQ(remote_error(s.error())->error_code, 50001);
  EXPECT_EQ(calls.load(), 3);  // 1 + 2 retries
}

TEST(ClientTest, DoesNotRetryClientErrors) {
  std::atomic<int> calls{0};
  auto f = make([&](const HttpRequest&, std::size_t) -> Result<HttpResponse> {
    ++calls;
    return HttpResponse{404, R"({"error_code":40403,"message":"Schema 9 not found"})"};
  });
  EXPECT_FALSE(f.client->get_schema(SchemaId{9}));
  EXPECT_EQ(calls.load(), 1);
}

TEST(ClientTest, FailsOverToTheNextUrl) {
  auto f = make(
      [](const HttpRequest&, std::size_t url) -> Result<HttpResponse> {
        if (url == 0)
          return fail(ErrorCode::kUnavailable, "down");
        return HttpResponse{200, "[]"};
      },
      fast_options(), 2);
  EXPECT_EQ(f.client->url_in_use(), 0u);
  ASSERT_TRUE(f.client->get_subjects());
  EXPECT_EQ(f.client->url_in_use(), 1u);  // the one that answered
  ASSERT_TRUE(f.client->get_subjects());
  EXPECT_EQ(f.transport->url_indexes(), (std::vector<std::size_t>{0, 1, 1}));
}

// What may be shown or recorded of a URL list: no credentials, no trailing '/'.
TEST(ClientTest, BaseUrlsWithoutCredentials) {
  auto urls = base_urls_without_credentials(
      " https://alice:s%40cret@reg-a:8081/ , ,http://reg-b:8081/prefix//,http://reg-c");
  ASSERT_TRUE(urls) << urls.error().to_string();
  EXPECT_EQ(*urls, (std::vector<std::string>{"https://reg-a:8081", "http://reg-b:8081/prefix",
                                             "http://reg-c"}));
  EXPECT_FALSE(base_urls_without_credentials(""));
  EXPECT_FALSE(base_urls_without_credentials("ftp://x"));
  EXPECT_FALSE(base_urls_without_credentials("http://user:pw@"));
}

TEST(ClientTest, ParsesEveryAnswerShape) {
  auto f = make([](const HttpRequest& r, std::size_t) -> Result<HttpResponse> {
    const std::string& t = r.target;
    if (r.method == "POST" && t == "/subjects/s") {
      return HttpResponse{200, R"({"subject":"s","version":3,"id":5,"schema":"\"string\"",
        "references":[{"name":"a.B","subject":"b","version":1}]})"};
    }
    if (t == "/subjects/s/versions/latest") {
      return HttpResponse{200, R"({"subject":"s","version":3,"id":5,"schema":"\"string\""})"};
    }
    if (t == "/schemas/ids/5")
      return HttpResponse{200, R"({"schema":"\"int\"","schemaType":"AVRO"})"};
    if (t == "/schemas/ids/5/versions") {
      return HttpResponse{200, R"([{"subject":"s","version":3},{"subject":"t","version":1}])"};
    }
    if (t == "/schemas/ids/5/subjects")
      return HttpResponse{200, R"(["s","t"])"};
    if (t == "/schemas/types")
      return HttpResponse{200, R"(["AVRO"])"};
    if (r.method == "DELETE" && t == "/subjects/s?permanent=true")
      return HttpResponse{200, "[1,2,3]"};
    if (r.method == "DELETE" && t == "/subjects/s/versions/2")
      return HttpResponse{200, "2"};
    if (r.method == "GET" && t == "/config/s?defaultToGlobal=true") {
      return HttpResponse{200, R"({"compatibilityLevel":"FULL"})"};
    }
    if (r.method == "PUT" && t == "/config")
      return HttpResponse{200, R"({"compatibility":"NONE"})"};
    if (r.method == "DELETE" && t == "/config/s") {
      return HttpResponse{200, R"({"compatibilityLevel":"FULL"})"};
    }
    if (r.method == "GET" && t == "/mode")
      return HttpResponse{200, R"({"mode":"READWRITE"})"};
    if (r.method == "PUT" && t == "/mode/s?force=true")
      return HttpResponse{200, R"({"mode":"IMPORT"})"};
    if (t == "/compatibility/subjects/s/versions?verbose=true") {
      return HttpResponse{200, R"({"is_compatible":false,"messages":["f: gone", {"x":1}]})"};
    }
    return HttpResponse{404, R"({"error_code":404,"message":"HTTP 404 Not Found"})"};
  });
  auto l = f.client->lookup_schema("s", {"\"string\""});
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(l->version, 3);
  EXPECT_EQ(l->id.value, 5);
  ASSERT_EQ(l->schema.references.size(), 1u);
  EXPECT_EQ(l->schema.references[0], (SchemaReference{"a.B", "b", 1}));
  auto latest = f.client->get_latest_version("s");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->subject, "s");
  auto byid = f.client->get_schema(SchemaId{5});  // cached by get_version
  ASSERT_TRUE(byid);
  EXPECT_EQ(byid->schema, "\"string\"");
  auto versions = f.client->get_schema_versions(SchemaId{5});
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[1].subject, "t");
  EXPECT_EQ(*f.client->get_schema_subjects(SchemaId{5}), (std::vector<std::string>{"s", "t"}));
  EXPECT_EQ(*f.client->get_schema_types(), (std::vector<std::string>{"AVRO"}));
  EXPECT_EQ(*f.client->delete_subject("s", Permanent::kYes), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(*f.client->delete_version("s", 2), 2);
  EXPECT_EQ(*f.client->get_compatibility(std::string_view("s"), DefaultToGlobal::kYes), "FULL");
  EXPECT_EQ(*f.client->set_compatibility(std::nullopt, "NONE"), "NONE");
  EXPECT_EQ(*f.client->delete_compatibility(std::string_view("s")), "FULL");
  EXPECT_EQ(*f.client->get_mode(), "READWRITE");
  EXPECT_EQ(*f.client->set_mode(std::string_view("s"), "IMPORT", true), "IMPORT");
  auto c = f.client->test_compatibility("s", {"\"int\""}, 0, Verbose::kYes);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->is_compatible);
  EXPECT_EQ(c->messages, (std::vector<std::string>{"f: gone", R"({"x":1})"}));
  // A 200 answer of the wrong shape is a clear error, not a crash.
  auto bad = f.client->get_schema(SchemaId{6});
  ASSERT_FALSE(bad);
}

TEST(ClientTest, MalformedAnswerIsCorrupt) {
  auto f = make([](const HttpRequest&, std::size_t) -> Result<HttpResponse> {
    return HttpResponse{200, R"({"no_id":true})"};
  });
  auto id = f.client->register_schema("s", {kUser});
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code(), ErrorCode::kCorrupt);
  auto g = f.client->get_subjects();
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code(), ErrorCode::kCorrupt);
}

TEST(ClientTest, CacheIsThreadSafe) {
  std::atomic<int> calls{0};
  auto f = make([&](const HttpRequest& r, std::size_t) -> Result<HttpResponse> {
    ++calls;
    auto id = r.target.substr(r.target.rfind('/') + 1);
    return HttpResponse{
        200,
        fmt::format(R"({{"schema":"{{\"type\":\"fixed\",\"name\":\"f{}\",\"size\":1}}"}})", id)};
  });
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto s = f.client->get_schema(SchemaId{i % 20});
        if (!s || s->schema.find(fmt::format("\"f{}\"", i % 20)) == std::string::npos)
          ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_LE(calls.load(), 8 * 20);  // at most one miss per (thread, id)
  EXPECT_GE(calls.load(), 20);
}

TEST(ClientTest, CurlTransportRejectsBadUrlsAndMissingFiles) {
  ClientOptions o;
  o.url = "ftp://x";
  EXPECT_FALSE(Client::make(o));
  o.url = "";
  EXPECT_FALSE(Client::make(o));
  o.url = "http://127.0.0.1:1";
  o.ca_file = "/nonexistent/ca.pem";
  auto c = Client::make(o);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
}

TEST(ClientTest, CurlTransportConnectionRefusedIsRetriable) {
  ClientOptions o = fast_options();
  o.url = "http://127.0.0.1:1";
  o.retries = 1;
  auto c = Client::make(o);
  ASSERT_TRUE(c);
  auto s = (*c)->get_subjects();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(s.error().retriable());
}

// --- against the real server -------------------------------------------------------

class ClientServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!server_.ok())
      FAIL() << server_.why();
    ClientOptions o;
    o.url = server_.url();
    auto c = Client::make(o);
    ASSERT_TRUE(c) << c.error().to_string();
    client_ = *c;
  }
  testing::ServerProcess server_;
  std::shared_ptr<Client> client_;
};

constexpr const char* kV1 =
    R"({"type":"record","name":"Movie","namespace":"ev","fields":[{"name":"id","type":"long"},{"name":"title","type":"string"}]})";
constexpr const char* kV2 =
    R"({"type":"record","name":"Movie","namespace":"ev","fields":[{"name":"id","type":"long"},{"name":"title","type":"string"},{"name":"year","type":"int","default":0}]})";
constexpr const char* kBreaking =
    R"({"type":"record","name":"Movie","namespace":"ev","fields":[{"name":"id","type":"long"},{"name":"rating","type":"double"}]})";

TEST_F(ClientServerTest, FullLifeCycle) {
  auto id1 = client_->register_schema("movies-value", {kV1});
  ASSERT_TRUE(id1) << id1.error().to_string();
  auto id2 = client_->register_schema("movies-value", {kV2});
  ASSERT_TRUE(id2) << id2.error().to_string();
  EXPECT_NE(id1->value, id2->value);
  // Same schema in another subject: same global id.
  auto other = client_->register_schema("other-value", {kV1});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->value, id1->value);

  auto refused = client_->register_schema("movies-value", {kBreaking});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kIncompatible);
  EXPECT_EQ(remote_error(refused.error())->http_status, 409);

  auto compat =
      client_->test_compatibility("movies-value", {kBreaking}, kLatestVersion, Verbose::kYes);
  ASSERT_TRUE(compat);
  EXPECT_FALSE(compat->is_compatible);
  EXPECT_FALSE(compat->messages.empty());
  auto ok = client_->test_compatibility("movies-value", {kV2});
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->is_compatible);

  auto looked = client_->lookup_schema("movies-value", {kV2});
  ASSERT_TRUE(looked) << looked.error().to_string();
  EXPECT_EQ(looked->version, 2);
  EXPECT_EQ(looked->id, *id2);

  auto by_id = client_->get_schema(*id1);
  ASSERT_TRUE(by_id);
  EXPECT_NE(by_id->schema.find("Movie"), std::string::npos);
  auto missing = client_->get_schema(SchemaId{9999});
  ASSERT_FALSE(missing);
  EXPECT_EQ(remote_error(missing.error())->error_code, 40403);

  auto subjects = client_->get_subjects();
  ASSERT_TRUE(subjects);
  EXPECT_EQ(*subjects, (std::vector<std::string>{"movies-value", "other-value"}));
  EXPECT_EQ(*client_->get_versions("movies-value"), (std::vector<int>{1, 2}));
  auto latest = client_->get_latest_version("movies-value");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->id, *id2);
  auto v1 = client_->get_version("movies-value", 1);
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->id, *id1);
  auto id_subjects = client_->get_schema_subjects(*id1);
  ASSERT_TRUE(id_subjects) << id_subjects.error().to_string();
  EXPECT_EQ(id_subjects->size(), 2u);

  // Config: global and per subject, 40408 without a subject level.
  EXPECT_EQ(*client_->get_compatibility(), "BACKWARD");
  auto none = client_->get_compatibility(std::string_view("movies-value"));
  ASSERT_FALSE(none);
  EXPECT_EQ(remote_error(none.error())->error_code, 40408);
  EXPECT_EQ(*client_->get_compatibility(std::string_view("movies-value"), DefaultToGlobal::kYes),
            "BACKWARD");
  EXPECT_EQ(*client_->set_compatibility(std::string_view("movies-value"), "NONE"), "NONE");
  EXPECT_EQ(*client_->get_compatibility(std::string_view("movies-value")), "NONE");
  auto bad_level = client_->set_compatibility(std::nullopt, "SIDEWAYS");
  ASSERT_FALSE(bad_level);
  EXPECT_EQ(remote_error(bad_level.error())->error_code, 42203);
  auto breaking = client_->register_schema("movies-value", {kBreaking});
  ASSERT_TRUE(breaking) << breaking.error().to_string();  // NONE allows it

  EXPECT_EQ(*client_->get_mode(), "READWRITE");

  // Deletes: version soft, then subject soft, then permanent.
  EXPECT_EQ(*client_->delete_version("movies-value", 3), 3);
  EXPECT_EQ(*client_->get_versions("movies-value"), (std::vector<int>{1, 2}));
  EXPECT_EQ(*client_->get_versions("movies-value", IncludeDeleted::kYes),
            (std::vector<int>{1, 2, 3}));
  auto early = client_->delete_subject("other-value", Permanent::kYes);
  ASSERT_FALSE(early);
  EXPECT_EQ(remote_error(early.error())->error_code, 40405);
  EXPECT_EQ(*client_->delete_subject("other-value"), (std::vector<int>{1}));
  EXPECT_EQ(*client_->delete_subject("other-value", Permanent::kYes), (std::vector<int>{1}));
  EXPECT_EQ(*client_->get_subjects(), (std::vector<std::string>{"movies-value"}));
  // Ids stay readable.
  client_->clear_caches();
  EXPECT_TRUE(client_->get_schema(*id1));
}

TEST_F(ClientServerTest, RawRequestPassesThrough) {
  auto body = client_->request("GET", "/schemas/types");
  ASSERT_TRUE(body) << body.error().to_string();
  EXPECT_NE(body->find("AVRO"), std::string::npos);
  auto bad = client_->request("GET", "/no/such/route");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kNotFound);
}

TEST_F(ClientServerTest, ConcurrentRegistrationsAgreeOnIds) {
  std::vector<std::thread> threads;
  std::vector<int> ids(8, -1);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto id = client_->register_schema(fmt::format("s{}", t % 2), {kV1});
      if (id)
        ids[static_cast<std::size_t>(t)] = id->value;
    });
  }
  for (auto& t : threads) t.join();
  for (int id : ids) EXPECT_EQ(id, ids[0]);
}

// --- the `sluice registry` client commands -----------------------------------------

class RegistryCliTest : public ClientServerTest {
 protected:
  testing::CommandResult sluice(const std::string& args, const std::string& input = "") {
    std::string cmd = fmt::format("SLUICE_REGISTRY_URL='{}' '{}' registry {}", server_.url(),
                                  testing::sluice_binary(), args);
    if (!input.empty()) {
      testing::write_file(dir_ / "input", input);
      cmd += " < " + (dir_ / "input").string();
    }
    return testing::run_command(cmd);
  }
  nlohmann::json json_of(const testing::CommandResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
  testing::TempDir dir_;
};

constexpr const char* kCliV1 =
    R"('{"type":"record","name":"U","fields":[{"name":"id","type":"long"}]}')";
constexpr const char* kCliV2 =
    R"('{"type":"record","name":"U","fields":[{"name":"id","type":"long"},{"name":"n","type":"string","default":"x"}]}')";
constexpr const char* kCliBad =
    R"('{"type":"record","name":"U","fields":[{"name":"id","type":"int"}]}')";

TEST_F(RegistryCliTest, EveryCommandPrintsJson) {
  EXPECT_EQ(json_of(sluice(fmt::format("register u-value {}", kCliV1))),
            (nlohmann::json{{"id", 1}}));
  EXPECT_EQ(json_of(sluice(fmt::format("register u-value {}", kCliV2)))["id"], 2);
  auto looked = json_of(sluice(fmt::format("lookup u-value {}", kCliV1)));
  EXPECT_EQ(looked["version"], 1);
  EXPECT_EQ(looked["subject"], "u-value");
  auto by_id = json_of(sluice("get --id 2"));
  EXPECT_EQ(by_id["id"], 2);
  EXPECT_NE(by_id["schema"].get<std::string>().find("\"n\""), std::string::npos);
  auto latest = json_of(sluice("get --subject u-value"));
  EXPECT_EQ(latest["version"], 2);
  auto raw = sluice("get --subject u-value --version 1 --schema-only");
  EXPECT_EQ(raw.out, R"({"type":"record","name":"U","fields":[{"name":"id","type":"long"}]})"
                     "\n");
  EXPECT_EQ(json_of(sluice("subjects")), (nlohmann::json{"u-value"}));
  EXPECT_EQ(json_of(sluice("versions u-value")), (nlohmann::json{1, 2}));

  // compat: exit 0 / 1, reasons with --verbose.
  auto ok = sluice(fmt::format("compat u-value {}", kCliV2));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(json_of(ok), (nlohmann::json{{"is_compatible", true}}));
  auto bad = sluice(fmt::format("compat u-value {} --verbose", kCliBad));
  EXPECT_EQ(bad.exit_code, 1);
  auto bad_json = nlohmann::json::parse(bad.out);
  EXPECT_FALSE(bad_json["is_compatible"].get<bool>());
  EXPECT_FALSE(bad_json["messages"].empty());

  // config and mode
  EXPECT_EQ(json_of(sluice("config")), (nlohmann::json{{"compatibilityLevel", "BACKWARD"}}));
  auto no_level = sluice("config u-value");
  EXPECT_EQ(no_level.exit_code, 1);
  EXPECT_NE(no_level.err.find("registry error 40408 (HTTP 404)"), std::string::npos)
      << no_level.err;
  EXPECT_EQ(json_of(sluice("config u-value --default-to-global")),
            (nlohmann::json{{"compatibilityLevel", "BACKWARD"}}));
  EXPECT_EQ(json_of(sluice("config u-value --set FULL")),
            (nlohmann::json{{"compatibility", "FULL"}}));
  EXPECT_EQ(json_of(sluice("config u-value")), (nlohmann::json{{"compatibilityLevel", "FULL"}}));
  EXPECT_EQ(json_of(sluice("mode")), (nlohmann::json{{"mode", "READWRITE"}}));

  // A refused registration names the field and exits 1.
  auto refused = sluice(fmt::format("register u-value {}", kCliBad));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("(HTTP 409)"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("id"), std::string::npos);

  // delete: version, subject, permanent.
  EXPECT_EQ(json_of(sluice("delete u-value --version 2")), nlohmann::json(2));
  EXPECT_EQ(json_of(sluice("delete u-value")), (nlohmann::json{1}));
  EXPECT_EQ(json_of(sluice("delete u-value --permanent")), (nlohmann::json{1, 2}));
  EXPECT_EQ(json_of(sluice("subjects --deleted")), nlohmann::json::array());
}

TEST_F(RegistryCliTest, EncodeDecodeThroughTheRegistry) {
  auto enc =
      sluice(fmt::format("encode --topic t --schema {}", kCliV1), "{\"id\": 1}\n\n{\"id\": -2}\n");
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  EXPECT_EQ(enc.out, "000000000102\n000000000103\n");
  auto dec = sluice(fmt::format("decode --with-id --reader {}", kCliV2), enc.out);
  ASSERT_EQ(dec.exit_code, 0) << dec.err;
  EXPECT_EQ(dec.out,
            "{\"schema_id\":1,\"value\":{\"id\": 1, \"n\": \"x\"}}\n"
            "{\"schema_id\":1,\"value\":{\"id\": -2, \"n\": \"x\"}}\n");
  auto bad_hex = sluice("decode", "zz\n");
  EXPECT_EQ(bad_hex.exit_code, 1);
  EXPECT_NE(bad_hex.err.find("line 1"), std::string::npos) << bad_hex.err;
  auto unknown = sluice("decode", "0000000063\n");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("40403"), std::string::npos) << unknown.err;
  auto bad_value = sluice(fmt::format("encode --topic t --schema {}", kCliV1), "{\"id\": \"x\"}\n");
  EXPECT_EQ(bad_value.exit_code, 1);
  auto lookup_only = sluice(fmt::format("encode --topic other --no-register --schema {}", kCliV1),
                            "{\"id\": 1}\n");
  EXPECT_EQ(lookup_only.exit_code, 1);
  EXPECT_NE(lookup_only.err.find("40401"), std::string::npos) << lookup_only.err;
}

TEST(RegistryCliUsageTest, BadArgumentsExitTwo) {
  auto both = testing::run_command(
      fmt::format("'{}' registry get --id 1 --subject s", testing::sluice_binary()));
  EXPECT_EQ(both.exit_code, 2);
  auto bad_url = testing::run_command(
      fmt::format("'{}' registry subjects --url ftp://x", testing::sluice_binary()));
  EXPECT_EQ(bad_url.exit_code, 2);
  EXPECT_NE(bad_url.err.find("http or https"), std::string::npos) << bad_url.err;
  auto bad_version = testing::run_command(fmt::format(
      "'{}' registry delete s --version zero --url http://127.0.0.1:1", testing::sluice_binary()));
  EXPECT_EQ(bad_version.exit_code, 2);
  auto down = testing::run_command(fmt::format(
      "'{}' registry subjects --url http://127.0.0.1:1 --retries 0", testing::sluice_binary()));
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.err.find("sluice: error:"), std::string::npos);
  auto help =
      testing::run_command(fmt::format("'{}' registry register --help", testing::sluice_binary()));
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Example"), std::string::npos);
}

// --- basic auth, ACLs and TLS against the real server ---------------------------

class ClientSecureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cert = testing::run_command(
        fmt::format("openssl req -x509 -newkey rsa:2048 -nodes -keyout '{}' -out '{}' -days 2 "
                    "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1",
                    (dir_ / "key.pem").string(), (dir_ / "cert.pem").string()));
    if (cert.exit_code != 0)
      FAIL() << "openssl failed: " << cert.err;
    auto hash = testing::run_command(
        fmt::format("'{}' registry hash-password --password s3cret", testing::sluice_binary()));
    if (hash.exit_code != 0)
      FAIL() << "hash-password failed: " << hash.err;
    std::string h = hash.out.substr(0, hash.out.find_last_not_of("\r\n") + 1);
    nlohmann::json users = {
        {"users",
         {{{"name", "admin"},
           {"password", h},
           {"acl", {{{"prefix", ""}, {"permissions", {"admin"}}}}}},
          {{"name", "orders-app"},
           {"password", h},
           {"acl", {{{"prefix", "orders-"}, {"permissions", {"read", "write"}}}}}}}}};
    testing::write_file(dir_ / "users.json", users.dump());
    server_ = std::make_unique<testing::ServerProcess>(std::vector<std::string>{
        "--users", (dir_ / "users.json").string(), "--tls-cert", (dir_ / "cert.pem").string(),
        "--tls-key", (dir_ / "key.pem").string()});
    if (!server_->ok())
      FAIL() << server_->why();
  }

  ClientOptions options(std::string auth) {
    ClientOptions o;
    o.url = server_->url();
    o.ca_file = (dir_ / "cert.pem").string();
    o.basic_auth = std::move(auth);
    o.retries = 0;
    return o;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(ClientSecureTest, BasicAuthOverTlsWithAcls) {
  ASSERT_EQ(server_->url().rfind("https://", 0), 0u) << server_->url();
  auto admin = Client::make(options("admin:s3cret"));
  ASSERT_TRUE(admin) << admin.error().to_string();
  auto id = (*admin)->register_schema("payments-value", {kV1});
  ASSERT_TRUE(id) << id.error().to_string();

  // Credentials in the URL work too.
  ClientOptions in_url = options("");
  in_url.url = "https://orders-app:s3cret@" + server_->url().substr(8);
  auto app = Client::make(in_url);
  ASSERT_TRUE(app);
  auto mine = (*app)->register_schema("orders-value", {kV1});
  ASSERT_TRUE(mine) << mine.error().to_string();
  auto theirs = (*app)->register_schema("payments-value", {kV2});
  ASSERT_FALSE(theirs);
  EXPECT_EQ(remote_error(theirs.error())->http_status, 403);
  EXPECT_FALSE(theirs.error().retriable());

  auto wrong = Client::make(options("admin:wrong"));
  ASSERT_TRUE(wrong);
  auto denied = (*wrong)->get_subjects();
  ASSERT_FALSE(denied);
  auto re = remote_error(denied.error());
  ASSERT_TRUE(re);
  EXPECT_EQ(re->http_status, 401);
  EXPECT_EQ(re->error_code, 401);

  // Without the CA the certificate cannot be verified: a clear, non-retriable error.
  ClientOptions no_ca = options("admin:s3cret");
  no_ca.ca_file.clear();
  auto unverified = Client::make(no_ca);
  ASSERT_TRUE(unverified);
  auto refused = (*unverified)->get_subjects();
  ASSERT_FALSE(refused);
  EXPECT_FALSE(refused.error().retriable()) << refused.error().to_string();
  // ... unless verification is switched off.
  no_ca.verify = TlsVerify::kNo;
  auto insecure = Client::make(no_ca);
  ASSERT_TRUE(insecure);
  auto subjects = (*insecure)->get_subjects();
  ASSERT_TRUE(subjects) << subjects.error().to_string();
  EXPECT_EQ(*subjects, (std::vector<std::string>{"orders-value", "payments-value"}));
}

}  // namespace
}  // namespace sluice::registry
