// How fast the world runs: a 1,000-record run with faults, reported as
// simulated events per second (and runs per second for small searches).
#include <benchmark/benchmark.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "model/run_spec.hpp"
#include "model/simulation.hpp"

namespace kafka_model {
namespace {

RunSpec thousand_records_with_faults(bool idempotence, std::int64_t records = 1000) {
  RunSpec spec;
  spec.producer = {{"acks", "all"},
                   {"enable.idempotence", idempotence ? "true" : "false"},
                   {"request.timeout.ms", "1000"},
                   {"delivery.timeout.ms", "5000"},
                   {"retry.backoff.ms", "10"},
                   {"linger.ms", "5"},
                   {"batch.size", "1000"}};
  spec.broker = {{"min.insync.replicas", "2"}, {"num.partitions", "3"}, {"replica.lag.time.max.ms", "200"}, {"replica.fetch.wait.max.ms", "100"}};
  spec.workload.records = records;
  spec.workload.keys = 16;
  spec.schedule.faults = {
      Fault{.kind = FaultKind::DropResponse, .request = 5},
      Fault{.kind = FaultKind::DropRequest, .request = 9},
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 100, .broker = 2, .duration_ms = 400},
      Fault{.kind = FaultKind::BrokerCrash, .at_ms = 300, .broker = 0},
      Fault{.kind = FaultKind::Disconnect, .at_ms = 450},
      Fault{.kind = FaultKind::BrokerRestart, .at_ms = 700, .broker = 0},
  };
  return spec;
}

void BM_ThousandRecordsWithFaults(benchmark::State& state) {
  const RunSpec spec = thousand_records_with_faults(state.range(0) != 0);
  std::int64_t events = 0;
  for (auto _ : state) {
    SimulationResult result = simulate(spec);
    events += result.events;
    benchmark::DoNotOptimize(result.history.steps.data());
  }
  state.counters["events_per_second"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events_per_run"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_ThousandRecordsWithFaults)->Arg(0)->Arg(1)->ArgName("idempotence")->Unit(benchmark::kMillisecond);

// glibc defers merging the free chunks of a run's world (millions of map
// nodes at 1M records) to a later allocation: without this, that cost lands
// in whatever runs next (BM_OneRecordOneLostResponse measured 1.7 runs/s
// after the 1M run). Trimming in the timed loop charges a run its own frees.
void release_freed_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

// Runs `spec` with the event bound lifted (so long runs are not cut short),
// each run's freed memory released inside the timed loop; a run cut short or
// refused fails the benchmark rather than reporting a short run's speed.
void simulate_unbounded(benchmark::State& state, const RunSpec& spec) {
  ModelParameters parameters;
  parameters.max_events = std::int64_t{1} << 40;
  std::int64_t events = 0;
  bool failed = false;
  for (auto _ : state) {
    SimulationResult result = simulate(spec, parameters);
    events += result.events;
    failed = failed || result.cut_short || result.config_error.has_value();
    benchmark::DoNotOptimize(result.history.steps.data());
    result = SimulationResult{};
    release_freed_memory();
  }
  if (failed) state.SkipWithError("cut short or refused");
  state.counters["events_per_second"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events_per_run"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
}

// The workload: 10,000 records with faults, and the same at 100,000
// and 1,000,000 (events per second must not fall as the log grows).
void BM_RecordsWithFaults(benchmark::State& state) {
  simulate_unbounded(state, thousand_records_with_faults(true, state.range(0)));
}
BENCHMARK(BM_RecordsWithFaults)->Arg(10'000)->Arg(100'000)->ArgName("records")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RecordsWithFaults)->Arg(1'000'000)->ArgName("records")->Unit(benchmark::kMillisecond)->Iterations(1);

// A transactional run beside the same run without transactional.id: the
// 10,000-record workload with faults, 3 records per transaction (1 in 3
// aborted), read_committed (issue 10's "speed of a transactional run").
void BM_TransactionalRecordsWithFaults(benchmark::State& state) {
  RunSpec spec = thousand_records_with_faults(true, 10'000);
  if (state.range(0) != 0) {
    spec.producer["transactional.id"] = "tx-bench";
    spec.consumer = {{"isolation.level", "read_committed"}};
  }
  simulate_unbounded(state, spec);
}
BENCHMARK(BM_TransactionalRecordsWithFaults)->Arg(0)->Arg(1)->ArgName("transactional")->Unit(benchmark::kMillisecond);

void BM_OneRecordOneLostResponse(benchmark::State& state) {
  RunSpec spec;
  spec.producer = {{"request.timeout.ms", "1000"}, {"delivery.timeout.ms", "5000"}};
  spec.workload.records = 1;
  spec.schedule.faults = {Fault{.kind = FaultKind::DropResponse, .request = 1}};
  for (auto _ : state) benchmark::DoNotOptimize(simulate(spec).history.steps.size());
  state.counters["runs_per_second"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_OneRecordOneLostResponse)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kafka_model
