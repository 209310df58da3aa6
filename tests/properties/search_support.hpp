// Shared by the search tests: the small-timeout configuration the tests
// search (runs stay short; the generators scale times to it), and the
// printing of a counterexample so a failing test shows its timeline and replay file.
#pragma once

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "model/history_io.hpp"
#include "model/simulation.hpp"
#include "properties/guarantee.hpp"
#include "properties/generators.hpp"
#include "properties/search.hpp"

namespace kafka_model::testing {

using Properties = std::map<std::string, std::string>;

// As tests/model/scenarios_test.cpp: small timeouts, one record per batch.
inline Properties small_timeouts(Properties overrides = {}) {
  Properties p = {{"request.timeout.ms", "1000"}, {"delivery.timeout.ms", "5000"}, {"retry.backoff.ms", "10"},
                  {"linger.ms", "0"},           {"batch.size", "100"}};
  for (const auto& [k, v] : overrides) p[k] = v;
  return p;
}

inline Properties fast_replication(Properties overrides = {}) {
  Properties b = {{"replica.lag.time.max.ms", "200"}, {"replica.fetch.wait.max.ms", "100"}};
  for (const auto& [k, v] : overrides) b[k] = v;
  return b;
}

inline const Guarantee& guarantee(const std::string& name) {
  const Guarantee* g = find_guarantee(name);
  if (g == nullptr) throw std::invalid_argument("unknown guarantee " + name);
  return *g;
}

struct TimedSearch {
  SearchResult result;
  double seconds = 0;
};

inline TimedSearch timed_search(const std::string& name, const SearchSpace& space, SearchOptions options) {
  const auto start = std::chrono::steady_clock::now();
  TimedSearch t{search(guarantee(name), space, options), 0};
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return t;
}

// One line per search for the report: cases, time, shrunk size.
inline void print_measure(const std::string& label, const TimedSearch& t) {
  const auto& c = t.result.counterexample;
  std::printf("[search] %-48s cases=%d time=%.2fs %s\n", label.c_str(), t.result.cases, t.seconds,
              c ? fmt::format("found@{} shrink={}/{} -> faults={} records={}", c->found_at_case, c->shrink_steps,
                              c->shrink_tries, c->spec.schedule.faults.size(), c->spec.workload.records)
                        .c_str()
                : "no counterexample");
  // KM_SEARCH_PRINT=1 prints every counterexample in full (timeline, replay file).
  if (c && std::getenv("KM_SEARCH_PRINT") != nullptr)
    std::printf("%s\n", describe(*c, t.result.guarantee).c_str());
}

inline std::string counterexample_text(const TimedSearch& t) {
  return t.result.counterexample ? describe(*t.result.counterexample, t.result.guarantee) : std::string("(none)");
}

// `count` valid idempotent producer configurations drawn from `seed`, each
// as a search space judged under every fault kind.
inline std::vector<SearchSpace> idempotent_spaces(std::uint64_t seed, int count) {
  const auto configs = rc::gen::suchThat(generators::gen_producer_properties(), [](const Properties& p) {
    return p.count("enable.idempotence") && p.at("enable.idempotence") == "true";
  });
  rc::Random random(seed);
  std::vector<SearchSpace> spaces;
  for (int i = 0; i < count; ++i) {
    SearchSpace s;
    s.producer = configs(random.split(), rc::kNominalSize).value();
    s.broker = fast_replication();
    spaces.push_back(std::move(s));
  }
  return spaces;
}

}  // namespace kafka_model::testing
