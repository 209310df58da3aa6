// `check --junit FILE`: the verdicts as JUnit XML, one <testcase> per
// guarantee, so a CI system shows them as tests. A required guarantee that is
// violated (or never exercised) is a <failure>; a violation of a promised
// guarantee that is none of Kafka's known exceptions is an <error> (a bug in
// Kafka or the model); a guarantee that is not required is <skipped> with its
// verdict in the message; a configuration Kafka refuses is one failing case.
#pragma once

#include <string>

#include "cli/report.hpp"

namespace kafka_model::cli {

std::string render_junit(const Report& report, const std::string& suite_name);

// Writes render_junit to `path`; false when the file cannot be written.
bool write_junit(const std::string& path, const Report& report, const std::string& suite_name);

// XML 1.0 text: & < > " ' escaped, control characters XML cannot carry written as "\xNN".
std::string xml_escape(const std::string& text);

}  // namespace kafka_model::cli
