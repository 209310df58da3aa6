#include "cli/check_output.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "cli/commands.hpp"
#include "cli/html_report.hpp"
#include "cli/junit.hpp"

namespace kafka_model::cli {

int emit_report(const Report& report, const std::string& header, const std::string& junit_suite,
                const ReportOutputs& outputs, const char* command) {
  fmt::print("{}", outputs.json ? render_json(report) : header + render_text(report));
  if (!outputs.html_file.empty() && !write_html(outputs.html_file, report, "kafka-model check", header))
    fmt::print(stderr, "kafka-model {}: --html '{}': cannot write the file\n", command, outputs.html_file);
  if (report.config_error) {  // Kafka's own ConfigException: the producer would not start
    if (!outputs.junit_file.empty()) write_junit(outputs.junit_file, report, junit_suite);
    return kKafkaRefuses;
  }
  if (!outputs.junit_file.empty() && !write_junit(outputs.junit_file, report, junit_suite)) {
    fmt::print(stderr, "kafka-model {}: --junit '{}': cannot write the file\n", command, outputs.junit_file);
    return kBadInput;
  }
  return exit_code_for(report);
}

int bad_input(const char* command, bool json, const std::string& message, const std::vector<std::string>& all) {
  fmt::print(stderr, "kafka-model {}: {}\n", command, message);
  if (json) {
    nlohmann::ordered_json j;
    j["error"] = message;
    j["errors"] = all.empty() ? std::vector<std::string>{message} : all;
    j["exit_code"] = static_cast<int>(kBadInput);
    fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
  return kBadInput;
}

bool prepare_out_dir(const char* command, const std::string& dir, const std::vector<std::string>& guarantees) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path existing = fs::absolute(dir, ec);
  while (!existing.empty() && !fs::exists(existing, ec) && existing != existing.parent_path())
    existing = existing.parent_path();
  const bool usable = fs::is_directory(existing, ec) && access(existing.c_str(), W_OK | X_OK) == 0;
  if (!usable || (fs::exists(dir, ec) && !fs::is_directory(dir, ec))) {
    fmt::print(stderr, "kafka-model {}: --out '{}': not a directory that can be created or written\n", command, dir);
    return false;
  }
  for (const std::string& g : guarantees) fs::remove(fs::path(dir) / (g + ".json"), ec);
  return true;
}

}  // namespace kafka_model::cli
