// `sluice artifact`: see the description below; each subcommand is thin and calls its module.
#include "cli/command.h"

namespace sluice::cli {

void add_artifact_commands(CLI::App& app, Registry& registry) {
  (void)registry;
  CLI::App* group = app.add_subcommand("artifact", "Schemas as versioned artifacts: CMake packages holding generated C++ classes.");
  group->require_subcommand(1);
}

}  // namespace sluice::cli
