// conformance: the transactional cases of Kafka 3.9's
//   clients/src/test/java/org/apache/kafka/clients/producer/internals/TransactionManagerTest.java
// (apache/kafka branch 3.9 = tag 3.9.0-rc3), ported. Each GoogleTest is named
// after the Kafka test it ports.
//
// Two levels, as Kafka's test has two: the application's calls on the
// TransactionManager (beginTransaction, maybeAddPartition, beginCommit,
// beginAbort, ...) go through model/producer_transactions.hpp, the calls the
// world's application makes; the Sender thread's handlers (the responses the
// mock client gives) run in a world: ModelParameters::coordinator_answers
// answers the n-th coordinator request of a producer instance with an error,
// as prepareAddPartitionsToTxn / prepareInitPidResponse / prepareEndTxnResponse
// do, and the assertions read the history. At the call level, Kafka's
// doInitTransactions (the mock answers InitProducerId) is
// `init_transactions()` followed by what InitProducerIdHandler does on
// success: READY on the Sender thread, with the producer id and epoch.
//
// Not ported, and why:
// - sendOffsetsToTransaction, AddOffsetsToTxn, TxnOffsetCommit, group
//   coordinator and consumer-group metadata cases (testBasicTransaction's
//   offsets half, testSendOffsets*, test*InTxnOffsetCommit*, test*AddOffsets*,
//   testHandlingOf*OnTxnOffsetCommit, testBumpTransactionalEpochOnRecoverableAddOffsetsRequestError,
//   testTransactionAbortableExceptionInAddOffsetsToTxn/InTxnOffsetCommit):
//   the model has no consumer groups (another helper adds consume-process-produce).
// - FindCoordinator cases (testLookupCoordinatorOn*, testUnsupportedFindCoordinator,
//   test*AuthorizationFailureInFindCoordinator, testDisconnectAndRetry,
//   testFindCoordinatorAllowedInAbortableErrorState, testTransactionAbortableExceptionInFindCoordinator,
//   testCanBumpEpochDuringCoordinatorDisconnect): FindCoordinator is not a
//   request of its own in the model (World::coordinator_broker).
// - authorization and version errors (test*AuthorizationFailure*,
//   testUnsupported*, TRANSACTION_ABORTABLE: testTransactionAbortableExceptionIn*):
//   the model has no ACLs, no old brokers, and Errors lacks those codes.
// - the TransactionalRequestResult timeout/retry of an application call
//   (testRetry*TransactionAfterTimeout, testRetryInitTransactionsAfterTimeout,
//   testRetry{Abort,Commit}Transaction*): the model's application waits for
//   every call to return (max.block.ms is the liveness bound, not a retry).
// - sequence-number bookkeeping of the idempotent half (testDefaultSequenceNumber,
//   testSequenceNumberOverflow, testBumpEpochAndResetSequenceNumbersAfterUnknownProducerId,
//   testBatchFailureAfterProducerReset, testDuplicateSequenceAfterProducerReset, ...):
//   client_idempotence_test.cpp ports the ones the model covers.
// - accumulator internals (testNoDrainWhenPartitionsPending's drain() call,
//   testRaiseErrorWhenNoPartitionsPendingOnDrain, testMultipleAddPartitionsPerForOneProduce,
//   testFlushPendingPartitionsOnCommit): the world asserts the outcome instead
//   (AddPartitionsToTxn answered before the first produce request:
//   testBasicTransaction below).
// - batch-expiry cases of transactions (testTransitionToAbortableErrorOnBatchExpiry,
//   testDropCommitOnBatchExpiry, testBumpTransactionalEpochOnTimeout, ...): not
//   ported for lack of time; the world has the behaviour (txn_batch_failed).
// - INVALID_PRODUCER_ID_MAPPING: the model's Errors has no such code;
//   testBumpTransactionalEpochOnRecoverableAddPartitionRequestError is ported
//   with UNKNOWN_PRODUCER_ID, which takes the same branch of
//   AddPartitionsToTxnHandler (abortableErrorIfPossible).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/producer_transactions.hpp"
#include "model/run_spec.hpp"
#include "model/simulation.hpp"
#include "tests/model/scenario_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;
using State = TransactionManager::State;

// ---- the application's calls ---------------------------------------------------

// TransactionManagerTest's fixture: transactionalId "foobar", producerId
// 13131, epoch 1 (doInitTransactions(producerId, epoch)).
struct Producer {
  explicit Producer(std::string transactional_id = "foobar") : manager(std::move(transactional_id)) {}
  TransactionManager manager;
  TransactionalClient client;
  std::int64_t producer_id = -1;
  std::int32_t producer_epoch = -1;

  ProducerTransactions calls() { return ProducerTransactions(manager, client, producer_id, producer_epoch); }
  // doInitTransactions: initTransactions, and the InitProducerId answer
  // (InitProducerIdHandler: setProducerIdAndEpoch, transitionTo(READY)).
  void do_init_transactions(std::int64_t pid = 13131, std::int32_t epoch = 1) {
    ASSERT_EQ(calls().init_transactions(), std::nullopt);
    producer_id = pid;
    producer_epoch = epoch;
    client.init_needed = false;
    ASSERT_EQ(manager.transition_to(State::READY, TransactionManager::Origin::Sender), std::nullopt);
  }
  // The AddPartitionsToTxn answer NONE for the partitions sent (AddPartitionsToTxnHandler).
  void partitions_added() {
    client.partitions_in_transaction.insert(client.new_partitions.begin(), client.new_partitions.end());
    client.new_partitions.clear();
  }
  // The EndTxn answer NONE: completeTransaction.
  void end_txn_answered() {
    client.partitions_in_transaction.clear();
    ASSERT_EQ(manager.transition_to(State::READY, TransactionManager::Origin::Sender), std::nullopt);
  }
};

// How far a Kafka test takes the manager before its assertion, each step
// after the one before: doInitTransactions, beginTransaction,
// maybeAddPartition(tp0), and its AddPartitionsToTxn answered NONE
// (prepareAddPartitionsToTxnResponse; runUntil !hasPartitionsToAdd).
// PartitionInFlight: the AddPartitionsToTxn for it sent and left unanswered
// (runUntil(transactionManager::hasInFlightRequest)), as the Sender moves
// newPartitionsInTransaction to pendingPartitionsInTransaction
// (transactional_client.cpp); PartitionAdded answers it.
enum class Reached { Nothing, Initialized, Begun, PartitionPending, PartitionInFlight, PartitionAdded };
// Then transitionToAbortableError / transitionToFatalError(new KafkaException()).
enum class ThenError { None, Abortable, Fatal };

void run_up_to(Producer& p, Reached reached, ThenError error = ThenError::None) {
  if (reached >= Reached::Initialized) ASSERT_NO_FATAL_FAILURE(p.do_init_transactions());
  if (reached >= Reached::Begun) ASSERT_EQ(p.calls().begin_transaction(), std::nullopt);
  if (reached >= Reached::PartitionPending) ASSERT_EQ(p.calls().send(0), std::nullopt);
  if (reached == Reached::PartitionInFlight) {
    p.client.pending_partitions = p.client.new_partitions;
    p.client.new_partitions.clear();
    p.client.request_in_flight = true;
    p.client.in_flight_api = TxnApi::AddPartitionsToTxn;
  }
  if (reached >= Reached::PartitionAdded) p.partitions_added();
  if (error == ThenError::Abortable) p.calls().transition_to_abortable_error(Errors::NONE);
  if (error == ThenError::Fatal) p.calls().transition_to_fatal_error(Errors::INVALID_TXN_STATE);
}

// maybeAddPartition(tp0) (KafkaProducer.doSend) once the manager is there.
ProducerCallResult send_after(Producer& p, Reached reached, ThenError error = ThenError::None) {
  run_up_to(p, reached, error);
  return p.calls().send(0);
}

std::string type_of(const ProducerCallResult& r) { return r ? r->type : "(returned)"; }

// A Kafka test's assertThrows(KafkaException.class, ...): the exception's
// class is KafkaException or one of its subclasses the model raises.
bool is_kafka_exception(const ProducerCallResult& r) {
  return r && (r->type == "KafkaException" || r->type == "ProducerFencedException" ||
               r->type == "InvalidTxnStateException");
}

TEST(KafkaTransactionManagerTest, testFailIfNotReadyForSendNoProducerId) {
  Producer p;
  const ProducerCallResult r = p.calls().send(0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->what(),
            "IllegalStateException: Cannot add partition topic-0 to transaction before completing a call to "
            "initTransactions");
}

TEST(KafkaTransactionManagerTest, testNotReadyForSendBeforeInitTransactions) {
  Producer p;
  EXPECT_EQ(type_of(send_after(p, Reached::Nothing)), "IllegalStateException");
}

TEST(KafkaTransactionManagerTest, testFailIfNotReadyForSendIdempotentProducer) {
  Producer p("");  // initializeTransactionManager(Optional.empty())
  p.producer_id = 13131;
  p.producer_epoch = 0;
  EXPECT_EQ(p.calls().send(0), std::nullopt);
  EXPECT_TRUE(p.client.new_partitions.empty());  // nothing to add without a transaction
}

TEST(KafkaTransactionManagerTest, testFailIfNotReadyForSendIdempotentProducerFatalError) {
  Producer p("");
  EXPECT_TRUE(is_kafka_exception(send_after(p, Reached::Nothing, ThenError::Fatal)));
}

// send() outside a transaction: KafkaProducer.doSend -> maybeAddPartition
// throws IllegalStateException (not an ApiException: thrown out of send(),
// not given to the callback). Kafka's text has two spaces before the state.
TEST(KafkaTransactionManagerTest, testFailIfNotReadyForSendNoOngoingTransaction) {
  Producer p;
  const ProducerCallResult r = send_after(p, Reached::Initialized);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->what(), "IllegalStateException: Cannot add partition topic-0 to transaction while in state  READY");
  EXPECT_EQ(p.manager.state(), State::READY);
  EXPECT_TRUE(p.client.new_partitions.empty());
}

TEST(KafkaTransactionManagerTest, testNotReadyForSendBeforeBeginTransaction) {
  Producer p;
  EXPECT_EQ(type_of(send_after(p, Reached::Initialized)), "IllegalStateException");
}

TEST(KafkaTransactionManagerTest, testFailIfNotReadyForSendAfterAbortableError) {
  Producer p;
  const ProducerCallResult r = send_after(p, Reached::Begun, ThenError::Abortable);
  ASSERT_TRUE(is_kafka_exception(r)) << type_of(r);
  EXPECT_EQ(r->what(), "KafkaException: Cannot execute transactional method because we are in an error state");
}

// In Kafka's TransactionManagerTest this body is also
// testFailIfNotReadyForSendAfterAbortableError's (as
// testNotReadyForSendAfterFatalError's is testFailIfNotReadyForSendAfterFatalError's):
// both names are ported, as Kafka has both.
TEST(KafkaTransactionManagerTest, testNotReadyForSendAfterAbortableError) {
  Producer p;
  EXPECT_TRUE(is_kafka_exception(send_after(p, Reached::Begun, ThenError::Abortable)));
}

TEST(KafkaTransactionManagerTest, testFailIfNotReadyForSendAfterFatalError) {
  Producer p;
  EXPECT_TRUE(is_kafka_exception(send_after(p, Reached::Initialized, ThenError::Fatal)));
}

TEST(KafkaTransactionManagerTest, testNotReadyForSendAfterFatalError) {
  Producer p;
  EXPECT_TRUE(is_kafka_exception(send_after(p, Reached::Initialized, ThenError::Fatal)));
}

// commitTransaction / abortTransaction on a transaction with a partition
// added: hasOngoingTransaction stays true through COMMITTING/ABORTING until
// the EndTxn answer (completeTransaction) makes the manager READY.
void expect_ongoing_until_end_txn_answered(Producer& p, bool commit) {
  EXPECT_TRUE(p.calls().has_ongoing_transaction());
  ASSERT_EQ(commit ? p.calls().commit_transaction() : p.calls().abort_transaction(), std::nullopt);
  EXPECT_TRUE(p.calls().has_ongoing_transaction());
  p.end_txn_answered();
  EXPECT_FALSE(p.calls().has_ongoing_transaction());
}

TEST(KafkaTransactionManagerTest, testHasOngoingTransactionSuccessfulAbort) {
  Producer p;
  EXPECT_FALSE(p.calls().has_ongoing_transaction());
  run_up_to(p, Reached::Initialized);
  EXPECT_FALSE(p.calls().has_ongoing_transaction());
  ASSERT_EQ(p.calls().begin_transaction(), std::nullopt);
  EXPECT_TRUE(p.calls().has_ongoing_transaction());
  ASSERT_EQ(p.calls().send(0), std::nullopt);
  p.partitions_added();
  expect_ongoing_until_end_txn_answered(p, /*commit=*/false);
}

TEST(KafkaTransactionManagerTest, testHasOngoingTransactionSuccessfulCommit) {
  Producer p;
  run_up_to(p, Reached::PartitionPending);
  EXPECT_TRUE(p.calls().has_ongoing_transaction());
  p.partitions_added();
  expect_ongoing_until_end_txn_answered(p, /*commit=*/true);
}

// beginAbort is allowed in ABORTABLE_ERROR.
TEST(KafkaTransactionManagerTest, testHasOngoingTransactionAbortableError) {
  Producer p;
  run_up_to(p, Reached::PartitionAdded, ThenError::Abortable);
  expect_ongoing_until_end_txn_answered(p, /*commit=*/false);
}

TEST(KafkaTransactionManagerTest, testHasOngoingTransactionFatalError) {
  Producer p;
  run_up_to(p, Reached::PartitionAdded, ThenError::Fatal);
  EXPECT_FALSE(p.calls().has_ongoing_transaction());
}

TEST(KafkaTransactionManagerTest, testMaybeAddPartitionToTransaction) {
  Producer p;
  run_up_to(p, Reached::PartitionPending);
  EXPECT_TRUE(p.client.new_partitions.contains(0));  // hasPartitionsToAdd
  EXPECT_FALSE(p.client.partitions_in_transaction.contains(0));
  p.partitions_added();
  EXPECT_TRUE(p.client.new_partitions.empty());
  // adding the partition again should not have any effect
  ASSERT_EQ(p.calls().send(0), std::nullopt);
  EXPECT_TRUE(p.client.new_partitions.empty());
  EXPECT_TRUE(p.client.partitions_in_transaction.contains(0));
}

// isSendToPartitionAllowed(tp0) once the manager is there, and the state
// the error left (Kafka's hasAbortableError / hasFatalError).
void expect_send_to_partition_allowed(Reached reached, ThenError error, bool allowed, State state) {
  Producer p;
  ASSERT_NO_FATAL_FAILURE(run_up_to(p, reached, error));
  EXPECT_EQ(p.calls().is_send_to_partition_allowed(0), allowed);
  EXPECT_EQ(p.manager.state(), state);
}

TEST(KafkaTransactionManagerTest, testIsSendToPartitionAllowedWithPartitionNotAdded) {
  expect_send_to_partition_allowed(Reached::Begun, ThenError::None, false, State::IN_TRANSACTION);
}

TEST(KafkaTransactionManagerTest, testIsSendToPartitionAllowedWithPendingPartitionAfterAbortableError) {
  expect_send_to_partition_allowed(Reached::PartitionPending, ThenError::Abortable, false, State::ABORTABLE_ERROR);
}

// Batches in retry may still be sent.
TEST(KafkaTransactionManagerTest, testIsSendToPartitionAllowedWithInFlightPartitionAddAfterAbortableError) {
  expect_send_to_partition_allowed(Reached::PartitionInFlight, ThenError::Abortable, false, State::ABORTABLE_ERROR);
}

TEST(KafkaTransactionManagerTest, testIsSendToPartitionAllowedWithPendingPartitionAfterFatalError) {
  expect_send_to_partition_allowed(Reached::PartitionPending, ThenError::Fatal, false, State::FATAL_ERROR);
}

TEST(KafkaTransactionManagerTest, testIsSendToPartitionAllowedWithInFlightPartitionAddAfterFatalError) {
  expect_send_to_partition_allowed(Reached::PartitionInFlight, ThenError::Fatal, false, State::FATAL_ERROR);
}

TEST(KafkaTransactionManagerTest, testIsSendToPartitionAllowedWithAddedPartitionAfterAbortableError) {
  expect_send_to_partition_allowed(Reached::PartitionAdded, ThenError::Abortable, true, State::ABORTABLE_ERROR);
}

TEST(KafkaTransactionManagerTest, testIsSendToPartitionAllowedWithAddedPartitionAfterFatalError) {
  expect_send_to_partition_allowed(Reached::PartitionAdded, ThenError::Fatal, false, State::FATAL_ERROR);
}

TEST(KafkaTransactionManagerTest, testInitializeTransactionsTwiceRaisesError) {
  Producer p;
  p.do_init_transactions(13131, 1);
  EXPECT_GE(p.producer_id, 0);  // hasProducerId
  const ProducerCallResult r = p.calls().init_transactions();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->what(),
            "IllegalStateException: TransactionalId foobar: Invalid transition attempted from state READY to state "
            "INITIALIZING");
  EXPECT_EQ(p.manager.state(), State::READY);
}

// KAFKA-14831: an invalid transition on the Sender thread (handleFailedBatch
// in READY asks for ABORTABLE_ERROR) poisons the manager; every later call
// throws IllegalStateException.
TEST(KafkaTransactionManagerTest, testBackgroundInvalidStateTransitionIsFatal) {
  Producer p;
  run_up_to(p, Reached::Initialized, ThenError::Abortable);
  EXPECT_EQ(p.manager.state(), State::FATAL_ERROR);  // hasFatalError
  const std::string poisoned =
      "IllegalStateException: Producer with transactionalId 'foobar' and (producerId=13131, epoch=1) cannot "
      "execute transactional method because of previous invalid state transition attempt";
  for (const ProducerCallResult& r : {p.calls().begin_transaction(), p.calls().abort_transaction(),
                                      p.calls().commit_transaction(), p.calls().send(0),
                                      p.calls().init_transactions()}) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->what(), poisoned);
  }
}

// An invalid transition the application asks for throws and leaves the
// state: the producer goes on.
TEST(KafkaTransactionManagerTest, testForegroundInvalidStateTransitionIsRecoverable) {
  Producer p;
  const ProducerCallResult r = p.calls().abort_transaction();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->what(),
            "IllegalStateException: TransactionalId foobar: Invalid transition attempted from state UNINITIALIZED to "
            "state ABORTING_TRANSACTION");
  EXPECT_EQ(p.manager.state(), State::UNINITIALIZED);  // not FATAL_ERROR
  run_up_to(p, Reached::Begun);
  ASSERT_EQ(p.calls().send(1), std::nullopt);
  p.partitions_added();
  expect_ongoing_until_end_txn_answered(p, /*commit=*/true);
}

// Not a Kafka test: the message the seeds print, through the producer's
// public call. abortTransaction() with no transaction open (READY) ->
// beginAbort -> transitionTo(ABORTING_TRANSACTION) on the application thread.
// The CLI says the same for `kafka-model transition READY
// ABORTING_TRANSACTION --transactional-id prod-0` (tests/cli/cli_test.cpp).
TEST(ProducerTransactionsApi, AbortTransactionWithNoTransactionOpenThrowsTheSeedsMessage) {
  Producer p("prod-0");
  p.do_init_transactions(1000, 0);
  const ProducerCallResult r = p.calls().abort_transaction();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->what(),
            "IllegalStateException: TransactionalId prod-0: Invalid transition attempted from state READY to state "
            "ABORTING_TRANSACTION");
  EXPECT_EQ(p.manager.state(), State::READY);
  // commitTransaction() in READY likewise.
  EXPECT_EQ(p.calls().commit_transaction()->message,
            "TransactionalId prod-0: Invalid transition attempted from state READY to state COMMITTING_TRANSACTION");
  EXPECT_EQ(p.calls().begin_transaction(), std::nullopt);  // still usable
}

// TransactionManager.ensureTransactional, before any transition (the CLI's
// refusal without --transactional-id says the same).
TEST(ProducerTransactionsApi, TransactionalCallsOnAnIdempotentProducerThrow) {
  Producer p("");
  for (const ProducerCallResult& r :
       {p.calls().begin_transaction(), p.calls().commit_transaction(), p.calls().abort_transaction()}) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->what(), "IllegalStateException: Transactional method invoked on a non-transactional producer.");
  }
  EXPECT_EQ(p.manager.state(), State::UNINITIALIZED);
}

// maybeFailWithError after PRODUCER_FENCED: ProducerFencedException, not wrapped.
TEST(KafkaTransactionManagerTest, testProducerFencedExceptionInInitProducerId) {
  Producer p;
  ASSERT_EQ(p.calls().init_transactions(), std::nullopt);
  p.calls().transition_to_fatal_error(Errors::PRODUCER_FENCED);  // InitProducerIdHandler: fatalError(PRODUCER_FENCED)
  const std::string fenced =
      "ProducerFencedException: Producer with transactionalId 'foobar' and (producerId=-1, epoch=-1) has been "
      "fenced by another producer with the same transactionalId";
  for (const ProducerCallResult& r :
       {p.calls().begin_transaction(), p.calls().commit_transaction(), p.calls().abort_transaction()}) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->what(), fenced);
  }
}

// ---- the Sender's handlers, in a world --------------------------------------------

// One broker (it hosts the coordinator), one partition, transactions of one
// record committed (abort_every 0), retry.backoff.ms 100 so the 20 ms
// override is visible. Coordinator requests of instance 1: InitProducerId
// is #1, the first AddPartitionsToTxn #2, the first EndTxn #3.
RunSpec txn_spec(int records, int partitions = 1, int keys = 1) {
  RunSpec spec;
  spec.producer = {{"transactional.id", "foobar"}, {"linger.ms", "0"},          {"batch.size", "100"},
                   {"retry.backoff.ms", "100"},   {"request.timeout.ms", "1500"}, {"delivery.timeout.ms", "3000"}};
  spec.broker = {{"model.brokers", "1"},
                 {"default.replication.factor", "1"},
                 {"min.insync.replicas", "1"},
                 {"num.partitions", std::to_string(partitions)}};
  spec.consumer = {{"isolation.level", "read_committed"}};
  spec.workload.records = records;
  spec.workload.keys = keys;
  spec.workload.send_interval_ms = 50;
  spec.workload.record_size_bytes = 100;
  spec.workload.records_per_transaction = records;
  spec.workload.abort_every = 0;
  spec.workload.max_resends_per_record = 1;
  return spec;
}

ModelParameters answering(std::vector<ModelParameters::CoordinatorAnswer> answers) {
  ModelParameters parameters;
  parameters.coordinator_answers = std::move(answers);
  return parameters;
}

ScenarioRun simulate_with(const RunSpec& spec, const ModelParameters& parameters) {
  ScenarioRun run{simulate(spec, parameters)};
  EXPECT_FALSE(run.result.config_error.has_value())
      << (run.result.config_error ? run.result.config_error->message : "");
  EXPECT_FALSE(run.result.cut_short);
  return run;
}

std::vector<Step> txn_steps(const History& h, StepKind kind, const std::string& detail, std::int32_t instance = -1) {
  std::vector<Step> out;
  for (const Step& s : h.steps)
    if (s.kind == kind && s.detail.find(detail) != std::string::npos && (instance < 0 || s.instance == instance))
      out.push_back(s);
  return out;
}

std::size_t index_of(const History& h, const Step& step) {
  for (std::size_t i = 0; i < h.steps.size(); ++i)
    if (h.steps[i].kind == step.kind && h.steps[i].time_ms == step.time_ms && h.steps[i].detail == step.detail &&
        h.steps[i].instance == step.instance)
      return i;
  return h.steps.size();
}

// testBasicTransaction (the produce half; the offsets half is not modelled):
// AddPartitionsToTxn is answered before the partition's first batch is sent
// (isSendToPartitionAllowed), the commit's EndTxn goes once the batch is
// acknowledged, and the record is committed.
TEST(KafkaTransactionManagerTest, testBasicTransaction) {
  const ScenarioRun run = simulate_ok(txn_spec(1));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto added = txn_steps(h, StepKind::TxnResponseReceived, "AddPartitionsToTxn");
  const auto produced = steps_of(h, StepKind::ProduceRequestSent);
  const auto acked = steps_of(h, StepKind::ProduceResponseReceived);
  const auto end_txn = txn_steps(h, StepKind::TxnRequestSent, "EndTxn(commit)");
  ASSERT_EQ(added.size(), 1u);
  ASSERT_EQ(produced.size(), 1u);
  ASSERT_EQ(end_txn.size(), 1u);
  EXPECT_EQ(added[0].error, std::nullopt);
  EXPECT_LT(index_of(h, added[0]), index_of(h, produced[0]));
  ASSERT_FALSE(acked.empty());
  EXPECT_LE(acked[0].time_ms, end_txn[0].time_ms);
  EXPECT_EQ(txn_steps(h, StepKind::TransactionEnded, "committed").size(), 1u);
  EXPECT_EQ(logged_records(h), (std::vector<std::int64_t>{0}));
}

// testEndTxnNotSentIfIncompleteBatches: the batch's answer is held back
// 500 ms; commitTransaction was called meanwhile, and EndTxn waits for it.
TEST(KafkaTransactionManagerTest, testEndTxnNotSentIfIncompleteBatches) {
  RunSpec spec = txn_spec(1);
  spec.schedule.faults = {Fault{.kind = FaultKind::DelayResponse, .request = 1, .duration_ms = 500}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto commit_called = txn_steps(h, StepKind::TransactionEnding, "commitTransaction");
  const auto acked = steps_of(h, StepKind::ProduceResponseReceived);
  const auto end_txn = txn_steps(h, StepKind::TxnRequestSent, "EndTxn(commit)");
  ASSERT_EQ(commit_called.size(), 1u);
  ASSERT_FALSE(acked.empty());
  ASSERT_EQ(end_txn.size(), 1u);
  EXPECT_LT(commit_called[0].time_ms, acked[0].time_ms);  // commit called with the batch incomplete
  EXPECT_GE(end_txn[0].time_ms, acked[0].time_ms);        // EndTxn only after it completed
}

// The first AddPartitionsToTxn of the transaction refused CONCURRENT_TRANSACTIONS
// (the previous transaction still completing): retried after 20 ms
// (ADD_PARTITIONS_RETRY_BACKOFF_MS), not retry.backoff.ms.
// The transaction's only AddPartitionsToTxn answered `error`: retried after
// backoff_ms, and the transaction then commits.
void expect_add_partitions_retried_after(Errors error, std::int64_t backoff_ms) {
  const ScenarioRun run = simulate_with(txn_spec(1), answering({{1, 2, error}}));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto answers = txn_steps(h, StepKind::TxnResponseReceived, "AddPartitionsToTxn");
  const auto sent = txn_steps(h, StepKind::TxnRequestSent, "AddPartitionsToTxn");
  ASSERT_EQ(answers.size(), 2u);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(answers[0].error, error);
  EXPECT_EQ(sent[1].time_ms - answers[0].time_ms, backoff_ms);
  EXPECT_EQ(txn_steps(h, StepKind::TransactionEnded, "committed").size(), 1u);
}

TEST(KafkaTransactionManagerTest, testAddPartitionToTransactionOverridesRetryBackoffForConcurrentTransactions) {
  expect_add_partitions_retried_after(Errors::CONCURRENT_TRANSACTIONS, 20);
}

// DEFAULT_RETRY_BACKOFF_MS: retry.backoff.ms.
TEST(KafkaTransactionManagerTest, testAddPartitionToTransactionRetainsRetryBackoffForRegularRetriableError) {
  expect_add_partitions_retried_after(Errors::COORDINATOR_NOT_AVAILABLE, 100);
}

// Two partitions, keys k0..k3: k0..k2 go to p1, k3 to p0 (murmur2). The
// first AddPartitionsToTxn adds p1; the second (for p0, 150 ms later) is
// refused CONCURRENT_TRANSACTIONS with a partition already in the
// transaction: retry.backoff.ms, no override.
TEST(KafkaTransactionManagerTest, testAddPartitionToTransactionRetainsRetryBackoffWhenPartitionsAlreadyAdded) {
  const ScenarioRun run = simulate_with(txn_spec(4, 2, 4), answering({{1, 3, Errors::CONCURRENT_TRANSACTIONS}}));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto answers = txn_steps(h, StepKind::TxnResponseReceived, "AddPartitionsToTxn");
  const auto sent = txn_steps(h, StepKind::TxnRequestSent, "AddPartitionsToTxn");
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(answers[0].error, std::nullopt);
  EXPECT_EQ(answers[1].error, Errors::CONCURRENT_TRANSACTIONS);
  EXPECT_NE(sent[0].detail.find("[p1]"), std::string::npos);
  EXPECT_NE(sent[1].detail.find("[p0]"), std::string::npos);
  EXPECT_EQ(sent[2].detail, sent[1].detail);  // the same partition retried
  EXPECT_EQ(sent[2].time_ms - answers[1].time_ms, 100);
}

// The fatal answers of AddPartitionsToTxnHandler: the transaction ends in a
// fatal error (the model's application then closes the producer and
// creates a new one, whose records commit).
void expect_fatal_in_add_partitions(Errors answer, const std::string& exception) {
  const ScenarioRun run = simulate_with(txn_spec(1), answering({{1, 2, answer}}));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto fatal = txn_steps(h, StepKind::TransactionEnded, "fatal (" + exception + ")");
  ASSERT_EQ(fatal.size(), 1u);
  EXPECT_EQ(fatal[0].error, answer);
  EXPECT_EQ(fatal[0].instance, 1);
  EXPECT_TRUE(txn_steps(h, StepKind::TxnRequestSent, "EndTxn", 1).empty());
  // No batch of the fatal producer was sent (its partition was never added).
  for (const Step& s : steps_of(h, StepKind::ProduceRequestSent)) EXPECT_NE(s.instance, 1);
  EXPECT_EQ(logged_records(h), (std::vector<std::int64_t>{0}));
}

TEST(KafkaTransactionManagerTest, testInvalidTxnStateInAddPartitions) {
  expect_fatal_in_add_partitions(Errors::INVALID_TXN_STATE, "InvalidTxnStateException");
}

TEST(KafkaTransactionManagerTest, testProducerFencedInAddPartitionToTxn) {
  expect_fatal_in_add_partitions(Errors::PRODUCER_FENCED, "ProducerFencedException");
}

TEST(KafkaTransactionManagerTest, testInvalidProducerEpochConvertToProducerFencedInAddPartitionToTxn) {
  expect_fatal_in_add_partitions(Errors::INVALID_PRODUCER_EPOCH, "ProducerFencedException");
}

TEST(KafkaTransactionManagerTest, testInvalidProducerEpochConvertToProducerFencedInInitProducerId) {
  const ScenarioRun run = simulate_with(txn_spec(1), answering({{1, 1, Errors::INVALID_PRODUCER_EPOCH}}));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto fatal = txn_steps(h, StepKind::TransactionEnded, "fatal (ProducerFencedException)");
  ASSERT_EQ(fatal.size(), 1u);
  EXPECT_EQ(fatal[0].instance, 1);
  EXPECT_TRUE(txn_steps(h, StepKind::TransactionBegun, "", 1).empty());  // beginTransaction never ran
}

TEST(KafkaTransactionManagerTest, testInvalidProducerEpochConvertToProducerFencedInEndTxn) {
  const ScenarioRun run = simulate_with(txn_spec(1), answering({{1, 3, Errors::INVALID_PRODUCER_EPOCH}}));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto end_txn = txn_steps(h, StepKind::TxnResponseReceived, "EndTxn", 1);
  ASSERT_EQ(end_txn.size(), 1u);
  EXPECT_EQ(end_txn[0].error, Errors::INVALID_PRODUCER_EPOCH);
  EXPECT_EQ(txn_steps(h, StepKind::TransactionEnded, "fatal (ProducerFencedException)").size(), 1u);
  EXPECT_TRUE(txn_steps(h, StepKind::TransactionEnded, "committed", 1).empty());
}

// AddPartitionsToTxn answered UNKNOWN_PRODUCER_ID (Kafka's test:
// INVALID_PRODUCER_ID_MAPPING, the same branch): abortableErrorIfPossible,
// the epoch bump is required. The application aborts; nothing was added, so
// no EndTxn goes (nextRequest: !transactionStarted) and InitProducerId bumps
// the epoch (0 -> 1) before the producer is READY again; the record is
// committed in the next transaction under the bumped epoch.
TEST(KafkaTransactionManagerTest, testBumpTransactionalEpochOnRecoverableAddPartitionRequestError) {
  const ScenarioRun run = simulate_with(txn_spec(1), answering({{1, 2, Errors::UNKNOWN_PRODUCER_ID}}));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto refused = txn_steps(h, StepKind::TxnResponseReceived, "AddPartitionsToTxn");
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused[0].error, Errors::UNKNOWN_PRODUCER_ID);
  EXPECT_TRUE(txn_steps(h, StepKind::TransactionEnded, "fatal").empty());  // abortable, not fatal
  const auto aborted = txn_steps(h, StepKind::TransactionEnded, "aborted");
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].transaction, 0);
  const auto inits = txn_steps(h, StepKind::TxnRequestSent, "InitProducerId");
  ASSERT_EQ(inits.size(), 2u);
  EXPECT_GE(inits[1].time_ms, aborted[0].time_ms);
  const auto assigned = steps_of(h, StepKind::ProducerIdAssigned);
  ASSERT_EQ(assigned.size(), 2u);
  EXPECT_EQ(assigned[0].producer_epoch, 0);
  EXPECT_EQ(assigned[1].producer_epoch, 1);  // bumpedEpoch
  EXPECT_EQ(assigned[1].producer_id, assigned[0].producer_id);
  for (const Step& s : txn_steps(h, StepKind::TxnRequestSent, "EndTxn")) EXPECT_NE(s.transaction, 0);
  const auto committed = txn_steps(h, StepKind::TransactionEnded, "committed");
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_EQ(logged_records(h), (std::vector<std::int64_t>{0}));
  for (const Step& s : final_log(h)) EXPECT_EQ(s.producer_epoch, 1);
}

// KAFKA-9279, testDisallowCommitOnProduceFailure: commitTransaction is called
// while the transaction's batch is in flight; the batch fails
// (OUT_OF_ORDER_SEQUENCE_NUMBER at sequence 0: not retriable), so the commit
// fails without EndTxn(commit) being sent, the application aborts (EndTxn
// abort), InitProducerId bumps the epoch, and the producer is ready again.
TEST(KafkaTransactionManagerTest, testDisallowCommitOnProduceFailure) {
  RunSpec spec = txn_spec(1);
  spec.schedule.faults = {Fault{.kind = FaultKind::ErrorResponse, .request = 1,
                                .error = Errors::OUT_OF_ORDER_SEQUENCE_NUMBER},
                          Fault{.kind = FaultKind::DelayResponse, .request = 1, .duration_ms = 200}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto commit_called = txn_steps(h, StepKind::TransactionEnding, "commitTransaction");
  ASSERT_FALSE(commit_called.empty());
  EXPECT_EQ(commit_called[0].transaction, 0);
  const auto failed = txn_steps(h, StepKind::TransactionEnding, "commitTransaction failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].transaction, 0);
  for (const Step& s : txn_steps(h, StepKind::TxnRequestSent, "EndTxn(commit)")) EXPECT_NE(s.transaction, 0);
  EXPECT_EQ(txn_steps(h, StepKind::TxnRequestSent, "EndTxn(abort)").size(), 1u);
  const auto assigned = steps_of(h, StepKind::ProducerIdAssigned);
  ASSERT_EQ(assigned.size(), 2u);
  EXPECT_EQ(assigned[1].producer_epoch, assigned[0].producer_epoch + 1);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER);
}

}  // namespace
}  // namespace kafka_model
