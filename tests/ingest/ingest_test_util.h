// Helpers for the ingestion tests: running `sluice`, reading output folders back with
// the Avro reader.
#pragma once

#include "avro/container.h"
#include "avro/value.h"
#include "cli/cli_test_util.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sluice::testing {

using sluice::testing::sh_quote;
inline std::string shq(std::string_view text) {
  return sh_quote(text);
}
inline CommandResult run_sluice(const std::string& args) {
  return sluice(args);
}

// The part files of `<dir>/<stream>/`, sorted.
inline std::vector<std::filesystem::path> parts_of(const std::filesystem::path& stream_dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(stream_dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with("part-") && name.ends_with(".avro"))
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Files whose name ends in ".tmp" anywhere under `dir`.
inline std::vector<std::string> temp_files(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.path().filename().string().ends_with(".tmp"))
      out.push_back(e.path().string());
  }
  return out;
}

// A decoded value as plain JSON (unions unwrapped, bytes as latin-1 text, enums as
// their symbol): the shape python3-avro's reader gives.
inline nlohmann::json plain_json(const avro::Value& v) {
  using avro::Type;
  switch (v.type()) {
    case Type::kNull:
      return nullptr;
    case Type::kBoolean:
      return v.as_bool();
    case Type::kInt:
      return v.as_int();
    case Type::kLong:
      return v.as_long();
    case Type::kFloat:
      return v.as_float();
    case Type::kDouble:
      return v.as_double();
    case Type::kString:
      return std::string(v.as_string());
    case Type::kBytes:
    case Type::kFixed: {
      std::string s;
      for (std::uint8_t b : v.as_bytes()) {
        // latin-1 -> UTF-8, like python's bytes.decode('latin-1')
        if (b < 0x80) {
          s += static_cast<char>(b);
        } else {
          s += static_cast<char>(0xC0 | (b >> 6));
          s += static_cast<char>(0x80 | (b & 0x3F));
        }
      }
      return s;
    }
    case Type::kEnum:
      return std::string(v.enum_symbol());
    case Type::kArray: {
      nlohmann::json a = nlohmann::json::array();
      for (const avro::Value& item : v.items()) a.push_back(plain_json(item));
      return a;
    }
    case Type::kRecord: {
      nlohmann::json o = nlohmann::json::object();
      const avro::Node& node = *v.node();
      for (std::size_t i = 0; i < node.fields.size(); ++i)
        o[node.fields[i].name] = plain_json(v[i]);
      return o;
    }
    case Type::kMap: {
      nlohmann::json o = nlohmann::json::object();
      for (const avro::MapEntry& e : v.entries()) o[std::string(e.key)] = plain_json(e.value);
      return o;
    }
    default:
      return "?";
  }
}

// Every record of one container file as plain JSON (fails the test on a read error).
inline std::vector<nlohmann::json> read_records(const std::filesystem::path& file) {
  std::vector<nlohmann::json> out;
  auto reader = avro::ContainerReader::open(file);
  EXPECT_TRUE(reader.has_value()) << file << ": " << reader.error().to_string();
  if (!reader)
    return out;
  avro::Arena arena;
  avro::Value v;
  for (;;) {
    auto more = reader->next(v, arena);
    EXPECT_TRUE(more.has_value()) << file << ": " << more.error().to_string();
    if (!more || !*more)
      break;
    out.push_back(plain_json(v));
  }
  return out;
}

// Records of every part of `<dir>/<stream>/`.
inline std::vector<nlohmann::json> read_stream(const std::filesystem::path& dir,
                                               const std::string& stream) {
  std::vector<nlohmann::json> out;
  for (const auto& part : parts_of(dir / stream)) {
    for (auto& r : read_records(part)) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace sluice::testing
