// A read-only view of a transactional history (Kafka 3.9, Transactions V1):
// each application transaction's sends, the coordinator's decision
// (PrepareCommit / PrepareAbort: once written to the transaction log the
// outcome is fixed, TransactionCoordinator.endTransaction), and whether
// commitTransaction returned. History in, plain values out.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/history.hpp"
#include "properties/anomaly.hpp"

namespace kafka_model::checkers {

struct TransactionView {
  std::map<std::int64_t, std::int64_t> transaction_of_send;       // send -> transaction
  std::map<std::int64_t, std::vector<std::int64_t>> sends;        // transaction -> its sends, in order
  std::map<std::int64_t, std::size_t> decided;                    // transaction -> PrepareCommit/PrepareAbort step
  std::map<std::int64_t, bool> committed;                         // transaction -> decided commit (false: abort)
  std::map<std::int64_t, std::size_t> returned_committed;         // transaction -> commitTransaction returned
  bool any() const { return !sends.empty() || !decided.empty(); }
};

inline bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

inline TransactionView transactions_of(const History& history) {
  TransactionView v;
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.transaction < 0) continue;
    if (s.kind == StepKind::SendCalled && s.send >= 0) {
      v.transaction_of_send[s.send] = s.transaction;
      v.sends[s.transaction].push_back(s.send);
    } else if (s.kind == StepKind::TransactionStateChanged) {
      const bool commit = ends_with(s.detail, "-> PrepareCommit");
      if ((commit || ends_with(s.detail, "-> PrepareAbort")) && !v.decided.contains(s.transaction)) {
        v.decided[s.transaction] = i;
        v.committed[s.transaction] = commit;
      }
    } else if (s.kind == StepKind::TransactionEnded && !s.error && s.detail == "committed") {
      v.returned_committed.try_emplace(s.transaction, i);
    }
  }
  return v;
}

// The transaction a record read belongs to: the batch's (ConsumerRead), else its send's.
inline std::int64_t transaction_of_read(const TransactionView& v, const Step& read) {
  if (read.transaction >= 0) return read.transaction;
  auto it = v.transaction_of_send.find(read.send);
  return it == v.transaction_of_send.end() ? -1 : it->second;
}

// A success callback is the application's acknowledgement of the send only
// when the send is outside a transaction or its commitTransaction returned:
// a send of an aborted transaction was acknowledged, then aborted.
inline bool acknowledged(const TransactionView& v, const Step& callback) {
  auto it = v.transaction_of_send.find(callback.send);
  return it == v.transaction_of_send.end() || v.returned_committed.contains(it->second);
}

// An anomaly about one record the consumer read (its guarantee, kind and summary still to say).
inline Anomaly read_anomaly(const std::string& guarantee, const std::string& kind, const Step& read) {
  Anomaly a;
  a.guarantee = guarantee;
  a.kind = kind;
  a.partition = read.partition;
  a.records = {read.record};
  a.sends = {read.send};
  a.offsets = {read.offset};
  a.producer_id = read.producer_id;
  a.instance = read.instance;
  return a;
}

// "read_committed" / "read_uncommitted" (History::config; absent: not transactional).
inline std::string isolation_of(const History& history) {
  auto it = history.config.find("isolation.level");
  return it == history.config.end() ? "read_uncommitted" : it->second;
}

}  // namespace kafka_model::checkers
