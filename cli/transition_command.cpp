// `kafka-model transition FROM TO [--transactional-id ID]`: what the
// producer's TransactionManager (statemachines/transaction_manager.hpp) says
// when the application asks for FROM -> TO, e.g. abortTransaction() in READY:
//   IllegalStateException: TransactionalId prod-0: Invalid transition
//   attempted from state READY to state ABORTING_TRANSACTION
// The machine is first walked from UNINITIALIZED to FROM along valid
// transitions (the shortest path, printed), so FROM must be reachable.
#include <fmt/core.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "statemachines/transaction_manager.hpp"

namespace kafka_model::cli {
namespace {

using State = TransactionManager::State;

struct TransitionOptions {
  std::string from;
  std::string to;
  std::string transactional_id;
  std::string kafka_version = "3.9";
};

std::optional<State> parse_state(const std::string& text) {
  for (int i = 0; i < TransactionManager::kStateCount; ++i)
    if (text == TransactionManager::name(static_cast<State>(i))) return static_cast<State>(i);
  return std::nullopt;
}

std::string state_names() {
  std::string names;
  for (int i = 0; i < TransactionManager::kStateCount; ++i)
    names += (i ? ", " : "") + std::string(TransactionManager::name(static_cast<State>(i)));
  return names;
}

// Breadth-first over valid transitions: the shortest walk from the initial state to `target`.
std::optional<std::vector<State>> walk_to(const TransactionManager& start, State target) {
  std::map<State, std::vector<State>> path{{start.state(), {start.state()}}};
  std::deque<TransactionManager> queue{start};
  while (!queue.empty()) {
    TransactionManager m = queue.front();
    queue.pop_front();
    if (m.state() == target) return path[target];
    for (int i = 0; i < TransactionManager::kStateCount; ++i) {
      const State next = static_cast<State>(i);
      if (path.count(next) != 0 || !m.can_transition_to(next)) continue;
      TransactionManager copy = m;
      copy.transition_to(next);
      path[next] = path[m.state()];
      path[next].push_back(next);
      queue.push_back(copy);
    }
  }
  return std::nullopt;
}

int run_transition(const TransitionOptions& o) {
  const std::optional<KafkaVersion> version = parse_kafka_version(o.kafka_version);
  const std::optional<State> from = parse_state(o.from);
  const std::optional<State> to = parse_state(o.to);
  if (!version || !from || !to) {
    fmt::print(stderr, "kafka-model transition: unknown {} '{}' (known: {})\n", !version ? "--kafka-version" : "state",
               !version ? o.kafka_version : (!from ? o.from : o.to), !version ? kKnownKafkaVersions : state_names());
    return kBadInput;
  }
  // TransactionManager.ensureTransactional: beginTransaction, commit, abort
  // (and so every transaction state) throw on a producer without a
  // transactional.id, before any transition is attempted.
  const auto transactional_only = [](State s) {
    return s == State::IN_TRANSACTION || s == State::COMMITTING_TRANSACTION || s == State::ABORTING_TRANSACTION;
  };
  if (o.transactional_id.empty() && (transactional_only(*from) || transactional_only(*to))) {
    fmt::print("{} -> {}: refused; without --transactional-id the producer is not transactional and the call "
               "throws\n  IllegalStateException: Transactional method invoked on a non-transactional producer.\n"
               "(TransactionManager.ensureTransactional)\n",
               o.from, o.to);
    return kViolated;
  }
  TransactionManager manager(o.transactional_id, *version);
  const std::optional<std::vector<State>> path = walk_to(manager, *from);
  if (!path) {
    fmt::print(stderr, "kafka-model transition: {} is not reachable from {} in Kafka {}\n", o.from,
               TransactionManager::name(manager.state()), to_string(*version));
    return kBadInput;
  }
  std::string walk;
  for (State s : *path) {
    walk += (walk.empty() ? "" : " -> ") + std::string(TransactionManager::name(s));
    if (s != manager.state()) manager.transition_to(s);
  }
  fmt::print("TransactionManager (Kafka {}, transactional.id={}), reached {} by: {}\n", to_string(*version),
             o.transactional_id.empty() ? "null" : o.transactional_id, o.from, walk);
  const std::optional<std::string> refusal = manager.transition_to(*to);
  if (!refusal) {
    fmt::print("{} -> {}: valid; the manager is now in {}\n", o.from, o.to, TransactionManager::name(manager.state()));
    return kOk;
  }
  fmt::print("{} -> {}: refused; the application's call throws\n  IllegalStateException: {}\n"
             "and the manager stays in {}\n",
             o.from, o.to, *refusal, TransactionManager::name(manager.state()));
  return kViolated;
}

}  // namespace

void add_transition_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TransitionOptions>();
  auto* cmd = app.add_subcommand(
      "transition", "Ask the producer's TransactionManager machine whether FROM -> TO is valid (exit 1 if not)");
  cmd->add_option("FROM", o->from, "State, Kafka's name (READY, IN_TRANSACTION, ...)")->required();
  cmd->add_option("TO", o->to, "State the application asks for")->required();
  cmd->add_option("--transactional-id", o->transactional_id, "transactional.id (default: none, idempotent only)");
  cmd->add_option("--kafka-version", o->kafka_version, "2.8, 3.9, 4.0 or 4.3 (default 3.9)");
  cmd->callback([o, &exit_code] { exit_code = run_transition(*o); });
}

}  // namespace kafka_model::cli
