// `sluice registry <client command>`: one registry call each, answer printed as JSON.
#include "cli/registry_commands.h"

#include "avro/arena.h"
#include "avro/json_codec.h"
#include "base/hex.h"
#include "cli/command.h"
#include "cli/io.h"
#include "registry/client.h"
#include "registry/serde.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// The server command lives in registry_serve.cc (another file, another owner); it is
// wired here as soon as its header exists.
#if __has_include("cli/registry_serve.h")
#include "cli/registry_serve.h"
#define SLUICE_HAVE_REGISTRY_SERVE 1
#endif

namespace sluice::cli {

// --- connection options shared by every client command -------------------------------

namespace {
constexpr const char* kDefaultUrl = "http://127.0.0.1:8081";

std::string default_url() {
  const char* env = std::getenv("SLUICE_REGISTRY_URL");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(kDefaultUrl);
}
}  // namespace

void add_connection_options(CLI::App* cmd, RegistryConnection& conn, const std::string& url_flag) {
  conn.url = default_url();
  cmd->add_option(url_flag, conn.url,
                  "Registry base URL(s), comma-separated; user:password@ allowed "
                  "(default: $SLUICE_REGISTRY_URL or http://127.0.0.1:8081)");
  cmd->add_option("--user", conn.user, "HTTP basic auth as user:password");
  cmd->add_option("--ca-file", conn.ca_file, "PEM CA bundle that signed the server's certificate");
  cmd->add_option("--cert-file", conn.cert_file, "PEM client certificate (mutual TLS)");
  cmd->add_option("--key-file", conn.key_file, "PEM client private key (mutual TLS)");
  cmd->add_flag("--insecure", conn.insecure, "Do not verify the server's TLS certificate");
  cmd->add_option("--timeout-ms", conn.timeout_ms, "Per-request timeout in milliseconds")
      ->capture_default_str();
  cmd->add_option("--retries", conn.retries,
                  "Retries on connection errors and 5xx answers (exponential backoff)")
      ->capture_default_str();
}

Result<std::shared_ptr<registry::Client>> connect_registry(const RegistryConnection& conn) {
  registry::ClientOptions options;
  options.url = conn.url;
  options.basic_auth = conn.user;
  options.ca_file = conn.ca_file;
  options.cert_file = conn.cert_file;
  options.key_file = conn.key_file;
  options.verify = conn.insecure ? registry::TlsVerify::kNo : registry::TlsVerify::kYes;
  options.request_timeout = std::chrono::milliseconds(conn.timeout_ms);
  options.retries = conn.retries;
  auto client = registry::Client::make(options);
  if (!client)
    return fail(usage_error(client.error().to_string()));
  return client;
}

namespace {

using nlohmann::json;
namespace reg = sluice::registry;


Status print_json(const json& j) {
  return write_stdout(j.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

// "latest", "-1" or a positive number. 0 stands for "all versions" where allowed.
Result<int> parse_version(const std::string& text, bool allow_all) {
  if (text == "latest" || text == "-1")
    return reg::kLatestVersion;
  if (allow_all && text == "all")
    return 0;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 1 || v > 2147483647L) {
    return fail(usage_error(fmt::format("--version '{}': expected a number >= 1 or 'latest'{}",
                                        text, allow_all ? " or 'all'" : "")));
  }
  return static_cast<int>(v);
}

// --reference name=subject:version
Result<reg::SchemaReference> parse_reference(const std::string& text) {
  auto eq = text.find('=');
  auto colon = text.rfind(':');
  if (eq == std::string::npos || colon == std::string::npos || colon < eq) {
    return fail(usage_error(fmt::format("--reference '{}': expected name=subject:version", text)));
  }
  reg::SchemaReference ref;
  ref.name = text.substr(0, eq);
  ref.subject = text.substr(eq + 1, colon - eq - 1);
  SLUICE_ASSIGN_OR_RETURN(ref.version, parse_version(text.substr(colon + 1), false));
  return ref;
}

struct SchemaArg {
  std::string schema;
  std::string type = "AVRO";
  std::vector<std::string> references;
};

void add_schema_args(CLI::App* cmd, SchemaArg& arg) {
  cmd->add_option("schema", arg.schema, "The schema: a file, '-' for stdin, or inline JSON")
      ->required();
  cmd->add_option("--type", arg.type, "Schema type: AVRO (default), JSON or PROTOBUF")
      ->check(CLI::IsMember({"AVRO", "JSON", "PROTOBUF"}));
  cmd->add_option("--reference", arg.references,
                  "A schema reference name=subject:version (repeatable)");
}

Result<reg::RegistrySchema> load(const SchemaArg& arg) {
  reg::RegistrySchema out;
  auto text = schema_text(arg.schema, "schema");
  if (!text) {
    // Protobuf text is neither JSON nor a primitive name: take it as given.
    if (arg.type == "AVRO")
      return fail(std::move(text).error());
    out.schema = arg.schema;
  } else {
    out.schema = std::move(*text);
  }
  out.schema_type = arg.type;
  for (const std::string& r : arg.references) {
    SLUICE_ASSIGN_OR_RETURN(reg::SchemaReference ref, parse_reference(r));
    out.references.push_back(std::move(ref));
  }
  return out;
}

json to_json(const reg::RegistrySchema& s) {
  json j = json::object();
  j["schema"] = s.schema;
  j["schemaType"] = s.schema_type;
  if (!s.references.empty()) {
    json refs = json::array();
    for (const auto& r : s.references) {
      refs.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
    }
    j["references"] = std::move(refs);
  }
  return j;
}

json to_json(const reg::SubjectVersion& sv) {
  json j = {{"subject", sv.subject}, {"version", sv.version}, {"id", sv.id.value}};
  json schema = to_json(sv.schema);
  for (auto it = schema.begin(); it != schema.end(); ++it) j[it.key()] = it.value();
  return j;
}

std::optional<std::string_view> optional_subject(const std::string& s) {
  if (s.empty())
    return std::nullopt;
  return std::string_view(s);
}

// --- hex lines for encode/decode ---------------------------------------------------

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Result<std::vector<std::uint8_t>> from_hex(std::string_view text, std::size_t line) {
  std::vector<std::uint8_t> out;
  if (text.size() % 2 != 0) {
    return fail(Error(ErrorCode::kInvalidData, "odd number of hex digits").at_line(line));
  }
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_digit_value(text[i]);
    int lo = hex_digit_value(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return fail(
          Error(ErrorCode::kInvalidData, fmt::format("not hex at column {}", i + 1)).at_line(line));
    }
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

// Non-empty lines of `text`, with their 1-based numbers.
std::vector<std::pair<std::size_t, std::string_view>> lines_of(std::string_view text) {
  std::vector<std::pair<std::size_t, std::string_view>> out;
  std::size_t number = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (!line.empty())
      out.emplace_back(number, line);
    if (nl == std::string_view::npos)
      break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

// --- options of each command -----------------------------------------------------

struct RegisterOptions {
  RegistryConnection conn;
  std::string subject;
  SchemaArg schema;
  bool normalize = false;
};

struct LookupOptions {
  RegistryConnection conn;
  std::string subject;
  SchemaArg schema;
  bool deleted = false;
};

struct GetOptions {
  RegistryConnection conn;
  int id = 0;
  std::string subject;
  std::string version = "latest";
  bool deleted = false;
  bool schema_only = false;
};

struct SubjectsOptions {
  RegistryConnection conn;
  bool deleted = false;
  std::string prefix;
};

struct VersionsOptions {
  RegistryConnection conn;
  std::string subject;
  bool deleted = false;
};

struct CompatOptions {
  RegistryConnection conn;
  std::string subject;
  SchemaArg schema;
  std::string version = "latest";
  bool verbose = false;
};

struct ConfigOptions {
  RegistryConnection conn;
  std::string subject;
  std::string set;
  bool remove = false;
  bool default_to_global = false;
};

struct ModeOptions {
  RegistryConnection conn;
  std::string subject;
  std::string set;
  bool force = false;
};

struct DeleteOptions {
  RegistryConnection conn;
  std::string subject;
  std::string version;
  bool permanent = false;
};

struct EncodeOptions {
  RegistryConnection conn;
  std::string topic;
  std::string schema;
  std::string input = "-";
  bool key = false;
  bool no_register = false;
};

struct DecodeOptions {
  RegistryConnection conn;
  std::string reader;
  std::string input = "-";
  bool with_id = false;
};

// --- runners ------------------------------------------------------------------------

Result<int> run_register(const RegisterOptions& o) {
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  SLUICE_ASSIGN_OR_RETURN(reg::RegistrySchema schema, load(o.schema));
  SLUICE_ASSIGN_OR_RETURN(
      reg::SchemaId id,
      client->register_schema(o.subject, schema,
                              o.normalize ? reg::Normalize::kYes : reg::Normalize::kNo));
  SLUICE_TRY(print_json({{"id", id.value}}));
  return kExitOk;
}

Result<int> run_lookup(const LookupOptions& o) {
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  SLUICE_ASSIGN_OR_RETURN(reg::RegistrySchema schema, load(o.schema));
  SLUICE_ASSIGN_OR_RETURN(
      reg::SubjectVersion sv,
      client->lookup_schema(o.subject, schema,
                            o.deleted ? reg::IncludeDeleted::kYes : reg::IncludeDeleted::kNo));
  SLUICE_TRY(print_json(to_json(sv)));
  return kExitOk;
}

Result<int> run_get(const GetOptions& o) {
  if ((o.id > 0) == !o.subject.empty()) {
    return fail(usage_error("give either --id or --subject (with --version)"));
  }
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  if (o.id > 0) {
    SLUICE_ASSIGN_OR_RETURN(reg::RegistrySchema s, client->get_schema(reg::SchemaId{o.id}));
    if (o.schema_only) {
      SLUICE_TRY(write_stdout(s.schema + "\n"));
      return kExitOk;
    }
    json j = to_json(s);
    j["id"] = o.id;
    SLUICE_TRY(print_json(j));
    return kExitOk;
  }
  SLUICE_ASSIGN_OR_RETURN(int version, parse_version(o.version, false));
  SLUICE_ASSIGN_OR_RETURN(
      reg::SubjectVersion sv,
      client->get_version(o.subject, version,
                          o.deleted ? reg::IncludeDeleted::kYes : reg::IncludeDeleted::kNo));
  if (o.schema_only) {
    SLUICE_TRY(write_stdout(sv.schema.schema + "\n"));
    return kExitOk;
  }
  SLUICE_TRY(print_json(to_json(sv)));
  return kExitOk;
}

Result<int> run_subjects(const SubjectsOptions& o) {
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  SLUICE_ASSIGN_OR_RETURN(auto subjects, client->get_subjects(o.deleted ? reg::IncludeDeleted::kYes
                                                                        : reg::IncludeDeleted::kNo,
                                                              o.prefix));
  SLUICE_TRY(print_json(subjects));
  return kExitOk;
}

Result<int> run_versions(const VersionsOptions& o) {
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  SLUICE_ASSIGN_OR_RETURN(auto versions,
                          client->get_versions(o.subject, o.deleted ? reg::IncludeDeleted::kYes
                                                                    : reg::IncludeDeleted::kNo));
  SLUICE_TRY(print_json(versions));
  return kExitOk;
}

Result<int> run_compat(const CompatOptions& o) {
  SLUICE_ASSIGN_OR_RETURN(int version, parse_version(o.version, true));
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  SLUICE_ASSIGN_OR_RETURN(reg::RegistrySchema schema, load(o.schema));
  SLUICE_ASSIGN_OR_RETURN(
      reg::CompatibilityResult r,
      client->test_compatibility(o.subject, schema, version,
                                 o.verbose ? reg::Verbose::kYes : reg::Verbose::kNo));
  json j = {{"is_compatible", r.is_compatible}};
  if (o.verbose)
    j["messages"] = r.messages;
  SLUICE_TRY(print_json(j));
  return r.is_compatible ? kExitOk : kExitFailure;
}

Result<int> run_config(const ConfigOptions& o) {
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  auto subject = optional_subject(o.subject);
  if (!o.set.empty() && o.remove)
    return fail(usage_error("--set and --delete exclude each other"));
  if (!o.set.empty()) {
    SLUICE_ASSIGN_OR_RETURN(std::string level, client->set_compatibility(subject, o.set));
    SLUICE_TRY(print_json({{"compatibility", level}}));
    return kExitOk;
  }
  if (o.remove) {
    SLUICE_ASSIGN_OR_RETURN(std::string level, client->delete_compatibility(subject));
    SLUICE_TRY(print_json({{"compatibilityLevel", level}}));
    return kExitOk;
  }
  SLUICE_ASSIGN_OR_RETURN(
      std::string level,
      client->get_compatibility(
          subject, o.default_to_global ? reg::DefaultToGlobal::kYes : reg::DefaultToGlobal::kNo));
  SLUICE_TRY(print_json({{"compatibilityLevel", level}}));
  return kExitOk;
}

Result<int> run_mode(const ModeOptions& o) {
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  auto subject = optional_subject(o.subject);
  std::string mode;
  if (!o.set.empty()) {
    SLUICE_ASSIGN_OR_RETURN(mode, client->set_mode(subject, o.set, o.force));
  } else {
    SLUICE_ASSIGN_OR_RETURN(mode, client->get_mode(subject, reg::DefaultToGlobal::kYes));
  }
  SLUICE_TRY(print_json({{"mode", mode}}));
  return kExitOk;
}

Result<int> run_delete(const DeleteOptions& o) {
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  auto permanent = o.permanent ? reg::Permanent::kYes : reg::Permanent::kNo;
  if (o.version.empty()) {
    SLUICE_ASSIGN_OR_RETURN(auto versions, client->delete_subject(o.subject, permanent));
    SLUICE_TRY(print_json(versions));
    return kExitOk;
  }
  SLUICE_ASSIGN_OR_RETURN(int version, parse_version(o.version, false));
  SLUICE_ASSIGN_OR_RETURN(int deleted, client->delete_version(o.subject, version, permanent));
  SLUICE_TRY(print_json(deleted));
  return kExitOk;
}

Result<int> run_encode(const EncodeOptions& o) {
  SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr schema, load_schema(o.schema, "--schema"));
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  reg::SerializerOptions options;
  options.auto_register = o.no_register ? reg::AutoRegister::kNo : reg::AutoRegister::kYes;
  SLUICE_ASSIGN_OR_RETURN(reg::Serializer serializer,
                          reg::Serializer::make(client, schema, options));
  SLUICE_ASSIGN_OR_RETURN(std::string input, read_input(o.input));
  avro::Arena arena;
  std::string out;
  std::vector<std::uint8_t> message;
  for (const auto& [number, line] : lines_of(input)) {
    arena.reset();
    auto value = avro::decode_json(schema->root(), line, arena);
    if (!value) {
      return fail(in_context(Error(value.error()).at_line(number), o.input));
    }
    message.clear();
    SLUICE_TRY(serializer.serialize(o.topic, *value, message,
                                    o.key ? reg::SubjectKind::kKey : reg::SubjectKind::kValue));
    out += to_hex(message);
    out += '\n';
  }
  SLUICE_TRY(write_stdout(out));
  return kExitOk;
}

Result<int> run_decode(const DecodeOptions& o) {
  avro::SchemaPtr reader;
  if (!o.reader.empty()) {
    SLUICE_ASSIGN_OR_RETURN(reader, load_schema(o.reader, "--reader"));
  }
  SLUICE_ASSIGN_OR_RETURN(auto client, connect_registry(o.conn));
  reg::Deserializer deserializer(client, reader);
  SLUICE_ASSIGN_OR_RETURN(std::string input, read_input(o.input));
  avro::Arena arena;
  std::string out;
  for (const auto& [number, line] : lines_of(input)) {
    arena.reset();
    SLUICE_ASSIGN_OR_RETURN(std::vector<std::uint8_t> message, from_hex(line, number));
    auto decoded = deserializer.deserialize(message, arena);
    if (!decoded)
      return fail(in_context(Error(decoded.error()).at_line(number), o.input));
    std::string text;
    avro::SchemaPtr shape = reader;
    if (!shape) {
      SLUICE_ASSIGN_OR_RETURN(shape, deserializer.writer_schema(decoded->writer_id));
    }
    SLUICE_TRY(avro::encode_json(shape->root(), decoded->value, text));
    if (o.with_id) {
      out += fmt::format("{{\"schema_id\":{},\"value\":{}}}\n", decoded->writer_id.value, text);
    } else {
      out += text + "\n";
    }
  }
  SLUICE_TRY(write_stdout(out));
  return kExitOk;
}

}  // namespace

void add_registry_commands(CLI::App& app, Registry& commands) {
  CLI::App* group = app.add_subcommand(
      "registry",
      "Schema registry: a Confluent-compatible server and client commands.\n"
      "Client commands call a registry's REST API (--url, default $SLUICE_REGISTRY_URL or "
      "http://127.0.0.1:8081) and print its answer as JSON; registry errors end as "
      "`sluice: error: registry error <error_code> (HTTP <status>): <message>`.");
  group->require_subcommand(1);
  group->footer(
      "Examples:\n"
      "  sluice registry serve --listen 127.0.0.1:8081 --store sqlite:registry.db\n"
      "  sluice registry register orders-value order.avsc\n"
      "  sluice registry get --subject orders-value --version latest\n"
      "  sluice registry compat orders-value order-v2.avsc --verbose\n"
      "Run `sluice registry <command> --help` for each command's options.");

#ifdef SLUICE_HAVE_REGISTRY_SERVE
  add_registry_serve_command(*group, commands);
#endif

  {
    auto o = std::make_shared<RegisterOptions>();
    CLI::App* cmd = commands.add(
        *group, "register",
        "Registers a schema under a subject (POST /subjects/{subject}/versions).\n"
        "Prints {\"id\": N}. Registering a schema the subject already has returns its id; "
        "an incompatible schema fails with error_code 409 and the reasons.",
        "  sluice registry register orders-value order.avsc\n"
        "  sluice registry register users-value '{\"type\":\"record\",\"name\":\"User\","
        "\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}'");
    add_connection_options(cmd, o->conn);
    cmd->add_option("subject", o->subject, "The subject, e.g. orders-value")->required();
    add_schema_args(cmd, o->schema);
    cmd->add_flag("--normalize", o->normalize, "Ask the registry to normalize the schema");
    commands.set_runner(cmd, [o] { return run_register(*o); });
  }
  {
    auto o = std::make_shared<LookupOptions>();
    CLI::App* cmd = commands.add(
        *group, "lookup",
        "Finds the version of a schema under a subject (POST /subjects/{subject}).\n"
        "Prints {\"subject\", \"version\", \"id\", \"schema\", ...}; fails with 40401 (no such "
        "subject) or 40403 (schema not registered there).",
        "  sluice registry lookup orders-value order.avsc");
    add_connection_options(cmd, o->conn);
    cmd->add_option("subject", o->subject, "The subject")->required();
    add_schema_args(cmd, o->schema);
    cmd->add_flag("--deleted", o->deleted, "Also find soft-deleted versions");
    commands.set_runner(cmd, [o] { return run_lookup(*o); });
  }
  {
    auto o = std::make_shared<GetOptions>();
    CLI::App* cmd = commands.add(
        *group, "get",
        "Fetches a schema by global id (GET /schemas/ids/{id}) or a subject's version "
        "(GET /subjects/{subject}/versions/{version}).\n"
        "Prints the schema with its id, subject and version as JSON; --schema-only prints "
        "just the schema text.",
        "  sluice registry get --id 7\n"
        "  sluice registry get --subject orders-value --version latest\n"
        "  sluice registry get --subject orders-value --version 2 --schema-only");
    add_connection_options(cmd, o->conn);
    cmd->add_option("--id", o->id, "Global schema id");
    cmd->add_option("--subject", o->subject, "Subject (with --version)");
    cmd->add_option("--version", o->version, "Version number, or 'latest' (the default)");
    cmd->add_flag("--deleted", o->deleted, "Also return a soft-deleted version");
    cmd->add_flag("--schema-only", o->schema_only, "Print only the schema text");
    commands.set_runner(cmd, [o] { return run_get(*o); });
  }
  {
    auto o = std::make_shared<SubjectsOptions>();
    CLI::App* cmd =
        commands.add(*group, "subjects", "Lists subjects (GET /subjects) as a JSON array.",
                     "  sluice registry subjects\n"
                     "  sluice registry subjects --prefix orders --deleted");
    add_connection_options(cmd, o->conn);
    cmd->add_flag("--deleted", o->deleted, "Include soft-deleted subjects");
    cmd->add_option("--prefix", o->prefix, "Only subjects starting with this prefix");
    commands.set_runner(cmd, [o] { return run_subjects(*o); });
  }
  {
    auto o = std::make_shared<VersionsOptions>();
    CLI::App* cmd = commands.add(
        *group, "versions", "Lists a subject's version numbers (GET /subjects/{subject}/versions).",
        "  sluice registry versions orders-value");
    add_connection_options(cmd, o->conn);
    cmd->add_option("subject", o->subject, "The subject")->required();
    cmd->add_flag("--deleted", o->deleted, "Include soft-deleted versions");
    commands.set_runner(cmd, [o] { return run_versions(*o); });
  }
  {
    auto o = std::make_shared<CompatOptions>();
    CLI::App* cmd = commands.add(
        *group, "compat",
        "Tests a schema against a subject's version(s) under the subject's compatibility "
        "level (POST /compatibility/subjects/{subject}/versions/{version}).\n"
        "Prints {\"is_compatible\": ...} (with --verbose, the reasons in \"messages\"); exits "
        "0 when compatible, 1 when not.",
        "  sluice registry compat orders-value order-v2.avsc --verbose\n"
        "  sluice registry compat orders-value order-v2.avsc --version all");
    add_connection_options(cmd, o->conn);
    cmd->add_option("subject", o->subject, "The subject")->required();
    add_schema_args(cmd, o->schema);
    cmd->add_option("--version", o->version,
                    "Version to test against: a number, 'latest' (default) or 'all'");
    cmd->add_flag("--verbose", o->verbose, "List why the schema is incompatible");
    commands.set_runner(cmd, [o] { return run_compat(*o); });
  }
  {
    auto o = std::make_shared<ConfigOptions>();
    CLI::App* cmd = commands.add(
        *group, "config",
        "Gets, sets or deletes the compatibility level, global or of one subject "
        "(GET/PUT/DELETE /config[/{subject}]).\n"
        "Levels: NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, "
        "FULL_TRANSITIVE. Getting a subject without its own level fails with 40408 unless "
        "--default-to-global.",
        "  sluice registry config\n"
        "  sluice registry config orders-value --set FULL_TRANSITIVE\n"
        "  sluice registry config orders-value --default-to-global");
    add_connection_options(cmd, o->conn);
    cmd->add_option("subject", o->subject, "The subject (omit for the global level)");
    cmd->add_option("--set", o->set, "Set this level");
    cmd->add_flag("--delete", o->remove, "Delete the level (a subject then uses the global)");
    cmd->add_flag("--default-to-global", o->default_to_global,
                  "For a subject without its own level, print the global level");
    commands.set_runner(cmd, [o] { return run_config(*o); });
  }
  {
    auto o = std::make_shared<ModeOptions>();
    CLI::App* cmd = commands.add(
        *group, "mode",
        "Gets or sets the registry mode, global or of one subject (GET/PUT /mode[/{subject}]).\n"
        "Modes: READWRITE, READONLY, IMPORT (registrations with explicit ids).",
        "  sluice registry mode\n"
        "  sluice registry mode --set IMPORT --force");
    add_connection_options(cmd, o->conn);
    cmd->add_option("subject", o->subject, "The subject (omit for the global mode)");
    cmd->add_option("--set", o->set, "Set this mode");
    cmd->add_flag("--force", o->force, "Switch to IMPORT even if subjects exist");
    commands.set_runner(cmd, [o] { return run_mode(*o); });
  }
  {
    auto o = std::make_shared<DeleteOptions>();
    CLI::App* cmd = commands.add(
        *group, "delete",
        "Deletes a subject (DELETE /subjects/{subject}) or one version of it.\n"
        "Soft by default (ids stay readable); --permanent removes what was soft-deleted "
        "before. Prints the deleted version numbers.",
        "  sluice registry delete orders-value\n"
        "  sluice registry delete orders-value --permanent\n"
        "  sluice registry delete orders-value --version 2");
    add_connection_options(cmd, o->conn);
    cmd->add_option("subject", o->subject, "The subject")->required();
    cmd->add_option("--version", o->version, "Delete only this version (number or 'latest')");
    cmd->add_flag("--permanent", o->permanent, "Hard delete (after a soft delete)");
    commands.set_runner(cmd, [o] { return run_delete(*o); });
  }
  {
    auto o = std::make_shared<EncodeOptions>();
    CLI::App* cmd = commands.add(
        *group, "encode",
        "Encodes Avro JSON values (one per line) as Confluent-framed messages, one hex line "
        "each: 0x00, the 4-byte schema id, the Avro binary datum.\n"
        "The schema is registered under <topic>-value (or -key with --key) unless "
        "--no-register, which only looks it up.",
        "  echo '{\"id\": 1}' | sluice registry encode --topic users --schema user.avsc");
    add_connection_options(cmd, o->conn);
    cmd->add_option("--topic", o->topic, "Kafka topic (subject <topic>-value)")->required();
    cmd->add_option("--schema", o->schema, "Writer schema (file, '-' or JSON)")->required();
    cmd->add_option("input", o->input, "File of JSON values, one per line ('-' = stdin)");
    cmd->add_flag("--key", o->key, "Use the subject <topic>-key");
    cmd->add_flag("--no-register", o->no_register, "Look the schema up instead of registering");
    commands.set_runner(cmd, [o] { return run_encode(*o); });
  }
  {
    auto o = std::make_shared<DecodeOptions>();
    CLI::App* cmd = commands.add(
        *group, "decode",
        "Decodes Confluent-framed Avro messages (hex, one per line) to Avro JSON.\n"
        "Fetches each writer schema by id and, with --reader, resolves it to that schema.",
        "  sluice registry encode --topic users --schema user.avsc in.json | \\\n"
        "    sluice registry decode --reader user-v2.avsc");
    add_connection_options(cmd, o->conn);
    cmd->add_option("--reader", o->reader, "Reader schema (default: the writer's)");
    cmd->add_option("input", o->input, "File of hex messages, one per line ('-' = stdin)");
    cmd->add_flag("--with-id", o->with_id, "Print {\"schema_id\": N, \"value\": ...}");
    commands.set_runner(cmd, [o] { return run_decode(*o); });
  }
}

}  // namespace sluice::cli
