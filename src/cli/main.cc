// The sluice command-line tool: one binary, one subcommand per capability.
//
// Every failure ends as one line on stderr, "sluice: error: <what and where>", and a
// non-zero exit (2 for wrong usage, 1 for bad input or a failed operation). CLI11
// parse errors are caught here; nothing escapes as an uncaught exception.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cctype>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/registry_commands.h"

namespace sluice::cli {
namespace {

// Error text on one line, whatever the message contains.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

void print_error(const std::string& message) {
  std::fflush(stdout);
  std::fputs(fmt::format("sluice: error: {}\n", one_line(message)).c_str(), stderr);
}

// CLI11's message, made specific for a missing or unknown subcommand: "sluice avro:
// unknown command 'frobnicate' (commands: canonical, fingerprint, ...)".
std::string describe_parse_error(CLI::App& app, const CLI::ParseError& e) {
  std::string what = e.what();
  if (what.find("subcommand") == std::string::npos) return what;
  CLI::App* deepest = &app;
  std::string path = app.get_name();
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (CLI::App* sub : deepest->get_subcommands({})) {
      if (sub->parsed()) {
        deepest = sub;
        path += " " + sub->get_name();
        deeper = true;
        break;
      }
    }
  }
  std::string names;
  for (const CLI::App* sub : deepest->get_subcommands({})) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  std::vector<std::string> extra = deepest->remaining();
  if (!extra.empty()) {
    return fmt::format("{}: unknown command '{}' (commands: {})", path, extra.front(), names);
  }
  return fmt::format("{}: a command is required (commands: {})", path, names);
}

// `text` wrapped at spaces so that no line passes `width` columns (a longer word
// stands alone), its own line breaks kept. The first line starts at column `indent`
// (the caller has written what precedes it); the others are indented by `indent`.
std::string wrap(const std::string& text, std::size_t width, std::size_t indent) {
  const std::string new_line = "\n" + std::string(indent, ' ');
  std::string out;
  std::size_t column = indent;
  bool line_empty = true;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == '\n') {
      out += new_line;
      column = indent;
      line_empty = true;
      ++pos;
      continue;
    }
    std::size_t end = text.find_first_of(" \n", pos);
    if (end == std::string::npos) end = text.size();
    std::size_t word = end - pos;
    if (!line_empty && column + 1 + word > width) {
      out += new_line;
      column = indent;
    } else if (!line_empty) {
      out += ' ';
      ++column;
    }
    out.append(text, pos, word);
    column += word;
    line_empty = false;
    pos = end;
    if (pos < text.size() && text[pos] == ' ') ++pos;
  }
  return out;
}

// The summary of a command in its group's list: the first sentence of its first line
// (the rest is in the command's own --help).
std::string summary_of(const std::string& description) {
  std::string line = description.substr(0, description.find('\n'));
  for (std::size_t at = line.find(". "); at != std::string::npos; at = line.find(". ", at + 1)) {
    // A sentence ends at ". " before a capital letter (not "e.g. x" or "1. 2").
    if (at + 2 < line.size() && std::isupper(static_cast<unsigned char>(line[at + 2])))
      return line.substr(0, at + 1);
  }
  return line;
}

// Help layout: a subcommand list shows the first sentence of each description,
// wrapped under the description column; a command's own help shows the whole
// description, wrapped to 90 columns.
class HelpFormatter : public CLI::Formatter {
 public:
  static constexpr std::size_t kWidth = 90;

  std::string make_subcommand(const CLI::App* sub) const override {
    std::string name = "  " + sub->get_display_name(true);
    std::size_t column = get_column_width();
    if (name.size() + 1 > column) name += "\n" + std::string(column, ' ');
    else name.resize(column, ' ');
    return name + wrap(summary_of(sub->get_description()), kWidth, column) + "\n";
  }
  std::string make_description(const CLI::App* app) const override {
    std::string text = app->get_description();
    if (text.empty()) return "";
    return wrap(text, kWidth, 0) + "\n\n";
  }
};

// CLI11 reads an argument written "[a,b]" as a list of values, which would cut an inline
// JSON array (a union schema, or ingest's array of records) at its commas. A trailing
// space keeps such an argument whole; JSON parsing ignores it. Only arguments that look
// like JSON arrays (holding a quote or a brace) are touched.
std::vector<char*> keep_json_arrays_whole(int argc, char** argv, std::vector<std::string>& storage) {
  storage.assign(argv, argv + argc);
  std::vector<char*> out;
  for (std::string& arg : storage) {
    if (arg.size() >= 2 && arg.front() == '[' && arg.back() == ']' &&
        arg.find_first_of("\"{") != std::string::npos)
      arg += ' ';
    out.push_back(arg.data());
  }
  return out;
}

int run(int argc, char** argv) {
  CLI::App app{
      "sluice: schema-governed event streams (Avro, registry, Kafka pipelines).\n"
      "Run `sluice <command> --help` for the options of each command."};
  app.name("sluice");
  app.formatter(std::make_shared<HelpFormatter>());
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  sluice demo\n"
      "  sluice avro --help\n"
      "  sluice avro canonical '{\"type\":\"fixed\",\"name\":\"md5\",\"size\":16}'");
  Registry registry;
  add_avro_commands(app, registry);
  add_demo_command(app, registry);
  add_registry_commands(app, registry);
  add_ingest_command(app, registry);
  add_movies_commands(app, registry);
  add_kafka_commands(app, registry);
  add_artifact_commands(app, registry);

  try {
    std::vector<std::string> storage;
    std::vector<char*> args = keep_json_arrays_whole(argc, argv, storage);
    app.parse(argc, args.data());
  } catch (const CLI::ParseError& e) {
    // --help and --help-all are "errors" with exit code 0: print the help.
    if (e.get_exit_code() == 0) return app.exit(e);
    print_error(fmt::format("{} (run with --help for usage)", describe_parse_error(app, e)));
    return kExitUsage;
  }

  const Runner* runner = registry.selected();
  if (runner == nullptr) {
    print_error("no command given (run with --help for usage)");
    return kExitUsage;
  }
  Result<int> result = (*runner)();
  std::fflush(stdout);
  if (result) return *result;
  print_error(result.error().to_string());
  return result.error().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

}  // namespace

CLI::App* Registry::add(CLI::App& parent, const std::string& name, const std::string& description,
                        const std::string& example) {
  CLI::App* command = parent.add_subcommand(name, description);
  command->footer("Example:\n" + example);
  return command;
}

void Registry::set_runner(CLI::App* command, Runner runner) {
  runners_.emplace_back(command, std::move(runner));
}

const Runner* Registry::selected() const {
  for (const auto& [command, runner] : runners_) {
    if (command->parsed()) return &runner;
  }
  return nullptr;
}

Error usage_error(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}

Error in_context(const Error& error, std::string_view where) {
  Error out(error.code(), fmt::format("{}: {}", where, error.to_string()));
  return out;
}

}  // namespace sluice::cli

int main(int argc, char** argv) {
  try {
    return sluice::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "sluice: error: internal error: %s\n", e.what());
  } catch (...) {
    std::fflush(stdout);
    std::fprintf(stderr, "sluice: error: internal error\n");
  }
  return sluice::cli::kExitFailure;
}
