// no_duplicates (Jepsen: duplicate): no record id is appended to the final
// log more than once, whatever the cause: a producer retry, an application
// re-send after a timeout or error, a restart under a new producer id. Kafka
// does not promise this with producer settings alone (properties/allowed.hpp);
// the checker reports what it sees, allowed.hpp judges.
#include <algorithm>
#include <map>

#include "properties/checkers/log_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {
namespace {

// ConsumerRead step indices per record id, groups in order of first appearance.
std::vector<std::vector<std::size_t>> copies_per_record(const History& history) {
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::int64_t, std::size_t> index;
  for (std::size_t i : checkers::final_log(history)) {
    const std::int64_t record = history.steps[i].record;
    if (record < 0) continue;
    auto [it, fresh] = index.try_emplace(record, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

// "p0 offset 0 (send 0, producer 1000)"
std::string copy_text(const Step& s) {
  return "p" + std::to_string(s.partition) + " offset " + std::to_string(s.offset) + " (send " +
         std::to_string(s.send) + ", " + checkers::describe(checkers::session_of(s)) + ")";
}

void add_unique(std::vector<std::int64_t>& values, std::int64_t v) {
  if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
}

Anomaly duplicate_anomaly(const History& history, const std::vector<std::size_t>& reads,
                          const std::map<std::int64_t, std::size_t>& called) {
  const Step& first = history.steps[reads.front()];
  Anomaly a;
  a.guarantee = "no_duplicates";
  a.kind = "duplicate";
  a.partition = first.partition;
  a.records = {first.record};
  a.producer_id = first.producer_id;
  a.instance = first.instance;
  std::vector<std::string> copies;
  std::vector<std::size_t> send_steps;
  for (std::size_t i : reads) {
    const Step& s = history.steps[i];
    if (s.partition != a.partition) a.partition = -1;  // copies in several partitions (null key)
    if (s.producer_id != a.producer_id) a.producer_id = -1;
    if (s.instance != a.instance) a.instance = -1;
    a.offsets.push_back(s.offset);
    const std::size_t before = a.sends.size();
    add_unique(a.sends, s.send);
    if (a.sends.size() > before)
      if (auto it = called.find(s.send); it != called.end()) send_steps.push_back(it->second);
    copies.push_back(copy_text(s));
  }
  a.steps = send_steps;
  a.steps.insert(a.steps.end(), reads.begin(), reads.end());
  checkers::sort_steps(a.steps);
  a.summary = "record " + std::to_string(first.record) + " appended " + checkers::times(reads.size()) + ": " +
              checkers::join_and(copies);
  return a;
}

}  // namespace

std::vector<Anomaly> check_no_duplicates(const History& history) {
  const auto called = checkers::send_called_steps(history);
  std::vector<Anomaly> out;
  for (const auto& reads : copies_per_record(history))
    if (reads.size() > 1) out.push_back(duplicate_anomaly(history, reads, called));
  return out;
}

}  // namespace kafka_model
