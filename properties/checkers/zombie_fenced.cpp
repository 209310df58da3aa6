// zombie_fenced: once InitProducerId has handed a transactional.id's producer
// id a newer epoch (a new instance's initTransactions, an epoch bump), the
// older epoch is fenced: the coordinator commits no transaction under it
// (EndTxn with an older epoch is PRODUCER_FENCED, TransactionCoordinator
// .handleEndTransaction), and no batch of it written after the newer epoch
// existed reaches the consumer (the fence's ABORT marker moves the leader's
// epoch, ProducerAppendInfo.checkProducerEpoch refuses the old one). The
// instance whose requests are still on the wire after a restart is the
// zombie (KIP-98).
#include <fmt/core.h>

#include <map>

#include "properties/checkers/log_view.hpp"
#include "properties/checkers/transaction_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {
namespace {

// The newest epoch InitProducerId had handed `pid` before step `before`, and that step (-1, none).
std::pair<std::int32_t, std::int64_t> newest_epoch(const History& history, std::int64_t pid, std::size_t before) {
  std::pair<std::int32_t, std::int64_t> out{-1, -1};
  for (std::size_t i = 0; i < before && i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.kind == StepKind::ProducerIdAssigned && s.producer_id == pid && s.producer_epoch > out.first)
      out = {s.producer_epoch, static_cast<std::int64_t>(i)};
  }
  return out;
}

Anomaly zombie(const Step& s, std::size_t step, std::size_t fenced_by, std::string summary) {
  Anomaly a;
  a.guarantee = "zombie_fenced";
  a.kind = "zombie-write";
  a.partition = s.partition;
  a.producer_id = s.producer_id;
  a.instance = s.instance;
  if (s.send >= 0) a.sends = {s.send};
  if (s.record >= 0) a.records = {s.record};
  if (s.offset >= 0) a.offsets = {s.offset};
  a.steps = {fenced_by, step};
  a.summary = std::move(summary);
  return a;
}

}  // namespace

std::vector<Anomaly> check_zombie_fenced(const History& history) {
  const checkers::TransactionView txns = checkers::transactions_of(history);
  if (!txns.any()) return {};
  std::vector<Anomaly> out;
  // A commit decided under a fenced epoch.
  for (const auto& [txn, step] : txns.decided) {
    if (!txns.committed.at(txn)) continue;
    const Step& s = history.steps[step];
    const auto [newest, at] = newest_epoch(history, s.producer_id, step);
    if (at < 0 || s.producer_epoch >= newest) continue;
    Anomaly a = zombie(s, step, static_cast<std::size_t>(at),
                       fmt::format("transaction {} of producer {} was committed under epoch {} after InitProducerId "
                                   "had handed out epoch {}",
                                   txn, s.producer_id, s.producer_epoch, newest));
    checkers::sort_steps(a.steps);
    out.push_back(std::move(a));
  }
  // A fenced epoch's batch, appended after the newer epoch existed, in the consumer's log (not aborted).
  std::map<std::pair<std::int32_t, std::int64_t>, std::size_t> appended;  // (partition, batch) -> its last append
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.kind == StepKind::BatchAppended && s.producer_id >= 0) appended[{s.partition, s.batch}] = i;
  }
  for (std::size_t i : checkers::final_log(history)) {
    const Step& read = history.steps[i];
    if (read.producer_id < 0) continue;
    const std::int64_t txn = checkers::transaction_of_read(txns, read);
    if (txn < 0) continue;
    if (auto d = txns.committed.find(txn); d != txns.committed.end() && !d->second) continue;  // aborted
    auto append = appended.find({read.partition, read.batch});
    if (append == appended.end()) continue;
    const auto [newest, at] = newest_epoch(history, read.producer_id, append->second);
    if (at < 0 || read.producer_epoch >= newest) continue;
    Anomaly a = zombie(read, i, static_cast<std::size_t>(at),
                       fmt::format("{} at p{} offset {} was written by producer {} under epoch {} after InitProducerId "
                                   "had handed out epoch {}, and the {} consumer returned it",
                                   checkers::send_text(read.send, read.record), read.partition, read.offset,
                                   read.producer_id, read.producer_epoch, newest, checkers::isolation_of(history)));
    a.steps.push_back(append->second);
    checkers::sort_steps(a.steps);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace kafka_model
