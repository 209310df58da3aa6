// What Kafka PROMISES for a configuration, decided apart from what the
// checkers find (Jepsen's "separate finding from judging"): a checker
// reports every anomaly it sees; this table says which of them a
// configuration rules out. A violation of a promised guarantee is a bug (in
// Kafka, or in the model); one of an unpromised guarantee is Kafka behaving
// as documented, and remedy() names the setting that would rule it out.
//
// The table (configuration = the effective one, after Kafka's overrides;
// "idempotent" = enable.idempotence effective, which transactional.id forces):
//
// | guarantee                    | promised when                                   | source                        |
// |------------------------------|-------------------------------------------------|-------------------------------|
// | no_duplicates_within_session | idempotent*, or retries=0                       | KIP-98; docs: retries         |
// | no_duplicates                | never by producer settings alone                | KIP-98: one producer session  |
// | order_within_session         | idempotent*, or max.in.flight...connection=1    | docs: max.in.flight...        |
// | no_lost_acknowledged_writes  | acks=all, min.insync.replicas >= 2, no unclean  | docs: acks, min.insync...;    |
// |                              | leader election                                 | KIP-106                       |
// | acknowledged_offsets_correct | as no_lost_acknowledged_writes, or acks=0       | docs: acks ("-1" with acks=0) |
// | no_send_failed_out_of_order  | idempotent and not transactional; trivially     | docs: enable.idempotence      |
// |                              | without idempotence (no sequences)              | ("exactly one copy")          |
// | exactly_once_consume_process | transactional.id + group.id, sendOffsets-       | KIP-98, KIP-447               |
// | _produce                     | ToTransaction (enable.auto.commit=false),       |                               |
// |                              | read_committed, as no_lost_acknowledged_writes  |                               |
//
// Known exceptions (Promise::exceptions): a promise Kafka documents but its
// own rules break in a known race, with the tickets. The idempotence
// promises (no_duplicates_within_session, order_within_session) and
// no_send_failed_out_of_order all have one: the first-batch race
// (KAFKA-14312, KAFKA-15591, KAFKA-19880; properties/known_races.hpp). A
// leader with no state for a producer id accepts any sequence
// (ProducerAppendInfo.checkSequence), so when the first batch is refused
// unwritten and a later one accepted, the refused batch's retries are
// OUT_OF_ORDER_SEQUENCE_NUMBER: the producer bumps its epoch and writes a
// send twice and out of order if the later batch's success has not reached
// it (KAFKA-19880, open upstream), else it retries until delivery.timeout.ms
// fails the send (KAFKA-15591; apache/kafka PR 23234, Kafka 4.5, refuses the
// non-zero first sequence on a partition that never held a record, so the
// race remains after state expiry or on a partition holding other data).
// A violation that is the known race is Kafka's; any other is a bug.
//
// * idempotent with the broker retaining at least as many batches per
//   producer as may be in flight. Kafka fixes the cache at 5
//   (ProducerStateEntry.NUM_BATCHES_TO_RETAIN) and refuses in-flight > 5
//   (KAFKA-5494), so this always holds in Kafka; the model's what-if knob
//   model.producer.state.batches.to.retain below the in-flight limit voids
//   both idempotence promises, to show why Kafka forbids it: a retry that
//   fell out of the cache gets OUT_OF_ORDER_SEQUENCE_NUMBER, the producer
//   bumps its epoch and writes the batch again.
//
// Not promised, each shown by a scenario: without idempotence, retries
// duplicate (lost response, NOT_ENOUGH_REPLICAS_AFTER_APPEND) and, with more
// than one request in flight, reorder; acks=0 loses silently; acks=1 loses
// an acknowledged record when the leader fails before followers copy it and
// gives its offset to a later record; acks=all with min.insync.replicas=1 or
// unclean election loses acknowledged records; no_duplicates fails on any
// application re-send (timeout, producer restart without transactional.id).
//
// Promises hold under the model's fault model (docs/model.md): crashed
// brokers keep their disk and all faults heal before the final read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/config.hpp"

namespace kafka_model {

// A known exception to a promised guarantee: a race in Kafka's own rules.
struct KnownException {
  std::string name;       // "the first-batch race"
  std::string tickets;    // "KAFKA-19880", the ticket a user would search for, then related ones
  std::string status;     // "open upstream", "fixed in 4.5 for ...": as of the newest Kafka the model knows
  std::string mechanism;  // one sentence: how Kafka's rules produce the violation
  bool operator==(const KnownException&) const = default;
};

struct Promise {
  bool promised = false;
  std::string why;  // one sentence citing Kafka docs, a KIP or a ticket
  std::vector<KnownException> exceptions;  // only when promised
};

// Whether Kafka promises `guarantee` (a name from properties/guarantee.hpp)
// under `config`. An unknown name is not promised, and `why` says so.
Promise kafka_promises(const Configuration& config, std::string_view guarantee);

// One line naming the setting that would rule out a violation of
// `guarantee` under `config`, or "" when it is already promised (or no
// setting can).
std::string remedy(const Configuration& config, std::string_view guarantee);

}  // namespace kafka_model
