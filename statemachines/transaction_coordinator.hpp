// Facade of the transaction coordinator's state per transactional id,
// mirroring Kafka's TransactionMetadata / TransactionState (validPreviousStates)
// and the request handling in TransactionCoordinator (handleInitProducerId,
// handleAddPartitionsToTransaction, handleEndTransaction,
// abortTimedOutTransactions). The table lives in transaction_coordinator.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "statemachines/kafka_version.hpp"
#include "statemachines/machine_description.hpp"

namespace kafka_model {

class TransactionCoordinator {
 public:
  enum class State : std::uint8_t {
    Empty,
    Ongoing,
    PrepareCommit,
    PrepareAbort,
    CompleteCommit,
    CompleteAbort,
    Dead,
    PrepareEpochFence,
  };
  static constexpr int kStateCount = 8;

  // The error codes the coordinator answers with (Kafka's Errors names).
  enum class Error : std::uint8_t {
    NONE,
    CONCURRENT_TRANSACTIONS,  // retriable: a previous transaction is still completing
    INVALID_TXN_STATE,
    PRODUCER_FENCED,          // the request's epoch is older than the coordinator's
    INVALID_PRODUCER_EPOCH,
    TRANSACTIONAL_ID_NOT_FOUND,  // Dead
  };
  // A request no row of the table takes (TransactionCoordinator's
  // logInvalidStateTransitionAndReturnError) is answered INVALID_TXN_STATE;
  // in Dead every request is TRANSACTIONAL_ID_NOT_FOUND; InitProducerId at an
  // exhausted epoch is INVALID_PRODUCER_EPOCH, a stand-in for Kafka's
  // producer-id rotation, which is not modelled. The version does not change
  // these rules under Transactions V1 (2.5+ coordinator); `transactions_v2`
  // (Kafka 4.0+, transaction.version=2) bumps the epoch on every EndTxn
  // (see transaction_coordinator.cpp).


  struct InitProducerIdResult {
    Error error = Error::NONE;
    std::int64_t producer_id = -1;
    std::int16_t producer_epoch = -1;
  };

  TransactionCoordinator(std::string transactional_id, std::int64_t producer_id,
                         KafkaVersion version = KafkaVersion::V3_9, bool transactions_v2 = false);
  TransactionCoordinator(const TransactionCoordinator&);
  TransactionCoordinator& operator=(const TransactionCoordinator&);
  TransactionCoordinator(TransactionCoordinator&&) noexcept;
  TransactionCoordinator& operator=(TransactionCoordinator&&) noexcept;
  ~TransactionCoordinator();

  // InitProducerId: from Empty/Complete* bumps the epoch; with a transaction
  // Ongoing it fences (PrepareEpochFence -> PrepareAbort, epoch + 1) and
  // answers CONCURRENT_TRANSACTIONS until the abort completes.
  InitProducerIdResult init_producer_id();
  // AddPartitionsToTxn: Empty/Ongoing/Complete* -> Ongoing.
  Error add_partitions_to_txn(std::int16_t producer_epoch, const std::vector<std::int32_t>& partitions);
  // EndTxn: Ongoing -> PrepareCommit or PrepareAbort (markers to write:
  // partitions()); V2: epoch + 1, and an abort from Empty/Complete* too.
  Error end_txn(std::int16_t producer_epoch, bool commit);
  // Every WriteTxnMarkers request answered: Prepare* -> Complete*, partitions cleared.
  void markers_written();
  // transaction.timeout.ms passed with the transaction Ongoing: fence and abort.
  void transaction_timed_out();
  // transactional.id.expiration.ms passed while idle: -> Dead.
  void transactional_id_expired();

  State state() const;
  std::int64_t producer_id() const;
  std::int16_t producer_epoch() const;
  const std::vector<std::int32_t>& partitions() const;  // sorted
  const std::string& transactional_id() const;
  // The answer to the last request (init/add/end), kept in the machine's data.
  Error last_error() const;
  // "<Event> rejected in state <State>" when the table took no row for the
  // last event fed (a coordinator-side event included), else nullopt.
  const std::optional<std::string>& last_rejection() const;

  bool operator==(const TransactionCoordinator&) const;
  bool operator!=(const TransactionCoordinator& o) const { return !(*this == o); }
  std::uint64_t hash() const;

  static const char* name(State);
  static const char* name(Error);
  static MachineDescription describe();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kafka_model
