#include "properties/known_races.hpp"

#include <fmt/core.h>

namespace kafka_model {
namespace {

constexpr Errors kOutOfOrder = Errors::OUT_OF_ORDER_SEQUENCE_NUMBER;

bool is_producer_node(const Step& s) { return s.node.kind == NodeKind::Producer; }

// The producer's ProduceResponseReceived for the leader's refusal `refused`
// (same request, partition and batch), at or after `from`.
std::optional<std::size_t> response_to(const History& h, const Step& refused, std::size_t from) {
  for (std::size_t i = from; i < h.steps.size(); ++i) {
    const Step& s = h.steps[i];
    if (s.kind == StepKind::ProduceResponseReceived && is_producer_node(s) && s.request == refused.request &&
        s.partition == refused.partition && s.batch == refused.batch)
      return s.error == kOutOfOrder ? std::optional<std::size_t>(i) : std::nullopt;
  }
  return std::nullopt;
}

// The later batch's first success reaching the client in (after, before).
std::optional<std::size_t> success_between(const History& h, const Step& accepted, std::size_t after,
                                           std::size_t before) {
  for (std::size_t i = after + 1; i < before; ++i) {
    const Step& s = h.steps[i];
    if (s.kind == StepKind::ProduceResponseReceived && is_producer_node(s) && s.batch == accepted.batch &&
        s.partition == accepted.partition && (!s.error || *s.error == Errors::NONE))
      return i;
  }
  return std::nullopt;
}

std::string evidence(const History& h, const FirstBatchRace& r) {
  const Step& a = h.steps[r.accepted_step];
  const Step& j = h.steps[r.refused_step];
  std::string out = fmt::format(
      "step {}: {} wrote producer {}'s batch {} on p{} at sequence {} with no state for that producer there "
      "(ProducerAppendInfo.checkSequence accepts any sequence then); step {}: the earlier batch {} (sequence {}) "
      "was refused {}; ",
      r.accepted_step + 1, to_string(a.node), a.producer_id, a.batch, a.partition, a.sequence, r.refused_step + 1, j.batch,
      j.sequence, to_string(kOutOfOrder));
  if (r.outcome == FirstBatchRace::Outcome::DuplicateAndReorder)
    return out + fmt::format(
                     "step {}: the producer got that refusal before any success for batch {}, so "
                     "TransactionManager.canRetry took it for a real gap, bumped the epoch and renumbered the batches "
                     "in flight: batch {} can be written twice and after batch {} (the first-batch race, KAFKA-19880; "
                     "docs/model.md)",
                     r.handled_step + 1, a.batch, a.batch, j.batch);
  out += fmt::format(
      "step {}: batch {}'s success had reached the producer first (step {}), so the refused batch was "
      "not the next sequence and TransactionManager.canRetry retried it without an epoch bump into the "
      "same refusal until delivery.timeout.ms or its retries ran out (the first-batch race's lost send, KAFKA-15591; "
      "docs/model.md)",
      r.handled_step + 1, a.batch, *r.success_step + 1);
  if (r.bump_step)
    out += fmt::format(
        "; step {}: failing it, TransactionManager.handleFailedBatch bumped the epoch (OUT_OF_ORDER_SEQUENCE_NUMBER) "
        "and renumbered the batches still in flight, so one whose earlier attempt was written can be written again "
        "(KAFKA-14034's renumbering)",
        *r.bump_step + 1);
  return out;
}

}  // namespace

std::vector<FirstBatchRace> first_batch_races(const History& h) {
  std::vector<FirstBatchRace> out;
  for (std::size_t a = 0; a < h.steps.size(); ++a) {
    const Step& accepted = h.steps[a];
    // C1: the leader had no state for this producer id and wrote a non-zero sequence.
    if (accepted.kind != StepKind::BatchAppended || !accepted.producer_state_created || accepted.producer_id < 0 ||
        accepted.sequence <= 0)
      continue;
    for (std::size_t j = a + 1; j < h.steps.size(); ++j) {
      const Step& refused = h.steps[j];
      // C3: an earlier sequence of the same producer and epoch, refused as out of order behind it.
      if (refused.kind != StepKind::ProduceRejected || refused.error != kOutOfOrder ||
          refused.producer_id != accepted.producer_id || refused.producer_epoch != accepted.producer_epoch ||
          refused.partition != accepted.partition || refused.sequence < 0 || refused.sequence >= accepted.sequence)
        continue;
      const std::optional<std::size_t> handled = response_to(h, refused, j + 1);
      if (!handled) continue;
      FirstBatchRace race;
      race.partition = accepted.partition;
      race.producer_id = accepted.producer_id;
      race.accepted_step = a;
      race.refused_step = j;
      race.handled_step = *handled;
      race.success_step = success_between(h, accepted, a, *handled);  // C4 is its absence
      race.outcome = race.success_step ? FirstBatchRace::Outcome::LostSend : FirstBatchRace::Outcome::DuplicateAndReorder;
      if (race.outcome == FirstBatchRace::Outcome::LostSend) {
        // The refused batch's callback failing right after the refusal, then
        // the producer's epoch bump, before any other refusal is handled.
        for (std::size_t k = *handled + 1; k < h.steps.size(); ++k) {
          const Step& s = h.steps[k];
          if (s.kind == StepKind::BatchRetried && s.batch == refused.batch) break;  // retried: no bump for it
          if (s.kind == StepKind::EpochBumped && is_producer_node(s) && s.producer_id == accepted.producer_id) {
            race.bump_step = k;
            break;
          }
        }
      }
      race.evidence = evidence(h, race);
      out.push_back(std::move(race));
    }
  }
  return out;
}

std::optional<std::string> first_batch_race(const History& history) {
  for (const FirstBatchRace& r : first_batch_races(history))
    if (r.outcome == FirstBatchRace::Outcome::DuplicateAndReorder || r.bump_step) return r.evidence;
  return std::nullopt;
}

std::optional<FirstBatchRace> first_batch_race_for(const History& history, std::string_view guarantee) {
  std::optional<FirstBatchRace::Outcome> wanted;
  if (guarantee == "no_duplicates_within_session" || guarantee == "order_within_session")
    wanted = FirstBatchRace::Outcome::DuplicateAndReorder;
  else if (guarantee == "no_send_failed_out_of_order")
    wanted = FirstBatchRace::Outcome::LostSend;
  if (!wanted) return std::nullopt;
  const bool idempotence = *wanted == FirstBatchRace::Outcome::DuplicateAndReorder;
  for (FirstBatchRace& r : first_batch_races(history))
    if (r.outcome == *wanted || (idempotence && r.bump_step)) return std::move(r);
  return std::nullopt;
}

}  // namespace kafka_model
