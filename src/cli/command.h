// How `sluice` subcommands plug into main: each one registers its CLI11 options and
// a Runner; main parses the command line, runs the chosen Runner, and turns its
// result into an exit code and at most one line on stderr.
//
//   auto opts = std::make_shared<CanonicalOptions>();
//   CLI::App* cmd = registry.add(avro, "canonical", "Prints the canonical form.",
//                                "sluice avro canonical user.avsc");
//   cmd->add_option("schema", opts->schema, "...")->required();
//   registry.set_runner(cmd, [opts] { return run_canonical(*opts); });
//
// Exit codes: 0 success, 1 bad input or a failed operation (or "incompatible" for
// `avro compat`), 2 wrong usage. A Runner returns an Error for failures; main prints
// "sluice: error: <Error::to_string()>" and exits 2 for kInvalidArgument (a bad
// option value), 1 otherwise.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace sluice::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// A parsed subcommand's work: the exit code, or an Error to report.
using Runner = std::function<Result<int>()>;

class Registry {
 public:
  // Adds subcommand `name` under `parent`. `description` is the help text's first
  // paragraph; `example` (one or more command lines) becomes the help footer.
  CLI::App* add(CLI::App& parent, const std::string& name, const std::string& description,
                const std::string& example);
  void set_runner(CLI::App* command, Runner runner);
  // The Runner of the deepest subcommand the user chose, or nullptr.
  const Runner* selected() const;

 private:
  std::vector<std::pair<CLI::App*, Runner>> runners_;
};

// An Error for a bad option value or argument combination (exit code 2).
Error usage_error(std::string message);

// `error` with `where` (a file name, an option) put in front of its message:
// "in.jsonl: line 3: userId: expected string".
Error in_context(const Error& error, std::string_view where);

// Subcommand groups (one file each).
void add_avro_commands(CLI::App& app, Registry& registry);
void add_demo_command(CLI::App& app, Registry& registry);
void add_ingest_command(CLI::App& app, Registry& registry);     // ingest_command.cc
void add_movies_commands(CLI::App& app, Registry& registry);    // movies_commands.cc
void add_kafka_commands(CLI::App& app, Registry& registry);     // kafka_commands.cc
void add_artifact_commands(CLI::App& app, Registry& registry);  // artifact_commands.cc

}  // namespace sluice::cli
