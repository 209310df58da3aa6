// MSM event dispatch per machine, in ns per event: the cost the world pays
// for every batch transition and every append it checks.
#include <benchmark/benchmark.h>

#include "statemachines/producer_batch_lifecycle.hpp"
#include "statemachines/producer_state_entry.hpp"

namespace kafka_model {
namespace {

// One batch's usual life with a retry: close, drain, retriable error,
// backoff, drain, success (6 events).
void BM_ProducerBatchLifecycle(benchmark::State& state) {
  for (auto _ : state) {
    ProducerBatchLifecycle batch(2147483647);
    benchmark::DoNotOptimize(batch.close());
    benchmark::DoNotOptimize(batch.drain());
    benchmark::DoNotOptimize(batch.fail_retriable(true));
    benchmark::DoNotOptimize(batch.backoff_elapsed());
    benchmark::DoNotOptimize(batch.drain());
    benchmark::DoNotOptimize(batch.succeed());
  }
  state.SetItemsProcessed(6 * state.iterations());  // events; bench/run prints ns per event
}
BENCHMARK(BM_ProducerBatchLifecycle);

// ProducerStateEntry: the leader checks and records one client batch
// (ProducerAppendInfo.checkSequence + the batch cache), one event each.
void BM_ProducerStateEntryAppend(benchmark::State& state) {
  ProducerStateEntry entry;
  std::int32_t seq = 0;
  std::int64_t offset = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(entry.append_from_client(0, seq, seq, offset));
    seq = seq == 2147483647 ? 0 : seq + 1;
    ++offset;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProducerStateEntryAppend);

}  // namespace
}  // namespace kafka_model
