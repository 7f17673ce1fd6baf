// `sluice avro codegen`: Avro schemas -> a C++20 header of typed classes.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "avro/schema.h"
#include "cli/avro_commands.h"
#include "cli/command.h"
#include "cli/io.h"
#include "codegen/cpp_generator.h"

namespace sluice::cli {
namespace {

struct CodegenOptions {
  std::vector<std::string> schemas;
  std::string cpp_namespace;
  std::string out;
  std::string map = "ordered";
};

// The label for the "generated from" comment: file names only, so the output does not
// depend on where the build runs.
std::string label_of(const std::string& argument) {
  std::error_code ec;
  if (argument != "-" && std::filesystem::is_regular_file(argument, ec))
    return std::filesystem::path(argument).filename().string();
  return argument == "-" ? "stdin" : "inline schema";
}

Result<std::string> generate(const std::vector<avro::SchemaPtr>& schemas,
                             const codegen::CppOptions& options) {
  auto header = codegen::generate_cpp_header(schemas, options);
  if (!header)
    return fail(in_context(header.error(), "codegen"));
  return header;
}

// Full names of the named types reachable from `node` (what its header defines).
void reachable_named(const avro::Node& node, std::set<std::string>& out) {
  switch (node.type) {
    case avro::Type::kRecord:
    case avro::Type::kEnum:
    case avro::Type::kFixed:
      if (!out.insert(node.fullname).second)
        return;
      for (const avro::Field& f : node.fields)
        reachable_named(*f.type, out);
      return;
    case avro::Type::kArray:
      reachable_named(*node.items, out);
      return;
    case avro::Type::kMap:
      reachable_named(*node.values, out);
      return;
    case avro::Type::kUnion:
      for (const avro::Node* b : node.branches)
        reachable_named(*b, out);
      return;
    default:
      return;
  }
}

// `error` (a schema argument that did not parse), with a hint when it names an unknown
// type that one of the `later` arguments defines: schemas are read in the order given.
Error with_order_hint(const Error& error, std::span<const std::string> later) {
  constexpr std::string_view kUnknown = "unknown type \"";
  std::string text = error.to_string();
  std::size_t at = text.find(kUnknown);
  std::size_t end = at == std::string::npos ? at : text.find('"', at + kUnknown.size());
  if (end == std::string::npos)
    return error;
  std::string name = text.substr(at + kUnknown.size(), end - at - kUnknown.size());
  // The later schemas parse in rounds, each with the types of those parsed before (one
  // that defines the type may itself need a still later one); those that parse alone
  // come first, so a type is credited to the schema that defines it, not one using it.
  avro::ParseOptions known;
  std::vector<bool> parsed(later.size(), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < later.size(); ++i) {
      if (parsed[i])
        continue;
      auto schema = load_schema(later[i], later[i], known);
      if (!schema)
        continue;
      parsed[i] = progress = true;
      std::set<std::string> defined;
      reachable_named((*schema)->root(), defined);
      for (const std::string& full : defined) {
        if (full == name || full.ends_with("." + name))
          return Error(error.code(),
                       fmt::format("{} ({} defines {}, but comes after it: a schema can use the "
                                   "types of the schemas before it, so give {} first)",
                                   text, label_of(later[i]), full, label_of(later[i])));
      }
      known.references.push_back(*std::move(schema));
    }
  }
  return error;
}

Status write_file(const std::string& path, const std::string& text) {
  SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<OutputFile> file, OutputFile::open(path));
  SLUICE_TRY(file->write(text));
  return file->commit();
}

Result<int> run_codegen(const CodegenOptions& opts) {
  codegen::CppOptions options;
  if (!opts.cpp_namespace.empty())
    options.cpp_namespace = opts.cpp_namespace;
  options.map_kind = opts.map == "unordered" ? codegen::MapKind::kUnordered
                                             : codegen::MapKind::kOrdered;
  std::vector<avro::SchemaPtr> schemas;
  std::vector<std::string> labels;
  // A schema that does not parse on its own may use the named types of the schemas
  // before it (as avro-tools does); one that does keeps its own definitions.
  avro::ParseOptions parse_options;
  std::vector<bool> uses_earlier;
  for (std::size_t i = 0; i < opts.schemas.size(); ++i) {
    const std::string& arg = opts.schemas[i];
    auto alone = load_schema(arg, arg);
    bool borrowed = !alone && !parse_options.references.empty();
    if (borrowed) {
      auto with_earlier = load_schema(arg, arg, parse_options);
      if (with_earlier)
        alone = std::move(with_earlier);
    }
    if (!alone)
      return fail(with_order_hint(alone.error(), std::span(opts.schemas).subspan(i + 1)));
    avro::SchemaPtr schema = std::move(*alone);
    parse_options.references.push_back(schema);
    uses_earlier.push_back(borrowed);
    schemas.push_back(std::move(schema));
    labels.push_back(label_of(arg));
  }
  std::error_code ec;
  bool to_dir = !opts.out.empty() &&
                (std::filesystem::is_directory(opts.out, ec) || opts.out.back() == '/');
  if (to_dir) {
    // One header per schema argument, named after its file: user.avsc -> user.hpp.
    std::vector<std::string> stems;
    for (std::size_t i = 0; i < schemas.size(); ++i) {
      std::string stem = std::filesystem::path(labels[i]).stem().string();
      if (labels[i] == "stdin" || labels[i] == "inline schema")
        stem = fmt::format("schema{}", i + 1);
      // Two schemas of one file name (a/user.avsc, b/user.avsc) would write one header.
      auto same = std::find(stems.begin(), stems.end(), stem);
      if (same != stems.end())
        return fail(usage_error(fmt::format(
            "--out {}: {} and {} would both be written to {}.hpp; rename one, or write "
            "them to one header (--out file.hpp)",
            opts.out, opts.schemas[static_cast<std::size_t>(same - stems.begin())],
            opts.schemas[i], stem)));
      stems.push_back(stem);
    }
    std::filesystem::create_directories(opts.out, ec);
    if (ec)
      return fail(ErrorCode::kIo, "--out {}: cannot create the directory: {}", opts.out,
                  ec.message());
    // Schemas that share named types, defined in each (identically, or the generator
    // refuses two definitions) or used from an earlier one, are generated together.
    bool shared = std::find(uses_earlier.begin(), uses_earlier.end(), true) != uses_earlier.end();
    std::vector<std::set<std::string>> reached(schemas.size());  // named types of each
    std::set<std::string> seen;
    for (std::size_t i = 0; i < schemas.size(); ++i) {
      reachable_named(schemas[i]->root(), reached[i]);
      for (const std::string& name : reached[i])
        shared = !seen.insert(name).second || shared;
    }
    // Then each header defines the named types its schema reaches that no earlier one
    // does, and includes the earlier headers that define the others it uses. Otherwise
    // each header is generated from its schema alone.
    std::vector<std::set<std::string>> owned(schemas.size());
    std::set<std::string> earlier;
    for (std::size_t i = 0; i < schemas.size(); ++i) {
      const std::set<std::string>& mine = reached[i];
      for (const std::string& name : mine)
        if (earlier.count(name) == 0)
          owned[i].insert(name);
      earlier.insert(mine.begin(), mine.end());
      options.source_label = labels[i];
      if (shared) {
        options.emit_only = owned[i];
        options.includes.clear();
        for (std::size_t j = 0; j < i; ++j) {
          auto used = [&](const std::string& name) { return mine.count(name) != 0; };
          if (std::any_of(owned[j].begin(), owned[j].end(), used))
            options.includes.push_back(stems[j] + ".hpp");
        }
      }
      SLUICE_ASSIGN_OR_RETURN(std::string header,
                              generate(shared ? schemas : std::vector{schemas[i]}, options));
      std::filesystem::path file = std::filesystem::path(opts.out) / (stems[i] + ".hpp");
      SLUICE_TRY(write_file(file.string(), header));
    }
    return kExitOk;
  }
  std::string label;
  for (const std::string& l : labels)
    label += (label.empty() ? "" : ", ") + l;
  options.source_label = label;
  SLUICE_ASSIGN_OR_RETURN(std::string header, generate(schemas, options));
  if (opts.out.empty() || opts.out == "-") {
    SLUICE_TRY(write_stdout(header));
    return kExitOk;
  }
  SLUICE_TRY(write_file(opts.out, header));
  return kExitOk;
}

}  // namespace

void add_avro_codegen_command(CLI::App& avro, Registry& registry) {
  auto opts = std::make_shared<CodegenOptions>();
  CLI::App* cmd = registry.add(
      avro, "codegen",
      "Generates a C++20 header of typed classes from Avro schemas.\n"
      "Records become structs (fields in schema order, defaults as member initializers) with "
      "to_avro()/from_avro() (straight-line binary encoding), from_avro(data, size, "
      "writer_schema) for data written with another schema version, to_json()/from_json() and the "
      "embedded schema, canonical form and Rabin fingerprint. [\"null\", T] becomes "
      "std::optional<T>, other unions std::variant, enums enum class, fixed std::array, "
      "logical types std::chrono and sluice::avro::Decimal/Uuid/Duration. The header needs "
      "only the Sluice Avro library. Names that would not compile as themselves (C++ keywords, "
      "standard library macros, names declared globally or used by the generated code) get a "
      "trailing '_', and '__' is broken up (the README's \"Names\" rules).",
      "  sluice avro codegen user.avsc --out user.hpp\n"
      "  sluice avro codegen v1.avsc --namespace app::v1 --map unordered > v1.hpp\n"
      "  sluice avro codegen a.avsc b.avsc --out generated/   # a.hpp and b.hpp");
  cmd->add_option("schemas", opts->schemas,
                  "Schemas: file paths, '-' for stdin, or inline JSON; a schema may use the "
                  "named types of the ones before it; every named type reachable from them "
                  "is generated once")
      ->required();
  cmd->add_option("--namespace", opts->cpp_namespace,
                  "C++ namespace for every generated type (a::b or a.b); default: each "
                  "type's Avro namespace as nested C++ namespaces");
  cmd->add_option("--out", opts->out,
                  "Output: a header file (all schemas in one), or a directory (existing, or "
                  "ending in '/': one <schema-file-stem>.hpp per schema, including the "
                  "earlier headers whose types it uses); default: stdout");
  cmd->add_option("--map", opts->map, "C++ type of Avro maps: ordered (std::map) or unordered "
                                      "(std::unordered_map)")
      ->check(CLI::IsMember({"ordered", "unordered"}))
      ->capture_default_str();
  registry.set_runner(cmd, [opts] { return run_codegen(*opts); });
}

}  // namespace sluice::cli
