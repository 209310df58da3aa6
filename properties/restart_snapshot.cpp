#include "properties/restart_snapshot.hpp"

#include <fmt/core.h>

#include <map>
#include <set>
#include <tuple>

#include "properties/known_races.hpp"

namespace kafka_model {
namespace {

std::int32_t broker_of(const Step& s) {
  if (s.broker >= 0) return s.broker;
  return s.node.kind == NodeKind::Broker ? s.node.id : -1;
}

}  // namespace

std::optional<std::string> restart_snapshot_refusal(const History& history) {
  using Batch = std::tuple<std::int32_t, std::int64_t, std::int32_t, std::int32_t>;  // partition, pid, epoch, seq
  std::map<Batch, std::size_t> appended;                 // -> step index of its first append
  std::map<std::int32_t, std::size_t> last_restart;      // broker -> step index
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.kind == StepKind::BatchAppended && s.producer_id >= 0)
      appended.try_emplace({s.partition, s.producer_id, s.producer_epoch, s.sequence}, i);
    if (s.kind == StepKind::BrokerRestarted) last_restart[s.broker] = i;
    if (s.kind != StepKind::ProduceRejected || s.error != Errors::OUT_OF_ORDER_SEQUENCE_NUMBER || s.producer_id < 0) continue;
    const auto written = appended.find({s.partition, s.producer_id, s.producer_epoch, s.sequence});
    const std::int32_t broker = broker_of(s);
    const auto restart = last_restart.find(broker);
    if (written == appended.end() || restart == last_restart.end() || restart->second < written->second) continue;
    return fmt::format(
        "step {}: broker-{} refused producer {}'s batch at sequence {} on p{} as out of order although step {} had "
        "written it: the broker restarted at step {} and reloaded producer state from a snapshot, which keeps only "
        "each producer's last batch (ProducerStateManager.writeSnapshot), so the retry was no longer recognised as "
        "a duplicate and the producer bumped its epoch and wrote it again",
        i + 1, broker, s.producer_id, s.sequence, s.partition, written->second + 1, restart->second + 1);
  }
  return std::nullopt;
}

std::optional<std::string> kafka_idempotence_exception(const History& history) {
  if (auto race = first_batch_race(history)) return race;
  return restart_snapshot_refusal(history);
}

}  // namespace kafka_model
