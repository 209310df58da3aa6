// The recorded history of a run: every observable step, typed and past tense.
// Guarantee checkers read only this (data flows config -> world -> history ->
// checkers -> report); it serializes to JSON and to a one-line-per-step
// timeline, and hashes canonically so determinism can be checked.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/errors.hpp"
#include "model/step_node.hpp"

namespace kafka_model {

enum class StepKind : std::uint8_t {
  // application and producer client
  SendCalled,              // send(): record, send id, key, partition, producer instance
  SendFailed,              // send() itself failed (max.block.ms on a full buffer.memory)
  ProducerStarted,         // a producer instance was constructed
  ProducerIdAssigned,      // InitProducerId answered: producer id, epoch
  EpochBumped,             // KIP-360 local epoch bump; detail says why
  BatchCreated,            // the RecordAccumulator opened a batch for the partition
  SequenceAssigned,        // first drain: (producer id, epoch, base sequence .. last sequence)
  BatchExpired,            // delivery.timeout.ms reached; detail: outcome unknown or not
  ProduceRequestSent,      // request id, broker, batches
  ProduceResponseReceived, // per partition: error, base offset
  RequestTimedOut,         // request.timeout.ms passed; the connection is closed
  BatchRetried,            // re-enqueued after a retriable error
  CallbackCompleted,       // the send's callback: offset, or the error
  // network faults
  ProduceRequestDropped,
  ProduceResponseDropped,
  ProduceResponseDelayed,
  ConnectionDisconnected,
  // brokers and controller
  BatchAppended,           // the leader wrote a batch: partition, base offset, sends
  DuplicateDetected,       // ProducerStateEntry matched a cached batch: original offset
  ProduceRejected,         // the leader answered an error without writing
  HighWatermarkAdvanced,
  IsrShrunk,
  IsrExpanded,
  LeaderElected,           // detail: clean or unclean
  LogTruncated,            // a replica dropped records to follow the new leader
  BrokerCrashed,
  BrokerRestarted,
  FollowerStalled,
  BrokerStalled,
  ProducerCrashed,
  ProducerZombie,          // replaced by a new instance, this one keeps running (FaultKind::ProducerZombie)
  ProducerStateExpired,    // a replica dropped an idle producer's state (producer.id.expiration.ms)
  // transactions (KIP-98, Transactions V1)
  TransactionBegun,        // beginTransaction(): transaction ordinal
  TransactionEnding,       // commitTransaction() / abortTransaction() called; detail says which and why
  TransactionEnded,        // the call returned; error set when commitTransaction failed
  TxnRequestSent,          // InitProducerId / AddPartitionsToTxn / EndTxn to the coordinator
  TxnResponseReceived,     // its answer: error
  TransactionStateChanged, // the coordinator's TransactionMetadata moved: detail "From -> To"
  CoordinatorElected,      // __transaction_state's leader changed: broker (-1: none), the state it loaded
  MarkerWritten,           // a partition leader wrote a COMMIT/ABORT control batch (WriteTxnMarkers)
  TransactionHanging,      // at the end: a partition's open transaction no marker will end (offset: its first offset)
  // consume-transform-produce (KIP-98 sendOffsetsToTransaction, KIP-447): the
  // group coordinator's offsets for the input partition. offset = the next
  // input offset to consume (the position committed).
  OffsetsPending,          // TxnOffsetCommit stored, pending the transaction's marker: offset, producer id, transaction
  OffsetsCommitted,        // the group's committed offset moved: by a COMMIT marker (transaction) or the consumer (-1)
  OffsetsDiscarded,        // an ABORT marker dropped the transaction's pending offsets
  // the end of the run
  FaultsHealed,
  OtherConsumerRead,       // transactional runs: what a consumer with the other isolation.level reads (not judged)
  ConsumerRead,            // one record of the final committed log (up to the high watermark)
};

// ConsumerRead stays last: a new kind goes above it (and gets a name in history.cpp).
inline constexpr int kStepKindCount = static_cast<int>(StepKind::ConsumerRead) + 1;

std::string_view to_string(StepKind kind);
std::optional<StepKind> parse_step_kind(std::string_view text);

// One step. Fields that do not apply to a kind stay at -1 / empty.
//
// A step is recorded for every event of a long run, so it holds typed values
// only where the world knows them as values: the node is a StepNode and the
// error an Errors, rendered to text when the history is printed or written
// (history_io.cpp). `detail` is the free text for a person reading the
// timeline; no checker reads it (properties/ reads typed fields only).
// Fields are laid out small-first after time_ms so a Step packs into 136
// bytes; JSON, the timeline and the hash keep their own order.
struct Step {
  std::int64_t time_ms = 0;
  StepKind kind = StepKind::SendCalled;
  // Kafka's error (org.apache.kafka.common.protocol.Errors), or none. A
  // produce response says NONE when it succeeded; a callback has no error then.
  std::optional<Errors> error;
  // BatchAppended / ProduceRejected (after the producer-state check): the
  // leader had no ProducerStateEntry for this producer id on the partition
  // and created one for this batch. Kafka then accepts any sequence
  // (ProducerAppendInfo.checkSequence: the stored epoch is NO_PRODUCER_EPOCH),
  // the first condition of the first-batch race (docs/model.md). Absent from
  // JSON when false, so histories written before it load unchanged.
  bool producer_state_created = false;
  StepNode node;  // "app", "producer-1", "broker-0", "controller", "network", "world", "consumer"
  std::int64_t record = -1;      // the application's record id
  std::int64_t send = -1;        // one send() call (a re-send of a record is a new send)
  std::int64_t batch = -1;
  std::int64_t request = -1;     // produce request ordinal, as FaultSchedule counts them
  std::int32_t partition = -1;
  std::int32_t broker = -1;
  std::int64_t offset = -1;
  std::int64_t producer_id = -1;
  std::int32_t producer_epoch = -1;
  std::int32_t sequence = -1;       // base sequence
  std::int32_t last_sequence = -1;
  std::int32_t instance = -1;       // producer instance (1, 2, ... after restarts)
  std::string detail;               // free text for the timeline
  // The application's transaction ordinal (0, 1, ...) a step belongs to, -1
  // outside transactions (absent from JSON then).
  std::int64_t transaction = -1;
  bool operator==(const Step&) const = default;
};

struct History {
  std::vector<Step> steps;
  // The effective configuration the run used (Kafka keys, as
  // Configuration::effective_*_properties, plus "kafka.version"): what a
  // checker may know about the run besides its steps.
  std::map<std::string, std::string> config;
  bool operator==(const History&) const = default;
  std::uint64_t hash() const;  // canonical, over every field of every step
};

}  // namespace kafka_model
