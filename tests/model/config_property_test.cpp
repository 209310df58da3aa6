// model: properties of build_configuration over random property maps: it never
// crashes, and either yields a configuration that keeps Kafka's invariants or
// an error naming a key.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "model/config.hpp"

namespace kafka_model {
namespace {

rc::Gen<KafkaVersion> gen_version() {
  return rc::gen::element(KafkaVersion::V2_8, KafkaVersion::V3_9, KafkaVersion::V4_0, KafkaVersion::V4_3);
}

// A number in [lo, hi] as text (inRange excludes its upper end; hi itself is
// kept as an explicit choice so that hi = INT64_MAX does not overflow).
rc::Gen<std::string> gen_number(std::int64_t lo, std::int64_t hi) {
  const auto n = rc::gen::weightedOneOf<std::int64_t>({{9, rc::gen::inRange<std::int64_t>(lo, hi)}, {1, rc::gen::just(hi)}});
  return rc::gen::map(n, [](std::int64_t v) { return std::to_string(v); });
}

// Values Kafka's ConfigDef accepts for each key (types and ranges right), with
// the boundary values that the idempotence and timeout rules care about.
rc::Gen<Properties> gen_valid_producer_properties() {
  return rc::gen::exec([] {
    Properties p;
    auto maybe_set = [&p](const char* k, const rc::Gen<std::string>& value) {
      if (*rc::gen::arbitrary<bool>()) p[k] = *value;
    };
    maybe_set("acks", rc::gen::element<std::string>("all", "-1", "0", "1", " all "));
    maybe_set("retries", rc::gen::oneOf(rc::gen::just<std::string>("0"), gen_number(0, 2147483647)));
    maybe_set("max.in.flight.requests.per.connection", gen_number(1, 8));
    maybe_set("enable.idempotence", rc::gen::element<std::string>("true", "false", "TRUE", " False"));
    maybe_set("delivery.timeout.ms", rc::gen::oneOf(gen_number(0, 200000), gen_number(0, 2147483647)));
    maybe_set("request.timeout.ms", gen_number(0, 100000));
    maybe_set("linger.ms", rc::gen::oneOf(gen_number(0, 200000), gen_number(0, 9223372036854775807LL)));
    maybe_set("batch.size", gen_number(0, 1 << 20));
    maybe_set("buffer.memory", gen_number(0, 1LL << 40));
    maybe_set("max.block.ms", gen_number(0, 600000));
    maybe_set("retry.backoff.ms", gen_number(0, 10000));
    maybe_set("retry.backoff.max.ms", gen_number(0, 100000));
    maybe_set("reconnect.backoff.ms", gen_number(0, 10000));
    maybe_set("reconnect.backoff.max.ms", gen_number(0, 100000));
    maybe_set("transactional.id", rc::gen::element<std::string>("tx", "app-1"));
    maybe_set("transaction.timeout.ms", gen_number(-10, 1000000));
    maybe_set("partitioner.class",
              rc::gen::element<std::string>("org.apache.kafka.clients.producer.RoundRobinPartitioner"));
    return p;
  });
}

rc::Gen<Properties> gen_valid_broker_properties() {
  return rc::gen::exec([] {
    Properties p;
    auto maybe_set = [&p](const char* k, const rc::Gen<std::string>& value) {
      if (*rc::gen::arbitrary<bool>()) p[k] = *value;
    };
    maybe_set("model.brokers", gen_number(1, 7));
    maybe_set("num.partitions", gen_number(1, 16));
    maybe_set("default.replication.factor", gen_number(1, 7));
    maybe_set("min.insync.replicas", gen_number(1, 7));
    maybe_set("unclean.leader.election.enable", rc::gen::element<std::string>("true", "false"));
    maybe_set("replica.lag.time.max.ms", gen_number(0, 60000));
    maybe_set("replica.fetch.wait.max.ms", gen_number(0, 1000));
    // KafkaConfig: replica.fetch.wait.max.ms <= replica.lag.time.max.ms.
    const std::int64_t lag = p.contains("replica.lag.time.max.ms") ? std::stoll(p["replica.lag.time.max.ms"]) : 30000;
    const std::int64_t wait = p.contains("replica.fetch.wait.max.ms") ? std::stoll(p["replica.fetch.wait.max.ms"]) : 500;
    if (wait > lag) p["replica.fetch.wait.max.ms"] = std::to_string(lag);
    maybe_set("model.producer.state.batches.to.retain", gen_number(1, 10));
    maybe_set("model.reject.nonzero.first.sequence.on.empty.partition", rc::gen::element<std::string>("true", "false"));
    return p;
  });
}

// Any text for any key, known or not: the parser must never crash.
rc::Gen<Properties> gen_any_properties() {
  const auto entry = rc::gen::pair(
      rc::gen::element<std::string>("acks", "retries", "linger.ms", "enable.idempotence", "transactional.id",
                                    "max.in.flight.requests.per.connection", "model.brokers", "min.insync.replicas",
                                    "unknown.key"),
      rc::gen::oneOf(rc::gen::arbitrary<std::string>(),
                     rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t n) { return std::to_string(n); })));
  return rc::gen::map(rc::gen::container<std::vector<std::pair<std::string, std::string>>>(entry),
                      [](const std::vector<std::pair<std::string, std::string>>& entries) {
                        return Properties(entries.begin(), entries.end());
                      });
}

// The invariants Kafka guarantees of any producer it constructs, and the
// model's of any cluster it starts.
void check_invariants(const Configuration& c, KafkaVersion version) {
  const ProducerConfig& p = c.producer;
  RC_ASSERT(c.version == version);
  if (c.idempotent()) {
    RC_ASSERT(p.acks == Acks::All);
    RC_ASSERT(p.retries > 0);
    RC_ASSERT(p.max_in_flight_requests_per_connection <= 5);
  }
  if (c.transactional()) RC_ASSERT(c.idempotent());
  RC_ASSERT(p.delivery_timeout_ms >= std::min<std::int64_t>(p.linger_ms + p.request_timeout_ms, 2147483647));
  RC_ASSERT(p.max_in_flight_requests_per_connection >= 1);
  RC_ASSERT(p.retries >= 0);
  RC_ASSERT(c.broker.replication_factor <= c.broker.brokers);
  RC_ASSERT(c.broker.min_insync_replicas >= 1);
  RC_ASSERT(c.broker.partitions >= 1);
  RC_ASSERT(c.broker.producer_state_batches_to_retain >= 1);
  // 16 keys, plus retry.backoff.max.ms from 3.7 (KIP-580).
  RC_ASSERT(c.effective_producer_properties().size() == (c.version == KafkaVersion::V2_8 ? 16u : 17u));
  // 11 keys, plus transaction.version from 4.0 (KIP-890 part 2's feature),
  // plus __transaction_state's two for a transactional producer.
  RC_ASSERT(c.effective_broker_properties().size() ==
            (c.version >= KafkaVersion::V4_0 ? 12u : 11u) + (c.transactional() ? 2u : 0u));
  RC_ASSERT(c.broker.transaction_state_log_replication_factor <= c.broker.brokers);
  RC_ASSERT(c.broker.transaction_state_log_min_isr >= 1);
  RC_ASSERT(c.broker.transaction_state_log_min_isr <= c.broker.transaction_state_log_replication_factor);
  RC_ASSERT(c.broker.replica_fetch_wait_max_ms <= c.broker.replica_lag_time_max_ms);
}

void check_error_names_a_key(const ConfigError& e) {
  RC_ASSERT(!e.key.empty());
  RC_ASSERT(e.message.find(e.key) != std::string::npos);
}

RC_GTEST_PROP(ConfigProperties, ValidValuesGiveAConfigKeepingKafkasInvariantsOrAnErrorNamingAKey, ()) {
  const KafkaVersion version = *gen_version();
  const Properties producer = *gen_valid_producer_properties();
  const Properties broker = *gen_valid_broker_properties();
  const ConfigResult r = build_configuration(version, producer, broker);
  RC_TAG(r.config ? (r.config->idempotent() ? "idempotent" : "not idempotent") : to_string(r.error->kind));
  RC_ASSERT(r.config.has_value() != r.error.has_value());
  if (r.config) {
    check_invariants(*r.config, version);
    return;
  }
  check_error_names_a_key(*r.error);
  // Every value was valid by itself: only cross-key rules can refuse it.
  if (r.error->kind == ConfigErrorKind::InvalidValue)
    RC_ASSERT(r.error->key == "default.replication.factor" || r.error->key == "transaction.timeout.ms" ||
              r.error->key == "transaction.state.log.replication.factor");
  else
    RC_ASSERT(r.error->kind == ConfigErrorKind::KafkaConfigException);
}

RC_GTEST_PROP(ConfigProperties, ArbitraryTextNeverCrashesTheParser, ()) {
  const KafkaVersion version = *gen_version();
  const bool strict = *rc::gen::arbitrary<bool>();
  const ConfigResult r = build_configuration(version, *gen_any_properties(), *gen_any_properties(), strict);
  RC_ASSERT(r.config.has_value() != r.error.has_value());
  if (r.config) check_invariants(*r.config, version);
  if (r.error) check_error_names_a_key(*r.error);
}

RC_GTEST_PROP(ConfigProperties, ExplicitIdempotenceIsNeverSilentlyDropped, ()) {
  const KafkaVersion version = *gen_version();
  Properties producer = *gen_valid_producer_properties();
  producer["enable.idempotence"] = "true";
  const ConfigResult r = build_configuration(version, producer, {});
  if (r.config) RC_ASSERT(r.config->idempotent());
}

RC_GTEST_PROP(ConfigProperties, UnknownKeysOnlyAddWarningsWhenNotStrict, ()) {
  const KafkaVersion version = *gen_version();
  const Properties producer = *gen_valid_producer_properties();
  const Properties broker = *gen_valid_broker_properties();
  Properties producer_with_unknown = producer;
  std::string unknown_key = "model.unknown.";
  unknown_key.append(*rc::gen::nonEmpty(rc::gen::string<std::string>()));
  producer_with_unknown[unknown_key] = "1";
  const ConfigResult plain = build_configuration(version, producer, broker);
  const ConfigResult noisy = build_configuration(version, producer_with_unknown, broker);
  RC_ASSERT(plain.error == noisy.error);
  if (plain.config) {
    RC_ASSERT(noisy.config->producer == plain.config->producer);
    RC_ASSERT(noisy.config->broker == plain.config->broker);
    RC_ASSERT(noisy.config->warnings.size() == plain.config->warnings.size() + 1);
  }
  const ConfigResult strict = build_configuration(version, producer_with_unknown, broker, /*strict=*/true);
  RC_ASSERT(strict.error.has_value());
  RC_ASSERT(strict.error->kind == ConfigErrorKind::UnknownKey);
}

RC_GTEST_PROP(ConfigProperties, BuildingIsDeterministic, ()) {
  const KafkaVersion version = *gen_version();
  const Properties producer = *gen_valid_producer_properties();
  const Properties broker = *gen_valid_broker_properties();
  const ConfigResult a = build_configuration(version, producer, broker);
  const ConfigResult b = build_configuration(version, producer, broker);
  RC_ASSERT(a.config == b.config);
  RC_ASSERT(a.error == b.error);
}

}  // namespace
}  // namespace kafka_model
