// The kafka-model subcommands. Each registers itself on the CLI11 app and
// returns the process exit code through the shared `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace kafka_model::cli {

// Exit codes (see README): 0 every requested guarantee holds; 1 a guarantee is
// violated; 2 bad input or usage; 3 Kafka itself would refuse the configuration.
enum ExitCode : int { kOk = 0, kViolated = 1, kBadInput = 2, kKafkaRefuses = 3 };

void add_diagrams_command(CLI::App& app, int& exit_code);
void add_check_command(CLI::App& app, int& exit_code);
void add_explore_command(CLI::App& app, int& exit_code);
void add_replay_commands(CLI::App& app, int& exit_code);  // replay, scenario, sequence
void add_transition_command(CLI::App& app, int& exit_code);

// The whole command line: parses argv, runs the chosen subcommand, returns the exit code.
int run_cli(int argc, char** argv);

}  // namespace kafka_model::cli
