// What a partition's log says about transactions, as pure functions of the
// log (so it replicates with the batches and is rebuilt on truncation, as
// UnifiedLog.rebuildProducerState rebuilds ProducerStateManager from the log):
// the open transactions (ProducerStateManager.ongoingTxns: producer id ->
// first offset), the aborted-transaction index (the .txnindex of AbortedTxn
// entries), the last stable offset (UnifiedLog.lastStableOffset), and what a
// consumer of each isolation.level returns (CompletedFetch).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "model/log.hpp"
#include "statemachines/producer_state_entry.hpp"

namespace kafka_model {

// AbortedTxn (storage/.../log/AbortedTxn.java): a producer's aborted
// transaction from its first offset to its ABORT marker (lastOffset).
struct AbortedTxn {
  std::int64_t producer_id = -1;
  std::int64_t first_offset = -1;
  std::int64_t last_offset = -1;
  bool operator==(const AbortedTxn&) const = default;
};

struct TransactionIndex {
  std::map<std::int64_t, std::int64_t> ongoing;  // producer id -> first offset of its open transaction
  // Completed transactions whose marker is at `marker_offset` (unreplicatedTxns
  // until the high watermark passes it): producer id, first offset, marker offset.
  std::vector<AbortedTxn> completed;
  std::vector<AbortedTxn> aborted;  // the aborted-transaction index, in marker order
};

TransactionIndex index_transactions(const PartitionLog& log);

// index_transactions(log).ongoing.contains(producer_id), read from the log's
// end back to the producer's last marker or transactional batch (a per-batch
// question: the whole index per produce made a long transactional run
// quadratic).
bool has_ongoing_transaction(const PartitionLog& log, std::int64_t producer_id);

// UnifiedLog.lastStableOffset: the first unstable offset (the first offset of
// an open transaction, or of a completed one whose marker is not yet below the
// high watermark: ProducerStateManager.firstUnstableOffset) if below the high
// watermark, else the high watermark.
std::int64_t last_stable_offset(const PartitionLog& log, std::int64_t high_watermark);

// A follower's copy or a rebuild from the log: a data batch updates the
// producer's sequence state, a marker its epoch (ProducerAppendInfo.append:
// appendDataBatch / appendEndTxnMarker).
void replay_into_producer_state(ProducerStateEntry& entry, const LogBatch& batch);

// One record a consumer's poll() returns.
struct ConsumedRecord {
  std::size_t batch = 0;  // index into log.batches
  std::size_t index = 0;  // record within it
  std::int64_t offset = 0;
};

// A consumer reading the partition from offset 0. read_uncommitted: every data
// record below the high watermark; read_committed: below the LSO, without
// the batches of aborted transactions (the fetch returns the aborted
// transactions of its range and CompletedFetch skips a transactional batch
// of a producer whose aborted transaction began at or before the batch's last
// offset, until that producer's ABORT marker). Control records are never
// returned.
std::vector<ConsumedRecord> consume(const PartitionLog& log, std::int64_t high_watermark, bool read_committed);

}  // namespace kafka_model
