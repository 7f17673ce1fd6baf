// The Confluent REST API over a SchemaRegistry, independent of the HTTP transport.
//
//   RestApi api(registry, ApiOptions{}, /*auth=*/nullptr);
//   RestRequest req{"GET", "/subjects/orders/versions/latest", {}, {}, ""};
//   RestResponse res = api.handle(req);    // res.status 200, res.body {"subject":...}
//
// handle() does content negotiation (Accept, Content-Type), authentication and ACLs,
// routing, and renders every error as {"error_code":N,"message":"..."}. It never
// throws; it is thread-safe and allocation-light on the hot reads (GET
// /schemas/ids/{id} returns a pre-rendered body).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "registry/auth.h"
#include "registry/store.h"

namespace sluice::registry {

struct RestRequest {
  std::string_view method;         // "GET", "POST", ...
  std::string_view target;         // path and query, raw: "/subjects/a%2Fb/versions?deleted=true"
  std::string_view accept;         // Accept header ("" when absent)
  std::string_view content_type;   // Content-Type header ("" when absent)
  std::string_view authorization;  // Authorization header ("" when absent)
  std::string_view body;
};

struct RestResponse {
  int status = 200;
  std::string body;
  std::string_view content_type = "application/vnd.schemaregistry.v1+json";
  std::string_view route = "unknown";  // route template, for metrics and logs
  std::string user;                    // authenticated user name, for the access log
};

enum class SchemaTypeField : std::uint8_t { kOmitForAvro, kAlways };

struct ApiOptions {
  SchemaTypeField schema_type = SchemaTypeField::kOmitForAvro;
};

class RestApi {
 public:
  // `auth` may be null (no authentication). Both must outlive the RestApi.
  RestApi(SchemaRegistry& registry, ApiOptions options, const Authenticator* auth);
  ~RestApi();

  // Answers `request`, waiting for the commit when it is a registration that has to be
  // written.
  RestResponse handle(const RestRequest& request) const;
  // The same without waiting: a registration that joins a group commit (see store.h)
  // makes handle() return nullopt and call later(response) exactly once, from the
  // registry's commit thread (so `later` must not block). Without `later` (empty), it
  // waits. `request` needs to stay valid only until handle() returns.
  using Later = std::function<void(RestResponse)>;
  std::optional<RestResponse> handle(const RestRequest& request, Later later) const;

  // The Prometheus text for /metrics is produced by the server; it sets this hook.
  std::string (*metrics_renderer)(void* ctx) = nullptr;
  void* metrics_ctx = nullptr;

  // {"error_code":code,"message":message}.
  static std::string error_body(int code, std::string_view message);

  // Bodies of answered POST /subjects/{s}/versions -> schema identity, so a repeated
  // (idempotent) registration is answered without parsing its JSON (rest_api.cc).
  struct BodyCache;

 private:
  SchemaRegistry& registry_;
  ApiOptions options_;
  const Authenticator* auth_;
  std::unique_ptr<BodyCache> body_cache_;
};

}  // namespace sluice::registry
