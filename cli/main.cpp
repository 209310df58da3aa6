// kafka-model: ask a Kafka producer configuration which delivery guarantees
// hold, answered by simulation and search.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kafka-model: an executable, checked model of Kafka's producer delivery guarantees"};
  app.require_subcommand(1);
  int exit_code = kafka_model::cli::kOk;
  kafka_model::cli::add_diagrams_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kafka_model::cli::kBadInput;
  }
  return exit_code;
}
