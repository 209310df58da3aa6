// no_lost_acknowledged_writes (Jepsen: lost-write): every send whose callback
// reported success is in its partition's final committed log (the
// ConsumerRead steps, read after faults healed). acks=0 acknowledges without
// any broker answer, acks=1 before followers copied the record, and acks=all
// with min.insync.replicas=1 or an unclean election can also lose one
// (Kafka docs: acks, min.insync.replicas); properties/allowed.hpp judges.
#include <fmt/core.h>

#include <map>
#include <set>
#include <utility>

#include "properties/checkers/log_view.hpp"
#include "properties/checkers/transaction_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {
namespace {

struct FinalLog {
  std::set<std::pair<std::int32_t, std::int64_t>> sends;  // (partition, send)
  std::map<std::int32_t, std::size_t> records_read;       // per partition
  std::set<std::int32_t> offline;                          // partitions with no leader at the end
};

FinalLog read_final_log(const History& history) {
  FinalLog log;
  for (const Step& s : history.steps) {
    if (s.kind != StepKind::ConsumerRead) continue;
    if (s.offset < 0) {
      log.offline.insert(s.partition);
      continue;
    }
    log.sends.emplace(s.partition, s.send);
    log.records_read[s.partition] += 1;
  }
  return log;
}

bool in_log(const FinalLog& log, std::int32_t partition, std::int64_t send) {
  if (partition >= 0) return log.sends.count({partition, send}) > 0;
  for (const auto& [p, s] : log.sends)  // partition unknown: anywhere
    if (s == send) return true;
  return false;
}

// Truncations of the partition at or below the acknowledged offset: how the record went.
std::vector<std::size_t> truncations(const History& history, std::int32_t partition, std::int64_t offset) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.kind == StepKind::LogTruncated && s.partition == partition && offset >= 0 && s.offset <= offset)
      out.push_back(i);
  }
  return out;
}

// Cites the truncation by offset, not by step number: Anomaly::steps are 0-based, the timeline's numbers 1-based.
std::string lost_summary(const History& history, const Step& cb, std::int32_t partition, const FinalLog& log,
                         const std::vector<std::size_t>& cuts) {
  std::string text = checkers::send_text(cb.send, cb.record);
  text += cb.offset >= 0 ? fmt::format(" acknowledged at p{} offset {}", partition, cb.offset)
                         : std::string(" acknowledged without an offset (-1)");
  if (log.offline.count(partition) > 0)
    return text + fmt::format(" is unreadable: p{} has no leader at the end", partition);
  auto read = log.records_read.find(partition);
  text += fmt::format(" is missing from p{}'s final log ({} records read)", partition,
                      read == log.records_read.end() ? 0 : read->second);
  if (!cuts.empty())
    text += fmt::format("; p{} was truncated to offset {}", partition, history.steps[cuts.front()].offset);
  return text;
}

}  // namespace

std::vector<Anomaly> check_no_lost_acknowledged_writes(const History& history) {
  const auto called = checkers::send_called_steps(history);
  const FinalLog log = read_final_log(history);
  const checkers::TransactionView txns = checkers::transactions_of(history);
  std::vector<Anomaly> out;
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& cb = history.steps[i];
    if (!checkers::is_success_callback(cb) || !checkers::acknowledged(txns, cb)) continue;
    const std::int32_t partition = checkers::partition_of_send(history, called, cb);
    if (in_log(log, partition, cb.send)) continue;
    Anomaly a;
    a.guarantee = "no_lost_acknowledged_writes";
    a.kind = "lost-write";
    a.partition = partition;
    a.records = {cb.record};
    a.sends = {cb.send};
    a.offsets = {cb.offset};
    a.instance = cb.instance;
    a.producer_id = checkers::producer_id_at(history, cb.instance, i);
    if (auto it = called.find(cb.send); it != called.end()) a.steps.push_back(it->second);
    a.steps.push_back(i);
    const auto cuts = truncations(history, partition, cb.offset);
    a.steps.insert(a.steps.end(), cuts.begin(), cuts.end());
    checkers::sort_steps(a.steps);
    a.summary = lost_summary(history, cb, partition, log, cuts);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace kafka_model
