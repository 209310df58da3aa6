// Which modelled rules a Kafka release runs (statemachines/kafka_version.hpp).
// The boundaries, from apache/kafka's history:
//   - 3.0 made enable.idempotence default to true (KIP-679), but 3.0.0 and
//     3.1.0 applied the default only when the user set the key
//     (ProducerConfig.idempotenceEnabled at tag 3.1.0 reads
//     `userConfiguredIdempotence && getBoolean(...)`); KAFKA-13598 fixed it
//     in 3.0.1, 3.1.1 and 3.2.0. So 3.0.0 and 3.1.0 run 2.8's rules.
//   - retry.backoff.max.ms (KIP-580, KAFKA-9800) exists from 3.7.0.
//   - 4.1 to 4.3 run 4.0's rules (docs/model.md, "Kafka 4.1 to 4.3").
#include "cli/kafka_release.hpp"

#include <fmt/core.h>

#include <charconv>
#include <vector>

namespace kafka_model::cli {
namespace {

// "3.9.0" -> {3, 9, 0}; "3.5" -> {3, 5}; false on anything but 1 to 3 dot-separated numbers
// (a suffix such as "-rc3" is allowed and ignored).
bool split_release(const std::string& text, std::vector<int>& parts) {
  std::string core = text.substr(0, text.find('-'));
  const char* p = core.data();
  const char* end = p + core.size();
  while (p < end) {
    int n = 0;
    const auto [next, ec] = std::from_chars(p, end, n);
    if (ec != std::errc() || next == p) return false;
    parts.push_back(n);
    p = next;
    if (p == end) break;
    if (*p != '.' || p + 1 == end) return false;
    ++p;
  }
  return !parts.empty() && parts.size() <= 3;
}

}  // namespace

KafkaReleaseParse parse_kafka_release(const std::string& text) {
  if (const auto exact = parse_kafka_version(text)) return {KafkaRelease{*exact, text, ""}, ""};
  std::vector<int> v;
  if (!split_release(text, v))
    return {std::nullopt, fmt::format("--kafka-version '{}': not a Kafka release (write it as 3.5 or 3.9.0; "
                                      "modelled rules: {})",
                                      text, kKnownKafkaVersions)};
  const int major = v[0];
  const int minor = v.size() > 1 ? v[1] : 0;
  const bool has_patch = v.size() > 2;
  const int patch = has_patch ? v[2] : 0;
  auto uses = [&](KafkaVersion rules, const std::string& why) {
    return KafkaReleaseParse{
        KafkaRelease{rules, text, fmt::format("Kafka {} runs the model's {} rules: {}", text, to_string(rules), why)},
        ""};
  };
  if (major < 2)
    return {std::nullopt, fmt::format("--kafka-version '{}': older than the oldest modelled rules (2.8); the "
                                      "producer's rules before 2.0 differ too much to stand in for it",
                                      text)};
  if (major == 2)
    return uses(KafkaVersion::V2_8,
                minor == 8 ? "the same release line"
                           : "the oldest modelled line; releases before 2.8 differ in details the model simulates "
                             "(KIP-360's epoch bump is 2.5+), so read the verdicts as 2.8's");
  if (major == 3) {
    if ((minor == 0 || minor == 1) && has_patch && patch == 0)
      return uses(KafkaVersion::V2_8,
                  "3.0.0 and 3.1.0 apply enable.idempotence's default (true) only when the key is set "
                  "(KAFKA-13598, fixed in 3.0.1, 3.1.1, 3.2.0), which is 2.8's behaviour");
    std::string why = minor == 9 ? "the same release line" : "the 3.x line's rules";
    if (minor < 2)
      why += fmt::format("; note that {}.{}.0 did not apply enable.idempotence's default (KAFKA-13598): pass "
                         "{}.{}.0 for it",
                         major, minor, major, minor);
    if (minor < 7) why += "; retry.backoff.max.ms (KIP-580) only exists from 3.7, earlier releases back off "
                          "retry.backoff.ms exactly";
    return uses(KafkaVersion::V3_9, why);
  }
  if (major == 4 && minor < 3)
    return uses(KafkaVersion::V4_0, minor == 0 ? "the same release line"
                                               : "nothing the model simulates changed in 4.1 or 4.2");
  if (major == 4 && minor == 3) return uses(KafkaVersion::V4_3, "the same release line");
  return uses(KafkaVersion::V4_3,
              "newer than the newest modelled release (4.3): changes after 4.3 are not modelled (4.5's partial fix "
              "for the first-batch race is the what-if knob model.reject.nonzero.first.sequence.on.empty.partition)");
}

}  // namespace kafka_model::cli
