// Every anomaly kafka-semantics.md section 4 says Kafka allows, as a search
// space the RapidCheck search must find it in (expected_violations_test.cpp)
// and the explorer's shortest counterexample is compared with
// (explorer_test.cpp, ShortestVsShrunk). One list, so both test the same.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "tests/properties/search_support.hpp"

namespace kafka_model::testing {

struct Expected {
  std::string label;  // also names its replay file: <guarantee>--<slug of label>.json
  std::string guarantee;
  SearchSpace space;
  std::size_t max_faults = 0;   // bounds on the shrunk counterexample
  std::int32_t max_records = 0;
};

inline SearchSpace violation_space(Properties producer, Properties broker = {}, std::vector<FaultKind> kinds = {}) {
  SearchSpace s;
  s.producer = small_timeouts(std::move(producer));
  s.broker = fast_replication(std::move(broker));
  s.fault_kinds = std::move(kinds);
  return s;
}

inline const Properties kIdempotenceOff = {{"enable.idempotence", "false"}, {"acks", "all"}};

inline std::vector<Expected> expected_violations() {
  Properties in_flight_1 = kIdempotenceOff;
  in_flight_1["max.in.flight.requests.per.connection"] = "1";
  std::vector<FaultKind> all_but_restart;
  for (int i = 0; i < kFaultKindCount; ++i)
    if (static_cast<FaultKind>(i) != FaultKind::ProducerRestart && static_cast<FaultKind>(i) != FaultKind::ProducerZombie)
      all_but_restart.push_back(static_cast<FaultKind>(i));
  // A leadership move needs somewhere to move: three brokers, and the
  // refusal is NOT_LEADER_OR_FOLLOWER. The kinds that make it: a refusal,
  // and a lost success (C4).
  SearchSpace race = violation_space(
      {{"enable.idempotence", "true"}}, {{"model.brokers", "3"}, {"default.replication.factor", "3"}},
      {FaultKind::ErrorResponse, FaultKind::DropResponse, FaultKind::DropRequest, FaultKind::Disconnect,
       FaultKind::BrokerCrash});
  race.error_responses = {Errors::NOT_LEADER_OR_FOLLOWER};
  std::vector<Expected> out = {
      {"idempotence off, in-flight 5: duplicate", "no_duplicates_within_session", violation_space(kIdempotenceOff), 1, 2},
      {"idempotence off, in-flight 5: reorder", "order_within_session", violation_space(kIdempotenceOff), 2, 3},
      {"idempotence off, in-flight 1: duplicate", "no_duplicates_within_session", violation_space(in_flight_1), 1, 1},
      {"acks=0: lost write", "no_lost_acknowledged_writes", violation_space({{"acks", "0"}}), 1, 1},
      {"acks=1: acknowledged loss on failover", "no_lost_acknowledged_writes", violation_space({{"acks", "1"}}), 3, 1},
      {"acks=all, min.isr=1, unclean: acknowledged loss", "no_lost_acknowledged_writes",
       violation_space({{"acks", "all"}}, {{"min.insync.replicas", "1"}, {"unclean.leader.election.enable", "true"}}),
       4, 1},
      // The restart must fall between the append and the acknowledgement: with
      // the followers' long poll that window is one fetch round trip (1-3 ms),
      // and the search's first find (two records, the restart during the
      // second send) shrinks no further.
      {"restart without transactional.id: duplicate", "no_duplicates",
       violation_space({}, {}, {FaultKind::ProducerRestart, FaultKind::DropRequest, FaultKind::Disconnect}), 2, 2},
      {"re-send after delivery timeout: duplicate", "no_duplicates", violation_space({}, {}, all_but_restart), 2, 6},
      {"re-send after delivery timeout (leader paused): duplicate", "no_duplicates",
       violation_space({}, {}, {FaultKind::BrokerStall}), 1, 1},
  };
  for (const char* in_flight : {"3", "5"})
    out.push_back({std::string("cache 2 < in-flight ") + in_flight + ": duplicate", "no_duplicates_within_session",
                   violation_space({{"max.in.flight.requests.per.connection", in_flight}},
                                   {{"model.producer.state.batches.to.retain", "2"}}),
                   3, 3});
  out.push_back({"producer.id.expiration.ms below delivery.timeout.ms: duplicate", "no_duplicates_within_session",
                 violation_space({{"enable.idempotence", "true"}},
                                 {{"producer.id.expiration.ms", "500"}, {"producer.id.expiration.check.interval.ms", "100"}}),
                 1, 2});
  out.push_back({"known race: refused first batch of a new producer id", "no_duplicates_within_session", race, 3, 2});
  // Consume-transform-produce whose offsets the consumer commits outside the
  // transactions (enable.auto.commit=true, the consumer's default): a restart
  // after a committed transaction resumes from an older committed offset and
  // commits that input's output again (tests/scenarios/23).
  SearchSpace auto_commit = violation_space({{"transactional.id", "tx-1"}}, {{"min.insync.replicas", "2"}},
                                            {FaultKind::ProducerRestart});
  auto_commit.consumer = {{"isolation.level", "read_committed"}, {"group.id", "g-1"}};
  out.push_back({"consume-process-produce without sendOffsetsToTransaction, restart: duplicate",
                 "exactly_once_consume_process_produce", auto_commit, 1, 3});
  // A zombie: the old instance keeps running beside its replacement
  // (FaultKind::ProducerZombie). Without transactional.id nothing fences it:
  // both write what the old one still held (tests/scenarios/28).
  out.push_back({"zombie without transactional.id: duplicate", "no_duplicates",
                 violation_space({{"enable.idempotence", "true"}}, {}, {FaultKind::ProducerZombie}), 1, 1});
  return out;
}

inline Expected expected_violation(const std::string& label) {
  for (Expected& e : expected_violations())
    if (e.label == label) return e;
  throw std::invalid_argument("no expected violation labelled " + label);
}

}  // namespace kafka_model::testing
