// Builds the world's configuration the way Kafka builds a producer's (see
// config.hpp for the sources). Order of checks follows Kafka: ConfigDef parses
// every key in definition order and throws on the first bad value; then
// ProducerConfig.postProcessParsedConfig applies the idempotence rules; then
// the KafkaProducer constructor checks delivery.timeout.ms (and, in 2.8, the
// in-flight limit).
#include "model/config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kafka_model {

namespace {

constexpr std::int64_t kIntMax = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kIntMin = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kLongMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kLongMin = std::numeric_limits<std::int64_t>::min();

// ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION_FOR_IDEMPOTENCE.
constexpr std::int32_t kMaxInFlightForIdempotence = 5;
// TransactionStateManagerConfigs.TRANSACTIONS_MAX_TIMEOUT_MS_DEFAULT (15 min):
// the coordinator refuses a larger transaction.timeout.ms.
constexpr std::int64_t kTransactionMaxTimeoutMs = 900000;

// ---------------------------------------------------------------- key names

namespace key {
constexpr const char* kAcks = "acks";
constexpr const char* kRetries = "retries";
constexpr const char* kMaxInFlight = "max.in.flight.requests.per.connection";
constexpr const char* kEnableIdempotence = "enable.idempotence";
constexpr const char* kDeliveryTimeout = "delivery.timeout.ms";
constexpr const char* kRequestTimeout = "request.timeout.ms";
constexpr const char* kLinger = "linger.ms";
constexpr const char* kBatchSize = "batch.size";
constexpr const char* kBufferMemory = "buffer.memory";
constexpr const char* kMaxBlock = "max.block.ms";
constexpr const char* kRetryBackoff = "retry.backoff.ms";
constexpr const char* kRetryBackoffMax = "retry.backoff.max.ms";      // KIP-580, 3.7+
constexpr const char* kReconnectBackoff = "reconnect.backoff.ms";
constexpr const char* kReconnectBackoffMax = "reconnect.backoff.max.ms";
constexpr const char* kTransactionalId = "transactional.id";
constexpr const char* kTransactionTimeout = "transaction.timeout.ms";
constexpr const char* kPartitionerClass = "partitioner.class";

constexpr const char* kBrokers = "model.brokers";
constexpr const char* kPartitions = "num.partitions";
constexpr const char* kReplicationFactor = "default.replication.factor";
constexpr const char* kMinInsyncReplicas = "min.insync.replicas";
constexpr const char* kUncleanLeaderElection = "unclean.leader.election.enable";
constexpr const char* kReplicaLagTimeMax = "replica.lag.time.max.ms";
constexpr const char* kReplicaFetchWaitMax = "replica.fetch.wait.max.ms";
constexpr const char* kProducerIdExpiration = "producer.id.expiration.ms";
constexpr const char* kTransactionalIdExpiration = "transactional.id.expiration.ms";  // 2.8's producer id expiry
constexpr const char* kProducerIdExpirationCheck = "producer.id.expiration.check.interval.ms";
constexpr const char* kBatchesToRetain = "model.producer.state.batches.to.retain";
constexpr const char* kRejectNonZeroFirstSequence = "model.reject.nonzero.first.sequence.on.empty.partition";
constexpr const char* kTransactionVersion = "transaction.version";  // a feature level, read as a broker key
constexpr const char* kTxnStateReplicationFactor = "transaction.state.log.replication.factor";
constexpr const char* kTxnStateMinIsr = "transaction.state.log.min.isr";
}  // namespace key

constexpr std::array kModelledProducerKeys = {
    key::kAcks,          key::kRetries,       key::kMaxInFlight,      key::kEnableIdempotence,
    key::kDeliveryTimeout, key::kRequestTimeout, key::kLinger,        key::kBatchSize,
    key::kBufferMemory,  key::kMaxBlock,      key::kRetryBackoff,     key::kTransactionalId,
    key::kTransactionTimeout, key::kPartitionerClass, key::kReconnectBackoff, key::kReconnectBackoffMax};
// Modelled, but known only since 3.7 (KIP-580): in 2.8 an unknown key.
constexpr std::array kModelledProducerKeysSince37 = {key::kRetryBackoffMax};

constexpr std::array kBrokerKeys = {key::kBrokers,           key::kPartitions,
                                    key::kReplicationFactor, key::kMinInsyncReplicas,
                                    key::kUncleanLeaderElection, key::kReplicaLagTimeMax,
                                    key::kReplicaFetchWaitMax,
                                    key::kBatchesToRetain, key::kRejectNonZeroFirstSequence,
                                    key::kTransactionVersion, key::kTxnStateReplicationFactor,
                                    key::kTxnStateMinIsr};

// Producer keys Kafka knows but the model does not simulate (connections,
// serialization, metrics, compression): accepted, ignored, warned about.
constexpr std::array kKnownUnmodelledProducerKeys = {
    "bootstrap.servers", "client.id", "key.serializer", "value.serializer", "compression.type",
    "max.request.size", "send.buffer.bytes", "receive.buffer.bytes", "metadata.max.age.ms",
    "metadata.max.idle.ms", "connections.max.idle.ms",
    "interceptor.classes", "security.protocol", "client.dns.lookup", "metric.reporters", "metrics.num.samples",
    "metrics.recording.level", "metrics.sample.window.ms", "socket.connection.setup.timeout.ms",
    "socket.connection.setup.timeout.max.ms"};
// Known only since 3.x (KIP-794 partitioner keys in 3.3, KIP-580 retry.backoff.max.ms in 3.7).
constexpr std::array kKnownUnmodelledProducerKeysSince3 = {
    "partitioner.ignore.keys", "partitioner.adaptive.partitioning.enable", "partitioner.availability.timeout.ms",
    "enable.metrics.push"};
// Known since 4.1: KIP-939's client config (KAFKA-19082; the 2PC coordinator
// side, KAFKA-15370, is not released). The model runs no transactions.
constexpr std::array kKnownUnmodelledProducerKeysSince4_1 = {"transaction.two.phase.commit.enable"};

template <typename Keys>
bool contains(const Keys& keys, std::string_view k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

bool is_known_unmodelled_producer_key(KafkaVersion version, std::string_view k) {
  return contains(kKnownUnmodelledProducerKeys, k) ||
         (version != KafkaVersion::V2_8 && contains(kKnownUnmodelledProducerKeysSince3, k)) ||
         (version >= KafkaVersion::V4_3 && contains(kKnownUnmodelledProducerKeysSince4_1, k));
}

// ------------------------------------------------------- ConfigDef parsing

// java.lang.String.trim(): strips every char <= ' ' at both ends.
std::string_view java_trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// Integer.parseInt / Long.parseLong on ASCII: optional sign, at least one
// digit, within [lo, hi]; anything else is a NumberFormatException.
std::optional<std::int64_t> parse_java_integer(std::string_view s, std::int64_t lo, std::int64_t hi) {
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  // Accumulate negatively so that the minimum value does not overflow.
  std::int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    if (value < (kLongMin + digit) / 10) return std::nullopt;
    value = value * 10 - digit;
  }
  if (!negative) {
    if (value == kLongMin) return std::nullopt;
    value = -value;
  }
  if (value < lo || value > hi) return std::nullopt;
  return value;
}

enum class JavaType { Int, Long };

// ConfigDef.Range: atLeast(min) or between(min, max).
struct Range {
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
};
constexpr Range kAny{};
constexpr Range at_least(std::int64_t min) { return Range{min, std::nullopt}; }
constexpr Range between(std::int64_t min, std::int64_t max) { return Range{min, max}; }

std::string config_exception_text(std::string_view key, std::string_view value, std::string_view rule) {
  // ConfigException(name, value, message)
  return fmt::format("Invalid value {} for configuration {}: {}", value, key, rule);
}

// Reads typed values the way ConfigDef.parseValue does (parseType, then the
// validator), remembering the first failure: Kafka throws on it.
class PropertyReader {
 public:
  explicit PropertyReader(const Properties& props) : props_(props) {}

  bool has(const std::string& k) const { return props_.count(k) != 0; }
  const std::optional<ConfigError>& error() const { return error_; }

  std::int64_t integer(const std::string& k, JavaType type, std::int64_t fallback, Range range) {
    const auto found = props_.find(k);
    if (found == props_.end()) return fallback;
    const bool is_int = type == JavaType::Int;
    const auto parsed = parse_java_integer(java_trim(found->second), is_int ? kIntMin : kLongMin,
                                           is_int ? kIntMax : kLongMax);
    if (!parsed) {
      fail(k, found->second, is_int ? "Not a number of type INT" : "Not a number of type LONG");
      return fallback;
    }
    if (range.min && *parsed < *range.min) {
      fail(k, std::to_string(*parsed), fmt::format("Value must be at least {}", *range.min));
      return fallback;
    }
    if (range.max && *parsed > *range.max) {
      fail(k, std::to_string(*parsed), fmt::format("Value must be no more than {}", *range.max));
      return fallback;
    }
    return *parsed;
  }

  // Type.BOOLEAN: "true"/"false" in any case, after trim.
  bool boolean(const std::string& k, bool fallback) {
    const auto found = props_.find(k);
    if (found == props_.end()) return fallback;
    std::string lowered(java_trim(found->second));
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lowered == "true") return true;
    if (lowered == "false") return false;
    fail(k, found->second, "Expected value to be either true or false");
    return fallback;
  }

  // Type.STRING with ValidString.in(...): case-sensitive after trim.
  template <std::size_t N>
  std::string one_of(const std::string& k, const std::string& fallback, const std::array<const char*, N>& allowed) {
    const auto found = props_.find(k);
    if (found == props_.end()) return fallback;
    const std::string value(java_trim(found->second));
    if (contains(allowed, value)) return value;
    fail(k, value, fmt::format("String must be one of: {}", fmt::join(allowed, ", ")));
    return fallback;
  }

  // Type.STRING with NonEmptyString, default null (absent = "").
  std::string non_empty_string(const std::string& k) {
    const auto found = props_.find(k);
    if (found == props_.end()) return {};
    const std::string value(java_trim(found->second));
    if (value.empty()) fail(k, value, "String must be non-empty");
    return value;
  }

  // Type.CLASS, default null: Utils.loadClass must find the class.
  template <typename Classes>
  std::string class_name(const std::string& k, const Classes& loadable) {
    const auto found = props_.find(k);
    if (found == props_.end()) return {};
    const std::string value(java_trim(found->second));
    if (!contains(loadable, value)) fail(k, found->second, fmt::format("Class {} could not be found.", found->second));
    return value;
  }

  // A model rule (not a ConfigDef one), worded like ConfigDef's.
  void fail(const std::string& k, std::string_view value, std::string_view rule) {
    if (!error_) error_ = ConfigError{ConfigErrorKind::InvalidValue, k, config_exception_text(k, value, rule)};
  }

 private:
  const Properties& props_;
  std::optional<ConfigError> error_;
};

// ------------------------------------------------------------ producer side

// Partitioners on the classpath. DefaultPartitioner and UniformStickyPartitioner
// were deprecated by KIP-794 (3.3) and removed in 4.0 (KAFKA-18262).
constexpr std::array kPartitioners3x = {"org.apache.kafka.clients.producer.RoundRobinPartitioner",
                                        "org.apache.kafka.clients.producer.UniformStickyPartitioner",
                                        "org.apache.kafka.clients.producer.internals.DefaultPartitioner"};
constexpr std::array kPartitioners40 = {"org.apache.kafka.clients.producer.RoundRobinPartitioner"};

constexpr std::array kAcksValues = {"all", "-1", "0", "1"};

Acks parse_acks(const std::string& text) {  // ProducerConfig.parseAcks after ValidString
  if (text == "0") return Acks::Zero;
  if (text == "1") return Acks::One;
  return Acks::All;
}

// ConfigDef.parse, in ProducerConfig's definition order (the first bad key
// wins, as in Kafka). Defaults differ by release: acks and enable.idempotence
// (KIP-679, 3.0), linger.ms (KIP-1030, 4.0).
ProducerConfig parse_producer(KafkaVersion version, PropertyReader& in) {
  const bool v2 = version == KafkaVersion::V2_8;
  ProducerConfig p;
  p.buffer_memory = in.integer(key::kBufferMemory, JavaType::Long, 33554432, at_least(0));
  p.retries = static_cast<std::int32_t>(in.integer(key::kRetries, JavaType::Int, kIntMax, between(0, kIntMax)));
  p.acks = parse_acks(in.one_of(key::kAcks, v2 ? "1" : "all", kAcksValues));
  p.batch_size = static_cast<std::int32_t>(in.integer(key::kBatchSize, JavaType::Int, 16384, at_least(0)));
  const std::int64_t linger = in.integer(key::kLinger, JavaType::Long, version >= KafkaVersion::V4_0 ? 5 : 0, at_least(0));
  p.linger_ms = std::min(linger, kIntMax);  // KafkaProducer.lingerMs caps it at Integer.MAX_VALUE
  p.delivery_timeout_ms = in.integer(key::kDeliveryTimeout, JavaType::Int, 120000, at_least(0));
  // ProducerConfig: reconnect.backoff.ms / reconnect.backoff.max.ms (LONG, 50 / 1000,
  // atLeast(0)), retry.backoff.ms (LONG, 100, atLeast(0)), then since 3.7
  // retry.backoff.max.ms (LONG, 1000, atLeast(0)); 2.8 backs off a fixed
  // retry.backoff.ms, so its maximum is retry.backoff.ms itself (no jitter).
  p.reconnect_backoff_ms = in.integer(key::kReconnectBackoff, JavaType::Long, 50, at_least(0));
  p.reconnect_backoff_max_ms = in.integer(key::kReconnectBackoffMax, JavaType::Long, 1000, at_least(0));
  p.retry_backoff_ms = in.integer(key::kRetryBackoff, JavaType::Long, 100, at_least(0));
  p.retry_backoff_max_ms = v2 ? p.retry_backoff_ms : in.integer(key::kRetryBackoffMax, JavaType::Long, 1000, at_least(0));
  p.max_block_ms = in.integer(key::kMaxBlock, JavaType::Long, 60000, at_least(0));
  p.request_timeout_ms = in.integer(key::kRequestTimeout, JavaType::Int, 30000, at_least(0));
  p.max_in_flight_requests_per_connection =
      static_cast<std::int32_t>(in.integer(key::kMaxInFlight, JavaType::Int, 5, at_least(1)));
  p.partitioner_class = version >= KafkaVersion::V4_0 ? in.class_name(key::kPartitionerClass, kPartitioners40)
                                                       : in.class_name(key::kPartitionerClass, kPartitioners3x);
  p.enable_idempotence_explicit = in.has(key::kEnableIdempotence);
  p.enable_idempotence = in.boolean(key::kEnableIdempotence, !v2);
  p.transaction_timeout_ms = in.integer(key::kTransactionTimeout, JavaType::Int, 60000, kAny);  // no validator
  p.transactional_id = in.non_empty_string(key::kTransactionalId);
  return p;
}

ConfigError kafka_exception(const char* k, std::string message) {
  return ConfigError{ConfigErrorKind::KafkaConfigException, k, std::move(message)};
}

// Shared texts (ProducerConfig / KafkaProducer, identical in 2.8, 3.9 and 4.0).
constexpr const char* kRetriesMessage = "Must set retries to non-zero when using the idempotent producer.";
constexpr const char* kAcksMessage =
    "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.";
constexpr const char* kTransactionalIdMessage = "Cannot set a transactional.id without also enabling idempotence.";
constexpr const char* kInFlightMessage =
    "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.";

// 2.8: ProducerConfig.maybeOverrideEnableIdempotence / idempotenceEnabled /
// maybeOverrideAcksAndRetries. Idempotence is off unless set or implied by
// transactional.id; when on, a default acks is overridden to all, a set one
// must be all, and retries must be non-zero.
std::optional<ConfigError> apply_idempotence_rules_2_8(Configuration& c, const PropertyReader& in) {
  ProducerConfig& p = c.producer;
  const bool transactional = in.has(key::kTransactionalId);
  if (transactional && !p.enable_idempotence_explicit) {
    c.warnings.emplace_back("Overriding the default enable.idempotence to true since transactional.id is specified.");
    p.enable_idempotence = true;
  }
  if (p.enable_idempotence_explicit && !p.enable_idempotence && transactional)
    return kafka_exception(key::kTransactionalId, kTransactionalIdMessage);
  if (!p.enable_idempotence) return std::nullopt;
  if (p.retries == 0) return kafka_exception(key::kRetries, kRetriesMessage);
  if (!in.has(key::kAcks)) {
    if (p.acks != Acks::All) c.warnings.emplace_back("Overriding the default acks to all since idempotence is enabled.");
    p.acks = Acks::All;
  } else if (p.acks != Acks::All) {
    return kafka_exception(key::kAcks, kAcksMessage);
  }
  return std::nullopt;
}

// 2.8: KafkaProducer.configureInflightRequests, run after the delivery timeout check.
std::optional<ConfigError> check_in_flight_2_8(const ProducerConfig& p) {
  if (p.enable_idempotence && p.max_in_flight_requests_per_connection > kMaxInFlightForIdempotence)
    return kafka_exception(key::kMaxInFlight, kInFlightMessage);
  return std::nullopt;
}

// 3.x and 4.0: ProducerConfig.postProcessAndValidateIdempotenceConfigs
// (KAFKA-13598, KAFKA-13673). Idempotence is on by default; a conflicting
// setting throws if enable.idempotence was set, else silently turns it off.
// 4.0 throws for in-flight > 5 even when idempotence is only the default
// (KAFKA-17927), and checks it while idempotence is still on, so acks=1 with
// in-flight 6 throws there too. transactional.id needs idempotence to survive.
std::optional<ConfigError> apply_idempotence_rules_3x(Configuration& c, const PropertyReader& in) {
  ProducerConfig& p = c.producer;
  const bool explicit_idempotence = p.enable_idempotence_explicit;
  bool disable = false;
  if (p.enable_idempotence) {
    if (p.retries == 0) {
      if (explicit_idempotence) return kafka_exception(key::kRetries, kRetriesMessage);
      c.warnings.emplace_back("Idempotence will be disabled because retries is set to 0.");
      disable = true;
    }
    if (p.acks != Acks::All) {
      if (explicit_idempotence) return kafka_exception(key::kAcks, kAcksMessage);
      c.warnings.emplace_back(fmt::format("Idempotence will be disabled because acks is set to {}, not set to 'all'.",
                                          static_cast<int>(p.acks)));
      disable = true;
    }
    const std::int32_t in_flight = p.max_in_flight_requests_per_connection;
    if (in_flight > kMaxInFlightForIdempotence) {
      if (c.version >= KafkaVersion::V4_0)
        return kafka_exception(key::kMaxInFlight,
                               fmt::format("To use the idempotent producer, max.in.flight.requests.per.connection "
                                           "must be set to at most 5. Current value is {}.",
                                           in_flight));
      if (explicit_idempotence) return kafka_exception(key::kMaxInFlight, kInFlightMessage);
      c.warnings.emplace_back(fmt::format(
          "Idempotence will be disabled because max.in.flight.requests.per.connection is set to {}, which is "
          "greater than 5. Please note that in v4.0.0 and onward, this will become an error.",
          in_flight));
      disable = true;
    }
  }
  if (disable) p.enable_idempotence = false;
  if (!p.enable_idempotence && in.has(key::kTransactionalId))
    return kafka_exception(key::kTransactionalId, kTransactionalIdMessage);
  return std::nullopt;
}

// KafkaProducer.configureDeliveryTimeout (all three releases): a set
// delivery.timeout.ms below linger.ms + request.timeout.ms throws; the default
// is raised to the sum (capped at Integer.MAX_VALUE) with a warning.
std::optional<ConfigError> configure_delivery_timeout(Configuration& c, const PropertyReader& in) {
  ProducerConfig& p = c.producer;
  const std::int64_t linger_and_request = std::min(p.linger_ms + p.request_timeout_ms, kIntMax);
  if (p.delivery_timeout_ms >= linger_and_request) return std::nullopt;
  if (in.has(key::kDeliveryTimeout))
    return kafka_exception(key::kDeliveryTimeout,
                           "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms");
  p.delivery_timeout_ms = linger_and_request;
  c.warnings.emplace_back(fmt::format(
      "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms. Setting it to {}.",
      linger_and_request));
  return std::nullopt;
}

// Not a client check: the transaction coordinator answers InitProducerId with
// INVALID_TRANSACTION_TIMEOUT unless 0 < timeout <= transaction.max.timeout.ms
// (TransactionStateManager.validateTransactionTimeoutMs). The world has no such
// answer, so the model refuses the configuration up front.
std::optional<ConfigError> check_transaction_timeout(const Configuration& c) {
  const std::int64_t timeout = c.producer.transaction_timeout_ms;
  if (!c.transactional() || (timeout > 0 && timeout <= kTransactionMaxTimeoutMs)) return std::nullopt;
  return ConfigError{ConfigErrorKind::InvalidValue, key::kTransactionTimeout,
                     config_exception_text(key::kTransactionTimeout, std::to_string(timeout),
                                           "the transaction coordinator refuses InitProducerId with "
                                           "INVALID_TRANSACTION_TIMEOUT unless 0 < value <= "
                                           "transaction.max.timeout.ms (900000)")};
}

std::optional<ConfigError> build_producer(Configuration& c, const Properties& props) {
  PropertyReader in(props);
  c.producer = parse_producer(c.version, in);
  if (in.error()) return in.error();
  const bool v2 = c.version == KafkaVersion::V2_8;
  if (auto e = v2 ? apply_idempotence_rules_2_8(c, in) : apply_idempotence_rules_3x(c, in)) return e;
  if (auto e = configure_delivery_timeout(c, in)) return e;
  if (v2) {
    if (auto e = check_in_flight_2_8(c.producer)) return e;
  }
  return check_transaction_timeout(c);
}

// -------------------------------------------------------------- broker side

// Model limits keep a simulated cluster small enough to search.
constexpr std::int64_t kMaxBrokers = 64;
constexpr std::int64_t kMaxPartitions = 64;  // every follower replica fetches (a long poll): cost grows with partitions

std::optional<ConfigError> build_broker(Configuration& c, const Properties& props) {
  PropertyReader in(props);
  BrokerConfig& b = c.broker;
  b.brokers = static_cast<std::int32_t>(in.integer(key::kBrokers, JavaType::Int, 3, between(1, kMaxBrokers)));
  b.partitions = static_cast<std::int32_t>(in.integer(key::kPartitions, JavaType::Int, 1, between(1, kMaxPartitions)));
  b.replication_factor = static_cast<std::int32_t>(in.integer(key::kReplicationFactor, JavaType::Int, 3, at_least(1)));
  // LogConfig: min.insync.replicas is INT, atLeast(1).
  b.min_insync_replicas = static_cast<std::int32_t>(in.integer(key::kMinInsyncReplicas, JavaType::Int, 1, at_least(1)));
  b.unclean_leader_election_enable = in.boolean(key::kUncleanLeaderElection, false);
  b.replica_lag_time_max_ms = in.integer(key::kReplicaLagTimeMax, JavaType::Long, 30000, at_least(0));
  // ReplicationConfigs: replica.fetch.wait.max.ms INT, default 500, no
  // validator (RemoteLeaderEndPoint sends it as the follower's FetchRequest
  // maxWait; ReplicaManager.fetchMessages answers at once when it is <= 0).
  b.replica_fetch_wait_max_ms = in.integer(key::kReplicaFetchWaitMax, JavaType::Int, 500, kAny);
  b.producer_state_batches_to_retain =
      static_cast<std::int32_t>(in.integer(key::kBatchesToRetain, JavaType::Int, 5, at_least(1)));
  // KAFKA-15591's partial fix (apache/kafka PR 23234) ships in 4.5; every
  // modelled release accepts any first sequence from a producer it has no
  // state for (ProducerAppendInfo.checkSequence), so the default is false.
  b.reject_nonzero_first_sequence_on_empty_partition = in.boolean(key::kRejectNonZeroFirstSequence, false);
  // TransactionLogConfigs: producer.id.expiration.ms INT, default 1 day,
  // atLeast(1) (KIP-854, 3.4); before, ProducerStateManager expired producer
  // ids after transactional.id.expiration.ms (INT, default 7 days, atLeast(1)).
  if (c.version == KafkaVersion::V2_8)
    b.producer_id_expiration_ms = in.integer(key::kTransactionalIdExpiration, JavaType::Int, 604800000, at_least(1));
  else
    b.producer_id_expiration_ms = in.integer(key::kProducerIdExpiration, JavaType::Int, 86400000, at_least(1));
  b.producer_id_expiration_check_interval_ms =
      in.integer(key::kProducerIdExpirationCheck, JavaType::Int, 600000, at_least(1));
  // transaction.version (TransactionVersion TV_0..TV_2): a new 4.0 cluster
  // finalizes TV_2 (both TV_1 and TV_2 bootstrap at metadata.version
  // 4.0-IV2), so "the protocol is automatically enabled on the server since
  // Apache Kafka 4.0" (docs: operations/transaction-protocol, 4.0); 4.3
  // likewise. transaction.version=1 keeps a 4.x cluster on Transactions V1.
  // 2.8 and 3.9 run V1 only (3.9 has no production TV_2).
  if (c.version >= KafkaVersion::V4_0)
    b.transaction_version = static_cast<std::int32_t>(in.integer(key::kTransactionVersion, JavaType::Int, 2, between(0, 2)));
  else
    b.transaction_version = static_cast<std::int32_t>(in.integer(key::kTransactionVersion, JavaType::Int, 0, between(0, 1)));
  // TransactionLogConfigs: replication factor SHORT atLeast(1), min.isr INT atLeast(1).
  const std::int64_t cluster = std::min<std::int64_t>(3, b.brokers);
  b.transaction_state_log_replication_factor =
      static_cast<std::int32_t>(in.integer(key::kTxnStateReplicationFactor, JavaType::Int, cluster, at_least(1)));
  b.transaction_state_log_min_isr = static_cast<std::int32_t>(
      std::min<std::int64_t>(in.integer(key::kTxnStateMinIsr, JavaType::Int, 2, at_least(1)),
                             b.transaction_state_log_replication_factor));
  if (in.error()) return in.error();
  // AutoTopicCreationManager creates __transaction_state only once this many
  // brokers are registered: until then every FindCoordinator fails.
  if (b.transaction_state_log_replication_factor > b.brokers)
    return ConfigError{ConfigErrorKind::InvalidValue, key::kTxnStateReplicationFactor,
                       config_exception_text(key::kTxnStateReplicationFactor,
                                             std::to_string(b.transaction_state_log_replication_factor),
                                             fmt::format("Replication factor: {} larger than available brokers: {}: "
                                                         "__transaction_state would never be created.",
                                                         b.transaction_state_log_replication_factor, b.brokers))};
  // KafkaConfig.validateValues (2.8, 3.9, 4.0): the broker refuses to start.
  if (b.replica_fetch_wait_max_ms > b.replica_lag_time_max_ms)
    return kafka_exception(key::kReplicaFetchWaitMax,
                           "requirement failed: replica.fetch.wait.max.ms should always be less than or equal to "
                           "replica.lag.time.max.ms to prevent frequent changes in ISR");
  if (b.replication_factor > b.brokers)  // AdminUtils.assignReplicasToBrokers: InvalidReplicationFactorException
    return ConfigError{ConfigErrorKind::InvalidValue, key::kReplicationFactor,
                       config_exception_text(key::kReplicationFactor, std::to_string(b.replication_factor),
                                             fmt::format("Replication factor: {} larger than available brokers: {}.",
                                                         b.replication_factor, b.brokers))};
  // Legal in Kafka. 2.8's leader then refuses every acks=all write; since 3.7
  // Partition.effectiveMinIsr caps min.insync.replicas at the replica count.
  if (b.min_insync_replicas > b.replication_factor && c.version == KafkaVersion::V2_8)
    c.warnings.push_back(fmt::format(
        "min.insync.replicas ({}) is larger than the replication factor ({}): every acks=all write will fail "
        "with NOT_ENOUGH_REPLICAS.",
        b.min_insync_replicas, b.replication_factor));
  return std::nullopt;
}

// ---------------------------------------------------------- unknown keys

// AbstractConfig.logUnused: 2.8 warns per key; 3.x and 4.0 log the set once.
void warn_unknown(Configuration& c, const std::vector<std::string>& unknown) {
  if (unknown.empty()) return;
  if (c.version == KafkaVersion::V2_8) {
    for (const auto& k : unknown) c.warnings.push_back(fmt::format("The configuration '{}' was supplied but isn't a known config.", k));
    return;
  }
  c.warnings.push_back(fmt::format("These configurations '[{}]' were supplied but are not used yet.", fmt::join(unknown, ", ")));
}

// Sorts the keys of one side into modelled, known-but-ignored and unknown.
std::optional<ConfigError> check_keys(Configuration& c, const Properties& props, bool producer_side, bool strict) {
  std::vector<std::string> unknown;
  for (const auto& [k, value] : props) {
    if (producer_side ? contains(kModelledProducerKeys, k) : contains(kBrokerKeys, k)) continue;
    if (producer_side && c.version != KafkaVersion::V2_8 && contains(kModelledProducerKeysSince37, k)) continue;
    if (producer_side && is_known_unmodelled_producer_key(c.version, k)) {
      c.warnings.push_back(fmt::format(
          "The configuration '{}' is a Kafka producer config the model does not simulate; its value is ignored.", k));
      continue;
    }
    if (strict)
      return ConfigError{ConfigErrorKind::UnknownKey, k,
                         fmt::format("Unknown {} configuration '{}': neither Kafka {} nor the model knows it.",
                                     producer_side ? "producer" : "broker", k, to_string(c.version))};
    unknown.push_back(k);
  }
  warn_unknown(c, unknown);
  return std::nullopt;
}

std::string text(std::int64_t v) { return std::to_string(v); }
std::string bool_text(bool v) { return v ? "true" : "false"; }
std::string text_or_null(const std::string& v) { return v.empty() ? "null" : v; }

}  // namespace

const char* to_string(Acks acks) {
  switch (acks) {
    case Acks::Zero: return "0";
    case Acks::One: return "1";
    case Acks::All: return "all";
  }
  return "?";
}

const char* to_string(ConfigErrorKind kind) {
  switch (kind) {
    case ConfigErrorKind::InvalidValue: return "InvalidValue";
    case ConfigErrorKind::UnknownKey: return "UnknownKey";
    case ConfigErrorKind::KafkaConfigException: return "KafkaConfigException";
  }
  return "?";
}

std::map<std::string, std::string> Configuration::effective_producer_properties() const {
  const ProducerConfig& p = producer;
  std::map<std::string, std::string> out = {
      {key::kAcks, to_string(p.acks)},
      {key::kRetries, text(p.retries)},
      {key::kMaxInFlight, text(p.max_in_flight_requests_per_connection)},
      {key::kEnableIdempotence, bool_text(p.enable_idempotence)},
      {key::kDeliveryTimeout, text(p.delivery_timeout_ms)},
      {key::kRequestTimeout, text(p.request_timeout_ms)},
      {key::kLinger, text(p.linger_ms)},
      {key::kBatchSize, text(p.batch_size)},
      {key::kBufferMemory, text(p.buffer_memory)},
      {key::kMaxBlock, text(p.max_block_ms)},
      {key::kRetryBackoff, text(p.retry_backoff_ms)},
      {key::kReconnectBackoff, text(p.reconnect_backoff_ms)},
      {key::kReconnectBackoffMax, text(p.reconnect_backoff_max_ms)},
      {key::kTransactionalId, text_or_null(p.transactional_id)},
      {key::kTransactionTimeout, text(p.transaction_timeout_ms)},
      {key::kPartitionerClass, text_or_null(p.partitioner_class)},
  };
  if (version != KafkaVersion::V2_8) out[key::kRetryBackoffMax] = text(p.retry_backoff_max_ms);
  return out;
}

std::map<std::string, std::string> Configuration::effective_broker_properties() const {
  const BrokerConfig& b = broker;
  std::map<std::string, std::string> out = {
      {key::kBrokers, text(b.brokers)},
      {key::kPartitions, text(b.partitions)},
      {key::kReplicationFactor, text(b.replication_factor)},
      {key::kMinInsyncReplicas, text(b.min_insync_replicas)},
      {key::kUncleanLeaderElection, bool_text(b.unclean_leader_election_enable)},
      {key::kReplicaLagTimeMax, text(b.replica_lag_time_max_ms)},
      {key::kReplicaFetchWaitMax, text(b.replica_fetch_wait_max_ms)},
      {key::kBatchesToRetain, text(b.producer_state_batches_to_retain)},
      {key::kRejectNonZeroFirstSequence, bool_text(b.reject_nonzero_first_sequence_on_empty_partition)},
      {version == KafkaVersion::V2_8 ? key::kTransactionalIdExpiration : key::kProducerIdExpiration,
       text(b.producer_id_expiration_ms)},
      {key::kProducerIdExpirationCheck, text(b.producer_id_expiration_check_interval_ms)},
  };
  if (version >= KafkaVersion::V4_0) out[key::kTransactionVersion] = text(b.transaction_version);
  if (!producer.transactional_id.empty()) {  // only a transactional run has a __transaction_state partition
    out[key::kTxnStateReplicationFactor] = text(b.transaction_state_log_replication_factor);
    out[key::kTxnStateMinIsr] = text(b.transaction_state_log_min_isr);
  }
  return out;
}

// ConsumerConfig's definitions of the keys the consume-transform-produce
// application reads (clients/.../consumer/ConsumerConfig.java, 3.9):
// group.id Type.STRING default null (trimmed), enable.auto.commit
// Type.BOOLEAN default true, auto.commit.interval.ms Type.INT default 5000,
// atLeast(0).
std::optional<ConfigError> read_consumer_group_properties(ConsumerConfig& consumer, const Properties& props) {
  PropertyReader r(props);
  if (const auto it = props.find("group.id"); it != props.end()) consumer.group_id = std::string(java_trim(it->second));
  consumer.enable_auto_commit = r.boolean("enable.auto.commit", consumer.enable_auto_commit);
  consumer.auto_commit_interval_ms =
      r.integer("auto.commit.interval.ms", JavaType::Int, consumer.auto_commit_interval_ms, at_least(0));
  return r.error();
}

ConfigResult build_configuration(KafkaVersion version, const Properties& producer, const Properties& broker,
                                 bool strict) {
  Configuration c;
  c.version = version;
  std::optional<ConfigError> error = check_keys(c, producer, true, strict);
  if (!error) error = check_keys(c, broker, false, strict);
  if (!error) error = build_producer(c, producer);
  if (!error) error = build_broker(c, broker);
  if (error) return ConfigResult{std::nullopt, std::move(error)};
  return ConfigResult{std::move(c), std::nullopt};
}

Configuration default_configuration(KafkaVersion version) {
  return *build_configuration(version, {}, {}).config;
}

bool is_broker_key(std::string_view k) {
  return std::find(kBrokerKeys.begin(), kBrokerKeys.end(), k) != kBrokerKeys.end();
}

}  // namespace kafka_model
