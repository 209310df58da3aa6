// Transactions as the log records them (transaction_log.hpp). Sources:
// storage/.../internals/log/ProducerAppendInfo.java (appendDataBatch: the
// first transactional batch of a producer opens its transaction at its base
// offset; appendEndTxnMarker completes it), ProducerStateManager.java
// (ongoingTxns, unreplicatedTxns, firstUnstableOffset), UnifiedLog.scala
// (lastStableOffset, collectAbortedTransactions), and the consumer's
// CompletedFetch.nextFetchedRecord / consumeAbortedTransactionsUpTo /
// isBatchAborted / containsAbortMarker.
#include "model/transaction_log.hpp"

#include <algorithm>
#include <set>

namespace kafka_model {

void replay_into_producer_state(ProducerStateEntry& entry, const LogBatch& batch) {
  if (batch.is_control()) {
    entry.marker_written(static_cast<std::int16_t>(batch.producer_epoch));
  } else {
    entry.replicate_batch(static_cast<std::int16_t>(batch.producer_epoch), batch.base_sequence, batch.last_sequence,
                          batch.base_offset, batch.transactional);
  }
}

TransactionIndex index_transactions(const PartitionLog& log) {
  TransactionIndex index;
  for (const LogBatch& batch : log.batches) {
    if (batch.producer_id < 0) continue;
    if (batch.is_control()) {
      const auto open = index.ongoing.find(batch.producer_id);
      if (open == index.ongoing.end()) continue;  // a marker with nothing open: nothing to complete
      const AbortedTxn done{batch.producer_id, open->second, batch.base_offset};
      index.completed.push_back(done);
      if (batch.control == ControlType::Abort) index.aborted.push_back(done);
      index.ongoing.erase(open);
    } else if (batch.transactional) {
      index.ongoing.try_emplace(batch.producer_id, batch.base_offset);
    }
  }
  return index;
}

// A producer's transaction is open when a transactional batch of it follows
// its last marker (index_transactions ignores a marker with nothing open, and
// a non-transactional batch changes nothing).
bool has_ongoing_transaction(const PartitionLog& log, std::int64_t producer_id) {
  for (auto it = log.batches.rbegin(); it != log.batches.rend(); ++it) {
    if (it->producer_id != producer_id) continue;
    if (it->is_control()) return false;
    if (it->transactional) {
      // Open unless a marker of the producer follows it: none does (the scan
      // came from the end), so this batch, or an earlier one of the same
      // run of transactional batches, opened the transaction.
      return true;
    }
  }
  return false;
}

std::int64_t last_stable_offset(const PartitionLog& log, std::int64_t high_watermark) {
  const TransactionIndex index = index_transactions(log);
  std::int64_t first_unstable = high_watermark;
  for (const auto& [producer, first] : index.ongoing) first_unstable = std::min(first_unstable, first);
  for (const AbortedTxn& done : index.completed)
    if (done.last_offset >= high_watermark) first_unstable = std::min(first_unstable, done.first_offset);
  return std::min(first_unstable, high_watermark);
}

std::vector<ConsumedRecord> consume(const PartitionLog& log, std::int64_t high_watermark, bool read_committed) {
  const std::int64_t end = read_committed ? last_stable_offset(log, high_watermark) : high_watermark;
  // The fetch's abortedTransactions: those whose range overlaps what it returns
  // (UnifiedLog.collectAbortedTransactions), by first offset (the consumer's
  // PriorityQueue).
  std::vector<AbortedTxn> aborted;
  if (read_committed)
    for (const AbortedTxn& a : index_transactions(log).aborted)
      if (a.first_offset < end) aborted.push_back(a);
  std::stable_sort(aborted.begin(), aborted.end(),
                   [](const AbortedTxn& x, const AbortedTxn& y) { return x.first_offset < y.first_offset; });
  std::size_t next_aborted = 0;
  std::set<std::int64_t> aborted_producers;
  std::vector<ConsumedRecord> out;
  for (std::size_t b = 0; b < log.batches.size(); ++b) {
    const LogBatch& batch = log.batches[b];
    if (batch.base_offset >= end) break;
    if (read_committed && batch.producer_id >= 0) {
      const std::int64_t last_offset = batch.next_offset() - 1;
      while (next_aborted < aborted.size() && aborted[next_aborted].first_offset <= last_offset)
        aborted_producers.insert(aborted[next_aborted++].producer_id);
      if (batch.control == ControlType::Abort) {
        aborted_producers.erase(batch.producer_id);
      } else if (batch.transactional && aborted_producers.contains(batch.producer_id)) {
        continue;  // an aborted transaction's batch
      }
    }
    if (batch.is_control()) continue;  // control records are not returned to the user
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
      const std::int64_t offset = batch.base_offset + static_cast<std::int64_t>(i);
      if (offset >= end) break;
      out.push_back(ConsumedRecord{b, i, offset});
    }
  }
  return out;
}

}  // namespace kafka_model
