// The table of properties/allowed.hpp, one function per guarantee.
#include "properties/allowed.hpp"


namespace kafka_model {
namespace {

constexpr const char* kIdempotenceRemedy =
    "enable.idempotence=true (with acks=all, retries > 0, max.in.flight.requests.per.connection <= 5)";

// Kafka: always (in-flight <= 5 = NUM_BATCHES_TO_RETAIN); the model's what-if knob can break it.
bool cache_covers_in_flight(const Configuration& c) {
  return c.broker.producer_state_batches_to_retain >= c.producer.max_in_flight_requests_per_connection;
}

bool idempotence_holds(const Configuration& c) { return c.idempotent() && cache_covers_in_flight(c); }

Promise idempotence_voided_by_cache(const Configuration& c) {
  return {false, "model what-if: the broker retains " + std::to_string(c.broker.producer_state_batches_to_retain) +
                     " batches per producer but " + std::to_string(c.producer.max_in_flight_requests_per_connection) +
                     " may be in flight, so a retry can fall out of the cache, get OUT_OF_ORDER_SEQUENCE_NUMBER and "
                     "be written again after an epoch bump (Kafka forbids in-flight > 5, KAFKA-5494)"};
}

Promise no_duplicates_within_session(const Configuration& c) {
  if (idempotence_holds(c))
    return {true, "KIP-98: the leader appends a (producer id, epoch) batch only at lastSeq + 1 and answers a retry "
                  "of one of its last 5 batches with the original offset (ProducerStateEntry)"};
  if (c.idempotent()) return idempotence_voided_by_cache(c);
  if (c.producer.retries == 0)
    return {true, "Kafka docs (retries): with retries=0 a failed batch is never resent, so each send is written at "
                  "most once"};
  return {false, "Kafka docs (enable.idempotence): without idempotence a retry of a batch whose first attempt was "
                 "written (lost response, NOT_ENOUGH_REPLICAS_AFTER_APPEND) appends it again"};
}

Promise no_duplicates(const Configuration&) {
  return {false, "KIP-98 scopes idempotence to one producer session: an application re-send after a timeout or a "
                 "restart without transactional.id is a new record write Kafka cannot recognise"};
}

Promise order_within_session(const Configuration& c) {
  if (idempotence_holds(c))
    return {true, "KIP-98 / Kafka docs (max.in.flight.requests.per.connection): the idempotent producer keeps "
                  "ordering with up to 5 requests in flight, the leader refusing any sequence gap"};
  if (c.producer.max_in_flight_requests_per_connection == 1)
    return {true, "Kafka docs (max.in.flight.requests.per.connection): with one request in flight a retried batch "
                  "cannot be overtaken by a later one"};
  if (c.idempotent()) return idempotence_voided_by_cache(c);
  return {false, "Kafka docs (max.in.flight.requests.per.connection): with more than 1 request in flight and "
                 "idempotence off, a failed batch's retry may land after a later batch"};
}

bool durable_acks(const Configuration& c) {
  return c.producer.acks == Acks::All && c.broker.min_insync_replicas >= 2 &&
         !c.broker.unclean_leader_election_enable;
}

// Why an acknowledged record may be lost (or its offset reassigned) under `c`; c is not durable_acks.
std::string why_not_durable(const Configuration& c) {
  if (c.producer.acks == Acks::Zero)
    return "Kafka docs (acks=0): the producer does not wait for the broker, so a record can be lost without any "
           "error";
  if (c.producer.acks == Acks::One)
    return "Kafka docs (acks=1): the leader answers before followers copy the record, so a leader failure loses "
           "it and its offset goes to a later record (KIP-101 truncation)";
  if (c.broker.unclean_leader_election_enable)
    return "KIP-106 (unclean.leader.election.enable=true): an out-of-sync replica may become leader and truncate "
           "acknowledged records";
  return "Kafka docs (min.insync.replicas): with min.insync.replicas=1 an acks=all write is acknowledged by the "
         "leader alone once the ISR shrank to it, and is lost if that leader fails";
}

constexpr const char* kDurableWhy =
    "Kafka docs (acks, min.insync.replicas): with acks=all a write is acknowledged only once at least "
    "min.insync.replicas (>= 2) in-sync replicas have it, and without unclean election only an in-sync replica "
    "becomes leader";

Promise no_lost_acknowledged_writes(const Configuration& c) {
  if (durable_acks(c)) return {true, kDurableWhy};
  return {false, why_not_durable(c)};
}

Promise acknowledged_offsets_correct(const Configuration& c) {
  if (durable_acks(c)) return {true, std::string(kDurableWhy) + ", so an acknowledged offset is never reassigned"};
  if (c.producer.acks == Acks::Zero)
    return {true, "Kafka docs (acks=0): the offset given back for each record is always -1, which claims nothing"};
  return {false, why_not_durable(c)};
}

// min.insync.replicas only matters with acks=all, so raising it always names both.
std::string durability_remedy(const Configuration& c) {
  std::string out;
  if (c.broker.min_insync_replicas < 2)
    out = std::string("raise min.insync.replicas to 2") +
          (c.broker.replication_factor < 3 ? " (replication factor 3)" : "") + " with acks=all";
  else if (c.producer.acks != Acks::All)
    out = "acks=all";
  if (c.broker.unclean_leader_election_enable)
    out += (out.empty() ? "" : " and ") + std::string("unclean.leader.election.enable=false");
  return out;
}

}  // namespace

Promise kafka_promises(const Configuration& config, std::string_view guarantee) {
  if (guarantee == "no_duplicates_within_session") return no_duplicates_within_session(config);
  if (guarantee == "no_duplicates") return no_duplicates(config);
  if (guarantee == "order_within_session") return order_within_session(config);
  if (guarantee == "no_lost_acknowledged_writes") return no_lost_acknowledged_writes(config);
  if (guarantee == "acknowledged_offsets_correct") return acknowledged_offsets_correct(config);
  return {false, "unknown guarantee '" + std::string(guarantee) + "'"};
}

std::string remedy(const Configuration& config, std::string_view guarantee) {
  if (kafka_promises(config, guarantee).promised) return "";
  const bool cache_what_if = config.idempotent() && !cache_covers_in_flight(config);
  if (guarantee == "no_duplicates_within_session" || guarantee == "order_within_session") {
    if (cache_what_if)
      return "model.producer.state.batches.to.retain >= max.in.flight.requests.per.connection (Kafka: 5 and <= 5)";
    return guarantee == "order_within_session"
               ? std::string(kIdempotenceRemedy) + ", or max.in.flight.requests.per.connection=1"
               : std::string(kIdempotenceRemedy);
  }
  if (guarantee == "no_duplicates")
    return "set transactional.id and use transactions (read_committed), so a re-sent record's aborted copy is "
           "never read";
  if (guarantee == "no_lost_acknowledged_writes" || guarantee == "acknowledged_offsets_correct")
    return durability_remedy(config);
  return "";
}

}  // namespace kafka_model
