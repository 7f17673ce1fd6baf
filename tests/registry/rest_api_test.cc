// In-process tests of the REST layer (registry/rest_api.h): routing, negotiation,
// envelopes, config asymmetry, ACLs. No sockets.
#include "registry/rest_api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace sluice::registry {
namespace {

using nlohmann::json;

class RestApiTest : public ::testing::Test {
 protected:
  RestApiTest() : registry_(std::move(*SchemaRegistry::open("memory"))), api_(*registry_, {}, nullptr) {}

  RestResponse call(std::string_view method, std::string_view target, std::string_view body = "",
                    std::string_view accept = "", std::string_view content_type = "") {
    RestRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.accept = accept;
    r.content_type = content_type;
    return api_.handle(r);
  }

  std::unique_ptr<SchemaRegistry> registry_;
  RestApi api_;
};

TEST_F(RestApiTest, RegisterAndFetch) {
  auto r = call("POST", "/subjects/a/versions", R"({"schema":"{\"type\":\"string\"}"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"id":1})");
  EXPECT_EQ(call("GET", "/schemas/ids/1").body, R"({"schema":"\"string\""})");
  EXPECT_EQ(call("GET", "/schemas/ids/1?subject=a").body, R"({"schema":"\"string\""})");
  EXPECT_EQ(call("GET", "/subjects/a/versions/latest").body,
            R"({"subject":"a","version":1,"id":1,"schema":"\"string\""})");
  EXPECT_EQ(call("GET", "/").body, "{}");
}

TEST_F(RestApiTest, ErrorEnvelopes) {
  auto r = call("GET", "/schemas/ids/77");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error_code":40403,"message":"Schema 77 not found"})");
  r = call("GET", "/no/such/route");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body)["error_code"], 404);
  r = call("POST", "/subjects/a/versions", "{not json");
  EXPECT_EQ(r.status, 400);
  r = call("PATCH", "/subjects");
  EXPECT_EQ(r.status, 405);
}

TEST_F(RestApiTest, Negotiation) {
  EXPECT_EQ(call("GET", "/subjects").content_type, "application/vnd.schemaregistry.v1+json");
  EXPECT_EQ(call("GET", "/subjects", "", "application/json").content_type, "application/json");
  EXPECT_EQ(call("GET", "/subjects", "", "*/*").content_type,
            "application/vnd.schemaregistry.v1+json");
  EXPECT_EQ(call("GET", "/subjects", "", "application/json; q=0.8, application/vnd.schemaregistry+json; q=0.2")
                .content_type,
            "application/json");
  auto r = call("GET", "/subjects", "", "text/html");
  EXPECT_EQ(r.status, 406);
  EXPECT_EQ(r.body, R"({"error_code":406,"message":"HTTP 406 Not Acceptable"})");
  r = call("POST", "/subjects/a/versions", R"({"schema":"\"int\""})", "", "text/html");
  EXPECT_EQ(r.status, 415);
  r = call("POST", "/subjects/a/versions", R"({"schema":"\"int\""})", "",
           "application/octet-stream");
  EXPECT_EQ(r.status, 200);
}

TEST_F(RestApiTest, ConfigAsymmetry) {
  auto r = call("PUT", "/config/s", R"({"compatibility":"FULL"})");
  EXPECT_EQ(r.body, R"({"compatibility":"FULL"})");
  EXPECT_EQ(call("GET", "/config/s").body, R"({"compatibilityLevel":"FULL"})");
  EXPECT_EQ(call("GET", "/config/t").status, 404);
  EXPECT_EQ(call("GET", "/config/t?defaultToGlobal=true").body,
            R"({"compatibilityLevel":"BACKWARD"})");
  EXPECT_EQ(json::parse(call("PUT", "/config", R"({"compatibility":"WRONG"})").body)["error_code"],
            42203);
}

TEST_F(RestApiTest, AclsFilterAndForbid) {
  auto hash = hash_password("pw");
  ASSERT_TRUE(hash);
  auto auth = Authenticator::from_json(
      R"({"users":[{"name":"u","password":")" + *hash +
      R"(","acl":[{"prefix":"mine-","permissions":["write"]}]}]})");
  ASSERT_TRUE(auth) << auth.error().to_string();
  RestApi api(*registry_, {}, auth->get());
  RestRequest r;
  r.method = "GET";
  r.target = "/subjects";
  EXPECT_EQ(api.handle(r).status, 401);
  r.authorization = "Basic dTpwdw==";  // u:pw
  EXPECT_EQ(api.handle(r).status, 200);
  r.method = "POST";
  r.target = "/subjects/other/versions";
  r.body = R"({"schema":"\"int\""})";
  EXPECT_EQ(api.handle(r).status, 403);
  r.target = "/subjects/mine-1/versions";
  EXPECT_EQ(api.handle(r).status, 200);
  r.authorization = "Basic dTp3cm9uZw==";  // u:wrong
  EXPECT_EQ(api.handle(r).status, 401);
}

}  // namespace
}  // namespace sluice::registry
