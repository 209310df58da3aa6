// Races in Kafka's own rules (docs/model.md, "The first-batch race"),
// recognised by the conditions that make them, so a property can tell
// "Kafka's known race" from "the model broke a promise" and a report can say
// which one a counterexample is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/history.hpp"

namespace kafka_model {

// The idempotent producer's first-batch race (KAFKA-14312, KAFKA-15591,
// KAFKA-19880). It needs all four:
//   C1 a leader with no state for the producer id on the partition writes a
//      batch at a non-zero sequence (ProducerAppendInfo.checkSequence accepts
//      any sequence then): a BatchAppended step with producer_state_created;
//   C2 more than one request in flight, and
//   C3 the earlier batch refused unwritten while the later one was accepted
//      (both implied by C1: the earlier batch exists and is not in the log);
//   C4 the later batch's success does not reach the client before the
//      earlier batch's OUT_OF_ORDER_SEQUENCE_NUMBER does.
// With C4 the earlier batch is the next expected sequence, so
// TransactionManager.canRetry takes the refusal for a real gap, bumps the
// epoch and renumbers: a send written twice, two sends out of order
// (DuplicateAndReorder). Without C4 it is not the next sequence, so the
// client retries it without a bump until delivery.timeout.ms fails it: a
// send never written although idempotence, acks=all and infinite retries
// were set (LostSend, the KAFKA-15591 outcome).
struct FirstBatchRace {
  enum class Outcome { DuplicateAndReorder, LostSend };
  Outcome outcome = Outcome::DuplicateAndReorder;
  std::int32_t partition = -1;
  std::int64_t producer_id = -1;
  std::size_t accepted_step = 0;  // C1: the later batch written with no producer state (0-based)
  std::size_t refused_step = 0;   // the earlier batch refused OUT_OF_ORDER_SEQUENCE_NUMBER at the leader
  std::size_t handled_step = 0;   // the producer received that refusal
  std::optional<std::size_t> success_step;  // the later batch's success reaching the client first (not C4)
  // LostSend only: the refusal was final for the batch (no retries or time
  // left) and TransactionManager.handleFailedBatch bumped the epoch for it
  // (an idempotent producer does for OUT_OF_ORDER_SEQUENCE_NUMBER): the
  // renumbering can rewrite a batch in flight whose earlier attempt was
  // written, so this variant breaks the idempotence promises too.
  std::optional<std::size_t> bump_step;
  std::string evidence;           // one paragraph citing the steps (1-based, as the timeline numbers them)
};

// Every first-batch race in the history: one per refusal of an earlier batch
// behind a later batch written with no producer state, in history order.
std::vector<FirstBatchRace> first_batch_races(const History& history);

// The race with C4 (the duplicate and the reorder): its evidence, or nothing.
std::optional<std::string> first_batch_race(const History& history);

// The first-batch race's variant that breaks `guarantee` in this history:
// no_duplicates_within_session and order_within_session need C4 (or the
// lost send's failed batch bumping the epoch: bump_step),
// no_send_failed_out_of_order needs it absent. Nothing for other guarantees.
std::optional<FirstBatchRace> first_batch_race_for(const History& history, std::string_view guarantee);

}  // namespace kafka_model
