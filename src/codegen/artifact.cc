#include "codegen/artifact.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <fstream>
#include <system_error>

#include "avro/fingerprint.h"
#include "avro/schema.h"
#include "codegen/cpp_generator.h"
#include "codegen/internal/cpp_names.h"
#include "codegen/internal/locked_build.h"
#include "codegen/internal/repo_lock.h"

namespace sluice::codegen {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxVersionPart = 999999;
constexpr std::size_t kMaxNameLength = 100;

// Replaces every "@KEY@" of `text` by its value.
std::string expand(std::string text,
                   const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [key, value] : values) {
    const std::string marker = "@" + key + "@";
    for (std::size_t at = text.find(marker); at != std::string::npos;
         at = text.find(marker, at + value.size())) {
      text.replace(at, marker.size(), value);
    }
  }
  return text;
}

// One version's package: lib/cmake/@NAME@/@VERSION@/@NAME@Config.cmake.
constexpr std::string_view kVersionConfig = R"(# @NAME@ @VERSION@: a schema artifact written by `sluice artifact build`. Do not edit.
#
# Defines the INTERFACE target @NAME@::@NAME@: the generated classes (namespace
# @NAME@::@TAG@) with their include folder, sluice::avro, and the compile definitions
# @UPPER@_ARTIFACT_HEADER="@NAME@/@TAG@/@NAME@.hpp" and
# @UPPER@_ARTIFACT_NAMESPACE=@NAME@::@TAG@, so code written against "whatever version
# was found" can say `#include @UPPER@_ARTIFACT_HEADER`.
include(CMakeFindDependencyMacro)
if(NOT TARGET sluice::avro)
  find_dependency(Sluice CONFIG)
endif()

get_filename_component(_@NAME@_prefix "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)
if(TARGET @NAME@::@NAME@)
  # One target per directory (and below): a second version cannot be loaded beside it.
  get_target_property(_@NAME@_loaded @NAME@::@NAME@ INTERFACE_SLUICE_ARTIFACT_VERSION)
  if(NOT _@NAME@_loaded STREQUAL "@VERSION@")
    message(FATAL_ERROR "@NAME@ @VERSION@: @NAME@ ${_@NAME@_loaded} is loaded already here "
                        "(target @NAME@::@NAME@); one directory uses one version of a dataset, "
                        "so find the other version in a directory of its own, with add_subdirectory")
  endif()
else()
  add_library(@NAME@::@NAME@ INTERFACE IMPORTED)
  set_target_properties(@NAME@::@NAME@ PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_@NAME@_prefix}/include"
    INTERFACE_LINK_LIBRARIES "sluice::avro"
    INTERFACE_COMPILE_DEFINITIONS
      "@UPPER@_ARTIFACT_HEADER=\"@NAME@/@TAG@/@NAME@.hpp\";@UPPER@_ARTIFACT_NAMESPACE=@NAME@::@TAG@"
    INTERFACE_SLUICE_ARTIFACT_VERSION "@VERSION@")
endif()

set(@NAME@_ARTIFACT_VERSION "@VERSION@")
set(@NAME@_SCHEMA_FINGERPRINT "@FINGERPRINT@")
set(@NAME@_SCHEMA_FILE "${_@NAME@_prefix}/share/@NAME@-@VERSION@/schema.avsc")
set(@NAME@_ARTIFACT_JSON "${_@NAME@_prefix}/share/@NAME@-@VERSION@/artifact.json")
set(@NAME@_HEADER "${_@NAME@_prefix}/include/@NAME@/@TAG@/@NAME@.hpp")
unset(_@NAME@_prefix)
)";

// The same version's own version file, for find_package(... PATHS <that folder>).
constexpr std::string_view kVersionConfigVersion = R"(# @NAME@ @VERSION@: accepts a request for @VERSION@, for a lower version of major
# version @MAJOR@, or for no version. Written by `sluice artifact build`. Do not edit.
set(PACKAGE_VERSION "@VERSION@")
set(PACKAGE_VERSION_COMPATIBLE FALSE)
set(PACKAGE_VERSION_EXACT FALSE)
if(NOT PACKAGE_FIND_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
elseif(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  set(PACKAGE_VERSION_EXACT TRUE)
elseif(PACKAGE_FIND_VERSION_MAJOR EQUAL @MAJOR@ AND PACKAGE_FIND_VERSION VERSION_LESS PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
endif()
)";

// The chooser: lib/cmake/@NAME@/@NAME@ConfigVersion.cmake. Its bytes depend on the
// name only, so every version ships the same file and copies merge.
constexpr std::string_view kChooserConfigVersion = R"(# @NAME@: chooses among the versions installed beside this file (one folder
# lib/cmake/@NAME@/<x.y.z>/ per version). Written by `sluice artifact build`. Do not edit.
#   find_package(@NAME@ x.y.z EXACT)  that version
#   find_package(@NAME@ x.y.z)        the highest version of major x that is >= x.y.z
#   find_package(@NAME@ min...max)    the highest version in the range
#   find_package(@NAME@)              the highest version
file(GLOB _sluice_versions LIST_DIRECTORIES true RELATIVE "${CMAKE_CURRENT_LIST_DIR}"
     "${CMAKE_CURRENT_LIST_DIR}/*")
set(_sluice_best "")
set(_sluice_highest "")
foreach(_sluice_v IN LISTS _sluice_versions)
  if(NOT _sluice_v MATCHES "^([0-9]+)\\.[0-9]+\\.[0-9]+$"
     OR NOT EXISTS "${CMAKE_CURRENT_LIST_DIR}/${_sluice_v}/@NAME@Config.cmake")
    continue()
  endif()
  set(_sluice_major "${CMAKE_MATCH_1}")
  if(_sluice_highest STREQUAL "" OR _sluice_v VERSION_GREATER _sluice_highest)
    set(_sluice_highest "${_sluice_v}")
  endif()
  if(DEFINED PACKAGE_FIND_VERSION_RANGE AND NOT PACKAGE_FIND_VERSION_RANGE STREQUAL "")
    if(_sluice_v VERSION_LESS PACKAGE_FIND_VERSION_MIN
       OR (PACKAGE_FIND_VERSION_RANGE_MAX STREQUAL "INCLUDE"
           AND _sluice_v VERSION_GREATER PACKAGE_FIND_VERSION_MAX)
       OR (PACKAGE_FIND_VERSION_RANGE_MAX STREQUAL "EXCLUDE"
           AND NOT _sluice_v VERSION_LESS PACKAGE_FIND_VERSION_MAX))
      continue()
    endif()
  elseif(PACKAGE_FIND_VERSION)
    if(${PACKAGE_FIND_NAME}_FIND_VERSION_EXACT)
      if(NOT _sluice_v VERSION_EQUAL PACKAGE_FIND_VERSION)
        continue()
      endif()
    elseif(_sluice_v VERSION_LESS PACKAGE_FIND_VERSION
           OR NOT _sluice_major EQUAL PACKAGE_FIND_VERSION_MAJOR)
      continue()
    endif()
  endif()
  if(_sluice_best STREQUAL "" OR _sluice_v VERSION_GREATER _sluice_best)
    set(_sluice_best "${_sluice_v}")
  endif()
endforeach()
set(PACKAGE_VERSION_EXACT FALSE)
if(_sluice_best STREQUAL "")
  set(PACKAGE_VERSION "${_sluice_highest}")
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION "${_sluice_best}")
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION AND PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
unset(_sluice_versions)
unset(_sluice_best)
unset(_sluice_highest)
unset(_sluice_major)
)";

constexpr std::string_view kChooserConfig = R"(# @NAME@: loads the version that @NAME@ConfigVersion.cmake chose (find_package() has
# set @NAME@_VERSION to it). Written by `sluice artifact build`. Do not edit.
include("${CMAKE_CURRENT_LIST_DIR}/${@NAME@_VERSION}/@NAME@Config.cmake")
)";

// The artifact as a CMake project that installs it, so that besides being a prefix it
// installs like any package: cmake -S <artifact> -B b && cmake --install b --prefix P.
// The same bytes in every version (copies into one prefix merge, as the chooser files
// do), and installing a merged prefix installs every version in it.
constexpr std::string_view kInstallProject = R"(# @NAME@: a schema artifact written by `sluice artifact build`. Do not edit.
#
# This folder is an installation prefix already (CMAKE_PREFIX_PATH=<this folder>). To
# install it into another prefix, beside other versions of @NAME@:
#   cmake -S <this folder> -B <build folder>
#   cmake --install <build folder> --prefix <prefix>
cmake_minimum_required(VERSION 3.20)
project(@NAME@_artifact LANGUAGES NONE)
install(DIRECTORY include/ DESTINATION include)
install(DIRECTORY share/ DESTINATION share)
install(DIRECTORY lib/ DESTINATION lib)
)";

constexpr std::string_view kWrapperHeader = R"(// @NAME@ @VERSION@: a schema artifact written by `sluice artifact build`. Do not edit.
//
// The classes generated from share/@NAME@-@VERSION@/schema.avsc, in namespace
// @NAME@::@TAG@, plus this version's identity.
#pragma once

#include <cstdint>
#include <string_view>

#include "@NAME@_generated.hpp"

namespace @NAME@::@TAG@ {

inline constexpr std::string_view kArtifactName = "@NAME@";
inline constexpr std::string_view kArtifactVersion = "@VERSION@";
inline constexpr int kArtifactVersionMajor = @MAJOR@;
inline constexpr int kArtifactVersionMinor = @MINOR@;
inline constexpr int kArtifactVersionPatch = @PATCH@;
// CRC-64-AVRO (Rabin) fingerprint of the schema's Parsing Canonical Form.
inline constexpr std::uint64_t kSchemaFingerprint = 0x@FINGERPRINT@ULL;

}  // namespace @NAME@::@TAG@
)";

Status write_text(const fs::path& path, std::string_view text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return fail(ErrorCode::kIo, "{}: {}", path.parent_path().string(), ec.message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return fail(ErrorCode::kIo, "{}: cannot write", path.string());
  return {};
}

// The first difference between the tree at `root` and `files` (relative path -> text),
// or "" when they hold the same files with the same bytes.
std::string first_difference(const fs::path& root,
                             const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> present;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec)) present.push_back(it->path().lexically_relative(root).generic_string());
  }
  if (ec) return fmt::format("cannot list it ({})", ec.message());
  std::sort(present.begin(), present.end());
  for (const auto& [path, text] : files) {
    if (!std::binary_search(present.begin(), present.end(), path)) return path + " is missing";
    std::ifstream in(root / path, std::ios::binary);
    std::string existing((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.is_open() || existing != text) return path + " differs";
  }
  for (const std::string& path : present) {
    auto known = std::find_if(files.begin(), files.end(),
                              [&](const auto& f) { return f.first == path; });
    if (known == files.end()) return path + " is not part of the artifact";
  }
  return "";
}

std::string to_upper_identifier(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  });
  return out;
}

// A dataset folder in `out_dir` whose name differs from `name` only in case, or "".
std::string dataset_differing_in_case(const fs::path& out_dir, std::string_view name) {
  const std::string key = internal::dataset_name_key(name);
  std::error_code ec;
  for (fs::directory_iterator it(out_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string other = it->path().filename().string();
    if (other != name && internal::dataset_name_key(other) == key && it->is_directory(ec))
      return other;
  }
  return "";
}

}  // namespace

std::string internal::dataset_name_key(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<ArtifactVersion> ArtifactVersion::parse(std::string_view text) {
  ArtifactVersion v;
  int* parts[] = {&v.major, &v.minor, &v.patch};
  std::size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (pos >= text.size() || text[pos] != '.') break;
      ++pos;
    }
    const char* begin = text.data() + pos;
    const char* end = text.data() + text.size();
    if (begin == end || *begin < '0' || *begin > '9') break;
    if (*begin == '0' && end - begin > 1 && begin[1] >= '0' && begin[1] <= '9') break;  // "01"
    auto [ptr, ec] = std::from_chars(begin, end, *parts[i]);
    if (ec != std::errc() || *parts[i] > kMaxVersionPart) break;
    pos += static_cast<std::size_t>(ptr - begin);
    if (i == 2 && pos == text.size()) return v;
  }
  return fail(ErrorCode::kInvalidArgument,
              "version \"{}\": expected x.y.z with numbers 0..{} without leading zeros "
              "(e.g. 1.2.3)",
              text, kMaxVersionPart);
}

std::string ArtifactVersion::to_string() const {
  return fmt::format("{}.{}.{}", major, minor, patch);
}

std::string ArtifactVersion::tag() const { return fmt::format("v{}_{}_{}", major, minor, patch); }

Status validate_dataset_name(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::kInvalidArgument, "dataset name \"{}\": {}", name, why);
  };
  if (name.empty()) return bad("empty");
  if (name.size() > kMaxNameLength) return bad("longer than 100 characters");
  auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!is_letter(name[0])) return bad("must start with a letter (a leading '_' is reserved in C++)");
  for (char c : name) {
    if (!is_letter(c) && !(c >= '0' && c <= '9') && c != '_') {
      return bad("only letters, digits and '_' are allowed (it is a C++ namespace)");
    }
  }
  if (name.find("__") != std::string_view::npos) return bad("'__' is reserved in C++");
  // The name is the header's namespace as written: one the code generator would rename
  // (a keyword, a standard library macro such as linux or EOF, a name the generated code
  // uses) or one the C library declares globally (time, tm) cannot be that namespace.
  if (internal::is_taken_name(name)) {
    return bad("a C++ keyword, a standard library macro or a name the generated code uses");
  }
  if (internal::is_global_name(name)) {
    return bad("declared in the global namespace (by the standard library, as a g++ built-in, "
               "or main)");
  }
  // The package would shadow the Sluice library's own (find_dependency(Sluice) would find
  // the artifact), and CMake may match package folders without regard to case.
  if (internal::dataset_name_key(name) == "sluice")
    return bad("the name of the Sluice library's own CMake package");
  return {};
}

std::string dataset_name_for_subject(std::string_view subject) {
  std::string out;
  out.reserve(subject.size() + 4);
  for (char c : subject) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_';
    char k = keep ? c : '_';
    if (k == '_' && !out.empty() && out.back() == '_') out.push_back('x');  // no "__"
    out.push_back(k);
  }
  if (out.empty() || out[0] == '_' || (out[0] >= '0' && out[0] <= '9'))
    out.insert(0, out.empty() || out[0] != '_' ? "d_" : "d");
  if (out.size() > kMaxNameLength) {
    // Cut, with the whole subject's fingerprint, so that long subjects that differ only
    // at the end ("<topic>-key", "<topic>-value") keep distinct names.
    out.resize(kMaxNameLength - 17);
    while (out.back() == '_') out.pop_back();  // no "__" before the suffix
    out += "_" + fingerprint_hex(avro::rabin_fingerprint(subject));
  }
  if (!validate_dataset_name(out)) out.insert(0, "d_");  // a keyword such as "class"
  return out;
}

std::string fingerprint_hex(std::uint64_t fingerprint) { return fmt::format("{:016x}", fingerprint); }

Result<ArtifactInfo> build_artifact(const ArtifactSpec& spec, const fs::path& out_dir) {
  SLUICE_TRY(validate_dataset_name(spec.name));
  SLUICE_ASSIGN_OR_RETURN(internal::RepoLock lock, internal::RepoLock::acquire(out_dir));
  internal::remove_stale_temporaries(out_dir / spec.name);  // of a killed run: the lock is ours
  return internal::build_artifact_locked(spec, out_dir);
}

Result<ArtifactInfo> internal::build_artifact_locked(const ArtifactSpec& spec,
                                                     const fs::path& out_dir) {
  SLUICE_TRY(validate_dataset_name(spec.name));
  if (std::string other = dataset_differing_in_case(out_dir, spec.name); !other.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "dataset \"{}\": {} holds dataset \"{}\", a name that differs only in case; "
                "the two packages would define the same {}_ARTIFACT_HEADER and _NAMESPACE, and "
                "a case-insensitive file system would merge their folders: choose another name",
                spec.name, (out_dir / other).string(), other, to_upper_identifier(spec.name));
  }
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr schema, avro::Schema::parse(spec.schema_text));

  const std::string& name = spec.name;
  const std::string version = spec.version.to_string();
  const std::string tag = spec.version.tag();
  const std::uint64_t fingerprint = avro::rabin_fingerprint(schema->root());
  const std::string fp_hex = fingerprint_hex(fingerprint);
  const std::vector<std::pair<std::string, std::string>> values = {
      {"NAME", name},
      {"UPPER", to_upper_identifier(name)},
      {"VERSION", version},
      {"TAG", tag},
      {"MAJOR", std::to_string(spec.version.major)},
      {"MINOR", std::to_string(spec.version.minor)},
      {"PATCH", std::to_string(spec.version.patch)},
      {"FINGERPRINT", fp_hex},
  };

  CppOptions cpp;
  cpp.cpp_namespace = name + "::" + tag;
  cpp.source_label = fmt::format("{} {} (share/{}-{}/schema.avsc)", name, version, name, version);
  // The wrapper header declares these beside the classes (kWrapperHeader).
  cpp.reserved_names = {"kArtifactName",         "kArtifactVersion",      "kArtifactVersionMajor",
                        "kArtifactVersionMinor", "kArtifactVersionPatch", "kSchemaFingerprint"};
  const avro::SchemaPtr schemas[] = {schema};
  SLUICE_ASSIGN_OR_RETURN(std::string generated, generate_cpp_header(schemas, cpp));

  const std::string include_dir = fmt::format("include/{}/{}/", name, tag);
  const std::string share_dir = fmt::format("share/{}-{}/", name, version);
  const std::string cmake_dir = fmt::format("lib/cmake/{}/", name);

  nlohmann::json meta = {
      {"format", 1},
      {"name", name},
      {"version", version},
      {"fingerprint", {{"algorithm", "CRC-64-AVRO"}, {"hex", fp_hex},
                       {"signed", static_cast<std::int64_t>(fingerprint)}}},
      {"source", spec.source},
      {"schema_file", share_dir + "schema.avsc"},
      {"header", include_dir + name + ".hpp"},
      {"namespace", name + "::" + tag},
      {"cmake_package", name},
      {"cmake_target", name + "::" + name},
  };

  // Sorted by path so the list (and the order files are written in) never varies.
  std::vector<std::pair<std::string, std::string>> files = {
      {"CMakeLists.txt", expand(std::string(kInstallProject), values)},
      {include_dir + name + ".hpp", expand(std::string(kWrapperHeader), values)},
      {include_dir + name + "_generated.hpp", std::move(generated)},
      {share_dir + "schema.avsc", spec.schema_text},
      {share_dir + "artifact.json", meta.dump(2) + "\n"},
      {cmake_dir + name + "Config.cmake", expand(std::string(kChooserConfig), values)},
      {cmake_dir + name + "ConfigVersion.cmake", expand(std::string(kChooserConfigVersion), values)},
      {cmake_dir + version + "/" + name + "Config.cmake", expand(std::string(kVersionConfig), values)},
      {cmake_dir + version + "/" + name + "ConfigVersion.cmake",
       expand(std::string(kVersionConfigVersion), values)},
  };
  std::sort(files.begin(), files.end());

  const fs::path dataset_dir = out_dir / name;
  const fs::path root = dataset_dir / version;
  ArtifactInfo info;
  info.root = root;
  info.fingerprint = fingerprint;
  for (const auto& file : files) info.files.push_back(file.first);
  std::error_code ec;
  if (fs::exists(root, ec)) {
    const std::string difference = first_difference(root, files);
    if (difference.empty()) {  // this very build is there already
      info.existed = true;
      return info;
    }
    return fail(ErrorCode::kInvalidArgument,
                "{} already holds another build of {} {} ({}): a published version does not "
                "change; give a new version, or remove that folder to replace it",
                root.string(), name, version, difference);
  }
  fs::create_directories(dataset_dir, ec);
  if (ec) return fail(ErrorCode::kIo, "{}: {}", dataset_dir.string(), ec.message());
  std::string temp_template = (dataset_dir / ("." + version + ".tmp-XXXXXX")).string();
  if (mkdtemp(temp_template.data()) == nullptr) {
    return fail(ErrorCode::kIo, "{}: cannot create a temporary folder", dataset_dir.string());
  }
  const fs::path temp = temp_template;
  auto cleanup = [&] {
    std::error_code ignored;
    fs::remove_all(temp, ignored);
  };
  // mkdtemp makes the folder 0700; an installed tree should be readable by everyone.
  fs::permissions(temp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec, ec);

  for (const auto& [path, text] : files) {
    if (Status s = write_text(temp / path, text); !s) {
      cleanup();
      return fail(s.error());
    }
  }
  fs::rename(temp, root, ec);
  if (ec) {
    cleanup();
    return fail(ErrorCode::kIo, "{}: cannot rename into place: {}", root.string(), ec.message());
  }
  return info;
}

}  // namespace sluice::codegen
