#include "properties/known_races.hpp"

#include <fmt/core.h>

#include <map>
#include <set>
#include <utility>

namespace kafka_model {

std::optional<std::string> first_batch_race(const History& history) {
  // (broker, partition, producer id) seen appending; epochs start at 0, so the
  // first append of a session's epoch 0 at a non-zero sequence is the sign.
  std::set<std::tuple<std::int32_t, std::int32_t, std::int64_t>> seen;
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.kind != StepKind::BatchAppended || s.producer_id < 0) continue;
    const std::int32_t broker = s.node.rfind("broker-", 0) == 0 ? std::stoi(s.node.substr(7)) : -1;
    if (!seen.insert({broker, s.partition, s.producer_id}).second) continue;
    if (s.producer_epoch == 0 && s.sequence > 0)
      return fmt::format(
          "step {}: {} wrote producer {}'s first batch on p{} at sequence {}, accepting it from a producer it had no "
          "state for; the earlier, refused batch can then only be retried into OUT_OF_ORDER_SEQUENCE_NUMBER and an "
          "epoch bump (the first-batch race, docs/model.md)",
          i + 1, s.node, s.producer_id, s.partition, s.sequence);
  }
  return std::nullopt;
}

}  // namespace kafka_model
