#include "registry/client.h"

#include "base/hex.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace sluice::registry {
namespace {

using nlohmann::json;

constexpr std::string_view kRemotePrefix = "registry error ";

// ---------------------------------------------------------------------------------
// URL handling

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '/')) s.remove_suffix(1);
  return std::string(s);
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit_value(s[i + 1]) >= 0 && hex_digit_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit_value(s[i + 1]) * 16 + hex_digit_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

struct BaseUrl {
  std::string url;       // scheme://host:port[/prefix], no credentials, no trailing '/'
  std::string userinfo;  // "user:password" from the URL, decoded, or ""
};

Result<BaseUrl> parse_base_url(std::string_view text) {
  std::string url = trim(text);
  auto scheme_end = url.find("://");
  if (url.empty() || scheme_end == std::string::npos) {
    return fail(ErrorCode::kInvalidArgument,
                "registry URL '{}' is not of the form http(s)://host:port", url);
  }
  std::string scheme = url.substr(0, scheme_end);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") {
    return fail(ErrorCode::kInvalidArgument, "registry URL '{}': scheme must be http or https",
                url);
  }
  BaseUrl out;
  std::size_t host_begin = scheme_end + 3;
  std::size_t host_end = url.find('/', host_begin);
  if (host_end == std::string::npos)
    host_end = url.size();
  std::size_t at = url.rfind('@', host_end);
  if (at != std::string::npos && at >= host_begin) {
    out.userinfo = url_decode(std::string_view(url).substr(host_begin, at - host_begin));
    url.erase(host_begin, at + 1 - host_begin);
  }
  while (url.size() > host_begin && url.back() == '/')
    url.pop_back();
  if (url.size() == host_begin) {
    return fail(ErrorCode::kInvalidArgument, "registry URL '{}' has no host", std::string(text));
  }
  out.url = std::move(url);
  return out;
}

// ---------------------------------------------------------------------------------
// libcurl transport

void global_curl_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t write_to_string(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

class CurlTransport final : public Transport {
 public:
  CurlTransport(ClientOptions options, std::vector<BaseUrl> urls)
      : options_(std::move(options)), urls_(std::move(urls)) {
    global_curl_init();
    headers_ = curl_slist_append(headers_, "Content-Type: application/vnd.schemaregistry.v1+json");
    headers_ = curl_slist_append(headers_,
                                 "Accept: application/vnd.schemaregistry.v1+json, "
                                 "application/vnd.schemaregistry+json, application/json");
    headers_ = curl_slist_append(headers_, "Expect:");
  }
  ~CurlTransport() override {
    for (CURL* h : idle_) curl_easy_cleanup(h);
    curl_slist_free_all(headers_);
  }

  std::size_t url_count() const override { return urls_.size(); }

  Result<HttpResponse> send(const HttpRequest& request, std::size_t url_index) override {
    const BaseUrl& base = urls_[url_index % urls_.size()];
    CURL* h = acquire();
    if (h == nullptr)
      return fail(ErrorCode::kInternal, "curl_easy_init failed");
    std::string url = base.url + request.target;
    std::string body;
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &write_to_string);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    if (request.method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      if (request.method != "POST") {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      }
      if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
      }
    }
    const std::string& auth = !options_.basic_auth.empty() ? options_.basic_auth : base.userinfo;
    std::string user;
    std::string password;
    if (!auth.empty()) {
      auto colon = auth.find(':');
      user = auth.substr(0, colon);
      password = colon == std::string::npos ? "" : auth.substr(colon + 1);
      curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(h, CURLOPT_USERNAME, user.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, password.c_str());
    }
    if (!options_.ca_file.empty())
      curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.cert_file.empty()) {
      curl_easy_setopt(h, CURLOPT_SSLCERT, options_.cert_file.c_str());
    }
    if (!options_.key_file.empty())
      curl_easy_setopt(h, CURLOPT_SSLKEY, options_.key_file.c_str());
    if (options_.verify == TlsVerify::kNo) {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }

    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    release(h);
    if (rc != CURLE_OK) {
      // Certificate and option problems will not go away on a retry.
      ErrorCode code = ErrorCode::kUnavailable;
      switch (rc) {
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CIPHER:
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
          code = ErrorCode::kInvalidArgument;
          break;
        default:
          break;
      }
      return fail(code, "{} {}: {}", request.method, url, curl_easy_strerror(rc));
    }
    return HttpResponse{static_cast<int>(status), std::move(body)};
  }

 private:
  CURL* acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        // Keeps the connection cache; clears every option of the last request.
        curl_easy_reset(h);
        return h;
      }
    }
    return curl_easy_init();
  }
  void release(CURL* h) {
    std::lock_guard lock(mu_);
    idle_.push_back(h);
  }

  ClientOptions options_;
  std::vector<BaseUrl> urls_;
  curl_slist* headers_ = nullptr;
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

// ---------------------------------------------------------------------------------
// JSON helpers (no exceptions: nlohmann's are caught here, where we call it)

Result<json> parse_json(std::string_view body, std::string_view what) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return fail(ErrorCode::kCorrupt, "{}: the registry's answer is not JSON: {}", what,
                body.substr(0, 200));
  }
  return j;
}

Error bad_answer(std::string_view what, const json& j) {
  return Error(ErrorCode::kCorrupt,
               fmt::format("{}: unexpected answer from the registry: {}", what,
                           j.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 200)));
}

std::optional<std::int64_t> get_int(const json& j, const char* key) {
  if (!j.is_object())
    return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer())
    return std::nullopt;
  return it->get<std::int64_t>();
}

std::optional<std::string> get_string(const json& j, const char* key) {
  if (!j.is_object())
    return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_string())
    return std::nullopt;
  return it->get<std::string>();
}

json schema_body(const RegistrySchema& schema) {
  json body = {{"schema", schema.schema}};
  if (!schema.schema_type.empty() && schema.schema_type != "AVRO") {
    body["schemaType"] = schema.schema_type;
  }
  if (!schema.references.empty()) {
    json refs = json::array();
    for (const SchemaReference& r : schema.references) {
      refs.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
    }
    body["references"] = std::move(refs);
  }
  return body;
}

Result<RegistrySchema> schema_from(const json& j, std::string_view what) {
  auto text = get_string(j, "schema");
  if (!text)
    return fail(bad_answer(what, j));
  RegistrySchema out;
  out.schema = std::move(*text);
  if (auto type = get_string(j, "schemaType"))
    out.schema_type = std::move(*type);
  if (auto it = j.find("references"); it != j.end() && it->is_array()) {
    for (const json& r : *it) {
      SchemaReference ref;
      ref.name = get_string(r, "name").value_or("");
      ref.subject = get_string(r, "subject").value_or("");
      ref.version = static_cast<int>(get_int(r, "version").value_or(0));
      out.references.push_back(std::move(ref));
    }
  }
  return out;
}

Result<SubjectVersion> subject_version_from(const json& j, std::string_view what) {
  auto id = get_int(j, "id");
  auto version = get_int(j, "version");
  if (!id || !version)
    return fail(bad_answer(what, j));
  SubjectVersion out;
  out.subject = get_string(j, "subject").value_or("");
  out.version = static_cast<int>(*version);
  out.id = SchemaId{static_cast<std::int32_t>(*id)};
  SLUICE_ASSIGN_OR_RETURN(out.schema, schema_from(j, what));
  return out;
}

template <class T>
Result<std::vector<T>> array_of(const json& j, std::string_view what) {
  if (!j.is_array())
    return fail(bad_answer(what, j));
  std::vector<T> out;
  for (const json& item : j) {
    if constexpr (std::is_same_v<T, int>) {
      if (!item.is_number_integer())
        return fail(bad_answer(what, j));
      out.push_back(item.get<int>());
    } else {
      if (!item.is_string())
        return fail(bad_answer(what, j));
      out.push_back(item.get<std::string>());
    }
  }
  return out;
}

ErrorCode code_for(int status, int error_code) {
  if (status >= 500)
    return ErrorCode::kUnavailable;
  if (status == 404)
    return ErrorCode::kNotFound;
  if (status == 409)
    return ErrorCode::kIncompatible;
  if (status == 413 || error_code == 42209)
    return ErrorCode::kLimitExceeded;
  if (error_code == 42201)
    return ErrorCode::kInvalidSchema;
  if (status == 406 || status == 415)
    return ErrorCode::kUnsupported;
  if (status >= 400)
    return ErrorCode::kInvalidArgument;
  return ErrorCode::kInternal;  // 1xx/3xx: we never ask for these
}

Error error_from_response(const HttpResponse& response) {
  int error_code = response.status;
  std::string message;
  json j = json::parse(response.body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (auto c = get_int(j, "error_code"))
      error_code = static_cast<int>(*c);
    if (auto m = get_string(j, "message"))
      message = std::move(*m);
  }
  if (message.empty()) {
    message = response.body.empty() ? fmt::format("HTTP {}", response.status)
                                    : response.body.substr(0, 500);
  }
  return Error(
      code_for(response.status, error_code),
      fmt::format("{}{} (HTTP {}): {}", kRemotePrefix, error_code, response.status, message));
}

std::string subject_path(std::optional<std::string_view> subject, std::string_view root) {
  if (!subject)
    return std::string(root);
  return fmt::format("{}/{}", root, url_encode(*subject));
}

std::string version_segment(int version) {
  return version == kLatestVersion ? std::string("latest") : std::to_string(version);
}

}  // namespace

// -----------------------------------------------------------------------------------

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<RemoteError> remote_error(const Error& error) {
  std::string_view m = error.message();
  if (m.substr(0, kRemotePrefix.size()) != kRemotePrefix)
    return std::nullopt;
  RemoteError out;
  int consumed = 0;
  std::string head(m.substr(kRemotePrefix.size(), 40));
  if (std::sscanf(head.c_str(), "%d (HTTP %d): %n", &out.error_code, &out.http_status, &consumed) <
          2 ||
      consumed == 0) {
    return std::nullopt;
  }
  out.message = std::string(m.substr(kRemotePrefix.size() + static_cast<std::size_t>(consumed)));
  return out;
}

namespace {
// The base URLs of a comma-separated list (empty items ignored); kInvalidArgument for a
// malformed one or none.
Result<std::vector<BaseUrl>> parse_base_urls(std::string_view list) {
  std::vector<BaseUrl> urls;
  std::string_view rest = list;
  while (true) {
    auto comma = rest.find(',');
    std::string_view one = rest.substr(0, comma);
    if (!trim(one).empty()) {
      SLUICE_ASSIGN_OR_RETURN(BaseUrl url, parse_base_url(one));
      urls.push_back(std::move(url));
    }
    if (comma == std::string_view::npos)
      break;
    rest.remove_prefix(comma + 1);
  }
  if (urls.empty())
    return fail(ErrorCode::kInvalidArgument, "no registry URL given");
  return urls;
}
}  // namespace

Result<std::vector<std::string>> base_urls_without_credentials(std::string_view urls) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<BaseUrl> parsed, parse_base_urls(urls));
  std::vector<std::string> out;
  for (BaseUrl& b : parsed)
    out.push_back(std::move(b.url));
  return out;
}

Result<std::unique_ptr<Transport>> make_curl_transport(const ClientOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<BaseUrl> urls, parse_base_urls(options.url));
  for (const auto& [file, what] :
       {std::pair{&options.ca_file, "CA file"}, std::pair{&options.cert_file, "certificate file"},
        std::pair{&options.key_file, "key file"}}) {
    std::error_code ec;
    if (!file->empty() && !std::filesystem::exists(*file, ec)) {
      return fail(ErrorCode::kInvalidArgument, "{} '{}' does not exist", what, *file);
    }
  }
  return std::unique_ptr<Transport>(std::make_unique<CurlTransport>(options, std::move(urls)));
}

// -----------------------------------------------------------------------------------

struct Client::Impl {
  ClientOptions options;
  std::unique_ptr<Transport> transport;
  std::atomic<std::size_t> url_cursor{0};

  std::shared_mutex mu;
  std::unordered_map<std::int32_t, RegistrySchema> by_id;
  // (subject, type, schema text, references) -> id / version, for register and lookup.
  std::unordered_map<std::string, SchemaId> registered;
  std::unordered_map<std::string, SubjectVersion> looked_up;

  static std::string key(std::string_view subject, const RegistrySchema& s) {
    std::string k;
    k.reserve(subject.size() + s.schema.size() + 16);
    k.append(subject).push_back('\0');
    k.append(s.schema_type).push_back('\0');
    k.append(s.schema);
    for (const SchemaReference& r : s.references) {
      k.append(1, '\0').append(r.name).append(1, '\0').append(r.subject);
      k.append(1, '\0').append(std::to_string(r.version));
    }
    return k;
  }

  void forget_subject(std::string_view subject) {
    std::unique_lock lock(mu);
    std::string prefix = std::string(subject) + '\0';
    std::erase_if(registered, [&](const auto& kv) { return kv.first.starts_with(prefix); });
    std::erase_if(looked_up, [&](const auto& kv) { return kv.first.starts_with(prefix); });
  }

  // One request with retries; returns the body of a 2xx answer.
  Result<std::string> call(std::string_view method, std::string target, std::string body) {
    HttpRequest request{std::string(method), std::move(target), std::move(body)};
    std::chrono::milliseconds backoff = options.initial_backoff;
    thread_local std::minstd_rand jitter{std::random_device{}()};
    for (int attempt = 0;; ++attempt) {
      std::size_t index = url_cursor.load(std::memory_order_relaxed);
      Result<HttpResponse> response = transport->send(request, index);
      Error error(ErrorCode::kInternal, "");
      if (response) {
        if (response->status >= 200 && response->status < 300)
          return std::move(response->body);
        error = error_from_response(*response);
      } else {
        error = std::move(response).error();
      }
      if (!error.retriable() || attempt >= options.retries)
        return fail(std::move(error));
      // Another URL may answer; the next attempt starts there.
      if (transport->url_count() > 1) {
        url_cursor.compare_exchange_strong(index, (index + 1) % transport->url_count());
      }
      auto half = backoff.count() / 2;
      std::uniform_int_distribution<long> dist(half, std::max<long>(half, backoff.count()));
      std::this_thread::sleep_for(std::chrono::milliseconds(dist(jitter)));
      backoff = std::min(backoff * 2, options.max_backoff);
    }
  }

  Result<json> call_json(std::string_view method, std::string target, std::string body,
                         std::string_view what) {
    SLUICE_ASSIGN_OR_RETURN(std::string text, call(method, std::move(target), std::move(body)));
    return parse_json(text, what);
  }
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

Result<std::shared_ptr<Client>> Client::make(const ClientOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Transport> transport, make_curl_transport(options));
  return with_transport(options, std::move(transport));
}

std::shared_ptr<Client> Client::with_transport(const ClientOptions& options,
                                               std::unique_ptr<Transport> transport) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->transport = std::move(transport);
  return std::shared_ptr<Client>(new Client(std::move(impl)));
}

void Client::clear_caches() {
  std::unique_lock lock(impl_->mu);
  impl_->by_id.clear();
  impl_->registered.clear();
  impl_->looked_up.clear();
}

Result<std::string> Client::request(std::string_view method, std::string_view target,
                                    std::string_view body) {
  return impl_->call(method, std::string(target), std::string(body));
}

Result<SchemaId> Client::register_schema(std::string_view subject, const RegistrySchema& schema,
                                         Normalize normalize) {
  std::string key = Impl::key(subject, schema);
  {
    std::shared_lock lock(impl_->mu);
    if (auto it = impl_->registered.find(key); it != impl_->registered.end())
      return it->second;
  }
  std::string target = fmt::format("/subjects/{}/versions", url_encode(subject));
  if (normalize == Normalize::kYes)
    target += "?normalize=true";
  SLUICE_ASSIGN_OR_RETURN(
      json j, impl_->call_json("POST", std::move(target), schema_body(schema).dump(), "register"));
  auto id = get_int(j, "id");
  if (!id)
    return fail(bad_answer("register", j));
  SchemaId out{static_cast<std::int32_t>(*id)};
  std::unique_lock lock(impl_->mu);
  impl_->registered.emplace(std::move(key), out);
  impl_->by_id.try_emplace(out.value, schema);
  return out;
}

Result<SubjectVersion> Client::lookup_schema(std::string_view subject, const RegistrySchema& schema,
                                             IncludeDeleted deleted, Normalize normalize) {
  std::string key = Impl::key(subject, schema);
  if (deleted == IncludeDeleted::kNo) {
    std::shared_lock lock(impl_->mu);
    if (auto it = impl_->looked_up.find(key); it != impl_->looked_up.end())
      return it->second;
  }
  std::string target = fmt::format("/subjects/{}", url_encode(subject));
  std::string sep = "?";
  if (normalize == Normalize::kYes) {
    target += sep + "normalize=true";
    sep = "&";
  }
  if (deleted == IncludeDeleted::kYes)
    target += sep + "deleted=true";
  SLUICE_ASSIGN_OR_RETURN(
      json j, impl_->call_json("POST", std::move(target), schema_body(schema).dump(), "lookup"));
  SLUICE_ASSIGN_OR_RETURN(SubjectVersion out, subject_version_from(j, "lookup"));
  if (out.subject.empty())
    out.subject = std::string(subject);
  if (deleted == IncludeDeleted::kNo) {
    std::unique_lock lock(impl_->mu);
    impl_->looked_up.emplace(std::move(key), out);
  }
  return out;
}

Result<RegistrySchema> Client::get_schema(SchemaId id) {
  {
    std::shared_lock lock(impl_->mu);
    if (auto it = impl_->by_id.find(id.value); it != impl_->by_id.end())
      return it->second;
  }
  SLUICE_ASSIGN_OR_RETURN(json j, impl_->call_json("GET", fmt::format("/schemas/ids/{}", id.value),
                                                   "", "get schema by id"));
  SLUICE_ASSIGN_OR_RETURN(RegistrySchema out, schema_from(j, "get schema by id"));
  std::unique_lock lock(impl_->mu);
  impl_->by_id.insert_or_assign(id.value, out);
  return out;
}

Result<std::vector<std::string>> Client::get_schema_subjects(SchemaId id) {
  SLUICE_ASSIGN_OR_RETURN(
      json j, impl_->call_json("GET", fmt::format("/schemas/ids/{}/subjects", id.value), "",
                               "schema subjects"));
  return array_of<std::string>(j, "schema subjects");
}

Result<std::vector<SubjectVersion>> Client::get_schema_versions(SchemaId id) {
  SLUICE_ASSIGN_OR_RETURN(
      json j, impl_->call_json("GET", fmt::format("/schemas/ids/{}/versions", id.value), "",
                               "schema versions"));
  if (!j.is_array())
    return fail(bad_answer("schema versions", j));
  std::vector<SubjectVersion> out;
  for (const json& item : j) {
    auto subject = get_string(item, "subject");
    auto version = get_int(item, "version");
    if (!subject || !version)
      return fail(bad_answer("schema versions", j));
    SubjectVersion sv;
    sv.subject = std::move(*subject);
    sv.version = static_cast<int>(*version);
    sv.id = id;
    out.push_back(std::move(sv));
  }
  return out;
}

Result<std::vector<std::string>> Client::get_schema_types() {
  SLUICE_ASSIGN_OR_RETURN(json j, impl_->call_json("GET", "/schemas/types", "", "schema types"));
  return array_of<std::string>(j, "schema types");
}

std::size_t Client::url_in_use() const {
  return impl_->url_cursor.load(std::memory_order_relaxed) % impl_->transport->url_count();
}

Result<std::vector<std::string>> Client::get_subjects(IncludeDeleted deleted,
                                                      std::string_view subject_prefix) {
  std::string target = "/subjects";
  std::string sep = "?";
  if (deleted == IncludeDeleted::kYes) {
    target += "?deleted=true";
    sep = "&";
  }
  if (!subject_prefix.empty())
    target += sep + "subjectPrefix=" + url_encode(subject_prefix);
  SLUICE_ASSIGN_OR_RETURN(json j, impl_->call_json("GET", std::move(target), "", "subjects"));
  return array_of<std::string>(j, "subjects");
}

Result<std::vector<int>> Client::get_versions(std::string_view subject, IncludeDeleted deleted) {
  std::string target = fmt::format("/subjects/{}/versions", url_encode(subject));
  if (deleted == IncludeDeleted::kYes)
    target += "?deleted=true";
  SLUICE_ASSIGN_OR_RETURN(json j, impl_->call_json("GET", std::move(target), "", "versions"));
  return array_of<int>(j, "versions");
}

Result<SubjectVersion> Client::get_version(std::string_view subject, int version,
                                           IncludeDeleted deleted) {
  std::string target =
      fmt::format("/subjects/{}/versions/{}", url_encode(subject), version_segment(version));
  if (deleted == IncludeDeleted::kYes)
    target += "?deleted=true";
  SLUICE_ASSIGN_OR_RETURN(json j, impl_->call_json("GET", std::move(target), "", "get version"));
  SLUICE_ASSIGN_OR_RETURN(SubjectVersion out, subject_version_from(j, "get version"));
  if (out.subject.empty())
    out.subject = std::string(subject);
  std::unique_lock lock(impl_->mu);
  impl_->by_id.try_emplace(out.id.value, out.schema);
  return out;
}

Result<std::vector<int>> Client::delete_subject(std::string_view subject, Permanent permanent) {
  std::string target = fmt::format("/subjects/{}", url_encode(subject));
  if (permanent == Permanent::kYes)
    target += "?permanent=true";
  auto j = impl_->call_json("DELETE", std::move(target), "", "delete subject");
  impl_->forget_subject(subject);
  if (!j)
    return fail(std::move(j).error());
  return array_of<int>(*j, "delete subject");
}

Result<int> Client::delete_version(std::string_view subject, int version, Permanent permanent) {
  std::string target =
      fmt::format("/subjects/{}/versions/{}", url_encode(subject), version_segment(version));
  if (permanent == Permanent::kYes)
    target += "?permanent=true";
  auto j = impl_->call_json("DELETE", std::move(target), "", "delete version");
  impl_->forget_subject(subject);
  if (!j)
    return fail(std::move(j).error());
  if (!j->is_number_integer())
    return fail(bad_answer("delete version", *j));
  return j->get<int>();
}

Result<std::string> Client::get_compatibility(std::optional<std::string_view> subject,
                                              DefaultToGlobal fallback) {
  std::string target = subject_path(subject, "/config");
  if (fallback == DefaultToGlobal::kYes)
    target += "?defaultToGlobal=true";
  SLUICE_ASSIGN_OR_RETURN(json j, impl_->call_json("GET", std::move(target), "", "get config"));
  auto level = get_string(j, "compatibilityLevel");
  if (!level)
    level = get_string(j, "compatibility");
  if (!level)
    return fail(bad_answer("get config", j));
  return *level;
}

Result<std::string> Client::set_compatibility(std::optional<std::string_view> subject,
                                              std::string_view level) {
  json body = {{"compatibility", level}};
  SLUICE_ASSIGN_OR_RETURN(
      json j, impl_->call_json("PUT", subject_path(subject, "/config"), body.dump(), "set config"));
  auto out = get_string(j, "compatibility");
  if (!out)
    out = get_string(j, "compatibilityLevel");
  if (!out)
    return fail(bad_answer("set config", j));
  return *out;
}

Result<std::string> Client::delete_compatibility(std::optional<std::string_view> subject) {
  SLUICE_ASSIGN_OR_RETURN(
      json j, impl_->call_json("DELETE", subject_path(subject, "/config"), "", "delete config"));
  auto out = get_string(j, "compatibilityLevel");
  if (!out)
    out = get_string(j, "compatibility");
  if (!out)
    return fail(bad_answer("delete config", j));
  return *out;
}

Result<std::string> Client::get_mode(std::optional<std::string_view> subject,
                                     DefaultToGlobal fallback) {
  std::string target = subject_path(subject, "/mode");
  if (fallback == DefaultToGlobal::kYes)
    target += "?defaultToGlobal=true";
  SLUICE_ASSIGN_OR_RETURN(json j, impl_->call_json("GET", std::move(target), "", "get mode"));
  auto mode = get_string(j, "mode");
  if (!mode)
    return fail(bad_answer("get mode", j));
  return *mode;
}

Result<std::string> Client::set_mode(std::optional<std::string_view> subject, std::string_view mode,
                                     bool force) {
  std::string target = subject_path(subject, "/mode");
  if (force)
    target += "?force=true";
  json body = {{"mode", mode}};
  SLUICE_ASSIGN_OR_RETURN(json j,
                          impl_->call_json("PUT", std::move(target), body.dump(), "set mode"));
  auto out = get_string(j, "mode");
  if (!out)
    return fail(bad_answer("set mode", j));
  return *out;
}

Result<CompatibilityResult> Client::test_compatibility(std::string_view subject,
                                                       const RegistrySchema& schema, int version,
                                                       Verbose verbose) {
  std::string target = fmt::format("/compatibility/subjects/{}/versions", url_encode(subject));
  if (version != 0)
    target += "/" + version_segment(version);
  if (verbose == Verbose::kYes)
    target += "?verbose=true";
  SLUICE_ASSIGN_OR_RETURN(json j, impl_->call_json("POST", std::move(target),
                                                   schema_body(schema).dump(), "compatibility"));
  if (!j.is_object() || !j.contains("is_compatible") || !j["is_compatible"].is_boolean()) {
    return fail(bad_answer("compatibility", j));
  }
  CompatibilityResult out;
  out.is_compatible = j["is_compatible"].get<bool>();
  if (auto it = j.find("messages"); it != j.end() && it->is_array()) {
    for (const json& m : *it) {
      out.messages.push_back(m.is_string()
                                 ? m.get<std::string>()
                                 : m.dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  return out;
}

}  // namespace sluice::registry
