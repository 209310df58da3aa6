// order_within_session (Jepsen: nonmonotonic-send): for one session and one
// partition, two sends that are both in the final log appear in the order
// send() was called. Send ids increase in call order; a send's position is
// its first copy. Without idempotence and with more than one request in
// flight a retried batch can land behind a later one (Kafka docs,
// max.in.flight.requests.per.connection); the idempotent producer refuses a
// sequence gap (OUT_OF_ORDER_SEQUENCE_NUMBER) and so keeps the order.
//
// One anomaly per adjacent inversion of the session's sends in log order: a
// log is in order exactly when it has none, and each one names the two
// neighbours a person would point at.
#include <map>
#include <set>
#include <utility>

#include "properties/checkers/log_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {
namespace {

using checkers::SessionKey;

// Per (partition, session): the ConsumerRead step of each send's first copy, in log order.
std::map<std::pair<std::int32_t, SessionKey>, std::vector<std::size_t>> first_copies(const History& history) {
  std::map<std::pair<std::int32_t, SessionKey>, std::vector<std::size_t>> out;
  std::set<std::pair<std::int32_t, std::int64_t>> seen;  // (partition, send)
  for (std::size_t i : checkers::final_log(history)) {
    const Step& s = history.steps[i];
    if (s.send < 0 || !seen.emplace(s.partition, s.send).second) continue;
    out[{s.partition, checkers::session_of(s)}].push_back(i);
  }
  return out;
}

Anomaly inversion_anomaly(const History& history, SessionKey session, std::size_t ahead_step,
                          std::size_t behind_step, const std::map<std::int64_t, std::size_t>& called) {
  const Step& ahead = history.steps[ahead_step];    // called later, logged first
  const Step& behind = history.steps[behind_step];  // called first, logged after it
  Anomaly a;
  a.guarantee = "order_within_session";
  a.kind = "nonmonotonic-send";
  a.partition = ahead.partition;
  a.records = {ahead.record, behind.record};
  a.sends = {ahead.send, behind.send};
  a.offsets = {ahead.offset, behind.offset};
  a.producer_id = session.by_producer_id ? session.id : -1;
  a.instance = ahead.instance;
  for (std::int64_t send : {behind.send, ahead.send})
    if (auto it = called.find(send); it != called.end()) a.steps.push_back(it->second);
  a.steps.push_back(ahead_step);
  a.steps.push_back(behind_step);
  checkers::sort_steps(a.steps);
  a.summary = checkers::send_text(behind.send, behind.record) + " was called before " +
              checkers::send_text(ahead.send, ahead.record) + " but is appended after it under " +
              checkers::describe(session) + " on p" + std::to_string(a.partition) + ": offsets " +
              std::to_string(behind.offset) + " and " + std::to_string(ahead.offset);
  return a;
}

}  // namespace

std::vector<Anomaly> check_order_within_session(const History& history) {
  const auto called = checkers::send_called_steps(history);
  std::vector<Anomaly> out;
  for (const auto& [where, steps] : first_copies(history))
    for (std::size_t k = 1; k < steps.size(); ++k)
      if (history.steps[steps[k]].send < history.steps[steps[k - 1]].send)
        out.push_back(inversion_anomaly(history, where.second, steps[k - 1], steps[k], called));
  return out;
}

}  // namespace kafka_model
