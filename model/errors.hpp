// The Kafka error codes the world answers with (org.apache.kafka.common.protocol.Errors).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kafka_model {

enum class Errors : std::uint8_t {
  NONE,
  NOT_LEADER_OR_FOLLOWER,            // retriable; the producer refreshes metadata
  NOT_ENOUGH_REPLICAS,               // retriable; nothing was written
  NOT_ENOUGH_REPLICAS_AFTER_APPEND,  // retriable; already in the leader's log
  OUT_OF_ORDER_SEQUENCE_NUMBER,      // see TransactionManager.canRetry
  INVALID_PRODUCER_EPOCH,            // fatal for the batch
  REQUEST_TIMED_OUT,                 // retriable: request.timeout.ms passed, connection closed
  NETWORK_EXCEPTION,                 // retriable: the connection was lost
  // Answers of older brokers (Kafka 3.9's own broker no longer sends them for
  // an idempotent producer; the client still handles them): see
  // TransactionManager.canRetry (UNKNOWN_PRODUCER_ID) and Sender.completeBatch
  // (DUPLICATE_SEQUENCE_NUMBER). Neither exception is a RetriableException.
  UNKNOWN_PRODUCER_ID,               // the broker has no state for the producer id
  DUPLICATE_SEQUENCE_NUMBER,         // already written, offset no longer cached: success, offset -1
  // Transactions (the transaction coordinator's answers; TransactionManager's
  // handlers: retriable ones are retried, PRODUCER_FENCED is fatal).
  COORDINATOR_NOT_AVAILABLE,         // retriable: the coordinator's broker is down
  NOT_COORDINATOR,                   // retriable: look the coordinator up again
  COORDINATOR_LOAD_IN_PROGRESS,      // retriable: the new coordinator is still reading __transaction_state
  CONCURRENT_TRANSACTIONS,           // retriable: the previous transaction is still completing
  PRODUCER_FENCED,                   // a newer epoch of the transactional.id exists
  INVALID_TXN_STATE,                 // the request does not fit the coordinator's state
  TRANSACTION_ABORTED,               // client side: TransactionAbortedException for a batch of an aborted transaction
  TIMEOUT,                           // (stays last) client-side TimeoutException: delivery.timeout.ms or max.block.ms
};

constexpr std::string_view to_string(Errors e) {
  switch (e) {
    case Errors::NONE: return "NONE";
    case Errors::NOT_LEADER_OR_FOLLOWER: return "NOT_LEADER_OR_FOLLOWER";
    case Errors::NOT_ENOUGH_REPLICAS: return "NOT_ENOUGH_REPLICAS";
    case Errors::NOT_ENOUGH_REPLICAS_AFTER_APPEND: return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
    case Errors::OUT_OF_ORDER_SEQUENCE_NUMBER: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
    case Errors::INVALID_PRODUCER_EPOCH: return "INVALID_PRODUCER_EPOCH";
    case Errors::REQUEST_TIMED_OUT: return "REQUEST_TIMED_OUT";
    case Errors::NETWORK_EXCEPTION: return "NETWORK_EXCEPTION";
    case Errors::UNKNOWN_PRODUCER_ID: return "UNKNOWN_PRODUCER_ID";
    case Errors::DUPLICATE_SEQUENCE_NUMBER: return "DUPLICATE_SEQUENCE_NUMBER";
    case Errors::COORDINATOR_NOT_AVAILABLE: return "COORDINATOR_NOT_AVAILABLE";
    case Errors::NOT_COORDINATOR: return "NOT_COORDINATOR";
    case Errors::COORDINATOR_LOAD_IN_PROGRESS: return "COORDINATOR_LOAD_IN_PROGRESS";
    case Errors::CONCURRENT_TRANSACTIONS: return "CONCURRENT_TRANSACTIONS";
    case Errors::PRODUCER_FENCED: return "PRODUCER_FENCED";
    case Errors::INVALID_TXN_STATE: return "INVALID_TXN_STATE";
    case Errors::TRANSACTION_ABORTED: return "TransactionAbortedException";
    case Errors::TIMEOUT: return "TimeoutException";
  }
  return "?";
}

inline std::optional<Errors> parse_error(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(Errors::TIMEOUT); ++i)
    if (to_string(static_cast<Errors>(i)) == text) return static_cast<Errors>(i);
  return std::nullopt;
}

// Errors whose exception extends RetriableException in Kafka.
constexpr bool is_retriable(Errors e) {
  return e == Errors::NOT_LEADER_OR_FOLLOWER || e == Errors::NOT_ENOUGH_REPLICAS ||
         e == Errors::NOT_ENOUGH_REPLICAS_AFTER_APPEND || e == Errors::REQUEST_TIMED_OUT ||
         e == Errors::NETWORK_EXCEPTION;
}

}  // namespace kafka_model
