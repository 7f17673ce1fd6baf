// Group commit of registrations (registry/store.h): queued registrations are checked
// against each other, stay invisible until their commit, are answered only after it,
// fail together when it fails, and all survive a reopen.
#include "registry/store.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace sluice::registry {
namespace {

// A Storage whose apply() blocks until released, so a test can hold a commit "in
// flight" and queue more registrations behind it. Counts transactions.
class GatedStorage final : public Storage {
 public:
  Result<Snapshot> load() override { return Snapshot{}; }
  Status apply(const Batch& batch) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    ++applied_;
    versions_ += batch.put_versions.size();
    if (fail_next_) {
      fail_next_ = false;
      return fail(ErrorCode::kIo, "disk on fire");
    }
    return ok_status();
  }
  void wait_entered(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return entered_ >= n; });
  }
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void close() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void fail_next() {
    std::lock_guard<std::mutex> lock(mu_);
    fail_next_ = true;
  }
  int applied() {
    std::lock_guard<std::mutex> lock(mu_);
    return applied_;
  }
  std::size_t versions() {
    std::lock_guard<std::mutex> lock(mu_);
    return versions_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  bool fail_next_ = false;
  int entered_ = 0;
  int applied_ = 0;
  std::size_t versions_ = 0;
};

RegisterRequest req(std::string schema) {
  RegisterRequest r;
  r.schema = std::move(schema);
  return r;
}

// Collects asynchronous answers.
struct Answers {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<ApiResult<Registered>> got;
  SchemaRegistry::RegisterDone sink() {
    return [this](ApiResult<Registered> r) {
      std::lock_guard<std::mutex> lock(mu);
      got.push_back(std::move(r));
      cv.notify_all();
    };
  }
  void wait(std::size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return got.size() >= n; });
  }
  std::size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return got.size();
  }
};

const char* kV1 = R"({"type":"record","name":"E","fields":[{"name":"a","type":"int"}]})";
const char* kV2 = R"({"type":"record","name":"E","fields":[{"name":"a","type":"int"},
  {"name":"b","type":"string","default":""}]})";
// Reads v1 data (b defaults) but not v2 data (b string -> int).
const char* kV3 = R"({"type":"record","name":"E","fields":[{"name":"a","type":"int"},
  {"name":"b","type":"int","default":0}]})";

// A registry over a GatedStorage; `storage` stays owned by `reg`.
class GroupCommit : public ::testing::Test {
 protected:
  void SetUp() override {
    auto owned = std::make_unique<GatedStorage>();
    storage = owned.get();
    auto made = SchemaRegistry::make(std::move(owned));
    ASSERT_TRUE(made);
    owner = std::move(*made);
  }
  // Lets every commit through so that the registry can shut down.
  void TearDown() override {
    if (storage)
      storage->open();
  }

  Answers answers;  // outlives the registry, whose commit thread may still answer
  GatedStorage* storage = nullptr;
  std::unique_ptr<SchemaRegistry> owner;
  SchemaRegistry& reg() { return *owner; }
};

TEST_F(GroupCommit, QueuedRegistrationsAreCheckedAgainstEachOtherAndHiddenUntilCommit) {
  // v1 goes to the commit thread, which blocks in apply(): in flight.
  ASSERT_FALSE(reg().register_schema_async("s", req(kV1), Force::kNo, answers.sink()));
  storage->wait_entered(1);
  // v2 queues behind it (checked against the queued v1: compatible).
  ASSERT_FALSE(reg().register_schema_async("s", req(kV2), Force::kNo, answers.sink()));
  // v3 is compatible with v1 but not with the queued v2: refused at once.
  auto v3 = reg().register_schema_async("s", req(kV3), Force::kNo, answers.sink());
  ASSERT_TRUE(v3);
  ASSERT_FALSE(*v3);
  EXPECT_EQ(v3->error().http_status, 409);
  EXPECT_NE(v3->error().message.find("version 2"), std::string::npos) << v3->error().message;
  // Re-registering the queued v2 waits for its commit too (no answer before it).
  ASSERT_FALSE(reg().register_schema_async("s", req(kV2), Force::kNo, answers.sink()));
  // Nothing is visible before the commit.
  EXPECT_FALSE(reg().get_version("s", "latest", Deleted::kYes));
  EXPECT_FALSE(reg().schema_by_id(1, ""));
  EXPECT_EQ(answers.size(), 0u);

  storage->open();
  answers.wait(3);
  reg().flush();
  ASSERT_EQ(answers.got.size(), 3u);
  std::set<std::pair<int, int>> got;  // (version, id)
  for (const auto& a : answers.got) {
    ASSERT_TRUE(a) << a.error().message;
    got.emplace(a->version, a->id);
  }
  EXPECT_EQ(got, (std::set<std::pair<int, int>>{{1, 1}, {2, 2}}));
  auto latest = reg().get_version("s", "latest", Deleted::kNo);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(storage->applied(), 2);  // v1 alone, then v2 (and its waiter) together
}

TEST_F(GroupCommit, AFailedCommitFailsEveryQueuedRegistrationAndPublishesNothing) {
  storage->fail_next();
  ASSERT_FALSE(reg().register_schema_async("a", req(kV1), Force::kNo, answers.sink()));
  storage->wait_entered(1);
  // Queued on top of the failing one (same subject and same new schema elsewhere).
  ASSERT_FALSE(reg().register_schema_async("a", req(kV2), Force::kNo, answers.sink()));
  ASSERT_FALSE(reg().register_schema_async("b", req(kV1), Force::kNo, answers.sink()));
  storage->open();
  answers.wait(3);
  reg().flush();
  for (const auto& a : answers.got) {
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().error_code, kStoreError);
    EXPECT_NE(a.error().message.find("disk on fire"), std::string::npos);
  }
  EXPECT_FALSE(reg().get_version("a", "latest", Deleted::kYes));
  EXPECT_FALSE(reg().get_version("b", "latest", Deleted::kYes));
  EXPECT_EQ(reg().schema_count(), 0u);
  // The registry works again afterwards and reuses nothing from the lost batch.
  auto again = reg().register_schema("a", req(kV1));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(again->id, 1);
}

TEST_F(GroupCommit, OtherWritesWaitForTheQueue) {
  ASSERT_FALSE(reg().register_schema_async("s", req(kV1), Force::kNo, answers.sink()));
  storage->wait_entered(1);
  // A soft delete of the queued subject must see v1 published, not race it.
  std::thread deleter([&] {
    auto r = reg().delete_subject("s", Permanent::kNo);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, std::vector<int>{1});
  });
  storage->open();
  deleter.join();
  answers.wait(1);
  ASSERT_TRUE(answers.got[0]);
  EXPECT_FALSE(reg().get_version("s", "latest", Deleted::kNo));
}

TEST(RegistryGroupCommit, ConcurrentRegistrationsAreAllDurableWithDenseVersions) {
  auto dir = std::filesystem::temp_directory_path() /
             ("sluice-group-commit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string uri = "sqlite:" + (dir / "r.db").string();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::vector<std::vector<Registered>> results(kThreads);
  {
    auto reg = SchemaRegistry::open(uri);
    ASSERT_TRUE(reg);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          // All threads evolve one shared subject (compatible: new optional fields)
          // and each its own.
          std::string shared = R"({"type":"record","name":"E","fields":[{"name":"f)" +
                               std::to_string(t) + "_" + std::to_string(i) +
                               R"(","type":"long","default":0}]})";
          auto a = (*reg)->register_schema("shared", req(shared));
          ASSERT_TRUE(a) << a.error().message;
          results[t].push_back(*a);
          auto b = (*reg)->register_schema("own-" + std::to_string(t), req(shared));
          ASSERT_TRUE(b) << b.error().message;
          EXPECT_EQ(b->id, a->id);  // same schema, same id
          EXPECT_EQ(b->version, i + 1);
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  std::set<int> versions, ids;
  for (const auto& per : results) {
    for (const auto& r : per) {
      versions.insert(r.version);
      ids.insert(r.id);
    }
  }
  EXPECT_EQ(versions.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(*versions.begin(), 1);
  EXPECT_EQ(*versions.rbegin(), kThreads * kPerThread);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
  // Reopened: every answered registration is there.
  auto reg = SchemaRegistry::open(uri);
  ASSERT_TRUE(reg);
  for (const auto& per : results) {
    for (const auto& r : per) {
      auto v = (*reg)->get_version("shared", std::to_string(r.version), Deleted::kNo);
      ASSERT_TRUE(v);
      EXPECT_EQ(v->record->id, r.id);
    }
  }
  auto all = (*reg)->versions("shared", Deleted::kNo, false);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sluice::registry
