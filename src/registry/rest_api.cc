// REST routing, negotiation, auth and rendering (see rest_api.h). Handlers are named
// after their routes.
#include "registry/rest_api.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace sluice::registry {
namespace {

using nlohmann::json;

constexpr std::string_view kVndV1 = "application/vnd.schemaregistry.v1+json";
constexpr std::string_view kVnd = "application/vnd.schemaregistry+json";
constexpr std::string_view kJson = "application/json";
#define SLUICE_REGISTRY_VERSION "7.6.0-sluice"

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

// Picks the response type from an Accept header, honouring q-weights against the
// server's quality (vnd.v1 1.0, vnd 0.9, json 0.5). Empty result: 406.
std::string_view negotiate(std::string_view accept) {
  accept = trim(accept);
  if (accept.empty()) return kVndV1;
  struct Offer {
    std::string_view type;
    double qs;
    double q = 0;
  };
  Offer offers[] = {{kVndV1, 1.0}, {kVnd, 0.9}, {kJson, 0.5}};
  std::size_t pos = 0;
  while (pos <= accept.size()) {
    std::size_t comma = accept.find(',', pos);
    std::string_view item = accept.substr(pos, comma == std::string_view::npos ? accept.npos
                                                                               : comma - pos);
    pos = comma == std::string_view::npos ? accept.size() + 1 : comma + 1;
    std::size_t semi = item.find(';');
    std::string range = lower(trim(item.substr(0, semi)));
    double q = 1.0;
    while (semi != std::string_view::npos) {
      std::size_t next = item.find(';', semi + 1);
      std::string_view param = trim(item.substr(semi + 1, next == item.npos ? item.npos
                                                                            : next - semi - 1));
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        q = std::atof(std::string(param.substr(2)).c_str());
      }
      semi = next;
    }
    if (range.empty()) continue;
    for (Offer& o : offers) {
      bool match = range == "*" || range == "*/*" || range.rfind("*/", 0) == 0 ||
                   range == "application/*" || range == o.type;
      if (match) o.q = std::max(o.q, q);
    }
  }
  const Offer* best = nullptr;
  for (const Offer& o : offers) {
    if (o.q <= 0) continue;
    if (best == nullptr || o.q * o.qs > best->q * best->qs) best = &o;
  }
  return best ? best->type : std::string_view();
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Case-insensitive find of an ASCII needle (given in lower case).
std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (iequal(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

bool acceptable_content_type(std::string_view content_type) {
  std::string_view t = trim(content_type.substr(0, content_type.find(';')));
  return t.empty() || iequal(t, kVndV1) || iequal(t, kVnd) || iequal(t, kJson) ||
         iequal(t, "application/octet-stream");
}

// Request bodies declared as UTF-16 are converted to UTF-8.
std::string utf16_to_utf8(std::string_view in, bool big_endian) {
  std::string out;
  std::size_t i = 0;
  if (in.size() >= 2) {
    auto b0 = static_cast<unsigned char>(in[0]);
    auto b1 = static_cast<unsigned char>(in[1]);
    if (b0 == 0xFE && b1 == 0xFF) {
      big_endian = true;
      i = 2;
    } else if (b0 == 0xFF && b1 == 0xFE) {
      big_endian = false;
      i = 2;
    }
  }
  auto unit = [&](std::size_t k) -> unsigned {
    auto a = static_cast<unsigned char>(in[k]);
    auto b = static_cast<unsigned char>(in[k + 1]);
    return big_endian ? (a << 8 | b) : (b << 8 | a);
  };
  for (; i + 1 < in.size(); i += 2) {
    unsigned cp = unit(i);
    if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < in.size()) {
      unsigned lo = unit(i + 2);
      if (lo >= 0xDC00 && lo < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      }
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

struct Query {
  std::vector<std::pair<std::string, std::string>> items;
  std::string get(std::string_view key, std::string fallback = "") const {
    for (const auto& [k, v] : items) {
      if (k == key) return v;
    }
    return fallback;
  }
  bool has(std::string_view key) const {
    for (const auto& [k, v] : items) {
      if (k == key) return true;
    }
    return false;
  }
  bool flag(std::string_view key) const { return lower(get(key)) == "true"; }
};

Query parse_query(std::string_view q) {
  Query out;
  std::size_t pos = 0;
  while (pos < q.size()) {
    std::size_t amp = q.find('&', pos);
    std::string_view item = q.substr(pos, amp == q.npos ? q.npos : amp - pos);
    pos = amp == q.npos ? q.size() : amp + 1;
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    out.items.emplace_back(percent_decode(item.substr(0, eq), true),
                           eq == item.npos ? "" : percent_decode(item.substr(eq + 1), true));
  }
  return out;
}

struct Call {
  const RestRequest& req;
  RestResponse& res;
  std::vector<std::string> seg;
  Query query;
  const User* user = nullptr;
  std::string body_utf8;  // only when converted from UTF-16
  RestApi::Later* later = nullptr;  // set: a registration may answer through it
  bool deferred = false;            // the answer goes through *later
  std::string_view body() const {
    return body_utf8.empty() ? req.body : std::string_view(body_utf8);
  }
};

void set_error(RestResponse& res, int http, int code, std::string_view message) {
  res.status = http;
  res.body = RestApi::error_body(code, message);
}

void set_api_error(RestResponse& res, const ApiError& e) {
  set_error(res, e.http_status, e.error_code, e.message);
}

// Parses the JSON body; on failure sets a 400 error and returns nullopt.
std::optional<json> parse_body(Call& c) {
  std::string_view body = c.body();
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) {
    set_error(c.res, 400, 400,
              "Unrecognized JSON in the request body: the body is not valid JSON");
    return std::nullopt;
  }
  return j;
}

// Reads a RegisterSchemaRequest; unknown fields are ignored (metadata, ruleSet, ...).
std::optional<RegisterRequest> register_request(Call& c) {
  auto j = parse_body(c);
  if (!j) return std::nullopt;
  if (!j->is_object()) {
    set_error(c.res, 422, 422, "Unprocessable entity: the body must be a JSON object");
    return std::nullopt;
  }
  RegisterRequest r;
  auto it = j->find("schema");
  if (it == j->end() || it->is_null()) {
    set_error(c.res, 422, kInvalidSchema, "Empty schema");
    return std::nullopt;
  }
  if (!it->is_string()) {
    set_error(c.res, 422, 422, "Unprocessable entity: \"schema\" must be a string");
    return std::nullopt;
  }
  r.schema = it->get<std::string>();
  if (auto t = j->find("schemaType"); t != j->end() && !t->is_null()) {
    if (!t->is_string()) {
      set_error(c.res, 422, 422, "Unprocessable entity: \"schemaType\" must be a string");
      return std::nullopt;
    }
    r.schema_type = t->get<std::string>();
  }
  if (auto refs = j->find("references"); refs != j->end() && !refs->is_null()) {
    if (!refs->is_array()) {
      set_error(c.res, 422, 422, "Unprocessable entity: \"references\" must be an array");
      return std::nullopt;
    }
    for (const auto& ref : *refs) {
      if (!ref.is_object() || !ref.contains("name") || !ref["name"].is_string() ||
          !ref.contains("subject") || !ref["subject"].is_string()) {
        set_error(c.res, 422, kInvalidSchema,
                  "Invalid schema: each reference needs a name, a subject and a version");
        return std::nullopt;
      }
      Reference out;
      out.name = ref["name"].get<std::string>();
      out.subject = ref["subject"].get<std::string>();
      out.version = ref.contains("version") && ref["version"].is_number_integer()
                        ? ref["version"].get<int>()
                        : -1;
      r.references.push_back(std::move(out));
    }
  }
  for (auto [key, target] : {std::pair{"id", &r.id}, std::pair{"version", &r.version}}) {
    auto f = j->find(key);
    if (f == j->end() || f->is_null()) continue;
    if (!f->is_number_integer()) {
      set_error(c.res, 422, 422, fmt::format("Unprocessable entity: \"{}\" must be an integer",
                                             key));
      return std::nullopt;
    }
    std::int64_t v = f->get<std::int64_t>();
    // Confluent clients send id 0 / version 0 as "unset".
    if (v > 0 || v < -1) *target = v;
  }
  r.normalize = c.query.flag("normalize");
  return r;
}

Deleted deleted_param(const Call& c) { return c.query.flag("deleted") ? Deleted::kYes : Deleted::kNo; }

std::string int_list(const std::vector<int>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(v[i]);
  }
  return out + "]";
}

std::string string_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    out += json_quote(v[i]);
  }
  return out + "]";
}

// offset/limit paging over a list (Confluent's offset, limit params).
template <class T>
void page(const Call& c, std::vector<T>& items) {
  std::size_t offset = 0;
  std::int64_t limit = -1;
  std::string o = c.query.get("offset");
  std::string l = c.query.get("limit");
  if (!o.empty()) offset = static_cast<std::size_t>(std::max<long long>(0, std::atoll(o.c_str())));
  if (!l.empty()) limit = std::atoll(l.c_str());
  if (offset > 0) items.erase(items.begin(), items.begin() + std::min(offset, items.size()));
  if (limit >= 0 && static_cast<std::size_t>(limit) < items.size()) {
    items.resize(static_cast<std::size_t>(limit));
  }
}

std::optional<std::int64_t> parse_id(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

// Sharded by key; each shard is a small map from a 64-bit key of (subject, body) to the
// entry, which is compared in full on a hit. Bounded: a full shard starts over.
struct RestApi::BodyCache {
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kPerShard = 8192;
  static constexpr std::size_t kMaxBody = 64 << 10;
  struct Entry {
    std::string subject;
    std::string body;
    std::string hash;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::size_t, Entry> map;
  };
  std::array<Shard, kShards> shards;

  static std::size_t key(std::string_view subject, std::string_view body) {
    std::size_t h = std::hash<std::string_view>{}(body);
    return h ^ (std::hash<std::string_view>{}(subject) + 0x9e3779b97f4a7c15ULL + (h << 6) +
                (h >> 2));
  }
  // Copies the identity into `hash`; false when unknown.
  bool find(std::string_view subject, std::string_view body, std::string& hash) {
    std::size_t k = key(subject, body);
    Shard& sh = shards[k % kShards];
    std::lock_guard<std::mutex> lock(sh.mu);
    auto it = sh.map.find(k);
    if (it == sh.map.end() || it->second.subject != subject || it->second.body != body) {
      return false;
    }
    hash = it->second.hash;
    return true;
  }
  void remember(std::string_view subject, std::string_view body, std::string_view hash) {
    std::size_t k = key(subject, body);
    Shard& sh = shards[k % kShards];
    std::lock_guard<std::mutex> lock(sh.mu);
    if (sh.map.size() >= kPerShard) sh.map.clear();
    sh.map.insert_or_assign(k, Entry{std::string(subject), std::string(body), std::string(hash)});
  }
};

RestApi::~RestApi() = default;

std::string RestApi::error_body(int code, std::string_view message) {
  return fmt::format("{{\"error_code\":{},\"message\":{}}}", code, json_quote(message));
}

RestApi::RestApi(SchemaRegistry& registry, ApiOptions options, const Authenticator* auth)
    : registry_(registry),
      options_(options),
      auth_(auth),
      body_cache_(std::make_unique<BodyCache>()) {}

namespace {

class Handlers {
 public:
  Handlers(SchemaRegistry& reg, const ApiOptions& opts, Call& c, RestApi::BodyCache& cache)
      : reg_(reg), opts_(opts), c_(c), cache_(cache) {}

  bool typed(const SchemaRecord& r) const {
    return opts_.schema_type == SchemaTypeField::kAlways || r.type != "AVRO";
  }

  std::string schema_object(const StoredVersion& v, bool with_deleted = false) const {
    const SchemaRecord& r = *v.record;
    std::string out = fmt::format("{{\"subject\":{},\"version\":{},\"id\":{}", json_quote(v.subject),
                                  v.version, r.id);
    if (typed(r)) out += fmt::format(",\"schemaType\":\"{}\"", r.type);
    if (!r.references.empty()) out += ",\"references\":" + r.references_json;
    out += ",\"schema\":" + json_quote(r.schema);
    if (with_deleted && v.deleted) out += ",\"deleted\":true";
    return out + "}";
  }

  // ACL check; sets 403 and returns false when denied.
  bool need(std::string_view subject, Permission p) {
    if (c_.user == nullptr) return true;
    if (Authenticator::allowed(*c_.user, subject, p)) return true;
    std::string_view what = p == Permission::kRead ? "read" : p == Permission::kWrite ? "write"
                                                                                       : "admin";
    set_error(c_.res, 403, 403,
              subject.empty()
                  ? fmt::format("Forbidden: user '{}' lacks {} permission on the global "
                                "configuration",
                                c_.user->name, what)
                  : fmt::format("Forbidden: user '{}' lacks {} permission on subject '{}'",
                                c_.user->name, what, subject));
    return false;
  }
  bool readable(std::string_view subject) const {
    return c_.user == nullptr || Authenticator::allowed(*c_.user, subject, Permission::kRead);
  }
  bool need_id(std::int64_t id, std::string_view subject) {
    if (c_.user == nullptr || Authenticator::allowed(*c_.user, "", Permission::kRead)) return true;
    auto users = reg_.versions_of_id(id, subject, Deleted::kYes);
    if (users) {
      for (const auto& v : *users) {
        if (readable(v.subject)) return true;
      }
      return need(users->empty() ? "" : users->front().subject, Permission::kRead);
    }
    return true;  // the 404 follows
  }

  template <class T>
  bool check(const ApiResult<T>& r) {
    if (r) return true;
    set_api_error(c_.res, r.error());
    return false;
  }

  // --- /schemas ---
  void get_schemas_ids(std::string_view id_text) {
    c_.res.route = "/schemas/ids/{id}";
    auto id = parse_id(id_text);
    std::string subject = c_.query.get("subject");
    if (!id) return set_error(c_.res, 404, kSchemaNotFound, schema_not_found_message());
    if (!need_id(*id, subject)) return;
    auto r = reg_.schema_by_id(*id, subject);
    if (!check(r)) return;
    c_.res.body = (*r)->id_body(typed(**r));
  }
  void get_schemas_ids_schema(std::string_view id_text) {
    c_.res.route = "/schemas/ids/{id}/schema";
    auto id = parse_id(id_text);
    std::string subject = c_.query.get("subject");
    if (!id) return set_error(c_.res, 404, kSchemaNotFound, schema_not_found_message());
    if (!need_id(*id, subject)) return;
    auto r = reg_.schema_by_id(*id, subject);
    if (!check(r)) return;
    c_.res.body = (*r)->schema;
  }
  void get_schemas_ids_subjects(std::string_view id_text, bool versions) {
    c_.res.route = versions ? "/schemas/ids/{id}/versions" : "/schemas/ids/{id}/subjects";
    auto id = parse_id(id_text);
    std::string subject = c_.query.get("subject");
    if (!id) return set_error(c_.res, 404, kSchemaNotFound, schema_not_found_message());
    if (!need_id(*id, subject)) return;
    auto r = reg_.versions_of_id(*id, subject, deleted_param(c_));
    if (!check(r)) return;
    std::vector<StoredVersion> list;
    for (auto& v : *r) {
      if (readable(v.subject)) list.push_back(std::move(v));
    }
    if (versions) {
      page(c_, list);
      std::string out = "[";
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out += ',';
        out += fmt::format("{{\"subject\":{},\"version\":{}}}", json_quote(list[i].subject),
                           list[i].version);
      }
      c_.res.body = out + "]";
    } else {
      std::vector<std::string> names;
      for (const auto& v : list) {
        if (std::find(names.begin(), names.end(), v.subject) == names.end()) {
          names.push_back(v.subject);
        }
      }
      page(c_, names);
      c_.res.body = string_list(names);
    }
  }
  void get_schemas() {
    c_.res.route = "/schemas";
    auto list = reg_.list_schemas(c_.query.get("subjectPrefix"), deleted_param(c_),
                                  c_.query.flag("latestOnly"));
    std::vector<StoredVersion> visible;
    for (auto& v : list) {
      if (readable(v.subject)) visible.push_back(std::move(v));
    }
    page(c_, visible);
    std::string out = "[";
    for (std::size_t i = 0; i < visible.size(); ++i) {
      if (i > 0) out += ',';
      out += schema_object(visible[i], true);
    }
    c_.res.body = out + "]";
  }

  // --- /subjects ---
  void get_subjects() {
    c_.res.route = "/subjects";
    auto list = reg_.subjects(c_.query.get("subjectPrefix"), deleted_param(c_),
                              c_.query.flag("deletedOnly"));
    std::vector<std::string> visible;
    for (auto& s : list) {
      if (readable(s)) visible.push_back(std::move(s));
    }
    page(c_, visible);
    c_.res.body = string_list(visible);
  }
  void get_subject_versions(const std::string& s) {
    c_.res.route = "/subjects/{subject}/versions";
    if (!need(s, Permission::kRead)) return;
    auto r = reg_.versions(s, deleted_param(c_), c_.query.flag("deletedOnly"));
    if (!check(r)) return;
    page(c_, *r);
    c_.res.body = int_list(*r);
  }
  static void registered(RestResponse& res, const ApiResult<Registered>& r) {
    if (!r) return set_api_error(res, r.error());
    res.body = fmt::format("{{\"id\":{}}}", r->id);
  }
  void post_subject_versions(const std::string& s) {
    c_.res.route = "/subjects/{subject}/versions";
    if (!need(s, Permission::kWrite)) return;
    // A body this subject already answered: no JSON parse when nothing needs writing.
    // (Query parameters (normalize, force) do not change an idempotent answer, but a
    // request with any is left to the full path.)
    std::string_view body = c_.body();
    bool cacheable = c_.query.items.empty() && body.size() <= RestApi::BodyCache::kMaxBody;
    if (cacheable) {
      thread_local std::string hash;
      if (cache_.find(s, body, hash)) {
        if (auto known = reg_.registered_version(s, hash)) {
          c_.res.body = fmt::format("{{\"id\":{}}}", known->id);
          return;
        }
      }
    }
    auto req = register_request(c_);
    if (!req) return;
    Force force = c_.query.flag("force") ? Force::kYes : Force::kNo;
    ApiResult<Registered> r;
    if (c_.later != nullptr && *c_.later) {
      auto now = reg_.register_schema_async(
          s, *req, force,
          [res = c_.res, later = std::move(*c_.later)](ApiResult<Registered> r) mutable {
            registered(res, r);
            later(std::move(res));
          });
      if (!now) {
        c_.deferred = true;
        return;
      }
      r = std::move(*now);
    } else {
      r = reg_.register_schema(s, *req, force);
    }
    registered(c_.res, r);
    // Only requests whose answer depends on nothing but the schema's identity.
    if (r && cacheable && req->references.empty() && !req->id && !req->version) {
      cache_.remember(s, body, r->record->hash);
    }
  }
  void get_subject_version(const std::string& s, const std::string& v) {
    c_.res.route = "/subjects/{subject}/versions/{version}";
    if (!need(s, Permission::kRead)) return;
    auto r = reg_.get_version(s, v, deleted_param(c_));
    if (!check(r)) return;
    c_.res.body = schema_object(*r);
  }
  void get_subject_version_schema(const std::string& s, const std::string& v) {
    c_.res.route = "/subjects/{subject}/versions/{version}/schema";
    if (!need(s, Permission::kRead)) return;
    auto r = reg_.get_version(s, v, deleted_param(c_));
    if (!check(r)) return;
    c_.res.body = r->record->schema;
  }
  void get_referencedby(const std::string& s, const std::string& v) {
    c_.res.route = "/subjects/{subject}/versions/{version}/referencedby";
    if (!need(s, Permission::kRead)) return;
    auto r = reg_.referenced_by(s, v);
    if (!check(r)) return;
    std::vector<int> ids(r->begin(), r->end());
    page(c_, ids);
    c_.res.body = int_list(ids);
  }
  void delete_subject_version(const std::string& s, const std::string& v) {
    c_.res.route = "/subjects/{subject}/versions/{version}";
    bool permanent = c_.query.flag("permanent");
    if (!need(s, permanent ? Permission::kAdmin : Permission::kWrite)) return;
    auto r = reg_.delete_version(s, v, permanent ? Permanent::kYes : Permanent::kNo);
    if (!check(r)) return;
    c_.res.body = std::to_string(*r);
  }
  void post_subject(const std::string& s) {
    c_.res.route = "/subjects/{subject}";
    if (!need(s, Permission::kRead)) return;
    auto req = register_request(c_);
    if (!req) return;
    auto r = reg_.lookup(s, *req, deleted_param(c_));
    if (!check(r)) return;
    c_.res.body = schema_object(*r);
  }
  void delete_subject(const std::string& s) {
    c_.res.route = "/subjects/{subject}";
    bool permanent = c_.query.flag("permanent");
    if (!need(s, permanent ? Permission::kAdmin : Permission::kWrite)) return;
    auto r = reg_.delete_subject(s, permanent ? Permanent::kYes : Permanent::kNo);
    if (!check(r)) return;
    c_.res.body = int_list(*r);
  }

  // --- /compatibility ---
  void post_compatibility(const std::string& s, const std::string& v) {
    c_.res.route = v.empty() ? "/compatibility/subjects/{subject}/versions"
                             : "/compatibility/subjects/{subject}/versions/{version}";
    if (!need(s, Permission::kRead)) return;
    auto req = register_request(c_);
    if (!req) return;
    bool verbose = c_.query.flag("verbose");
    auto r = reg_.check_compatibility(s, v, *req, verbose);
    if (!check(r)) return;
    std::string out = fmt::format("{{\"is_compatible\":{}", r->compatible ? "true" : "false");
    if (verbose) out += ",\"messages\":" + string_list(r->messages);
    c_.res.body = out + "}";
  }

  // --- /config ---
  std::string config_body(const Config& cfg) {
    std::string out = fmt::format("{{\"compatibilityLevel\":\"{}\"", level_name(cfg.level));
    if (cfg.normalize) out += fmt::format(",\"normalize\":{}", *cfg.normalize ? "true" : "false");
    return out + "}";
  }
  void config(const std::string& s) {
    c_.res.route = s.empty() ? "/config" : "/config/{subject}";
    std::string_view m = c_.req.method;
    if (m == "GET") {
      if (!s.empty() && !need(s, Permission::kRead)) return;
      auto r = reg_.get_config(s, c_.query.flag("defaultToGlobal"));
      if (!check(r)) return;
      c_.res.body = config_body(*r);
    } else if (m == "PUT") {
      if (!need(s, Permission::kAdmin)) return;
      auto j = parse_body(c_);
      if (!j) return;
      if (!j->is_object()) return set_error(c_.res, 422, 422, "Unprocessable entity");
      Config cfg;
      if (!s.empty()) {
        if (auto cur = reg_.get_config(s, false)) cfg = *cur;
        else cfg.level = reg_.get_config("", true)->level;
      } else {
        cfg = *reg_.get_config("", true);
      }
      auto level = j->find("compatibility");
      if (level == j->end()) level = j->find("compatibilityLevel");
      if (level != j->end() && !level->is_null()) {
        auto parsed = level->is_string() ? parse_level(level->get<std::string>()) : std::nullopt;
        if (!parsed) return set_error(c_.res, 422, kInvalidCompatibility,
                                      invalid_compatibility_message());
        cfg.level = *parsed;
      } else if (!j->contains("normalize")) {
        return set_error(c_.res, 422, kInvalidCompatibility, invalid_compatibility_message());
      }
      if (auto n = j->find("normalize"); n != j->end() && n->is_boolean()) {
        cfg.normalize = n->get<bool>();
      }
      auto r = reg_.set_config(s, cfg);
      if (!check(r)) return;
      // Echo the request shape (ConfigUpdateRequest): "compatibility", not "...Level".
      std::string out = fmt::format("{{\"compatibility\":\"{}\"", level_name(r->level));
      if (r->normalize) out += fmt::format(",\"normalize\":{}", *r->normalize ? "true" : "false");
      c_.res.body = out + "}";
    } else if (m == "DELETE") {
      if (!need(s, Permission::kAdmin)) return;
      auto r = reg_.delete_config(s);
      if (!check(r)) return;
      c_.res.body = config_body(*r);
    } else {
      method_not_allowed();
    }
  }
  void mode(const std::string& s) {
    c_.res.route = s.empty() ? "/mode" : "/mode/{subject}";
    std::string_view m = c_.req.method;
    if (m == "GET") {
      if (!s.empty() && !need(s, Permission::kRead)) return;
      auto r = reg_.get_mode(s, c_.query.flag("defaultToGlobal"));
      if (!check(r)) return;
      c_.res.body = fmt::format("{{\"mode\":\"{}\"}}", mode_name(*r));
    } else if (m == "PUT") {
      if (!need(s, Permission::kAdmin)) return;
      auto j = parse_body(c_);
      if (!j) return;
      std::optional<Mode> mode;
      if (j->is_object()) {
        if (auto it = j->find("mode"); it != j->end() && it->is_string()) {
          mode = parse_mode(it->get<std::string>());
        }
      }
      if (!mode) return set_error(c_.res, 422, kInvalidMode, invalid_mode_message());
      auto r = reg_.set_mode(s, *mode, c_.query.flag("force") ? Force::kYes : Force::kNo);
      if (!check(r)) return;
      c_.res.body = fmt::format("{{\"mode\":\"{}\"}}", mode_name(*r));
    } else if (m == "DELETE") {
      if (!need(s, Permission::kAdmin)) return;
      auto r = reg_.delete_mode(s);
      if (!check(r)) return;
      c_.res.body = fmt::format("{{\"mode\":\"{}\"}}", mode_name(*r));
    } else {
      method_not_allowed();
    }
  }

  void method_not_allowed() { set_error(c_.res, 405, 405, "HTTP 405 Method Not Allowed"); }
  void not_found() {
    c_.res.route = "unknown";
    set_error(c_.res, 404, 404, "HTTP 404 Not Found");
  }

  void dispatch() {
    const auto& seg = c_.seg;
    std::string_view m = c_.req.method;
    std::size_t n = seg.size();
    auto is = [&](std::string_view method) {
      if (m == method) return true;
      return false;
    };
    if (n == 0) {
      c_.res.route = "/";
      if (!is("GET")) return method_not_allowed();
      c_.res.body = "{}";
      return;
    }
    const std::string& head = seg[0];
    if (head == "schemas") {
      if (!is("GET")) return n <= 4 ? method_not_allowed() : not_found();
      if (n == 1) return get_schemas();
      if (n == 2 && seg[1] == "types") {
        c_.res.route = "/schemas/types";
        c_.res.body = "[\"AVRO\"]";
        return;
      }
      if (seg[1] == "ids" && n == 3) return get_schemas_ids(seg[2]);
      if (seg[1] == "ids" && n == 4 && seg[3] == "schema") return get_schemas_ids_schema(seg[2]);
      if (seg[1] == "ids" && n == 4 && seg[3] == "subjects") {
        return get_schemas_ids_subjects(seg[2], false);
      }
      if (seg[1] == "ids" && n == 4 && seg[3] == "versions") {
        return get_schemas_ids_subjects(seg[2], true);
      }
      return not_found();
    }
    if (head == "subjects") {
      if (n == 1) return is("GET") ? get_subjects() : method_not_allowed();
      const std::string& s = seg[1];
      if (n == 2) {
        if (is("POST")) return post_subject(s);
        if (is("DELETE")) return delete_subject(s);
        return method_not_allowed();
      }
      if (seg[2] != "versions") return not_found();
      if (n == 3) {
        if (is("GET")) return get_subject_versions(s);
        if (is("POST")) return post_subject_versions(s);
        return method_not_allowed();
      }
      const std::string& v = seg[3];
      if (n == 4) {
        if (is("GET")) return get_subject_version(s, v);
        if (is("DELETE")) return delete_subject_version(s, v);
        return method_not_allowed();
      }
      if (n == 5 && seg[4] == "schema") {
        return is("GET") ? get_subject_version_schema(s, v) : method_not_allowed();
      }
      if (n == 5 && seg[4] == "referencedby") {
        return is("GET") ? get_referencedby(s, v) : method_not_allowed();
      }
      return not_found();
    }
    if (head == "compatibility") {
      if (n >= 4 && n <= 5 && seg[1] == "subjects" && seg[3] == "versions") {
        if (!is("POST")) return method_not_allowed();
        return post_compatibility(seg[2], n == 5 ? seg[4] : "");
      }
      return not_found();
    }
    if (head == "config" && n <= 2) return config(n == 2 ? seg[1] : "");
    if (head == "mode" && n <= 2) return mode(n == 2 ? seg[1] : "");
    if (head == "contexts") {
      c_.res.route = n == 1 ? "/contexts" : "/contexts/{context}";
      if (n == 1) {
        if (!is("GET")) return method_not_allowed();
        auto list = reg_.contexts();
        page(c_, list);
        c_.res.body = string_list(list);
        return;
      }
      if (n == 2) {
        if (!is("DELETE")) return method_not_allowed();
        if (!need("", Permission::kAdmin)) return;
        auto r = reg_.delete_context(seg[1]);
        if (!check(r)) return;
        c_.res.status = 204;
        c_.res.body.clear();
        return;
      }
      return not_found();
    }
    if (head == "v1" && n == 3 && seg[1] == "metadata") {
      c_.res.route = "/v1/metadata";
      if (!is("GET")) return method_not_allowed();
      if (seg[2] == "version") {
        c_.res.body = "{\"version\":\"" SLUICE_REGISTRY_VERSION "\",\"commitId\":\"sluice\"}";
        return;
      }
      if (seg[2] == "id") {
        c_.res.body = "{\"scope\":{\"clusters\":{},\"path\":[]},\"id\":\"sluice\"}";
        return;
      }
    }
    not_found();
  }

 private:
  SchemaRegistry& reg_;
  const ApiOptions& opts_;
  Call& c_;
  RestApi::BodyCache& cache_;
};

}  // namespace

RestResponse RestApi::handle(const RestRequest& req) const {
  return *handle(req, Later());
}

std::optional<RestResponse> RestApi::handle(const RestRequest& req, Later later) const {
  RestResponse res;
  std::string_view target = req.target;
  std::size_t qpos = target.find('?');
  std::string_view path = target.substr(0, qpos);

  if (path == "/health") {
    res.route = "/health";
    res.content_type = kJson;
    res.body = "{\"status\":\"UP\"}";
    return res;
  }

  Call call{req, res, {}, {}, nullptr, {}};
  std::string_view chosen = negotiate(req.accept);
  if (chosen.empty()) {
    res.route = "negotiation";
    set_error(res, 406, 406, "HTTP 406 Not Acceptable");
    return res;
  }
  res.content_type = chosen;
  bool has_body = req.method == "POST" || req.method == "PUT";
  if (has_body && !acceptable_content_type(req.content_type)) {
    res.route = "negotiation";
    set_error(res, 415, 415, "HTTP 415 Unsupported Media Type");
    return res;
  }
  if (has_body) {
    std::string_view ct = req.content_type;
    if (auto cs = ifind(ct, "charset=utf-16"); cs != std::string_view::npos) {
      bool be = ifind(ct, "utf-16le", cs) == std::string_view::npos;
      call.body_utf8 = utf16_to_utf8(req.body, be);
    }
  }
  if (auth_ != nullptr) {
    call.user = auth_->authenticate(req.authorization);
    if (call.user == nullptr) {
      res.route = "auth";
      set_error(res, 401, 401, "Unauthorized");
      return res;
    }
    res.user = call.user->name;
  }
  if (path == "/metrics") {
    res.route = "/metrics";
    res.content_type = "text/plain; version=0.0.4";
    res.body = metrics_renderer ? metrics_renderer(metrics_ctx) : "";
    return res;
  }

  // Fast path for the hottest read: GET /schemas/ids/{digits} without parameters.
  constexpr std::string_view kIds = "/schemas/ids/";
  if (req.method == "GET" && qpos == std::string_view::npos && path.size() > kIds.size() &&
      path.size() <= kIds.size() + 10 && path.substr(0, kIds.size()) == kIds &&
      call.user == nullptr) {
    std::string_view digits = path.substr(kIds.size());
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec == std::errc() && end == digits.data() + digits.size()) {
      res.route = "/schemas/ids/{id}";
      auto r = registry_.schema_by_id(id, "");
      if (!r) {
        set_api_error(res, r.error());
      } else {
        bool typed = options_.schema_type == SchemaTypeField::kAlways || (*r)->type != "AVRO";
        res.body = (*r)->id_body(typed);
      }
      return res;
    }
  }

  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    std::string_view s = path.substr(pos, slash == path.npos ? path.npos : slash - pos);
    if (!s.empty()) call.seg.push_back(percent_decode(s, false));
    if (slash == path.npos) break;
    pos = slash + 1;
  }
  if (qpos != std::string_view::npos) call.query = parse_query(target.substr(qpos + 1));

  call.later = &later;
  Handlers h(registry_, options_, call, *body_cache_);
  h.dispatch();
  if (call.deferred) return std::nullopt;
  return res;
}

}  // namespace sluice::registry
