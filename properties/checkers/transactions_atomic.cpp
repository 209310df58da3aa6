// transactions_atomic: the consumer sees all of a committed transaction or
// none of it, and never a record of a transaction the coordinator has not
// decided (an open, hanging or never-ended one). Kafka's promise for
// read_committed (KIP-98: the consumer reads up to the last stable offset);
// the final read is after faults heal, so a committed transaction's records
// are all below the LSO unless an earlier transaction still holds it back
// (then none of them is read).
#include <fmt/core.h>

#include <set>

#include "properties/checkers/log_view.hpp"
#include "properties/checkers/transaction_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {

std::vector<Anomaly> check_transactions_atomic(const History& history) {
  const checkers::TransactionView txns = checkers::transactions_of(history);
  if (!txns.any()) return {};
  const auto called = checkers::send_called_steps(history);
  const std::string isolation = checkers::isolation_of(history);
  std::map<std::int64_t, std::set<std::int64_t>> seen;  // transaction -> sends read
  std::map<std::int64_t, std::size_t> first_read;        // transaction -> its first read step
  std::vector<Anomaly> out;
  for (std::size_t i : checkers::final_log(history)) {
    const Step& read = history.steps[i];
    const std::int64_t txn = checkers::transaction_of_read(txns, read);
    if (txn < 0) continue;
    seen[txn].insert(read.send);
    first_read.try_emplace(txn, i);
    if (txns.decided.contains(txn)) continue;
    Anomaly a = checkers::read_anomaly("transactions_atomic", "torn-transaction", read);
    if (auto it = called.find(read.send); it != called.end()) a.steps.push_back(it->second);
    a.steps.push_back(i);
    checkers::sort_steps(a.steps);
    a.summary = fmt::format("{} at p{} offset {} belongs to transaction {}, which the coordinator never decided "
                            "(still open), yet the {} consumer returned it",
                            checkers::send_text(read.send, read.record), read.partition, read.offset, txn, isolation);
    out.push_back(std::move(a));
  }
  for (const auto& [txn, sends] : txns.sends) {
    auto decided = txns.committed.find(txn);
    if (decided == txns.committed.end() || !decided->second) continue;
    const std::set<std::int64_t>& read = seen[txn];
    if (read.empty() || read.size() == std::set<std::int64_t>(sends.begin(), sends.end()).size()) continue;
    std::vector<std::int64_t> missing, present;
    for (std::int64_t send : sends) (read.contains(send) ? present : missing).push_back(send);
    Anomaly a;
    a.guarantee = "transactions_atomic";
    a.kind = "torn-transaction";
    a.sends = sends;
    for (std::int64_t send : sends)
      if (auto it = called.find(send); it != called.end()) {
        a.records.push_back(history.steps[it->second].record);
        a.steps.push_back(it->second);
        if (a.partition < 0) a.partition = history.steps[it->second].partition;
      }
    a.steps.push_back(txns.decided.at(txn));
    a.steps.push_back(first_read.at(txn));
    checkers::sort_steps(a.steps);
    a.summary = fmt::format("committed transaction {} is read in part by the {} consumer: sends {} are in the "
                            "log, sends {} are not",
                            txn, isolation, checkers::join_and(present), checkers::join_and(missing));
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace kafka_model
