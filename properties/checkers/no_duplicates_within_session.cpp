// no_duplicates_within_session (Jepsen: duplicate): no single send() is
// appended to the final log more than once under one session. This is what
// the idempotent producer promises (KIP-98): the leader appends a batch of a
// (producer id, epoch) only at lastSeq + 1 and answers a retry of a cached
// batch with the original offset. A re-send of a record by the application is
// a new send and never counts here (no_duplicates sees it).
#include <map>
#include <tuple>

#include "properties/checkers/log_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {
namespace {

using checkers::SessionKey;

struct Copies {
  std::int32_t partition;
  SessionKey session;
  std::int64_t send;
  std::vector<std::size_t> reads;  // ConsumerRead step indices, log order
};

// One group per (partition, session, send), in order of first appearance.
std::vector<Copies> copies_per_send(const History& history) {
  std::vector<Copies> groups;
  std::map<std::tuple<std::int32_t, SessionKey, std::int64_t>, std::size_t> index;
  for (std::size_t i : checkers::final_log(history)) {
    const Step& s = history.steps[i];
    if (s.send < 0) continue;  // not a producer's record
    const auto key = std::make_tuple(s.partition, checkers::session_of(s), s.send);
    auto [it, fresh] = index.try_emplace(key, groups.size());
    if (fresh) groups.push_back(Copies{s.partition, checkers::session_of(s), s.send, {}});
    groups[it->second].reads.push_back(i);
  }
  return groups;
}

Anomaly duplicate_anomaly(const History& history, const Copies& copies,
                          const std::map<std::int64_t, std::size_t>& called) {
  const Step& first = history.steps[copies.reads.front()];
  Anomaly a;
  a.guarantee = "no_duplicates_within_session";
  a.kind = "duplicate";
  a.partition = copies.partition;
  a.records = {first.record};
  a.sends = {copies.send};
  a.producer_id = copies.session.by_producer_id ? copies.session.id : -1;
  a.instance = first.instance;
  for (std::size_t i : copies.reads) {
    a.offsets.push_back(history.steps[i].offset);
    a.steps.push_back(i);
  }
  if (auto it = called.find(copies.send); it != called.end()) a.steps.insert(a.steps.begin(), it->second);
  a.summary = checkers::send_text(copies.send, first.record) + " appended " + checkers::times(copies.reads.size()) +
              " under " + checkers::describe(copies.session) + " on p" + std::to_string(copies.partition) +
              ": offsets " + checkers::join_and(a.offsets);
  return a;
}

}  // namespace

std::vector<Anomaly> check_no_duplicates_within_session(const History& history) {
  const auto called = checkers::send_called_steps(history);
  std::vector<Anomaly> out;
  for (const Copies& copies : copies_per_send(history))
    if (copies.reads.size() > 1) out.push_back(duplicate_anomaly(history, copies, called));
  return out;
}

}  // namespace kafka_model
