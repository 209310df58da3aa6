// exactly_once_consume_process_produce: a consume-transform-produce
// application (transactional.id + the consumer's group.id; input offset i
// becomes output record i) processes each input record exactly once as the
// final log shows it: every input offset below the group's final committed
// offset has exactly one output in the consumer's read, no output read lacks
// its input below that offset (a restart would process it again), and each
// transaction whose COMMIT marker committed offsets committed exactly the
// outputs of the input range those offsets moved over. Kafka's promise with
// sendOffsetsToTransaction, read_committed and durable acks (KIP-98's
// consume-transform-produce loop, KIP-447); properties/allowed.hpp judges.
// A run that is not consume-transform-produce has nothing to check (NOT
// EXERCISED: no OffsetsCommitted step). Every anomaly has the guarantee's
// Jepsen kind, duplicate (what committing offsets outside the transaction
// makes); its summary names the rule it broke: a duplicate output, a lost
// input, an uncommitted input, an offsets mismatch.
#include <fmt/core.h>

#include <map>
#include <set>

#include "properties/checkers/log_view.hpp"
#include "properties/checkers/transaction_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {
namespace {

constexpr const char* kName = "exactly_once_consume_process_produce";
constexpr const char* kKind = "duplicate";

// The group's committed offset as OffsetsCommitted steps moved it.
struct OffsetCommit {
  std::size_t step = 0;
  std::int64_t from = 0;  // the committed offset before it
  std::int64_t to = 0;
  std::int64_t transaction = -1;  // -1: the consumer's own commit, outside any transaction
};

std::vector<OffsetCommit> offset_commits(const History& history) {
  std::vector<OffsetCommit> out;
  std::int64_t committed = 0;
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.kind != StepKind::OffsetsCommitted) continue;
    out.push_back({i, committed, s.offset, s.transaction});
    committed = s.offset;
  }
  return out;
}

Anomaly record_anomaly(std::int64_t record, const std::vector<std::size_t>& reads,
                       const History& history) {
  Anomaly a;
  a.guarantee = kName;
  a.kind = kKind;
  a.records = {record};
  for (std::size_t i : reads) {
    const Step& s = history.steps[i];
    a.partition = a.partition < 0 || a.partition == s.partition ? s.partition : a.partition;
    a.offsets.push_back(s.offset);
    a.sends.push_back(s.send);
    a.steps.push_back(i);
  }
  return a;
}

std::string copies_text(const History& history, const std::vector<std::size_t>& reads) {
  std::vector<std::string> parts;
  for (std::size_t i : reads) {
    const Step& s = history.steps[i];
    parts.push_back(fmt::format("p{} offset {} (transaction {}, producer {})", s.partition, s.offset, s.transaction,
                                s.producer_id));
  }
  return checkers::join_and(parts);
}

}  // namespace

std::vector<Anomaly> check_exactly_once_consume_process_produce(const History& history) {
  if (!history.config.contains("group.id")) return {};
  const std::vector<OffsetCommit> commits = offset_commits(history);
  if (commits.empty()) return {};
  const OffsetCommit& last = commits.back();
  const std::int64_t committed = last.to;
  const std::string isolation = checkers::isolation_of(history);
  std::map<std::int64_t, std::vector<std::size_t>> outputs;       // record (= input offset) -> its reads
  std::map<std::int64_t, std::vector<std::size_t>> by_transaction;  // transaction -> its reads
  for (std::size_t i : checkers::final_log(history)) {
    const Step& read = history.steps[i];
    if (read.record < 0) continue;
    outputs[read.record].push_back(i);
    if (read.transaction >= 0) by_transaction[read.transaction].push_back(i);
  }
  std::vector<Anomaly> out;
  // Every input below the committed offset: exactly one output.
  for (std::int64_t record = 0; record < committed; ++record) {
    const auto it = outputs.find(record);
    if (it == outputs.end()) {
      Anomaly a = record_anomaly(record, {}, history);
      a.steps = {last.step};
      a.summary = fmt::format("lost input: input offset {} is below the group's committed offset {}, yet the {} consumer reads "
                              "no output record {}: it was consumed and never produced",
                              record, committed, isolation, record);
      out.push_back(std::move(a));
    } else if (it->second.size() > 1) {
      Anomaly a = record_anomaly(record, it->second, history);
      a.steps.push_back(last.step);
      checkers::sort_steps(a.steps);
      a.summary = fmt::format("duplicate output: input offset {} (below the committed offset {}) was processed {}: the {} consumer "
                              "reads output record {} at {}",
                              record, committed, checkers::times(it->second.size()), isolation, record,
                              copies_text(history, it->second));
      out.push_back(std::move(a));
    }
  }
  // No output whose input the group has not committed.
  for (const auto& [record, reads] : outputs) {
    if (record < committed) continue;
    Anomaly a = record_anomaly(record, reads, history);
    a.steps.push_back(last.step);
    checkers::sort_steps(a.steps);
    a.summary = fmt::format("uncommitted input: the {} consumer reads output record {} at {}, but the group's committed offset is {}: "
                            "its input is not committed, so a restarted application processes it again",
                            isolation, record, copies_text(history, reads), committed);
    out.push_back(std::move(a));
  }
  // Each transaction's committed offsets cover exactly its outputs.
  for (const OffsetCommit& c : commits) {
    if (c.transaction < 0) continue;
    std::multiset<std::int64_t> produced;
    const auto it = by_transaction.find(c.transaction);
    const std::vector<std::size_t> reads = it == by_transaction.end() ? std::vector<std::size_t>{} : it->second;
    for (std::size_t i : reads) produced.insert(history.steps[i].record);
    std::multiset<std::int64_t> consumed;
    for (std::int64_t r = c.from; r < c.to; ++r) consumed.insert(r);
    if (produced == consumed) continue;
    Anomaly a;
    a.guarantee = kName;
    a.kind = kKind;
    a.records.assign(produced.begin(), produced.end());
    a.steps = reads;
    a.steps.push_back(c.step);
    checkers::sort_steps(a.steps);
    a.summary = fmt::format("offsets mismatch: transaction {} committed the group's offset {} -> {} (input {}) but the {} consumer "
                            "reads its outputs {}",
                            c.transaction, c.from, c.to,
                            c.to > c.from ? fmt::format("offsets {}..{}", c.from, c.to - 1) : std::string("none"),
                            isolation,
                            produced.empty() ? std::string("(none)")
                                             : checkers::join_and(std::vector<std::int64_t>(produced.begin(),
                                                                                            produced.end())));
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace kafka_model
