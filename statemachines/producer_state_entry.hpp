// Facade of the broker's per-(partition, producer id) sequence checker,
// mirroring ProducerStateEntry + ProducerAppendInfo (checkProducerEpoch,
// checkSequence) + UnifiedLog.analyzeAndValidateProducerState in
// storage/.../internals/log/. The table lives in producer_state_entry.cpp.
//
// The leader's check of a client batch, in Kafka's order (3.9):
//  1. same epoch and (first_seq, last_seq) equal to a cached batch: duplicate,
//     append nothing, answer the cached batch's offset (partial overlap is not
//     a duplicate);
//  2. epoch lower than the stored one: INVALID_PRODUCER_EPOCH;
//  3. no state for the producer (never seen, expired, lost): accept at any
//     sequence (KIP-360; modern brokers never answer UNKNOWN_PRODUCER_ID);
//  4. higher epoch: first_seq must be 0, else OUT_OF_ORDER_SEQUENCE_NUMBER;
//     the cache is cleared;
//  5. same epoch: first_seq must be last_seq + 1 (0 after INT32_MAX), else
//     OUT_OF_ORDER_SEQUENCE_NUMBER; the oldest cached batch is evicted past
//     batches_to_retain (Kafka's NUM_BATCHES_TO_RETAIN = 5);
//  6. a batch that passed 4 or 5 but is not transactional while the producer
//     has a transaction open on the partition: INVALID_TXN_STATE
//     (ProducerAppendInfo.appendDataBatch: "Expected transactional write from
//     producer ..."). A transactional batch with none open opens one.
// Followers do no check: they copy the leader's log (replicate_batch).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "statemachines/machine_description.hpp"

namespace kafka_model {

// Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN.
inline constexpr int kNumBatchesToRetain = 5;

// Sequence arithmetic with Kafka's wrap-around after Int.MAX
// (DefaultRecordBatch.incrementSequence).
std::int32_t increment_sequence(std::int32_t sequence, std::int32_t increment);

// Kafka's BatchMetadata, as cached per producer.
struct BatchMetadata {
  std::int16_t producer_epoch = 0;
  std::int32_t first_seq = 0;
  std::int32_t last_seq = 0;
  std::int64_t first_offset = 0;
  bool operator==(const BatchMetadata& o) const {
    return producer_epoch == o.producer_epoch && first_seq == o.first_seq && last_seq == o.last_seq &&
           first_offset == o.first_offset;
  }
};

enum class AppendOutcome : std::uint8_t {
  Appended,              // write the batch at log_end_offset
  Duplicate,             // write nothing, answer success with the cached offset
  OutOfOrderSequence,    // OUT_OF_ORDER_SEQUENCE_NUMBER
  InvalidProducerEpoch,  // INVALID_PRODUCER_EPOCH
  InvalidTxnState,       // INVALID_TXN_STATE: a non-transactional batch during the producer's open transaction
};
const char* to_string(AppendOutcome);  // "APPENDED", "DUPLICATE", "OUT_OF_ORDER_SEQUENCE_NUMBER", ...

struct AppendDecision {
  AppendOutcome outcome = AppendOutcome::Appended;
  // Appended: log_end_offset as given; Duplicate: the cached batch's
  // first_offset; otherwise -1.
  std::int64_t base_offset = -1;
};

class ProducerStateEntry {
 public:
  explicit ProducerStateEntry(int batches_to_retain = kNumBatchesToRetain);
  ProducerStateEntry(const ProducerStateEntry&);
  ProducerStateEntry& operator=(const ProducerStateEntry&);
  ProducerStateEntry(ProducerStateEntry&&) noexcept;
  ProducerStateEntry& operator=(ProducerStateEntry&&) noexcept;
  ~ProducerStateEntry();

  // Leader path: checks a client batch that would be written at
  // log_end_offset and, when accepted, records it. `transactional` is the
  // batch's RecordBatch.isTransactional() (an idempotent producer's batches
  // are not).
  AppendDecision append_from_client(std::int16_t epoch, std::int32_t first_seq, std::int32_t last_seq,
                                    std::int64_t log_end_offset, bool transactional = false);

  // Follower / rebuild-from-log path: no check, the state follows the log.
  void replicate_batch(std::int16_t epoch, std::int32_t first_seq, std::int32_t last_seq,
                       std::int64_t first_offset, bool transactional = false);

  // A transaction marker (COMMIT/ABORT control record) written with `epoch`:
  // it ends the producer's open transaction; the same epoch keeps the cache
  // (Transactions V1), a new one clears it. A stale epoch changes nothing.
  void marker_written(std::int16_t epoch);

  // ProducerStateManager.removeExpiredProducers (producer.id.expiration.ms):
  // the state is gone and the next batch is accepted at any sequence — unless
  // a transaction is open, which keeps it (isProducerExpired requires
  // !currentTxnFirstOffset.isPresent()).
  void expire();

  bool has_state() const;
  std::int16_t producer_epoch() const;       // -1 without state
  std::int32_t last_sequence() const;        // -1 without state
  // currentTxnFirstOffset.isPresent(): a transactional batch was written since
  // the producer's last marker. Where it begins is the log's business
  // (model/transaction_log.hpp index_transactions), not kept here.
  bool has_ongoing_transaction() const;
  std::vector<BatchMetadata> cached_batches() const;  // oldest first
  int batches_to_retain() const;

  bool operator==(const ProducerStateEntry&) const;
  bool operator!=(const ProducerStateEntry& o) const { return !(*this == o); }
  std::uint64_t hash() const;

  static MachineDescription describe();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kafka_model
