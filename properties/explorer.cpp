// Breadth-first exploration over World copies (docs/explorer.md). A node is a
// World whose history has been digested and dropped, the chooser's position,
// the digest of the steps the checkers read, and the faults used so far.
#include "properties/explorer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>

#include "model/chooser.hpp"
#include "model/simulation.hpp"
#include "model/world.hpp"
#include "properties/exercise.hpp"
#include "properties/explorer_visited.hpp"
#include "properties/known_races.hpp"
#include "properties/restart_snapshot.hpp"

namespace kafka_model {

std::optional<std::string> kafka_known_exception(const std::string& guarantee, const History& history) {
  if (guarantee == "no_duplicates_within_session" || guarantee == "order_within_session")
    return kafka_idempotence_exception(history);
  if (guarantee == "no_send_failed_out_of_order")
    if (auto race = first_batch_race_for(history, guarantee)) return race->evidence;
  return std::nullopt;
}

std::vector<Fault> explore_fault_menu(const Configuration& config, const std::vector<FaultKind>& kinds,
                                      const std::vector<Errors>& errors) {
  const ModelParameters physics;
  const std::int64_t request_timeout = config.producer.request_timeout_ms;
  const std::int64_t delivery_timeout = config.producer.delivery_timeout_ms;
  // A slow follower leaves the ISR at the leader's first isr-expiration run
  // (every replica.lag.time.max.ms / 2) after it lagged that long: the stall
  // outlasts both, plus two fetch round trips.
  const std::int64_t lag = config.broker.replica_lag_time_max_ms +
                           std::max<std::int64_t>(1, config.broker.replica_lag_time_max_ms / 2) +
                           2 * physics.fetch_delay_max_ms;
  std::vector<Fault> menu;
  for (FaultKind kind : kinds) {
    const FaultFields f = fault_fields(kind);
    std::vector<std::int64_t> durations = {0};
    if (kind == FaultKind::DelayResponse || kind == FaultKind::BrokerStall || kind == FaultKind::ProducerZombie)
      durations = {request_timeout, delivery_timeout};
    if (kind == FaultKind::FollowerStall) durations = {lag};
    std::vector<Errors> errs = {Errors::NONE};
    if (f.error) errs = errors;
    const std::int32_t brokers = f.broker ? config.broker.brokers : 1;
    for (std::int32_t b = 0; b < brokers; ++b)
      for (std::int64_t d : durations)
        for (Errors e : errs)
          menu.push_back(Fault{.kind = kind, .broker = f.broker ? b : -1, .duration_ms = d, .error = e});
  }
  return menu;
}

namespace {

std::int64_t peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  return 0;
}

// ---- the history digest -----------------------------------------------------

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 31);
}

// The step kinds a checker or a known-exception recogniser reads
// (properties/checkers/, known_races.cpp, restart_snapshot.cpp); ConsumerRead
// comes only at the end, from the final state.
bool checker_reads(StepKind kind) {
  switch (kind) {
    case StepKind::SendCalled:
    case StepKind::ProducerIdAssigned:
    case StepKind::BatchExpired:
    case StepKind::ProduceResponseReceived:
    case StepKind::CallbackCompleted:
    case StepKind::BatchAppended:
    case StepKind::ProduceRejected:
    case StepKind::LogTruncated:
    case StepKind::BrokerRestarted:
      return true;
    default:
      return false;
  }
}

// Every field of the step but time_ms and detail, which no checker reads.
std::uint64_t digest_steps(std::uint64_t h, const History& history) {
  for (const Step& s : history.steps) {
    if (!checker_reads(s.kind)) continue;
    h = mix(h, static_cast<std::uint64_t>(s.kind));
    h = mix(h, (static_cast<std::uint64_t>(s.node.kind) << 32) | static_cast<std::uint32_t>(s.node.id));
    for (std::int64_t v : {s.record, s.send, s.batch, s.request, std::int64_t{s.partition}, std::int64_t{s.broker},
                           s.offset, s.producer_id, std::int64_t{s.producer_epoch}, std::int64_t{s.sequence},
                           std::int64_t{s.last_sequence}, std::int64_t{s.instance}})
      h = mix(h, static_cast<std::uint64_t>(v));
    h = mix(h, s.error ? static_cast<std::uint64_t>(*s.error) : 0xff);
    h = mix(h, s.producer_state_created ? 1 : 0);
  }
  return h;
}

// ---- nodes --------------------------------------------------------------------

struct Node {
  World world;
  SplitMix64 rng;
  std::uint64_t digest = 0;
  int faults = 0;
  std::int64_t hold_deadline_ms = -1;  // while the heal is held: inject by then or not at all
  std::uint64_t choices = 0;  // Chooser decisions made so far (the next one's index)
  // Decisions that took another value than the seed's draw: (index, value),
  // in index order. Path information like the fault schedule: not identity.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> deviations;
};

// The state's identity: the world's state and what the WorldState does not
// hold but the future depends on (docs/explorer.md, "Identity"). While faults
// may still be injected, the injection time (the last event's time + 1)
// belongs to it too: a fault's effects are timed from it.
std::uint64_t identity(const Node& n, bool expandable) {
  std::uint64_t h = exploration_hash(n.world.state(), n.world.heal_reads_now());
  h = mix(h, n.rng.state());
  h = mix(h, n.digest);
  h = mix(h, static_cast<std::uint64_t>(n.faults));
  h = mix(h, expandable ? static_cast<std::uint64_t>(n.world.injection_time()) + 2 : 0);
  h = mix(h, static_cast<std::uint64_t>(n.world.settle_until() < 0 ? -1 : n.world.settle_until() - n.world.state().now_ms));
  h = mix(h, n.world.heal_held() ? static_cast<std::uint64_t>(n.hold_deadline_ms) : 0);
  // The deviations used, as the faults used: fewer leave more futures.
  if (!n.deviations.empty()) h = mix(h, 0x100 + n.deviations.size());
  return h;
}

// Requests a message fault may still apply to: not yet answered, or not yet sent.
std::set<std::int64_t> open_requests(const WorldState& s) {
  std::set<std::int64_t> out = {s.next_request};
  for (const auto& [r, in_flight] : s.producer.in_flight) out.insert(r);
  for (const auto& [id, request] : s.requests_on_wire) out.insert(request.request);
  for (const BrokerNode& b : s.brokers) {
    for (const auto& [key, c] : b.connections) {
      for (const ProduceRequest& r : c.unread) out.insert(r.request);
      if (c.in_process >= 0) out.insert(c.in_process);
    }
    for (const PendingProduce& p : b.pending) out.insert(p.response.request);
  }
  return out;
}

bool applicable(const Fault& f, const WorldState& s) {
  const auto broker = [&]() -> const BrokerNode& { return s.brokers.at(static_cast<std::size_t>(f.broker)); };
  const std::int64_t at = s.queue.empty() ? s.now_ms : s.queue.begin()->time_ms;
  switch (f.kind) {
    case FaultKind::BrokerCrash: return broker().alive;
    case FaultKind::BrokerRestart: return !broker().alive;
    case FaultKind::FollowerStall: return broker().alive && broker().fetch_stalled_until_ms <= at;
    case FaultKind::BrokerStall: return broker().alive && broker().stalled_until_ms <= at;
    case FaultKind::ProducerRestart:
    case FaultKind::ProducerZombie: return s.producer.alive;
    default: return true;
  }
}

// Judging a behaviour with deviations: the seed's draws with the node's
// deviations in their place, every decision recorded, so the RunSpec's
// choices (model/chooser.hpp, ReplayChooser) replay the same run.
class DeviationChooser final : public Chooser {
 public:
  DeviationChooser(std::uint64_t seed, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& deviations)
      : rng_(seed), deviations_(deviations) {}
  std::uint64_t choose(std::uint64_t bound, std::string_view) override {
    std::uint64_t value = rng_.below(bound);
    if (next_ < deviations_.size() && deviations_[next_].first == values_.size()) value = deviations_[next_++].second;
    values_.push_back(value);
    return value;
  }
  // The decisions up to the last deviation (the seed draws the rest).
  std::vector<std::uint64_t> recorded() const {
    if (deviations_.empty()) return {};
    const std::size_t n = std::min<std::size_t>(values_.size(), deviations_.back().first + 1);
    return {values_.begin(), values_.begin() + static_cast<std::ptrdiff_t>(n)};
  }

 private:
  SplitMix64 rng_;
  const std::vector<std::pair<std::uint64_t, std::uint64_t>>& deviations_;
  std::size_t next_ = 0;
  std::vector<std::uint64_t> values_;
};

using Layer = std::deque<Node>;

// The requests whose message a step passed, so that a message fault armed
// for them would have applied in it (World::message_fault is asked exactly
// there): a request sent (ProduceRequestSent is logged before DropRequest is
// asked), a response sent (broker_respond asks DropResponse, then, unless the
// connection is black-holed, which logs ProduceResponseDropped, DelayResponse,
// and puts the response on the wire). A superset is enough: a fault is still
// kept only if the step applied it.
struct PassedMessages {
  std::set<std::int64_t> requests;
  std::set<std::int64_t> responses;
  bool earlier_fault_matched = false;  // an injected fault matched again: every fault counts as applied
};

PassedMessages passed_messages(const World& before, const World& after) {
  PassedMessages out;
  for (const Step& s : after.history().steps) {
    if (s.kind == StepKind::ProduceRequestSent) out.requests.insert(s.request);
    if (s.kind == StepKind::ProduceResponseDropped) out.responses.insert(s.request);
  }
  for (auto it = after.state().responses_on_wire.lower_bound(before.state().next_message);
       it != after.state().responses_on_wire.end(); ++it)
    out.responses.insert(it->second.request);
  out.earlier_fault_matched = after.message_fault_matches() != before.message_fault_matches();
  return out;
}

class Explorer {
 public:
  Explorer(const std::vector<const Guarantee*>& guarantees, const ExploreSpace& space, const ExploreOptions& options,
           const Configuration& config, ExploreResult& result)
      : guarantees_(guarantees), space_(space), options_(options), config_(config), result_(result),
        visited_(options.visited, options.bitstate_log2) {
    spec_.version = space.version;
    spec_.producer = space.producer;
    spec_.broker = space.broker;
    spec_.consumer = space.consumer;
    spec_.workload = space.workload;
    std::vector<FaultKind> kinds = options.fault_kinds.empty() ? idempotence_fault_kinds() : options.fault_kinds;
    menu_ = explore_fault_menu(config, kinds, options.error_responses.empty() ? default_error_responses()
                                                                              : options.error_responses);
  }

  void run(std::uint64_t seed) {
    seed_ = seed;
    ExplorationChooser chooser(seed);
    chooser.enumerate(options_.choice_labels);
    chooser_ = &chooser;
    // Layers are deques: a Node (its World) is not nothrow-movable (std::deque
    // members), so a growing vector would copy every node it holds.
    Layer layer;
    // The World constructor's decisions (the first fetch ticks) take the
    // seed's values: they are not a transition the search branches on.
    layer.push_back(Node{World(config_, space_.workload, FaultSchedule{}, chooser), chooser.position(), 0, 0});
    layer.back().choices = chooser.count();
    settle(layer.back());
    visited_.insert(identity(layer.back(), true));
    ++result_.distinct_states;
    for (int depth = 0; !layer.empty() && !done(); ++depth) {
      depth_ = depth;
      result_.depth = std::max(result_.depth, depth);
      Layer next;
      for (Node& node : layer) {
        expand(std::move(node), depth, next);
        if (done()) break;
      }
      layer = std::move(next);
      if (options_.shard_count > 1 && result_.split_depth < 0 &&
          layer.size() >= static_cast<std::size_t>(options_.shard_count))
        split(layer, depth + 1);
    }
    if (options_.shard_count > 1 && result_.split_depth < 0) result_.replicated = search_counts();
    chooser_ = nullptr;
    depth_ = 1 << 30;  // this seed is exhausted: its verdicts are settled
  }

  // The shard's share of `layer` (ExploreOptions::shard_index): what every
  // shard did up to here is the same search, counted once by a merge.
  void split(Layer& layer, int depth) {
    result_.replicated = search_counts();
    result_.split_depth = depth;
    result_.split_layer_states = static_cast<std::int64_t>(layer.size());
    Layer mine;
    for (std::size_t j = 0; j < layer.size(); ++j)
      if (j % static_cast<std::size_t>(options_.shard_count) == static_cast<std::size_t>(options_.shard_index))
        mine.push_back(std::move(layer[j]));
    layer = std::move(mine);
  }

  // Every guarantee has a violation no longer than the depth explored: any
  // behaviour not judged yet is longer (its states lie deeper).
  bool done() const {
    if (!result_.complete) return true;
    return std::all_of(result_.verdicts.begin(), result_.verdicts.end(), [this](const ExploreVerdict& v) {
      return v.counterexample.has_value() && v.length_events <= depth_;
    });
  }

 private:
  // Digest the steps the last transition recorded, then drop them.
  void settle(Node& n) {
    n.digest = digest_steps(n.digest, n.world.history());
    n.world.forget_history();
  }

  // Whether a fault may still enter at `depth` or later: fewer than K used,
  // before D, not yet healed. Otherwise the rest of the run is one
  // deterministic tail.
  bool may_fault(const Node& node, int depth) const {
    return node.faults < options_.max_faults && (options_.max_depth <= 0 || depth < options_.max_depth) &&
           !node.world.state().healed && !node.world.ended();
  }

  // Whether a decision may still take another value than the seed's: labels
  // enumerated, fewer than max_deviations taken, before D, not yet healed
  // (the bounds of faults, so a node past them has one deterministic tail).
  bool may_deviate(const Node& node, int depth) const {
    return !options_.choice_labels.empty() && static_cast<int>(node.deviations.size()) < options_.max_deviations &&
           (options_.max_depth <= 0 || depth < options_.max_depth) && !node.world.state().healed &&
           !node.world.ended();
  }

  bool expandable(const Node& node, int depth) const { return may_fault(node, depth) || may_deviate(node, depth); }

  // One transition of `base`: `mutate` applied to a copy (false: not a
  // transition here), then again from `base` with every other value of each
  // enumerated decision the transition made (values 0..choice_values-1 of
  // its range), within the deviation budget. The world is deterministic, so
  // a re-run with a forced prefix makes the same decisions up to the prefix's
  // end; the forced prefixes enumerate each combination once.
  template <class Mutate>
  void transitions(const Node& base, int depth, Layer& next, const Mutate& mutate,
                   std::vector<std::uint64_t> forced = {}, int forced_deviations = 0) {
    Node child = base;
    chooser_->set_position(child.rng, child.choices);
    chooser_->begin_transition(forced);
    const bool keep = mutate(child);
    const std::vector<ExplorationChooser::Point> points = chooser_->points();
    child.rng = chooser_->position();
    child.choices = chooser_->count();
    for (std::size_t k = 0; k < forced.size() && k < points.size(); ++k)
      if (forced[k] != points[k].drawn) child.deviations.emplace_back(points[k].index, forced[k]);
    if (keep) offer(std::move(child), depth, next);
    if (!may_deviate(base, depth) ||
        static_cast<int>(base.deviations.size()) + forced_deviations >= options_.max_deviations)
      return;
    for (std::size_t j = forced.size(); j < points.size(); ++j) {
      const std::uint64_t values = std::min<std::uint64_t>(points[j].bound, static_cast<std::uint64_t>(options_.choice_values));
      for (std::uint64_t v = 0; v < values; ++v) {
        if (v == points[j].drawn) continue;
        std::vector<std::uint64_t> prefix = forced;
        for (std::size_t k = forced.size(); k < j; ++k) prefix.push_back(points[k].drawn);
        prefix.push_back(v);
        ++result_.choice_branches;
        transitions(base, depth, next, mutate, std::move(prefix), forced_deviations + 1);
      }
    }
  }

  void expand(Node node, int depth, Layer& next) {
    // Without enumerated decisions the plain step (no fault) is one
    // deterministic successor: computed first, it tells which requests' messages
    // pass in this step, and a message fault is tried only for those (the
    // others would not apply: not kept). It is offered last, as before.
    std::optional<Node> plain;
    std::optional<PassedMessages> passed;
    if (!may_deviate(node, depth)) {
      plain.emplace(node);
      chooser_->set_position(plain->rng, plain->choices);
      chooser_->begin_transition({});
      plain->world.step();
      plain->rng = chooser_->position();
      plain->choices = chooser_->count();
      if (may_fault(node, depth)) passed = passed_messages(node.world, plain->world);
    }
    const auto may_apply = [&passed](const Fault& f, std::int64_t request) {
      if (!passed || passed->earlier_fault_matched) return true;
      switch (f.kind) {
        case FaultKind::DropRequest: return passed->requests.contains(request);
        case FaultKind::DropResponse:
        case FaultKind::DelayResponse: return passed->responses.contains(request);
        default: return true;  // ErrorResponse: tried at every step, as before
      }
    };
    if (may_fault(node, depth)) {
      if (node.world.can_inject())
        for (const Fault& f : menu_) {
          if (is_message_fault(f.kind) || !applicable(f, node.world.state())) continue;
          transitions(node, depth, next, [&f](Node& child) {
            child.world.inject(f);
            child.hold_deadline_ms = -1;
            ++child.faults;
            return true;
          });
        }
      for (const std::int64_t request : open_requests(node.world.state()))
        for (const Fault& f : menu_) {
          if (!is_message_fault(f.kind)) continue;
          if ((f.kind == FaultKind::DropRequest) != (request == node.world.state().next_request)) continue;
          if (!may_apply(f, request)) continue;
          Fault armed = f;
          armed.request = static_cast<std::int32_t>(request);
          transitions(node, depth, next, [&armed](Node& child) {
            const std::int64_t before = child.world.message_fault_matches();
            child.world.inject(armed);
            child.world.step();
            if (child.world.message_fault_matches() == before) return false;  // it did not apply here
            ++child.faults;
            return true;
          });
        }
    }
    // The workload is done and the next step would heal: a timed fault may
    // still come (within the hold horizon), which delays the heal as a
    // replay's pending FaultDue does. Stepping without the hold heals.
    if (may_fault(node, depth) && node.world.would_heal() && !node.world.heal_held())
      transitions(node, depth, next, [this](Node& held) {
        held.world.hold_heal();
        held.hold_deadline_ms = held.world.state().now_ms + hold_horizon_ms_;
        held.world.step();
        return true;
      });
    // A held world that can no longer inject in time is not a behaviour
    // (no replay holds a heal without a fault): dropped.
    if (node.world.heal_held() &&
        (!node.world.can_inject() ? node.world.state().queue.empty() || node.world.state().queue.begin()->time_ms > node.hold_deadline_ms
                                  : node.world.injection_time() > node.hold_deadline_ms))
      return;
    if (plain) {  // no copy beyond the one above: the only case without enumerated labels
      offer(std::move(*plain), depth, next);
      return;
    }
    transitions(node, depth, next, [](Node& child) {
      child.world.step();
      return true;
    });
  }

  // A child at depth + 1: a finished run is judged; a state no fault can
  // follow any more is judged by replaying its RunSpec to the end (the tail
  // is deterministic, so it needs no states of its own); any other new state
  // joins the next layer.
  void offer(Node child, int depth, Layer& next) {
    ++result_.states_explored;
    if (child.world.ended()) {
      if (owns_behaviour()) judge(child);
      return;
    }
    settle(child);
    const bool open = expandable(child, depth + 1);
    if (!visited_.insert(identity(child, may_fault(child, depth + 1)))) return;
    if (++result_.distinct_states >= options_.max_states) result_.complete = false;
    if (open)
      next.push_back(std::move(child));
    else if (owns_behaviour())
      judge(child);
  }

  // Before the split every shard runs the same search; the behaviours it
  // reaches are judged by one shard each, in turn.
  bool owns_behaviour() {
    if (options_.shard_count <= 1 || result_.split_depth >= 0) return true;
    return behaviour_turn_++ % static_cast<std::uint64_t>(options_.shard_count) ==
           static_cast<std::uint64_t>(options_.shard_index);
  }

  // What the search before the split did alike in every shard: its states,
  // not its behaviours (owns_behaviour divides those).
  ExploreCounts search_counts() const {
    ExploreCounts c;
    c.states_explored = result_.states_explored;
    c.distinct_states = result_.distinct_states;
    c.choice_branches = result_.choice_branches;
    c.excused.assign(result_.verdicts.size(), 0);
    return c;
  }

  // A behaviour: replay its RunSpec to the end (the explored history was
  // dropped; a tail is run here for the first time) and judge it. The
  // shortest violation so far is kept: BFS settles it once the depth passes
  // its length (settled()). The RunSpec is one member reused for every
  // behaviour (only its schedule, seed and choices change): copying the
  // configuration's maps per behaviour cost more than judging it.
  void judge(const Node& node) {
    ++result_.behaviours;
    RunSpec& spec = spec_;
    spec.schedule = node.world.schedule();
    spec.seed = seed_;
    spec.choices.clear();
    SimulationResult run;
    if (node.deviations.empty()) {
      run = simulate(spec);
    } else {
      DeviationChooser chooser(seed_, node.deviations);
      run = simulate(spec, ModelParameters{}, chooser);
      spec.choices = chooser.recorded();
    }
    result_.tail_events += std::max<std::int64_t>(0, run.events - (depth_ + 1));
    if (run.cut_short) {
      ++result_.cut_short;
      return;
    }
    const RunExercise exercised = exercise_of(run.history);
    result_.sends += exercised.sends;
    result_.acknowledged_sends += exercised.acknowledged;
    result_.behaviours_with_ack += exercised.acknowledged > 0 ? 1 : 0;
    result_.transactions_completed += exercised.transactions;
    result_.offset_commits += exercised.offset_commits;
    for (std::size_t i = 0; i < guarantees_.size(); ++i) {
      ExploreVerdict& v = result_.verdicts[i];
      if (v.counterexample && v.length_events <= run.events) continue;
      std::vector<Anomaly> anomalies = guarantees_[i]->check(run.history);
      if (anomalies.empty()) continue;
      if (options_.excuse) {
        if (auto evidence = options_.excuse(v.guarantee, run.history)) {
          if (v.excused++ == 0) v.first_excuse = std::move(*evidence);
          continue;
        }
      }
      Counterexample c;
      c.spec = spec;
      c.spec.description = fmt::format(
          "Shortest counterexample to {}: found by exhaustive exploration (kafka-model explore) within {} record(s), "
          "at most {} fault(s), seed {}{}: {} events.",
          v.guarantee, space_.workload.records, options_.max_faults, seed_,
          node.deviations.empty() ? std::string()
                                  : fmt::format(" with {} decision(s) other than the seed's (choices)", node.deviations.size()),
          run.events);
      c.spec.expect_violated = {v.guarantee};
      c.history = run.history;
      c.anomalies = std::move(anomalies);
      c.found_at_case = static_cast<int>(result_.behaviours);
      c.search_seed = seed_;
      v.counterexample = std::move(c);
      v.length_events = run.events;
      v.depth = depth_ + 1;
    }
  }

  const std::vector<const Guarantee*>& guarantees_;
  const ExploreSpace& space_;
  const ExploreOptions& options_;
  const Configuration& config_;
  ExploreResult& result_;
  RunSpec spec_;  // the behaviour being judged (judge)
  VisitedSet visited_;
  std::vector<Fault> menu_;
  ExplorationChooser* chooser_ = nullptr;
  std::uint64_t seed_ = 1;
  int depth_ = 0;
  std::uint64_t behaviour_turn_ = 0;  // owns_behaviour's count
  // How long after the workload finished a fault may still come: three
  // fetch rounds (a crash before the followers copied the last write, a
  // stall that lets the ISR shrink starts within them).
  std::int64_t hold_horizon_ms_ = 3 * (ModelParameters{}.fetch_delay_max_ms + 2);

 public:
  void finish() {
    result_.visited_bytes = visited_.bytes();
    result_.omission_probability = visited_.omission_probability();
  }
};

}  // namespace

ExploreCounts ExploreResult::counts() const {
  ExploreCounts c{states_explored, tail_events,         distinct_states,        behaviours,      cut_short,
                  sends,           acknowledged_sends, behaviours_with_ack, transactions_completed, choice_branches,
                  {},              offset_commits};
  for (const ExploreVerdict& v : verdicts) c.excused.push_back(v.excused);
  return c;
}

void ExploreResult::set_counts(const ExploreCounts& c) {
  states_explored = c.states_explored;
  tail_events = c.tail_events;
  distinct_states = c.distinct_states;
  behaviours = c.behaviours;
  cut_short = c.cut_short;
  sends = c.sends;
  acknowledged_sends = c.acknowledged_sends;
  behaviours_with_ack = c.behaviours_with_ack;
  transactions_completed = c.transactions_completed;
  choice_branches = c.choice_branches;
  offset_commits = c.offset_commits;
  for (std::size_t i = 0; i < verdicts.size() && i < c.excused.size(); ++i) verdicts[i].excused = c.excused[i];
}

ExploreResult explore(const std::vector<const Guarantee*>& guarantees, const ExploreSpace& space,
                      const ExploreOptions& options) {
  ExploreResult result;
  if (options.shard_count < 1 || options.shard_index < 0 || options.shard_index >= options.shard_count ||
      (options.shard_count > 1 && options.seeds.size() != 1))
    throw std::invalid_argument("explore: a shard I/N needs 0 <= I < N and one seed");
  ConfigResult built = build_configuration(space.version, space.producer, space.broker);
  if (!built.error) built.error = apply_consumer_properties(*built.config, space.consumer);
  if (built.error) {
    result.config_error = built.error;
    return result;
  }
  for (const Guarantee* g : guarantees) result.verdicts.push_back(ExploreVerdict{.guarantee = g->name});
  const auto start = std::chrono::steady_clock::now();
  Explorer explorer(guarantees, space, options, *built.config, result);
  for (std::uint64_t seed : options.seeds) {
    if (explorer.done()) break;
    explorer.run(seed);
  }
  explorer.finish();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.peak_memory_bytes = peak_resident_bytes();
  return result;
}

ExploreResult merge_explore_shards(const std::vector<ExploreResult>& shards) {
  if (shards.empty()) throw std::invalid_argument("merge_explore_shards: no shard");
  ExploreResult out = shards.front();
  // The search before the split is one search in every shard, up to where a
  // shard stopped (done(): it had every guarantee's shortest violation), so
  // the longest of them is each shorter one and more: counted once.
  ExploreCounts total = shards.front().replicated;
  for (const ExploreResult& r : shards) {
    total.states_explored = std::max(total.states_explored, r.replicated.states_explored);
    total.distinct_states = std::max(total.distinct_states, r.replicated.distinct_states);
    total.choice_branches = std::max(total.choice_branches, r.replicated.choice_branches);
  }
  const auto add = [](ExploreCounts& to, const ExploreCounts& c, const ExploreCounts& minus) {
    to.states_explored += c.states_explored - minus.states_explored;
    to.tail_events += c.tail_events - minus.tail_events;
    to.distinct_states += c.distinct_states - minus.distinct_states;
    to.behaviours += c.behaviours - minus.behaviours;
    to.cut_short += c.cut_short - minus.cut_short;
    to.sends += c.sends - minus.sends;
    to.acknowledged_sends += c.acknowledged_sends - minus.acknowledged_sends;
    to.behaviours_with_ack += c.behaviours_with_ack - minus.behaviours_with_ack;
    to.transactions_completed += c.transactions_completed - minus.transactions_completed;
    to.choice_branches += c.choice_branches - minus.choice_branches;
    to.offset_commits += c.offset_commits - minus.offset_commits;
    to.excused.resize(c.excused.size(), 0);
    for (std::size_t i = 0; i < c.excused.size(); ++i)
      to.excused[i] += c.excused[i] - (i < minus.excused.size() ? minus.excused[i] : 0);
  };
  double kept = 1;  // probability that no shard's visited set omitted a state
  out.visited_bytes = 0;
  for (std::size_t s = 0; s < shards.size(); ++s) {
    const ExploreResult& r = shards[s];
    add(total, r.counts(), r.replicated);
    kept *= 1 - r.omission_probability;
    out.visited_bytes += r.visited_bytes;
    out.depth = std::max(out.depth, r.depth);
    out.complete = out.complete && r.complete;
    out.seconds = std::max(out.seconds, r.seconds);
    out.peak_memory_bytes = std::max(out.peak_memory_bytes, r.peak_memory_bytes);
    if (s == 0) continue;
    for (std::size_t i = 0; i < out.verdicts.size() && i < r.verdicts.size(); ++i) {
      ExploreVerdict& v = out.verdicts[i];
      const ExploreVerdict& w = r.verdicts[i];
      if (w.counterexample && (!v.counterexample || w.length_events < v.length_events)) {
        v.counterexample = w.counterexample;
        v.length_events = w.length_events;
        v.depth = w.depth;
      }
      if (v.first_excuse.empty()) v.first_excuse = w.first_excuse;
    }
  }
  out.set_counts(total);
  out.omission_probability = 1 - kept;
  out.shards = static_cast<int>(shards.size());
  return out;
}

}  // namespace kafka_model
