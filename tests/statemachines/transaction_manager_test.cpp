// statemachines: TransactionManager against Kafka's own switch, transcribed
// below as data, for every release, every source state and every target.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "statemachines/transaction_manager.hpp"

namespace kafka_model {
namespace {

using State = TransactionManager::State;
using Origin = TransactionManager::Origin;
using S = TransactionManager::State;

const std::vector<State> kAllStates = {
    S::UNINITIALIZED,        S::INITIALIZING,    S::READY,       S::IN_TRANSACTION, S::COMMITTING_TRANSACTION,
    S::ABORTING_TRANSACTION, S::ABORTABLE_ERROR, S::FATAL_ERROR,
};
const std::vector<KafkaVersion> kAllVersions = {KafkaVersion::V2_8, KafkaVersion::V3_9, KafkaVersion::V4_0};

// One Java `switch (target)` of TransactionManager.State.isTransitionValid:
// target -> the sources it allows.
using JavaSwitch = std::map<State, std::vector<State>>;

// apache/kafka tag 2.8.2, clients/.../producer/internals/TransactionManager.java
const JavaSwitch kKafka2_8 = {
    {S::UNINITIALIZED, {S::READY}},
    {S::INITIALIZING, {S::UNINITIALIZED, S::ABORTING_TRANSACTION}},
    {S::READY, {S::INITIALIZING, S::COMMITTING_TRANSACTION, S::ABORTING_TRANSACTION}},
    {S::IN_TRANSACTION, {S::READY}},
    {S::COMMITTING_TRANSACTION, {S::IN_TRANSACTION}},
    {S::ABORTING_TRANSACTION, {S::IN_TRANSACTION, S::ABORTABLE_ERROR}},
    {S::ABORTABLE_ERROR, {S::IN_TRANSACTION, S::COMMITTING_TRANSACTION, S::ABORTABLE_ERROR}},
    {S::FATAL_ERROR, kAllStates},  // "We can transition to FATAL_ERROR unconditionally."
};

// apache/kafka branch 3.9 (= tag 3.9.0-rc3), same file.
const JavaSwitch kKafka3_9 = {
    {S::UNINITIALIZED, {S::READY, S::ABORTABLE_ERROR}},
    {S::INITIALIZING, {S::UNINITIALIZED, S::ABORTING_TRANSACTION}},
    {S::READY, {S::INITIALIZING, S::COMMITTING_TRANSACTION, S::ABORTING_TRANSACTION}},
    {S::IN_TRANSACTION, {S::READY}},
    {S::COMMITTING_TRANSACTION, {S::IN_TRANSACTION}},
    {S::ABORTING_TRANSACTION, {S::IN_TRANSACTION, S::ABORTABLE_ERROR}},
    {S::ABORTABLE_ERROR, {S::IN_TRANSACTION, S::COMMITTING_TRANSACTION, S::ABORTABLE_ERROR, S::INITIALIZING}},
    {S::FATAL_ERROR, kAllStates},
};

// apache/kafka trunk after KAFKA-18227 (commit f7f3cffb, Transactions V2), as
// released in 4.0.
const JavaSwitch kKafka4_0 = {
    {S::UNINITIALIZED, {S::READY, S::ABORTABLE_ERROR}},
    {S::INITIALIZING, {S::UNINITIALIZED, S::COMMITTING_TRANSACTION, S::ABORTING_TRANSACTION}},
    {S::READY, {S::INITIALIZING, S::COMMITTING_TRANSACTION, S::ABORTING_TRANSACTION}},
    {S::IN_TRANSACTION, {S::READY}},
    {S::COMMITTING_TRANSACTION, {S::IN_TRANSACTION}},
    {S::ABORTING_TRANSACTION, {S::IN_TRANSACTION, S::ABORTABLE_ERROR}},
    {S::ABORTABLE_ERROR, {S::IN_TRANSACTION, S::COMMITTING_TRANSACTION, S::ABORTABLE_ERROR, S::INITIALIZING}},
    {S::FATAL_ERROR, kAllStates},
};

const JavaSwitch& java_switch(KafkaVersion v) {
  switch (v) {
    case KafkaVersion::V2_8: return kKafka2_8;
    case KafkaVersion::V3_9: return kKafka3_9;
    case KafkaVersion::V4_0: return kKafka4_0;
  }
  return kKafka3_9;
}

bool java_allows(KafkaVersion v, State source, State target) {
  const std::vector<State>& sources = java_switch(v).at(target);
  return std::find(sources.begin(), sources.end(), source) != sources.end();
}

// KAFKA-14831 (3.6.0): the Sender thread poisons the state.
bool sender_poisons(KafkaVersion v) { return v != KafkaVersion::V2_8; }

std::string label(KafkaVersion v, State from, State to) {
  return std::string(to_string(v)) + ": " + TransactionManager::name(from) + " -> " + TransactionManager::name(to);
}

// Every state, reached from UNINITIALIZED through valid application calls
// (breadth-first over the facade).
std::map<State, TransactionManager> reach_every_state(const std::string& id, KafkaVersion v) {
  std::map<State, TransactionManager> reached;
  std::deque<TransactionManager> frontier{TransactionManager(id, v)};
  reached.emplace(State::UNINITIALIZED, frontier.front());
  while (!frontier.empty()) {
    const TransactionManager current = frontier.front();
    frontier.pop_front();
    for (State target : kAllStates) {
      TransactionManager next = current;
      if (next.transition_to(target).has_value() || reached.count(next.state())) continue;
      reached.emplace(next.state(), next);
      frontier.push_back(next);
    }
  }
  return reached;
}

TEST(TransactionManager, EveryStateIsReachableInEveryVersion) {
  for (KafkaVersion v : kAllVersions) EXPECT_EQ(reach_every_state("tx", v).size(), kAllStates.size()) << to_string(v);
}

// Calls check(v, from, to, tm) for every version and every pair of states,
// tm a manager in `from` reached through valid transitions.
template <typename Check>
void for_every_transition(Check check) {
  for (KafkaVersion v : kAllVersions) {
    const auto reached = reach_every_state("tx-1", v);
    for (State from : kAllStates)
      for (State to : kAllStates) {
        TransactionManager tm = reached.at(from);
        check(v, from, to, tm);
      }
  }
}

TEST(TransactionManager, ApplicationTransitionsMatchKafkasSwitch) {
  for_every_transition([](KafkaVersion v, State from, State to, TransactionManager& tm) {
    const auto error = tm.transition_to(to, Origin::Application);
    if (java_allows(v, from, to)) {
      EXPECT_EQ(error, std::nullopt) << label(v, from, to);
      EXPECT_EQ(tm.state(), to) << label(v, from, to);
    } else {
      EXPECT_EQ(error, "TransactionalId tx-1: Invalid transition attempted from state " +
                           std::string(TransactionManager::name(from)) + " to state " +
                           TransactionManager::name(to))
          << label(v, from, to);
      EXPECT_EQ(tm.state(), from) << label(v, from, to);
    }
  });
}

TEST(TransactionManager, SenderTransitionsMatchKafkasSwitchAndPoisonTheState) {
  for_every_transition([](KafkaVersion v, State from, State to, TransactionManager& tm) {
    const auto error = tm.transition_to(to, Origin::Sender);
    const bool valid = java_allows(v, from, to);
    EXPECT_EQ(error.has_value(), !valid) << label(v, from, to);
    const State expected = valid ? to : sender_poisons(v) ? State::FATAL_ERROR : from;
    EXPECT_EQ(tm.state(), expected) << label(v, from, to);
  });
}

TEST(TransactionManager, CanTransitionToAnswersWithoutMoving) {
  for (KafkaVersion v : kAllVersions) {
    for (const auto& [from, tm] : reach_every_state("tx", v)) {
      for (State to : kAllStates) {
        EXPECT_EQ(tm.can_transition_to(to), java_allows(v, from, to)) << label(v, from, to);
        EXPECT_EQ(tm.state(), from) << label(v, from, to);
      }
    }
  }
}

TEST(TransactionManager, AbortInReadyGivesTheSeedsMessage) {
  TransactionManager tm("my-txn");
  ASSERT_EQ(tm.transition_to(State::INITIALIZING), std::nullopt);
  ASSERT_EQ(tm.transition_to(State::READY), std::nullopt);
  EXPECT_EQ(tm.transition_to(State::ABORTING_TRANSACTION),
            "TransactionalId my-txn: Invalid transition attempted from state READY to state ABORTING_TRANSACTION");
  EXPECT_EQ(tm.state(), State::READY);
}

TEST(TransactionManager, WithoutTransactionalIdTheMessageHasNoPrefix) {
  TransactionManager tm;
  EXPECT_EQ(tm.transition_to(State::COMMITTING_TRANSACTION),
            "Invalid transition attempted from state UNINITIALIZED to state COMMITTING_TRANSACTION");
}

TEST(TransactionManager, IdempotentProducerResetsItsIdThroughUninitialized) {
  // KIP-360: an exhausted epoch makes resetIdempotentProducerId go READY ->
  // UNINITIALIZED; the next InitProducerId goes through INITIALIZING to READY.
  for (KafkaVersion v : kAllVersions) {
    TransactionManager tm({}, v);
    for (State step : {S::INITIALIZING, S::READY, S::UNINITIALIZED, S::INITIALIZING, S::READY})
      EXPECT_EQ(tm.transition_to(step), std::nullopt) << to_string(v) << " " << TransactionManager::name(step);
  }
}

TEST(TransactionManager, FatalErrorIsNeverLeft) {
  for (KafkaVersion v : kAllVersions) {
    TransactionManager tm("tx", v);
    ASSERT_EQ(tm.transition_to(State::FATAL_ERROR), std::nullopt);
    for (State to : kAllStates) {
      for (Origin origin : {Origin::Application, Origin::Sender}) {
        TransactionManager copy = tm;
        EXPECT_EQ(copy.transition_to(to, origin).has_value(), to != State::FATAL_ERROR);
        EXPECT_EQ(copy.state(), State::FATAL_ERROR);
      }
    }
  }
}

TEST(TransactionManager, DefaultsToAnIdempotentProducerOf3_9) {
  TransactionManager tm;
  EXPECT_EQ(tm.state(), State::UNINITIALIZED);
  EXPECT_EQ(tm.transactional_id(), "");
  EXPECT_EQ(tm.version(), KafkaVersion::V3_9);
}

TEST(TransactionManager, CopiesAreIndependentValues) {
  TransactionManager a("tx");
  ASSERT_EQ(a.transition_to(State::INITIALIZING), std::nullopt);
  TransactionManager b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  ASSERT_EQ(b.transition_to(State::READY), std::nullopt);
  EXPECT_EQ(a.state(), State::INITIALIZING);
  EXPECT_NE(a, b);
  EXPECT_NE(a.hash(), b.hash());
  a = b;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  TransactionManager moved = std::move(b);
  EXPECT_EQ(moved, a);
}

TEST(TransactionManager, EqualityAndHashAgreeOnStateIdAndVersion) {
  std::vector<TransactionManager> all;
  for (KafkaVersion v : kAllVersions)
    for (const char* id : {"", "a", "b"})
      for (auto& [state, tm] : reach_every_state(id, v)) all.push_back(tm);
  for (const TransactionManager& x : all) {
    for (const TransactionManager& y : all) {
      const bool same = x.state() == y.state() && x.transactional_id() == y.transactional_id() &&
                        x.version() == y.version();
      EXPECT_EQ(x == y, same);
      EXPECT_EQ(x.hash() == y.hash(), same);
    }
  }
}

TEST(TransactionManager, NamesAreKafkasEnumNames) {
  std::vector<std::string> names;
  for (State s : kAllStates) names.push_back(TransactionManager::name(s));
  EXPECT_EQ(names, (std::vector<std::string>{"UNINITIALIZED", "INITIALIZING", "READY", "IN_TRANSACTION",
                                             "COMMITTING_TRANSACTION", "ABORTING_TRANSACTION", "ABORTABLE_ERROR",
                                             "FATAL_ERROR"}));
}

// The guard a row needs: none when every release allows it, else the first
// release that does.
std::string expected_guard(State from, State to) {
  if (java_allows(KafkaVersion::V2_8, from, to)) return "";
  if (java_allows(KafkaVersion::V3_9, from, to)) return "ClientIsAtLeast3_6";
  return "ClientIsAtLeast4_0";
}

TEST(TransactionManager, DescribeHasOneRowPerValidTransitionWithItsVersionGuard) {
  const MachineDescription d = TransactionManager::describe();
  EXPECT_EQ(d.name, "TransactionManager");
  EXPECT_EQ(d.kafka_class, "org.apache.kafka.clients.producer.internals.TransactionManager");
  EXPECT_EQ(d.initial_state, "UNINITIALIZED");
  EXPECT_EQ(d.states.size(), kAllStates.size());
  EXPECT_NE(d.summary.find("KIP-360"), std::string::npos);
  EXPECT_NE(d.summary.find("READY -> UNINITIALIZED -> INITIALIZING -> READY"), std::string::npos);

  using Key = std::tuple<std::string, std::string, std::string>;  // source, target, guard
  std::set<Key> expected;
  for (State from : kAllStates)
    for (State to : kAllStates)
      if (java_allows(KafkaVersion::V4_0, from, to) || java_allows(KafkaVersion::V2_8, from, to))
        expected.emplace(TransactionManager::name(from), TransactionManager::name(to), expected_guard(from, to));
  std::set<Key> actual;
  std::map<std::string, std::string> event_of_target;
  for (const TransitionRow& row : d.rows) {
    EXPECT_TRUE(actual.emplace(row.source, row.target, row.guard).second) << "duplicate " << row.source;
    EXPECT_EQ(row.action, "");
    // One event per target, so transition_to(target) is one event.
    auto [it, fresh] = event_of_target.emplace(row.target, row.event);
    EXPECT_EQ(it->second, row.event) << row.target;
  }
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(event_of_target.size(), kAllStates.size());
}

TEST(TransactionManager, TheJavaTablesDifferOnlyWhereTheTicketsSay) {
  // Guards the transcriptions themselves: 2.8 -> 3.9 is KAFKA-13668, 3.9 -> 4.0 KAFKA-18227.
  std::vector<std::pair<State, State>> added_in_3, added_in_4;
  for (State from : kAllStates) {
    for (State to : kAllStates) {
      EXPECT_FALSE(java_allows(KafkaVersion::V2_8, from, to) && !java_allows(KafkaVersion::V3_9, from, to));
      EXPECT_FALSE(java_allows(KafkaVersion::V3_9, from, to) && !java_allows(KafkaVersion::V4_0, from, to));
      if (!java_allows(KafkaVersion::V2_8, from, to) && java_allows(KafkaVersion::V3_9, from, to))
        added_in_3.emplace_back(from, to);
      if (!java_allows(KafkaVersion::V3_9, from, to) && java_allows(KafkaVersion::V4_0, from, to))
        added_in_4.emplace_back(from, to);
    }
  }
  EXPECT_EQ(added_in_3, (std::vector<std::pair<State, State>>{{S::INITIALIZING, S::ABORTABLE_ERROR},
                                                              {S::ABORTABLE_ERROR, S::UNINITIALIZED}}));
  EXPECT_EQ(added_in_4,
            (std::vector<std::pair<State, State>>{{S::COMMITTING_TRANSACTION, S::INITIALIZING}}));
}

}  // namespace
}  // namespace kafka_model
