// Read-only views over a History that several checkers share: the final
// committed log (the ConsumerRead steps), sessions, where each send was
// called, and the few phrases the anomaly summaries have in common.
// History in, plain values out; nothing here knows the world.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "model/history.hpp"

namespace kafka_model::checkers {

// Indices of the ConsumerRead steps that read a record (an offline
// partition's ConsumerRead has offset -1 and reads nothing), in history
// order, which is log order within a partition.
inline std::vector<std::size_t> final_log(const History& history) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.kind == StepKind::ConsumerRead && s.offset >= 0) out.push_back(i);
  }
  return out;
}

// A session (properties/guarantee.hpp): one producer id with all its epochs
// when the batch was idempotent (producer_id >= 0), else one producer instance.
struct SessionKey {
  bool by_producer_id = false;
  std::int64_t id = -1;
  auto operator<=>(const SessionKey&) const = default;
};

inline SessionKey session_of(const Step& logged) {
  if (logged.producer_id >= 0) return {true, logged.producer_id};
  return {false, logged.instance};
}

inline std::string describe(const SessionKey& session) {
  return (session.by_producer_id ? "producer " : "producer instance ") + std::to_string(session.id);
}

// send id -> index of its SendCalled step (the first, should a history repeat one).
inline std::map<std::int64_t, std::size_t> send_called_steps(const History& history) {
  std::map<std::int64_t, std::size_t> out;
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.kind == StepKind::SendCalled && s.send >= 0) out.try_emplace(s.send, i);
  }
  return out;
}

inline bool is_success_callback(const Step& s) { return s.kind == StepKind::CallbackCompleted && !s.error; }

// The partition a send went to: its SendCalled's, else what the step itself says.
inline std::int32_t partition_of_send(const History& history, const std::map<std::int64_t, std::size_t>& called,
                                      const Step& step) {
  auto it = called.find(step.send);
  return it == called.end() ? step.partition : history.steps[it->second].partition;
}

// "send 0 (record 0)"
inline std::string send_text(std::int64_t send, std::int64_t record) {
  return "send " + std::to_string(send) + " (record " + std::to_string(record) + ")";
}

// "twice", "3 times"
inline std::string times(std::size_t n) { return n == 2 ? "twice" : std::to_string(n) + " times"; }

// "0", "0 and 3", "0, 3 and 5"
inline std::string join_and(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

inline std::string join_and(const std::vector<std::int64_t>& numbers) {
  std::vector<std::string> parts;
  for (std::int64_t n : numbers) parts.push_back(std::to_string(n));
  return join_and(parts);
}

// The run's acks setting as the checker may know it (History::config); "all" and "-1" are one value.
inline std::string acks_text(const History& history) {
  auto it = history.config.find("acks");
  return it == history.config.end() ? "unset" : it->second;
}
inline bool acks_is_zero(const History& history) { return acks_text(history) == "0"; }

// The producer id `instance` held at step `before` (its latest ProducerIdAssigned), or -1.
inline std::int64_t producer_id_at(const History& history, std::int32_t instance, std::size_t before) {
  std::int64_t pid = -1;
  for (std::size_t i = 0; i < before && i < history.steps.size(); ++i) {
    const Step& s = history.steps[i];
    if (s.kind == StepKind::ProducerIdAssigned && s.instance == instance) pid = s.producer_id;
  }
  return pid;
}

// Evidence steps are reported ascending, each once.
inline void sort_steps(std::vector<std::size_t>& steps) {
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
}

}  // namespace kafka_model::checkers
