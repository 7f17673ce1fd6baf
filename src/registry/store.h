// The schema registry's core: subjects, versions, global ids, config, mode, contexts,
// references and compatibility, with Confluent's semantics and error codes. No HTTP.
//
//   SLUICE_ASSIGN_OR_RETURN(auto reg, SchemaRegistry::open("sqlite:/var/lib/reg.db"));
//   RegisterRequest req;
//   req.schema = R"({"type":"record","name":"A","fields":[]})";
//   ApiResult<Registered> r = reg->register_schema("orders-value", req);   // r->id, r->version
//   ApiResult<StoredVersion> v = reg->get_version("orders-value", "latest", Deleted::kNo);
//
// Subjects are qualified names: "orders" lives in the default context ".", and
// ":.tenant1:orders" in context ".tenant1"; schema ids are allocated per context.
// Identity of a schema is the MD5 of its type, canonical string (compact JSON of the
// whole schema, Schema::to_json) and references: registering the same schema under
// another subject reuses its id; registering it again under the same subject returns
// the existing version without writing. Version numbers are never reused after a soft
// delete; they restart at 1 only after a permanent delete of the subject.
//
// Concurrency: every method is thread-safe. Reads take a shared lock and touch only
// memory; writes persist through the Storage (durable transactions) and only then
// change memory, so a crash never loses an acknowledged write and never leaves memory
// ahead of disk. Returned SchemaRecords are immutable and shared (shared_ptr), valid
// after the lock is released.
//
// Group commit: ordinary registrations (READWRITE mode, no explicit id or version) are
// checked against the index plus the registrations already accepted but not yet
// committed, then queue up; one commit thread writes everything queued in one
// transaction, publishes it to memory, and only then answers each of them. Other writes
// (deletes, config, mode, IMPORT) wait until the queue is empty and write alone.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "avro/schema.h"
#include "base/result.h"
#include "registry/errors.h"

namespace sluice::registry {

enum class CompatibilityLevel : std::uint8_t {
  kNone,
  kBackward,
  kBackwardTransitive,
  kForward,
  kForwardTransitive,
  kFull,
  kFullTransitive,
};
std::string_view level_name(CompatibilityLevel level);
// Case-insensitive ("backward" works too), as Confluent accepts.
std::optional<CompatibilityLevel> parse_level(std::string_view text);

enum class Mode : std::uint8_t { kReadWrite, kReadOnly, kReadOnlyOverride, kImport, kForward };
std::string_view mode_name(Mode mode);
std::optional<Mode> parse_mode(std::string_view text);

enum class Deleted : std::uint8_t { kNo, kYes };       // include soft-deleted entries
enum class Permanent : std::uint8_t { kNo, kYes };     // hard delete
enum class Force : std::uint8_t { kNo, kYes };

struct Reference {
  std::string name;     // the named type's fullname, as the referrer uses it
  std::string subject;  // where it is registered
  int version = -1;     // -1 = latest
  bool operator==(const Reference&) const = default;
};

// One registered schema (shared by every subject-version that has it).
struct SchemaRecord {
  std::string context;             // "." for the default context
  std::int32_t id = 0;
  std::string type = "AVRO";
  std::string schema;              // canonical string, as stored and returned
  std::vector<Reference> references;
  std::string hash;                // 16-byte MD5 of type + schema + references
  std::string references_json;     // "[...]" ("[]" when none)

  // The GET /schemas/ids/{id} body, {"schema":...,"references":[...]}, rendered on first
  // use and then shared; `typed` adds "schemaType" (the server's --schema-type option).
  const std::string& id_body(bool typed) const;

  mutable std::once_flag body_once;
  mutable std::string body_plain;
  mutable std::string body_typed;

  // Parsed lazily (start-up loads text only); guarded by parse_mu.
  mutable std::mutex parse_mu;
  mutable avro::SchemaPtr parsed;
};
using RecordPtr = std::shared_ptr<const SchemaRecord>;

struct StoredVersion {
  std::string subject;
  int version = 0;
  bool deleted = false;
  RecordPtr record;
};

struct RegisterRequest {
  std::string schema;
  std::string schema_type = "AVRO";
  std::vector<Reference> references;
  std::optional<std::int64_t> id;       // IMPORT mode only
  std::optional<std::int64_t> version;  // IMPORT mode only
  bool normalize = false;
};

struct Registered {
  std::int32_t id = 0;
  int version = 0;
  RecordPtr record;
};

struct CompatibilityVerdict {
  bool compatible = true;
  std::vector<std::string> messages;  // Confluent-style items, one per problem
};

struct Config {
  CompatibilityLevel level = CompatibilityLevel::kBackward;
  std::optional<bool> normalize;
};

// Durable persistence behind the registry (sqlite_storage.h). Each call is one atomic,
// durable write; it returns only once the data is on disk.
class Storage {
 public:
  virtual ~Storage() = default;

  struct SchemaRow {
    std::string context;
    std::int32_t id;
    std::string type;
    std::string schema;
    std::string references_json;
    std::string hash;
  };
  struct VersionRow {
    std::string subject;
    int version;
    std::string context;
    std::int32_t id;
    bool deleted;
  };
  struct Snapshot {
    std::vector<SchemaRow> schemas;
    std::vector<VersionRow> versions;
    std::vector<std::pair<std::string, std::string>> configs;  // subject ("" = global), json
    std::vector<std::pair<std::string, std::string>> modes;    // subject ("" = global), mode
    std::vector<std::pair<std::string, std::int32_t>> max_ids; // context -> highest id ever
  };
  virtual Result<Snapshot> load() = 0;

  // A batch of changes applied in one transaction.
  struct Batch {
    std::vector<SchemaRow> put_schemas;
    std::vector<std::pair<std::string, std::int32_t>> delete_schemas;  // context, id
    std::vector<VersionRow> put_versions;
    std::vector<std::pair<std::string, int>> delete_versions;  // subject, version
    std::vector<std::pair<std::string, std::optional<std::string>>> configs;  // nullopt = delete
    std::vector<std::pair<std::string, std::optional<std::string>>> modes;
    std::vector<std::pair<std::string, std::int32_t>> max_ids;
  };
  virtual Status apply(const Batch& batch) = 0;
};

// Opens a store from a URI: "sqlite:<path>", "sqlite::memory:" or "memory" (no
// persistence). Fails with kIo when the file cannot be opened or is not a registry.
Result<std::unique_ptr<Storage>> open_storage(std::string_view uri);

struct RegistryOptions {
  // Body code of an incompatible-schema error (HTTP status is always 409).
  int incompatible_code = 409;
  // Largest accepted schema text in bytes (42209 beyond).
  std::size_t max_schema_bytes = 8 << 20;
};

class SchemaRegistry {
 public:
  // Loads every schema, version, config and mode from `storage` into memory. Schemas
  // are parsed lazily, so start-up costs one sequential read of the store.
  static Result<std::unique_ptr<SchemaRegistry>> make(std::unique_ptr<Storage> storage,
                                                      RegistryOptions options = {});
  static Result<std::unique_ptr<SchemaRegistry>> open(std::string_view store_uri,
                                                      RegistryOptions options = {});
  // Commits and answers every queued registration, then stops the commit thread.
  ~SchemaRegistry();
  SchemaRegistry(const SchemaRegistry&) = delete;
  SchemaRegistry& operator=(const SchemaRegistry&) = delete;

  // POST /subjects/{s}/versions. Errors: 42201 invalid schema or type, 42208 invalid
  // subject, 42205 mode, 42207 import id clash, 409/40901 incompatible, 50001 store.
  // Blocks until the registration is durable.
  ApiResult<Registered> register_schema(std::string_view subject, const RegisterRequest& request,
                                        Force force = Force::kNo);
  // The same without blocking on the disk: returns the result when it is known at once
  // (errors, a schema the subject already has, non-queued writes); otherwise returns
  // nullopt and calls `done` exactly once, from the commit thread, after the commit
  // that makes it durable and its publication in memory. `done` must not block.
  using RegisterDone = std::function<void(ApiResult<Registered>)>;
  std::optional<ApiResult<Registered>> register_schema_async(std::string_view subject,
                                                             const RegisterRequest& request,
                                                             Force force, RegisterDone done);
  // What an idempotent re-registration of the schema with identity `hash` (see
  // SchemaRecord::hash) under `subject` answers, when that needs no write: the subject
  // is in READWRITE mode and has a live version with that schema. nullopt otherwise.
  std::optional<Registered> registered_version(std::string_view subject,
                                               std::string_view hash) const;
  // Waits until every accepted registration has been committed and answered.
  void flush();
  // POST /subjects/{s}: the version of `subject` that has this schema. 40401 when the
  // subject has no versions, 40403 when it lacks the schema.
  ApiResult<StoredVersion> lookup(std::string_view subject, const RegisterRequest& request,
                                   Deleted deleted);
  // GET /schemas/ids/{id}; the context comes from `subject` (may be empty). 40403.
  ApiResult<RecordPtr> schema_by_id(std::int64_t id, std::string_view subject) const;
  // GET /schemas/ids/{id}/versions: subject-versions using the id. 40403.
  ApiResult<std::vector<StoredVersion>> versions_of_id(std::int64_t id, std::string_view subject,
                                                        Deleted deleted) const;
  // GET /subjects: names, sorted. `prefix` ":*:" or "" = every context.
  std::vector<std::string> subjects(std::string_view prefix, Deleted deleted,
                                    bool deleted_only) const;
  // GET /subjects/{s}/versions. 40401 when no (matching) versions.
  ApiResult<std::vector<int>> versions(std::string_view subject, Deleted deleted,
                                       bool deleted_only) const;
  // GET /subjects/{s}/versions/{v}; `version` is text ("latest", "-1", "3"). 42202,
  // 40401, 40402.
  ApiResult<StoredVersion> get_version(std::string_view subject, std::string_view version,
                                        Deleted deleted) const;
  // GET /schemas: every (non-deleted) subject-version, by subject then version.
  std::vector<StoredVersion> list_schemas(std::string_view prefix, Deleted deleted,
                                           bool latest_only) const;
  // GET .../referencedby: ids of schemas whose references name this subject-version.
  ApiResult<std::vector<std::int32_t>> referenced_by(std::string_view subject,
                                                     std::string_view version) const;
  // DELETE /subjects/{s}/versions/{v}: the deleted version. 40401/40402/40406/40407/
  // 42206/42205.
  ApiResult<int> delete_version(std::string_view subject, std::string_view version,
                                Permanent permanent);
  // DELETE /subjects/{s}: the deleted versions. 40401/40404/40405/42206/42205.
  ApiResult<std::vector<int>> delete_subject(std::string_view subject, Permanent permanent);

  // POST /compatibility/subjects/{s}/versions[/{v}]. `version` empty = check as a
  // registration would (the subject's level against the non-deleted versions).
  ApiResult<CompatibilityVerdict> check_compatibility(std::string_view subject,
                                                     std::string_view version,
                                                     const RegisterRequest& request,
                                                     bool verbose) const;

  // Config: `subject` empty = global. get: 40408 for a subject without its own config
  // unless default_to_global. set/remove return the stored/old config.
  ApiResult<Config> get_config(std::string_view subject, bool default_to_global) const;
  ApiResult<Config> set_config(std::string_view subject, Config config);
  ApiResult<Config> delete_config(std::string_view subject);
  // Mode: as config (40409). set: 42205 when switching to IMPORT with live subjects
  // unless force.
  ApiResult<Mode> get_mode(std::string_view subject, bool default_to_global) const;
  ApiResult<Mode> set_mode(std::string_view subject, Mode mode, Force force);
  ApiResult<Mode> delete_mode(std::string_view subject);

  // GET /contexts: "." and every context that has subjects, sorted.
  std::vector<std::string> contexts() const;
  // DELETE /contexts/{c}: 42211 when it still has subjects.
  ApiResult<bool> delete_context(std::string_view context);

  // Gauges for /metrics.
  std::size_t schema_count() const;
  std::size_t subject_count() const;

  const RegistryOptions& options() const { return options_; }

  // Splits ":.ctx:name" into {".ctx", "name"}; anything else is {".", subject}
  // (registry::split_subject, subjects.h).
  static std::pair<std::string, std::string> split_subject(std::string_view subject);

 private:
  struct VersionEntry {
    int version;
    bool deleted;
    RecordPtr record;
  };
  struct SubjectState {
    std::string context;
    std::vector<VersionEntry> versions;  // ascending by version
    std::optional<Config> config;
    std::optional<Mode> mode;
    bool live() const;
    const VersionEntry* latest_live() const;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct ContextState {
    std::int32_t max_id = 0;
    std::unordered_map<std::int32_t, RecordPtr> by_id;
    std::unordered_map<std::string, RecordPtr, StringHash, std::equal_to<>> by_hash;
  };
  struct Prepared {
    std::string canonical;
    std::string hash;
    std::vector<Reference> references;
    std::string references_json;
    std::string type;
    avro::SchemaPtr parsed;
  };

  // One group commit: queued registrations and their answers.
  struct PendingItem {
    std::string subject;
    std::string context;
    int version;
    RecordPtr record;
    bool new_record;
    RegisterDone done;
  };
  struct PendingBatch {
    std::uint64_t seq = 0;
    Storage::Batch rows;
    std::map<std::string, std::int32_t, std::less<>> max_ids;
    std::vector<PendingItem> items;
    // Idempotent re-registrations of a queued version: answered with that commit.
    std::vector<std::pair<RegisterDone, Registered>> waiters;
    bool empty() const { return items.empty() && waiters.empty(); }
  };
  // Accepted but not yet published registrations (in the batch being committed and in
  // the one filling up), each tagged with its batch's seq. Guarded by write_mu_.
  struct Staged {
    std::map<std::string, std::vector<std::pair<VersionEntry, std::uint64_t>>, std::less<>>
        versions;  // subject -> ascending
    std::map<std::string, std::unordered_map<std::string, std::pair<RecordPtr, std::uint64_t>>,
             std::less<>>
        by_hash;  // context -> hash -> new record
    std::map<std::string, std::pair<std::int32_t, std::uint64_t>, std::less<>> max_id;
  };
  // Holds write_mu_ with the commit queue empty and no new registration queued until
  // it ends: for writes that change what registrations are checked against.
  class Exclusive {
   public:
    Exclusive(SchemaRegistry& r, std::unique_lock<std::mutex>& lock);
    ~Exclusive();

   private:
    SchemaRegistry& r_;
  };

  SchemaRegistry(std::unique_ptr<Storage> storage, RegistryOptions options);

  void commit_loop();
  void publish_locked(const PendingItem& item, const PendingBatch& batch);
  ApiResult<Registered> register_alone(const std::string& subject, const std::string& ctx_name,
                                       const RegisterRequest& request, Force force,
                                       const Prepared& prep);

  ApiResult<Prepared> prepare(std::string_view subject, const RegisterRequest& request,
                              bool normalize) const;  // caller holds a lock
  ApiResult<avro::SchemaPtr> parsed(const SchemaRecord& record, int depth = 0) const;
  ApiResult<std::vector<avro::SchemaPtr>> resolve_references(const std::vector<Reference>& refs,
                                                             std::string_view context,
                                                             int depth) const;
  std::vector<std::string> compat_messages(const SchemaRecord& old_record, int old_version,
                                           const avro::SchemaPtr& candidate,
                                           CompatibilityLevel level) const;
  ApiResult<CompatibilityVerdict> check_against(std::string_view subject,
                                               const std::vector<const VersionEntry*>& previous,
                                               const avro::SchemaPtr& candidate,
                                               CompatibilityLevel level) const;
  // The 409 of a failed registration check.
  tl::unexpected<ApiError> incompatible(const std::string& subject,
                                        const CompatibilityVerdict& verdict) const;
  CompatibilityLevel effective_level(const std::string& subject) const;
  bool effective_normalize(const std::string& subject) const;
  Mode effective_mode(const std::string& subject) const;
  std::vector<std::int32_t> referrers(const std::string& subject, int version,
                                      bool live_only) const;
  RecordPtr make_record(Storage::SchemaRow row) const;
  ApiResult<const VersionEntry*> find_version(const SubjectState& s, std::string_view subject,
                                              std::string_view version, Deleted deleted) const;
  void drop_record_if_unused(const RecordPtr& record, Storage::Batch& batch);
  void forget_record(const RecordPtr& record);
  bool record_in_use(const SchemaRecord& record) const;

  std::unique_ptr<Storage> storage_;
  RegistryOptions options_;
  // Writers serialise on write_mu_ for their whole check + commit, and take mu_
  // exclusively only to publish the change to memory, so readers never wait for a
  // disk sync. Only writers mutate, so a writer may read the index under write_mu_.
  std::mutex write_mu_;
  mutable std::shared_mutex mu_;
  std::map<std::string, SubjectState, std::less<>> subjects_;
  std::map<std::string, ContextState, std::less<>> contexts_;
  Config global_config_;
  bool global_config_set_ = false;
  Mode global_mode_ = Mode::kReadWrite;
  std::atomic<std::size_t> live_schema_count_{0};

  // Group commit state, guarded by write_mu_.
  PendingBatch pending_;
  Staged staged_;
  bool in_flight_ = false;
  int exclusive_waiters_ = 0;
  bool stop_ = false;
  std::uint64_t next_seq_ = 1;
  std::condition_variable work_cv_;  // pending_ filled, or stop_
  std::condition_variable idle_cv_;  // a commit ended, or an Exclusive ended
  std::thread committer_;

  // Raw request text -> canonical hash, so an idempotent re-registration skips parsing.
  mutable std::mutex raw_mu_;
  mutable std::unordered_map<std::string, std::string> raw_to_hash_;
};

// The JSON rendering of a reference list: [{"name":..,"subject":..,"version":..}].
std::string references_to_json(const std::vector<Reference>& refs);
// JSON string literal of `text` (with quotes).
std::string json_quote(std::string_view text);

}  // namespace sluice::registry
