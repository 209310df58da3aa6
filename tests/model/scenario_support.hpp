// Small readers over a History for scenario tests: what the consumer read,
// what the callbacks said. (Checkers in properties/ judge histories; these
// only extract facts a scenario asserts exactly.)
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/history.hpp"
#include "model/history_io.hpp"
#include "model/run_spec_io.hpp"
#include "model/simulation.hpp"

namespace kafka_model::testing {

inline std::vector<Step> steps_of(const History& h, StepKind kind) {
  std::vector<Step> out;
  std::copy_if(h.steps.begin(), h.steps.end(), std::back_inserter(out), [&](const Step& s) { return s.kind == kind; });
  return out;
}

// The final committed log of a partition, as the consumer read it.
inline std::vector<Step> final_log(const History& h, int partition = 0) {
  std::vector<Step> out;
  for (const Step& s : steps_of(h, StepKind::ConsumerRead))
    if (s.partition == partition && s.offset >= 0) out.push_back(s);
  return out;
}

inline std::vector<std::int64_t> logged_records(const History& h, int partition = 0) {
  std::vector<std::int64_t> out;
  for (const Step& s : final_log(h, partition)) out.push_back(s.record);
  return out;
}

inline std::vector<std::int64_t> logged_sends(const History& h, int partition = 0) {
  std::vector<std::int64_t> out;
  for (const Step& s : final_log(h, partition)) out.push_back(s.send);
  return out;
}

inline std::vector<Step> callbacks_of_send(const History& h, std::int64_t send) {
  std::vector<Step> out;
  for (const Step& s : steps_of(h, StepKind::CallbackCompleted))
    if (s.send == send) out.push_back(s);
  return out;
}

// A step of `kind` whose detail contains `detail` (and, if given, whose error is `error`).
inline bool any_step(const History& h, StepKind kind, const std::string& detail, const std::string& error = "") {
  return std::any_of(h.steps.begin(), h.steps.end(), [&](const Step& s) {
    return s.kind == kind && s.detail.find(detail) != std::string::npos &&
           (error.empty() || (s.error && to_string(*s.error) == error));
  });
}

// A timed broker or producer fault.
inline Fault fault(FaultKind kind, std::int64_t at_ms, std::int32_t broker, std::int64_t duration_ms = 0) {
  Fault f;
  f.kind = kind;
  f.at_ms = at_ms;
  f.broker = broker;
  f.duration_ms = duration_ms;
  return f;
}

inline bool has_step(const History& h, StepKind kind, const std::string& error = "") {
  return std::any_of(h.steps.begin(), h.steps.end(),
                     [&](const Step& s) { return s.kind == kind && (error.empty() || (s.error && to_string(*s.error) == error)); });
}

// The ProduceRequestSent steps whose request carried `batch` (its detail names
// each batch as "p<partition>:batch <id> (<n> records)"), in send order.
inline std::vector<Step> requests_with_batch(const History& h, std::int64_t batch) {
  std::vector<Step> out;
  const std::string needle = ":batch " + std::to_string(batch) + " (";
  for (const Step& s : steps_of(h, StepKind::ProduceRequestSent))
    if (s.detail.find(needle) != std::string::npos) out.push_back(s);
  return out;
}

// The answer the producer received to request `request` for `batch`, or null.
inline const Step* response_to(const History& h, std::int64_t request, std::int64_t batch) {
  for (const Step& s : h.steps)
    if (s.kind == StepKind::ProduceResponseReceived && s.request == request && s.batch == batch) return &s;
  return nullptr;
}

// Runs a spec; on a failing assertion the timeline is printed (SCOPED_TRACE).
struct ScenarioRun {
  SimulationResult result;
  const History& history() const { return result.history; }
  std::string timeline() const { return to_timeline(result.history); }
};

// One transaction of three records (transactional.id, a send every 50 ms,
// min.insync.replicas 2, a read_committed consumer) on the default 3 brokers.
inline RunSpec one_transaction_spec() {
  RunSpec spec;
  spec.producer = {{"transactional.id", "tx-1"}, {"linger.ms", "0"}, {"batch.size", "100"}};
  spec.broker = {{"min.insync.replicas", "2"}};
  spec.consumer = {{"isolation.level", "read_committed"}};
  spec.workload.records = 3;
  spec.workload.send_interval_ms = 50;
  spec.workload.records_per_transaction = 3;
  spec.workload.max_resends_per_record = 1;
  return spec;
}

inline ScenarioRun simulate_ok(const RunSpec& spec) {
  ScenarioRun run{simulate(spec)};
  EXPECT_FALSE(run.result.config_error.has_value())
      << (run.result.config_error ? run.result.config_error->message : "");
  EXPECT_FALSE(run.result.cut_short) << "the run hit the model's time/event bound";
  return run;
}

// The history of a scenario file in tests/scenarios/ (needs KAFKA_MODEL_SOURCE_DIR).
inline History scenario_history(const std::string& name) {
  const RunSpecParse parsed = load_run_spec(std::string(KAFKA_MODEL_SOURCE_DIR) + "/tests/scenarios/" + name);
  EXPECT_TRUE(parsed.spec) << parsed.error;
  return parsed.spec ? simulate(*parsed.spec).history : History{};
}

}  // namespace kafka_model::testing
