// The kafka-model subcommands. Each registers itself on the CLI11 app and
// returns the process exit code through the shared `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace kafka_model::cli {

// Exit codes (see README), for a CI job: 0 every required guarantee holds;
// 1 a required guarantee is violated; 2 bad input or usage; 3 Kafka itself
// would refuse the configuration; 4 a guarantee Kafka promises for this
// configuration is violated and the violation is none of its known
// exceptions (a bug in Kafka or in the model: worth an alarm, whatever was
// required); 5 a required guarantee was never exercised (no send was
// acknowledged in any schedule, e.g. min.insync.replicas above the
// replication factor). When several apply: 4, then 1, then 5.
enum ExitCode : int {
  kOk = 0,
  kViolated = 1,
  kBadInput = 2,
  kKafkaRefuses = 3,
  kUnexpectedViolation = 4,
  kNotExercised = 5,
};

void add_diagrams_command(CLI::App& app, int& exit_code);
void add_check_command(CLI::App& app, int& exit_code);
void add_merge_command(CLI::App& app, int& exit_code);  // joins check --shard parts
void add_explore_command(CLI::App& app, int& exit_code);
void add_replay_commands(CLI::App& app, int& exit_code);  // replay, scenario, sequence
void add_transition_command(CLI::App& app, int& exit_code);

// The whole command line: parses argv, runs the chosen subcommand, returns the exit code.
int run_cli(int argc, char** argv);

}  // namespace kafka_model::cli
