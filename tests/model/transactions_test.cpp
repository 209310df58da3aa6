// model: the world runs transactions (Kafka 3.9, Transactions V1): the
// coordinator, AddPartitionsToTxn before a partition's first batch, EndTxn,
// markers as control batches, the last stable offset, the aborted-transaction
// index, and what each isolation.level reads. Names: <area>: <what>.
#include <gtest/gtest.h>

#include <algorithm>

#include "model/run_spec.hpp"
#include "model/simulation.hpp"
#include "model/transaction_log.hpp"
#include "tests/model/scenario_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// Transactions of three records on one partition, every second one aborted
// by the application (abort_every = 2) and its records sent again in the
// next; a send every 50 ms, so each batch is written before the transaction ends.
RunSpec transactional_spec(const std::string& isolation) {
  RunSpec spec;
  spec.producer = {{"transactional.id", "tx-1"}, {"linger.ms", "0"}, {"batch.size", "100"}};
  spec.broker = {{"min.insync.replicas", "2"}};
  spec.consumer = {{"isolation.level", isolation}};
  spec.workload.records = 6;
  spec.workload.send_interval_ms = 50;
  spec.workload.records_per_transaction = 3;
  spec.workload.abort_every = 2;
  spec.workload.max_resends_per_record = 1;
  return spec;
}

std::vector<Step> with_detail(const History& h, StepKind kind, const std::string& detail) {
  std::vector<Step> out;
  for (const Step& s : h.steps)
    if (s.kind == kind && s.detail.find(detail) != std::string::npos) out.push_back(s);
  return out;
}

TEST(Transactions, TheWorldRunsInitTransactionsBeginSendCommitThroughTheCoordinator) {
  const ScenarioRun run = simulate_ok(transactional_spec("read_committed"));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_EQ(with_detail(h, StepKind::TxnRequestSent, "InitProducerId").size(), 1u);
  EXPECT_FALSE(with_detail(h, StepKind::TxnRequestSent, "AddPartitionsToTxn [p0]").empty());
  EXPECT_EQ(with_detail(h, StepKind::TransactionStateChanged, "Ongoing -> PrepareCommit").size(), 2u);
  EXPECT_EQ(with_detail(h, StepKind::TransactionStateChanged, "PrepareCommit -> CompleteCommit").size(), 2u);
  EXPECT_EQ(with_detail(h, StepKind::TransactionStateChanged, "Ongoing -> PrepareAbort").size(), 1u);
  EXPECT_EQ(with_detail(h, StepKind::MarkerWritten, "COMMIT").size(), 2u);
  EXPECT_EQ(with_detail(h, StepKind::MarkerWritten, "ABORT").size(), 1u);
  EXPECT_EQ(with_detail(h, StepKind::TransactionEnded, "committed").size(), 2u);
  EXPECT_TRUE(steps_of(h, StepKind::TransactionHanging).empty());
  EXPECT_EQ(with_detail(h, StepKind::TransactionEnded, "aborted").size(), 1u);
  // V1: AddPartitionsToTxn answered before the partition's first batch is sent.
  const auto added = std::find_if(h.steps.begin(), h.steps.end(), [](const Step& s) {
    return s.kind == StepKind::TxnResponseReceived && s.detail == "AddPartitionsToTxn" && !s.error;
  });
  const auto first_produce = std::find_if(h.steps.begin(), h.steps.end(),
                                          [](const Step& s) { return s.kind == StepKind::ProduceRequestSent; });
  ASSERT_NE(added, h.steps.end());
  EXPECT_LT(added - h.steps.begin(), first_produce - h.steps.begin());
}

TEST(Transactions, ReadCommittedDropsTheAbortedTransactionReadUncommittedReturnsIt) {
  const ScenarioRun committed = simulate_ok(transactional_spec("read_committed"));
  SCOPED_TRACE(committed.timeline());
  EXPECT_EQ(committed.history().config.at("isolation.level"), "read_committed");
  // Transaction 1 is aborted and its records (3, 4, 5) committed again in transaction 2.
  std::vector<std::int64_t> committed_txns, other_txns;
  for (const Step& s : committed.history().steps) {
    if (s.kind == StepKind::ConsumerRead && s.offset >= 0) committed_txns.push_back(s.transaction);
    if (s.kind == StepKind::OtherConsumerRead) other_txns.push_back(s.transaction);
  }
  EXPECT_EQ(committed_txns, (std::vector<std::int64_t>{0, 0, 0, 2, 2, 2}));
  EXPECT_EQ(other_txns, (std::vector<std::int64_t>{0, 0, 0, 1, 1, 1, 2, 2, 2}));
}

TEST(Transactions, AnAbortedTransactionIsInTheLogAndOnlyReadUncommittedReturnsIt) {
  RunSpec spec = transactional_spec("read_uncommitted");
  spec.workload.records = 3;
  spec.workload.abort_every = 1;  // every transaction aborted: the records are re-sent once, then given up
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  std::size_t uncommitted = 0, committed = 0;
  for (const Step& s : run.history().steps) {
    if (s.kind == StepKind::ConsumerRead && s.offset >= 0) ++uncommitted;
    if (s.kind == StepKind::OtherConsumerRead) ++committed;
  }
  EXPECT_EQ(uncommitted, 6u);  // two aborted transactions of three records
  EXPECT_EQ(committed, 0u);
}

TEST(Transactions, ANonTransactionalRunRecordsNoTransactionStep) {
  RunSpec spec = transactional_spec("read_committed");
  spec.producer.erase("transactional.id");
  const ScenarioRun run = simulate_ok(spec);
  for (const Step& s : run.history().steps) {
    EXPECT_EQ(s.transaction, -1);
    EXPECT_NE(s.kind, StepKind::OtherConsumerRead);
    EXPECT_NE(s.kind, StepKind::TxnRequestSent);
  }
  EXPECT_FALSE(run.history().config.contains("isolation.level"));
}

// ---- the log's transaction index, pure -------------------------------------------

LogBatch data(std::int64_t base, std::int64_t pid, int records, bool transactional) {
  LogBatch b;
  b.base_offset = base;
  b.producer_id = pid;
  b.records.assign(static_cast<std::size_t>(records), LogRecord{base, base});
  b.transactional = transactional;
  return b;
}
LogBatch marker(std::int64_t base, std::int64_t pid, ControlType type) {
  LogBatch b = data(base, pid, 1, true);
  b.control = type;
  return b;
}

TEST(TransactionLog, TheLastStableOffsetStopsAtTheFirstOpenTransaction) {
  PartitionLog log;
  log.batches = {data(0, 7, 2, true), data(2, 8, 1, false), data(3, 9, 1, true), marker(4, 7, ControlType::Commit)};
  // pid 7 committed at 4, pid 9 open from 3.
  EXPECT_EQ(last_stable_offset(log, 5), 3);
  // A completed transaction whose marker is not below the high watermark is still unstable.
  EXPECT_EQ(last_stable_offset(log, 4), 0);
  const TransactionIndex index = index_transactions(log);
  EXPECT_EQ(index.ongoing, (std::map<std::int64_t, std::int64_t>{{9, 3}}));
  EXPECT_TRUE(index.aborted.empty());
}

TEST(TransactionLog, ReadCommittedSkipsAnAbortedTransactionsBatchesUntilItsMarker) {
  PartitionLog log;
  log.batches = {data(0, 7, 2, true), data(2, 8, 1, false), data(3, 7, 1, true), marker(4, 7, ControlType::Abort),
                 data(5, 7, 1, true), marker(6, 7, ControlType::Commit)};
  ASSERT_EQ(index_transactions(log).aborted, (std::vector<AbortedTxn>{{7, 0, 4}}));
  std::vector<std::int64_t> committed, uncommitted;
  for (const ConsumedRecord& r : consume(log, 7, true)) committed.push_back(r.offset);
  for (const ConsumedRecord& r : consume(log, 7, false)) uncommitted.push_back(r.offset);
  EXPECT_EQ(committed, (std::vector<std::int64_t>{2, 5}));            // the non-transactional write, the committed one
  EXPECT_EQ(uncommitted, (std::vector<std::int64_t>{0, 1, 2, 3, 5}));  // markers are never returned
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// TransactionCoordinator.abortTimedOutTransactions: the only producer is
// fenced by its own transaction's timeout (ProducerFencedException).
TEST(Transactions, TheCoordinatorAbortsATimedOutTransactionAndFencesItsProducer) {
  const History h = scenario_history("20-transaction-timeout-fences-the-only-producer.json");
  EXPECT_TRUE(any_step(h, StepKind::TransactionStateChanged, "transaction.timeout.ms=1000 expired: epoch + 1) -> PrepareAbort"));
  EXPECT_TRUE(any_step(h, StepKind::TxnResponseReceived, "EndTxn", "PRODUCER_FENCED"));
  EXPECT_TRUE(any_step(h, StepKind::ProduceRejected, "transaction verification: PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"));
  EXPECT_TRUE(any_step(h, StepKind::TransactionEnded, "committed"));
}

// KIP-890 part 1 (3.6+): the stale retry that Kafka 2.8 appends after its
// transaction's marker is refused in 3.9.
TEST(Transactions, PartitionVerificationRefusesALateWriteThatKafka28Appends) {
  const History old = scenario_history("19-late-transactional-write-aborted-read-2.8.json");
  const History verified = scenario_history("19b-late-transactional-write-refused-by-verification-3.9.json");
  EXPECT_FALSE(any_step(old, StepKind::ProduceRejected, "transaction verification"));
  EXPECT_TRUE(any_step(verified, StepKind::ProduceRejected, "transaction verification: CONCURRENT_TRANSACTIONS",
                       "NOT_ENOUGH_REPLICAS"));
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// TransactionStateManager.getTransactionState answers NOT_COORDINATOR once
// the broker no longer owns the transactional.id's __transaction_state
// partition (TransactionCoordinator.handleInitProducerId); the client's
// handler looks the coordinator up again (FindCoordinator) and retries
// (TransactionManager.InitProducerIdHandler: NOT_COORDINATOR is retriable).
// Here: the InitProducerId is on its way to broker-0 (the network takes at
// least 1 ms) when broker-0 crashes and is back at once: broker-1 leads
// __transaction_state now (leadership does not move back), so broker-0,
// alive, no longer hosts the coordinator.
TEST(Transactions, ARequestToALiveBrokerThatNoLongerHostsTheCoordinatorIsNotCoordinator) {
  RunSpec spec = one_transaction_spec();
  spec.schedule.faults = {fault(FaultKind::BrokerCrash, 1, 0), fault(FaultKind::BrokerRestart, 1, 0)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const std::vector<Step> answers = steps_of(run.history(), StepKind::TxnResponseReceived);
  ASSERT_FALSE(answers.empty());
  EXPECT_EQ(answers.front().detail, "InitProducerId");
  EXPECT_EQ(answers.front().error, Errors::NOT_COORDINATOR);
  EXPECT_TRUE(any_step(run.history(), StepKind::TxnRequestSent, "InitProducerId to the coordinator on broker-0"));
  EXPECT_TRUE(any_step(run.history(), StepKind::TransactionEnded, "committed"));
}

// A send that fails while the transaction is already completing, and a
// timeout check that finds the transaction no longer Ongoing. The partition
// (replication factor 1) is offline from before the first batch: the batch
// waits in the accumulator, the application commits, the batch expires
// (delivery.timeout.ms), the commit fails and the application aborts; the
// ABORT marker waits for the partition until broker-0 is back (10.5 s), past
// the coordinator's first check at 10 s (the transaction started at ~0.1 s,
// transaction.timeout.ms = 5000, the batch expired at ~9.6 s); then the
// records commit in the next transaction.
//  - TransactionManager.maybeTransitionToErrorState: no epoch bump while
//    completing (canBumpEpoch() && !isCompleting()), so the next
//    transaction runs under epoch 0, without InitProducerId.
//  - TransactionStateManager.timedOutTransactions: only an Ongoing
//    transaction times out; one in PrepareAbort is not fenced or aborted again.
TEST(Transactions, ASendFailedWhileCommittingBumpsNoEpochAndAPreparedAbortDoesNotTimeOut) {
  RunSpec spec = one_transaction_spec();
  spec.broker = {{"default.replication.factor", "1"}, {"min.insync.replicas", "1"}};
  spec.producer["request.timeout.ms"] = "1000";
  spec.producer["delivery.timeout.ms"] = "9500";
  spec.producer["transaction.timeout.ms"] = "5000";
  spec.workload.records = 1;
  spec.workload.records_per_transaction = 1;
  spec.schedule.faults = {fault(FaultKind::BrokerCrash, 2, 0), fault(FaultKind::BrokerRestart, 10500, 0)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto committing = std::find_if(h.steps.begin(), h.steps.end(), [](const Step& s) {
    return s.kind == StepKind::TransactionEnding && s.detail == "commitTransaction";
  });
  const auto expired = std::find_if(h.steps.begin(), h.steps.end(),
                                    [](const Step& s) { return s.kind == StepKind::BatchExpired; });
  ASSERT_NE(committing, h.steps.end());
  ASSERT_NE(expired, h.steps.end());
  EXPECT_LT(committing - h.steps.begin(), expired - h.steps.begin());  // it failed while committing
  EXPECT_EQ(with_detail(h, StepKind::TransactionEnded, "aborted").size(), 1u);
  EXPECT_EQ(with_detail(h, StepKind::TransactionEnded, "committed").size(), 1u);
  std::vector<std::int32_t> epochs;
  for (const Step& s : steps_of(h, StepKind::ProducerIdAssigned)) epochs.push_back(s.producer_epoch);
  EXPECT_EQ(epochs, (std::vector<std::int32_t>{0}));
  EXPECT_EQ(with_detail(h, StepKind::TransactionStateChanged, "-> PrepareAbort").size(), 1u);
  EXPECT_TRUE(with_detail(h, StepKind::TransactionStateChanged, "transaction.timeout.ms").empty());
  EXPECT_EQ(logged_records(h), (std::vector<std::int64_t>{0}));
}

// NetworkClient.handleTimedOutRequests: a coordinator request unanswered for
// request.timeout.ms is failed as a disconnect (its connection closed), once;
// the handler's retry then waits for a coordinator (FindCoordinator) like any
// other (TransactionManager.lookupCoordinator, retry.backoff.ms). Here the
// InitProducerId is held by a paused broker-0, every broker then crashes (the
// request is lost with broker-0's process), the timeout fires with no broker
// alive, and the brokers come back 50 ms later.
TEST(Transactions, ATimedOutCoordinatorRequestIsFailedOnceThenRetriedWhenACoordinatorIsBack) {
  RunSpec spec = one_transaction_spec();
  spec.producer["request.timeout.ms"] = "1000";
  spec.producer["delivery.timeout.ms"] = "3000";
  spec.schedule.faults = {fault(FaultKind::BrokerStall, 0, 0, 5000), fault(FaultKind::BrokerCrash, 100, 1),
                          fault(FaultKind::BrokerCrash, 100, 2),      fault(FaultKind::BrokerCrash, 200, 0),
                          fault(FaultKind::BrokerRestart, 1050, 0),   fault(FaultKind::BrokerRestart, 1050, 1),
                          fault(FaultKind::BrokerRestart, 1050, 2)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_EQ(with_detail(h, StepKind::TxnResponseReceived, "no answer within request.timeout.ms").size(), 1u);
  EXPECT_EQ(with_detail(h, StepKind::TxnRequestSent, "InitProducerId").size(), 2u);
  EXPECT_EQ(with_detail(h, StepKind::TransactionEnded, "committed").size(), 1u);
  EXPECT_EQ(logged_records(h), (std::vector<std::int64_t>{0, 1, 2}));
}

// TransactionManager.maybeTransitionToErrorState: a failed send in an open
// transaction (not fatal: INVALID_PRODUCER_EPOCH from a produce is an
// InvalidProducerEpochException, abortable) sets epochBumpRequired; after the
// abort completeTransaction goes to INITIALIZING, InitProducerId bumps the
// epoch (KIP-360), and the next transaction commits the records once, under
// the new epoch. The bump is asked for once: the transaction after it is
// not aborted again.
TEST(Transactions, AFailedSendInATransactionBumpsTheEpochOnceAndTheNextTransactionCommits) {
  RunSpec spec = one_transaction_spec();
  Fault refused;
  refused.kind = FaultKind::ErrorResponse;
  refused.request = 1;
  refused.error = Errors::INVALID_PRODUCER_EPOCH;
  spec.schedule.faults = {refused};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_EQ(with_detail(h, StepKind::TransactionEnded, "aborted").size(), 1u);
  EXPECT_EQ(with_detail(h, StepKind::TransactionEnded, "committed").size(), 1u);
  std::vector<std::int32_t> epochs;
  for (const Step& s : steps_of(h, StepKind::ProducerIdAssigned)) epochs.push_back(s.producer_epoch);
  EXPECT_EQ(epochs, (std::vector<std::int32_t>{0, 1}));
  for (const Step& read : final_log(h)) EXPECT_EQ(read.producer_epoch, 1);
  EXPECT_EQ(logged_records(h), (std::vector<std::int64_t>{0, 1, 2}));
}

// TransactionManager.maybeResolveSequences, transactional branch: once a
// partition's retried batch has expired unacknowledged and nothing else is
// in flight there, its sequence cannot be resolved; with canBumpEpoch the
// manager sets epochBumpRequired ("It is safe to abort the transaction and
// continue") whatever it is doing, even while the application is already
// aborting (unlike maybeTransitionToErrorState, which skips the bump while
// completing). So after the abort InitProducerId bumps the epoch (KIP-360)
// before the next transaction. Here: the batch is refused once
// (NOT_LEADER_OR_FOLLOWER, retried), the leader pauses, the application
// aborts the transaction (abort_every = 1) and the batch expires in flight
// (delivery.timeout.ms) while the abort waits for it.
TEST(Transactions, ABatchExpiredInRetryWhileAbortingBumpsTheEpochAfterTheAbort) {
  RunSpec spec = one_transaction_spec();
  spec.workload.records = 1;
  spec.workload.records_per_transaction = 1;
  spec.workload.abort_every = 1;
  spec.producer["request.timeout.ms"] = "1000";
  spec.producer["delivery.timeout.ms"] = "3000";
  Fault refused;
  refused.kind = FaultKind::ErrorResponse;
  refused.request = 1;
  refused.error = Errors::NOT_LEADER_OR_FOLLOWER;
  spec.schedule.faults = {refused, fault(FaultKind::BrokerStall, 10, 0, 10000)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto aborting = std::find_if(h.steps.begin(), h.steps.end(), [](const Step& s) {
    return s.kind == StepKind::TransactionEnding && s.detail.find("abortTransaction") != std::string::npos;
  });
  const auto expired = std::find_if(h.steps.begin(), h.steps.end(),
                                    [](const Step& s) { return s.kind == StepKind::BatchExpired; });
  ASSERT_NE(aborting, h.steps.end());
  ASSERT_NE(expired, h.steps.end());
  EXPECT_LT(aborting - h.steps.begin(), expired - h.steps.begin());  // it expired while aborting
  const auto aborted = std::find_if(expired, h.steps.end(), [](const Step& s) {
    return s.kind == StepKind::TransactionEnded && s.detail == "aborted";
  });
  ASSERT_NE(aborted, h.steps.end());
  const auto next = std::find_if(aborted, h.steps.end(),
                                 [](const Step& s) { return s.kind == StepKind::TransactionBegun; });
  const auto bumped = std::find_if(aborted, next, [](const Step& s) {
    return s.kind == StepKind::ProducerIdAssigned && s.producer_epoch == 1;
  });
  EXPECT_NE(bumped, next) << "no InitProducerId epoch bump between the abort and the next transaction";
  // The EndTxn(abort) is retried after the coordinator completed the abort
  // (its answer was lost in the stall): handleEndTransaction answers NONE in
  // CompleteAbort with no transition and writes no second ABORT marker.
  const auto of_txn0 = [](std::vector<Step> steps) {
    std::erase_if(steps, [](const Step& s) { return s.transaction != 0; });
    return steps.size();
  };
  EXPECT_TRUE(with_detail(h, StepKind::TransactionStateChanged, "CompleteAbort -> CompleteAbort").empty());
  EXPECT_EQ(of_txn0(with_detail(h, StepKind::TransactionStateChanged, "PrepareAbort -> CompleteAbort")), 1u);
  EXPECT_EQ(of_txn0(with_detail(h, StepKind::MarkerWritten, "ABORT")), 1u);
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// ProducerStateManager.isProducerExpired: a producer with an open transaction
// on the partition (currentTxnFirstOffset present) never expires, however
// long it has been idle; it may once its marker closes the transaction.
// Sends 50 ms apart with producer.id.expiration.ms=30: every gap inside a
// transaction is longer than the expiration, none may expire the producer
// before that transaction's marker.
TEST(Transactions, AProducerWithAnOpenTransactionDoesNotExpire) {
  RunSpec spec = transactional_spec("read_committed");
  spec.broker["producer.id.expiration.ms"] = "30";
  spec.broker["producer.id.expiration.check.interval.ms"] = "1";
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  std::int64_t open_since = -1;  // the leader's first data batch of the open transaction
  for (const Step& s : h.steps) {
    if (s.kind == StepKind::BatchAppended && s.partition == 0 && open_since < 0) open_since = s.time_ms;
    if (s.kind == StepKind::MarkerWritten && s.partition == 0) open_since = -1;
    if (s.kind == StepKind::ProducerStateExpired)
      EXPECT_LT(open_since, 0) << "producer state expired at " << s.time_ms << " ms on " << to_string(s.node)
                               << " with a transaction open since " << open_since << " ms";
  }
  EXPECT_EQ(with_detail(h, StepKind::TransactionEnded, "committed").size(), 2u);
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// Consume-transform-produce with sendOffsetsToTransaction, no faults: six
// input records, two a transaction, every third transaction aborted by the
// application.
RunSpec six_inputs_every_third_transaction_aborted(KafkaVersion version) {
  RunSpec spec;
  spec.version = version;
  spec.producer = {{"transactional.id", "tx-1"}, {"linger.ms", "0"}};
  spec.broker = {{"min.insync.replicas", "2"}};
  spec.consumer = {{"isolation.level", "read_committed"}, {"group.id", "g-1"}, {"enable.auto.commit", "false"}};
  spec.workload.records = 6;
  spec.workload.records_per_transaction = 2;
  spec.workload.abort_every = 3;
  return spec;
}

// A committed transaction's offset becomes the group's (COMMIT marker), the
// aborted one's is dropped (ABORT marker) and its input processed again
// from where its poll began: every input read once in the end.
void expect_offsets_follow_their_transactions(const History& h) {
  std::vector<std::int64_t> committed, discarded;
  for (const Step& s : steps_of(h, StepKind::OffsetsCommitted)) committed.push_back(s.offset);
  for (const Step& s : steps_of(h, StepKind::OffsetsDiscarded)) discarded.push_back(s.offset);
  EXPECT_EQ(committed, (std::vector<std::int64_t>{2, 4, 6}));
  EXPECT_EQ(discarded, (std::vector<std::int64_t>{6}));  // transaction 2 (input 4, 5) aborted
  std::vector<std::int64_t> read;
  for (const Step& s : steps_of(h, StepKind::ConsumerRead)) read.push_back(s.record);
  EXPECT_EQ(read, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
}

// Each transaction sends AddOffsetsToTxn then TxnOffsetCommit before EndTxn.
TEST(ConsumeProcessProduce, OffsetsCommitWithTheTransactionAndAreDroppedWithItsAbort) {
  const ScenarioRun run = simulate_ok(six_inputs_every_third_transaction_aborted(KafkaVersion::V3_9));
  SCOPED_TRACE(run.timeline());
  expect_offsets_follow_their_transactions(run.history());
  const auto requests = steps_of(run.history(), StepKind::TxnRequestSent);
  const auto at = [&](const std::string& api) {
    return std::find_if(requests.begin(), requests.end(), [&](const Step& s) { return s.detail.starts_with(api); });
  };
  ASSERT_NE(at("AddOffsetsToTxn"), requests.end());
  EXPECT_LT(at("AddOffsetsToTxn") - requests.begin(), at("TxnOffsetCommit") - requests.begin());
  EXPECT_LT(at("TxnOffsetCommit") - requests.begin(), at("EndTxn") - requests.begin());
  EXPECT_EQ(run.history().config.at("group.id"), "g-1");
}

// The same under Transactions V2 (Kafka 4.0): sendOffsetsToTransaction sends
// no AddOffsetsToTxn (4.0's TransactionManager: "the client will skip sending
// AddOffsetsToTxn before sending txnOffsetCommit"); the group coordinator's
// verification adds __consumer_offsets to the transaction, and the offsets
// commit and are dropped as under V1.
TEST(ConsumeProcessProduce, UnderTransactionsV2TheGroupCoordinatorAddsTheOffsetsPartition) {
  const ScenarioRun run = simulate_ok(six_inputs_every_third_transaction_aborted(KafkaVersion::V4_0));
  SCOPED_TRACE(run.timeline());
  expect_offsets_follow_their_transactions(run.history());
  for (const Step& s : steps_of(run.history(), StepKind::TxnRequestSent)) {
    EXPECT_FALSE(s.detail.starts_with("AddOffsetsToTxn")) << s.detail;
    EXPECT_FALSE(s.detail.starts_with("AddPartitionsToTxn")) << s.detail;
  }
  // Four pending offsets, one per transaction (the aborted one's input is
  // processed again in a fourth); a TxnOffsetCommit that meets
  // the previous transaction still completing is refused (retriable) and sent again.
  const auto pending = steps_of(run.history(), StepKind::OffsetsPending);
  EXPECT_EQ(std::count_if(pending.begin(), pending.end(), [](const Step& s) { return !s.error; }), 4);
}

// Without a group.id the transactional application consumes nothing: no
// offsets step, no group keys in the history (its history is what it was).
TEST(ConsumeProcessProduce, WithoutAGroupIdNothingIsConsumed) {
  RunSpec spec;
  spec.producer = {{"transactional.id", "tx-1"}, {"linger.ms", "0"}};
  spec.consumer = {{"isolation.level", "read_committed"}, {"enable.auto.commit", "false"}};
  spec.workload.records = 2;
  const ScenarioRun run = simulate_ok(spec);
  EXPECT_TRUE(steps_of(run.history(), StepKind::OffsetsPending).empty());
  EXPECT_TRUE(steps_of(run.history(), StepKind::OffsetsCommitted).empty());
  EXPECT_FALSE(run.history().config.contains("group.id"));
}

// has_ongoing_transaction (the per-batch question partition verification
// asks) agrees with the whole log's index for every producer, on every
// sequence of data, transactional and marker batches of two producers.
TEST(TransactionLog, OngoingTransactionFromTheEndAgreesWithTheWholeIndex) {
  // Every log of up to 5 batches, each of producer 1000 or 1001 and of one of
  // four kinds: data, transactional data, COMMIT marker, ABORT marker (3 bits).
  for (int length = 0; length <= 5; ++length) {
    for (int code = 0; code < (1 << (3 * length)); ++code) {
      PartitionLog log;
      for (int i = 0; i < length; ++i) {
        const int digit = (code >> (3 * i)) & 7;
        LogBatch b;
        b.base_offset = log.log_end_offset();
        b.producer_id = 1000 + (digit & 1);
        const int kind = digit >> 1;
        b.transactional = kind >= 1;
        b.control = kind == 2 ? ControlType::Commit : kind == 3 ? ControlType::Abort : ControlType::None;
        b.records.resize(1);
        log.batches.push_back(b);
      }
      const TransactionIndex index = index_transactions(log);
      for (std::int64_t producer : {1000, 1001, 1002})
        ASSERT_EQ(has_ongoing_transaction(log, producer), index.ongoing.contains(producer))
            << "length " << length << " code " << code << " producer " << producer;
    }
  }
}

}  // namespace
}  // namespace kafka_model
