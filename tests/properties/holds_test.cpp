// What Kafka promises, searched for counterexamples within the CI budget.
// A counterexample here is a finding, never a reason to weaken the test:
// the failure prints the shrunk timeline and the replay file; decide whether
// the world has a bug or the promise table is wrong.
#include <gtest/gtest.h>

#include "properties/generators.hpp"
#include "properties/restart_snapshot.hpp"
#include "tests/properties/search_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

constexpr int kBudget = 1500;

bool idempotence_promise(const std::string& name) {
  return name == "no_duplicates_within_session" || name == "order_within_session";
}

// An idempotence promise is judged with Kafka's own known exceptions excused
// (the first-batch race, the restart snapshot: properties/restart_snapshot.hpp):
// a case they explain is counted and printed, and the search goes on, so any
// other violation still fails the test.
void expect_holds(const std::string& label, const std::string& name, const SearchSpace& space,
                  std::uint64_t seed = 1, int budget = kBudget) {
  SearchOptions options{.seed = seed, .budget = budget};
  if (idempotence_promise(name)) options.excuse = kafka_idempotence_exception;
  const TimedSearch t = timed_search(name, space, options);
  print_measure(label + ": " + name, t);
  if (t.result.excused > 0)
    std::printf("[search]   %d case(s) excused as Kafka's own, first: %s\n", t.result.excused,
                t.result.first_excuse.c_str());
  ASSERT_FALSE(t.result.config_error) << t.result.config_error->message;
  EXPECT_EQ(t.result.cases, budget);
  EXPECT_FALSE(t.result.counterexample) << label << "\n" << counterexample_text(t);
}

SearchSpace space(Properties producer, Properties broker = {}) {
  SearchSpace s;
  s.producer = small_timeouts(std::move(producer));
  s.broker = fast_replication(std::move(broker));
  return s;
}

// Idempotence promises are judged under every fault kind, transient
// refusals included (they open the first-batch race), with Kafka's known
// exceptions excused by their evidence (expect_holds). min.insync.replicas
// 1 and 2: with 2 a refusal has a real cause (NOT_ENOUGH_REPLICAS).
SearchSpace idempotent_space(Properties producer = {{"enable.idempotence", "true"}}, Properties broker = {}) {
  return space(std::move(producer), std::move(broker));
}

// A transactional producer (Transactions V1) with a read_committed consumer,
// min.insync.replicas=2, under every fault kind: the consumer never returns
// an aborted transaction's record, sees each committed transaction whole or
// not at all, and every send of a committed transaction is in the log.
SearchSpace transactional_space() {
  SearchSpace s = space({{"transactional.id", "tx-1"}}, {{"min.insync.replicas", "2"}});
  s.consumer = {{"isolation.level", "read_committed"}};
  return s;
}

TEST(Holds, TransactionsReadCommittedNoAbortedReads) {
  expect_holds("transactional, read_committed", "no_aborted_reads", transactional_space(), 1, 1000);
}

TEST(Holds, TransactionsReadCommittedAtomic) {
  expect_holds("transactional, read_committed", "transactions_atomic", transactional_space(), 1, 1000);
}

// A producer restart: the new instance's initTransactions fences the old
// one, whose requests still on the wire are refused (PRODUCER_FENCED,
// INVALID_PRODUCER_EPOCH) or land inside the aborted transaction.
TEST(Holds, TransactionsZombieFenced) {
  expect_holds("transactional, read_committed", "zombie_fenced", transactional_space(), 1, 1000);
  SearchSpace restarts = transactional_space();
  restarts.fault_kinds = {FaultKind::ProducerRestart, FaultKind::DelayResponse, FaultKind::DropResponse,
                          FaultKind::BrokerStall};
  expect_holds("transactional, restarts and late messages", "zombie_fenced", restarts, 2, 1000);
}

// A zombie that keeps running beside its replacement (ProducerZombie): its
// sends, AddPartitionsToTxn, TxnOffsetCommit and EndTxn after the
// replacement's InitProducerId are refused (INVALID_PRODUCER_EPOCH,
// PRODUCER_FENCED) or land in the transaction the fence aborts; nothing of
// it commits (tests/scenarios/29).
TEST(Holds, TransactionsZombieKeepsRunningAndIsFenced) {
  SearchSpace zombies = transactional_space();
  zombies.fault_kinds = {FaultKind::ProducerZombie, FaultKind::DelayResponse, FaultKind::DropResponse,
                         FaultKind::BrokerStall};
  expect_holds("transactional, zombies and late messages", "zombie_fenced", zombies, 2, 1000);
  expect_holds("transactional, zombies and late messages", "transactions_atomic", zombies, 2, 1000);
}

// Consume-transform-produce with sendOffsetsToTransaction
// (enable.auto.commit=false), read_committed, acks=all, min.insync.replicas=2:
// under every fault kind, restarts included, each input offset below the
// group's committed offset has exactly one committed output.
TEST(Holds, ConsumeProcessProduceWithSendOffsetsToTransactionIsExactlyOnce) {
  SearchSpace s = transactional_space();
  s.consumer = {{"isolation.level", "read_committed"}, {"group.id", "g-1"}, {"enable.auto.commit", "false"}};
  expect_holds("consume-process-produce, sendOffsetsToTransaction", "exactly_once_consume_process_produce", s, 1,
               1000);
  SearchSpace restarts = s;
  restarts.fault_kinds = {FaultKind::ProducerRestart, FaultKind::DelayResponse, FaultKind::DropResponse,
                          FaultKind::BrokerStall, FaultKind::BrokerCrash};
  expect_holds("consume-process-produce, restarts", "exactly_once_consume_process_produce", restarts, 2, 1000);
  SearchSpace zombies = s;
  zombies.fault_kinds = {FaultKind::ProducerZombie, FaultKind::DelayResponse, FaultKind::DropResponse,
                         FaultKind::BrokerStall, FaultKind::BrokerCrash};
  expect_holds("consume-process-produce, zombies", "exactly_once_consume_process_produce", zombies, 2, 1000);
}

TEST(Holds, TransactionsReadCommittedNoLostCommittedWrites) {
  expect_holds("transactional, read_committed", "no_lost_acknowledged_writes", transactional_space(), 1, 1000);
}

// Idempotence on (3.x default: acks=all, retries MAX, in-flight 5): one PID
// session never writes a send twice nor two sends out of order.
TEST(Holds, IdempotenceNoDuplicatesWithinSession) {
  expect_holds("idempotence on", "no_duplicates_within_session", idempotent_space());
}

TEST(Holds, IdempotenceOrderWithinSession) {
  expect_holds("idempotence on", "order_within_session", idempotent_space());
}

TEST(Holds, IdempotenceWithMinInsyncReplicasTwo) {
  const Properties broker = {{"min.insync.replicas", "2"}};
  expect_holds("idempotence on, min.isr=2", "no_duplicates_within_session", idempotent_space({{"enable.idempotence", "true"}}, broker));
  expect_holds("idempotence on, min.isr=2", "order_within_session", idempotent_space({{"enable.idempotence", "true"}}, broker));
}

// Idempotence with a Kafka default configuration: the search scales its
// times to delivery.timeout.ms=120000 and still finds nothing.
TEST(Holds, IdempotenceWithKafkaDefaultTimeouts) {
  SearchSpace s;
  expect_holds("Kafka defaults", "no_duplicates_within_session", s, 1, 300);
  expect_holds("Kafka defaults", "order_within_session", s, 1, 300);
}

// The what-if knob at Kafka's bound: a cache as large as in-flight is enough.
TEST(Holds, BrokerCacheAsLargeAsInFlightKeepsIdempotence) {
  expect_holds("cache 3 = in-flight 3", "no_duplicates_within_session",
               idempotent_space({{"max.in.flight.requests.per.connection", "3"}},
                                {{"model.producer.state.batches.to.retain", "3"}}));
}

// acks=all with min.insync.replicas=2 and clean elections: an acknowledged
// write is on two replicas, one of which becomes leader.
TEST(Holds, AcksAllMinIsrTwoNoLostAcknowledgedWrites) {
  const Properties broker = {{"min.insync.replicas", "2"}, {"unclean.leader.election.enable", "false"}};
  expect_holds("acks=all, min.isr=2, clean", "no_lost_acknowledged_writes", space({{"acks", "all"}}, broker));
  expect_holds("acks=all, min.isr=2, clean", "acknowledged_offsets_correct", space({{"acks", "all"}}, broker));
}

TEST(Holds, AcksZeroOffsetsAreMinusOneNeverWrong) {
  expect_holds("acks=0", "acknowledged_offsets_correct", space({{"acks", "0"}}));
}

// Over configurations: any valid idempotent producer (generators.hpp) keeps
// its session promises. Configurations drawn from one seed.
TEST(Holds, AnyIdempotentConfigurationKeepsSessionPromises) {
  const std::vector<SearchSpace> spaces = idempotent_spaces(7, 8);
  for (std::size_t i = 0; i < spaces.size(); ++i) {
    const std::string label = "idempotent config " + std::to_string(i);
    expect_holds(label, "no_duplicates_within_session", spaces[i], i + 1, 150);
    expect_holds(label, "order_within_session", spaces[i], i + 1, 150);
  }
}

}  // namespace
}  // namespace kafka_model
