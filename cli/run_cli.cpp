// The command line: every subcommand registered on one CLI11 app. A usage
// error is exit 2, like every other bad input.
#include <CLI/CLI.hpp>

#include <fmt/core.h>

#include <algorithm>

#include "cli/commands.hpp"
#include "cli/text_util.hpp"
#include "statemachines/kafka_version.hpp"

namespace kafka_model::cli {

int run_cli(int argc, char** argv) {
  CLI::App app{"kafka-model: an executable, checked model of Kafka's producer delivery guarantees"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string("kafka-model ") + KAFKA_MODEL_VERSION + " (models the rules of Kafka " +
                           kKnownKafkaVersions + "; --kafka-version takes any release)");
  int exit_code = kOk;
  add_check_command(app, exit_code);
  add_merge_command(app, exit_code);
  add_explore_command(app, exit_code);
  add_replay_commands(app, exit_code);
  add_transition_command(app, exit_code);
  add_diagrams_command(app, exit_code);
  // A mistyped command is named, with the nearest one.
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  if (argc > 1 && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    fmt::print(stderr, "kafka-model: unknown command '{}' (commands: {}){}\n", escape_for_message(argv[1]), list,
               did_you_mean(argv[1], names));
    return kBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kBadInput;
  }
  return exit_code;
}

}  // namespace kafka_model::cli
