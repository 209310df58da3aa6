// The configuration of the simulated world: what the producer and the brokers
// run with, built from Kafka-style properties the way Kafka `version` builds
// them (ConfigDef parsing and validators, ProducerConfig.postProcessParsedConfig,
// the KafkaProducer constructor's checks).
//
// Sources read (apache/kafka, branches 2.8 and 3.9; 4.0 = trunk after
// KAFKA-17927 / KAFKA-18262 / KIP-1030; 4.3 = 4.0's rules, docs/model.md
// "Kafka 4.1 to 4.3"):
//   clients/.../producer/ProducerConfig.java   (definitions, defaults, idempotence rules)
//   clients/.../producer/KafkaProducer.java    (configureDeliveryTimeout, 2.8 configureInflightRequests/Acks)
//   clients/.../common/config/ConfigDef.java   (parseType, Range, ValidString, NonEmptyString messages)
//   clients/.../common/config/AbstractConfig.java (logUnused: the unknown-key warning)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "statemachines/kafka_version.hpp"

namespace kafka_model {

// acks: the parsed value Kafka runs with ("all" is stored as -1, ProducerConfig.parseAcks).
enum class Acks : std::int8_t { Zero = 0, One = 1, All = -1 };

const char* to_string(Acks acks);  // "0", "1", "all"

// The producer as it runs, i.e. after Kafka's overrides (not what the user typed).
// Default member values are 3.9's; use default_configuration(version) for another release.
struct ProducerConfig {
  Acks acks = Acks::All;                                     // acks
  std::int32_t retries = 2147483647;                         // retries
  std::int32_t max_in_flight_requests_per_connection = 5;    // max.in.flight.requests.per.connection
  bool enable_idempotence = true;                            // enable.idempotence: EFFECTIVE value
  bool enable_idempotence_explicit = false;                  // the user set enable.idempotence
  std::int64_t delivery_timeout_ms = 120000;                 // delivery.timeout.ms (Kafka type INT)
  std::int64_t request_timeout_ms = 30000;                   // request.timeout.ms (Kafka type INT)
  std::int64_t linger_ms = 0;                                // linger.ms (capped at INT_MAX as KafkaProducer.lingerMs)
  std::int32_t batch_size = 16384;                           // batch.size, bytes
  std::int64_t buffer_memory = 33554432;                     // buffer.memory, bytes
  std::int64_t max_block_ms = 60000;                         // max.block.ms
  std::int64_t retry_backoff_ms = 100;                       // retry.backoff.ms
  // retry.backoff.max.ms (KIP-580, 3.7+): retries back off exponentially with
  // 20% jitter up to this (RecordAccumulator, CommonClientConfigs.RETRY_BACKOFF_*);
  // 2.8 has no such key and backs off retry.backoff.ms exactly (set equal here).
  std::int64_t retry_backoff_max_ms = 1000;
  std::int64_t reconnect_backoff_ms = 50;                    // reconnect.backoff.ms
  std::int64_t reconnect_backoff_max_ms = 1000;              // reconnect.backoff.max.ms (ClusterConnectionStates)
  std::string transactional_id;                              // transactional.id; empty = none
  std::int64_t transaction_timeout_ms = 60000;               // transaction.timeout.ms (Kafka type INT)
  std::string partitioner_class;                             // partitioner.class; empty = built-in default

  bool operator==(const ProducerConfig&) const = default;
};

// The cluster and the one topic the world runs. Keys (for Properties):
//   model.brokers                          brokers (model key: how many brokers the world starts)
//   num.partitions                         partitions of the topic (Kafka's auto-create key)
//   default.replication.factor             replication_factor (Kafka's auto-create key; model default 3)
//   min.insync.replicas                    min_insync_replicas
//   unclean.leader.election.enable         unclean_leader_election_enable
//   replica.lag.time.max.ms                replica_lag_time_max_ms
//   replica.fetch.wait.max.ms              replica_fetch_wait_max_ms (<= replica.lag.time.max.ms)
//   model.producer.state.batches.to.retain producer_state_batches_to_retain (what-if knob,
//                                          ProducerStateEntry.NUM_BATCHES_TO_RETAIN; not a Kafka key)
//   model.reject.nonzero.first.sequence.on.empty.partition
//                                          reject_nonzero_first_sequence_on_empty_partition (what-if knob:
//                                          KAFKA-15591's partial fix, apache/kafka PR 23234, Kafka 4.5; every
//                                          modelled release: false)
//   producer.id.expiration.ms              producer_id_expiration_ms (2.8: transactional.id.expiration.ms)
//   producer.id.expiration.check.interval.ms producer_id_expiration_check_interval_ms
//   transaction.state.log.replication.factor transaction_state_log_replication_factor
//   transaction.state.log.min.isr          transaction_state_log_min_isr
struct BrokerConfig {
  std::int32_t brokers = 3;
  std::int32_t partitions = 1;
  std::int32_t replication_factor = 3;
  std::int32_t min_insync_replicas = 1;
  bool unclean_leader_election_enable = false;
  std::int64_t replica_lag_time_max_ms = 30000;
  // How long a leader holds a follower's fetch that finds nothing new
  // (DelayedFetch in the fetch purgatory): the follower's long poll.
  std::int64_t replica_fetch_wait_max_ms = 500;
  std::int32_t producer_state_batches_to_retain = 5;
  // A leader with no state for a producer refuses its first batch with
  // OUT_OF_ORDER_SEQUENCE_NUMBER unless it starts at sequence 0, on a
  // partition that never held a record (4.5's rule; the race remains on a
  // partition with data).
  bool reject_nonzero_first_sequence_on_empty_partition = false;
  // ProducerStateManager.removeExpiredProducers: a producer idle this long
  // loses its state on every replica (producer.id.expiration.ms, 3.4+, KIP-854;
  // 2.8: transactional.id.expiration.ms), checked every
  // producer.id.expiration.check.interval.ms.
  std::int64_t producer_id_expiration_ms = 86400000;
  std::int64_t producer_id_expiration_check_interval_ms = 600000;
  // The cluster's finalized transaction.version feature (KIP-890 part 2,
  // KIP-1022): 2 runs Transactions V2 (Kafka 4.0+; a new 4.0 cluster has 2),
  // 0 and 1 Transactions V1 (1 only changes the __transaction_state record
  // format). Not a broker property in Kafka (kafka-storage format --feature /
  // kafka-features upgrade set it); the model reads it as one.
  std::int32_t transaction_version = 0;
  // The __transaction_state partition of the transactional.id
  // (TransactionLogConfigs, 3.9: replication factor SHORT default 3,
  // min.isr INT default 2). Kafka does not create the topic until that many
  // brokers are up; on a model cluster of fewer brokers an unset factor is
  // the cluster's size (a one-broker dev setup sets it to 1). min.isr is
  // capped at the factor.
  std::int32_t transaction_state_log_replication_factor = 3;
  std::int32_t transaction_state_log_min_isr = 2;

  bool operator==(const BrokerConfig&) const = default;
};

// The consumer (consumer.properties): isolation.level changes what the
// final read returns (ConsumerConfig.ISOLATION_LEVEL_CONFIG, default
// read_uncommitted; the values are case-insensitive as IsolationLevel's).
// With a transactional producer, group.id makes the application
// consume-transform-produce (docs/model.md "Transactions"): it consumes an
// input topic in that group, and enable.auto.commit says how it commits the
// consumed offsets: false, as an exactly-once application sets it (Kafka
// Streams' StreamsConfig forces it false), through the producer's
// sendOffsetsToTransaction; true, Kafka's default (ConsumerConfig
// ENABLE_AUTO_COMMIT_CONFIG), by the consumer's auto-commit outside the
// transaction, every auto.commit.interval.ms (default 5000) and on close.
struct ConsumerConfig {
  bool read_committed = false;  // isolation.level=read_committed: up to the LSO, aborted records dropped
  std::string group_id;                       // group.id (default null)
  bool enable_auto_commit = true;             // enable.auto.commit (ConsumerConfig default true)
  std::int64_t auto_commit_interval_ms = 5000;  // auto.commit.interval.ms (ConsumerConfig default 5000)
  bool operator==(const ConsumerConfig&) const = default;
};

struct Configuration {
  KafkaVersion version = KafkaVersion::V3_9;
  ProducerConfig producer;
  BrokerConfig broker;
  ConsumerConfig consumer;
  // What Kafka would log while building this configuration (unknown keys,
  // idempotence silently disabled, delivery.timeout.ms raised), plus the
  // model's own warnings (min.insync.replicas > replication factor).
  std::vector<std::string> warnings;

  bool idempotent() const { return producer.enable_idempotence; }
  bool transactional() const { return !producer.transactional_id.empty(); }
  // Transactions V2 (KIP-890 part 2): a 4.0+ producer uses it when the
  // finalized transaction.version is at least 2 (TransactionManager
  // .maybeUpdateTransactionV2Enabled).
  bool transactions_v2() const { return transactional() && broker.transaction_version >= 2; }
  // The application consumes an input topic, transforms and produces
  // (transactional.id and the consumer's group.id set).
  bool consume_process_produce() const { return transactional() && !consumer.group_id.empty(); }
  // ... and commits the consumed offsets in its transactions.
  bool sends_offsets_to_transaction() const { return consume_process_produce() && !consumer.enable_auto_commit; }
  // The effective configuration as Kafka key -> value text, for reports.
  // Unset strings print as Kafka logs them: "null".
  std::map<std::string, std::string> effective_producer_properties() const;
  std::map<std::string, std::string> effective_broker_properties() const;

  bool operator==(const Configuration&) const = default;
};

enum class ConfigErrorKind {
  InvalidValue,          // a value of the wrong type or out of range (ConfigDef's "Invalid value ..." text)
  UnknownKey,            // strict mode only: a key neither Kafka nor the model knows
  KafkaConfigException,  // Kafka's own refusal at producer construction, with Kafka's message
};
const char* to_string(ConfigErrorKind kind);

struct ConfigError {
  ConfigErrorKind kind;
  std::string key;      // the key the error is about
  std::string message;

  bool operator==(const ConfigError&) const = default;
};

using Properties = std::map<std::string, std::string>;  // key -> raw text value

struct ConfigResult {
  std::optional<Configuration> config;
  std::optional<ConfigError> error;
};

// Builds the configuration Kafka `version` would run with. Unknown keys are
// warnings (as Kafka logs them) unless strict, then an UnknownKey error. Values
// are validated (type, range, enumerations) with a message naming the key and
// the rule. Kafka's own refusals (ConfigException at producer construction)
// come back as KafkaConfigException with Kafka's message text. Exactly one of
// config / error is set.
ConfigResult build_configuration(KafkaVersion version, const Properties& producer, const Properties& broker,
                                 bool strict = false);

// Applies consumer properties (isolation.level, group.id, enable.auto.commit,
// auto.commit.interval.ms; any other consumer key is accepted and not modelled) to `config`; an invalid value is an error
// naming the key and Kafka's valid values.
std::optional<ConfigError> apply_consumer_properties(Configuration& config, const Properties& consumer);
const char* isolation_level_text(const ConsumerConfig& consumer);  // "read_committed" / "read_uncommitted"
// group.id, enable.auto.commit, auto.commit.interval.ms, typed as ConfigDef
// reads them (config.cpp); apply_consumer_properties calls it.
std::optional<ConfigError> read_consumer_group_properties(ConsumerConfig& consumer, const Properties& props);

// A broker/topic key (model.brokers, min.insync.replicas, ...), as opposed to
// a producer key: which file a key belongs in.
bool is_broker_key(std::string_view key);

// What `version` runs with when nothing is set.
Configuration default_configuration(KafkaVersion version);

}  // namespace kafka_model
