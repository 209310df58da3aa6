// KafkaProducer's transactional calls (producer_transactions.hpp). Kafka 3.9
// (branch 3.9 = tag 3.9.0-rc3 for these files):
// clients/src/main/java/org/apache/kafka/clients/producer/internals/TransactionManager.java
// clients/src/main/java/org/apache/kafka/clients/producer/KafkaProducer.java
#include "model/producer_transactions.hpp"

#include <string>

namespace kafka_model {
namespace {

using State = TransactionManager::State;

ProducerException illegal_state(std::string message) { return {"IllegalStateException", std::move(message)}; }

}  // namespace

ProducerTransactions::ProducerTransactions(TransactionManager& manager, TransactionalClient& client,
                                           std::int64_t producer_id, std::int32_t producer_epoch)
    : manager_(manager), client_(client), producer_id_(producer_id), producer_epoch_(producer_epoch) {}

// ProducerIdAndEpoch.toString.
std::string ProducerTransactions::producer_id_and_epoch() const {
  return "(producerId=" + std::to_string(producer_id_) + ", epoch=" + std::to_string(producer_epoch_) + ")";
}

// TransactionManager.ensureTransactional.
ProducerCallResult ProducerTransactions::ensure_transactional() const {
  if (manager_.transactional_id().empty())
    return illegal_state("Transactional method invoked on a non-transactional producer.");
  return std::nullopt;
}

// TransactionManager.maybeFailWithError: in ABORTABLE_ERROR or FATAL_ERROR
// every call throws, by lastError's class. lastError here: the client's
// last_error; FATAL_ERROR without one is the KAFKA-14831 poison (an invalid
// transition on the Sender thread: lastError is that IllegalStateException).
ProducerCallResult ProducerTransactions::maybe_fail_with_error() const {
  const State state = manager_.state();
  if (state != State::ABORTABLE_ERROR && state != State::FATAL_ERROR) return std::nullopt;
  const std::string& id = manager_.transactional_id();
  if (client_.last_error == Errors::PRODUCER_FENCED)
    return ProducerException{"ProducerFencedException", "Producer with transactionalId '" + id + "' and " +
                                                            producer_id_and_epoch() +
                                                            " has been fenced by another producer with the same "
                                                            "transactionalId"};
  if (state == State::FATAL_ERROR && client_.last_error == Errors::NONE)
    return illegal_state("Producer with transactionalId '" + id + "' and " + producer_id_and_epoch() +
                         " cannot execute transactional method because of previous invalid state transition "
                         "attempt");
  return ProducerException{"KafkaException", "Cannot execute transactional method because we are in an error state"};
}

// TransactionManager.transitionTo on the application thread: an invalid
// transition throws IllegalStateException and leaves the state.
ProducerCallResult ProducerTransactions::transition_to(State target) {
  if (std::optional<std::string> refused = manager_.transition_to(target, TransactionManager::Origin::Application))
    return illegal_state(std::move(*refused));
  return std::nullopt;
}

// initializeTransactions: maybeFailWithError, then (handleCachedTransactionRequestResult)
// ensureTransactional, transitionTo(INITIALIZING), InitProducerId enqueued.
ProducerCallResult ProducerTransactions::init_transactions() {
  if (auto e = maybe_fail_with_error()) return e;
  if (auto e = ensure_transactional()) return e;
  if (auto e = transition_to(State::INITIALIZING)) return e;
  client_.init_needed = true;
  return std::nullopt;
}

// beginTransaction: ensureTransactional, maybeFailWithError, transitionTo(IN_TRANSACTION).
ProducerCallResult ProducerTransactions::begin_transaction() {
  if (auto e = ensure_transactional()) return e;
  if (auto e = maybe_fail_with_error()) return e;
  return transition_to(State::IN_TRANSACTION);
}

// maybeAddPartition. Note Kafka's two spaces in "while in state  READY".
ProducerCallResult ProducerTransactions::send(std::int32_t partition) {
  if (auto e = maybe_fail_with_error()) return e;
  if (manager_.transactional_id().empty()) return std::nullopt;  // idempotent only: nothing to add
  const std::string tp = std::string(kTopic) + "-" + std::to_string(partition);
  if (producer_id_ < 0)
    return illegal_state("Cannot add partition " + tp + " to transaction before completing a call to initTransactions");
  if (manager_.state() != State::IN_TRANSACTION)
    return illegal_state("Cannot add partition " + tp + " to transaction while in state  " +
                         TransactionManager::name(manager_.state()));
  if (client_.partitions_in_transaction.contains(partition) || client_.pending_partitions.contains(partition))
    return std::nullopt;
  client_.new_partitions.insert(partition);
  return std::nullopt;
}

// beginCommit: ensureTransactional, maybeFailWithError, transitionTo(COMMITTING_TRANSACTION).
ProducerCallResult ProducerTransactions::commit_transaction() {
  if (auto e = ensure_transactional()) return e;
  if (auto e = maybe_fail_with_error()) return e;
  if (auto e = transition_to(State::COMMITTING_TRANSACTION)) return e;
  client_.committing = true;
  return std::nullopt;
}

// beginAbort: ensureTransactional, maybeFailWithError unless in
// ABORTABLE_ERROR, transitionTo(ABORTING_TRANSACTION), newPartitionsInTransaction.clear().
ProducerCallResult ProducerTransactions::abort_transaction() {
  if (auto e = ensure_transactional()) return e;
  if (manager_.state() != State::ABORTABLE_ERROR)
    if (auto e = maybe_fail_with_error()) return e;
  if (auto e = transition_to(State::ABORTING_TRANSACTION)) return e;
  client_.new_partitions.clear();
  client_.committing = false;
  return std::nullopt;
}

// transitionToAbortableError: skipped while aborting; otherwise
// transitionTo(ABORTABLE_ERROR, exception) from the Sender thread.
void ProducerTransactions::transition_to_abortable_error(Errors error) {
  if (manager_.state() == State::ABORTING_TRANSACTION) return;
  if (!manager_.transition_to(State::ABORTABLE_ERROR, TransactionManager::Origin::Sender)) client_.last_error = error;
  else client_.last_error = Errors::NONE;  // poisoned: lastError is the IllegalStateException
}

// transitionToFatalError: FATAL_ERROR is valid from every state.
void ProducerTransactions::transition_to_fatal_error(Errors error) {
  manager_.transition_to(State::FATAL_ERROR, TransactionManager::Origin::Sender);
  client_.last_error = error;
}

bool ProducerTransactions::has_ongoing_transaction(const TransactionManager& manager) {
  const State s = manager.state();
  return s == State::IN_TRANSACTION || s == State::COMMITTING_TRANSACTION || s == State::ABORTING_TRANSACTION ||
         s == State::ABORTABLE_ERROR;
}

bool ProducerTransactions::is_send_to_partition_allowed(const TransactionManager& manager,
                                                        const TransactionalClient& client, std::int32_t partition) {
  if (manager.state() == State::FATAL_ERROR) return false;
  return manager.transactional_id().empty() || client.partitions_in_transaction.contains(partition);
}

}  // namespace kafka_model
