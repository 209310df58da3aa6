// Facade of the producer client's transaction/idempotence state machine,
// mirroring org.apache.kafka.clients.producer.internals.TransactionManager
// (its State enum and isTransitionValid/transitionTo). No MSM type here: the
// table lives in transaction_manager.cpp.
//
// The idempotent, non-transactional producer runs the same machine (Kafka
// does too): UNINITIALIZED -> INITIALIZING -> READY, and the KIP-360 epoch
// bump READY -> UNINITIALIZED -> INITIALIZING -> READY.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "statemachines/kafka_version.hpp"
#include "statemachines/machine_description.hpp"

namespace kafka_model {

class TransactionManager {
 public:
  enum class State : std::uint8_t {
    UNINITIALIZED,
    INITIALIZING,
    READY,
    IN_TRANSACTION,
    COMMITTING_TRANSACTION,
    ABORTING_TRANSACTION,
    ABORTABLE_ERROR,
    FATAL_ERROR,
  };
  static constexpr int kStateCount = 8;

  // Who asks for a transition. An invalid application call throws
  // IllegalStateException and leaves the state as it was; an invalid
  // transition attempted by the sender thread poisons the manager into
  // FATAL_ERROR (KAFKA-14831, shouldPoisonStateOnInvalidTransition).
  enum class Origin : std::uint8_t { Application, Sender };

  // An empty transactional id means an idempotent, non-transactional producer.
  explicit TransactionManager(std::string transactional_id = {},
                              KafkaVersion version = KafkaVersion::V3_9);
  TransactionManager(const TransactionManager&);
  TransactionManager& operator=(const TransactionManager&);
  TransactionManager(TransactionManager&&) noexcept;
  TransactionManager& operator=(TransactionManager&&) noexcept;
  ~TransactionManager();

  State state() const;
  const std::string& transactional_id() const;
  KafkaVersion version() const;

  // Kafka's transitionTo(target). Returns nullopt when the transition is
  // valid (and taken), else Kafka's message, exactly:
  //   "TransactionalId <id>: Invalid transition attempted from state X to state Y"
  // (without the "TransactionalId <id>: " prefix when there is no id).
  std::optional<std::string> transition_to(State target, Origin origin = Origin::Application);

  // Would transition_to(target) be valid now? (no state change)
  bool can_transition_to(State target) const;

  bool operator==(const TransactionManager&) const;
  bool operator!=(const TransactionManager& o) const { return !(*this == o); }
  std::uint64_t hash() const;  // canonical: state + transactional id + version

  static const char* name(State);  // "READY", ...
  static MachineDescription describe();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kafka_model
