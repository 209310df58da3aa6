#include "cli/junit.hpp"

#include <fmt/core.h>

#include <fstream>

namespace kafka_model::cli {

std::string xml_escape(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) out += fmt::format("\\x{:02X}", c);
        else out += ch;
    }
  }
  return out;
}

namespace {

std::string verdict_line(const Verdict& v) {
  return fmt::format("{}: {} in {} schedule(s), {} acknowledged send(s); Kafka promises it: {}", v.guarantee,
                     verdict_name(v), v.schedules_explored, v.exercise.acknowledged, v.promise.promised ? "yes" : "no");
}

std::string detail(const Verdict& v) {
  std::string out = verdict_line(v) + "\n" + v.promise.why + "\n";
  if (v.counterexample) {
    for (const Anomaly& a : v.counterexample->anomalies) out += fmt::format("anomaly {}: {}\n", a.kind, a.summary);
    if (!v.counterexample->replay_file.empty())
      out += fmt::format("replay: kafka-model replay {}\n", v.counterexample->replay_file);
  }
  if (!v.remedy.empty()) out += fmt::format("remedy: {}\n", v.remedy);
  return out;
}

}  // namespace

std::string render_junit(const Report& r, const std::string& suite_name) {
  int failures = 0, errors = 0, skipped = 0;
  std::string cases;
  if (r.config_error) {
    ++failures;
    cases += fmt::format("    <testcase classname=\"kafka-model.check\" name=\"configuration\">\n"
                         "      <failure type=\"kafka-refuses\" message=\"{}\"/>\n    </testcase>\n",
                         xml_escape("Kafka refuses this configuration: " + *r.config_error));
  }
  for (const Verdict& v : r.verdicts) {
    std::string body;
    if (unexpected_violation(v)) {
      ++errors;
      body = fmt::format("      <error type=\"promised-but-violated\" message=\"{}\">{}</error>\n",
                         xml_escape(v.guarantee + ": Kafka promises it and it is violated, by none of the known "
                                    "exceptions: a bug in Kafka or in the model"),
                         xml_escape(detail(v)));
    } else if (v.required && v.violated) {
      ++failures;
      body = fmt::format("      <failure type=\"violated\" message=\"{}\">{}</failure>\n",
                         xml_escape(v.guarantee + ": required and violated"), xml_escape(detail(v)));
    } else if (v.required && !exercised(v)) {
      ++failures;
      body = fmt::format("      <failure type=\"not-exercised\" message=\"{}\">{}</failure>\n",
                         xml_escape(v.guarantee + ": required but no send was acknowledged in any schedule"),
                         xml_escape(detail(v)));
    } else if (!v.required) {
      ++skipped;
      body = fmt::format("      <skipped message=\"{}\"/>\n", xml_escape("not required: " + verdict_line(v)));
    } else {
      body = fmt::format("      <system-out>{}</system-out>\n", xml_escape(detail(v)));
    }
    cases += fmt::format("    <testcase classname=\"kafka-model.check\" name=\"{}\">\n{}    </testcase>\n",
                         xml_escape(v.guarantee), body);
  }
  const int tests = static_cast<int>(r.verdicts.size()) + (r.config_error ? 1 : 0);
  const std::string name = xml_escape(fmt::format("kafka-model check {} (Kafka {})", suite_name, to_string(r.version)));
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"kafka-model\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\" skipped=\"{3}\">\n"
      "  <testsuite name=\"{4}\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\" skipped=\"{3}\">\n{5}"
      "  </testsuite>\n</testsuites>\n",
      tests, failures, errors, skipped, name, cases);
}

bool write_junit(const std::string& path, const Report& report, const std::string& suite_name) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << render_junit(report, suite_name);
  return static_cast<bool>(out);
}

}  // namespace kafka_model::cli
