// no_out_of_order_for_written_batch (kind: spurious-out-of-order): the leader
// never refuses a batch as OUT_OF_ORDER_SEQUENCE_NUMBER when that batch is
// already in the partition's log. A retry of a written batch must be
// recognised as a duplicate: UnifiedLog.analyzeAndValidateProducerState asks
// ProducerStateEntry.findDuplicateBatch, which looks among the last
// NUM_BATCHES_TO_RETAIN (5) batches of the producer; a written batch that
// fell out of that cache reaches ProducerAppendInfo.checkSequence instead and
// is refused as out of order (KAFKA-5494: why max.in.flight.requests.per.connection
// is at most 5 with idempotence). A diagnostic, not a promise to the
// application: the refusal is what then leads the idempotent producer to bump
// its epoch and write the batch again (TransactionManager.canRetry, KIP-360),
// a duplicate no_duplicates_within_session reports. bench/spin/ checks the
// same property in SPIN.
//
// "In the log": an earlier BatchAppended of the same partition, producer id
// and batch, at an offset no later LogTruncated of that partition cut away
// (conservatively: a truncation on any replica forgets it).
#include <fmt/core.h>

#include <map>
#include <tuple>

#include "properties/guarantee.hpp"

namespace kafka_model {

std::vector<Anomaly> check_no_out_of_order_for_written_batch(const History& history) {
  // (partition, producer id, batch) -> (offset, BatchAppended step)
  std::map<std::tuple<std::int32_t, std::int64_t, std::int64_t>, std::pair<std::int64_t, std::size_t>> written;
  std::vector<Anomaly> out;
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    const auto key = std::make_tuple(s.partition, s.producer_id, s.batch);
    if (s.kind == StepKind::BatchAppended && s.producer_id >= 0) {
      written.try_emplace(key, s.offset, i);
    } else if (s.kind == StepKind::LogTruncated) {
      std::erase_if(written, [&](const auto& w) {
        return std::get<0>(w.first) == s.partition && w.second.first >= s.offset;
      });
    } else if (s.kind == StepKind::ProduceRejected && s.error == Errors::OUT_OF_ORDER_SEQUENCE_NUMBER) {
      const auto it = written.find(key);
      if (it == written.end()) continue;
      Anomaly a;
      a.guarantee = "no_out_of_order_for_written_batch";
      a.kind = "spurious-out-of-order";
      a.partition = s.partition;
      a.producer_id = s.producer_id;
      a.instance = history.steps[it->second.second].instance;
      a.offsets = {it->second.first};
      a.steps = {it->second.second, i};
      a.summary = fmt::format(
          "{} refused batch {} (producer {}, epoch {}, seq {}) as OUT_OF_ORDER_SEQUENCE_NUMBER, but it is already in "
          "p{} at offset {}: the leader no longer caches it",
          to_string(s.node), s.batch, s.producer_id, s.producer_epoch, s.sequence, s.partition, it->second.first);
      out.push_back(std::move(a));
    }
  }
  return out;
}

}  // namespace kafka_model
