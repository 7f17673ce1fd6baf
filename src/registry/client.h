// A client for Confluent-compatible schema registries (ours and Confluent's REST API).
//
//   ClientOptions options;
//   options.url = "http://127.0.0.1:8081";           // or "https://user:pw@host:8081"
//   SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<Client> client, Client::make(options));
//   SLUICE_ASSIGN_OR_RETURN(SchemaId id, client->register_schema("orders-value", {avsc}));
//   SLUICE_ASSIGN_OR_RETURN(RegistrySchema s, client->get_schema(id));   // cached
//
// Every call is one HTTP request over libcurl (kept out of this header), except the
// cached ones: get_schema() by id (schemas never change under an id) and
// register_schema()/lookup_schema() by (subject, schema text) until that subject is
// deleted through this client. The caches are thread-safe; a Client may be shared by
// many threads (connections are pooled, one in flight per thread).
//
// Errors: a registry answer outside 2xx becomes an Error whose message is
// "registry error <error_code> (HTTP <status>): <server message>" — use
// remote_error() to get the numbers back. Codes: 404 -> kNotFound, 409 ->
// kIncompatible, 42201 -> kInvalidSchema, 413/42209 -> kLimitExceeded, other 4xx ->
// kInvalidArgument, 5xx and connection failures -> kUnavailable (retriable()).
// Retriable failures are retried with exponential backoff (ClientOptions::retries),
// rotating through the comma-separated URLs.
#pragma once

#include "base/result.h"
#include "registry/wire_format.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::registry {

// "Two-value enum, not bool" flags.
enum class Permanent : std::uint8_t { kNo, kYes };
enum class IncludeDeleted : std::uint8_t { kNo, kYes };
enum class Normalize : std::uint8_t { kNo, kYes };
enum class Verbose : std::uint8_t { kNo, kYes };
enum class DefaultToGlobal : std::uint8_t { kNo, kYes };
enum class TlsVerify : std::uint8_t { kYes, kNo };

// A version number (1..2^31-1), or kLatestVersion for "latest".
inline constexpr int kLatestVersion = -1;

struct SchemaReference {
  std::string name;  // the referenced type's full name (Avro) or file name
  std::string subject;
  int version = 0;
  bool operator==(const SchemaReference&) const = default;
};

// A schema as the registry stores it: text, type ("AVRO", "JSON", "PROTOBUF") and
// references to schemas in other subjects.
struct RegistrySchema {
  std::string schema;
  std::string schema_type = "AVRO";
  std::vector<SchemaReference> references;
};

// One version of a subject.
struct SubjectVersion {
  std::string subject;
  int version = 0;
  SchemaId id;
  RegistrySchema schema;
};

struct CompatibilityResult {
  bool is_compatible = false;
  std::vector<std::string> messages;  // only with Verbose::kYes
};

// The numbers behind a registry error (see remote_error()).
struct RemoteError {
  int http_status = 0;
  int error_code = 0;  // Confluent's (40401, 42201, ...); the HTTP status when the body had none
  std::string message;
};

// The registry's error code and message when `error` came from a registry answer,
// or nullopt (e.g. a connection failure).
std::optional<RemoteError> remote_error(const Error& error);

struct ClientOptions {
  // Base URL(s), comma-separated; "user:password@" in a URL sets basic auth.
  std::string url = "http://127.0.0.1:8081";
  // HTTP basic auth as "user:password" (overrides credentials in the URL).
  std::string basic_auth;
  // TLS: CA bundle to verify the server, client certificate and key (PEM) for mTLS.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  TlsVerify verify = TlsVerify::kYes;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};
  // Retriable failures are retried up to `retries` times, waiting
  // initial_backoff * 2^attempt (capped at max_backoff, with jitter) in between.
  int retries = 3;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{2000};
};

// One HTTP exchange, the seam between the client and libcurl (tests substitute it).
struct HttpRequest {
  std::string method;  // GET, POST, PUT, DELETE
  std::string target;  // path and query, e.g. "/subjects/a%2Fb/versions?deleted=true"
  std::string body;    // JSON, empty for none
};
struct HttpResponse {
  int status = 0;
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `request` to base URL number `url_index` (modulo the number of URLs).
  // Fails with kUnavailable when the server cannot be reached or the request times
  // out; any HTTP answer, 5xx included, is a success here.
  virtual Result<HttpResponse> send(const HttpRequest& request, std::size_t url_index) = 0;
  // How many base URLs there are (>= 1).
  virtual std::size_t url_count() const { return 1; }
};

// The libcurl transport for `options`. Fails with kInvalidArgument on an empty or
// non-http(s) URL, or a missing CA/cert/key file.
Result<std::unique_ptr<Transport>> make_curl_transport(const ClientOptions& options);

class Client {
 public:
  // A client over libcurl. Fails as make_curl_transport().
  static Result<std::shared_ptr<Client>> make(const ClientOptions& options);
  // A client over any transport (tests, other HTTP stacks).
  static std::shared_ptr<Client> with_transport(const ClientOptions& options,
                                                std::unique_ptr<Transport> transport);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  // POST /subjects/{subject}/versions. Returns the schema's global id (existing
  // registrations return their id). Cached per (subject, schema text).
  Result<SchemaId> register_schema(std::string_view subject, const RegistrySchema& schema,
                                   Normalize normalize = Normalize::kNo);
  // POST /subjects/{subject}: the version of `schema` under `subject`. kNotFound
  // (40401 subject, 40403 schema) when it is not registered there.
  Result<SubjectVersion> lookup_schema(std::string_view subject, const RegistrySchema& schema,
                                       IncludeDeleted deleted = IncludeDeleted::kNo,
                                       Normalize normalize = Normalize::kNo);
  // GET /schemas/ids/{id}. Cached forever (an id never changes its schema).
  Result<RegistrySchema> get_schema(SchemaId id);
  // GET /schemas/ids/{id}/subjects and /versions.
  Result<std::vector<std::string>> get_schema_subjects(SchemaId id);
  Result<std::vector<SubjectVersion>> get_schema_versions(SchemaId id);
  // GET /schemas/types.
  Result<std::vector<std::string>> get_schema_types();

  // Which of the comma-separated base URLs requests go to now: the one that answered
  // last (0 until one fails over). An index into base_urls_without_credentials(url).
  std::size_t url_in_use() const;

  // GET /subjects.
  Result<std::vector<std::string>> get_subjects(IncludeDeleted deleted = IncludeDeleted::kNo,
                                                std::string_view subject_prefix = {});
  // GET /subjects/{subject}/versions.
  Result<std::vector<int>> get_versions(std::string_view subject,
                                        IncludeDeleted deleted = IncludeDeleted::kNo);
  // GET /subjects/{subject}/versions/{version} (kLatestVersion for "latest").
  Result<SubjectVersion> get_version(std::string_view subject, int version,
                                     IncludeDeleted deleted = IncludeDeleted::kNo);
  Result<SubjectVersion> get_latest_version(std::string_view subject) {
    return get_version(subject, kLatestVersion);
  }
  // DELETE /subjects/{subject}[?permanent=true]: the deleted version numbers.
  Result<std::vector<int>> delete_subject(std::string_view subject,
                                          Permanent permanent = Permanent::kNo);
  // DELETE /subjects/{subject}/versions/{version}[?permanent=true]: the version.
  Result<int> delete_version(std::string_view subject, int version,
                             Permanent permanent = Permanent::kNo);

  // GET /config or /config/{subject}: the compatibility level ("BACKWARD", ...).
  // Without DefaultToGlobal a subject with no own level fails with kNotFound (40408).
  Result<std::string> get_compatibility(std::optional<std::string_view> subject = std::nullopt,
                                        DefaultToGlobal fallback = DefaultToGlobal::kNo);
  // PUT /config[/{subject}] {"compatibility": level}: the level set.
  Result<std::string> set_compatibility(std::optional<std::string_view> subject,
                                        std::string_view level);
  // DELETE /config[/{subject}]: the level that was removed.
  Result<std::string> delete_compatibility(std::optional<std::string_view> subject);

  // GET/PUT /mode[/{subject}]: "READWRITE", "READONLY", "IMPORT".
  Result<std::string> get_mode(std::optional<std::string_view> subject = std::nullopt,
                               DefaultToGlobal fallback = DefaultToGlobal::kNo);
  Result<std::string> set_mode(std::optional<std::string_view> subject, std::string_view mode,
                               bool force = false);

  // POST /compatibility/subjects/{subject}/versions/{version} (kLatestVersion =
  // "latest"; 0 = against every version the subject's level asks for).
  Result<CompatibilityResult> test_compatibility(std::string_view subject,
                                                 const RegistrySchema& schema,
                                                 int version = kLatestVersion,
                                                 Verbose verbose = Verbose::kNo);

  // Any request, for callers that want the raw JSON answer (the CLI's passthrough).
  // Same error mapping and retries as the typed calls.
  Result<std::string> request(std::string_view method, std::string_view target,
                              std::string_view body = {});

  // Drops every cached entry.
  void clear_caches();

  struct Impl;

 private:
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The base URLs of ClientOptions::url (comma-separated) as they may be shown or
// recorded: without "user:password@" and trailing '/'. kInvalidArgument as the client.
Result<std::vector<std::string>> base_urls_without_credentials(std::string_view urls);

// Percent-encodes `text` for use as one URL path segment or query value
// (everything but A-Z a-z 0-9 - _ . ~).
std::string url_encode(std::string_view text);

}  // namespace sluice::registry
