// The search loop: generate a case as a RapidCheck Shrinkable, simulate,
// judge; on the first violation walk the Shrinkable's tree greedily (take
// the first shrink that still violates, repeat) — RapidCheck's own strategy,
// run by hand so the world's RunSpec, not a test framework, is the output.
#include "properties/search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "model/history_io.hpp"
#include "model/run_spec_io.hpp"
#include "model/simulation.hpp"
#include "model/world.hpp"
#include "properties/generators.hpp"

namespace kafka_model {

std::vector<Errors> default_error_responses() {
  return {Errors::NOT_LEADER_OR_FOLLOWER, Errors::NOT_ENOUGH_REPLICAS};
}

std::vector<FaultKind> idempotence_fault_kinds() {
  std::vector<FaultKind> kinds;
  for (int i = 0; i < kFaultKindCount; ++i)
    if (static_cast<FaultKind>(i) != FaultKind::ErrorResponse) kinds.push_back(static_cast<FaultKind>(i));
  return kinds;
}

namespace {

// A fixed set of threads that run fn(0..n-1) and wait for all: the calling
// thread works too. One pool per search; with one job, no thread is started.
class WorkerPool {
 public:
  explicit WorkerPool(int jobs) {
    for (int i = 1; i < jobs; ++i) threads_.emplace_back([this] { work(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  int size() const { return static_cast<int>(threads_.size()) + 1; }

  void run(std::size_t n, const std::function<void(std::size_t)>& fn) {
    if (threads_.empty() || n <= 1) {
      for (std::size_t i = 0; i < n; ++i) fn(i);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      fn_ = &fn;
      n_ = n;
      next_ = 0;
      busy_ = threads_.size();
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    drain();
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
    fn_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void drain() {
    for (std::size_t i; (i = next_.fetch_add(1)) < n_;) {
      try {
        (*fn_)(i);
      } catch (...) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
    }
  }
  void work() {
    std::uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
      }
      drain();
      {
        std::lock_guard lock(mutex_);
        --busy_;
      }
      done_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t)>* fn_ = nullptr;
  std::size_t n_ = 0;
  std::atomic<std::size_t> next_{0};
  std::size_t busy_ = 0;
  std::uint64_t generation_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

struct Verdict {
  RunSpec spec;
  SimulationResult result;
  std::vector<Anomaly> anomalies;
  bool violated() const { return !anomalies.empty(); }
};

// A run cut short by the model's bounds is not judged: its history has no
// end (no consumer read of a settled log), so "lost" would mean nothing.
Verdict judge(const Guarantee& guarantee, const SearchSpace& space, const generators::CaseDraw& draw) {
  Verdict v{generators::to_run_spec(space, draw), {}, {}};
  v.result = simulate(v.spec);
  if (!v.result.config_error && !v.result.cut_short) v.anomalies = guarantee.check(v.result.history);
  return v;
}

Verdict judge_spec(const Guarantee& guarantee, RunSpec spec) {
  Verdict v{std::move(spec), {}, {}};
  v.result = simulate(v.spec);
  if (!v.result.config_error && !v.result.cut_short) v.anomalies = guarantee.check(v.result.history);
  return v;
}

// The shrink tree never changes a fault's kind, so a lost message (noticed
// only after request.timeout.ms) stays one even when a disconnect at the
// moment that message travels tells the same story in a fraction of the
// events. This pass tries that swap for each message fault: a Disconnect
// just after the request is sent, or as the broker answers it; the shortest
// run that still violates wins, and the pass repeats while it helps.
int substitute_message_faults(const Guarantee& guarantee, Verdict& verdict, int& tries, int max_tries) {
  int accepted = 0;
  bool improved = true;
  while (improved && tries < max_tries) {
    improved = false;
    for (std::size_t i = 0; i < verdict.spec.schedule.faults.size() && !improved; ++i) {
      const Fault fault = verdict.spec.schedule.faults[i];
      if (!is_message_fault(fault.kind)) continue;
      std::vector<std::int64_t> times;
      for (const Step& step : verdict.result.history.steps)
        if (step.request == fault.request &&
            (step.kind == StepKind::ProduceRequestSent || step.kind == StepKind::BatchAppended ||
             step.kind == StepKind::ProduceRejected || step.kind == StepKind::ProduceResponseDropped))
          for (std::int64_t dt : {0, 1}) times.push_back(step.time_ms + dt);
      for (std::int64_t at : times) {
        if (tries >= max_tries) break;
        ++tries;
        RunSpec candidate = verdict.spec;
        candidate.schedule.faults[i] = Fault{.kind = FaultKind::Disconnect, .at_ms = at};
        Verdict next = judge_spec(guarantee, std::move(candidate));
        if (!next.violated() || next.result.events >= verdict.result.events) continue;
        verdict = std::move(next);
        improved = true;
        ++accepted;
        break;
      }
    }
  }
  return accepted;
}

// Greedy shrinking: the first shrink that still violates becomes the current
// case; stop when none does or the try budget is spent.
// With several jobs the next few candidates are simulated at once and the
// first (in the tree's order) that still violates is taken; the tries
// counted are those one job would have made, up to and including it.
Counterexample shrink(const Guarantee& guarantee, const SearchSpace& space, rc::Shrinkable<generators::CaseDraw> current,
                      Verdict verdict, int max_tries, WorkerPool& pool, const std::function<bool()>& stop) {
  Counterexample c;
  bool progressed = true;
  const std::size_t width = static_cast<std::size_t>(pool.size());
  while (progressed && c.shrink_tries < max_tries) {
    progressed = false;
    auto shrinks = current.shrinks();
    bool exhausted = false;
    while (!exhausted && !progressed && c.shrink_tries < max_tries) {
      if (stop && stop()) {
        c.shrink_stopped = true;
        progressed = false;
        break;
      }
      std::vector<rc::Shrinkable<generators::CaseDraw>> batch;
      std::vector<generators::CaseDraw> draws;
      while (batch.size() < width && c.shrink_tries + static_cast<int>(batch.size()) < max_tries) {
        auto candidate = shrinks.next();
        if (!candidate) {
          exhausted = true;
          break;
        }
        draws.push_back(candidate->value());
        batch.push_back(std::move(*candidate));
      }
      std::vector<Verdict> judged(batch.size());
      pool.run(batch.size(), [&](std::size_t i) { judged[i] = judge(guarantee, space, draws[i]); });
      for (std::size_t i = 0; i < batch.size(); ++i) {
        ++c.shrink_tries;
        if (!judged[i].violated()) continue;
        current = std::move(batch[i]);
        verdict = std::move(judged[i]);
        ++c.shrink_steps;
        progressed = true;
        break;
      }
    }
  }
  const bool disconnect_allowed = space.fault_kinds.empty() ||
                                  std::find(space.fault_kinds.begin(), space.fault_kinds.end(),
                                            FaultKind::Disconnect) != space.fault_kinds.end();
  if (disconnect_allowed && !c.shrink_stopped)
    c.shrink_steps += substitute_message_faults(guarantee, verdict, c.shrink_tries, max_tries + 200);
  c.spec = std::move(verdict.spec);
  c.history = std::move(verdict.result.history);
  c.anomalies = std::move(verdict.anomalies);
  return c;
}

// CaseRead::fault_states: a hash of the world after each event in which a
// scheduled fault fired (its FaultDue: pending_faults fell) or a message
// fault met its message (message_fault_matches rose).
StepObserver fault_state_sampler(const RunSpec& spec, std::vector<std::uint64_t>& out) {
  std::int64_t pending = 0;
  for (const Fault& f : spec.schedule.faults) pending += is_message_fault(f.kind) ? 0 : 1;
  return [&out, pending, matches = std::int64_t{0}](const World& world) mutable {
    if (world.state().pending_faults == pending && world.message_fault_matches() == matches) return;
    pending = world.state().pending_faults;
    matches = world.message_fault_matches();
    out.push_back(exploration_hash(world.state(), world.heal_reads_now()));
  };
}

std::string describe_search(const std::string& guarantee, std::uint64_t seed, int found_at_case, int steps) {
  return fmt::format("Counterexample to {}: found by the search with seed {} at case {}, shrunk in {} steps.",
                     guarantee, seed, found_at_case, steps);
}

}  // namespace

SearchResult search(const Guarantee& guarantee, const SearchSpace& space, const SearchOptions& options) {
  return search(std::vector<SearchTarget>{SearchTarget{&guarantee, options.excuse}}, space, options).front();
}

std::vector<SearchResult> search(const std::vector<SearchTarget>& targets, const SearchSpace& space,
                                 const SearchOptions& options) {
  std::vector<SearchResult> out(targets.size());
  for (std::size_t g = 0; g < targets.size(); ++g) out[g].guarantee = targets[g].guarantee->name;
  ConfigResult built = build_configuration(space.version, space.producer, space.broker);
  if (built.error) {
    for (SearchResult& r : out) r.config_error = built.error;
    return out;
  }
  const rc::Gen<generators::CaseDraw> gen = generators::gen_case(space, *built.config);
  rc::Random random(options.seed);
  WorkerPool pool(std::max(1, options.jobs));
  const int shards = std::max(1, options.shard_count);
  const auto owned = [&](int number) { return (number - 1) % shards == options.shard_index; };
  // Cases are drawn in order on this thread (RapidCheck's Random and
  // Shrinkable stay here), simulated and judged a chunk at a time by the
  // pool, then read in case order exactly as one job reads them.
  const int chunk = pool.size() == 1 ? 1 : 8 * pool.size();
  std::vector<bool> searching(targets.size(), true);
  std::size_t still_searching = targets.size();
  bool stopped = false;
  int next = 1;  // number of the next case to draw
  while (next <= options.budget && still_searching > 0 && !stopped) {
    std::vector<int> numbers;
    std::vector<rc::Shrinkable<generators::CaseDraw>> drawn;
    std::vector<Verdict> runs;
    for (; next <= options.budget && static_cast<int>(numbers.size()) < chunk; ++next) {
      rc::Random case_random = random.split();  // drawn past or not, every case takes its split
      if (!owned(next)) continue;
      numbers.push_back(next);
      drawn.push_back(gen(case_random, rc::kNominalSize));
      runs.push_back(Verdict{generators::to_run_spec(space, drawn.back().value()), {}, {}});
    }
    const std::size_t n = numbers.size();
    // anomalies[case][guarantee], for the guarantees searching when the chunk began.
    std::vector<std::vector<std::vector<Anomaly>>> anomalies(n);
    std::vector<std::vector<std::uint64_t>> fault_states(n);
    pool.run(n, [&](std::size_t i) {
      Verdict& run = runs[i];
      run.result = options.sample_fault_states ? simulate(run.spec, {}, fault_state_sampler(run.spec, fault_states[i]))
                                               : simulate(run.spec);
      anomalies[i].resize(targets.size());
      if (run.result.config_error || run.result.cut_short) return;
      for (std::size_t g = 0; g < targets.size(); ++g)
        if (searching[g]) anomalies[i][g] = targets[g].guarantee->check(run.result.history);
    });
    for (std::size_t i = 0; i < n && still_searching > 0 && !stopped; ++i) {
      const Verdict& run = runs[i];
      const int number = numbers[i];
      if (options.progress) options.progress(number);
      const bool judged = !run.result.config_error && !run.result.cut_short;
      if (options.on_case) options.on_case(CaseRead{number, &run.result.history, run.result.cut_short, judged, &fault_states[i]});
      for (std::size_t g = 0; g < targets.size(); ++g) {
        if (!searching[g]) continue;
        SearchResult& r = out[g];
        const Guarantee& guarantee = *targets[g].guarantee;
        ++r.cases;
        r.last_case = number;
        r.cut_short += run.result.cut_short ? 1 : 0;
        std::vector<Anomaly>& found = anomalies[i][g];
        if (found.empty()) continue;
        const auto& excuse = targets[g].excuse ? targets[g].excuse : options.excuse;
        if (excuse) {
          if (auto evidence = excuse(run.result.history)) {
            if (r.excused++ == 0) r.first_excuse = std::move(*evidence);
            continue;
          }
        }
        Verdict verdict{run.spec, run.result, std::move(found)};
        Counterexample c =
            shrink(guarantee, space, drawn[i], std::move(verdict), options.max_shrink_steps, pool, options.stop);
        c.found_at_case = number;
        c.search_seed = options.seed;
        c.spec.description = describe_search(guarantee.name, options.seed, c.found_at_case, c.shrink_steps);
        c.spec.expect_violated = {guarantee.name};
        r.counterexample = std::move(c);
        searching[g] = false;
        --still_searching;
      }
      stopped = still_searching > 0 && options.stop && options.stop();
    }
  }
  if (stopped)
    for (std::size_t g = 0; g < targets.size(); ++g) out[g].stopped = searching[g] && out[g].last_case < options.budget;
  return out;
}

std::string describe(const Counterexample& c, const std::string& guarantee) {
  std::string out = c.spec.description.empty() ? fmt::format("Counterexample to {}.", guarantee) : c.spec.description;
  out += "\n";
  for (const Anomaly& a : c.anomalies) out += fmt::format("  anomaly {}: {}\n", a.kind, a.summary);
  out += fmt::format("  workload: {} record(s), {}; faults ({}):\n", c.spec.workload.records,
                     to_string(c.spec.workload.mode), c.spec.schedule.faults.size());
  for (const Fault& f : c.spec.schedule.faults) out += fmt::format("    {}\n", kafka_model::describe(f));
  out += "timeline:\n";
  out += to_timeline(c.history);
  out += "replay file:\n";
  out += to_json(c.spec);
  out += "\n";
  return out;
}

std::string write_replay_file(const Counterexample& c, const std::string& guarantee, const std::string& dir,
                              const std::string& suffix) {
  RunSpec spec = c.spec;
  if (std::find(spec.expect_violated.begin(), spec.expect_violated.end(), guarantee) == spec.expect_violated.end())
    spec.expect_violated.push_back(guarantee);
  if (spec.description.empty()) spec.description = describe_search(guarantee, c.search_seed, c.found_at_case, c.shrink_steps);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = (std::filesystem::path(dir) / (guarantee + suffix + ".json")).string();
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << to_json(spec);
  return file ? path : std::string();
}

}  // namespace kafka_model
