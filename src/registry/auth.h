// Registry security: HTTP basic auth against a users file, and per-subject ACLs.
//
//   SLUICE_ASSIGN_OR_RETURN(auto auth, Authenticator::load("users.json"));
//   const User* user = auth->authenticate(request_authorization_header);  // nullptr: 401
//   if (!Authenticator::allowed(*user, "orders-value", Permission::kWrite)) ...  // 403
//
// The users file is JSON:
//   {"users": [
//     {"name": "admin", "password": "$argon2id$v=19$m=65536,t=2,p=1$...",
//      "acl": [{"prefix": "", "permissions": ["admin"]}]},
//     {"name": "orders-app", "password": "$argon2id$...",
//      "acl": [{"prefix": "orders-", "permissions": ["read", "write"]},
//              {"prefix": "", "permissions": ["read"]}]}
//   ]}
// "password" is a libsodium crypto_pwhash_str hash (argon2id); make one with
// `sluice registry hash-password`. A grant applies to every subject starting with its
// prefix ("" = all subjects and the global config/mode). admin implies write implies
// read. Verifying argon2 costs ~50 ms, so successful verifications are cached in memory
// by a keyed hash of the Authorization header (the password itself is not kept).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace sluice::registry {

enum class Permission : unsigned { kRead = 1, kWrite = 2, kAdmin = 3 };

struct Grant {
  std::string prefix;
  Permission level = Permission::kRead;  // the highest level granted on the prefix
};

struct User {
  std::string name;
  std::string password_hash;
  std::vector<Grant> grants;
};

class Authenticator {
 public:
  // Reads and validates the users file. Fails with kInvalidArgument naming the entry.
  static Result<std::unique_ptr<Authenticator>> load(const std::string& path);
  static Result<std::unique_ptr<Authenticator>> from_json(std::string_view text);

  // The user whose credentials the "Basic ..." header carries, or nullptr. Thread-safe.
  const User* authenticate(std::string_view authorization) const;

  // True when `user` holds at least `need` on a prefix of `subject`. An empty subject
  // means a global resource (needs a grant with the empty prefix).
  static bool allowed(const User& user, std::string_view subject, Permission need);

 private:
  std::vector<User> users_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, const User*> cache_;
};

// A crypto_pwhash_str (argon2id, interactive limits) hash of `password`.
Result<std::string> hash_password(std::string_view password);

}  // namespace sluice::registry
