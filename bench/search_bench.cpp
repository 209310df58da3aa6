// How fast a search answers, on the configurations of examples/ with Kafka's
// defaults (what `kafka-model check` runs):
//  - BM_Check: a whole default check (every guarantee, budget 1000, one
//    simulation per case, shrinking included), per example;
//  - BM_Schedules: generated cases simulated per second, per example;
//  - BM_FirstCounterexample / BM_FoundAndShrunk: each expected violation of
//    tests/cli/examples_test.cpp, found (no shrinking), then found and shrunk;
//  - BM_CheckJobs: the slowest default check with 1 and 2 jobs.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "cli/java_properties.hpp"
#include "model/simulation.hpp"
#include "properties/generators.hpp"
#include "properties/guarantee.hpp"
#include "properties/search.hpp"

#ifndef KAFKA_MODEL_SOURCE_DIR
#error "KAFKA_MODEL_SOURCE_DIR must name the source tree (bench/CMakeLists.txt)"
#endif

namespace kafka_model {
namespace {

struct Example {
  const char* producer;
  const char* broker;  // "" = broker defaults
  std::vector<const char*> violated;  // as tests/cli/examples_test.cpp expects
};

const std::vector<Example>& examples() {
  static const std::vector<Example> list = {
      {"producer-idempotent", "", {"no_duplicates"}},
      {"producer-idempotence-off", "", {"no_duplicates_within_session", "no_duplicates", "order_within_session"}},
      {"producer-in-flight-1", "", {"no_duplicates_within_session", "no_duplicates"}},
      {"producer-acks-0", "", {"no_lost_acknowledged_writes"}},
      {"producer-acks-1", "broker-replication-3",
       {"no_duplicates_within_session", "no_duplicates", "order_within_session", "no_lost_acknowledged_writes",
        "acknowledged_offsets_correct"}},
      {"producer-acks-all", "broker-min-isr-1-unclean",
       {"no_duplicates", "no_lost_acknowledged_writes", "acknowledged_offsets_correct"}},
      {"producer-acks-all", "broker-min-isr-2", {"no_duplicates"}},
      {"producer-transactional", "", {"no_duplicates"}},
  };
  return list;
}

std::map<std::string, std::string> properties(const std::string& name) {
  if (name.empty()) return {};
  const cli::PropertiesParse parsed =
      cli::load_properties(std::string(KAFKA_MODEL_SOURCE_DIR) + "/examples/" + name + ".properties");
  if (!parsed.file) throw std::runtime_error(parsed.error);
  return parsed.file->values;
}

// The space `kafka-model check` searches for an example file.
SearchSpace space_of(const Example& e) {
  SearchSpace space;
  space.producer = properties(e.producer);
  space.broker = properties(e.broker);
  space.fault_kinds = idempotence_fault_kinds();
  return space;
}

std::string label(const Example& e) { return std::string(e.producer) + (*e.broker ? "+" : "") + e.broker; }

std::vector<SearchTarget> every_guarantee() {
  std::vector<SearchTarget> targets;
  for (const Guarantee& g : all_guarantees()) targets.push_back(SearchTarget{&g, {}});
  return targets;
}

void BM_Check(benchmark::State& state) {
  const Example& e = examples()[static_cast<std::size_t>(state.range(0))];
  const SearchSpace space = space_of(e);
  SearchOptions options{.seed = 1, .budget = 1000};
  options.jobs = static_cast<int>(state.range(1));
  std::int64_t cases = 0;
  for (auto _ : state) {
    const std::vector<SearchResult> results = search(every_guarantee(), space, options);
    int most = 0;
    for (const SearchResult& r : results) most = std::max(most, r.cases);
    cases += most;
  }
  state.SetLabel(label(e));
  state.counters["schedules_per_second"] = benchmark::Counter(static_cast<double>(cases), benchmark::Counter::kIsRate);
}

void BM_Schedules(benchmark::State& state) {
  const Example& e = examples()[static_cast<std::size_t>(state.range(0))];
  const SearchSpace space = space_of(e);
  const ConfigResult built = build_configuration(space.version, space.producer, space.broker);
  const auto gen = generators::gen_case(space, *built.config);
  rc::Random random(1);
  std::vector<RunSpec> specs;
  for (int i = 0; i < 200; ++i) specs.push_back(generators::to_run_spec(space, gen(random.split(), rc::kNominalSize).value()));
  std::size_t next = 0;
  std::int64_t events = 0;
  for (auto _ : state) {
    const SimulationResult result = simulate(specs[next++ % specs.size()]);
    events += result.events;
    benchmark::DoNotOptimize(result.history.steps.data());
  }
  state.SetLabel(label(e));
  state.SetItemsProcessed(state.iterations());  // schedules
  state.counters["events_per_schedule"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
}

// range(0): example, range(1): index into its violated list, range(2): shrink or not.
void BM_Violation(benchmark::State& state) {
  const Example& e = examples()[static_cast<std::size_t>(state.range(0))];
  const char* name = e.violated[static_cast<std::size_t>(state.range(1))];
  const SearchSpace space = space_of(e);
  // 5000: acks=all + min.insync.replicas=1 + unclean's loss is found at case
  // 4255 from seed 1 (tests/cli/examples_test.cpp); the search stops at the
  // first counterexample, so the others take what they took.
  SearchOptions options{.seed = 1, .budget = 5000};
  if (state.range(2) == 0) options.max_shrink_steps = 0;
  int found_at = 0;
  for (auto _ : state) {
    const SearchResult r = search(*find_guarantee(name), space, options);
    if (!r.counterexample) state.SkipWithError("no counterexample");
    else found_at = r.counterexample->found_at_case;
  }
  state.SetLabel(label(e) + " " + name);
  state.counters["found_at_case"] = found_at;
}

void register_all() {
  for (std::size_t i = 0; i < examples().size(); ++i) {
    benchmark::RegisterBenchmark("BM_Check", BM_Check)->Args({static_cast<long>(i), 1})->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("BM_Schedules", BM_Schedules)->Arg(static_cast<long>(i))->Unit(benchmark::kMicrosecond);
    for (std::size_t v = 0; v < examples()[i].violated.size(); ++v) {
      benchmark::RegisterBenchmark("BM_FirstCounterexample", BM_Violation)
          ->Args({static_cast<long>(i), static_cast<long>(v), 0})
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark("BM_FoundAndShrunk", BM_Violation)
          ->Args({static_cast<long>(i), static_cast<long>(v), 1})
          ->Unit(benchmark::kMillisecond);
    }
  }
  for (long jobs : {1, 2})
    benchmark::RegisterBenchmark("BM_CheckJobs", BM_Check)
        ->Args({6, jobs})  // acks=all + min.insync.replicas=2: the slowest default check
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
}

}  // namespace
}  // namespace kafka_model

int main(int argc, char** argv) {
  kafka_model::register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
