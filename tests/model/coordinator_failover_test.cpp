// model: the transaction coordinator's state lives on a replicated
// __transaction_state partition (model/transaction_state_log.cpp); its
// leader is the coordinator, and a crash moves it. Each rule below is one of
// Kafka 3.9's TransactionStateManager / TransactionCoordinator:
//  - loadTransactionsForTxnTopicPartition: the new leader answers
//    COORDINATOR_LOAD_IN_PROGRESS while it loads, then serves what its
//    replica holds; a PrepareCommit/PrepareAbort found there has its markers
//    sent again (TransactionCoordinator.onElection);
//  - appendTransactionToLog (requiredAcks -1): below
//    transaction.state.log.min.isr a write is answered COORDINATOR_NOT_AVAILABLE;
//  - the partition is elected from its ISR only (the model never elects it
//    uncleanly: docs/model.md "Transactions").
// Names: <area>: <what>.
#include <gtest/gtest.h>

#include "model/run_spec.hpp"
#include "model/simulation.hpp"
#include "tests/model/scenario_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

std::vector<Step> elections(const History& h) { return steps_of(h, StepKind::CoordinatorElected); }

// tests/scenarios/30: broker-0 crashes between PrepareCommit and its markers;
// broker-1 loads PrepareCommit and completes the commit.
TEST(CoordinatorFailover, TheNewCoordinatorLoadsPrepareCommitAndWritesItsMarkers) {
  const History h = scenario_history("30-coordinator-failover-after-prepare-commit-exactly-once.json");
  SCOPED_TRACE(to_timeline(h));
  const std::vector<Step> elected = elections(h);
  ASSERT_EQ(elected.size(), 1u);
  EXPECT_EQ(elected.front().broker, 1);
  EXPECT_EQ(elected.front().transaction, 0);
  EXPECT_NE(elected.front().detail.find("loads PrepareCommit"), std::string::npos) << elected.front().detail;
  EXPECT_NE(elected.front().detail.find("coordinator epoch 1"), std::string::npos) << elected.front().detail;
  // The prepare was written by broker-0; the marker and completion by broker-1.
  bool prepared_on_0 = false, marker_by_1 = false, completed_on_1 = false;
  for (const Step& s : h.steps) {
    if (s.transaction != 0) continue;
    if (s.kind == StepKind::TransactionStateChanged && s.detail.find("Ongoing -> PrepareCommit") != std::string::npos)
      prepared_on_0 = s.broker == 0;
    if (s.kind == StepKind::MarkerWritten && s.detail.find("COMMIT") != std::string::npos) marker_by_1 = s.broker == 1;
    if (s.kind == StepKind::TransactionStateChanged &&
        s.detail.find("PrepareCommit -> CompleteCommit") != std::string::npos)
      completed_on_1 = s.broker == 1;
  }
  EXPECT_TRUE(prepared_on_0);
  EXPECT_TRUE(marker_by_1);
  EXPECT_TRUE(completed_on_1);
  EXPECT_TRUE(has_step(h, StepKind::TxnResponseReceived, "COORDINATOR_LOAD_IN_PROGRESS"));
  // Transaction 1 runs on the new coordinator.
  for (const Step& s : steps_of(h, StepKind::TransactionStateChanged))
    if (s.transaction == 1) EXPECT_EQ(s.broker, 1) << s.detail;
}

// Right after the election the new leader is loading: the request is
// refused with COORDINATOR_LOAD_IN_PROGRESS, the client retries it
// (TransactionManager's handlers: retriable) and the transaction commits.
TEST(CoordinatorFailover, ARequestDuringTheLoadIsRefusedAndRetried) {
  RunSpec spec = one_transaction_spec();
  spec.schedule.faults = {fault(FaultKind::BrokerCrash, 0, 0)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const std::vector<Step> answers = steps_of(run.history(), StepKind::TxnResponseReceived);
  ASSERT_FALSE(answers.empty());
  EXPECT_EQ(answers.front().detail, "InitProducerId");
  EXPECT_EQ(answers.front().error, Errors::COORDINATOR_LOAD_IN_PROGRESS);
  EXPECT_TRUE(any_step(run.history(), StepKind::CoordinatorElected, "loads nothing"));
  EXPECT_TRUE(any_step(run.history(), StepKind::TransactionEnded, "committed"));
  EXPECT_EQ(logged_records(run.history()), (std::vector<std::int64_t>{0, 1, 2}));
}

// Brokers 1 and 2 crash: __transaction_state's ISR is {0}, below its min.isr
// 2. The coordinator (broker-0, still leader) cannot write: InitProducerId is
// answered COORDINATOR_NOT_AVAILABLE (appendTransactionToLog maps
// NOT_ENOUGH_REPLICAS to it) until a follower is back; then the transaction runs.
TEST(CoordinatorFailover, BelowMinIsrTheCoordinatorIsNotAvailableUntilAFollowerReturns) {
  RunSpec spec = one_transaction_spec();
  spec.schedule.faults = {fault(FaultKind::BrokerCrash, 0, 1), fault(FaultKind::BrokerCrash, 0, 2),
                          fault(FaultKind::BrokerRestart, 400, 1)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_TRUE(any_step(h, StepKind::TxnResponseReceived, "InitProducerId", "COORDINATOR_NOT_AVAILABLE"));
  EXPECT_TRUE(elections(h).empty()) << "broker-0 stays the leader: no election";
  // No transaction state moves before broker-1 is back.
  for (const Step& s : steps_of(h, StepKind::TransactionStateChanged)) EXPECT_GE(s.time_ms, 400) << s.detail;
  EXPECT_TRUE(any_step(h, StepKind::TransactionEnded, "committed"));
}

// The default min.isr (2) capped at a smaller replication factor: with
// transaction.state.log.replication.factor=1 one live replica is enough.
TEST(CoordinatorFailover, MinIsrIsCappedAtTheReplicationFactor) {
  RunSpec spec = one_transaction_spec();
  spec.broker["transaction.state.log.replication.factor"] = "1";
  spec.schedule.faults = {fault(FaultKind::BrokerCrash, 0, 1), fault(FaultKind::BrokerCrash, 0, 2),
                          fault(FaultKind::BrokerRestart, 400, 1)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  EXPECT_FALSE(any_step(run.history(), StepKind::TxnResponseReceived, "", "COORDINATOR_NOT_AVAILABLE"));
  EXPECT_EQ(run.history().config.at("transaction.state.log.min.isr"), "1");
}

// With unclean.leader.election.enable=true the data partition may elect an
// out-of-sync replica, but __transaction_state is elected from its ISR only:
// brokers 1 and 2 crash (ISR {0}), then broker-0; broker-1 returns but is
// not in sync, so there is no coordinator until broker-0 is back.
TEST(CoordinatorFailover, TheStateLogIsNeverElectedUncleanly) {
  RunSpec spec = one_transaction_spec();
  spec.broker["unclean.leader.election.enable"] = "true";
  spec.schedule.faults = {fault(FaultKind::BrokerCrash, 0, 1), fault(FaultKind::BrokerCrash, 0, 2),
                          fault(FaultKind::BrokerCrash, 10, 0), fault(FaultKind::BrokerRestart, 20, 1),
                          fault(FaultKind::BrokerRestart, 300, 0)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const std::vector<Step> elected = elections(run.history());
  ASSERT_GE(elected.size(), 2u);
  EXPECT_NE(elected.front().detail.find("no live in-sync replica"), std::string::npos) << elected.front().detail;
  for (const Step& s : elected)
    if (s.detail.find("leads __transaction_state") != std::string::npos) {
      EXPECT_EQ(s.broker, 0) << s.detail;
      EXPECT_GE(s.time_ms, 300);
    }
  EXPECT_TRUE(any_step(run.history(), StepKind::TransactionEnded, "committed"));
}

// A replication factor the cluster cannot place is a configuration error
// naming the key (Kafka refuses to create __transaction_state:
// INVALID_REPLICATION_FACTOR until enough brokers are up).
TEST(CoordinatorFailover, AReplicationFactorAboveTheBrokerCountIsAConfigError) {
  RunSpec spec = one_transaction_spec();
  spec.broker["transaction.state.log.replication.factor"] = "4";
  const SimulationResult result = simulate(spec);
  ASSERT_TRUE(result.config_error.has_value());
  EXPECT_NE(result.config_error->message.find("transaction.state.log.replication.factor"), std::string::npos)
      << result.config_error->message;
}

// tests/scenarios/33: a leader verifying a transaction's first batch on its
// partition cannot reach a paused coordinator: NOT_ENOUGH_REPLICAS
// (retriable) until the coordinator resumes, then the transaction commits.
TEST(CoordinatorFailover, VerificationAgainstAPausedCoordinatorIsRetried) {
  const History h = scenario_history("33-verification-waits-for-a-paused-coordinator-4.0.json");
  SCOPED_TRACE(to_timeline(h));
  EXPECT_TRUE(any_step(h, StepKind::ProduceRejected, "transaction verification: COORDINATOR_NOT_AVAILABLE",
                       "NOT_ENOUGH_REPLICAS"));
  EXPECT_TRUE(elections(h).empty()) << "a pause moves no leadership";
  EXPECT_TRUE(any_step(h, StepKind::TransactionEnded, "committed"));
  EXPECT_EQ(logged_records(h, 2), (std::vector<std::int64_t>{1}));
}

// tests/scenarios/31: the first instance's InitProducerId waited out the
// coordinator's load; its replacement committed input 0 meanwhile. When the
// first instance's initTransactions returns, its consumer fetches the
// group's committed offset (1), not 0, and processes nothing again.
TEST(CoordinatorFailover, AnInstanceWhoseInitWasDelayedReadsTheCommittedOffset) {
  const History h = scenario_history("31-zombie-init-delayed-by-coordinator-load-reads-committed-offset.json");
  SCOPED_TRACE(to_timeline(h));
  EXPECT_TRUE(any_step(h, StepKind::TxnResponseReceived, "InitProducerId", "COORDINATOR_LOAD_IN_PROGRESS"));
  bool first_instance_initialised = false;
  for (const Step& s : steps_of(h, StepKind::ProducerIdAssigned)) first_instance_initialised |= s.instance == 1;
  EXPECT_TRUE(first_instance_initialised);
  for (const Step& s : steps_of(h, StepKind::TransactionBegun)) EXPECT_NE(s.instance, 1) << s.detail;
  EXPECT_EQ(logged_records(h), (std::vector<std::int64_t>{0}));
}

}  // namespace
}  // namespace kafka_model
