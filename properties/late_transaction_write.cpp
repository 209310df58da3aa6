// late_transaction_write (late_transaction_write.hpp): by its evidence in the history.
#include "properties/late_transaction_write.hpp"

#include <fmt/core.h>

#include <map>

namespace kafka_model {

std::optional<std::string> late_transaction_write(const History& history) {
  std::map<std::pair<std::int32_t, std::int64_t>, std::size_t> marker;  // (partition, transaction) -> its marker step
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.transaction < 0) continue;
    if (s.kind == StepKind::MarkerWritten) marker.try_emplace({s.partition, s.transaction}, i);
    if (s.kind != StepKind::BatchAppended) continue;
    const auto before = marker.find({s.partition, s.transaction});
    if (before == marker.end()) continue;
    const Step& m = history.steps[before->second];
    return fmt::format("batch {} of transaction {} (producer {}, epoch {}) was appended at p{} offset {} (step {}) "
                       "after that transaction's {} at offset {} (step {}): a late write of an ended transaction",
                       s.batch, s.transaction, s.producer_id, s.producer_epoch, s.partition, s.offset, i + 1,
                       m.detail, m.offset, before->second + 1);
  }
  return std::nullopt;
}

}  // namespace kafka_model
