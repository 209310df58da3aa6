// last_stable_offset_advances: once faults heal, no transaction stays open on
// a partition forever. A partition's open transaction that no marker will end
// (the coordinator is done with it) holds its last stable offset back for
// good, and read_committed consumers read nothing past it: a hanging
// transaction (KAFKA-14053: a produce request of a transaction landing after
// that transaction's marker, Transactions V1; KIP-890).
#include <fmt/core.h>

#include "properties/checkers/log_view.hpp"
#include "properties/checkers/transaction_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {

std::vector<Anomaly> check_last_stable_offset_advances(const History& history) {
  std::vector<Anomaly> out;
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.kind != StepKind::TransactionHanging) continue;
    Anomaly a;
    a.guarantee = "last_stable_offset_advances";
    a.kind = "hanging-transaction";
    a.partition = s.partition;
    a.offsets = {s.offset};
    a.producer_id = s.producer_id;
    // The batch that opened it, and the markers of that producer on the partition before it.
    for (std::size_t j = 0; j < i; ++j) {
      const Step& t = history.steps[j];
      if (t.partition != s.partition || t.producer_id != s.producer_id) continue;
      if ((t.kind == StepKind::BatchAppended && t.offset == s.offset) || t.kind == StepKind::MarkerWritten)
        a.steps.push_back(j);
      if (t.kind == StepKind::BatchAppended && t.offset == s.offset && t.instance >= 0) a.instance = t.instance;
    }
    a.steps.push_back(i);
    checkers::sort_steps(a.steps);
    a.summary = fmt::format("p{} holds an open transaction of producer {} from offset {} (epoch {}{}) that no "
                            "marker will end: {}",
                            s.partition, s.producer_id, s.offset, s.producer_epoch,
                            s.transaction >= 0 ? fmt::format(", written in transaction {}", s.transaction) : "",
                            s.detail);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace kafka_model
