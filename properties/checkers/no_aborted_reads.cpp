// no_aborted_reads (Jepsen: G1a, aborted read): the consumer never returns a
// record of an aborted transaction. A read_committed consumer reads up to the
// last stable offset and skips an aborted transaction's batches
// (CompletedFetch with the fetch's abortedTransactions); a read_uncommitted
// one (Kafka's default isolation.level) returns them.
#include <fmt/core.h>

#include "properties/checkers/log_view.hpp"
#include "properties/checkers/transaction_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {

std::vector<Anomaly> check_no_aborted_reads(const History& history) {
  const checkers::TransactionView txns = checkers::transactions_of(history);
  if (!txns.any()) return {};
  const auto called = checkers::send_called_steps(history);
  const std::string isolation = checkers::isolation_of(history);
  std::vector<Anomaly> out;
  for (std::size_t i : checkers::final_log(history)) {
    const Step& read = history.steps[i];
    const std::int64_t txn = checkers::transaction_of_read(txns, read);
    auto decided = txns.committed.find(txn);
    if (decided == txns.committed.end() || decided->second) continue;
    Anomaly a = checkers::read_anomaly("no_aborted_reads", "G1a", read);
    if (auto it = called.find(read.send); it != called.end()) a.steps.push_back(it->second);
    a.steps.push_back(txns.decided.at(txn));
    a.steps.push_back(i);
    checkers::sort_steps(a.steps);
    a.summary = fmt::format("{} at p{} offset {} belongs to transaction {}, which the coordinator aborted "
                            "(PrepareAbort), yet the {} consumer returned it",
                            checkers::send_text(read.send, read.record), read.partition, read.offset, txn, isolation);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace kafka_model
