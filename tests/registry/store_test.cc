// In-process tests of the registry core (registry/store.h): ids, versions, deletes,
// config, mode, contexts, references, compatibility levels, and SQLite durability.
#include "registry/store.h"
#include "registry/subjects.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

namespace sluice::registry {
namespace {

const char* kMovieV1 = R"({"type":"record","name":"MovieEvent","namespace":"movies","fields":[
  {"name":"user_id","type":"long"},{"name":"movie_id","type":"string"},
  {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}}]})";
const char* kMovieV2 = R"({"type":"record","name":"MovieEvent","namespace":"movies","fields":[
  {"name":"user_id","type":"long"},{"name":"movie_id","type":"string"},
  {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
  {"name":"rating","type":["null","int"],"default":null},
  {"name":"device","type":["null","string"],"default":null}]})";
// Breaking: a new required field without a default.
const char* kMovieBad = R"({"type":"record","name":"MovieEvent","namespace":"movies","fields":[
  {"name":"user_id","type":"long"},{"name":"movie_id","type":"string"},
  {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
  {"name":"session_id","type":"string"}]})";

RegisterRequest req(std::string schema) {
  RegisterRequest r;
  r.schema = std::move(schema);
  return r;
}

std::unique_ptr<SchemaRegistry> memory_registry(RegistryOptions o = {}) {
  auto r = SchemaRegistry::open("memory", o);
  EXPECT_TRUE(r.has_value());
  return std::move(*r);
}

int code_of(const ApiError& e) { return e.error_code; }

TEST(RegistryStore, RegistersAndReusesIdsAcrossSubjects) {
  auto reg = memory_registry();
  auto a = reg->register_schema("a", req(R"({"type":"string"})"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->id, 1);
  EXPECT_EQ(a->version, 1);
  EXPECT_EQ(a->record->schema, "\"string\"");  // canonical compact form
  // Same schema, other spelling, same subject: idempotent.
  auto again = reg->register_schema("a", req("\"string\""));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, 1);
  EXPECT_EQ(again->version, 1);
  // Same schema under another subject: same id, version 1 there.
  auto b = reg->register_schema("b", req("\"string\""));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id, 1);
  EXPECT_EQ(b->version, 1);
  auto c = reg->register_schema("b", req("\"long\""));
  ASSERT_FALSE(c);  // BACKWARD: long cannot read string
  EXPECT_EQ(c.error().http_status, 409);
  EXPECT_EQ(code_of(c.error()), 409);
  auto ids = reg->versions_of_id(1, "", Deleted::kNo);
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->size(), 2u);
}

TEST(RegistryStore, IncompatibleCodeIsConfigurable) {
  RegistryOptions o;
  o.incompatible_code = 40901;
  auto reg = memory_registry(o);
  ASSERT_TRUE(reg->register_schema("s", req("\"string\"")));
  auto r = reg->register_schema("s", req("\"int\""));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 409);
  EXPECT_EQ(r.error().error_code, 40901);
}

TEST(RegistryStore, MovieEvolutionBackwardAndFull) {
  for (auto level : {CompatibilityLevel::kBackward, CompatibilityLevel::kFull,
                     CompatibilityLevel::kFullTransitive, CompatibilityLevel::kForward}) {
    auto reg = memory_registry();
    ASSERT_TRUE(reg->set_config("movies-value", Config{level, {}}));
    auto v1 = reg->register_schema("movies-value", req(kMovieV1));
    ASSERT_TRUE(v1);
    auto v2 = reg->register_schema("movies-value", req(kMovieV2));
    ASSERT_TRUE(v2) << level_name(level) << ": " << v2.error().message;
    EXPECT_EQ(v2->version, 2);
    EXPECT_EQ(v2->id, 2);
    auto bad = reg->register_schema("movies-value", req(kMovieBad));
    if (level == CompatibilityLevel::kForward) {
      EXPECT_TRUE(bad);  // old readers ignore the new field
      continue;
    }
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().http_status, 409);
    EXPECT_NE(bad.error().message.find("session_id"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("READER_FIELD_MISSING_DEFAULT_VALUE"), std::string::npos);
    EXPECT_NE(bad.error().message.find("oldSchemaVersion: 2"), std::string::npos);
  }
}

TEST(RegistryStore, TransitiveLevelsCheckAllVersions) {
  // v1 {a:int}, v2 {a:int,b:int=0} -> v3 {b:int=0}? Backward vs latest only passes for a
  // chain where v3 drops a field v1 required... use a type chain instead:
  // v1 int, v2 long (reads int), v3 float (reads long and int) is fine both ways; a
  // FORWARD chain: int -> long fails forward (int reader cannot read long).
  auto reg = memory_registry();
  ASSERT_TRUE(reg->set_config("t", Config{CompatibilityLevel::kBackwardTransitive, {}}));
  const char* v1 = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
  const char* v2 =
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]})";
  const char* v3 =
      R"({"type":"record","name":"R","fields":[{"name":"b","type":"int","default":0},{"name":"c","type":"string"}]})";
  ASSERT_TRUE(reg->register_schema("t", req(v1)));
  ASSERT_TRUE(reg->register_schema("t", req(v2)));
  auto r3 = reg->register_schema("t", req(v3));
  ASSERT_FALSE(r3);  // c has no default: fails against v2 already
  // Plain BACKWARD: a schema compatible with latest only.
  auto reg2 = memory_registry();
  ASSERT_TRUE(reg2->set_config("u", Config{CompatibilityLevel::kBackward, {}}));
  const char* u1 = R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"}]})";
  const char* u2 = R"({"type":"record","name":"R","fields":[]})";
  const char* u3 = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","default":1}]})";
  ASSERT_TRUE(reg2->register_schema("u", req(u1)));
  ASSERT_TRUE(reg2->register_schema("u", req(u2)));
  EXPECT_TRUE(reg2->register_schema("u", req(u3)));  // vs u2 only: fine
  auto reg3 = memory_registry();
  ASSERT_TRUE(reg3->set_config("u", Config{CompatibilityLevel::kBackwardTransitive, {}}));
  ASSERT_TRUE(reg3->register_schema("u", req(u1)));
  ASSERT_TRUE(reg3->register_schema("u", req(u2)));
  auto bad = reg3->register_schema("u", req(u3));  // vs u1: string -> int
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("oldSchemaVersion: 1"), std::string::npos);
  EXPECT_NE(bad.error().message.find("TYPE_MISMATCH"), std::string::npos);
}

TEST(RegistryStore, NoneSkipsChecks) {
  auto reg = memory_registry();
  ASSERT_TRUE(reg->set_config("", Config{CompatibilityLevel::kNone, {}}));
  ASSERT_TRUE(reg->register_schema("s", req("\"string\"")));
  EXPECT_TRUE(reg->register_schema("s", req("\"int\"")));
}

TEST(RegistryStore, SoftDeleteNeverReusesVersions) {
  auto reg = memory_registry();
  ASSERT_TRUE(reg->register_schema("s", req("\"string\"")));
  ASSERT_TRUE(reg->register_schema("s", req(R"(["null","string"])")));
  auto del = reg->delete_subject("s", Permanent::kNo);
  ASSERT_TRUE(del);
  EXPECT_EQ(*del, (std::vector<int>{1, 2}));
  EXPECT_EQ(reg->delete_subject("s", Permanent::kNo).error().error_code, kSubjectSoftDeleted);
  EXPECT_EQ(reg->versions("s", Deleted::kNo, false).error().error_code, kSubjectNotFound);
  EXPECT_EQ(reg->get_version("s", "1", Deleted::kNo).error().error_code, kSubjectNotFound);
  EXPECT_TRUE(reg->get_version("s", "1", Deleted::kYes));
  // Re-register: version 3, same id.
  auto again = reg->register_schema("s", req("\"string\""));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->version, 3);
  EXPECT_EQ(again->id, 1);
  // The schema stays readable by id after a soft delete.
  EXPECT_TRUE(reg->schema_by_id(2, ""));
}

TEST(RegistryStore, PermanentDeleteLifeCycle) {
  auto reg = memory_registry();
  ASSERT_TRUE(reg->register_schema("s", req("\"string\"")));
  EXPECT_EQ(reg->delete_subject("s", Permanent::kYes).error().error_code, kSubjectNotSoftDeleted);
  EXPECT_EQ(reg->delete_version("s", "1", Permanent::kYes).error().error_code,
            kVersionNotSoftDeleted);
  ASSERT_TRUE(reg->delete_version("s", "1", Permanent::kNo));
  EXPECT_EQ(reg->delete_version("s", "1", Permanent::kNo).error().error_code, kVersionSoftDeleted);
  EXPECT_EQ(reg->delete_version("s", "7", Permanent::kNo).error().error_code, kVersionNotFound);
  EXPECT_EQ(reg->delete_version("s", "x", Permanent::kNo).error().error_code, kInvalidVersion);
  auto perm = reg->delete_subject("s", Permanent::kYes);
  ASSERT_TRUE(perm);
  EXPECT_EQ(*perm, std::vector<int>{1});
  EXPECT_EQ(reg->delete_subject("s", Permanent::kNo).error().error_code, kSubjectNotFound);
  EXPECT_EQ(reg->schema_by_id(1, "").error().error_code, kSchemaNotFound);
  auto fresh = reg->register_schema("s", req("\"string\""));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->version, 1);  // restarts after a permanent delete
  EXPECT_EQ(fresh->id, 2);       // ids are never reused
}

TEST(RegistryStore, VersionErrors) {
  auto reg = memory_registry();
  EXPECT_EQ(reg->get_version("nope", "1", Deleted::kNo).error().error_code, kSubjectNotFound);
  ASSERT_TRUE(reg->register_schema("s", req("\"string\"")));
  EXPECT_EQ(reg->get_version("s", "2", Deleted::kNo).error().error_code, kVersionNotFound);
  EXPECT_EQ(reg->get_version("s", "0", Deleted::kNo).error().error_code, kInvalidVersion);
  EXPECT_EQ(reg->get_version("s", "2147483648", Deleted::kNo).error().error_code,
            kInvalidVersion);
  EXPECT_EQ(reg->get_version("s", "latest", Deleted::kNo)->version, 1);
  EXPECT_EQ(reg->get_version("s", "-1", Deleted::kNo)->version, 1);
  EXPECT_EQ(reg->register_schema("", req("\"string\"")).error().error_code, kInvalidSubject);
  EXPECT_EQ(reg->register_schema("s", req("{\"type\":\"strin\"}")).error().error_code,
            kInvalidSchema);
  RegisterRequest json_type = req("{}");
  json_type.schema_type = "JSON";
  auto j = reg->register_schema("s", json_type);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().error_code, kInvalidSchema);
  EXPECT_NE(j.error().message.find("not supported"), std::string::npos);
}

TEST(RegistryStore, LookupFindsSchemaOrSaysWhy) {
  auto reg = memory_registry();
  EXPECT_EQ(reg->lookup("s", req("\"string\""), Deleted::kNo).error().error_code,
            kSubjectNotFound);
  ASSERT_TRUE(reg->register_schema("s", req("\"string\"")));
  auto found = reg->lookup("s", req(R"({"type":"string"})"), Deleted::kNo);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->version, 1);
  EXPECT_EQ(reg->lookup("s", req("\"int\""), Deleted::kNo).error().error_code, kSchemaNotFound);
  ASSERT_TRUE(reg->delete_version("s", "1", Permanent::kNo));
  EXPECT_FALSE(reg->lookup("s", req("\"string\""), Deleted::kNo));
  EXPECT_TRUE(reg->lookup("s", req("\"string\""), Deleted::kYes));
}

TEST(RegistryStore, ConfigAndMode) {
  auto reg = memory_registry();
  EXPECT_EQ(reg->get_config("", false)->level, CompatibilityLevel::kBackward);
  EXPECT_EQ(reg->get_config("s", false).error().error_code, kSubjectConfigNotFound);
  EXPECT_EQ(reg->get_config("s", true)->level, CompatibilityLevel::kBackward);
  ASSERT_TRUE(reg->set_config("s", Config{CompatibilityLevel::kFull, {}}));
  EXPECT_EQ(reg->get_config("s", false)->level, CompatibilityLevel::kFull);
  EXPECT_EQ(reg->delete_config("s")->level, CompatibilityLevel::kFull);
  EXPECT_EQ(reg->get_config("s", false).error().error_code, kSubjectConfigNotFound);
  EXPECT_EQ(reg->get_mode("", false).value(), Mode::kReadWrite);
  EXPECT_EQ(reg->get_mode("s", false).error().error_code, kSubjectModeNotFound);
  ASSERT_TRUE(reg->set_mode("s", Mode::kReadOnly, Force::kNo));
  EXPECT_EQ(reg->register_schema("s", req("\"string\"")).error().error_code,
            kOperationNotPermitted);
  ASSERT_TRUE(reg->delete_mode("s"));
  ASSERT_TRUE(reg->register_schema("s", req("\"string\"")));
  EXPECT_EQ(reg->set_mode("", Mode::kImport, Force::kNo).error().error_code,
            kOperationNotPermitted);
  EXPECT_TRUE(reg->set_mode("", Mode::kImport, Force::kYes));
  EXPECT_FALSE(parse_level("sideways"));
  EXPECT_FALSE(parse_mode("WRITEONLY"));
  EXPECT_EQ(parse_level("full_transitive"), CompatibilityLevel::kFullTransitive);
}

TEST(RegistryStore, ImportModeWithExplicitIds) {
  auto reg = memory_registry();
  RegisterRequest r = req("\"string\"");
  r.id = 100;
  r.version = 5;
  EXPECT_EQ(reg->register_schema("imp", r).error().error_code, kOperationNotPermitted);
  ASSERT_TRUE(reg->set_mode("", Mode::kImport, Force::kNo));
  auto ok = reg->register_schema("imp", r);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->id, 100);
  EXPECT_EQ(ok->version, 5);
  // The same id for another schema is refused.
  RegisterRequest clash = req("\"int\"");
  clash.id = 100;
  EXPECT_EQ(reg->register_schema("imp2", clash).error().error_code, kIdDoesNotMatch);
  // No id in IMPORT mode: not permitted.
  EXPECT_EQ(reg->register_schema("imp3", req("\"long\"")).error().error_code,
            kOperationNotPermitted);
  ASSERT_TRUE(reg->set_mode("", Mode::kReadWrite, Force::kNo));
  auto next = reg->register_schema("other", req("\"bytes\""));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id, 101);  // continues after the imported id
}

TEST(RegistryStore, ContextsHaveTheirOwnIds) {
  auto reg = memory_registry();
  ASSERT_TRUE(reg->register_schema("s", req("\"string\"")));
  ASSERT_TRUE(reg->register_schema("s2", req("\"int\"")));
  auto c = reg->register_schema(":.tenant:s", req("\"int\""));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, 1);  // ids per context
  EXPECT_EQ(reg->schema_by_id(1, ":.tenant:s").value()->schema, "\"int\"");
  EXPECT_EQ(reg->schema_by_id(1, "").value()->schema, "\"string\"");
  EXPECT_EQ(reg->contexts(), (std::vector<std::string>{".", ".tenant"}));
  EXPECT_EQ(reg->subjects(":.tenant:", Deleted::kNo, false),
            std::vector<std::string>{":.tenant:s"});
  EXPECT_EQ(reg->subjects("", Deleted::kNo, false).size(), 3u);
  EXPECT_EQ(reg->delete_context(".tenant").error().error_code, kContextNotEmpty);
}

// The names the registry and `sluice artifact sync` resolve references with.
TEST(RegistrySubjects, ReferencesWithoutAContextAreInTheReferrers) {
  EXPECT_EQ(split_subject(":.stg:orders"), (std::pair<std::string, std::string>{".stg", "orders"}));
  EXPECT_EQ(split_subject("orders"), (std::pair<std::string, std::string>{".", "orders"}));
  EXPECT_EQ(reference_subject(".stg", "item"), ":.stg:item");
  EXPECT_EQ(reference_subject(".stg", ":.other:item"), ":.other:item");
  EXPECT_EQ(reference_subject(".", "item"), "item");
}

TEST(RegistryStore, ReferencesAcrossSubjects) {
  auto reg = memory_registry();
  const char* address =
      R"({"type":"record","name":"Address","namespace":"acme","fields":[{"name":"city","type":"string"}]})";
  ASSERT_TRUE(reg->register_schema("address", req(address)));
  RegisterRequest user = req(
      R"({"type":"record","name":"User","namespace":"acme","fields":[{"name":"home","type":"acme.Address"}]})");
  user.references.push_back(Reference{"acme.Address", "address", 1});
  auto u = reg->register_schema("user", user);
  ASSERT_TRUE(u) << u.error().message;
  auto refs = reg->referenced_by("address", "1");
  ASSERT_TRUE(refs);
  EXPECT_EQ(*refs, std::vector<std::int32_t>{u->id});
  EXPECT_EQ(reg->delete_version("address", "1", Permanent::kNo).error().error_code,
            kReferenceExists);
  EXPECT_EQ(reg->delete_subject("address", Permanent::kNo).error().error_code, kReferenceExists);
  // Without the reference the type is unknown.
  RegisterRequest orphan = user;
  orphan.references.clear();
  EXPECT_EQ(reg->register_schema("user2", orphan).error().error_code, kInvalidSchema);
  ASSERT_TRUE(reg->delete_subject("user", Permanent::kNo));
  EXPECT_TRUE(reg->delete_version("address", "1", Permanent::kNo));
}

TEST(RegistryStore, CompatibilityEndpointSemantics) {
  auto reg = memory_registry();
  // A missing subject is compatible with anything (latest / no version).
  EXPECT_TRUE(reg->check_compatibility("nope", "latest", req("\"int\""), false)->compatible);
  EXPECT_TRUE(reg->check_compatibility("nope", "", req("\"int\""), false)->compatible);
  EXPECT_EQ(reg->check_compatibility("nope", "3", req("\"int\""), false).error().error_code,
            kSubjectNotFound);
  ASSERT_TRUE(reg->register_schema("m", req(kMovieV1)));
  EXPECT_TRUE(reg->check_compatibility("m", "latest", req(kMovieV2), true)->compatible);
  auto bad = reg->check_compatibility("m", "1", req(kMovieBad), true);
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->compatible);
  ASSERT_FALSE(bad->messages.empty());
  EXPECT_NE(bad->messages[0].find("session_id"), std::string::npos);
  EXPECT_EQ(reg->check_compatibility("m", "9", req(kMovieV2), false).error().error_code,
            kVersionNotFound);
  auto invalid = reg->check_compatibility("m", "latest", req("{\"type\":\"nope\"}"), true);
  ASSERT_TRUE(invalid);
  EXPECT_FALSE(invalid->compatible);
  EXPECT_EQ(reg->check_compatibility("m", "latest", req("{\"type\":\"nope\"}"), false)
                .error()
                .error_code,
            kInvalidSchema);
}

TEST(RegistryStore, SqliteKeepsEverythingAcrossRestarts) {
  auto dir = std::filesystem::temp_directory_path() /
             ("sluice-store-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string uri = "sqlite:" + (dir / "r.db").string();
  {
    auto reg = SchemaRegistry::open(uri);
    ASSERT_TRUE(reg) << reg.error().to_string();
    ASSERT_TRUE((*reg)->register_schema("a", req("\"string\"")));
    ASSERT_TRUE((*reg)->register_schema("a", req(R"(["null","string"])")));
    ASSERT_TRUE((*reg)->register_schema(":.c:x", req("\"int\"")));
    ASSERT_TRUE((*reg)->delete_version("a", "1", Permanent::kNo));
    ASSERT_TRUE((*reg)->set_config("a", Config{CompatibilityLevel::kFull, {}}));
    ASSERT_TRUE((*reg)->set_mode("b", Mode::kReadOnly, Force::kNo));
  }
  auto reg = SchemaRegistry::open(uri);
  ASSERT_TRUE(reg);
  EXPECT_EQ((*reg)->versions("a", Deleted::kNo, false).value(), std::vector<int>{2});
  EXPECT_EQ((*reg)->versions("a", Deleted::kYes, false).value(), (std::vector<int>{1, 2}));
  EXPECT_EQ((*reg)->get_config("a", false)->level, CompatibilityLevel::kFull);
  EXPECT_EQ((*reg)->get_mode("b", false).value(), Mode::kReadOnly);
  EXPECT_EQ((*reg)->schema_by_id(1, ":.c:x").value()->schema, "\"int\"");
  auto next = (*reg)->register_schema("z", req("\"bytes\""));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id, 3);
  std::filesystem::remove_all(dir);
}

// A schema with references is stored and served as Confluent serves it: its own types
// defined, the referenced ones by name only (so clients parse it with the references,
// and the registry can parse it again after a restart, references of references too).
TEST(RegistryStore, ReferencedTypesAreServedByNameAndReparsedAfterARestart) {
  auto dir = std::filesystem::temp_directory_path() /
             ("sluice-store-refs-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string uri = "sqlite:" + (dir / "r.db").string();
  const char* address_text =
      R"({"type":"record","name":"Address","namespace":"acme","fields":[{"name":"country","type":"acme.Country"}]})";
  {
    auto reg = SchemaRegistry::open(uri);
    ASSERT_TRUE(reg) << reg.error().to_string();
    ASSERT_TRUE((*reg)->register_schema(
        "country", req(R"({"type":"enum","name":"Country","namespace":"acme","symbols":["CA"]})")));
    RegisterRequest address = req(address_text);
    address.references.push_back(Reference{"acme.Country", "country", 1});
    auto a = (*reg)->register_schema("address", address);
    ASSERT_TRUE(a) << a.error().message;
    auto served = (*reg)->schema_by_id(a->id, "");
    ASSERT_TRUE(served);
    EXPECT_EQ((*served)->schema, address_text);  // Country by name, not defined inline
  }
  auto reg = SchemaRegistry::open(uri);
  ASSERT_TRUE(reg);
  // Registering a schema that references Address parses Address's stored text with its
  // own reference (nothing cached after the restart).
  RegisterRequest user = req(
      R"({"type":"record","name":"User","namespace":"acme","fields":[{"name":"home","type":"acme.Address"}]})");
  user.references.push_back(Reference{"acme.Address", "address", 1});
  auto u = (*reg)->register_schema("user", user);
  ASSERT_TRUE(u) << u.error().message;
  // And a compatible second version of Address is checked against the stored first one.
  RegisterRequest address2 = req(
      R"({"type":"record","name":"Address","namespace":"acme","fields":[{"name":"country","type":"acme.Country"},{"name":"zip","type":["null","string"],"default":null}]})");
  address2.references.push_back(Reference{"acme.Country", "country", 1});
  auto a2 = (*reg)->register_schema("address", address2);
  ASSERT_TRUE(a2) << a2.error().message;
  EXPECT_EQ(a2->version, 2);
  std::filesystem::remove_all(dir);
}

// Start-up time is measured in bench/registry_bench.sh, not asserted here.
TEST(RegistryStore, ReloadsTenThousandStoredSchemas) {
  auto dir = std::filesystem::temp_directory_path() /
             ("sluice-store-big-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string uri = "sqlite:" + (dir / "r.db").string();
  {
    // Write rows directly through the storage in one batch (fast to set up).
    auto storage = open_storage(uri);
    ASSERT_TRUE(storage);
    Storage::Batch batch;
    for (int i = 1; i <= 10000; ++i) {
      std::string schema = "{\"type\":\"record\",\"name\":\"R" + std::to_string(i) +
                           "\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}";
      batch.put_schemas.push_back(
          Storage::SchemaRow{".", i, "AVRO", schema, "[]", "hash" + std::to_string(i)});
      batch.put_versions.push_back(Storage::VersionRow{"s" + std::to_string(i), 1, ".", i, false});
    }
    ASSERT_TRUE((*storage)->apply(batch));
  }
  auto reg = SchemaRegistry::open(uri);
  ASSERT_TRUE(reg);
  EXPECT_EQ((*reg)->schema_count(), 10000u);
  // Every stored row is served from the reloaded index with its own text.
  for (int i : {1, 2, 5000, 9999, 10000}) {
    auto record = (*reg)->schema_by_id(i, "");
    ASSERT_TRUE(record) << "id " << i;
    EXPECT_NE((*record)->schema.find("\"R" + std::to_string(i) + "\""), std::string::npos);
  }
  EXPECT_FALSE((*reg)->schema_by_id(10001, ""));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sluice::registry
