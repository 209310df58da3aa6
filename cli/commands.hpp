// The kafka-model subcommands. Each registers itself on the CLI11 app and
// returns the process exit code through the shared `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace kafka_model::cli {

// Exit codes (see README): 0 every requested guarantee holds; 1 a guarantee is
// violated; 2 bad input or usage; 3 Kafka itself would refuse the configuration.
enum ExitCode : int { kOk = 0, kViolated = 1, kBadInput = 2, kKafkaRefuses = 3 };

void add_diagrams_command(CLI::App& app, int& exit_code);

}  // namespace kafka_model::cli
