// SQLite persistence for the registry (Storage in store.h).
//
// One file, WAL journal, synchronous=FULL: apply() commits one transaction and returns
// only after SQLite has synced it, so an acknowledged write survives kill -9 and power
// loss. load() reads each table once in primary-key order (no per-row queries), which
// keeps start-up with 10,000 schemas in the low milliseconds. Tables:
//   schemas(context, id, type, schema, refs, hash)     -- PRIMARY KEY (context, id)
//   versions(subject, version, context, id, deleted)   -- PRIMARY KEY (subject, version)
//   configs(subject, json) / modes(subject, mode)      -- "" = global
//   ids(context, max_id)                                -- highest id ever given out
#include <fmt/format.h>
#include <sqlite3.h>

#include <mutex>

#include "registry/store.h"

namespace sluice::registry {
namespace {

constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS schemas(context TEXT NOT NULL, id INTEGER NOT NULL, type TEXT NOT NULL,
  schema TEXT NOT NULL, refs TEXT NOT NULL, hash BLOB NOT NULL, PRIMARY KEY(context, id));
CREATE TABLE IF NOT EXISTS versions(subject TEXT NOT NULL, version INTEGER NOT NULL,
  context TEXT NOT NULL, id INTEGER NOT NULL, deleted INTEGER NOT NULL,
  PRIMARY KEY(subject, version));
CREATE TABLE IF NOT EXISTS configs(subject TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS modes(subject TEXT PRIMARY KEY, mode TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ids(context TEXT PRIMARY KEY, max_id INTEGER NOT NULL);
)sql";

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (stmt_) sqlite3_finalize(stmt_);
  }
  bool prepare(sqlite3* db, const char* sql) {
    return sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK;
  }
  sqlite3_stmt* get() { return stmt_; }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void text(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void blob(int i, std::string_view s) {
    sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void integer(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}
std::string column_blob(sqlite3_stmt* s, int i) {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(s, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

class SqliteStorage final : public Storage {
 public:
  // close_v2 defers the close until the member statements are finalized.
  ~SqliteStorage() override {
    if (db_) sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Storage>> open(const std::string& path) {
    auto st = std::make_unique<SqliteStorage>();
    // NOMUTEX: every use of the connection is under mu_, so SQLite's own per-call
    // locking would only add cost (a lock and unlock per column read at start-up).
    if (sqlite3_open_v2(path.c_str(), &st->db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      return fail(ErrorCode::kIo, "cannot open registry store '{}': {}", path,
                  st->db_ ? sqlite3_errmsg(st->db_) : "out of memory");
    }
    sqlite3_busy_timeout(st->db_, 5000);
    for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
      if (auto s = st->exec(sql); !s) return fail(s.error());
    }
    if (auto s = st->exec(kSchemaSql); !s) return fail(s.error());
    struct Item {
      Statement* stmt;
      const char* sql;
    };
    for (auto [stmt, sql] : {
             Item{&st->put_schema_,
                  "INSERT OR REPLACE INTO schemas(context,id,type,schema,refs,hash) "
                  "VALUES(?,?,?,?,?,?)"},
             Item{&st->del_schema_, "DELETE FROM schemas WHERE context=? AND id=?"},
             Item{&st->put_version_,
                  "INSERT OR REPLACE INTO versions(subject,version,context,id,deleted) "
                  "VALUES(?,?,?,?,?)"},
             Item{&st->del_version_, "DELETE FROM versions WHERE subject=? AND version=?"},
             Item{&st->put_config_, "INSERT OR REPLACE INTO configs(subject,json) VALUES(?,?)"},
             Item{&st->del_config_, "DELETE FROM configs WHERE subject=?"},
             Item{&st->put_mode_, "INSERT OR REPLACE INTO modes(subject,mode) VALUES(?,?)"},
             Item{&st->del_mode_, "DELETE FROM modes WHERE subject=?"},
             Item{&st->put_id_, "INSERT OR REPLACE INTO ids(context,max_id) VALUES(?,?)"},
         }) {
      if (!stmt->prepare(st->db_, sql)) {
        return fail(ErrorCode::kIo, "registry store '{}': {}", path, sqlite3_errmsg(st->db_));
      }
    }
    return std::unique_ptr<Storage>(std::move(st));
  }

  Result<Snapshot> load() override {
    std::lock_guard<std::mutex> lock(mu_);
    Snapshot snap;
    SLUICE_TRY(query("SELECT context,id,type,schema,refs,hash FROM schemas", [&](sqlite3_stmt* s) {
      snap.schemas.push_back(SchemaRow{column_text(s, 0),
                                       static_cast<std::int32_t>(sqlite3_column_int64(s, 1)),
                                       column_text(s, 2), column_text(s, 3), column_text(s, 4),
                                       column_blob(s, 5)});
    }));
    SLUICE_TRY(query("SELECT subject,version,context,id,deleted FROM versions",
                     [&](sqlite3_stmt* s) {
                       snap.versions.push_back(VersionRow{
                           column_text(s, 0), sqlite3_column_int(s, 1), column_text(s, 2),
                           static_cast<std::int32_t>(sqlite3_column_int64(s, 3)),
                           sqlite3_column_int(s, 4) != 0});
                     }));
    SLUICE_TRY(query("SELECT subject,json FROM configs", [&](sqlite3_stmt* s) {
      snap.configs.emplace_back(column_text(s, 0), column_text(s, 1));
    }));
    SLUICE_TRY(query("SELECT subject,mode FROM modes", [&](sqlite3_stmt* s) {
      snap.modes.emplace_back(column_text(s, 0), column_text(s, 1));
    }));
    SLUICE_TRY(query("SELECT context,max_id FROM ids", [&](sqlite3_stmt* s) {
      snap.max_ids.emplace_back(column_text(s, 0),
                                static_cast<std::int32_t>(sqlite3_column_int64(s, 1)));
    }));
    return snap;
  }

  Status apply(const Batch& b) override {
    std::lock_guard<std::mutex> lock(mu_);
    SLUICE_TRY(exec("BEGIN IMMEDIATE"));
    Status st = apply_locked(b);
    if (!st) {
      (void)exec("ROLLBACK");
      return st;
    }
    return exec("COMMIT");
  }

 private:
  Status apply_locked(const Batch& b) {
    for (const auto& r : b.put_schemas) {
      put_schema_.reset();
      put_schema_.text(1, r.context);
      put_schema_.integer(2, r.id);
      put_schema_.text(3, r.type);
      put_schema_.text(4, r.schema);
      put_schema_.text(5, r.references_json);
      put_schema_.blob(6, r.hash);
      SLUICE_TRY(step(put_schema_));
    }
    for (const auto& [ctx, id] : b.delete_schemas) {
      del_schema_.reset();
      del_schema_.text(1, ctx);
      del_schema_.integer(2, id);
      SLUICE_TRY(step(del_schema_));
    }
    for (const auto& v : b.put_versions) {
      put_version_.reset();
      put_version_.text(1, v.subject);
      put_version_.integer(2, v.version);
      put_version_.text(3, v.context);
      put_version_.integer(4, v.id);
      put_version_.integer(5, v.deleted ? 1 : 0);
      SLUICE_TRY(step(put_version_));
    }
    for (const auto& [subject, version] : b.delete_versions) {
      del_version_.reset();
      del_version_.text(1, subject);
      del_version_.integer(2, version);
      SLUICE_TRY(step(del_version_));
    }
    for (const auto& [subject, json] : b.configs) {
      Statement& s = json ? put_config_ : del_config_;
      s.reset();
      s.text(1, subject);
      if (json) s.text(2, *json);
      SLUICE_TRY(step(s));
    }
    for (const auto& [subject, mode] : b.modes) {
      Statement& s = mode ? put_mode_ : del_mode_;
      s.reset();
      s.text(1, subject);
      if (mode) s.text(2, *mode);
      SLUICE_TRY(step(s));
    }
    for (const auto& [ctx, id] : b.max_ids) {
      put_id_.reset();
      put_id_.text(1, ctx);
      put_id_.integer(2, id);
      SLUICE_TRY(step(put_id_));
    }
    return ok_status();
  }

  Status step(Statement& s) {
    int rc = sqlite3_step(s.get());
    if (rc != SQLITE_DONE) return fail(ErrorCode::kIo, "sqlite: {}", sqlite3_errmsg(db_));
    return ok_status();
  }

  Status exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return fail(ErrorCode::kIo, "sqlite: {}", msg);
    }
    return ok_status();
  }

  template <class F>
  Status query(const char* sql, F&& row) {
    Statement s;
    if (!s.prepare(db_, sql)) return fail(ErrorCode::kIo, "sqlite: {}", sqlite3_errmsg(db_));
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) row(s.get());
    if (rc != SQLITE_DONE) return fail(ErrorCode::kIo, "sqlite: {}", sqlite3_errmsg(db_));
    return ok_status();
  }

  std::mutex mu_;
  sqlite3* db_ = nullptr;
  Statement put_schema_, del_schema_, put_version_, del_version_, put_config_, del_config_,
      put_mode_, del_mode_, put_id_;
};

// No persistence: for tests and throwaway servers.
class MemoryStorage final : public Storage {
 public:
  Result<Snapshot> load() override { return Snapshot{}; }
  Status apply(const Batch&) override { return ok_status(); }
};

}  // namespace

Result<std::unique_ptr<Storage>> open_storage(std::string_view uri) {
  if (uri == "memory" || uri == "memory:") return std::unique_ptr<Storage>(new MemoryStorage());
  constexpr std::string_view kSqlite = "sqlite:";
  if (uri.substr(0, kSqlite.size()) == kSqlite) {
    std::string path(uri.substr(kSqlite.size()));
    if (path.empty()) return fail(ErrorCode::kInvalidArgument, "--store sqlite: needs a path");
    return SqliteStorage::open(path);
  }
  return fail(ErrorCode::kInvalidArgument,
              "unknown store '{}' (expected sqlite:<path>, sqlite::memory: or memory)", uri);
}

}  // namespace sluice::registry
