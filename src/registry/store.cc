// SchemaRegistry: the in-memory index and the rules (see store.h for the contract).
#include "registry/store.h"
#include "registry/subjects.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <future>
#include <set>

#include "avro/fingerprint.h"
#include "avro/resolution.h"

namespace sluice::registry {
namespace {

constexpr int kMaxReferenceDepth = 32;
constexpr std::size_t kRawCacheLimit = 100000;

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool valid_subject(std::string_view subject) {
  if (subject.empty()) return false;
  bool blank = true;
  for (char c : subject) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
    if (c != ' ') blank = false;
  }
  return !blank;
}

// "latest"/"-1" -> 0 (meaning latest); 1..2^31-1 -> the number; else nullopt.
std::optional<int> parse_version(std::string_view text) {
  if (text == "latest" || text == "-1") return 0;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  if (v < 1 || v > 2147483647) return std::nullopt;
  return static_cast<int>(v);
}

std::string md5_key(std::string_view type, std::string_view canonical, std::string_view refs) {
  std::string data;
  data.reserve(type.size() + canonical.size() + refs.size() + 2);
  data.append(type).push_back('\0');
  data.append(canonical).push_back('\0');
  data.append(refs);
  auto digest = avro::md5_fingerprint(data);
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

// Confluent errorType of one of our resolution messages.
std::string_view error_type(const std::string& message) {
  if (message.find("name mismatch") != std::string::npos) return "NAME_MISMATCH";
  if (message.find("fixed size") != std::string::npos) return "FIXED_SIZE_MISMATCH";
  if (message.find("enum symbol") != std::string::npos) return "MISSING_ENUM_SYMBOLS";
  if (message.find("default") != std::string::npos) return "READER_FIELD_MISSING_DEFAULT_VALUE";
  if (message.find("union branch") != std::string::npos ||
      message.find("vs reader union") != std::string::npos) {
    return "MISSING_UNION_BRANCH";
  }
  return "TYPE_MISMATCH";
}

std::string config_to_json(const Config& c) {
  nlohmann::json j;
  j["compatibilityLevel"] = std::string(level_name(c.level));
  if (c.normalize) j["normalize"] = *c.normalize;
  return j.dump();
}

std::optional<Config> config_from_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  Config c;
  if (auto it = j.find("compatibilityLevel"); it != j.end() && it->is_string()) {
    auto level = parse_level(it->get<std::string>());
    if (!level) return std::nullopt;
    c.level = *level;
  }
  if (auto it = j.find("normalize"); it != j.end() && it->is_boolean()) c.normalize = it->get<bool>();
  return c;
}

std::vector<Reference> references_from_json(const std::string& text) {
  std::vector<Reference> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& r : j) {
    if (!r.is_object()) continue;
    Reference ref;
    ref.name = r.value("name", "");
    ref.subject = r.value("subject", "");
    ref.version = r.value("version", -1);
    out.push_back(std::move(ref));
  }
  return out;
}

}  // namespace

std::string json_quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 16);
  out += '"';
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string references_to_json(const std::vector<Reference>& refs) {
  std::string out = "[";
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{{\"name\":{},\"subject\":{},\"version\":{}}}", json_quote(refs[i].name),
                       json_quote(refs[i].subject), refs[i].version);
  }
  out += ']';
  return out;
}

std::string_view level_name(CompatibilityLevel level) {
  switch (level) {
    case CompatibilityLevel::kNone: return "NONE";
    case CompatibilityLevel::kBackward: return "BACKWARD";
    case CompatibilityLevel::kBackwardTransitive: return "BACKWARD_TRANSITIVE";
    case CompatibilityLevel::kForward: return "FORWARD";
    case CompatibilityLevel::kForwardTransitive: return "FORWARD_TRANSITIVE";
    case CompatibilityLevel::kFull: return "FULL";
    case CompatibilityLevel::kFullTransitive: return "FULL_TRANSITIVE";
  }
  return "BACKWARD";
}

std::optional<CompatibilityLevel> parse_level(std::string_view text) {
  std::string u = upper(text);
  for (auto l : {CompatibilityLevel::kNone, CompatibilityLevel::kBackward,
                 CompatibilityLevel::kBackwardTransitive, CompatibilityLevel::kForward,
                 CompatibilityLevel::kForwardTransitive, CompatibilityLevel::kFull,
                 CompatibilityLevel::kFullTransitive}) {
    if (u == level_name(l)) return l;
  }
  return std::nullopt;
}

std::string_view mode_name(Mode mode) {
  switch (mode) {
    case Mode::kReadWrite: return "READWRITE";
    case Mode::kReadOnly: return "READONLY";
    case Mode::kReadOnlyOverride: return "READONLY_OVERRIDE";
    case Mode::kImport: return "IMPORT";
    case Mode::kForward: return "FORWARD";
  }
  return "READWRITE";
}

std::optional<Mode> parse_mode(std::string_view text) {
  std::string u = upper(text);
  for (auto m : {Mode::kReadWrite, Mode::kReadOnly, Mode::kReadOnlyOverride, Mode::kImport,
                 Mode::kForward}) {
    if (u == mode_name(m)) return m;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------

bool SchemaRegistry::SubjectState::live() const {
  for (const auto& v : versions) {
    if (!v.deleted) return true;
  }
  return false;
}

const SchemaRegistry::VersionEntry* SchemaRegistry::SubjectState::latest_live() const {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (!it->deleted) return &*it;
  }
  return nullptr;
}

std::pair<std::string, std::string> SchemaRegistry::split_subject(std::string_view subject) {
  return registry::split_subject(subject);
}

SchemaRegistry::SchemaRegistry(std::unique_ptr<Storage> storage, RegistryOptions options)
    : storage_(std::move(storage)), options_(options) {}

Result<std::unique_ptr<SchemaRegistry>> SchemaRegistry::open(std::string_view store_uri,
                                                             RegistryOptions options) {
  SLUICE_ASSIGN_OR_RETURN(auto storage, open_storage(store_uri));
  return make(std::move(storage), options);
}

const std::string& SchemaRecord::id_body(bool typed) const {
  std::call_once(body_once, [this] {
    std::string quoted = json_quote(schema);
    std::string refs = references.empty() ? "" : ",\"references\":" + references_json;
    body_typed = fmt::format("{{\"schemaType\":\"{}\",\"schema\":{}{}}}", type, quoted, refs);
    body_plain = type == "AVRO" ? fmt::format("{{\"schema\":{}{}}}", quoted, refs) : body_typed;
  });
  return typed ? body_typed : body_plain;
}

RecordPtr SchemaRegistry::make_record(Storage::SchemaRow row) const {
  auto rec = std::make_shared<SchemaRecord>();
  rec->context = std::move(row.context);
  rec->id = row.id;
  rec->type = std::move(row.type);
  rec->schema = std::move(row.schema);
  rec->references_json = row.references_json.empty() ? "[]" : std::move(row.references_json);
  if (rec->references_json != "[]") rec->references = references_from_json(rec->references_json);
  rec->hash = std::move(row.hash);
  return rec;
}

Result<std::unique_ptr<SchemaRegistry>> SchemaRegistry::make(std::unique_ptr<Storage> storage,
                                                             RegistryOptions options) {
  SLUICE_ASSIGN_OR_RETURN(Storage::Snapshot snap, storage->load());
  std::unique_ptr<SchemaRegistry> reg(new SchemaRegistry(std::move(storage), options));
  reg->contexts_["."].by_id.reserve(snap.schemas.size());
  reg->contexts_["."].by_hash.reserve(snap.schemas.size());
  for (auto& [ctx, max_id] : snap.max_ids) reg->contexts_[ctx].max_id = max_id;
  for (auto& row : snap.schemas) {
    auto& ctx = reg->contexts_[row.context];
    ctx.max_id = std::max(ctx.max_id, row.id);
    RecordPtr rec = reg->make_record(std::move(row));
    ctx.by_hash.emplace(rec->hash, rec);
    ctx.by_id.emplace(rec->id, std::move(rec));
  }
  for (auto& row : snap.versions) {
    auto ctx_it = reg->contexts_.find(row.context);
    if (ctx_it == reg->contexts_.end()) continue;
    auto rec_it = ctx_it->second.by_id.find(row.id);
    if (rec_it == ctx_it->second.by_id.end()) continue;
    auto& s = reg->subjects_[row.subject];
    s.context = row.context;
    s.versions.push_back(VersionEntry{row.version, row.deleted, rec_it->second});
  }
  for (auto& [name, s] : reg->subjects_) {
    std::sort(s.versions.begin(), s.versions.end(),
              [](const VersionEntry& a, const VersionEntry& b) { return a.version < b.version; });
  }
  for (auto& [subject, json] : snap.configs) {
    auto c = config_from_json(json);
    if (!c) continue;
    if (subject.empty()) {
      reg->global_config_ = *c;
      reg->global_config_set_ = true;
    } else {
      auto& s = reg->subjects_[subject];
      s.context = split_subject(subject).first;
      s.config = *c;
    }
  }
  for (auto& [subject, text] : snap.modes) {
    auto m = parse_mode(text);
    if (!m) continue;
    if (subject.empty()) {
      reg->global_mode_ = *m;
    } else {
      auto& s = reg->subjects_[subject];
      s.context = split_subject(subject).first;
      s.mode = *m;
    }
  }
  std::size_t count = 0;
  for (auto& [name, ctx] : reg->contexts_) count += ctx.by_id.size();
  reg->live_schema_count_ = count;
  reg->committer_ = std::thread([r = reg.get()] { r->commit_loop(); });
  return reg;
}

SchemaRegistry::~SchemaRegistry() {
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  if (committer_.joinable()) committer_.join();
}

// --- parsing ---------------------------------------------------------------

ApiResult<std::vector<avro::SchemaPtr>> SchemaRegistry::resolve_references(
    const std::vector<Reference>& refs, std::string_view context, int depth) const {
  std::vector<avro::SchemaPtr> out;
  if (depth > kMaxReferenceDepth) {
    return api_error(kInvalidSchema, "Invalid schema: references nest too deeply (a cycle?)");
  }
  for (const Reference& ref : refs) {
    if (ref.subject.empty() || ref.name.empty()) {
      return api_error(kInvalidSchema,
                       "Invalid schema: a reference needs a name, a subject and a version");
    }
    // A reference names a subject in the referrer's context unless it is qualified.
    const std::string subject = reference_subject(context, ref.subject);
    auto it = subjects_.find(subject);
    const VersionEntry* entry = nullptr;
    if (it != subjects_.end()) {
      if (ref.version == -1) {
        entry = it->second.latest_live();
      } else {
        for (const auto& v : it->second.versions) {
          if (v.version == ref.version) entry = &v;
        }
      }
    }
    if (entry == nullptr) {
      return api_error(kInvalidSchema,
                       fmt::format("Invalid schema: reference '{}' to subject '{}' version {} "
                                   "does not exist",
                                   ref.name, ref.subject, ref.version));
    }
    auto parsed_ref = parsed(*entry->record, depth + 1);
    if (!parsed_ref) return tl::unexpected(parsed_ref.error());
    out.push_back(*parsed_ref);
  }
  return out;
}

ApiResult<avro::SchemaPtr> SchemaRegistry::parsed(const SchemaRecord& record, int depth) const {
  std::lock_guard<std::mutex> lock(record.parse_mu);
  if (record.parsed) return record.parsed;
  avro::ParseOptions opts;
  auto refs = resolve_references(record.references, record.context, depth);
  if (!refs) return tl::unexpected(refs.error());
  opts.references = std::move(*refs);
  auto schema = avro::Schema::parse(record.schema, opts);
  if (!schema) {
    return api_error(kInvalidSchema,
                     fmt::format("Invalid schema: {}", schema.error().to_string()));
  }
  record.parsed = *schema;
  return record.parsed;
}

ApiResult<SchemaRegistry::Prepared> SchemaRegistry::prepare(std::string_view subject,
                                                            const RegisterRequest& request,
                                                            bool normalize) const {
  (void)normalize;  // the canonical string is already normalized (see README)
  std::string type = request.schema_type.empty() ? "AVRO" : upper(request.schema_type);
  if (type == "JSON" || type == "PROTOBUF") {
    return api_error(kInvalidSchema,
                     fmt::format("Schema type {} is not supported yet by this registry; only "
                                 "AVRO schemas are accepted",
                                 type));
  }
  if (type != "AVRO") {
    return api_error(kInvalidSchema, fmt::format("Invalid schema type {}", request.schema_type));
  }
  if (request.schema.size() > options_.max_schema_bytes) {
    return api_error(kSchemaTooLarge, fmt::format("Schema is too large ({} bytes, limit {})",
                                                  request.schema.size(),
                                                  options_.max_schema_bytes));
  }
  if (request.schema.empty()) return api_error(kInvalidSchema, "Empty schema");
  Prepared p;
  p.type = type;
  p.references = request.references;
  for (auto& r : p.references) {
    if (r.version == 0) r.version = -1;
  }
  p.references_json = references_to_json(p.references);
  auto refs = resolve_references(p.references, split_subject(subject).first, 0);
  if (!refs) return tl::unexpected(refs.error());
  avro::ParseOptions opts;
  opts.references = std::move(*refs);
  auto schema = avro::Schema::parse(request.schema, opts);
  if (!schema) {
    return api_error(kInvalidSchema,
                     fmt::format("Invalid schema: {}", schema.error().to_string()));
  }
  p.parsed = *schema;
  p.canonical = p.parsed->to_json_with_references_by_name();
  p.hash = md5_key(p.type, p.canonical, p.references_json);
  return p;
}

// --- helpers ---------------------------------------------------------------

CompatibilityLevel SchemaRegistry::effective_level(const std::string& subject) const {
  if (auto it = subjects_.find(subject); it != subjects_.end() && it->second.config) {
    return it->second.config->level;
  }
  return global_config_.level;
}

bool SchemaRegistry::effective_normalize(const std::string& subject) const {
  if (auto it = subjects_.find(subject); it != subjects_.end() && it->second.config &&
                                         it->second.config->normalize) {
    return *it->second.config->normalize;
  }
  return global_config_.normalize.value_or(false);
}

Mode SchemaRegistry::effective_mode(const std::string& subject) const {
  if (auto it = subjects_.find(subject); it != subjects_.end() && it->second.mode) {
    return *it->second.mode;
  }
  return global_mode_;
}

std::vector<std::int32_t> SchemaRegistry::referrers(const std::string& subject, int version,
                                                    bool live_only) const {
  std::set<std::int32_t> ids;
  auto [ctx, name] = split_subject(subject);
  auto target = subjects_.find(subject);
  int latest = 0;
  if (target != subjects_.end()) {
    if (const auto* v = target->second.latest_live()) latest = v->version;
  }
  for (const auto& [sname, s] : subjects_) {
    for (const auto& v : s.versions) {
      if (live_only && v.deleted) continue;
      for (const auto& ref : v.record->references) {
        if (reference_subject(s.context, ref.subject) != subject) continue;
        int rv = ref.version == -1 ? latest : ref.version;
        if (rv == version) ids.insert(v.record->id);
      }
    }
  }
  return {ids.begin(), ids.end()};
}

bool SchemaRegistry::record_in_use(const SchemaRecord& record) const {
  for (const auto& [name, s] : subjects_) {
    if (s.context != record.context) continue;
    for (const auto& v : s.versions) {
      if (v.record.get() == &record) return true;
    }
  }
  return false;
}

void SchemaRegistry::drop_record_if_unused(const RecordPtr& record, Storage::Batch& batch) {
  if (!record_in_use(*record)) batch.delete_schemas.emplace_back(record->context, record->id);
}

void SchemaRegistry::forget_record(const RecordPtr& record) {
  auto it = contexts_.find(record->context);
  if (it == contexts_.end()) return;
  it->second.by_id.erase(record->id);
  if (auto h = it->second.by_hash.find(record->hash);
      h != it->second.by_hash.end() && h->second == record) {
    it->second.by_hash.erase(h);
  }
  --live_schema_count_;
}

ApiResult<const SchemaRegistry::VersionEntry*> SchemaRegistry::find_version(
    const SubjectState& s, std::string_view subject, std::string_view version,
    Deleted deleted) const {
  auto v = parse_version(version);
  if (!v) return api_error(kInvalidVersion, invalid_version_message(version));
  if (*v == 0) {
    if (deleted == Deleted::kYes && !s.versions.empty()) return &s.versions.back();
    const VersionEntry* e = s.latest_live();
    if (e == nullptr) return api_error(kSubjectNotFound, subject_not_found_message(subject));
    return e;
  }
  for (const auto& e : s.versions) {
    if (e.version == *v) {
      if (e.deleted && deleted == Deleted::kNo) break;
      return &e;
    }
  }
  return api_error(kVersionNotFound, version_not_found_message(std::to_string(*v)));
}

// --- compatibility -----------------------------------------------------------

std::vector<std::string> SchemaRegistry::compat_messages(const SchemaRecord& old_record,
                                                         int old_version,
                                                         const avro::SchemaPtr& candidate,
                                                         CompatibilityLevel level) const {
  std::vector<std::string> out;
  auto old_schema = parsed(old_record);
  if (!old_schema) {
    out.push_back(fmt::format("{{errorType:'TYPE_MISMATCH', description:'The old schema "
                              "(version {}) cannot be parsed: {}'}}",
                              old_version, old_schema.error().message));
    return out;
  }
  bool backward = level != CompatibilityLevel::kForward &&
                  level != CompatibilityLevel::kForwardTransitive;
  bool forward = level != CompatibilityLevel::kBackward &&
                 level != CompatibilityLevel::kBackwardTransitive;
  auto add = [&](const std::vector<avro::Incompatibility>& incs, bool new_is_reader) {
    for (const auto& inc : incs) {
      out.push_back(fmt::format(
          "{{errorType:'{}', description:'The {} schema cannot read data written with the {} "
          "schema (version {}): at '{}': {}', additionalInfo:'{}'}}",
          error_type(inc.message), new_is_reader ? "new" : "old (version " +
                                                               std::to_string(old_version) + ")",
          new_is_reader ? "old" : "new", old_version, inc.path.empty() ? "/" : inc.path,
          inc.message, inc.path.empty() ? "/" : inc.path));
    }
  };
  if (backward) add(avro::check_compatibility(candidate->root(), (*old_schema)->root()), true);
  if (forward) add(avro::check_compatibility((*old_schema)->root(), candidate->root()), false);
  if (!out.empty()) {
    out.push_back(fmt::format("{{oldSchemaVersion: {}}}", old_version));
    out.push_back(fmt::format("{{oldSchema: '{}'}}", old_record.schema));
    out.push_back(fmt::format("{{compatibility: '{}'}}", level_name(level)));
  }
  return out;
}

ApiResult<CompatibilityVerdict> SchemaRegistry::check_against(
    std::string_view subject, const std::vector<const VersionEntry*>& previous,
    const avro::SchemaPtr& candidate, CompatibilityLevel level) const {
  (void)subject;
  CompatibilityVerdict result;
  if (level == CompatibilityLevel::kNone) return result;
  bool transitive = level == CompatibilityLevel::kBackwardTransitive ||
                    level == CompatibilityLevel::kForwardTransitive ||
                    level == CompatibilityLevel::kFullTransitive;
  for (const VersionEntry* v : previous) {
    auto msgs = compat_messages(*v->record, v->version, candidate, level);
    if (!msgs.empty()) {
      result.compatible = false;
      result.messages = std::move(msgs);
      return result;
    }
    if (!transitive) break;
  }
  return result;
}

// --- registration ------------------------------------------------------------

tl::unexpected<ApiError> SchemaRegistry::incompatible(const std::string& subject,
                                                      const CompatibilityVerdict& verdict) const {
  std::string details = "[";
  for (std::size_t i = 0; i < verdict.messages.size(); ++i) {
    if (i > 0) details += ", ";
    details += verdict.messages[i];
  }
  details += "]";
  return api_error(409, options_.incompatible_code, incompatible_message(subject, details));
}

ApiResult<Registered> SchemaRegistry::register_schema(std::string_view subject,
                                                      const RegisterRequest& request,
                                                      Force force) {
  std::promise<ApiResult<Registered>> later;
  auto now = register_schema_async(subject, request, force, [&later](ApiResult<Registered> r) {
    later.set_value(std::move(r));
  });
  if (now) return std::move(*now);
  return later.get_future().get();
}

std::optional<Registered> SchemaRegistry::registered_version(std::string_view subject,
                                                             std::string_view hash) const {
  auto ctx_name = split_subject(subject).first;
  std::shared_lock lock(mu_);
  auto sub = subjects_.find(subject);
  if (sub == subjects_.end()) return std::nullopt;
  Mode mode = sub->second.mode ? *sub->second.mode : global_mode_;
  if (mode != Mode::kReadWrite) return std::nullopt;
  auto ctx = contexts_.find(ctx_name);
  if (ctx == contexts_.end()) return std::nullopt;
  auto rec = ctx->second.by_hash.find(hash);
  if (rec == ctx->second.by_hash.end()) return std::nullopt;
  for (auto it = sub->second.versions.rbegin(); it != sub->second.versions.rend(); ++it) {
    if (!it->deleted && it->record == rec->second) {
      return Registered{it->record->id, it->version, it->record};
    }
  }
  return std::nullopt;
}

std::optional<ApiResult<Registered>> SchemaRegistry::register_schema_async(
    std::string_view subject_view, const RegisterRequest& request, Force force,
    RegisterDone done) {
  std::string subject(subject_view);
  if (!valid_subject(subject)) return api_error(kInvalidSubject, invalid_subject_message(subject));
  const std::string ctx_name = split_subject(subject).first;

  // Fast path: the same text was registered before (no parse, shared lock only).
  std::string raw_key;
  if (!request.id && !request.version) {
    raw_key.reserve(request.schema.size() + 64);
    raw_key.append(request.schema_type).push_back('\x01');
    raw_key.append(references_to_json(request.references)).push_back('\x01');
    raw_key.append(ctx_name).push_back('\x01');
    raw_key.append(request.schema);
    std::string hash;
    {
      std::lock_guard<std::mutex> lock(raw_mu_);
      if (auto it = raw_to_hash_.find(raw_key); it != raw_to_hash_.end()) hash = it->second;
    }
    if (!hash.empty()) {
      if (auto r = registered_version(subject, hash)) return ApiResult<Registered>(*r);
    }
  }

  Prepared prep;
  {
    // Parsing needs the index only to resolve references; otherwise it runs unlocked.
    std::shared_lock lock(mu_, std::defer_lock);
    if (!request.references.empty()) lock.lock();
    auto p = prepare(subject, request, request.normalize);
    if (!p) return tl::unexpected(p.error());
    prep = std::move(*p);
  }
  if (!raw_key.empty()) {
    std::lock_guard<std::mutex> lock(raw_mu_);
    if (raw_to_hash_.size() >= kRawCacheLimit) raw_to_hash_.clear();
    raw_to_hash_.emplace(std::move(raw_key), prep.hash);
  }

  std::unique_lock<std::mutex> write_lock(write_mu_);
  idle_cv_.wait(write_lock, [&] { return exclusive_waiters_ == 0; });
  Mode mode = effective_mode(subject);
  if (request.id || request.version || mode != Mode::kReadWrite || !done) {
    Exclusive alone(*this, write_lock);
    return register_alone(subject, ctx_name, request, force, prep);
  }

  // Queued: checked against the published index plus what is staged on top of it.
  static const ContextState kNoContext;
  auto ctx_it = contexts_.find(ctx_name);
  const ContextState& ctx = ctx_it != contexts_.end() ? ctx_it->second : kNoContext;
  auto staged_ctx = staged_.by_hash.find(ctx_name);
  RecordPtr existing;
  if (staged_ctx != staged_.by_hash.end()) {
    if (auto it = staged_ctx->second.find(prep.hash); it != staged_ctx->second.end()) {
      existing = it->second.first;
    }
  }
  if (!existing) {
    if (auto it = ctx.by_hash.find(prep.hash); it != ctx.by_hash.end()) existing = it->second;
  }
  auto sub_it = subjects_.find(subject);
  auto staged_sub = staged_.versions.find(subject);
  const std::vector<VersionEntry>* published =
      sub_it != subjects_.end() ? &sub_it->second.versions : nullptr;
  const std::vector<std::pair<VersionEntry, std::uint64_t>>* queued =
      staged_sub != staged_.versions.end() ? &staged_sub->second : nullptr;

  // Idempotent: already a live version of this subject (answered with its commit when
  // that version is still queued).
  if (existing) {
    if (queued) {
      for (auto it = queued->rbegin(); it != queued->rend(); ++it) {
        if (it->first.record == existing) {
          pending_.waiters.emplace_back(std::move(done),
                                        Registered{existing->id, it->first.version, existing});
          work_cv_.notify_one();
          return std::nullopt;
        }
      }
    }
    if (published) {
      for (auto it = published->rbegin(); it != published->rend(); ++it) {
        if (!it->deleted && it->record == existing) {
          return ApiResult<Registered>(Registered{existing->id, it->version, existing});
        }
      }
    }
  }

  int version = 1;
  if (queued && !queued->empty()) {
    version = queued->back().first.version + 1;
  } else if (published && !published->empty()) {
    version = published->back().version + 1;
  }

  // Compatibility (not when forced): the live versions, newest (queued) first.
  if (force == Force::kNo && (published || queued)) {
    std::vector<const VersionEntry*> previous;
    if (queued) {
      for (auto it = queued->rbegin(); it != queued->rend(); ++it) previous.push_back(&it->first);
    }
    if (published) {
      for (auto it = published->rbegin(); it != published->rend(); ++it) {
        if (!it->deleted) previous.push_back(&*it);
      }
    }
    auto verdict = check_against(subject, previous, prep.parsed, effective_level(subject));
    if (!verdict) return tl::unexpected(verdict.error());
    if (!verdict->compatible) return incompatible(subject, *verdict);
  }

  std::uint64_t seq = pending_.seq;
  RecordPtr record = existing;
  if (!record) {
    std::int32_t max_id = ctx.max_id;
    if (auto it = staged_.max_id.find(ctx_name); it != staged_.max_id.end()) {
      max_id = std::max(max_id, it->second.first);
    }
    std::int32_t id = max_id + 1;
    Storage::SchemaRow row{ctx_name, id, prep.type, prep.canonical, prep.references_json,
                           prep.hash};
    pending_.rows.put_schemas.push_back(row);
    auto fresh = make_record(std::move(row));
    std::const_pointer_cast<SchemaRecord>(fresh)->parsed = prep.parsed;
    record = fresh;
    staged_.by_hash[ctx_name][record->hash] = {record, seq};
    staged_.max_id[ctx_name] = {id, seq};
    pending_.max_ids[ctx_name] = id;
  }
  pending_.rows.put_versions.push_back(
      Storage::VersionRow{subject, version, ctx_name, record->id, false});
  staged_.versions[subject].emplace_back(VersionEntry{version, false, record}, seq);
  pending_.items.push_back(
      PendingItem{subject, ctx_name, version, record, !existing, std::move(done)});
  work_cv_.notify_one();
  return std::nullopt;
}

SchemaRegistry::Exclusive::Exclusive(SchemaRegistry& r, std::unique_lock<std::mutex>& lock)
    : r_(r) {
  ++r_.exclusive_waiters_;
  r_.idle_cv_.wait(lock, [&] { return !r_.in_flight_ && r_.pending_.empty(); });
}

SchemaRegistry::Exclusive::~Exclusive() {
  --r_.exclusive_waiters_;
  r_.idle_cv_.notify_all();
}

void SchemaRegistry::flush() {
  std::unique_lock<std::mutex> lock(write_mu_);
  idle_cv_.wait(lock, [&] { return !in_flight_ && pending_.empty(); });
}

void SchemaRegistry::publish_locked(const PendingItem& item, const PendingBatch& batch) {
  ContextState& ctx = contexts_[item.context];
  if (auto it = batch.max_ids.find(item.context); it != batch.max_ids.end()) {
    ctx.max_id = std::max(ctx.max_id, it->second);
  }
  if (item.new_record) {
    ctx.by_id.emplace(item.record->id, item.record);
    ctx.by_hash.emplace(item.record->hash, item.record);
    ++live_schema_count_;
  }
  SubjectState& s = subjects_[item.subject];
  s.context = item.context;
  auto pos = std::lower_bound(s.versions.begin(), s.versions.end(), item.version,
                              [](const VersionEntry& e, int v) { return e.version < v; });
  s.versions.insert(pos, VersionEntry{item.version, false, item.record});
}

// The commit thread: takes the queued batch, writes it in one transaction, publishes
// it, then answers. On a failed commit every queued registration fails (later ones may
// have been checked against the lost ones).
void SchemaRegistry::commit_loop() {
  std::unique_lock<std::mutex> lock(write_mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping, nothing left
    PendingBatch batch = std::move(pending_);
    pending_ = PendingBatch{};
    pending_.seq = next_seq_++;
    in_flight_ = true;
    lock.unlock();

    for (const auto& [ctx, id] : batch.max_ids) batch.rows.max_ids.emplace_back(ctx, id);
    Status st = batch.items.empty() ? ok_status() : storage_->apply(batch.rows);

    std::vector<std::pair<RegisterDone, ApiResult<Registered>>> answers;
    answers.reserve(batch.items.size() + batch.waiters.size());
    lock.lock();
    if (st) {
      {
        std::unique_lock publish(mu_);
        for (const auto& item : batch.items) publish_locked(item, batch);
      }
      for (auto& item : batch.items) {
        auto& q = staged_.versions[item.subject];
        q.erase(std::remove_if(q.begin(), q.end(),
                               [&](const auto& e) { return e.second == batch.seq; }),
                q.end());
        if (q.empty()) staged_.versions.erase(item.subject);
        if (item.new_record) {
          auto& hashes = staged_.by_hash[item.context];
          if (auto it = hashes.find(item.record->hash);
              it != hashes.end() && it->second.second == batch.seq) {
            hashes.erase(it);
          }
          if (hashes.empty()) staged_.by_hash.erase(item.context);
          if (auto it = staged_.max_id.find(item.context);
              it != staged_.max_id.end() && it->second.second == batch.seq) {
            staged_.max_id.erase(it);
          }
        }
        answers.emplace_back(std::move(item.done),
                             Registered{item.record->id, item.version, item.record});
      }
      for (auto& [done, r] : batch.waiters) answers.emplace_back(std::move(done), std::move(r));
    } else {
      ApiError error{500, kStoreError,
                     fmt::format("Error in the backend data store: {}", st.error().to_string())};
      for (PendingBatch* b : {&batch, &pending_}) {
        for (auto& item : b->items) answers.emplace_back(std::move(item.done), tl::unexpected(error));
        for (auto& w : b->waiters) answers.emplace_back(std::move(w.first), tl::unexpected(error));
      }
      std::uint64_t seq = pending_.seq;
      pending_ = PendingBatch{};
      pending_.seq = seq;
      staged_ = Staged{};
    }
    lock.unlock();
    for (auto& [done, r] : answers) done(std::move(r));
    lock.lock();
    in_flight_ = false;
    idle_cv_.notify_all();
  }
}

// A registration written on its own (IMPORT/FORWARD mode, explicit id or version, or a
// caller that waits): the caller holds write_mu_ exclusively with nothing queued.
ApiResult<Registered> SchemaRegistry::register_alone(const std::string& subject,
                                                     const std::string& ctx_name,
                                                     const RegisterRequest& request,
                                                     Force force, const Prepared& prep) {
  Mode mode = effective_mode(subject);
  if (mode == Mode::kReadOnly || mode == Mode::kReadOnlyOverride) {
    return api_error(kOperationNotPermitted, read_only_message(subject));
  }
  if (request.id && mode != Mode::kImport && mode != Mode::kForward) {
    return api_error(kOperationNotPermitted, fmt::format("Subject {} is not in import mode",
                                                         subject));
  }
  if (!request.id && mode != Mode::kReadWrite) {
    return api_error(kOperationNotPermitted,
                     fmt::format("Subject {} is not in read-write mode", subject));
  }
  // Writers may read the index under write_mu_, but must not insert into it (readers
  // iterate it concurrently): an empty context stands in for a missing one.
  static const ContextState kNoContext;
  auto ctx_it = contexts_.find(ctx_name);
  const ContextState& ctx = ctx_it != contexts_.end() ? ctx_it->second : kNoContext;
  RecordPtr existing;
  if (auto it = ctx.by_hash.find(prep.hash); it != ctx.by_hash.end()) existing = it->second;
  auto sub_it = subjects_.find(subject);

  // Idempotent: already a live version of this subject.
  if (existing && sub_it != subjects_.end()) {
    for (auto it = sub_it->second.versions.rbegin(); it != sub_it->second.versions.rend(); ++it) {
      if (!it->deleted && it->record == existing) {
        if (request.id && *request.id != existing->id) {
          return api_error(kIdDoesNotMatch,
                           fmt::format("Schema already registered with id {} instead of input "
                                       "id {}",
                                       existing->id, *request.id));
        }
        return Registered{existing->id, it->version, existing};
      }
    }
  }


  std::int32_t id = 0;
  if (request.id) {
    if (*request.id < 1 || *request.id > 2147483647) {
      return api_error(kInvalidSchema, fmt::format("Invalid id {}", *request.id));
    }
    id = static_cast<std::int32_t>(*request.id);
    if (existing && existing->id != id) {
      return api_error(kIdDoesNotMatch,
                       fmt::format("Schema already registered with id {} instead of input id {}",
                                   existing->id, id));
    }
    if (auto it = ctx.by_id.find(id); it != ctx.by_id.end() && it->second->hash != prep.hash) {
      return api_error(kIdDoesNotMatch,
                       fmt::format("Overwrite new schema with id {} is not permitted.", id));
    }
  } else if (existing) {
    id = existing->id;
  }

  int max_version = 0;
  if (sub_it != subjects_.end() && !sub_it->second.versions.empty()) {
    max_version = sub_it->second.versions.back().version;
  }
  int version = max_version + 1;
  if (request.version) {
    if (*request.version < 1 || *request.version > 2147483647) {
      return api_error(kInvalidVersion, invalid_version_message(std::to_string(*request.version)));
    }
    version = static_cast<int>(*request.version);
    if (sub_it != subjects_.end()) {
      for (const auto& v : sub_it->second.versions) {
        if (v.version == version) {
          return api_error(kOperationNotPermitted,
                           fmt::format("Version {} of subject {} already exists", version,
                                       subject));
        }
      }
    }
  }

  // Compatibility (not in IMPORT/FORWARD mode, not when forced).
  if (mode == Mode::kReadWrite && force == Force::kNo && sub_it != subjects_.end()) {
    std::vector<const VersionEntry*> previous;
    for (auto it = sub_it->second.versions.rbegin(); it != sub_it->second.versions.rend(); ++it) {
      if (!it->deleted) previous.push_back(&*it);
    }
    auto verdict = check_against(subject, previous, prep.parsed, effective_level(subject));
    if (!verdict) return tl::unexpected(verdict.error());
    if (!verdict->compatible) return incompatible(subject, *verdict);
  }

  Storage::Batch batch;
  RecordPtr record = existing;
  std::int32_t new_max = ctx.max_id;
  if (!record) {
    if (id == 0) id = ctx.max_id + 1;
    new_max = std::max(ctx.max_id, id);
    Storage::SchemaRow row{ctx_name, id, prep.type, prep.canonical, prep.references_json,
                           prep.hash};
    batch.put_schemas.push_back(row);
    record = make_record(std::move(row));
    record->parsed = prep.parsed;
    batch.max_ids.emplace_back(ctx_name, new_max);
  }
  batch.put_versions.push_back(Storage::VersionRow{subject, version, ctx_name, id, false});
  if (Status st = storage_->apply(batch); !st) {
    return api_error(kStoreError, fmt::format("Error in the backend data store: {}",
                                              st.error().to_string()));
  }
  std::unique_lock lock(mu_);  // publish
  if (!existing) {
    ContextState& target = contexts_[ctx_name];
    target.max_id = new_max;
    target.by_id.emplace(id, record);
    target.by_hash.emplace(record->hash, record);
    ++live_schema_count_;
  }
  SubjectState& s = subjects_[subject];
  s.context = ctx_name;
  VersionEntry entry{version, false, record};
  auto pos = std::lower_bound(s.versions.begin(), s.versions.end(), version,
                              [](const VersionEntry& e, int v) { return e.version < v; });
  s.versions.insert(pos, entry);
  return Registered{id, version, record};
}

ApiResult<StoredVersion> SchemaRegistry::lookup(std::string_view subject_view,
                                                 const RegisterRequest& request,
                                                 Deleted deleted) {
  std::string subject(subject_view);
  std::shared_lock lock(mu_);
  auto sub = subjects_.find(subject);
  if (sub == subjects_.end() || sub->second.versions.empty() ||
      (deleted == Deleted::kNo && !sub->second.live())) {
    return api_error(kSubjectNotFound, subject_not_found_message(subject));
  }
  auto p = prepare(subject, request, request.normalize || effective_normalize(subject));
  if (!p) return tl::unexpected(p.error());
  for (auto it = sub->second.versions.rbegin(); it != sub->second.versions.rend(); ++it) {
    if (it->deleted && deleted == Deleted::kNo) continue;
    if (it->record->hash == p->hash) return StoredVersion{subject, it->version, it->deleted,
                                                           it->record};
  }
  return api_error(kSchemaNotFound, schema_not_found_message());
}

// --- reads -------------------------------------------------------------------

ApiResult<RecordPtr> SchemaRegistry::schema_by_id(std::int64_t id, std::string_view subject) const {
  std::string ctx_name = subject.empty() ? "." : split_subject(subject).first;
  std::shared_lock lock(mu_);
  auto ctx = contexts_.find(ctx_name);
  if (ctx != contexts_.end() && id > 0 && id <= 2147483647) {
    auto it = ctx->second.by_id.find(static_cast<std::int32_t>(id));
    if (it != ctx->second.by_id.end()) return it->second;
  }
  return api_error(kSchemaNotFound, schema_id_not_found_message(id));
}

ApiResult<std::vector<StoredVersion>> SchemaRegistry::versions_of_id(std::int64_t id,
                                                                      std::string_view subject,
                                                                      Deleted deleted) const {
  auto rec = schema_by_id(id, subject);
  if (!rec) return tl::unexpected(rec.error());
  std::shared_lock lock(mu_);
  std::vector<StoredVersion> out;
  for (const auto& [name, s] : subjects_) {
    if (s.context != (*rec)->context) continue;
    for (const auto& v : s.versions) {
      if (v.record != *rec) continue;
      if (v.deleted && deleted == Deleted::kNo) continue;
      out.push_back(StoredVersion{name, v.version, v.deleted, v.record});
    }
  }
  return out;
}

std::vector<std::string> SchemaRegistry::subjects(std::string_view prefix, Deleted deleted,
                                                  bool deleted_only) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  bool all = prefix.empty() || prefix == ":*:";
  for (const auto& [name, s] : subjects_) {
    if (s.versions.empty()) continue;
    if (!all && name.compare(0, prefix.size(), prefix) != 0) continue;
    bool live = s.live();
    bool any_deleted = false;
    for (const auto& v : s.versions) any_deleted |= v.deleted;
    if (deleted_only) {
      if (any_deleted) out.push_back(name);
    } else if (live || deleted == Deleted::kYes) {
      out.push_back(name);
    }
  }
  return out;
}

ApiResult<std::vector<int>> SchemaRegistry::versions(std::string_view subject, Deleted deleted,
                                                     bool deleted_only) const {
  std::shared_lock lock(mu_);
  auto sub = subjects_.find(subject);
  std::vector<int> out;
  if (sub != subjects_.end()) {
    for (const auto& v : sub->second.versions) {
      if (deleted_only ? v.deleted : (!v.deleted || deleted == Deleted::kYes)) {
        out.push_back(v.version);
      }
    }
  }
  if (out.empty() && !(deleted_only && sub != subjects_.end() && !sub->second.versions.empty())) {
    return api_error(kSubjectNotFound, subject_not_found_message(subject));
  }
  return out;
}

ApiResult<StoredVersion> SchemaRegistry::get_version(std::string_view subject,
                                                      std::string_view version,
                                                      Deleted deleted) const {
  if (!parse_version(version)) return api_error(kInvalidVersion, invalid_version_message(version));
  std::shared_lock lock(mu_);
  auto sub = subjects_.find(subject);
  if (sub == subjects_.end() || sub->second.versions.empty() ||
      (deleted == Deleted::kNo && !sub->second.live())) {
    return api_error(kSubjectNotFound, subject_not_found_message(subject));
  }
  auto e = find_version(sub->second, subject, version, deleted);
  if (!e) return tl::unexpected(e.error());
  return StoredVersion{std::string(subject), (*e)->version, (*e)->deleted, (*e)->record};
}

std::vector<StoredVersion> SchemaRegistry::list_schemas(std::string_view prefix, Deleted deleted,
                                                         bool latest_only) const {
  std::shared_lock lock(mu_);
  std::vector<StoredVersion> out;
  bool all = prefix.empty() || prefix == ":*:";
  for (const auto& [name, s] : subjects_) {
    if (!all && name.compare(0, prefix.size(), prefix) != 0) continue;
    if (latest_only) {
      const VersionEntry* e = deleted == Deleted::kYes && !s.versions.empty() ? &s.versions.back()
                                                                             : s.latest_live();
      if (e) out.push_back(StoredVersion{name, e->version, e->deleted, e->record});
      continue;
    }
    for (const auto& v : s.versions) {
      if (v.deleted && deleted == Deleted::kNo) continue;
      out.push_back(StoredVersion{name, v.version, v.deleted, v.record});
    }
  }
  return out;
}

ApiResult<std::vector<std::int32_t>> SchemaRegistry::referenced_by(std::string_view subject,
                                                                   std::string_view version) const {
  if (!parse_version(version)) return api_error(kInvalidVersion, invalid_version_message(version));
  std::shared_lock lock(mu_);
  auto sub = subjects_.find(subject);
  if (sub == subjects_.end() || !sub->second.live()) {
    return api_error(kSubjectNotFound, subject_not_found_message(subject));
  }
  auto e = find_version(sub->second, subject, version, Deleted::kNo);
  if (!e) return tl::unexpected(e.error());
  return referrers(std::string(subject), (*e)->version, true);
}

// --- deletes -----------------------------------------------------------------

ApiResult<int> SchemaRegistry::delete_version(std::string_view subject_view,
                                              std::string_view version, Permanent permanent) {
  std::string subject(subject_view);
  auto pv = parse_version(version);
  if (!pv) return api_error(kInvalidVersion, invalid_version_message(version));
  std::unique_lock<std::mutex> write_lock(write_mu_);
  Exclusive alone(*this, write_lock);
  Mode mode = effective_mode(subject);
  if (mode == Mode::kReadOnly || mode == Mode::kReadOnlyOverride) {
    return api_error(kOperationNotPermitted, read_only_message(subject));
  }
  auto sub = subjects_.find(subject);
  if (sub == subjects_.end() || sub->second.versions.empty()) {
    return api_error(kSubjectNotFound, subject_not_found_message(subject));
  }
  SubjectState& s = sub->second;
  VersionEntry* entry = nullptr;
  if (*pv == 0) {
    if (permanent == Permanent::kYes) {
      entry = &s.versions.back();
    } else {
      entry = const_cast<VersionEntry*>(s.latest_live());
      if (entry == nullptr) return api_error(kSubjectNotFound, subject_not_found_message(subject));
    }
  } else {
    for (auto& v : s.versions) {
      if (v.version == *pv) entry = &v;
    }
  }
  if (entry == nullptr) {
    return api_error(kVersionNotFound, version_not_found_message(std::to_string(*pv)));
  }
  std::string vtext = std::to_string(entry->version);
  if (permanent == Permanent::kNo && entry->deleted) {
    return api_error(kVersionSoftDeleted, version_soft_deleted_message(subject, vtext));
  }
  if (permanent == Permanent::kYes && !entry->deleted) {
    return api_error(kVersionNotSoftDeleted, version_not_soft_deleted_message(subject, vtext));
  }
  if (!referrers(subject, entry->version, true).empty()) {
    return api_error(kReferenceExists,
                     reference_exists_message(fmt::format("{}/{}", subject, vtext)));
  }
  Storage::Batch batch;
  int deleted_version = entry->version;
  RecordPtr record = entry->record;
  if (permanent == Permanent::kNo) {
    batch.put_versions.push_back(
        Storage::VersionRow{subject, deleted_version, s.context, record->id, true});
  } else {
    batch.delete_versions.emplace_back(subject, deleted_version);
  }
  // Decide whether the record becomes unused, as if the version were gone.
  bool drop = false;
  if (permanent == Permanent::kYes) {
    int uses = 0;
    for (const auto& [name, other] : subjects_) {
      if (other.context != record->context) continue;
      for (const auto& v : other.versions) uses += v.record == record ? 1 : 0;
    }
    drop = uses == 1;
    if (drop) batch.delete_schemas.emplace_back(record->context, record->id);
  }
  if (Status st = storage_->apply(batch); !st) {
    return api_error(kStoreError, "Error in the backend data store: " + st.error().to_string());
  }
  std::unique_lock lock(mu_);  // publish
  if (permanent == Permanent::kNo) {
    entry->deleted = true;
  } else {
    s.versions.erase(s.versions.begin() + (entry - s.versions.data()));
    if (drop) forget_record(record);
    if (s.versions.empty() && !s.config && !s.mode) subjects_.erase(sub);
  }
  return deleted_version;
}

ApiResult<std::vector<int>> SchemaRegistry::delete_subject(std::string_view subject_view,
                                                           Permanent permanent) {
  std::string subject(subject_view);
  std::unique_lock<std::mutex> write_lock(write_mu_);
  Exclusive alone(*this, write_lock);
  Mode mode = effective_mode(subject);
  if (mode == Mode::kReadOnly || mode == Mode::kReadOnlyOverride) {
    return api_error(kOperationNotPermitted, read_only_message(subject));
  }
  auto sub = subjects_.find(subject);
  if (sub == subjects_.end() || sub->second.versions.empty()) {
    return api_error(kSubjectNotFound, subject_not_found_message(subject));
  }
  SubjectState& s = sub->second;
  bool live = s.live();
  if (permanent == Permanent::kNo && !live) {
    return api_error(kSubjectSoftDeleted, subject_soft_deleted_message(subject));
  }
  if (permanent == Permanent::kYes && live) {
    return api_error(kSubjectNotSoftDeleted, subject_not_soft_deleted_message(subject));
  }
  for (const auto& v : s.versions) {
    if (!v.deleted && !referrers(subject, v.version, true).empty()) {
      return api_error(kReferenceExists, reference_exists_message(
                                             fmt::format("{}/{}", subject, v.version)));
    }
  }
  Storage::Batch batch;
  std::vector<int> out;
  std::vector<RecordPtr> dropped;
  if (permanent == Permanent::kNo) {
    for (const auto& v : s.versions) {
      if (v.deleted) continue;
      out.push_back(v.version);
      batch.put_versions.push_back(
          Storage::VersionRow{subject, v.version, s.context, v.record->id, true});
    }
  } else {
    std::set<const SchemaRecord*> seen;
    for (const auto& v : s.versions) {
      out.push_back(v.version);
      batch.delete_versions.emplace_back(subject, v.version);
      if (!seen.insert(v.record.get()).second) continue;
      bool used_elsewhere = false;
      for (const auto& [name, other] : subjects_) {
        if (name == subject || other.context != s.context) continue;
        for (const auto& ov : other.versions) used_elsewhere |= ov.record == v.record;
      }
      if (!used_elsewhere) {
        batch.delete_schemas.emplace_back(v.record->context, v.record->id);
        dropped.push_back(v.record);
      }
    }
    batch.configs.emplace_back(subject, std::nullopt);
    batch.modes.emplace_back(subject, std::nullopt);
  }
  if (Status st = storage_->apply(batch); !st) {
    return api_error(kStoreError, "Error in the backend data store: " + st.error().to_string());
  }
  std::unique_lock lock(mu_);  // publish
  if (permanent == Permanent::kNo) {
    for (auto& v : s.versions) v.deleted = true;
  } else {
    for (const auto& r : dropped) forget_record(r);
    subjects_.erase(sub);
  }
  return out;
}

// --- compatibility endpoint ----------------------------------------------------

ApiResult<CompatibilityVerdict> SchemaRegistry::check_compatibility(std::string_view subject_view,
                                                                   std::string_view version,
                                                                   const RegisterRequest& request,
                                                                   bool verbose) const {
  std::string subject(subject_view);
  std::optional<int> pv;
  if (!version.empty()) {
    pv = parse_version(version);
    if (!pv) return api_error(kInvalidVersion, invalid_version_message(version));
  }
  std::shared_lock lock(mu_);
  auto sub = subjects_.find(subject);
  bool exists = sub != subjects_.end() && sub->second.live();
  if (!exists && pv && *pv != 0) {
    return api_error(kSubjectNotFound, subject_not_found_message(subject));
  }
  auto prep = prepare(subject, request, request.normalize || effective_normalize(subject));
  if (!prep) {
    if (verbose && prep.error().error_code == kInvalidSchema) {
      return CompatibilityVerdict{false, {prep.error().message}};
    }
    return tl::unexpected(prep.error());
  }
  if (!exists) return CompatibilityVerdict{};
  CompatibilityLevel level = effective_level(subject);
  std::vector<const VersionEntry*> previous;
  if (pv) {
    auto e = find_version(sub->second, subject, version, Deleted::kNo);
    if (!e) return tl::unexpected(e.error());
    previous.push_back(*e);
    // One explicit version: check against it alone, in the level's direction(s).
    if (level == CompatibilityLevel::kBackwardTransitive) level = CompatibilityLevel::kBackward;
    if (level == CompatibilityLevel::kForwardTransitive) level = CompatibilityLevel::kForward;
    if (level == CompatibilityLevel::kFullTransitive) level = CompatibilityLevel::kFull;
  } else {
    for (auto it = sub->second.versions.rbegin(); it != sub->second.versions.rend(); ++it) {
      if (!it->deleted) previous.push_back(&*it);
    }
  }
  auto result = check_against(subject, previous, prep->parsed, level);
  if (result && !verbose) result->messages.clear();
  return result;
}

// --- config and mode -----------------------------------------------------------

ApiResult<Config> SchemaRegistry::get_config(std::string_view subject,
                                             bool default_to_global) const {
  std::shared_lock lock(mu_);
  if (subject.empty()) return global_config_;
  auto sub = subjects_.find(subject);
  if (sub != subjects_.end() && sub->second.config) return *sub->second.config;
  if (default_to_global) return global_config_;
  return api_error(kSubjectConfigNotFound, subject_config_not_found_message(subject));
}

ApiResult<Config> SchemaRegistry::set_config(std::string_view subject_view, Config config) {
  std::string subject(subject_view);
  std::unique_lock<std::mutex> write_lock(write_mu_);
  Exclusive alone(*this, write_lock);
  Storage::Batch batch;
  batch.configs.emplace_back(subject, config_to_json(config));
  if (Status st = storage_->apply(batch); !st) {
    return api_error(kStoreError, "Error in the backend data store: " + st.error().to_string());
  }
  std::unique_lock lock(mu_);  // publish
  if (subject.empty()) {
    global_config_ = config;
    global_config_set_ = true;
  } else {
    auto& s = subjects_[subject];
    s.context = split_subject(subject).first;
    s.config = config;
  }
  return config;
}

ApiResult<Config> SchemaRegistry::delete_config(std::string_view subject_view) {
  std::string subject(subject_view);
  std::unique_lock<std::mutex> write_lock(write_mu_);
  Exclusive alone(*this, write_lock);
  Config old;
  if (subject.empty()) {
    old = global_config_;
  } else {
    auto sub = subjects_.find(subject);
    if (sub == subjects_.end() || !sub->second.config) {
      return api_error(kSubjectConfigNotFound, subject_config_not_found_message(subject));
    }
    old = *sub->second.config;
  }
  Storage::Batch batch;
  batch.configs.emplace_back(subject, std::nullopt);
  if (Status st = storage_->apply(batch); !st) {
    return api_error(kStoreError, "Error in the backend data store: " + st.error().to_string());
  }
  std::unique_lock lock(mu_);  // publish
  if (subject.empty()) {
    global_config_ = Config{};
    global_config_set_ = false;
  } else {
    auto sub = subjects_.find(subject);
    sub->second.config.reset();
    if (sub->second.versions.empty() && !sub->second.mode) subjects_.erase(sub);
  }
  return old;
}

ApiResult<Mode> SchemaRegistry::get_mode(std::string_view subject, bool default_to_global) const {
  std::shared_lock lock(mu_);
  if (subject.empty()) return global_mode_;
  auto sub = subjects_.find(subject);
  if (sub != subjects_.end() && sub->second.mode) return *sub->second.mode;
  if (default_to_global) return global_mode_;
  return api_error(kSubjectModeNotFound, subject_mode_not_found_message(subject));
}

ApiResult<Mode> SchemaRegistry::set_mode(std::string_view subject_view, Mode mode, Force force) {
  std::string subject(subject_view);
  std::unique_lock<std::mutex> write_lock(write_mu_);
  Exclusive alone(*this, write_lock);
  if (mode == Mode::kImport && force == Force::kNo) {
    bool busy = false;
    if (subject.empty()) {
      for (const auto& [name, s] : subjects_) busy |= s.live();
    } else if (auto sub = subjects_.find(subject); sub != subjects_.end()) {
      busy = sub->second.live();
    }
    if (busy) {
      return api_error(kOperationNotPermitted, "Cannot import since found existing subjects");
    }
  }
  Storage::Batch batch;
  batch.modes.emplace_back(subject, std::string(mode_name(mode)));
  if (Status st = storage_->apply(batch); !st) {
    return api_error(kStoreError, "Error in the backend data store: " + st.error().to_string());
  }
  std::unique_lock lock(mu_);  // publish
  if (subject.empty()) {
    global_mode_ = mode;
  } else {
    auto& s = subjects_[subject];
    s.context = split_subject(subject).first;
    s.mode = mode;
  }
  return mode;
}

ApiResult<Mode> SchemaRegistry::delete_mode(std::string_view subject_view) {
  std::string subject(subject_view);
  std::unique_lock<std::mutex> write_lock(write_mu_);
  Exclusive alone(*this, write_lock);
  Mode old = global_mode_;
  if (!subject.empty()) {
    auto sub = subjects_.find(subject);
    if (sub == subjects_.end() || !sub->second.mode) {
      return api_error(kSubjectModeNotFound, subject_mode_not_found_message(subject));
    }
    old = *sub->second.mode;
  }
  Storage::Batch batch;
  batch.modes.emplace_back(subject, std::nullopt);
  if (Status st = storage_->apply(batch); !st) {
    return api_error(kStoreError, "Error in the backend data store: " + st.error().to_string());
  }
  std::unique_lock lock(mu_);  // publish
  if (subject.empty()) {
    global_mode_ = Mode::kReadWrite;
  } else {
    auto sub = subjects_.find(subject);
    sub->second.mode.reset();
    if (sub->second.versions.empty() && !sub->second.config) subjects_.erase(sub);
  }
  return old;
}

// --- contexts and gauges ---------------------------------------------------------

std::vector<std::string> SchemaRegistry::contexts() const {
  std::shared_lock lock(mu_);
  std::set<std::string> out{"."};
  for (const auto& [name, s] : subjects_) {
    if (!s.versions.empty()) out.insert(s.context);
  }
  return {out.begin(), out.end()};
}

ApiResult<bool> SchemaRegistry::delete_context(std::string_view context) {
  std::unique_lock<std::mutex> write_lock(write_mu_);
  Exclusive alone(*this, write_lock);
  for (const auto& [name, s] : subjects_) {
    if (s.context == context && !s.versions.empty()) {
      return api_error(kContextNotEmpty,
                       fmt::format("The context {} is not empty", context));
    }
  }
  return true;
}

std::size_t SchemaRegistry::schema_count() const { return live_schema_count_.load(); }

std::size_t SchemaRegistry::subject_count() const {
  std::shared_lock lock(mu_);
  std::size_t n = 0;
  for (const auto& [name, s] : subjects_) n += s.live() ? 1 : 0;
  return n;
}

}  // namespace sluice::registry
