// model: the world's configuration — each release's defaults, Kafka's
// ConfigException rules with their exact texts, value validation, unknown keys,
// the broker side, and the effective-properties report.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "model/config.hpp"

namespace kafka_model {
namespace {

constexpr std::array kAllVersions = {KafkaVersion::V2_8, KafkaVersion::V3_9, KafkaVersion::V4_0, KafkaVersion::V4_3};

ConfigResult build(KafkaVersion v, const Properties& producer, const Properties& broker = {}, bool strict = false) {
  return build_configuration(v, producer, broker, strict);
}

Configuration ok(KafkaVersion v, const Properties& producer, const Properties& broker = {}) {
  ConfigResult r = build(v, producer, broker);
  EXPECT_FALSE(r.error) << to_string(v) << ": " << (r.error ? r.error->message : "");
  EXPECT_TRUE(r.config);
  return r.config ? *r.config : Configuration{};
}

ConfigError error(KafkaVersion v, const Properties& producer, const Properties& broker = {}, bool strict = false) {
  ConfigResult r = build(v, producer, broker, strict);
  EXPECT_FALSE(r.config) << to_string(v) << ": expected an error";
  EXPECT_TRUE(r.error);
  return r.error ? *r.error : ConfigError{};
}

bool has_warning(const Configuration& c, const std::string& text) {
  return std::find(c.warnings.begin(), c.warnings.end(), text) != c.warnings.end();
}

void expect_kafka_exception(const ConfigError& e, const std::string& k, const std::string& message) {
  EXPECT_EQ(e.kind, ConfigErrorKind::KafkaConfigException);
  EXPECT_EQ(e.key, k);
  EXPECT_EQ(e.message, message);
}

const std::string kAcksMessage =
    "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.";
const std::string kRetriesMessage = "Must set retries to non-zero when using the idempotent producer.";
const std::string kTransactionalIdMessage = "Cannot set a transactional.id without also enabling idempotence.";
const std::string kInFlightMessage3x =
    "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.";
const std::string kDeliveryMessage =
    "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms";

// ------------------------------------------------------------------ defaults

TEST(ConfigDefaults, ValuesSharedByAllReleases) {
  for (KafkaVersion v : kAllVersions) {
    SCOPED_TRACE(to_string(v));
    const ProducerConfig p = default_configuration(v).producer;
    EXPECT_EQ(p.retries, 2147483647);
    EXPECT_EQ(p.max_in_flight_requests_per_connection, 5);
    EXPECT_EQ(p.delivery_timeout_ms, 120000);
    EXPECT_EQ(p.request_timeout_ms, 30000);
    EXPECT_EQ(p.batch_size, 16384);
    EXPECT_EQ(p.buffer_memory, 33554432);
    EXPECT_EQ(p.max_block_ms, 60000);
    EXPECT_EQ(p.retry_backoff_ms, 100);
    EXPECT_EQ(p.transaction_timeout_ms, 60000);
    EXPECT_EQ(p.transactional_id, "");
    EXPECT_EQ(p.partitioner_class, "");
    EXPECT_FALSE(p.enable_idempotence_explicit);
    EXPECT_TRUE(default_configuration(v).warnings.empty());
  }
}

TEST(ConfigDefaults, Kafka28AcksOneWithoutIdempotence) {
  const Configuration c = default_configuration(KafkaVersion::V2_8);
  EXPECT_EQ(c.version, KafkaVersion::V2_8);
  EXPECT_EQ(c.producer.acks, Acks::One);
  EXPECT_FALSE(c.idempotent());
  EXPECT_EQ(c.producer.linger_ms, 0);
}

TEST(ConfigDefaults, Kafka39AcksAllWithIdempotence) {
  const Configuration c = default_configuration(KafkaVersion::V3_9);
  EXPECT_EQ(c.producer.acks, Acks::All);
  EXPECT_TRUE(c.idempotent());
  EXPECT_FALSE(c.transactional());
  EXPECT_EQ(c.producer.linger_ms, 0);
}

TEST(ConfigDefaults, Kafka40LingersFiveMilliseconds) {  // KIP-1030
  const Configuration c = default_configuration(KafkaVersion::V4_0);
  EXPECT_EQ(c.producer.acks, Acks::All);
  EXPECT_TRUE(c.idempotent());
  EXPECT_EQ(c.producer.linger_ms, 5);
}

TEST(ConfigDefaults, BrokerSide) {
  const BrokerConfig b = default_configuration(KafkaVersion::V3_9).broker;
  EXPECT_EQ(b.brokers, 3);
  EXPECT_EQ(b.partitions, 1);
  EXPECT_EQ(b.replication_factor, 3);
  EXPECT_EQ(b.min_insync_replicas, 1);
  EXPECT_FALSE(b.unclean_leader_election_enable);
  EXPECT_EQ(b.replica_lag_time_max_ms, 30000);
  EXPECT_EQ(b.replica_fetch_wait_max_ms, 500);
  EXPECT_EQ(b.producer_state_batches_to_retain, 5);
}

// KafkaConfig.validateValues: the broker refuses to start when a follower's
// long poll could outlast replica.lag.time.max.ms.
TEST(ConfigBroker, FetchWaitMaxMustNotExceedTheLagTime) {
  for (KafkaVersion v : {KafkaVersion::V2_8, KafkaVersion::V3_9, KafkaVersion::V4_0}) {
    expect_kafka_exception(error(v, {}, {{"replica.lag.time.max.ms", "200"}}), "replica.fetch.wait.max.ms",
                           "requirement failed: replica.fetch.wait.max.ms should always be less than or equal to "
                           "replica.lag.time.max.ms to prevent frequent changes in ISR");
    EXPECT_EQ(ok(v, {}, {{"replica.lag.time.max.ms", "200"}, {"replica.fetch.wait.max.ms", "200"}})
                  .broker.replica_fetch_wait_max_ms,
              200);
    // An INT without a validator: 0 or less answers every fetch at once.
    EXPECT_EQ(ok(v, {}, {{"replica.fetch.wait.max.ms", "-1"}}).broker.replica_fetch_wait_max_ms, -1);
    EXPECT_EQ(error(v, {}, {{"replica.fetch.wait.max.ms", "2147483648"}}).key, "replica.fetch.wait.max.ms");
  }
}

// ----------------------------------------------------------- value parsing

TEST(ConfigValues, AcksAcceptsAllMinusOneZeroOne) {
  EXPECT_EQ(ok(KafkaVersion::V3_9, {{"acks", "all"}}).producer.acks, Acks::All);
  EXPECT_EQ(ok(KafkaVersion::V3_9, {{"acks", "-1"}}).producer.acks, Acks::All);
  EXPECT_EQ(ok(KafkaVersion::V3_9, {{"acks", " 0 "}}).producer.acks, Acks::Zero);
  EXPECT_EQ(ok(KafkaVersion::V2_8, {{"acks", "1"}}).producer.acks, Acks::One);
}

TEST(ConfigValues, AcksRejectsOtherValuesWithConfigDefText) {
  const ConfigError e = error(KafkaVersion::V3_9, {{"acks", "2"}});
  EXPECT_EQ(e.kind, ConfigErrorKind::InvalidValue);
  EXPECT_EQ(e.key, "acks");
  EXPECT_EQ(e.message, "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1");
  // ValidString is case-sensitive.
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"acks", "ALL"}}).message,
            "Invalid value ALL for configuration acks: String must be one of: all, -1, 0, 1");
}

TEST(ConfigValues, NonNumbersNameTheKeyAndTheType) {
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"retries", "abc"}}).message,
            "Invalid value abc for configuration retries: Not a number of type INT");
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"linger.ms", "1.5"}}).message,
            "Invalid value 1.5 for configuration linger.ms: Not a number of type LONG");
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"request.timeout.ms", "2147483648"}}).message,
            "Invalid value 2147483648 for configuration request.timeout.ms: Not a number of type INT");
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"buffer.memory", ""}}).message,
            "Invalid value  for configuration buffer.memory: Not a number of type LONG");
}

TEST(ConfigValues, OutOfRangeNamesTheKeyAndTheBound) {
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"retries", "-1"}}).message,
            "Invalid value -1 for configuration retries: Value must be at least 0");
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"max.in.flight.requests.per.connection", "0"}}).message,
            "Invalid value 0 for configuration max.in.flight.requests.per.connection: Value must be at least 1");
}

TEST(ConfigValues, EveryNumericKeyRejectsBadTypeAndRange) {
  const std::array<std::pair<const char*, const char*>, 10> cases = {{
      {"retries", "-1"}, {"max.in.flight.requests.per.connection", "0"}, {"delivery.timeout.ms", "-1"},
      {"request.timeout.ms", "-1"}, {"linger.ms", "-1"}, {"batch.size", "-1"}, {"buffer.memory", "-1"},
      {"max.block.ms", "-1"}, {"retry.backoff.ms", "-1"}, {"transaction.timeout.ms", "x"},
  }};
  for (KafkaVersion v : kAllVersions) {
    for (const auto& [k, out_of_range] : cases) {
      SCOPED_TRACE(std::string(to_string(v)) + " " + k);
      for (const char* bad : {out_of_range, "ten"}) {
        const ConfigError e = error(v, {{k, bad}});
        EXPECT_EQ(e.kind, ConfigErrorKind::InvalidValue);
        EXPECT_EQ(e.key, k);
        EXPECT_NE(e.message.find(std::string("for configuration ") + k + ": "), std::string::npos) << e.message;
      }
    }
  }
}

TEST(ConfigValues, NumbersAreTrimmedAndMayCarryASign) {
  const Configuration c = ok(KafkaVersion::V3_9, {{"retries", " +3 "}, {"batch.size", "0"}, {"linger.ms", "\t7"}});
  EXPECT_EQ(c.producer.retries, 3);
  EXPECT_EQ(c.producer.batch_size, 0);
  EXPECT_EQ(c.producer.linger_ms, 7);
}

TEST(ConfigValues, BooleansAreCaseInsensitive) {
  EXPECT_TRUE(ok(KafkaVersion::V2_8, {{"enable.idempotence", "TRUE"}}).idempotent());
  EXPECT_FALSE(ok(KafkaVersion::V3_9, {{"enable.idempotence", " False "}}).idempotent());
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"enable.idempotence", "yes"}}).message,
            "Invalid value yes for configuration enable.idempotence: Expected value to be either true or false");
  const ConfigError e = error(KafkaVersion::V3_9, {}, {{"unclean.leader.election.enable", "1"}});
  EXPECT_EQ(e.key, "unclean.leader.election.enable");
}

TEST(ConfigValues, TransactionalIdMustBeNonEmpty) {
  const ConfigError e = error(KafkaVersion::V3_9, {{"transactional.id", " "}});
  EXPECT_EQ(e.kind, ConfigErrorKind::InvalidValue);
  EXPECT_EQ(e.message, "Invalid value  for configuration transactional.id: String must be non-empty");
}

TEST(ConfigValues, PartitionerClassMustBeLoadableInThatRelease) {
  const std::string round_robin = "org.apache.kafka.clients.producer.RoundRobinPartitioner";
  const std::string legacy = "org.apache.kafka.clients.producer.internals.DefaultPartitioner";
  EXPECT_EQ(ok(KafkaVersion::V4_0, {{"partitioner.class", round_robin}}).producer.partitioner_class, round_robin);
  EXPECT_EQ(ok(KafkaVersion::V3_9, {{"partitioner.class", legacy}}).producer.partitioner_class, legacy);
  // Removed in 4.0 (KAFKA-18262).
  EXPECT_EQ(error(KafkaVersion::V4_0, {{"partitioner.class", legacy}}).message,
            "Invalid value " + legacy + " for configuration partitioner.class: Class " + legacy +
                " could not be found.");
}

TEST(ConfigValues, FirstBadKeyInKafkasDefinitionOrderWins) {
  // ConfigDef parses buffer.memory, retries, acks, ... in that order.
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"acks", "2"}, {"retries", "-1"}}).key, "retries");
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"acks", "2"}, {"buffer.memory", "-1"}}).key, "buffer.memory");
}

TEST(ConfigValues, TransactionTimeoutOutsideWhatTheCoordinatorAccepts) {
  EXPECT_EQ(ok(KafkaVersion::V3_9, {{"transaction.timeout.ms", "0"}}).producer.transaction_timeout_ms, 0);
  const ConfigError e = error(KafkaVersion::V3_9, {{"transactional.id", "tx"}, {"transaction.timeout.ms", "0"}});
  EXPECT_EQ(e.kind, ConfigErrorKind::InvalidValue);
  EXPECT_EQ(e.key, "transaction.timeout.ms");
  EXPECT_FALSE(build(KafkaVersion::V3_9, {{"transactional.id", "tx"}, {"transaction.timeout.ms", "900001"}}).config);
  EXPECT_TRUE(build(KafkaVersion::V3_9, {{"transactional.id", "tx"}, {"transaction.timeout.ms", "900000"}}).config);
}

// ------------------------------------------------- delivery.timeout.ms rule

TEST(ConfigDeliveryTimeout, SetBelowLingerPlusRequestTimeoutThrows) {
  for (KafkaVersion v : kAllVersions) {
    SCOPED_TRACE(to_string(v));
    expect_kafka_exception(
        error(v, {{"delivery.timeout.ms", "30000"}, {"linger.ms", "1"}, {"request.timeout.ms", "30000"}}),
        "delivery.timeout.ms", kDeliveryMessage);
    EXPECT_EQ(ok(v, {{"delivery.timeout.ms", "30001"}, {"linger.ms", "1"}, {"request.timeout.ms", "30000"}})
                  .producer.delivery_timeout_ms,
              30001);
  }
}

TEST(ConfigDeliveryTimeout, DefaultIsRaisedToLingerPlusRequestTimeout) {
  const Configuration c = ok(KafkaVersion::V3_9, {{"linger.ms", "100000"}, {"request.timeout.ms", "30000"}});
  EXPECT_EQ(c.producer.delivery_timeout_ms, 130000);
  EXPECT_TRUE(has_warning(c, "delivery.timeout.ms should be equal to or larger than linger.ms + "
                             "request.timeout.ms. Setting it to 130000."));
}

TEST(ConfigDeliveryTimeout, LingerIsCappedAtIntMax) {  // KafkaProducer.lingerMs
  const Configuration c = ok(KafkaVersion::V3_9, {{"linger.ms", "9999999999"}});
  EXPECT_EQ(c.producer.linger_ms, 2147483647);
  EXPECT_EQ(c.producer.delivery_timeout_ms, 2147483647);
}

// ------------------------------------------------------ idempotence rules

TEST(ConfigIdempotence, ExplicitIdempotenceWithConflictingSettingsThrows) {
  for (KafkaVersion v : kAllVersions) {
    SCOPED_TRACE(to_string(v));
    expect_kafka_exception(error(v, {{"enable.idempotence", "true"}, {"acks", "1"}}), "acks", kAcksMessage);
    expect_kafka_exception(error(v, {{"enable.idempotence", "true"}, {"acks", "0"}}), "acks", kAcksMessage);
    expect_kafka_exception(error(v, {{"enable.idempotence", "true"}, {"retries", "0"}}), "retries", kRetriesMessage);
  }
}

TEST(ConfigIdempotence, ExplicitIdempotenceWithSixInFlightThrowsWithTheReleasesText) {
  const Properties props = {{"enable.idempotence", "true"}, {"max.in.flight.requests.per.connection", "6"}};
  expect_kafka_exception(error(KafkaVersion::V2_8, props), "max.in.flight.requests.per.connection",
                         kInFlightMessage3x);
  expect_kafka_exception(error(KafkaVersion::V3_9, props), "max.in.flight.requests.per.connection",
                         kInFlightMessage3x);
  expect_kafka_exception(error(KafkaVersion::V4_0, props), "max.in.flight.requests.per.connection",
                         "To use the idempotent producer, max.in.flight.requests.per.connection must be set to "
                         "at most 5. Current value is 6.");
}

TEST(ConfigIdempotence, TransactionalIdWithIdempotenceExplicitlyOffThrows) {
  for (KafkaVersion v : kAllVersions) {
    SCOPED_TRACE(to_string(v));
    expect_kafka_exception(error(v, {{"transactional.id", "tx"}, {"enable.idempotence", "false"}}),
                           "transactional.id", kTransactionalIdMessage);
  }
}

TEST(ConfigIdempotence, TransactionalIdTurnsIdempotenceOn) {
  for (KafkaVersion v : kAllVersions) {
    SCOPED_TRACE(to_string(v));
    const Configuration c = ok(v, {{"transactional.id", "tx"}});
    EXPECT_TRUE(c.transactional());
    EXPECT_TRUE(c.idempotent());
    EXPECT_EQ(c.producer.transactional_id, "tx");
    EXPECT_EQ(c.producer.acks, Acks::All);
  }
}

TEST(ConfigIdempotence, Kafka28OverridesTheDefaultAcksForIdempotence) {
  const Configuration c = ok(KafkaVersion::V2_8, {{"transactional.id", "tx"}});
  EXPECT_TRUE(has_warning(c, "Overriding the default enable.idempotence to true since transactional.id is specified."));
  EXPECT_TRUE(has_warning(c, "Overriding the default acks to all since idempotence is enabled."));
  EXPECT_EQ(ok(KafkaVersion::V2_8, {{"enable.idempotence", "true"}}).producer.acks, Acks::All);
  // ... but a set acks must be all, also when idempotence comes from transactional.id.
  expect_kafka_exception(error(KafkaVersion::V2_8, {{"transactional.id", "tx"}, {"acks", "1"}}), "acks", kAcksMessage);
  expect_kafka_exception(error(KafkaVersion::V2_8, {{"transactional.id", "tx"}, {"retries", "0"}}), "retries",
                         kRetriesMessage);
}

TEST(ConfigIdempotence, Kafka28WithoutIdempotenceAcceptsAnything) {
  const Configuration c = ok(KafkaVersion::V2_8, {{"acks", "0"}, {"retries", "0"},
                                                  {"max.in.flight.requests.per.connection", "10"}});
  EXPECT_FALSE(c.idempotent());
  EXPECT_EQ(c.producer.max_in_flight_requests_per_connection, 10);
}

TEST(ConfigIdempotence, Kafka28ChecksDeliveryTimeoutBeforeInFlight) {  // KafkaProducer constructor order
  const ConfigError e = error(KafkaVersion::V2_8, {{"enable.idempotence", "true"},
                                                   {"max.in.flight.requests.per.connection", "6"},
                                                   {"delivery.timeout.ms", "0"}});
  EXPECT_EQ(e.key, "delivery.timeout.ms");
}

TEST(ConfigIdempotence, Kafka3xSilentlyTurnsDefaultIdempotenceOff) {
  for (KafkaVersion v : {KafkaVersion::V3_9, KafkaVersion::V4_0}) {
    SCOPED_TRACE(to_string(v));
    const Configuration acks1 = ok(v, {{"acks", "1"}});
    EXPECT_FALSE(acks1.idempotent());
    EXPECT_FALSE(acks1.producer.enable_idempotence_explicit);
    EXPECT_TRUE(has_warning(acks1, "Idempotence will be disabled because acks is set to 1, not set to 'all'."));
    const Configuration retries0 = ok(v, {{"retries", "0"}});
    EXPECT_FALSE(retries0.idempotent());
    EXPECT_TRUE(has_warning(retries0, "Idempotence will be disabled because retries is set to 0."));
  }
  const Configuration in_flight6 = ok(KafkaVersion::V3_9, {{"max.in.flight.requests.per.connection", "6"}});
  EXPECT_FALSE(in_flight6.idempotent());
  EXPECT_TRUE(has_warning(in_flight6,
                          "Idempotence will be disabled because max.in.flight.requests.per.connection is set to 6, "
                          "which is greater than 5. Please note that in v4.0.0 and onward, this will become an error."));
}

TEST(ConfigIdempotence, Kafka3xTransactionalIdCannotSurviveASilentlyDisabledIdempotence) {
  for (KafkaVersion v : {KafkaVersion::V3_9, KafkaVersion::V4_0}) {
    SCOPED_TRACE(to_string(v));
    expect_kafka_exception(error(v, {{"transactional.id", "tx"}, {"acks", "1"}}), "transactional.id",
                           kTransactionalIdMessage);
  }
}

TEST(ConfigIdempotence, Kafka40ThrowsForSixInFlightEvenWithDefaultIdempotence) {  // KAFKA-17927
  const std::string message =
      "To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. "
      "Current value is 6.";
  expect_kafka_exception(error(KafkaVersion::V4_0, {{"max.in.flight.requests.per.connection", "6"}}),
                         "max.in.flight.requests.per.connection", message);
  // Checked while idempotence is still on: acks=1 does not save it.
  expect_kafka_exception(
      error(KafkaVersion::V4_0, {{"acks", "1"}, {"max.in.flight.requests.per.connection", "6"}}),
      "max.in.flight.requests.per.connection", message);
  const Configuration off =
      ok(KafkaVersion::V4_0, {{"enable.idempotence", "false"}, {"max.in.flight.requests.per.connection", "6"}});
  EXPECT_FALSE(off.idempotent());
  EXPECT_TRUE(off.producer.enable_idempotence_explicit);
}

// ---------------------------------------------------------- unknown keys

TEST(ConfigUnknownKeys, WarnedAboutAsTheReleaseLogsThem) {
  const Configuration c28 = ok(KafkaVersion::V2_8, {{"x", "1"}, {"y", "2"}});
  EXPECT_TRUE(has_warning(c28, "The configuration 'x' was supplied but isn't a known config."));
  EXPECT_TRUE(has_warning(c28, "The configuration 'y' was supplied but isn't a known config."));
  const Configuration c39 = ok(KafkaVersion::V3_9, {{"x", "1"}, {"y", "2"}});
  EXPECT_TRUE(has_warning(c39, "These configurations '[x, y]' were supplied but are not used yet."));
  EXPECT_EQ(c39.producer, default_configuration(KafkaVersion::V3_9).producer);
}

TEST(ConfigUnknownKeys, StrictModeRefusesThem) {
  const ConfigError e = error(KafkaVersion::V3_9, {{"acks", "all"}, {"linger", "5"}}, {}, /*strict=*/true);
  EXPECT_EQ(e.kind, ConfigErrorKind::UnknownKey);
  EXPECT_EQ(e.key, "linger");
  EXPECT_NE(e.message.find("'linger'"), std::string::npos);
  const ConfigError b = error(KafkaVersion::V3_9, {}, {{"brokers", "3"}}, /*strict=*/true);
  EXPECT_EQ(b.kind, ConfigErrorKind::UnknownKey);
  EXPECT_EQ(b.key, "brokers");
}

TEST(ConfigUnknownKeys, KnownButUnmodelledKafkaKeysAreIgnoredEvenWhenStrict) {
  const ConfigResult r = build(KafkaVersion::V3_9, {{"bootstrap.servers", "localhost:9092"},
                                                    {"partitioner.ignore.keys", "true"}}, {}, /*strict=*/true);
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->warnings.size(), 2u);
  // partitioner.ignore.keys came with KIP-794 (3.3): 2.8 does not know it.
  EXPECT_EQ(error(KafkaVersion::V2_8, {{"partitioner.ignore.keys", "true"}}, {}, true).kind,
            ConfigErrorKind::UnknownKey);
}

// -------------------------------------------------------------- broker side

TEST(ConfigBroker, ParsesEveryKey) {
  const Configuration c = ok(KafkaVersion::V3_9, {},
                             {{"model.brokers", "5"}, {"num.partitions", "4"}, {"default.replication.factor", "5"},
                              {"min.insync.replicas", "2"}, {"unclean.leader.election.enable", "true"},
                              {"replica.lag.time.max.ms", "10000"}, {"model.producer.state.batches.to.retain", "3"}});
  const BrokerConfig expected{5, 4, 5, 2, true, 10000, 500, 3};
  EXPECT_EQ(c.broker, expected);
}

TEST(ConfigBroker, ReplicationFactorCannotExceedBrokers) {
  const ConfigError e = error(KafkaVersion::V3_9, {}, {{"model.brokers", "2"}});
  EXPECT_EQ(e.kind, ConfigErrorKind::InvalidValue);
  EXPECT_EQ(e.key, "default.replication.factor");
  EXPECT_EQ(e.message, "Invalid value 3 for configuration default.replication.factor: Replication factor: 3 "
                       "larger than available brokers: 2.");
  EXPECT_EQ(ok(KafkaVersion::V3_9, {}, {{"model.brokers", "2"}, {"default.replication.factor", "2"}})
                .broker.replication_factor,
            2);
}

TEST(ConfigBroker, RangesNameTheKey) {
  const std::array<std::pair<const char*, const char*>, 6> cases = {{
      {"model.brokers", "0"}, {"model.brokers", "65"}, {"num.partitions", "0"}, {"default.replication.factor", "0"},
      {"min.insync.replicas", "0"}, {"model.producer.state.batches.to.retain", "0"},
  }};
  for (const auto& [k, bad] : cases) {
    SCOPED_TRACE(k);
    const ConfigError e = error(KafkaVersion::V3_9, {}, {{k, bad}});
    EXPECT_EQ(e.kind, ConfigErrorKind::InvalidValue);
    EXPECT_EQ(e.key, k);
    EXPECT_NE(e.message.find(std::string("for configuration ") + k), std::string::npos) << e.message;
  }
  EXPECT_EQ(error(KafkaVersion::V3_9, {}, {{"min.insync.replicas", "0"}}).message,
            "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1");
}

// Backoff keys (ProducerConfig 3.9: reconnect.backoff.ms LONG 50, reconnect.backoff.max.ms
// LONG 1000, retry.backoff.max.ms LONG 1000 (KIP-580, 3.7), all atLeast(0)).
TEST(ConfigBackoff, DefaultsValidatorsAndTheKeyUnknownIn28) {
  const Configuration c = default_configuration(KafkaVersion::V3_9);
  EXPECT_EQ(c.producer.reconnect_backoff_ms, 50);
  EXPECT_EQ(c.producer.reconnect_backoff_max_ms, 1000);
  EXPECT_EQ(c.producer.retry_backoff_max_ms, 1000);
  EXPECT_EQ(ok(KafkaVersion::V4_0, {{"retry.backoff.max.ms", "250"}}).producer.retry_backoff_max_ms, 250);
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"reconnect.backoff.ms", "-1"}}).message,
            "Invalid value -1 for configuration reconnect.backoff.ms: Value must be at least 0");
  EXPECT_EQ(error(KafkaVersion::V3_9, {{"retry.backoff.max.ms", "x"}}).message,
            "Invalid value x for configuration retry.backoff.max.ms: Not a number of type LONG");
  // 2.8 has no retry.backoff.max.ms: an unknown key, and a fixed retry.backoff.ms.
  const Configuration old = ok(KafkaVersion::V2_8, {{"retry.backoff.max.ms", "5000"}, {"retry.backoff.ms", "30"}});
  EXPECT_EQ(old.producer.retry_backoff_max_ms, 30);
  EXPECT_TRUE(has_warning(old, "The configuration 'retry.backoff.max.ms' was supplied but isn't a known config."));
  EXPECT_FALSE(old.effective_producer_properties().contains("retry.backoff.max.ms"));
}

// 2.8 refuses every acks=all write then; since 3.7 Partition.effectiveMinIsr
// caps min.insync.replicas at the replica count, so 3.9 does not warn.
TEST(ConfigBroker, MinInsyncAboveReplicationFactorIsLegalButWarned) {
  const Configuration c = ok(KafkaVersion::V2_8, {}, {{"min.insync.replicas", "4"}});
  EXPECT_EQ(c.broker.min_insync_replicas, 4);
  EXPECT_TRUE(has_warning(c, "min.insync.replicas (4) is larger than the replication factor (3): every acks=all "
                             "write will fail with NOT_ENOUGH_REPLICAS."));
  const Configuration capped = ok(KafkaVersion::V3_9, {}, {{"min.insync.replicas", "4"}});
  EXPECT_EQ(capped.broker.min_insync_replicas, 4);
  EXPECT_FALSE(has_warning(capped, "min.insync.replicas (4) is larger than the replication factor (3): every "
                                   "acks=all write will fail with NOT_ENOUGH_REPLICAS."));
}

// --------------------------------------------------- effective properties

TEST(ConfigEffectiveProperties, DefaultsOf39) {
  const std::map<std::string, std::string> expected = {
      {"acks", "all"}, {"retries", "2147483647"}, {"max.in.flight.requests.per.connection", "5"},
      {"enable.idempotence", "true"}, {"delivery.timeout.ms", "120000"}, {"request.timeout.ms", "30000"},
      {"linger.ms", "0"}, {"batch.size", "16384"}, {"buffer.memory", "33554432"}, {"max.block.ms", "60000"},
      {"retry.backoff.ms", "100"}, {"transactional.id", "null"}, {"transaction.timeout.ms", "60000"},
      {"partitioner.class", "null"}, {"retry.backoff.max.ms", "1000"}, {"reconnect.backoff.ms", "50"},
      {"reconnect.backoff.max.ms", "1000"}};
  EXPECT_EQ(default_configuration(KafkaVersion::V3_9).effective_producer_properties(), expected);
}

TEST(ConfigEffectiveProperties, ShowWhatKafkaRunsWithNotWhatWasTyped) {
  const Configuration c = ok(KafkaVersion::V2_8, {{"transactional.id", "tx"}, {"linger.ms", "100000"}});
  const auto p = c.effective_producer_properties();
  EXPECT_EQ(p.at("acks"), "all");  // overridden from 2.8's default 1
  EXPECT_EQ(p.at("enable.idempotence"), "true");
  EXPECT_EQ(p.at("transactional.id"), "tx");
  EXPECT_EQ(p.at("delivery.timeout.ms"), "130000");
  EXPECT_EQ(ok(KafkaVersion::V3_9, {{"acks", "0"}}).effective_producer_properties().at("enable.idempotence"),
            "false");
}

TEST(ConfigEffectiveProperties, BrokerSide) {
  const std::map<std::string, std::string> expected = {
      {"model.brokers", "3"}, {"num.partitions", "1"}, {"default.replication.factor", "3"},
      {"min.insync.replicas", "1"}, {"unclean.leader.election.enable", "false"},
      {"replica.lag.time.max.ms", "30000"}, {"replica.fetch.wait.max.ms", "500"},
      {"model.producer.state.batches.to.retain", "5"},
      {"model.reject.nonzero.first.sequence.on.empty.partition", "false"},
      {"producer.id.expiration.ms", "86400000"}, {"producer.id.expiration.check.interval.ms", "600000"},
      {"transaction.version", "2"}};
  EXPECT_EQ(default_configuration(KafkaVersion::V4_0).effective_broker_properties(), expected);
}

// transaction.version (the finalized feature, read as a broker key): a new
// 4.0 cluster has 2 (Transactions V2); 1 (or 0) keeps 4.x on V1; 2.8 and 3.9
// run V1 only.
TEST(ConfigTransactionVersion, DefaultsPerReleaseAndV1OnFour) {
  EXPECT_EQ(default_configuration(KafkaVersion::V4_0).broker.transaction_version, 2);
  EXPECT_EQ(default_configuration(KafkaVersion::V4_3).broker.transaction_version, 2);
  EXPECT_EQ(default_configuration(KafkaVersion::V3_9).broker.transaction_version, 0);
  EXPECT_EQ(default_configuration(KafkaVersion::V2_8).broker.transaction_version, 0);
  const Configuration v1 = *build_configuration(KafkaVersion::V4_0, {{"transactional.id", "t"}},
                                                {{"transaction.version", "1"}}).config;
  EXPECT_FALSE(v1.transactions_v2());
  EXPECT_TRUE(build_configuration(KafkaVersion::V4_0, {{"transactional.id", "t"}}, {}).config->transactions_v2());
  EXPECT_FALSE(default_configuration(KafkaVersion::V4_0).transactions_v2());  // no transactional.id
  EXPECT_TRUE(build_configuration(KafkaVersion::V3_9, {}, {{"transaction.version", "2"}}).error.has_value());
  EXPECT_TRUE(build_configuration(KafkaVersion::V4_0, {}, {{"transaction.version", "3"}}).error.has_value());
  EXPECT_EQ(default_configuration(KafkaVersion::V3_9).effective_broker_properties().count("transaction.version"), 0u);
}

TEST(ConfigEffectiveProperties, EffectivePropertiesRebuildTheSameConfiguration) {
  for (KafkaVersion v : kAllVersions) {
    SCOPED_TRACE(to_string(v));
    const Configuration c = ok(v, {{"transactional.id", "tx"}, {"linger.ms", "7"}}, {{"min.insync.replicas", "2"}});
    Properties producer = c.effective_producer_properties();
    producer.erase("partitioner.class");  // "null" is how Kafka prints an unset class
    const Configuration again = ok(v, producer, c.effective_broker_properties());
    EXPECT_EQ(again.producer.acks, c.producer.acks);
    EXPECT_EQ(again.producer.transactional_id, c.producer.transactional_id);
    EXPECT_EQ(again.producer.enable_idempotence, c.producer.enable_idempotence);
    EXPECT_EQ(again.broker, c.broker);
  }
}

}  // namespace
}  // namespace kafka_model
