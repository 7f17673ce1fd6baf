// Schema artifacts (codegen/artifact.h, codegen/artifact_sync.h): versions, names, the
// tree build_artifact() writes, determinism, and the sync versioning rule over
// in-memory registry snapshots. The installed-package, CMake and real-registry paths
// are covered by tests/codegen/artifact_e2e.py.
#include "codegen/artifact.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "avro/fingerprint.h"
#include "avro/schema.h"
#include "codegen/artifact_sync.h"
#include "codegen/internal/repo_lock.h"
#include "test_support.h"

namespace sluice::codegen {
namespace {

namespace fs = std::filesystem;
using sluice::testing::read_file;
using sluice::testing::TempDir;

constexpr const char* kWatchV1 =
    R"({"type":"record","name":"Watch","namespace":"t","fields":[{"name":"userId","type":"long"},{"name":"minute","type":"int"}]})";
constexpr const char* kWatchV2 =
    R"({"type":"record","name":"Watch","namespace":"t","fields":[{"name":"userId","type":"long"},{"name":"minute","type":"int"},{"name":"device","type":["null","string"],"default":null}]})";
// userId long -> string: v3 cannot read v2's data.
constexpr const char* kWatchV3 =
    R"({"type":"record","name":"Watch","namespace":"t","fields":[{"name":"userId","type":"string"},{"name":"minute","type":"int"}]})";

std::vector<std::string> files_under(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

ArtifactSpec watch_spec(std::string version = "1.2.3") {
  ArtifactSpec spec;
  spec.name = "watch";
  spec.version = *ArtifactVersion::parse(version);
  spec.schema_text = kWatchV1;
  spec.source = "watch.avsc";
  return spec;
}

TEST(ArtifactVersion, ParsesAndPrints) {
  auto v = ArtifactVersion::parse("1.20.300");
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_EQ(v->major, 1);
  EXPECT_EQ(v->minor, 20);
  EXPECT_EQ(v->patch, 300);
  EXPECT_EQ(v->to_string(), "1.20.300");
  EXPECT_EQ(v->tag(), "v1_20_300");
  EXPECT_LT(*ArtifactVersion::parse("1.9.9"), *ArtifactVersion::parse("1.10.0"));
  EXPECT_EQ(ArtifactVersion::parse("0.0.0")->to_string(), "0.0.0");
  EXPECT_EQ(ArtifactVersion::parse("10.0.100")->to_string(), "10.0.100");
}

TEST(ArtifactVersion, RejectsOtherShapes) {
  // Leading zeros are refused too: 01.2.3 would be written 1.2.3, another version's name.
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "1.2.x", "-1.2.3", "1.2.3-rc1", " 1.2.3",
                          "1..3", "1.2.", "1.2.3 ", "9999999.0.0", "+1.2.3", "01.2.3", "1.02.3",
                          "1.2.03", "00.0.0"}) {
    auto v = ArtifactVersion::parse(bad);
    ASSERT_FALSE(v) << bad;
    EXPECT_EQ(v.error().code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(v.error().message().find("x.y.z"), std::string::npos) << v.error().message();
  }
}

TEST(DatasetName, ValidatesIdentifiers) {
  EXPECT_TRUE(validate_dataset_name("movies"));
  EXPECT_TRUE(validate_dataset_name("x_9"));
  EXPECT_TRUE(validate_dataset_name("a_b_"));
  // Each would become a namespace other than its name (the generator renames reserved
  // identifiers, macros and names it uses) or one that does not compile: ::time, the
  // g++ built-ins isnan and signbit (-Wbuiltin-declaration-mismatch), ::main; and any
  // case of "sluice" would be the Sluice library's own CMake package.
  for (const char* bad : {"", "9movies", "movies-value", "a.b", "class", "std", "movies value",
                          "_x9", "a__b", "linux", "EOF", "NULL", "errno", "time", "tm", "main",
                          "isnan", "signbit", "alloca", "Sluice", "sluice", "SLUICE"}) {
    auto s = validate_dataset_name(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(validate_dataset_name(std::string(101, 'a')));
}

TEST(DatasetName, FromSubject) {
  EXPECT_EQ(dataset_name_for_subject("movies.watch-value"), "movies_watch_value");
  EXPECT_EQ(dataset_name_for_subject("2024-events"), "d_2024_events");
  EXPECT_EQ(dataset_name_for_subject(""), "d_");
  EXPECT_EQ(dataset_name_for_subject("class"), "d_class");
  EXPECT_EQ(dataset_name_for_subject("a--b"), "a_x_b");
  EXPECT_EQ(dataset_name_for_subject("_schemas"), "d_schemas");
  EXPECT_EQ(dataset_name_for_subject("linux"), "d_linux");
  EXPECT_EQ(dataset_name_for_subject("main"), "d_main");
  EXPECT_EQ(dataset_name_for_subject("Sluice"), "d_Sluice");
  EXPECT_EQ(dataset_name_for_subject(std::string(120, '-')).size(), 100u);
  // Long subjects differing only at the end keep distinct names: the first 83 characters,
  // then the subject's fingerprint.
  const std::string topic(110, 't');
  const std::string key = dataset_name_for_subject(topic + "-key");
  const std::string value = dataset_name_for_subject(topic + "-value");
  EXPECT_NE(key, value);
  EXPECT_EQ(key, std::string(83, 't') + "_" + fingerprint_hex(avro::rabin_fingerprint(topic + "-key")));
  EXPECT_TRUE(validate_dataset_name(key)) << key;
  // Cut right after a '_' ("-." is "_x_"): that '_' goes, so no "__" before the suffix.
  const std::string cut = dataset_name_for_subject(std::string(82, 'a') + "-.b" + std::string(30, 'c'));
  EXPECT_EQ(cut.substr(0, 83), std::string(82, 'a') + "_");
  EXPECT_EQ(cut.size(), 99u);
  EXPECT_TRUE(validate_dataset_name(cut)) << cut;
  for (const char* s : {"a/b", "ü-x", "orders-value", "3", "__consumer--offsets__", "time",
                        "EOF", "-", "_", "a__", "tm", "main", "isinf", "sluice"}) {
    EXPECT_TRUE(validate_dataset_name(dataset_name_for_subject(s))) << s;
  }
}

TEST(BuildArtifact, WritesThePackageTree) {
  TempDir dir;
  auto info = build_artifact(watch_spec(), dir.path());
  ASSERT_TRUE(info) << info.error().to_string();
  const fs::path root = dir / "watch" / "1.2.3";
  EXPECT_EQ(info->root, root);
  const std::vector<std::string> expected = {
      "CMakeLists.txt",
      "include/watch/v1_2_3/watch.hpp",
      "include/watch/v1_2_3/watch_generated.hpp",
      "lib/cmake/watch/1.2.3/watchConfig.cmake",
      "lib/cmake/watch/1.2.3/watchConfigVersion.cmake",
      "lib/cmake/watch/watchConfig.cmake",
      "lib/cmake/watch/watchConfigVersion.cmake",
      "share/watch-1.2.3/artifact.json",
      "share/watch-1.2.3/schema.avsc",
  };
  EXPECT_EQ(files_under(root), expected);
  EXPECT_EQ(info->files, expected);
  EXPECT_EQ(read_file(root / "share/watch-1.2.3/schema.avsc"), kWatchV1);

  auto schema = avro::Schema::parse(kWatchV1);
  ASSERT_TRUE(schema);
  const std::uint64_t fp = avro::rabin_fingerprint((*schema)->root());
  EXPECT_EQ(info->fingerprint, fp);
  auto meta = nlohmann::json::parse(read_file(root / "share/watch-1.2.3/artifact.json"));
  EXPECT_EQ(meta["name"], "watch");
  EXPECT_EQ(meta["version"], "1.2.3");
  EXPECT_EQ(meta["source"], "watch.avsc");
  EXPECT_EQ(meta["fingerprint"]["hex"], fingerprint_hex(fp));
  EXPECT_EQ(meta["fingerprint"]["signed"].get<std::int64_t>(), avro::rabin_signed((*schema)->root()));
  EXPECT_EQ(meta["namespace"], "watch::v1_2_3");

  const std::string header = read_file(root / "include/watch/v1_2_3/watch.hpp");
  EXPECT_NE(header.find("namespace watch::v1_2_3"), std::string::npos);
  EXPECT_NE(header.find("kArtifactVersion = \"1.2.3\""), std::string::npos);
  EXPECT_NE(header.find("0x" + fingerprint_hex(fp) + "ULL"), std::string::npos);
  const std::string generated = read_file(root / "include/watch/v1_2_3/watch_generated.hpp");
  EXPECT_NE(generated.find("Watch"), std::string::npos);
  EXPECT_NE(generated.find("watch::v1_2_3"), std::string::npos);

  const std::string config = read_file(root / "lib/cmake/watch/1.2.3/watchConfig.cmake");
  EXPECT_NE(config.find("add_library(watch::watch INTERFACE IMPORTED)"), std::string::npos);
  EXPECT_NE(config.find("find_dependency(Sluice CONFIG)"), std::string::npos);
}

TEST(BuildArtifact, SameInputSameBytes) {
  TempDir a;
  TempDir b;
  ASSERT_TRUE(build_artifact(watch_spec(), a.path()));
  auto first = build_artifact(watch_spec(), b.path());
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->existed);
  // Once more over the existing tree: the same build is there, nothing changes.
  const auto before = fs::last_write_time(b / "watch/1.2.3/share/watch-1.2.3/schema.avsc");
  auto again = build_artifact(watch_spec(), b.path());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->existed);
  EXPECT_EQ(fs::last_write_time(b / "watch/1.2.3/share/watch-1.2.3/schema.avsc"), before);
  auto files = files_under(a.path());
  ASSERT_EQ(files, files_under(b.path()));
  ASSERT_EQ(files.size(), 9u);
  for (const auto& f : files) {
    EXPECT_EQ(read_file(a / f), read_file(b / f)) << f;
  }
}

TEST(BuildArtifact, ChooserFilesDependOnTheNameOnly) {
  TempDir dir;
  ASSERT_TRUE(build_artifact(watch_spec("1.0.0"), dir.path()));
  ArtifactSpec other = watch_spec("2.5.1");
  other.schema_text = kWatchV3;
  ASSERT_TRUE(build_artifact(other, dir.path()));
  for (const char* f : {"lib/cmake/watch/watchConfig.cmake", "lib/cmake/watch/watchConfigVersion.cmake"}) {
    EXPECT_EQ(read_file(dir / "watch/1.0.0" / f), read_file(dir / "watch/2.5.1" / f)) << f;
  }
  EXPECT_NE(read_file(dir / "watch/1.0.0/lib/cmake/watch/1.0.0/watchConfig.cmake"),
            read_file(dir / "watch/2.5.1/lib/cmake/watch/2.5.1/watchConfig.cmake"));
}

TEST(BuildArtifact, ArrayOfSchemas) {
  TempDir dir;
  ArtifactSpec spec = watch_spec();
  spec.schema_text = std::string("[") + kWatchV1 +
                     R"(, {"type":"record","name":"Rate","namespace":"t","fields":[{"name":"r","type":"int"}]}])";
  auto info = build_artifact(spec, dir.path());
  ASSERT_TRUE(info) << info.error().to_string();
  const std::string generated =
      read_file(info->root / "include/watch/v1_2_3/watch_generated.hpp");
  EXPECT_NE(generated.find("Watch"), std::string::npos);
  EXPECT_NE(generated.find("Rate"), std::string::npos);
}

TEST(BuildArtifact, BadInputLeavesNothing) {
  TempDir dir;
  ArtifactSpec spec = watch_spec();
  spec.schema_text = R"({"type":"record","name":"W","fields":[{"name":"a","type":"strin"}]})";
  auto info = build_artifact(spec, dir.path());
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code(), ErrorCode::kInvalidSchema);
  EXPECT_NE(info.error().to_string().find("strin"), std::string::npos) << info.error().to_string();
  EXPECT_FALSE(fs::exists(dir / "watch" / "1.2.3"));
  // No temporary folder left behind either.
  if (fs::exists(dir / "watch")) {
    EXPECT_TRUE(fs::is_empty(dir / "watch"));
  }

  spec = watch_spec();
  spec.name = "not-an-identifier";
  info = build_artifact(spec, dir.path());
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code(), ErrorCode::kInvalidArgument);
}

// A published version never changes: building another schema (or anything that gives
// other bytes) under an existing version is refused, naming the file that differs, and
// the tree stays as it was.
TEST(BuildArtifact, NamesDifferingOnlyInCaseAreRefusedInOneFolder) {
  TempDir dir;
  ArtifactSpec spec = watch_spec();
  spec.name = "orders_value";
  ASSERT_TRUE(build_artifact(spec, dir.path()));
  spec.name = "Orders_Value";
  auto info = build_artifact(spec, dir.path());
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(info.error().message().find("holds dataset \"orders_value\", a name that differs only "
                                        "in case"),
            std::string::npos)
      << info.error().message();
  EXPECT_FALSE(fs::exists(dir / "Orders_Value"));
}

TEST(BuildArtifact, APublishedVersionDoesNotChange) {
  TempDir dir;
  ASSERT_TRUE(build_artifact(watch_spec(), dir.path()));
  const fs::path schema_file = dir / "watch/1.2.3/share/watch-1.2.3/schema.avsc";
  ArtifactSpec other = watch_spec();
  other.schema_text = kWatchV2;
  auto info = build_artifact(other, dir.path());
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(info.error().message().find("does not change"), std::string::npos)
      << info.error().message();
  EXPECT_NE(info.error().message().find("differs"), std::string::npos) << info.error().message();
  EXPECT_EQ(read_file(schema_file), kWatchV1);

  // A file added to the tree makes it another build as well.
  sluice::testing::write_file(dir / "watch/1.2.3/share/watch-1.2.3/extra.txt", "x");
  info = build_artifact(watch_spec(), dir.path());
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message().find("extra.txt is not part of the artifact"),
            std::string::npos)
      << info.error().message();
  // Once the folder is removed, the version builds again.
  fs::remove_all(dir / "watch/1.2.3");
  ASSERT_TRUE(build_artifact(other, dir.path()));
  EXPECT_EQ(read_file(schema_file), kWatchV2);
}

// The wrapper header declares kArtifactName, kArtifactVersion(Major|Minor|Patch) and
// kSchemaFingerprint beside the classes: types of those names are renamed.
TEST(BuildArtifact, TypesNamedLikeTheArtifactConstantsAreRenamed) {
  TempDir dir;
  ArtifactSpec spec = watch_spec();
  spec.schema_text =
      R"({"type":"record","name":"kSchemaFingerprint","fields":[)"
      R"({"name":"v","type":{"type":"enum","name":"kArtifactVersion","symbols":["A"]}},)"
      R"({"name":"n","type":{"type":"fixed","name":"kArtifactName","size":2}},)"
      R"({"name":"kArtifactVersionMajor","type":"int"}]})";
  auto info = build_artifact(spec, dir.path());
  ASSERT_TRUE(info) << info.error().to_string();
  const std::string generated = read_file(info->root / "include/watch/v1_2_3/watch_generated.hpp");
  EXPECT_NE(generated.find("struct kSchemaFingerprint_ "), std::string::npos);
  EXPECT_NE(generated.find("enum class kArtifactVersion_ "), std::string::npos);
  EXPECT_NE(generated.find("using kArtifactName_ = "), std::string::npos);
  EXPECT_EQ(generated.find("struct kSchemaFingerprint "), std::string::npos);
  // A field is a member, not beside the constants: it keeps its name.
  EXPECT_NE(generated.find("std::int32_t kArtifactVersionMajor{"), std::string::npos) << generated;
}

// --- sync ------------------------------------------------------------------------

SubjectSnapshot subject(std::string name, std::vector<const char*> schemas) {
  SubjectSnapshot s;
  s.subject = std::move(name);
  int version = 0;
  for (const char* text : schemas) {
    RegisteredVersion v;
    v.version = ++version;
    v.schema_id = 100 + version;
    v.schema = text;
    s.versions.push_back(v);
  }
  return s;
}

// The failures of a sync, one per line, for assertion messages.
std::string failures(const SyncReport& r) {
  std::string out;
  for (const auto& f : r.failed) out += f.subject + ": " + f.error.to_string() + "\n";
  return out;
}

// The one failure of a sync (a test failure unless there is exactly one).
const Error& only_failure(const SyncReport& r) {
  EXPECT_EQ(r.failed.size(), 1u) << failures(r);
  static const Error kNone(ErrorCode::kInternal, "no failure");
  return r.failed.empty() ? kNone : r.failed.front().error;
}

std::vector<std::string> built(const SyncReport& r) {
  std::vector<std::string> out;
  for (const auto& b : r.built) {
    out.push_back(b.dataset + " " + b.version.to_string() + " " +
                  std::string(change_kind_name(b.change)));
  }
  return out;
}

TEST(SyncArtifacts, VersioningRule) {
  TempDir repo;
  std::vector<SubjectSnapshot> snap = {subject("watch-value", {kWatchV1})};
  auto r = sync_artifacts(snap, repo.path(), "http://r");
  ASSERT_TRUE(r.failed.empty()) << failures(r);
  EXPECT_EQ(built(r), std::vector<std::string>{"watch_value 1.0.0 first"});
  EXPECT_TRUE(fs::exists(repo / "watch_value/1.0.0/include/watch_value/v1_0_0/watch_value.hpp"));

  r = sync_artifacts(snap, repo.path(), "http://r");
  ASSERT_TRUE(r.failed.empty()) << failures(r);
  EXPECT_TRUE(r.built.empty());

  snap = {subject("watch-value", {kWatchV1, kWatchV2})};
  r = sync_artifacts(snap, repo.path(), "http://r");
  ASSERT_TRUE(r.failed.empty()) << failures(r);
  EXPECT_EQ(built(r), std::vector<std::string>{"watch_value 1.0.1 compatible"});

  snap = {subject("watch-value", {kWatchV1, kWatchV2, kWatchV3, kWatchV2})};
  r = sync_artifacts(snap, repo.path(), "http://r");
  ASSERT_TRUE(r.failed.empty()) << failures(r);
  // v3 is incompatible with v2 -> major; v4 (= v2's schema again) cannot read v3's
  // userId string either -> major again.
  EXPECT_EQ(built(r), (std::vector<std::string>{"watch_value 2.0.0 incompatible",
                                                 "watch_value 3.0.0 incompatible"}));

  auto manifest = nlohmann::json::parse(read_file(repo / "watch_value/versions.json"));
  EXPECT_EQ(manifest["subject"], "watch-value");
  ASSERT_EQ(manifest["versions"].size(), 4u);
  EXPECT_EQ(manifest["versions"][1]["artifact_version"], "1.0.1");
  EXPECT_EQ(manifest["versions"][1]["schema_id"], 102);
  auto meta = nlohmann::json::parse(
      read_file(repo / "watch_value/2.0.0/share/watch_value-2.0.0/artifact.json"));
  EXPECT_EQ(meta["source"], "http://r/subjects/watch-value/versions/3 (schema id 103)");
  EXPECT_EQ(meta["fingerprint"]["hex"], manifest["versions"][2]["fingerprint"]);
}

TEST(SyncArtifacts, RebuildsAMissingFolderWithItsRecordedVersion) {
  TempDir repo;
  std::vector<SubjectSnapshot> snap = {subject("w", {kWatchV1, kWatchV2})};
  ASSERT_TRUE(sync_artifacts(snap, repo.path(), "u").failed.empty());
  fs::remove_all(repo / "w/1.0.0");
  auto r = sync_artifacts(snap, repo.path(), "u");
  ASSERT_TRUE(r.failed.empty()) << failures(r);
  EXPECT_EQ(built(r), std::vector<std::string>{"w 1.0.0 rebuilt"});
}

TEST(SyncArtifacts, ARegistryResetIsReported) {
  TempDir repo;
  std::vector<SubjectSnapshot> snap = {subject("w", {kWatchV1})};
  ASSERT_TRUE(sync_artifacts(snap, repo.path(), "u").failed.empty());
  snap = {subject("w", {kWatchV3})};
  auto r = sync_artifacts(snap, repo.path(), "u");
  const Error& e = only_failure(r);
  EXPECT_EQ(e.code(), ErrorCode::kCorrupt);
  EXPECT_NE(e.message().find("versions.json"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("subject \"w\""), std::string::npos) << e.message();
}

// Two subjects mapping to one dataset name: the first in name order keeps it and is
// synced; the other is reported, and subjects after it are still synced.
TEST(SyncArtifacts, SubjectsMappingToOneDatasetFailAloneAndTheOthersSync) {
  TempDir repo;
  std::vector<SubjectSnapshot> snap = {subject("a-b", {kWatchV1}), subject("a.b", {kWatchV1}),
                                       subject("z", {kWatchV1})};
  auto r = sync_artifacts(snap, repo.path(), "u");
  const Error& e = only_failure(r);
  EXPECT_EQ(r.failed.front().subject, "a.b");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(e.message().find("dataset name \"a_b\", which stays \"a-b\"'s"), std::string::npos)
      << e.message();
  EXPECT_EQ(built(r), (std::vector<std::string>{"a_b 1.0.0 first", "z 1.0.0 first"}));
  EXPECT_EQ(nlohmann::json::parse(read_file(repo / "a_b/versions.json"))["subject"], "a-b");

  // The manifest decides on later runs: with "a-b" gone and "a+b" (first in name order)
  // new, "a.b" still does not get "a-b"'s dataset, nor does "a+b".
  snap = {subject("a+b", {kWatchV3}), subject("a.b", {kWatchV2}), subject("a-b", {kWatchV1})};
  r = sync_artifacts(snap, repo.path(), "u");
  ASSERT_EQ(r.failed.size(), 2u) << failures(r);
  EXPECT_EQ(r.failed[0].subject, "a+b");
  EXPECT_EQ(r.failed[1].subject, "a.b");
  EXPECT_TRUE(r.built.empty());
}

// "orders_value" and "Orders_Value" would define the same compile definitions
// (ORDERS_VALUE_ARTIFACT_HEADER), and share a folder on a case-insensitive file system:
// sync treats them as one dataset name.
TEST(SyncArtifacts, DatasetNamesDifferingOnlyInCaseAreOneName) {
  TempDir repo;
  std::vector<SubjectSnapshot> snap = {subject("orders-value", {kWatchV1}),
                                       subject("Orders.Value", {kWatchV2})};
  auto r = sync_artifacts(snap, repo.path(), "u");
  const Error& e = only_failure(r);
  EXPECT_EQ(r.failed.front().subject, "orders-value");  // "Orders.Value" is first in name order
  EXPECT_NE(e.message().find("\"Orders_Value\" and \"orders_value\", which differ only in case"),
            std::string::npos)
      << e.message();
  EXPECT_EQ(built(r), (std::vector<std::string>{"Orders_Value 1.0.0 first"}));
  EXPECT_FALSE(fs::exists(repo / "orders_value"));
}

// One writer at a time per repository: a build waits while another run holds the lock.
TEST(BuildArtifact, WaitsForTheRepositoryLock) {
  TempDir dir;
  auto lock = internal::RepoLock::acquire(dir.path());
  ASSERT_TRUE(lock) << lock.error().to_string();
  auto building = std::async(std::launch::async, [&] { return build_artifact(watch_spec(), dir.path()); });
  EXPECT_EQ(building.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  EXPECT_FALSE(fs::exists(dir / "watch" / "1.2.3"));
  { auto release = std::move(*lock); }
  auto info = building.get();
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_TRUE(fs::exists(dir / "watch" / "1.2.3" / "share" / "watch-1.2.3" / "schema.avsc"));
}

// What a killed run left (a half-written version folder, a manifest's temporary file)
// is removed by the next run, which holds the lock.
TEST(SyncArtifacts, AKilledRunsTemporariesAreRemoved) {
  TempDir repo;
  fs::create_directories(repo / "w" / ".1.0.0.tmp-AbC123" / "include");
  sluice::testing::write_file(repo / "w" / ".1.0.0.tmp-AbC123" / "include" / "half.hpp", "//");
  sluice::testing::write_file(repo / "w" / "versions.json.tmp", "{\"subj");
  auto r = sync_artifacts(std::vector<SubjectSnapshot>{subject("w", {kWatchV1})}, repo.path(), "u");
  EXPECT_TRUE(r.failed.empty()) << failures(r);
  EXPECT_EQ(files_under(repo / "w").front(), "1.0.0/CMakeLists.txt");
  EXPECT_FALSE(fs::exists(repo / "w" / ".1.0.0.tmp-AbC123"));
  EXPECT_FALSE(fs::exists(repo / "w" / "versions.json.tmp"));
  // build_artifact does the same for its dataset.
  fs::create_directories(repo / "watch" / ".1.2.3.tmp-XyZ789");
  ASSERT_TRUE(build_artifact(watch_spec(), repo.path()));
  EXPECT_FALSE(fs::exists(repo / "watch" / ".1.2.3.tmp-XyZ789"));
}

// Defaults, logical types, aliases and docs are outside the canonical form (and so the
// fingerprint) but change the generated classes: a version changing only them is a new
// (compatible) artifact version, not "the same schema again".
TEST(SyncArtifacts, ChangesOutsideTheCanonicalFormAreNewVersions) {
  TempDir repo;
  const char* v1 =
      R"({"type":"record","name":"E","fields":[{"name":"ts","type":"long"},{"name":"device","type":"string","default":"tv"}]})";
  const char* v2 =  // a logical type and another default
      R"({"type":"record","name":"E","fields":[{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"device","type":"string","default":"web"}]})";
  const char* v3 =  // a doc only
      R"({"type":"record","name":"E","doc":"Events.","fields":[{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"device","type":"string","default":"web"}]})";
  const char* v3_again =  // the same as v3, written with other spacing and key order
      R"({"name": "E", "type": "record", "doc": "Events.", "fields": [{"name": "ts", "type": {"logicalType": "timestamp-millis", "type": "long"}}, {"name": "device", "type": "string", "default": "web"}]})";
  std::vector<SubjectSnapshot> snap = {subject("e", {v1, v2, v3, v3_again})};
  auto r = sync_artifacts(snap, repo.path(), "u");
  ASSERT_TRUE(r.failed.empty()) << failures(r);
  EXPECT_EQ(built(r), (std::vector<std::string>{"e 1.0.0 first", "e 1.0.1 compatible",
                                                "e 1.0.2 compatible"}));
  const std::string header = read_file(repo / "e/1.0.1/include/e/v1_0_1/e_generated.hpp");
  EXPECT_NE(header.find("TimestampMillis ts"), std::string::npos);
  EXPECT_NE(header.find("\"web\""), std::string::npos);
  auto manifest = nlohmann::json::parse(read_file(repo / "e/versions.json"));
  ASSERT_EQ(manifest["versions"].size(), 4u);
  EXPECT_EQ(manifest["versions"][3]["artifact_version"], "1.0.2");
}

TEST(SyncArtifacts, NonAvroSubjectsAreSkippedAndBadManifestsReported) {
  TempDir repo;
  SubjectSnapshot proto = subject("p", {"syntax = \"proto3\";"});
  proto.versions[0].schema_type = "PROTOBUF";
  std::vector<SubjectSnapshot> snap = {proto};
  auto r = sync_artifacts(snap, repo.path(), "u");
  ASSERT_TRUE(r.failed.empty()) << failures(r);
  EXPECT_TRUE(r.built.empty());
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_NE(r.skipped[0].find("PROTOBUF"), std::string::npos);

  fs::create_directories(repo / "w");
  sluice::testing::write_file(repo / "w/versions.json", "{not json");
  snap = {subject("w", {kWatchV1})};
  r = sync_artifacts(snap, repo.path(), "u");
  EXPECT_EQ(only_failure(r).code(), ErrorCode::kCorrupt) << failures(r);
}


// A subject whose schema uses a named type of another subject (a Confluent schema
// reference), itself using a third: the artifact holds the whole schema.
TEST(SyncArtifacts, ReferencesAreResolvedIntoTheWholeSchema) {
  TempDir repo;
  SubjectSnapshot country = subject(
      "country", {R"({"type":"enum","name":"Country","namespace":"geo","symbols":["CA","US"]})"});
  SubjectSnapshot address = subject(
      "address",
      {R"({"type":"record","name":"Address","namespace":"geo","fields":[{"name":"city","type":"string"},{"name":"country","type":"geo.Country"}]})"});
  address.versions[0].references = {{"geo.Country", "country", 1}};
  SubjectSnapshot user = subject(
      "user-value",
      {R"({"type":"record","name":"User","namespace":"app","fields":[{"name":"home","type":"geo.Address"},{"name":"work","type":["null","geo.Address"],"default":null}]})"});
  user.versions[0].references = {{"geo.Address", "address", -1}};

  // "country" lies beyond the snapshot (as beyond a --prefix): looked up in `referenced`.
  std::vector<SubjectSnapshot> snap = {address, user};
  std::vector<SubjectSnapshot> beyond = {country};
  auto r = sync_artifacts(snap, repo.path(), "http://r", beyond);
  ASSERT_TRUE(r.failed.empty()) << failures(r);
  EXPECT_EQ(built(r), (std::vector<std::string>{"address 1.0.0 first", "user_value 1.0.0 first"}));

  // The artifact's schema parses alone and is the referencing schema with the
  // referenced types inline; the fingerprint is the whole schema's.
  std::string text = read_file(repo / "user_value/1.0.0/share/user_value-1.0.0/schema.avsc");
  auto alone = avro::Schema::parse(text);
  ASSERT_TRUE(alone) << alone.error().to_string() << "\n" << text;
  EXPECT_NE(alone.value()->find_named("geo.Country"), nullptr);
  auto whole = avro::Schema::parse(
      R"({"type":"record","name":"User","namespace":"app","fields":[{"name":"home","type":{"type":"record","name":"Address","namespace":"geo","fields":[{"name":"city","type":"string"},{"name":"country","type":{"type":"enum","name":"Country","symbols":["CA","US"]}}]}},{"name":"work","type":["null","geo.Address"],"default":null}]})");
  ASSERT_TRUE(whole);
  EXPECT_EQ(avro::rabin_fingerprint(alone.value()->root()),
            avro::rabin_fingerprint(whole.value()->root()));
  auto meta = nlohmann::json::parse(
      read_file(repo / "user_value/1.0.0/share/user_value-1.0.0/artifact.json"));
  EXPECT_EQ(meta["source"],
            "http://r/subjects/user-value/versions/1 (schema id 101; references geo.Address from "
            "address version latest)");
  std::string header = read_file(repo / "user_value/1.0.0/include/user_value/v1_0_0/user_value_generated.hpp");
  EXPECT_NE(header.find("struct Address"), std::string::npos);
  EXPECT_NE(header.find("enum class Country"), std::string::npos);

  r = sync_artifacts(snap, repo.path(), "http://r", beyond);
  ASSERT_TRUE(r.failed.empty()) << failures(r);
  EXPECT_TRUE(r.built.empty());
}

TEST(SyncArtifacts, BadReferencesNameTheSubjectAndVersion) {
  TempDir repo;
  SubjectSnapshot user = subject(
      "user", {R"({"type":"record","name":"U","fields":[{"name":"a","type":"geo.Address"}]})"});
  user.versions[0].references = {{"geo.Address", "address", 3}};
  std::vector<SubjectSnapshot> snap = {user};
  auto r = sync_artifacts(snap, repo.path(), "u");
  const Error& e = only_failure(r);
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_NE(e.to_string().find("subject \"user\" version 1: reference geo.Address: "
                               "subject \"address\" has no version 3"),
            std::string::npos)
      << e.to_string();

  // A cycle (a -> b -> a) ends at the depth limit instead of recursing forever.
  SubjectSnapshot a = subject("a", {R"({"type":"record","name":"A","fields":[]})"});
  SubjectSnapshot b = subject("b", {R"({"type":"record","name":"B","fields":[]})"});
  a.versions[0].references = {{"B", "b", 1}};
  b.versions[0].references = {{"A", "a", 1}};
  snap = {a, b};
  r = sync_artifacts(snap, repo.path(), "u");
  ASSERT_EQ(r.failed.size(), 2u) << failures(r);  // a and b each
  EXPECT_EQ(r.failed[0].error.code(), ErrorCode::kLimitExceeded) << failures(r);
  EXPECT_FALSE(fs::exists(repo / "a" / "1.0.0"));
}

}  // namespace
}  // namespace sluice::codegen
