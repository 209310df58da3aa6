// conformance: Kafka 3.9's
//   core/src/test/scala/unit/kafka/coordinator/transaction/TransactionMetadataTest.scala
// (apache/kafka branch 3.9 = tag 3.9.0-rc3), ported onto the model's
// TransactionCoordinator facade (statemachines/transaction_coordinator.hpp).
// Kafka's test builds a TransactionMetadata at any epoch and state and calls
// its prepare* methods; the facade is driven only by the requests the
// coordinator handles (InitProducerId, AddPartitionsToTxn, EndTxn, markers,
// timeout), so each case first walks there by those requests: an epoch E
// is E + 1 InitProducerIds from a new metadata (producerEpoch -1 -> 0 -> ...).
// Kafka's IllegalStateException from a prepare* method is, through
// TransactionCoordinator, an error answer: the facade answers
// INVALID_PRODUCER_EPOCH and changes nothing (its stand-in for producer-id
// rotation, which is not modelled).
//
// Not ported, and why:
// - testTolerateUpdateTimeShiftDuringEpochBump, testTolerateUpdateTimeResetDuringProducerIdRotation,
//   testTolerateTimeShiftDuring{AddPartitions,PrepareCommit,PrepareAbort,CompleteCommit,CompleteAbort}:
//   the facade keeps no txnStartTimestamp / txnLastUpdateTimestamp (the
//   world keeps the start time, model/transaction_state.hpp).
// - testRotateProducerId, testRotateProducerIdIn{Ongoing,PrepareAbort,PrepareCommit}State:
//   producer-id rotation (prepareProducerIdRotation) is not modelled.
// - testAttemptedEpochBumpWithNewlyCreatedMetadata, testEpochBumpWithCurrentEpochProvided,
//   testAttemptedEpochBumpWithLastEpoch, testAttemptedEpochBumpWithFencedEpoch:
//   InitProducerId with an expected epoch (KIP-360 recovery) and
//   lastProducerEpoch are not modelled: init_producer_id() is a new instance's (None).
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "statemachines/transaction_coordinator.hpp"

namespace kafka_model {
namespace {

using State = TransactionCoordinator::State;
using Error = TransactionCoordinator::Error;

constexpr std::int64_t kProducerId = 23423;  // the test's producerId
const std::string kTransactionalId = "txnlId";
constexpr std::int16_t kShortMax = std::numeric_limits<std::int16_t>::max();

// A metadata at `epoch` in Empty: epoch + 1 InitProducerIds.
TransactionCoordinator metadata_at_epoch(std::int16_t epoch) {
  TransactionCoordinator m(kTransactionalId, kProducerId);
  for (int e = -1; e < epoch; ++e) {
    const auto r = m.init_producer_id();
    EXPECT_EQ(r.error, Error::NONE) << "at epoch " << e;
  }
  EXPECT_EQ(m.producer_epoch(), epoch);
  EXPECT_EQ(m.state(), State::Empty);
  return m;
}

TEST(KafkaTransactionMetadataTest, testInitializeEpoch) {
  TransactionCoordinator m(kTransactionalId, kProducerId);
  EXPECT_EQ(m.producer_epoch(), -1);  // RecordBatch.NO_PRODUCER_EPOCH
  const auto r = m.init_producer_id();
  EXPECT_EQ(r.error, Error::NONE);
  EXPECT_EQ(m.producer_id(), kProducerId);
  EXPECT_EQ(m.producer_epoch(), 0);
  EXPECT_EQ(r.producer_epoch, 0);
}

TEST(KafkaTransactionMetadataTest, testNormalEpochBump) {
  TransactionCoordinator m = metadata_at_epoch(735);
  const auto r = m.init_producer_id();
  EXPECT_EQ(r.error, Error::NONE);
  EXPECT_EQ(m.producer_id(), kProducerId);
  EXPECT_EQ(m.producer_epoch(), 736);
}

// isProducerEpochExhausted at Short.MaxValue - 1: prepareIncrementProducerEpoch
// throws. Refused here, the metadata unchanged.
TEST(KafkaTransactionMetadataTest, testBumpEpochNotAllowedIfEpochsExhausted) {
  TransactionCoordinator m = metadata_at_epoch(kShortMax - 1);
  const auto r = m.init_producer_id();
  EXPECT_EQ(r.error, Error::INVALID_PRODUCER_EPOCH);
  EXPECT_EQ(m.producer_epoch(), kShortMax - 1);
  EXPECT_EQ(m.state(), State::Empty);
  EXPECT_TRUE(m.last_rejection().has_value());
}

// prepareFenceProducerEpoch at Short.MaxValue - 1 in Ongoing: epoch
// Short.MaxValue (PrepareEpochFence), then the abort (PrepareAbort) keeps the producer id.
TEST(KafkaTransactionMetadataTest, testFenceProducerAfterEpochsExhausted) {
  TransactionCoordinator m = metadata_at_epoch(kShortMax - 1);
  ASSERT_EQ(m.add_partitions_to_txn(kShortMax - 1, {0}), Error::NONE);
  ASSERT_EQ(m.state(), State::Ongoing);
  const auto r = m.init_producer_id();  // handleInitProducerId, case Ongoing: fence and abort
  EXPECT_EQ(r.error, Error::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(m.producer_epoch(), kShortMax);
  EXPECT_EQ(m.state(), State::PrepareAbort);
  EXPECT_EQ(m.producer_id(), kProducerId);
}

// prepareFenceProducerEpoch at Short.MaxValue throws ("would overflow"):
// neither a new producer's InitProducerId nor the transaction timeout
// fences; the transaction stays Ongoing.
TEST(KafkaTransactionMetadataTest, testFenceProducerNotAllowedIfItWouldOverflow) {
  TransactionCoordinator m = metadata_at_epoch(kShortMax - 1);
  ASSERT_EQ(m.add_partitions_to_txn(kShortMax - 1, {0}), Error::NONE);
  m.init_producer_id();  // fenced to Short.MaxValue and aborted
  m.markers_written();
  ASSERT_EQ(m.state(), State::CompleteAbort);
  ASSERT_EQ(m.add_partitions_to_txn(kShortMax, {0}), Error::NONE);  // a transaction at Short.MaxValue
  ASSERT_EQ(m.state(), State::Ongoing);
  EXPECT_EQ(m.init_producer_id().error, Error::INVALID_PRODUCER_EPOCH);
  EXPECT_EQ(m.state(), State::Ongoing);
  EXPECT_EQ(m.producer_epoch(), kShortMax);
  m.transaction_timed_out();
  EXPECT_EQ(m.state(), State::Ongoing);
  EXPECT_EQ(m.producer_epoch(), kShortMax);
}

// TransactionState.fromId / fromName: Kafka's ids are the facade's enum
// values, Kafka's names its names.
TEST(KafkaTransactionMetadataTest, testTransactionStateIdAndNameMapping) {
  const std::map<int, std::string> kafka = {{0, "Empty"},          {1, "Ongoing"},       {2, "PrepareCommit"},
                                            {3, "PrepareAbort"},   {4, "CompleteCommit"}, {5, "CompleteAbort"},
                                            {6, "Dead"},           {7, "PrepareEpochFence"}};
  for (const auto& [id, name] : kafka) EXPECT_EQ(TransactionCoordinator::name(static_cast<State>(id)), name) << id;
}

TEST(KafkaTransactionMetadataTest, testAllTransactionStatesAreMapped) {
  EXPECT_EQ(TransactionCoordinator::kStateCount, 8);
  std::set<std::string> names;
  for (int i = 0; i < TransactionCoordinator::kStateCount; ++i)
    names.insert(TransactionCoordinator::name(static_cast<State>(i)));
  EXPECT_EQ(names, (std::set<std::string>{"Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit",
                                          "CompleteAbort", "Dead", "PrepareEpochFence"}));
  const MachineDescription d = TransactionCoordinator::describe();
  EXPECT_EQ(std::set<std::string>(d.states.begin(), d.states.end()), names);
}

// Not one Kafka test: TransactionMetadata.prepareTransitionTo's check
// (newState.validPreviousStates.contains(state), else IllegalStateException),
// through the requests. Every sequence of up to 5 requests from a new
// metadata (after its first InitProducerId) is tried; each state change the
// facade makes must be one Kafka allows, and a refused request must leave
// the state as it was. PrepareEpochFence is transient (the facade goes on to
// PrepareAbort in the same call); TransactionStateManager moves Dead only.
TEST(KafkaTransactionMetadataTest, EveryStateChangeThroughTheRequestsIsAValidPreviousState) {
  const std::map<State, std::set<State>> valid_previous = {
      {State::Empty, {State::Empty, State::CompleteCommit, State::CompleteAbort}},
      {State::Ongoing, {State::Ongoing, State::Empty, State::CompleteCommit, State::CompleteAbort}},
      {State::PrepareCommit, {State::Ongoing}},
      {State::PrepareAbort, {State::Ongoing, State::PrepareEpochFence}},
      {State::CompleteCommit, {State::PrepareCommit}},
      {State::CompleteAbort, {State::PrepareAbort}},
      {State::Dead, {State::Empty, State::CompleteAbort, State::CompleteCommit}},
      {State::PrepareEpochFence, {State::Ongoing}},
  };
  using Request = std::function<void(TransactionCoordinator&)>;
  const std::vector<std::pair<std::string, Request>> requests = {
      {"InitProducerId", [](TransactionCoordinator& m) { m.init_producer_id(); }},
      {"AddPartitionsToTxn", [](TransactionCoordinator& m) { m.add_partitions_to_txn(m.producer_epoch(), {0}); }},
      {"EndTxn(commit)", [](TransactionCoordinator& m) { m.end_txn(m.producer_epoch(), true); }},
      {"EndTxn(abort)", [](TransactionCoordinator& m) { m.end_txn(m.producer_epoch(), false); }},
      {"EndTxn(old epoch)", [](TransactionCoordinator& m) { m.end_txn(m.producer_epoch() - 1, true); }},
      {"markers", [](TransactionCoordinator& m) { m.markers_written(); }},
      {"timeout", [](TransactionCoordinator& m) { m.transaction_timed_out(); }},
      {"expired", [](TransactionCoordinator& m) { m.transactional_id_expired(); }},
  };
  std::set<State> reached;
  std::size_t refused = 0;
  std::deque<std::pair<TransactionCoordinator, int>> queue;
  TransactionCoordinator start(kTransactionalId, kProducerId);
  start.init_producer_id();
  queue.emplace_back(start, 0);
  while (!queue.empty()) {
    auto [m, depth] = queue.front();
    queue.pop_front();
    reached.insert(m.state());
    if (depth == 5) continue;
    for (const auto& [what, request] : requests) {
      TransactionCoordinator next = m;
      request(next);
      const State from = m.state();
      const State to = next.state();
      if (next.last_rejection()) {
        ++refused;
        EXPECT_EQ(to, from) << what << " refused in " << TransactionCoordinator::name(from);
      } else if (to != from) {
        EXPECT_TRUE(valid_previous.at(to).contains(from))
            << what << ": " << TransactionCoordinator::name(from) << " -> " << TransactionCoordinator::name(to);
      }
      queue.emplace_back(next, depth + 1);
    }
  }
  EXPECT_EQ(reached, (std::set<State>{State::Empty, State::Ongoing, State::PrepareCommit, State::PrepareAbort,
                                      State::CompleteCommit, State::CompleteAbort, State::Dead}));
  EXPECT_GT(refused, 0u);  // the invalid requests were tried too
}

// An invalid request is answered as TransactionCoordinator does
// (logInvalidStateTransitionAndReturnError): EndTxn in Empty and a commit of
// a transaction being aborted are INVALID_TXN_STATE, the state unchanged.
TEST(KafkaTransactionMetadataTest, InvalidTransitionsAreAnsweredInvalidTxnState) {
  TransactionCoordinator m = metadata_at_epoch(0);
  EXPECT_EQ(m.end_txn(0, true), Error::INVALID_TXN_STATE);
  EXPECT_EQ(m.state(), State::Empty);
  ASSERT_EQ(m.add_partitions_to_txn(0, {0}), Error::NONE);
  ASSERT_EQ(m.end_txn(0, false), Error::NONE);
  ASSERT_EQ(m.state(), State::PrepareAbort);
  EXPECT_EQ(m.end_txn(0, true), Error::INVALID_TXN_STATE);
  EXPECT_EQ(m.state(), State::PrepareAbort);
  m.markers_written();
  EXPECT_EQ(m.end_txn(0, true), Error::INVALID_TXN_STATE);  // CompleteAbort, commit asked
  EXPECT_EQ(m.state(), State::CompleteAbort);
}

}  // namespace
}  // namespace kafka_model
