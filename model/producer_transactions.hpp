// KafkaProducer's transactional calls, as the application makes them, over
// the producer's TransactionManager machine and its TransactionalClient
// (model/transaction_state.hpp): initTransactions, beginTransaction, send()'s
// maybeAddPartition, commitTransaction, abortTransaction, with Kafka 3.9's
// checks and exception texts (clients/.../producer/KafkaProducer.java and
// clients/.../producer/internals/TransactionManager.java: ensureTransactional,
// maybeFailWithError, transitionTo, maybeAddPartition, beginCommit,
// beginAbort, hasOngoingTransaction, isSendToPartitionAllowed,
// transitionToAbortableError / transitionToFatalError).
//
// The world's application loop calls these (model/transactional_client.cpp),
// and so do the conformance tests: a refused call is returned as the
// exception Kafka throws, and the state is left as Kafka leaves it (an
// application call never poisons the manager; KAFKA-14831 poisons only on
// the Sender thread). What the calls do not do: the world's scheduling
// (waking the Sender, the application's blocking on the result); the
// TransactionalRequestResult timeout/retry of a call (throwIfPendingState,
// handleCachedTransactionRequestResult's pending transition) is not
// modelled: the model's application waits for every call to return.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/errors.hpp"
#include "model/transaction_state.hpp"
#include "statemachines/transaction_manager.hpp"

namespace kafka_model {

// An exception a KafkaProducer call throws: its class's simple name
// ("IllegalStateException", "KafkaException", "ProducerFencedException",
// "InvalidTxnStateException") and its message, exactly.
struct ProducerException {
  std::string type;
  std::string message;
  std::string what() const { return type + ": " + message; }
  bool operator==(const ProducerException&) const = default;
};
using ProducerCallResult = std::optional<ProducerException>;  // nullopt: the call returned

class ProducerTransactions {
 public:
  // producer_id / producer_epoch: the producer's ProducerIdAndEpoch (-1 before
  // InitProducerId answered), for hasProducerId and the exception texts.
  ProducerTransactions(TransactionManager& manager, TransactionalClient& client, std::int64_t producer_id,
                       std::int32_t producer_epoch);

  // KafkaProducer.initTransactions -> TransactionManager.initializeTransactions:
  // UNINITIALIZED -> INITIALIZING, InitProducerId queued. A second call once
  // READY is an invalid transition (testInitializeTransactionsTwiceRaisesError).
  ProducerCallResult init_transactions();
  // KafkaProducer.beginTransaction: READY -> IN_TRANSACTION.
  ProducerCallResult begin_transaction();
  // KafkaProducer.send -> TransactionManager.maybeAddPartition (after the
  // record was appended to the accumulator: KafkaProducer.doSend adds the
  // partition last, so in Kafka a refused send leaves its record appended,
  // never drained while the partition is not in a transaction). A partition
  // neither added nor pending becomes newPartitionsInTransaction.
  ProducerCallResult send(std::int32_t partition);
  // KafkaProducer.commitTransaction -> beginCommit: IN_TRANSACTION -> COMMITTING_TRANSACTION.
  ProducerCallResult commit_transaction();
  // KafkaProducer.abortTransaction -> beginAbort: IN_TRANSACTION or
  // ABORTABLE_ERROR -> ABORTING_TRANSACTION; partitions not yet sent to the
  // coordinator are forgotten (newPartitionsInTransaction.clear()).
  ProducerCallResult abort_transaction();

  // The Sender thread's error transitions (TransactionManager.
  // transitionToAbortableError / transitionToFatalError): lastError is kept
  // in the client; an invalid one poisons the manager (KAFKA-14831).
  void transition_to_abortable_error(Errors error);
  void transition_to_fatal_error(Errors error);

  // TransactionManager.hasOngoingTransaction: IN_TRANSACTION, completing, or an abortable error.
  bool has_ongoing_transaction() const { return has_ongoing_transaction(manager_); }
  static bool has_ongoing_transaction(const TransactionManager& manager);
  // TransactionManager.isSendToPartitionAllowed: no fatal error, and the
  // coordinator added the partition (Transactions V1).
  bool is_send_to_partition_allowed(std::int32_t partition) const {
    return is_send_to_partition_allowed(manager_, client_, partition);
  }
  static bool is_send_to_partition_allowed(const TransactionManager& manager, const TransactionalClient& client,
                                           std::int32_t partition);

  // The topic the partition numbers belong to, for the texts ("topic-0").
  static constexpr const char* kTopic = "topic";

 private:
  ProducerCallResult ensure_transactional() const;
  ProducerCallResult maybe_fail_with_error() const;
  ProducerCallResult transition_to(TransactionManager::State target);
  std::string producer_id_and_epoch() const;

  TransactionManager& manager_;
  TransactionalClient& client_;
  std::int64_t producer_id_;
  std::int32_t producer_epoch_;
};

}  // namespace kafka_model
