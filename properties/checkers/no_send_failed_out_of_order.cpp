// no_send_failed_out_of_order (kind: failed-send): no send's callback fails,
// its record never written, because the leader kept refusing its batch as
// OUT_OF_ORDER_SEQUENCE_NUMBER behind a LATER batch of the same producer id
// and epoch that it had already written. Kafka's docs promise the idempotent
// producer writes "exactly one copy of each message" (enable.idempotence),
// retrying until delivery.timeout.ms; a gap the producer's own later batch
// opened is never closed: every retry is refused again (KAFKA-15591). Which
// configurations are promised this is properties/allowed.hpp's to judge;
// properties/known_races.hpp says when it is Kafka's first-batch race.
//
// The producer must have heard that refusal last: the last answer it received
// for the batch before giving it up is OUT_OF_ORDER_SEQUENCE_NUMBER.
//
// A batch's callbacks are the failed CallbackCompleted steps that directly
// follow its last producer step (BatchExpired, or the ProduceResponseReceived
// that failed it): Sender.completeBatch / failBatch fire every record's
// callback at once (ProducerBatch.done).
#include <fmt/core.h>

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "properties/checkers/log_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {
namespace {

constexpr Errors kOutOfOrder = Errors::OUT_OF_ORDER_SEQUENCE_NUMBER;

struct Stranded {
  std::size_t ahead = 0;            // the later batch's BatchAppended that opened the gap
  std::vector<std::size_t> refusals;  // the leader's OUT_OF_ORDER_SEQUENCE_NUMBER answers to this batch
};

bool failed_callback(const History& h, std::size_t i) {
  return i < h.steps.size() && h.steps[i].kind == StepKind::CallbackCompleted && h.steps[i].error.has_value();
}

// The step at which the producer gave the batch up: BatchExpired, or a
// failing ProduceResponseReceived; then its callbacks follow.
std::optional<std::size_t> give_up_step(const History& h, std::int64_t batch) {
  std::optional<std::size_t> out;
  for (std::size_t i = 0; i < h.steps.size(); ++i) {
    const Step& s = h.steps[i];
    const bool expired = s.kind == StepKind::BatchExpired;
    const bool refused = s.kind == StepKind::ProduceResponseReceived && s.error && *s.error != Errors::NONE;
    if ((expired || refused) && s.batch == batch && failed_callback(h, i + 1)) out = i;
  }
  return out;
}

// The error of the last ProduceResponseReceived for `batch` at or before `until` (none if none).
std::optional<Errors> last_answer(const History& h, std::int64_t batch, std::size_t until) {
  std::optional<Errors> error;
  for (std::size_t i = 0; i <= until && i < h.steps.size(); ++i) {
    const Step& s = h.steps[i];
    if (s.kind == StepKind::ProduceResponseReceived && s.batch == batch) error = s.error;
  }
  return error;
}

}  // namespace

std::vector<Anomaly> check_no_send_failed_out_of_order(const History& history) {
  const auto& steps = history.steps;
  std::set<std::int64_t> written_batches;  // a renumbered retry keeps its batch id
  std::set<std::int64_t> logged_sends;
  for (const Step& s : steps) {
    if (s.kind == StepKind::BatchAppended && s.batch >= 0) written_batches.insert(s.batch);
    if (s.kind == StepKind::ConsumerRead && s.offset >= 0) logged_sends.insert(s.send);
  }
  // Refusals of a batch behind a later sequence of its producer id and epoch already in the log.
  std::map<std::int64_t, Stranded> stranded;  // by batch
  for (std::size_t j = 0; j < steps.size(); ++j) {
    const Step& r = steps[j];
    if (r.kind != StepKind::ProduceRejected || r.error != kOutOfOrder || r.producer_id < 0 || r.batch < 0 ||
        r.sequence < 0 || written_batches.count(r.batch) > 0)
      continue;
    const std::int32_t last = r.last_sequence >= 0 ? r.last_sequence : r.sequence;
    std::optional<std::size_t> ahead;
    for (std::size_t a = 0; a < j && !ahead; ++a) {
      const Step& w = steps[a];
      if (w.kind == StepKind::BatchAppended && w.producer_id == r.producer_id &&
          w.producer_epoch == r.producer_epoch && w.partition == r.partition && w.sequence > last)
        ahead = a;
    }
    if (!ahead) continue;
    auto [it, first] = stranded.try_emplace(r.batch, Stranded{*ahead, {}});
    it->second.refusals.push_back(j);
  }
  std::vector<Anomaly> out;
  for (const auto& [batch, s] : stranded) {
    const std::optional<std::size_t> gave_up = give_up_step(history, batch);
    if (!gave_up) continue;  // still retrying when the run ended, or written after all
    // The refusal must be what the producer last heard about the batch: a
    // batch that then failed on, say, NOT_ENOUGH_REPLICAS until it expired
    // failed for the cluster's unavailability, whatever gap it would have met.
    if (last_answer(history, batch, *gave_up) != kOutOfOrder) continue;
    const Step& first_refusal = steps[s.refusals.front()];
    const Step& ahead = steps[s.ahead];
    Anomaly a;
    a.guarantee = "no_send_failed_out_of_order";
    a.kind = "failed-send";
    a.partition = first_refusal.partition;
    a.producer_id = first_refusal.producer_id;
    a.steps = {s.ahead};
    a.steps.insert(a.steps.end(), s.refusals.begin(), s.refusals.end());
    a.steps.push_back(*gave_up);
    std::string error;
    std::vector<std::string> sends;
    for (std::size_t i = *gave_up + 1; failed_callback(history, i); ++i) {
      const Step& cb = steps[i];
      if (logged_sends.count(cb.send) > 0) continue;
      a.sends.push_back(cb.send);
      a.records.push_back(cb.record);
      a.instance = cb.instance;
      a.steps.push_back(i);
      error = std::string(to_string(*cb.error));
      sends.push_back(checkers::send_text(cb.send, cb.record));
    }
    if (a.sends.empty()) continue;
    checkers::sort_steps(a.steps);
    a.summary = fmt::format(
        "{} on p{} failed with {} and was never written: producer {}'s batch {} (epoch {}, sequence {}) was refused "
        "OUT_OF_ORDER_SEQUENCE_NUMBER {} because the leader had already written the later sequence {} (batch {}, "
        "offset {}), a gap no retry of it can close",
        checkers::join_and(sends), a.partition, error, a.producer_id, batch, first_refusal.producer_epoch,
        first_refusal.sequence, s.refusals.size() == 1 ? std::string("once") : checkers::times(s.refusals.size()),
        ahead.sequence, ahead.batch, ahead.offset);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace kafka_model
