// Facade of one ProducerBatch's lifecycle in the client, mirroring how
// RecordAccumulator and Sender move org.apache.kafka.clients.producer.internals.ProducerBatch
// (tryAppend/closeForRecordAppends, drain, reenqueue, done/abort, and
// delivery.timeout.ms expiry in RecordAccumulator.expiredBatches and
// Sender.getExpiredInflightBatches). The table lives in
// producer_batch_lifecycle.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "statemachines/machine_description.hpp"

namespace kafka_model {

class ProducerBatchLifecycle {
 public:
  enum class State : std::uint8_t {
    Open,            // in the accumulator, accepting records
    Closed,          // full, linger.ms elapsed or flushed: ready to drain
    InFlight,        // drained into a produce request (sequence assigned on first drain)
    WaitingToRetry,  // retriable error; re-enqueued, retry.backoff.ms pending
    Succeeded,       // acknowledged (or acks=0 sent)
    Failed,          // non-retriable error, retries exhausted, or aborted
    Expired,         // delivery.timeout.ms reached: TimeoutException to the app
  };
  static constexpr int kStateCount = 7;

  // `retries`: the producer's retries setting (Kafka's canRetry:
  // batch.attempts() < retries).
  explicit ProducerBatchLifecycle(std::int32_t retries);
  ProducerBatchLifecycle(const ProducerBatchLifecycle&);
  ProducerBatchLifecycle& operator=(const ProducerBatchLifecycle&);
  ProducerBatchLifecycle(ProducerBatchLifecycle&&) noexcept;
  ProducerBatchLifecycle& operator=(ProducerBatchLifecycle&&) noexcept;
  ~ProducerBatchLifecycle();

  // Each call feeds one event. nullopt when the table took it; otherwise the
  // rejection "<Event> rejected in state <State>" and the state is unchanged.
  std::optional<std::string> close();        // BatchClosed
  std::optional<std::string> drain();        // Drained (first drain assigns the sequence)
  std::optional<std::string> succeed();      // ResponseSucceeded (a duplicate answer included)
  // RetriableErrorReceived: -> WaitingToRetry when retries remain and the
  // producer allows it (not past delivery.timeout.ms; for idempotence,
  // TransactionManager.canRetry); else -> Failed.
  std::optional<std::string> fail_retriable(bool producer_allows_retry);
  std::optional<std::string> fail_fatal();       // NonRetriableErrorReceived -> Failed
  std::optional<std::string> backoff_elapsed();  // RetryBackoffElapsed -> Closed
  std::optional<std::string> expire();           // DeliveryTimeoutReached -> Expired
  std::optional<std::string> abort();            // Aborted (close, abortTransaction, fatal error) -> Failed

  State state() const;
  std::int32_t attempts() const;  // times drained into a request
  std::int32_t retries_used() const;
  bool ever_sent() const;
  // Expired after being sent at least once: it may be in the log.
  bool outcome_unknown() const;
  bool is_done() const;  // Succeeded, Failed or Expired

  bool operator==(const ProducerBatchLifecycle&) const;
  bool operator!=(const ProducerBatchLifecycle& o) const { return !(*this == o); }
  std::uint64_t hash() const;

  static const char* name(State);
  static MachineDescription describe();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kafka_model
