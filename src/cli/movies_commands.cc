// `sluice movies`: see the description below; each subcommand is thin and calls its module.
#include "cli/command.h"

namespace sluice::cli {

void add_movies_commands(CLI::App& app, Registry& registry) {
  (void)registry;
  CLI::App* group = app.add_subcommand("movies", "The movie-streaming domain: realistic traffic simulation and its event schemas.");
  group->require_subcommand(1);
}

}  // namespace sluice::cli
