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

// Kafka docs (producer.id.expiration.ms): "Setting this value the same or
// higher than delivery.timeout.ms can help prevent expiration during retries
// and protect against message duplication". Below it, a retry can reach a
// leader that has expired the producer's state and write the batch again.
bool state_outlives_retries(const Configuration& c) {
  return c.broker.producer_id_expiration_ms >= c.producer.delivery_timeout_ms;
}

Promise idempotence_voided_by_cache(const Configuration& c);

bool idempotence_holds(const Configuration& c) {
  return c.idempotent() && cache_covers_in_flight(c) && state_outlives_retries(c);
}

Promise idempotence_voided(const Configuration& c) {
  if (!cache_covers_in_flight(c)) return idempotence_voided_by_cache(c);
  return {false, "Kafka docs (producer.id.expiration.ms): the broker expires a producer idle for " +
                     std::to_string(c.broker.producer_id_expiration_ms) + " ms, below delivery.timeout.ms=" +
                     std::to_string(c.producer.delivery_timeout_ms) +
                     ", so a batch still being retried can reach a leader that forgot the producer and is written "
                     "again (the docs: set it at least delivery.timeout.ms \"to protect against message "
                     "duplication\")"};
}

Promise idempotence_voided_by_cache(const Configuration& c) {
  return {false, "model what-if: the broker retains " + std::to_string(c.broker.producer_state_batches_to_retain) +
                     " batches per producer but " + std::to_string(c.producer.max_in_flight_requests_per_connection) +
                     " may be in flight, so a retry can fall out of the cache, get OUT_OF_ORDER_SEQUENCE_NUMBER and "
                     "be written again after an epoch bump (Kafka forbids in-flight > 5, KAFKA-5494)"};
}

// The status line of the first-batch race, as the newest Kafka the model knows has it.
std::string race_status(const Configuration& c, bool lost_send) {
  std::string status =
      lost_send ? "partly fixed: apache/kafka PR 23234 (Kafka 4.5) refuses a non-zero first sequence on a partition "
                  "that never held a record; open upstream for a partition with data (KAFKA-19880)"
                : "open upstream; apache/kafka PR 23234 (Kafka 4.5) removes it only on a partition that never held a "
                  "record, KAFKA-18202 only for Transactions V2";
  if (c.broker.reject_nonzero_first_sequence_on_empty_partition)
    status += "; this run applies 4.5's rule (model.reject.nonzero.first.sequence.on.empty.partition=true)";
  return status;
}

constexpr const char* kRaceMechanism =
    "a leader with no state for the producer id accepts any sequence (ProducerAppendInfo.checkSequence), so the "
    "first batch refused unwritten (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS) behind a later accepted one can "
    "only be retried into OUT_OF_ORDER_SEQUENCE_NUMBER";

KnownException duplicate_race(const Configuration& c) {
  return {"the first-batch race", "KAFKA-19880 (also KAFKA-14312, KAFKA-15591)", race_status(c, false),
          std::string(kRaceMechanism) +
              "; if the later batch's success has not reached the producer, TransactionManager.canRetry takes it for "
              "a real gap, bumps the epoch and writes the later batch again, after the earlier one"};
}

KnownException lost_send_race(const Configuration& c) {
  return {"the first-batch race", "KAFKA-15591 (also KAFKA-14312, KAFKA-19880)", race_status(c, true),
          std::string(kRaceMechanism) +
              "; once the later batch's success has reached the producer the refused batch is not the next "
              "sequence, so it is retried without an epoch bump until delivery.timeout.ms fails it"};
}

// Found by porting ProducerStateManagerTest (docs/conformance.md): no
// upstream ticket known, so it is named by its mechanism and classes.
KnownException restart_snapshot() {
  return {"the restart snapshot", "no ticket known (ProducerStateManager.writeSnapshot, LogLoader.recoverSegment)",
          "in Kafka 3.9's code as read (ProducerStateManager, LogLoader); not reported upstream as far as the model knows",
          "a broker that restarts reloads producer state from a snapshot holding only each producer's last batch, so "
          "a retry of an earlier batch already in its log is refused OUT_OF_ORDER_SEQUENCE_NUMBER instead of "
          "recognised as a duplicate; it is the producer's next expected batch, so TransactionManager.canRetry bumps "
          "the epoch and it is written again"};
}

Promise no_duplicates_within_session(const Configuration& c) {
  if (idempotence_holds(c))
    return {true,
            "KIP-98: the leader appends a (producer id, epoch) batch only at lastSeq + 1 and answers a retry "
            "of one of its last 5 batches with the original offset (ProducerStateEntry)",
            {duplicate_race(c), restart_snapshot()}};
  if (c.idempotent()) return idempotence_voided(c);
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
    return {true,
            "KIP-98 / Kafka docs (max.in.flight.requests.per.connection): the idempotent producer keeps "
            "ordering with up to 5 requests in flight, the leader refusing any sequence gap",
            {duplicate_race(c), restart_snapshot()}};
  if (c.producer.max_in_flight_requests_per_connection == 1)
    return {true, "Kafka docs (max.in.flight.requests.per.connection): with one request in flight a retried batch "
                  "cannot be overtaken by a later one"};
  if (c.idempotent()) return idempotence_voided(c);
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

Promise no_send_failed_out_of_order(const Configuration& c) {
  if (!c.idempotent())
    return {true, "without idempotence batches carry no sequence numbers, so no batch is refused "
                  "OUT_OF_ORDER_SEQUENCE_NUMBER"};
  if (c.transactional())
    return {false, "KIP-98: a transactional producer fails a batch refused OUT_OF_ORDER_SEQUENCE_NUMBER "
                   "(TransactionManager.canRetry) and the application aborts and retries the transaction"};
  return {true,
          "Kafka docs (enable.idempotence): \"the producer will ensure that exactly one copy of each message is "
          "written in the stream\", retrying a refused batch until delivery.timeout.ms; a batch refused as out of "
          "order is retried (TransactionManager.canRetry) until the earlier sequence lands",
          {lost_send_race(c)}};
}

// A diagnostic (properties/guarantee.hpp): the cache of the last 5 batches
// covers every batch that can be in flight, so a retry of a written batch is
// always found by ProducerStateEntry.findDuplicateBatch.
Promise no_out_of_order_for_written_batch(const Configuration& c) {
  if (!c.idempotent())
    return {true, "without idempotence batches carry no sequence numbers, so no batch is refused "
                  "OUT_OF_ORDER_SEQUENCE_NUMBER"};
  if (!cache_covers_in_flight(c)) return idempotence_voided_by_cache(c);
  return {true, "ProducerStateEntry keeps the last NUM_BATCHES_TO_RETAIN = 5 batches and the producer sends at most "
                "max.in.flight.requests.per.connection <= 5 (KAFKA-5494), so a retry of a written batch is found "
                "as a duplicate (ProducerStateEntry.findDuplicateBatch)"};
}

constexpr const char* kReadUncommitted =
    "Kafka docs (isolation.level): read_uncommitted, the default, returns all messages, even transactional messages "
    "which have been aborted or are not yet committed";

KnownException late_transaction_write(const Configuration& c) {
  return {"a late transactional write", "KAFKA-17754 (also KAFKA-14053)",
          c.version == KafkaVersion::V2_8
              ? "Kafka 2.8 has no partition verification; KIP-890 part 1 (3.6) narrows it, Transactions V2 (4.0) closes it"
              : c.version >= KafkaVersion::V4_0
                    ? "open upstream for Transactions V1 (this run: transaction.version=1); Transactions V2 "
                      "(transaction.version=2, the 4.0 default, KIP-890 part 2) closes it"
                    : "open upstream for Transactions V1 (which 3.9 runs); Transactions V2 (4.0, KIP-890 part 2) closes it",
          "a produce request of a transaction reaches the leader after that transaction's marker (it waited unread "
          "behind another request of its connection while the producer expired the batch and ended the "
          "transaction); the leader appends it as an open transaction of the producer id, which the next "
          "transaction's marker completes, or no marker ever ends"};
}

// Under Transactions V2 a late write carries the epoch EndTxn bumped past
// (the coordinator and the marker have the new one): refused, no exception.
std::vector<KnownException> late_transaction_write_exceptions(const Configuration& c) {
  if (c.transactions_v2()) return {};
  return {late_transaction_write(c)};
}

Promise no_aborted_reads(const Configuration& c) {
  if (!c.transactional())
    return {false, "without transactional.id there are no transactions: nothing to abort, nothing exercised"};
  if (!c.consumer.read_committed) return {false, kReadUncommitted};
  return {true,
          "KIP-98 / Kafka docs (isolation.level): a read_committed consumer reads up to the last stable offset "
          "and skips the batches of aborted transactions (the fetch's aborted-transaction index)",
          late_transaction_write_exceptions(c)};
}

Promise transactions_atomic(const Configuration& c) {
  if (!c.transactional())
    return {false, "without transactional.id there are no transactions: nothing exercised"};
  if (!c.consumer.read_committed) return {false, kReadUncommitted};
  if (!durable_acks(c)) return {false, why_not_durable(c) + ", and with it part of a committed transaction"};
  return {true,
          "KIP-98: a transaction's writes commit together (markers on every partition it wrote), and a "
          "read_committed consumer returns nothing past the first open transaction (the last stable offset)",
          late_transaction_write_exceptions(c)};
}

Promise zombie_fenced(const Configuration& c) {
  if (!c.transactional())
    return {false, "without transactional.id a new instance gets a new producer id and fences nothing (its "
                   "predecessor's writes are duplicates Kafka cannot see: no_duplicates)"};
  return {true, "KIP-98: InitProducerId bumps the transactional.id's epoch and aborts its open transaction; the "
                "coordinator answers an older epoch PRODUCER_FENCED and the leaders refuse its batches "
                "(INVALID_PRODUCER_EPOCH) once the abort marker is written"};
}

Promise last_stable_offset_advances(const Configuration& c) {
  if (!c.transactional()) return {false, "without transactional.id there are no transactions: nothing exercised"};
  return {false, "KAFKA-14053 (Transactions V1): a produce request of a transaction that reaches the leader after "
                 "the transaction's marker opens a transaction no marker may end; KIP-890 part 1's partition "
                 "verification (3.6+, modelled) narrows it and Transactions V2 (4.0, transaction.version=2, "
                 "modelled) closes it; the model keeps it unpromised"};
}

// KIP-98 / KIP-447: the consumed offsets committed in the transaction
// (sendOffsetsToTransaction) become the group's committed offset with the
// transaction's COMMIT marker and are dropped with its ABORT marker, so a
// restarted (or fenced, or aborting) application resumes exactly after the
// input of the last committed transaction.
Promise exactly_once_consume_process_produce(const Configuration& c) {
  if (!c.consume_process_produce())
    return {false, "not consume-transform-produce: the application consumes an input topic only with transactional.id "
                   "and the consumer's group.id; nothing exercised"};
  if (c.consumer.enable_auto_commit)
    return {false, "KafkaConsumer docs / KIP-98: with enable.auto.commit=true (the consumer's default) the input "
                   "offsets are committed by the consumer outside the transaction, so a restart between a "
                   "transaction's commit and the next offset commit processes its input again (Kafka Streams forces "
                   "enable.auto.commit=false for exactly-once)"};
  if (!c.consumer.read_committed) return {false, kReadUncommitted};
  if (!durable_acks(c)) return {false, why_not_durable(c) + ", and with it the output of a committed transaction"};
  return {true,
          "KIP-98 / KIP-447 (sendOffsetsToTransaction): the input offsets commit atomically with the outputs (the "
          "COMMIT marker on the group's __consumer_offsets partition), so each input record's output is committed "
          "exactly once and a read_committed consumer reads it once",
          {late_transaction_write(c)}};
}

}  // namespace

Promise kafka_promises(const Configuration& config, std::string_view guarantee) {
  if (guarantee == "no_duplicates_within_session") return no_duplicates_within_session(config);
  if (guarantee == "no_duplicates") return no_duplicates(config);
  if (guarantee == "order_within_session") return order_within_session(config);
  if (guarantee == "no_lost_acknowledged_writes") return no_lost_acknowledged_writes(config);
  if (guarantee == "acknowledged_offsets_correct") return acknowledged_offsets_correct(config);
  if (guarantee == "no_send_failed_out_of_order") return no_send_failed_out_of_order(config);
  if (guarantee == "no_out_of_order_for_written_batch") return no_out_of_order_for_written_batch(config);
  if (guarantee == "no_aborted_reads") return no_aborted_reads(config);
  if (guarantee == "transactions_atomic") return transactions_atomic(config);
  if (guarantee == "zombie_fenced") return zombie_fenced(config);
  if (guarantee == "last_stable_offset_advances") return last_stable_offset_advances(config);
  if (guarantee == "exactly_once_consume_process_produce") return exactly_once_consume_process_produce(config);
  return {false, "unknown guarantee '" + std::string(guarantee) + "'"};
}

std::string remedy(const Configuration& config, std::string_view guarantee) {
  if (kafka_promises(config, guarantee).promised) return "";
  const bool cache_what_if = config.idempotent() && !cache_covers_in_flight(config);
  if (guarantee == "no_duplicates_within_session" || guarantee == "order_within_session" ||
      guarantee == "no_out_of_order_for_written_batch") {
    if (cache_what_if)
      return "model.producer.state.batches.to.retain >= max.in.flight.requests.per.connection (Kafka: 5 and <= 5)";
    if (config.idempotent() && !state_outlives_retries(config))
      return "producer.id.expiration.ms >= delivery.timeout.ms (on the brokers; Kafka's default is 1 day)";
    return guarantee == "order_within_session"
               ? std::string(kIdempotenceRemedy) + ", or max.in.flight.requests.per.connection=1"
               : std::string(kIdempotenceRemedy);
  }
  if (guarantee == "no_duplicates") {
    if (!config.transactional())
      return "set transactional.id and use transactions (read_committed), so a re-sent record's aborted copy is "
             "never read";
    if (!config.consumer.read_committed)
      return "isolation.level=read_committed on the consumer, so a re-sent record's aborted copy is never read";
    return "commit the consumed input offsets in the same transaction (sendOffsetsToTransaction, "
           "enable.auto.commit=false, with a consumer group.id: check --consumer), so a restarted application does "
           "not send again what a committed transaction wrote";
  }
  if (guarantee == "exactly_once_consume_process_produce") {
    if (!config.consume_process_produce())
      return "set transactional.id and the consumer's group.id (a consume-transform-produce application)";
    if (config.consumer.enable_auto_commit)
      return "enable.auto.commit=false on the consumer and commit the consumed offsets with "
             "producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata()) before commitTransaction";
    if (!config.consumer.read_committed) return "isolation.level=read_committed on the consumer";
    return durability_remedy(config);
  }
  if (guarantee == "zombie_fenced") return "set transactional.id (the same one for every instance of the application)";
  if (guarantee == "last_stable_offset_advances")
    return config.transactional() ? "Kafka 3.6+ brokers with transaction.partition.verification.enable=true "
                                    "(KIP-890 part 1), and abort a hanging transaction with "
                                    "kafka-transactions.sh abort (KIP-664)"
                                  : "set transactional.id and run transactions";
  if (guarantee == "no_aborted_reads" || guarantee == "transactions_atomic") {
    if (!config.transactional())
      return "set transactional.id and run transactions, with isolation.level=read_committed on the consumer";
    if (!config.consumer.read_committed) return "isolation.level=read_committed on the consumer";
    return durability_remedy(config);
  }
  if (guarantee == "no_lost_acknowledged_writes" || guarantee == "acknowledged_offsets_correct")
    return durability_remedy(config);
  return "";  // no_send_failed_out_of_order: a transactional producer aborts and retries the transaction
}

}  // namespace kafka_model
