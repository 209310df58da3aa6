#include "cli/explore_part.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/part_json.hpp"

namespace kafka_model::cli {
namespace {

using Json = PartJson;

// A part of another build may explore differently (part_json.hpp).
constexpr int kPartFormat = 1;
constexpr const char* kPartKey = "kafka_model_explore_part";

std::string result_text(const ExploreResult& r, bool merged) {
  std::string out = fmt::format(
      "Explored: {} states ({} in the breadth-first search, {} in deterministic tails), {} distinct, {} "
      "behaviours judged, depth {}{}\n",
      r.states_visited(), r.states_explored, r.tail_events, r.distinct_states, r.behaviours, r.depth,
      r.complete ? "" : " -- INCOMPLETE: --max-states reached, the bounds were not exhausted");
  if (merged)
    out += "(joined shards: a state reached below two shards' split nodes is counted in each; the search before the "
           "split once)\n";
  out += fmt::format("Speed: {:.0f} states/s in {:.2f}s{}; peak memory {:.1f} MiB (visited set {:.1f} MiB, omission "
                     "probability {:.2g})\n",
                     r.states_per_second(), r.seconds, merged ? " (the slowest shard)" : "",
                     static_cast<double>(r.peak_memory_bytes) / (1 << 20),
                     static_cast<double>(r.visited_bytes) / (1 << 20), r.omission_probability);
  const int width = guarantee_column_width();
  for (const ExploreVerdict& v : r.verdicts) {
    if (v.counterexample)
      out += fmt::format("  {:<{}} shortest counterexample: {} events, {} fault(s)\n", v.guarantee, width,
                         v.length_events, v.counterexample->spec.schedule.faults.size());
    else if (r.complete)
      out += fmt::format("  {:<{}} holds for every behaviour within these bounds\n", v.guarantee, width);
    else
      out += fmt::format("  {:<{}} no violation in the states explored (incomplete)\n", v.guarantee, width);
    if (v.excused > 0)
      out += fmt::format("  {:<{}}   {} behaviour(s) break it by Kafka's own known exception, first: {}\n", "", width,
                         v.excused, v.first_excuse);
  }
  return out;
}

int clamp_int(std::int64_t v) { return static_cast<int>(std::min<std::int64_t>(v, 2147483647)); }

Json counts_json(const ExploreCounts& c) {
  return Json::array({c.states_explored, c.tail_events, c.distinct_states, c.behaviours, c.cut_short, c.sends,
                      c.acknowledged_sends, c.behaviours_with_ack, c.transactions_completed, c.choice_branches,
                      c.excused, c.offset_commits});
}

ExploreCounts counts_from(const Json& j) {
  ExploreCounts c;
  c.states_explored = j.at(0).get<std::int64_t>();
  c.tail_events = j.at(1).get<std::int64_t>();
  c.distinct_states = j.at(2).get<std::int64_t>();
  c.behaviours = j.at(3).get<std::int64_t>();
  c.cut_short = j.at(4).get<std::int64_t>();
  c.sends = j.at(5).get<std::int64_t>();
  c.acknowledged_sends = j.at(6).get<std::int64_t>();
  c.behaviours_with_ack = j.at(7).get<std::int64_t>();
  c.transactions_completed = j.at(8).get<std::int64_t>();
  c.choice_branches = j.at(9).get<std::int64_t>();
  c.excused = j.at(10).get<std::vector<std::int64_t>>();
  c.offset_commits = j.at(11).get<std::int64_t>();
  return c;
}

Json setup_json(const ExploreSetup& s) {
  return {{"header", s.header}, {"visited_set", s.visited_set}, {"seed", s.seed}, {"report", frame_json(s.frame)}};
}

}  // namespace

int emit_explore(const ExploreSetup& setup, const ExploreResult& result, const std::string& out_dir, bool json) {
  Report report = setup.frame;
  for (std::size_t i = 0; i < result.verdicts.size() && i < report.verdicts.size(); ++i) {
    const ExploreVerdict& ev = result.verdicts[i];
    Verdict& v = report.verdicts[i];
    v.schedules_explored = clamp_int(result.behaviours);
    // What every judged behaviour exercised, as check counts it per schedule:
    // a guarantee no behaviour exercised is NOT EXERCISED, never "holds".
    v.exercise.schedules_judged = clamp_int(result.behaviours - result.cut_short);
    v.exercise.schedules_with_ack = clamp_int(result.behaviours_with_ack);
    v.exercise.sends = result.sends;
    v.exercise.acknowledged = result.acknowledged_sends;
    v.exercise.transactions = result.transactions_completed;
    v.exercise.offset_commits = result.offset_commits;
    v.exercise.cut_short = clamp_int(result.cut_short);
    if (ev.counterexample) {
      v.violated = true;
      const std::string file = write_replay_file(*ev.counterexample, ev.guarantee, out_dir, "--explored");
      v.counterexample = CounterexampleReport{file, ev.counterexample->spec, ev.counterexample->history,
                                              ev.counterexample->anomalies, 0, 0};
    }
  }
  const bool merged = result.shards > 1;
  if (json) {
    Json j = Json::parse(render_json(report));
    j["states_explored"] = result.states_visited();
    j["distinct_states"] = result.distinct_states;
    j["behaviours"] = result.behaviours;
    j["states_per_second"] = result.states_per_second();
    j["peak_memory_bytes"] = result.peak_memory_bytes;
    j["depth"] = result.depth;
    j["choice_branches"] = result.choice_branches;
    j["complete"] = result.complete;
    j["visited_set"] = setup.visited_set;
    j["visited_bytes"] = result.visited_bytes;
    j["omission_probability"] = result.omission_probability;
    if (merged) j["joined_shards"] = true;
    for (std::size_t i = 0; i < result.verdicts.size(); ++i) {
      const ExploreVerdict& ev = result.verdicts[i];
      auto& g = j["guarantees"][i];
      g["holds_within_bounds"] = !ev.counterexample && result.complete;
      g["shortest_counterexample_events"] = ev.counterexample ? Json(ev.length_events) : Json(nullptr);
      g["kafka_known_exception_behaviours"] = ev.excused;
      g["kafka_known_exception_evidence"] = ev.excused > 0 ? Json(ev.first_excuse) : Json(nullptr);
    }
    fmt::print("{}\n", j.dump(2, ' ', false, Json::error_handler_t::replace));
  } else {
    fmt::print("{}\n{}\n", setup.header, result_text(result, merged));
    fmt::print("{}", render_text(report));
  }
  for (const ExploreVerdict& v : result.verdicts)
    if (v.counterexample) return kViolated;
  return kOk;
}

std::string to_json(const ExplorePart& part) {
  const ExploreResult& r = part.result;
  Json j = part_header_json(kPartKey, kPartFormat, part.shard_index, part.shard_count);
  j["setup"] = setup_json(part.setup);
  j["counts"] = counts_json(r.counts());
  j["replicated"] = counts_json(r.replicated);
  j["split"] = {{"depth", r.split_depth}, {"layer_states", r.split_layer_states}};
  j["depth"] = r.depth;
  j["complete"] = r.complete;
  j["seconds"] = r.seconds;
  j["peak_memory_bytes"] = r.peak_memory_bytes;
  j["visited_bytes"] = r.visited_bytes;
  j["omission_probability"] = r.omission_probability;
  Json verdicts = Json::array();
  for (const ExploreVerdict& v : r.verdicts)
    verdicts.push_back({{"guarantee", v.guarantee},
                        {"length_events", v.length_events},
                        {"depth", v.depth},
                        {"first_excuse", v.first_excuse},
                        // An explored counterexample is never shrunk: shrink_steps 0, not stopped.
                        {"counterexample", v.counterexample ? counterexample_json(*v.counterexample) : Json(nullptr)}});
  j["guarantees"] = std::move(verdicts);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";  // one line: read by merge, not people
}

bool is_explore_part(std::string_view text) {
  const Json j = Json::parse(text, nullptr, false);
  return !j.is_discarded() && j.is_object() && j.contains(kPartKey);
}

ExplorePartParse parse_explore_part(std::string_view text) {
  ExplorePartParse out;
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains(kPartKey)) {
    out.error = "not an explore part (a part is what `kafka-model explore --shard I/N --json` prints)";
    return out;
  }
  try {
    ExplorePart p;
    if (!read_part_header(j, kPartKey, kPartFormat, p.shard_index, p.shard_count, out.error)) return out;
    const Json& s = j.at("setup");
    p.setup.header = s.at("header").get<std::string>();
    p.setup.visited_set = s.at("visited_set").get<std::string>();
    p.setup.seed = s.at("seed").get<std::uint64_t>();
    p.setup.frame = frame_from(s.at("report"));
    ExploreResult& r = p.result;
    const Json& verdicts = j.at("guarantees");
    check_guarantee_order(verdicts, p.setup.frame, false);
    for (const Json& jv : verdicts) {
      ExploreVerdict v;
      v.guarantee = jv.at("guarantee").get<std::string>();
      v.length_events = jv.at("length_events").get<std::int64_t>();
      v.depth = jv.at("depth").get<int>();
      v.first_excuse = jv.at("first_excuse").get<std::string>();
      if (!jv.at("counterexample").is_null())
        v.counterexample = replayed_counterexample(jv.at("counterexample"), v.guarantee, p.setup.seed);
      r.verdicts.push_back(std::move(v));
    }
    const ExploreCounts counts = counts_from(j.at("counts"));
    if (counts.excused.size() != r.verdicts.size()) throw std::runtime_error("counts: not one excused count per guarantee");
    r.set_counts(counts);
    r.replicated = counts_from(j.at("replicated"));
    r.split_depth = j.at("split").at("depth").get<int>();
    r.split_layer_states = j.at("split").at("layer_states").get<std::int64_t>();
    r.depth = j.at("depth").get<int>();
    r.complete = j.at("complete").get<bool>();
    r.seconds = j.at("seconds").get<double>();
    r.peak_memory_bytes = j.at("peak_memory_bytes").get<std::int64_t>();
    r.visited_bytes = j.at("visited_bytes").get<std::int64_t>();
    r.omission_probability = j.at("omission_probability").get<double>();
    out.part = std::move(p);
  } catch (const std::exception& e) {
    out.part.reset();
    out.error = fmt::format("not a valid explore part: {}", e.what());
  }
  return out;
}

ExploreMerge merge_explore_parts(const std::vector<std::pair<std::string, ExplorePart>>& parts) {
  ExploreMerge out;
  std::vector<PartIdentity> ids;
  for (const auto& [file, p] : parts) ids.push_back({file, p.shard_index, p.shard_count, setup_json(p.setup)});
  out.error = check_part_set(ids, "exploration", "configuration, bounds, seed or guarantees");
  if (!out.error.empty()) return out;
  // The shards in index order (check_part_set: each exactly once).
  std::map<int, const ExplorePart*> by_index;
  for (const auto& [file, p] : parts) by_index[p.shard_index] = &p;
  std::vector<ExploreResult> shards;
  for (const auto& [index, p] : by_index) shards.push_back(p->result);
  ExplorePart whole;
  whole.shard_count = 1;
  whole.setup = parts.front().second.setup;
  whole.result = merge_explore_shards(shards);
  out.whole = std::move(whole);
  return out;
}

}  // namespace kafka_model::cli
