// Users file, basic auth with argon2id hashes, ACL checks (see auth.h).
#include "registry/auth.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <fstream>
#include <sstream>

namespace sluice::registry {
namespace {

constexpr std::size_t kCacheLimit = 10000;

std::string base64_decode(std::string_view in) {
  std::string out(in.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(),
                        in.size(), " \t", &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return {};
  }
  out.resize(len);
  return out;
}

// Process-wide random key so cache keys reveal nothing about the header.
const unsigned char* cache_key() {
  static unsigned char key[crypto_generichash_KEYBYTES];
  static bool once = [] {
    randombytes_buf(key, sizeof key);
    return true;
  }();
  (void)once;
  return key;
}

}  // namespace

Result<std::unique_ptr<Authenticator>> Authenticator::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kInvalidArgument, "cannot read users file '{}'", path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = from_json(ss.str());
  if (!r) return fail(ErrorCode::kInvalidArgument, "users file '{}': {}", path, r.error().message());
  return r;
}

Result<std::unique_ptr<Authenticator>> Authenticator::from_json(std::string_view text) {
  if (sodium_init() < 0) return fail(ErrorCode::kInternal, "libsodium failed to initialise");
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("users") || !j["users"].is_array()) {
    return fail(ErrorCode::kInvalidArgument, "expected {{\"users\": [...]}}");
  }
  auto auth = std::make_unique<Authenticator>();
  std::size_t i = 0;
  for (const auto& u : j["users"]) {
    if (!u.is_object() || !u.contains("name") || !u["name"].is_string() ||
        !u.contains("password") || !u["password"].is_string()) {
      return fail(ErrorCode::kInvalidArgument, "users[{}]: needs \"name\" and \"password\"", i);
    }
    User user;
    user.name = u["name"].get<std::string>();
    user.password_hash = u["password"].get<std::string>();
    if (user.password_hash.rfind("$argon2", 0) != 0) {
      return fail(ErrorCode::kInvalidArgument,
                  "users[{}].password: not an argon2 hash (make one with `sluice registry "
                  "hash-password`)",
                  i);
    }
    if (u.contains("acl")) {
      if (!u["acl"].is_array()) {
        return fail(ErrorCode::kInvalidArgument, "users[{}].acl: expected an array", i);
      }
      std::size_t k = 0;
      for (const auto& g : u["acl"]) {
        if (!g.is_object() || !g.contains("permissions") || !g["permissions"].is_array()) {
          return fail(ErrorCode::kInvalidArgument,
                      "users[{}].acl[{}]: needs \"prefix\" and \"permissions\"", i, k);
        }
        Grant grant;
        grant.prefix = g.value("prefix", "");
        unsigned best = 0;
        for (const auto& p : g["permissions"]) {
          std::string s = p.is_string() ? p.get<std::string>() : "";
          unsigned v = s == "read" ? 1 : s == "write" ? 2 : s == "admin" ? 3 : 0;
          if (v == 0) {
            return fail(ErrorCode::kInvalidArgument,
                        "users[{}].acl[{}]: unknown permission '{}' (read, write, admin)", i, k,
                        s);
          }
          best = std::max(best, v);
        }
        grant.level = static_cast<Permission>(best);
        user.grants.push_back(std::move(grant));
        ++k;
      }
    }
    auth->users_.push_back(std::move(user));
    ++i;
  }
  return auth;
}

const User* Authenticator::authenticate(std::string_view authorization) const {
  constexpr std::string_view kBasic = "Basic ";
  if (authorization.size() <= kBasic.size()) return nullptr;
  std::string scheme(authorization.substr(0, kBasic.size()));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "basic ") return nullptr;

  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest,
                     reinterpret_cast<const unsigned char*>(authorization.data()),
                     authorization.size(), cache_key(), crypto_generichash_KEYBYTES);
  std::string key(reinterpret_cast<const char*>(digest), sizeof digest);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  std::string decoded = base64_decode(authorization.substr(kBasic.size()));
  auto colon = decoded.find(':');
  if (colon == std::string::npos) return nullptr;
  std::string name = decoded.substr(0, colon);
  std::string password = decoded.substr(colon + 1);
  const User* found = nullptr;
  for (const auto& u : users_) {
    if (u.name == name) found = &u;
  }
  if (found == nullptr) return nullptr;
  if (crypto_pwhash_str_verify(found->password_hash.c_str(), password.data(),
                               password.size()) != 0) {
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_.emplace(std::move(key), found);
  return found;
}

bool Authenticator::allowed(const User& user, std::string_view subject, Permission need) {
  for (const auto& g : user.grants) {
    if (static_cast<unsigned>(g.level) < static_cast<unsigned>(need)) continue;
    if (subject.substr(0, g.prefix.size()) == g.prefix) return true;
  }
  return false;
}

Result<std::string> hash_password(std::string_view password) {
  if (sodium_init() < 0) return fail(ErrorCode::kInternal, "libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return fail(ErrorCode::kInternal, "out of memory while hashing the password");
  }
  return std::string(out);
}

}  // namespace sluice::registry
