// kafka-model: ask a Kafka producer configuration which delivery guarantees
// hold, answered by simulation and search. The commands live in km_cli.
#include "cli/commands.hpp"

int main(int argc, char** argv) { return kafka_model::cli::run_cli(argc, argv); }
