#include "cli/check_part.hpp"

#include "cli/part_json.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace kafka_model::cli {
namespace {

using Json = PartJson;

// A part of another build may judge differently (part_json.hpp).
constexpr int kPartFormat = 2;  // 2: each case carries its offset commits
constexpr const char* kPartKey = "kafka_model_check_part";

Json setup_json(const CheckSetup& s) {
  return {{"header", s.header},
          {"producer_file", s.producer_file},
          {"seed", s.seed},
          {"budget", s.budget},
          {"report", frame_json(s.frame)}};
}

// Cases of shard `index` of `count` among 1..k.
int owned_up_to(int k, int index, int count) { return k > index ? (k - 1 - index) / count + 1 : 0; }

}  // namespace

CaseRecord case_record(const CaseRead& read) {
  CaseRecord r{read.number, read.judged, read.cut_short, 0, 0, {}, 0, 0};
  if (read.judged) {
    Exercise e;
    count_exercise(*read.history, e);
    r.sends = e.sends;
    r.acknowledged = e.acknowledged;
    r.transactions = e.transactions;
    r.offset_commits = e.offset_commits;
  }
  if (read.fault_states) r.fault_states = *read.fault_states;
  return r;
}

namespace {

// The cases a single run reads: up to the last one any guarantee read.
SearchCoverage coverage(const CheckPart& part) {
  int last = 0;
  for (const GuaranteeOutcome& o : part.outcomes)
    last = std::max(last, o.counterexample ? o.counterexample->found_at_case : o.last_case);
  SearchCoverage c;
  std::set<std::uint64_t> distinct;
  for (const CaseRecord& r : part.cases) {
    if (r.number > last) break;
    ++c.schedules;
    c.fault_points += static_cast<std::int64_t>(r.fault_states.size());
    distinct.insert(r.fault_states.begin(), r.fault_states.end());
  }
  c.distinct_fault_states = static_cast<std::int64_t>(distinct.size());
  return c;
}

}  // namespace

Report assemble(const CheckPart& part, const std::string& out_dir) {
  Report report = part.setup.frame;
  report.coverage = coverage(part);
  for (std::size_t g = 0; g < report.verdicts.size() && g < part.outcomes.size(); ++g) {
    Verdict& v = report.verdicts[g];
    const GuaranteeOutcome& o = part.outcomes[g];
    const int last = o.counterexample ? o.counterexample->found_at_case : o.last_case;
    for (const CaseRecord& r : part.cases) {
      if (r.number > last) break;
      ++v.schedules_explored;
      if (r.cut_short) ++v.exercise.cut_short;
      if (!r.judged) continue;
      ++v.exercise.schedules_judged;
      v.exercise.sends += r.sends;
      v.exercise.acknowledged += r.acknowledged;
      v.exercise.transactions += r.transactions;
      v.exercise.offset_commits += r.offset_commits;
      v.exercise.schedules_with_ack += r.acknowledged > 0 ? 1 : 0;
    }
    v.time_limited = o.time_limited;
    if (!o.counterexample) continue;
    const Counterexample& c = *o.counterexample;
    v.violated = true;
    v.shrink_stopped = c.shrink_stopped;
    const std::string file = c.shrink_stopped ? "" : write_replay_file(c, v.guarantee, out_dir);
    v.counterexample = CounterexampleReport{file, c.spec, c.history, c.anomalies, c.found_at_case, c.shrink_steps};
  }
  return report;
}

std::string to_json(const CheckPart& part) {
  Json j = part_header_json(kPartKey, kPartFormat, part.shard_index, part.shard_count);
  j["setup"] = setup_json(part.setup);
  // [number, judged, cut_short, sends, acknowledged, [fault states], transactions, offset commits] per case.
  Json cases = Json::array();
  for (const CaseRecord& r : part.cases)
    cases.push_back(Json::array({r.number, r.judged ? 1 : 0, r.cut_short ? 1 : 0, r.sends, r.acknowledged, r.fault_states,
                                 r.transactions, r.offset_commits}));
  j["cases"] = std::move(cases);
  Json outcomes = Json::array();
  for (const GuaranteeOutcome& o : part.outcomes) {
    outcomes.push_back({{"guarantee", o.guarantee},
                        {"last_case", o.last_case},
                        {"time_limited", o.time_limited},
                        {"counterexample", o.counterexample ? counterexample_json(*o.counterexample) : Json(nullptr)}});
  }
  j["guarantees"] = std::move(outcomes);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";  // one line: read by merge, not people
}

CheckPartParse parse_check_part(std::string_view text) {
  CheckPartParse out;
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    out.error = "not JSON (a part is what `kafka-model check --shard I/N --json` prints)";
    return out;
  }
  if (!j.contains(kPartKey)) {
    out.error = "not a check part: no \"kafka_model_check_part\" key (a part is what `kafka-model check --shard I/N "
                "--json` prints; a whole check's --json report cannot be merged)";
    return out;
  }
  try {
    CheckPart p;
    if (!read_part_header(j, kPartKey, kPartFormat, p.shard_index, p.shard_count, out.error)) return out;
    const Json& s = j.at("setup");
    p.setup.header = s.at("header").get<std::string>();
    p.setup.producer_file = s.at("producer_file").get<std::string>();
    p.setup.seed = s.at("seed").get<std::uint64_t>();
    p.setup.budget = s.at("budget").get<int>();
    p.setup.frame = frame_from(s.at("report"));
    int previous = 0;
    for (const Json& c : j.at("cases")) {
      CaseRecord r{c.at(0).get<int>(),           c.at(1).get<int>() != 0,
                   c.at(2).get<int>() != 0,      c.at(3).get<std::int64_t>(),
                   c.at(4).get<std::int64_t>(), c.at(5).get<std::vector<std::uint64_t>>(),
                   c.at(6).get<std::int64_t>(),  c.at(7).get<std::int64_t>()};
      if (r.number <= previous || r.number > p.setup.budget || (r.number - 1) % p.shard_count != p.shard_index)
        throw std::runtime_error(fmt::format("cases: case {} is out of order or not shard {}/{}'s", r.number,
                                             p.shard_index, p.shard_count));
      previous = r.number;
      p.cases.push_back(r);
    }
    const Json& outcomes = j.at("guarantees");
    check_guarantee_order(outcomes, p.setup.frame, p.setup.frame.config_error.has_value());
    for (const Json& o : outcomes) {
      GuaranteeOutcome outcome;
      outcome.guarantee = o.at("guarantee").get<std::string>();
      outcome.last_case = o.at("last_case").get<int>();
      outcome.time_limited = o.at("time_limited").get<bool>();
      if (!o.at("counterexample").is_null())
        outcome.counterexample = replayed_counterexample(o.at("counterexample"), outcome.guarantee, p.setup.seed);
      p.outcomes.push_back(std::move(outcome));
    }
    out.part = std::move(p);
  } catch (const std::exception& e) {
    out.part.reset();
    out.error = fmt::format("not a valid check part: {}", e.what());
  }
  return out;
}

MergeResult merge_parts(const std::vector<std::pair<std::string, CheckPart>>& parts) {
  MergeResult out;
  std::vector<PartIdentity> ids;
  for (const auto& [file, p] : parts) ids.push_back({file, p.shard_index, p.shard_count, setup_json(p.setup)});
  out.error = check_part_set(ids, "check", "configuration, seed, budget, guarantees or options");
  if (!out.error.empty()) return out;
  const CheckPart& first = parts.front().second;
  const int count = first.shard_count;
  CheckPart whole;
  whole.setup = first.setup;
  for (const auto& [file, p] : parts) whole.cases.insert(whole.cases.end(), p.cases.begin(), p.cases.end());
  std::sort(whole.cases.begin(), whole.cases.end(),
            [](const CaseRecord& a, const CaseRecord& b) { return a.number < b.number; });
  for (std::size_t g = 0; g < first.outcomes.size(); ++g) {
    GuaranteeOutcome o;
    o.guarantee = first.outcomes[g].guarantee;
    for (const auto& [file, p] : parts) {
      const GuaranteeOutcome& po = p.outcomes[g];
      o.last_case = std::max(o.last_case, po.last_case);
      o.time_limited = o.time_limited || po.time_limited;
      if (po.counterexample && (!o.counterexample || po.counterexample->found_at_case < o.counterexample->found_at_case))
        o.counterexample = po.counterexample;
    }
    // Every shard must have read its cases up to the guarantee's first
    // violation (or the whole budget): a part cut short cannot be joined.
    const int k = o.counterexample ? o.counterexample->found_at_case : whole.setup.budget;
    for (const auto& [file, p] : parts) {
      const int have = static_cast<int>(std::count_if(p.cases.begin(), p.cases.end(),
                                                      [&](const CaseRecord& r) { return r.number <= k; }));
      if (have != owned_up_to(k, p.shard_index, count)) {
        out.error = fmt::format("{}: shard {}/{} holds {} of its {} case(s) up to case {} ({}): an incomplete part",
                                file, p.shard_index, count, have, owned_up_to(k, p.shard_index, count), k, o.guarantee);
        return out;
      }
    }
    if (o.counterexample) o.last_case = o.counterexample->found_at_case;
    whole.outcomes.push_back(std::move(o));
  }
  out.part = std::move(whole);
  return out;
}

}  // namespace kafka_model::cli
