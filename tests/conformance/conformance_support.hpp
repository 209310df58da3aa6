// Conformance: the harness Kafka's own broker-side unit tests are ported onto.
// A ProducerStateManager stand-in (a map of the model's ProducerStateEntry by
// producer id) with the helpers ProducerStateManagerTest uses (appendClientEntry,
// appendReplicationEntry, appendEndTxnMarker, lastEntry), and the accessors of
// Kafka's ProducerStateEntry (firstSeq, lastSeq, firstDataOffset, lastDataOffset)
// computed from the model's cached batches. Kafka 3.9.0 (tag 3.9.0-rc3):
// storage/src/test/java/org/apache/kafka/storage/internals/log/ProducerStateManagerTest.java
// and storage/src/main/java/org/apache/kafka/storage/internals/log/ProducerStateEntry.java.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>

#include "statemachines/producer_state_entry.hpp"

namespace kafka_model::conformance {

// RecordBatch.NO_SEQUENCE / NO_PRODUCER_EPOCH.
inline constexpr std::int32_t kNoSequence = -1;
inline constexpr std::int16_t kNoProducerEpoch = -1;

// ProducerStateEntry.firstSeq: the first cached batch's first sequence, or NO_SEQUENCE.
inline std::int32_t first_seq(const ProducerStateEntry& e) {
  const auto batches = e.cached_batches();
  return batches.empty() ? kNoSequence : batches.front().first_seq;
}
// ProducerStateEntry.firstDataOffset: -1 without batches.
inline std::int64_t first_data_offset(const ProducerStateEntry& e) {
  const auto batches = e.cached_batches();
  return batches.empty() ? -1 : batches.front().first_offset;
}
// ProducerStateEntry.lastDataOffset: -1 without batches. The model's
// BatchMetadata keeps the first offset; Kafka's keeps the last offset and the
// offset delta and derives firstSeq = lastSeq - offsetDelta
// (BatchMetadata.firstSeq, DefaultRecordBatch.decrementSequence), so for an
// uncompacted batch lastOffset = firstOffset + (lastSeq - firstSeq), wrapping.
inline std::int64_t last_data_offset(const ProducerStateEntry& e) {
  const auto batches = e.cached_batches();
  if (batches.empty()) return -1;
  const BatchMetadata& b = batches.back();
  const std::int64_t span = b.last_seq >= b.first_seq
                                ? std::int64_t{b.last_seq} - b.first_seq
                                : std::int64_t{b.last_seq} + 1 + (std::int64_t{INT32_MAX} - b.first_seq);
  return b.first_offset + span;
}

inline std::string outcome(AppendDecision d) { return to_string(d.outcome); }

// The leader's answer names, as the Kafka tests' assertThrows classes map to them.
inline const std::string kAppended = "APPENDED";
inline const std::string kDuplicate = "DUPLICATE";
inline const std::string kOutOfOrderSequence = "OUT_OF_ORDER_SEQUENCE_NUMBER";  // OutOfOrderSequenceException
inline const std::string kInvalidProducerEpoch = "INVALID_PRODUCER_EPOCH";      // InvalidProducerEpochException
inline const std::string kInvalidTxnState = "INVALID_TXN_STATE";                // InvalidTxnStateException

// ProducerStateManager: producerId -> ProducerStateEntry, plus mapEndOffset.
// An entry the model keeps without state (never seen, expired) is absent for
// Kafka: lastEntry() is empty and activeProducers() does not list it.
class ProducerStateManagerModel {
 public:
  explicit ProducerStateManagerModel(int batches_to_retain = kNumBatchesToRetain)
      : batches_to_retain_(batches_to_retain) {}

  // ProducerStateManagerTest.appendClientEntry (AppendOrigin.CLIENT) with
  // first_seq..last_seq at first_offset; a refused batch leaves mapEndOffset.
  // The facade also runs UnifiedLog.analyzeAndValidateProducerState's
  // findDuplicateBatch before ProducerAppendInfo's checks.
  AppendDecision append_client(std::int64_t pid, std::int16_t epoch, std::int32_t first_seq, std::int32_t last_seq,
                               std::int64_t first_offset) {
    return append_from_client(pid, epoch, first_seq, last_seq, first_offset, false);
  }
  AppendDecision append_client(std::int64_t pid, std::int16_t epoch, std::int32_t seq, std::int64_t offset) {
    return append_from_client(pid, epoch, seq, seq, offset, false);
  }
  // appendClientEntry(..., isTransactional = true), and appendDataBatch with
  // isTransactional = true.
  AppendDecision append_client_transactional(std::int64_t pid, std::int16_t epoch, std::int32_t seq,
                                             std::int64_t offset) {
    return append_from_client(pid, epoch, seq, seq, offset, true);
  }
  AppendDecision append_client_transactional(std::int64_t pid, std::int16_t epoch, std::int32_t first_seq,
                                             std::int32_t last_seq, std::int64_t first_offset) {
    return append_from_client(pid, epoch, first_seq, last_seq, first_offset, true);
  }
  // ProducerStateManagerTest.appendReplicationEntry (AppendOrigin.REPLICATION).
  void append_replication(std::int64_t pid, std::int16_t epoch, std::int32_t first_seq, std::int32_t last_seq,
                          std::int64_t first_offset) {
    entry(pid).replicate_batch(epoch, first_seq, last_seq, first_offset);
  }
  void append_replication(std::int64_t pid, std::int16_t epoch, std::int32_t seq, std::int64_t offset) {
    append_replication(pid, epoch, seq, seq, offset);
    map_end_offset_ = offset + 1;
  }
  // ProducerStateManagerTest.appendEndTxnMarker (AppendOrigin.COORDINATOR).
  // The model keeps no coordinator epoch, control type or transaction.
  void append_end_txn_marker(std::int64_t pid, std::int16_t epoch, std::int64_t offset) {
    entry(pid).marker_written(epoch);
    map_end_offset_ = offset + 1;
  }
  // The producer's state is gone (removeExpiredProducers, or a reload that
  // found none): the model's ProducerStateExpired. A producer with an open
  // transaction keeps it (isProducerExpired).
  void expire(std::int64_t pid) { entry(pid).expire(); }

  // ProducerStateManager.lastEntry: nullptr for Optional.empty().
  const ProducerStateEntry* last_entry(std::int64_t pid) const {
    auto it = producers_.find(pid);
    return it == producers_.end() || !it->second.has_state() ? nullptr : &it->second;
  }
  // ProducerStateManager.activeProducers().size().
  std::size_t active_producers() const {
    std::size_t n = 0;
    for (const auto& [pid, e] : producers_) n += e.has_state() ? 1 : 0;
    return n;
  }
  std::int64_t map_end_offset() const { return map_end_offset_; }
  // ProducerStateEntry.currentTxnFirstOffset().isPresent() of lastEntry.
  bool ongoing_transaction(std::int64_t pid) const {
    const ProducerStateEntry* e = last_entry(pid);
    return e != nullptr && e->has_ongoing_transaction();
  }

 private:
  ProducerStateEntry& entry(std::int64_t pid) { return producers_.try_emplace(pid, batches_to_retain_).first->second; }
  AppendDecision append_from_client(std::int64_t pid, std::int16_t epoch, std::int32_t first_seq,
                                    std::int32_t last_seq, std::int64_t first_offset, bool transactional) {
    const AppendDecision d = entry(pid).append_from_client(epoch, first_seq, last_seq, first_offset, transactional);
    if (d.outcome == AppendOutcome::Appended)
      map_end_offset_ = first_offset + (last_seq >= first_seq ? last_seq - first_seq : 0) + 1;
    return d;
  }

  int batches_to_retain_;
  std::map<std::int64_t, ProducerStateEntry> producers_;
  std::int64_t map_end_offset_ = 0;
};

}  // namespace kafka_model::conformance
