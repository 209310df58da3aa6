// What `check` and `merge` share after the search: the replay directory,
// usage errors, and printing a report with its --junit/--html files and
// exit code, so a merge of shards ends exactly as a single check does.
#pragma once

#include <string>
#include <vector>

#include "cli/report.hpp"

namespace kafka_model::cli {

struct ReportOutputs {
  bool json = false;
  std::string junit_file;  // "" = none
  std::string html_file;   // "" = none
};

// Prints the report (`header` then the text, or the JSON object), writes
// the --junit and --html files, and returns the exit code (README): 3 when
// Kafka refuses the configuration, 2 when the JUnit file cannot be written.
// `command` names the subcommand in messages ("check", "merge").
int emit_report(const Report& report, const std::string& header, const std::string& junit_suite,
                const ReportOutputs& outputs, const char* command);

// A usage error: on stderr, and as JSON on stdout with --json so a tool
// reading stdout sees it too. Returns kBadInput.
int bad_input(const char* command, bool json, const std::string& message, const std::vector<std::string>& all = {});

// The replay directory must be usable before minutes of search are spent,
// but is only created when a counterexample is written into it. A replay
// file this run would write that is left from an earlier run is removed, so
// the directory never mixes an old counterexample with new verdicts.
bool prepare_out_dir(const char* command, const std::string& dir, const std::vector<std::string>& guarantees);

}  // namespace kafka_model::cli
