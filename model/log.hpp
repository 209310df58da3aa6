// A partition replica's log: record batches at contiguous offsets. Each
// record keeps the application's identity (record id, send id) so the final
// log is evidence a checker can read.
#pragma once

#include <cstdint>
#include <vector>

namespace kafka_model {

struct LogRecord {
  std::int64_t record = -1;  // application record id
  std::int64_t send = -1;    // the send() call it came from
  bool operator==(const LogRecord&) const = default;
};

// A control batch's one record (ControlRecordType): the transaction marker
// the coordinator's WriteTxnMarkers writes (EndTransactionMarker).
enum class ControlType : std::uint8_t { None, Commit, Abort };

struct LogBatch {
  std::int64_t base_offset = 0;
  std::int32_t leader_epoch = 0;    // the partition leader epoch that wrote it (KIP-101 truncation)
  std::int64_t batch = -1;          // the client's batch id
  std::int32_t instance = -1;       // the producer instance that sent it
  std::int64_t producer_id = -1;    // -1 without idempotence
  std::int32_t producer_epoch = -1;
  std::int32_t base_sequence = -1;
  std::int32_t last_sequence = -1;
  std::vector<LogRecord> records;
  // The batch's timestamp as ProducerStateManager reads it (lastTimestamp,
  // for producer.id.expiration.ms). Kafka takes the batch's max timestamp,
  // CreateTime by default; the model uses the leader's append time.
  std::int64_t timestamp_ms = 0;
  // RecordBatch.isTransactional: written inside a transaction (KIP-98).
  bool transactional = false;
  // RecordBatch.isControlBatch: a COMMIT/ABORT marker (one record, no
  // application data), None for a data batch.
  ControlType control = ControlType::None;
  // Model bookkeeping, not on Kafka's disk: which application transaction
  // (TransactionalApp's ordinal) the batch or marker belongs to; -1 = none.
  std::int64_t transaction = -1;
  bool is_control() const { return control != ControlType::None; }
  std::int64_t next_offset() const { return base_offset + static_cast<std::int64_t>(records.size()); }
  bool operator==(const LogBatch&) const = default;
};

struct PartitionLog {
  std::vector<LogBatch> batches;

  std::int64_t log_end_offset() const { return batches.empty() ? 0 : batches.back().next_offset(); }
  // Drops every batch at or after `offset` (batch aligned: logs hold whole batches).
  void truncate_to(std::int64_t offset) {
    while (!batches.empty() && batches.back().base_offset >= offset) batches.pop_back();
  }
  bool operator==(const PartitionLog&) const = default;
};

}  // namespace kafka_model
