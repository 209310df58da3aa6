// statemachines: TransactionCoordinator — valid paths, rejected requests and
// their errors, and the table against Kafka's validPreviousStates.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "statemachines/transaction_coordinator.hpp"

namespace kafka_model {
namespace {

using State = TransactionCoordinator::State;
using Error = TransactionCoordinator::Error;
using Partitions = std::vector<std::int32_t>;

// kafka.coordinator.transaction.TransactionState.validPreviousStates, 3.9
// (TransactionMetadata.scala), transcribed as data.
const std::map<std::string, std::set<std::string>>& kafka_valid_previous_states() {
  static const std::map<std::string, std::set<std::string>> table = {
      {"Empty", {"Empty", "CompleteCommit", "CompleteAbort"}},
      {"Ongoing", {"Ongoing", "Empty", "CompleteCommit", "CompleteAbort"}},
      {"PrepareCommit", {"Ongoing"}},
      // 4.0's TransactionMetadata (KAFKA-14563, apache/kafka PR 17698):
      // Transactions V2 aborts from Empty/CompleteCommit/CompleteAbort too.
      {"PrepareAbort", {"Ongoing", "PrepareEpochFence", "Empty", "CompleteCommit", "CompleteAbort"}},
      {"CompleteCommit", {"PrepareCommit"}},
      {"CompleteAbort", {"PrepareAbort"}},
      {"Dead", {"Empty", "CompleteAbort", "CompleteCommit"}},
      {"PrepareEpochFence", {"Ongoing"}},
  };
  return table;
}

// A coordinator whose producer has initialized (epoch 0) and opened a
// transaction on partitions 0 and 1.
TransactionCoordinator ongoing() {
  TransactionCoordinator c("txn-a", 4000);
  c.init_producer_id();
  c.add_partitions_to_txn(0, {1, 0});
  return c;
}

std::string row_text(const TransitionRow& r) {
  return r.source + " --" + r.event + "[" + r.guard + "]/" + r.action + "--> " + r.target;
}

// ---- valid paths -----------------------------------------------------------

TEST(TransactionCoordinator, InitAddCommitMarkersReachesCompleteCommit) {
  TransactionCoordinator c("txn-a", 4000);
  EXPECT_EQ(c.state(), State::Empty);
  EXPECT_EQ(c.producer_epoch(), -1);  // RecordBatch.NO_PRODUCER_EPOCH until the first InitProducerId

  const auto init = c.init_producer_id();
  EXPECT_EQ(init.error, Error::NONE);
  EXPECT_EQ(init.producer_id, 4000);
  EXPECT_EQ(init.producer_epoch, 0);
  EXPECT_EQ(c.state(), State::Empty);

  EXPECT_EQ(c.add_partitions_to_txn(0, {3, 1, 3}), Error::NONE);
  EXPECT_EQ(c.state(), State::Ongoing);
  EXPECT_EQ(c.partitions(), (Partitions{1, 3}));
  EXPECT_EQ(c.add_partitions_to_txn(0, {2}), Error::NONE);
  EXPECT_EQ(c.partitions(), (Partitions{1, 2, 3}));

  EXPECT_EQ(c.end_txn(0, /*commit=*/true), Error::NONE);
  EXPECT_EQ(c.state(), State::PrepareCommit);
  EXPECT_EQ(c.partitions(), (Partitions{1, 2, 3}));  // the markers still to write

  c.markers_written();
  EXPECT_EQ(c.state(), State::CompleteCommit);
  EXPECT_TRUE(c.partitions().empty());
  EXPECT_EQ(c.producer_epoch(), 0);
  EXPECT_EQ(c.last_rejection(), std::nullopt);
}

TEST(TransactionCoordinator, InitAddAbortMarkersReachesCompleteAbort) {
  TransactionCoordinator c = ongoing();
  EXPECT_EQ(c.end_txn(0, /*commit=*/false), Error::NONE);
  EXPECT_EQ(c.state(), State::PrepareAbort);
  EXPECT_EQ(c.partitions(), (Partitions{0, 1}));
  c.markers_written();
  EXPECT_EQ(c.state(), State::CompleteAbort);
  EXPECT_TRUE(c.partitions().empty());
  EXPECT_EQ(c.producer_epoch(), 0);
}

TEST(TransactionCoordinator, SecondTransactionAfterCompleteCommitKeepsTheEpoch) {
  TransactionCoordinator c = ongoing();
  c.end_txn(0, true);
  c.markers_written();
  // Transactions V1: the same epoch opens the next transaction (KIP-890 bumps it).
  EXPECT_EQ(c.add_partitions_to_txn(0, {7}), Error::NONE);
  EXPECT_EQ(c.state(), State::Ongoing);
  EXPECT_EQ(c.partitions(), (Partitions{7}));
  EXPECT_EQ(c.end_txn(0, false), Error::NONE);
  c.markers_written();
  EXPECT_EQ(c.state(), State::CompleteAbort);
  EXPECT_EQ(c.add_partitions_to_txn(0, {8}), Error::NONE);
  EXPECT_EQ(c.state(), State::Ongoing);
}

TEST(TransactionCoordinator, InitProducerIdAfterCompleteBumpsTheEpochToEmpty) {
  TransactionCoordinator c = ongoing();
  c.end_txn(0, true);
  c.markers_written();
  const auto init = c.init_producer_id();
  EXPECT_EQ(init.error, Error::NONE);
  EXPECT_EQ(init.producer_epoch, 1);
  EXPECT_EQ(c.state(), State::Empty);
  EXPECT_EQ(c.add_partitions_to_txn(0, {1}), Error::PRODUCER_FENCED);  // the old instance
}

TEST(TransactionCoordinator, InitProducerIdDuringOngoingFencesAndAborts) {
  TransactionCoordinator c = ongoing();
  const auto init = c.init_producer_id();
  // handleInitProducerId: prepareFenceProducerEpoch, endTransaction(ABORT),
  // answer CONCURRENT_TRANSACTIONS with no producer id (initTransactionError).
  EXPECT_EQ(init.error, Error::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(init.producer_id, -1);
  EXPECT_EQ(init.producer_epoch, -1);
  EXPECT_EQ(c.last_error(), Error::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(c.state(), State::PrepareAbort);  // PrepareEpochFence is transient
  EXPECT_EQ(c.producer_epoch(), 1);
  EXPECT_EQ(c.partitions(), (Partitions{0, 1}));  // ABORT markers to write

  // The old producer (epoch 0) is fenced; the new one retries.
  EXPECT_EQ(c.end_txn(0, true), Error::PRODUCER_FENCED);
  EXPECT_EQ(c.add_partitions_to_txn(0, {5}), Error::PRODUCER_FENCED);
  EXPECT_EQ(c.init_producer_id().error, Error::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(c.producer_epoch(), 1);

  c.markers_written();
  EXPECT_EQ(c.state(), State::CompleteAbort);
  const auto retry = c.init_producer_id();
  EXPECT_EQ(retry.error, Error::NONE);
  EXPECT_EQ(retry.producer_id, 4000);
  EXPECT_EQ(retry.producer_epoch, 2);  // fenced epoch + 1
  EXPECT_EQ(c.state(), State::Empty);
}

TEST(TransactionCoordinator, TransactionTimeoutFencesAndAborts) {
  TransactionCoordinator c = ongoing();
  c.transaction_timed_out();
  EXPECT_EQ(c.last_rejection(), std::nullopt);
  EXPECT_EQ(c.state(), State::PrepareAbort);
  EXPECT_EQ(c.producer_epoch(), 1);
  EXPECT_EQ(c.end_txn(0, true), Error::PRODUCER_FENCED);  // the producer learns it was fenced
  c.markers_written();
  EXPECT_EQ(c.state(), State::CompleteAbort);
  EXPECT_EQ(c.end_txn(1, false), Error::NONE);  // epoch 1 sees the abort as done
}

TEST(TransactionCoordinator, TimeoutOutsideOngoingIsIgnored) {
  for (bool commit : {true, false}) {
    TransactionCoordinator c = ongoing();
    c.end_txn(0, commit);
    const TransactionCoordinator before = c;
    c.transaction_timed_out();  // timedOutTransactions picks Ongoing ids only
    EXPECT_EQ(c, before);
    EXPECT_EQ(c.last_rejection(), std::string("TransactionTimedOut rejected in state ") +
                                      (commit ? "PrepareCommit" : "PrepareAbort"));
  }
  TransactionCoordinator empty("txn-a", 1);
  empty.transaction_timed_out();
  EXPECT_EQ(empty.state(), State::Empty);
  EXPECT_EQ(empty.producer_epoch(), -1);
}

TEST(TransactionCoordinator, ExpiryFromIdleStatesGoesDeadAndThenEveryRequestIsRefused) {
  TransactionCoordinator empty("txn-a", 4000);
  empty.init_producer_id();
  TransactionCoordinator committed = ongoing();
  committed.end_txn(0, true);
  committed.markers_written();
  TransactionCoordinator aborted = ongoing();
  aborted.end_txn(0, false);
  aborted.markers_written();

  for (TransactionCoordinator* c : {&empty, &committed, &aborted}) {
    c->transactional_id_expired();
    EXPECT_EQ(c->state(), State::Dead);
    EXPECT_EQ(c->last_rejection(), std::nullopt);
    const auto init = c->init_producer_id();
    EXPECT_EQ(init.error, Error::TRANSACTIONAL_ID_NOT_FOUND);
    EXPECT_EQ(init.producer_epoch, -1);
    EXPECT_EQ(c->add_partitions_to_txn(0, {1}), Error::TRANSACTIONAL_ID_NOT_FOUND);
    EXPECT_EQ(c->end_txn(0, true), Error::TRANSACTIONAL_ID_NOT_FOUND);
    EXPECT_EQ(c->last_rejection(), "EndTxnReceived rejected in state Dead");
    c->transactional_id_expired();
    EXPECT_EQ(c->state(), State::Dead);
    EXPECT_TRUE(c->partitions().empty());
  }
}

// ---- rejected and refused requests -------------------------------------------

TEST(TransactionCoordinator, ExpiryIsRefusedWhileATransactionIsOpen) {
  // TransactionState.isExpirationAllowed: Empty, CompleteCommit, CompleteAbort only.
  TransactionCoordinator c = ongoing();
  c.transactional_id_expired();
  EXPECT_EQ(c.state(), State::Ongoing);
  EXPECT_EQ(c.last_rejection(), "TransactionalIdExpired rejected in state Ongoing");
  c.end_txn(0, true);
  c.transactional_id_expired();
  EXPECT_EQ(c.state(), State::PrepareCommit);
}

TEST(TransactionCoordinator, EndTxnInEmptyIsInvalidTxnState) {
  TransactionCoordinator c("txn-a", 4000);
  c.init_producer_id();
  EXPECT_EQ(c.end_txn(0, true), Error::INVALID_TXN_STATE);
  EXPECT_EQ(c.last_rejection(), "EndTxnReceived rejected in state Empty");
  EXPECT_EQ(c.end_txn(0, false), Error::INVALID_TXN_STATE);
  EXPECT_EQ(c.state(), State::Empty);
  EXPECT_EQ(c.last_error(), Error::INVALID_TXN_STATE);
}

TEST(TransactionCoordinator, AnyOtherEpochIsFencedBeforeTheStateIsLookedAt) {
  TransactionCoordinator c("txn-a", 4000);
  c.init_producer_id();
  c.init_producer_id();  // epoch 1
  // Kafka checks `producerEpoch != txnMetadata.producerEpoch` first: older
  // and newer epochs alike, even where the state would refuse the request.
  EXPECT_EQ(c.end_txn(0, true), Error::PRODUCER_FENCED);
  EXPECT_EQ(c.last_rejection(), std::nullopt);  // a row answered it
  EXPECT_EQ(c.add_partitions_to_txn(0, {1}), Error::PRODUCER_FENCED);
  EXPECT_EQ(c.add_partitions_to_txn(2, {1}), Error::PRODUCER_FENCED);
  EXPECT_EQ(c.state(), State::Empty);
  EXPECT_TRUE(c.partitions().empty());
  EXPECT_EQ(c.add_partitions_to_txn(1, {1}), Error::NONE);
  EXPECT_EQ(c.end_txn(0, true), Error::PRODUCER_FENCED);
  EXPECT_EQ(c.end_txn(-1, false), Error::PRODUCER_FENCED);
  EXPECT_EQ(c.state(), State::Ongoing);
}

TEST(TransactionCoordinator, NoEpochBeforeTheFirstInitProducerId) {
  TransactionCoordinator c("txn-a", 4000);
  EXPECT_EQ(c.add_partitions_to_txn(-1, {1}), Error::PRODUCER_FENCED);
  EXPECT_EQ(c.state(), State::Empty);
}

TEST(TransactionCoordinator, RequestsDuringPrepareCommitAreConcurrentTransactions) {
  TransactionCoordinator c = ongoing();
  c.end_txn(0, true);
  EXPECT_EQ(c.add_partitions_to_txn(0, {9}), Error::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(c.add_partitions_to_txn(3, {9}), Error::PRODUCER_FENCED);
  EXPECT_EQ(c.init_producer_id().error, Error::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(c.end_txn(0, true), Error::CONCURRENT_TRANSACTIONS);  // a retry of the commit
  EXPECT_EQ(c.end_txn(0, false), Error::INVALID_TXN_STATE);       // abort while committing
  EXPECT_EQ(c.state(), State::PrepareCommit);
  EXPECT_EQ(c.partitions(), (Partitions{0, 1}));
  EXPECT_EQ(c.producer_epoch(), 0);
}

TEST(TransactionCoordinator, RequestsDuringPrepareAbortAreConcurrentTransactions) {
  TransactionCoordinator c = ongoing();
  c.end_txn(0, false);
  EXPECT_EQ(c.add_partitions_to_txn(0, {9}), Error::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(c.init_producer_id().error, Error::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(c.end_txn(0, false), Error::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(c.end_txn(0, true), Error::INVALID_TXN_STATE);
  EXPECT_EQ(c.state(), State::PrepareAbort);
  EXPECT_EQ(c.partitions(), (Partitions{0, 1}));
}

TEST(TransactionCoordinator, EndTxnRetriedAfterCompletionIsIdempotent) {
  TransactionCoordinator committed = ongoing();
  committed.end_txn(0, true);
  committed.markers_written();
  const TransactionCoordinator before = committed;
  EXPECT_EQ(committed.end_txn(0, true), Error::NONE);  // the client lost the first answer
  EXPECT_EQ(committed, before);
  EXPECT_EQ(committed.end_txn(0, false), Error::INVALID_TXN_STATE);
  EXPECT_EQ(committed, before);

  TransactionCoordinator aborted = ongoing();
  aborted.end_txn(0, false);
  aborted.markers_written();
  EXPECT_EQ(aborted.end_txn(0, false), Error::NONE);
  EXPECT_EQ(aborted.end_txn(0, true), Error::INVALID_TXN_STATE);
  EXPECT_EQ(aborted.state(), State::CompleteAbort);
}

TEST(TransactionCoordinator, MarkersWrittenWithoutAPreparedTransactionIsRejected) {
  TransactionCoordinator c("txn-a", 4000);
  c.init_producer_id();
  c.markers_written();
  EXPECT_EQ(c.last_rejection(), "TxnMarkersWritten rejected in state Empty");
  c.add_partitions_to_txn(0, {1});
  c.markers_written();
  EXPECT_EQ(c.state(), State::Ongoing);
  EXPECT_EQ(c.partitions(), (Partitions{1}));
}

TEST(TransactionCoordinator, EpochExhaustionIsRefusedNotWrapped) {
  // TransactionMetadata.isEpochExhausted: epoch >= Short.MaxValue - 1. Kafka
  // then rotates the producer id; the model refuses (INVALID_PRODUCER_EPOCH).
  TransactionCoordinator c("txn-a", 4000);
  for (int i = 0; i < 32767; ++i) ASSERT_EQ(c.init_producer_id().error, Error::NONE) << i;
  EXPECT_EQ(c.producer_epoch(), 32766);
  EXPECT_EQ(c.init_producer_id().error, Error::INVALID_PRODUCER_EPOCH);
  EXPECT_EQ(c.producer_epoch(), 32766);
  // The fence may still take the epoch to Short.MaxValue, and no further.
  c.add_partitions_to_txn(32766, {1});
  c.transaction_timed_out();
  EXPECT_EQ(c.producer_epoch(), 32767);
  c.markers_written();
  c.add_partitions_to_txn(32767, {1});
  c.transaction_timed_out();
  EXPECT_EQ(c.state(), State::Ongoing);
  EXPECT_EQ(c.producer_epoch(), 32767);
  EXPECT_EQ(c.init_producer_id().error, Error::INVALID_PRODUCER_EPOCH);
  EXPECT_EQ(c.state(), State::Ongoing);
}

// ---- the table against Kafka -------------------------------------------------

TEST(TransactionCoordinator, TableHasKafkasStatesAndStartsEmpty) {
  const MachineDescription d = TransactionCoordinator::describe();
  EXPECT_EQ(d.name, "TransactionCoordinator");
  EXPECT_EQ(d.kafka_class, "kafka.coordinator.transaction.TransactionMetadata");
  EXPECT_EQ(d.initial_state, "Empty");
  EXPECT_EQ(std::set<std::string>(d.states.begin(), d.states.end()).size(), 8u);
  for (const auto& [state, previous] : kafka_valid_previous_states()) {
    EXPECT_NE(std::find(d.states.begin(), d.states.end(), state), d.states.end()) << state;
  }
  for (int s = 0; s < TransactionCoordinator::kStateCount; ++s) {
    EXPECT_EQ(kafka_valid_previous_states().count(TransactionCoordinator::name(static_cast<State>(s))), 1u);
  }
  for (const char* word : {"marker", "fence", "PRODUCER_FENCED", "CONCURRENT_TRANSACTIONS"}) {
    EXPECT_NE(d.summary.find(word), std::string::npos) << word;
  }
}

TEST(TransactionCoordinator, EveryRowGoesBetweenStatesKafkaAllows) {
  for (const TransitionRow& row : TransactionCoordinator::describe().rows) {
    if (row.target.empty()) continue;  // internal: answered without a state change
    EXPECT_EQ(kafka_valid_previous_states().at(row.target).count(row.source), 1u) << row_text(row);
  }
}

TEST(TransactionCoordinator, DeadHasNoWayOut) {
  for (const TransitionRow& row : TransactionCoordinator::describe().rows) {
    EXPECT_NE(row.source, "Dead") << row_text(row);
  }
}

// Guards of one (state, event) are conjunctions of literals; two rows
// exclude each other when one has a literal the other negates.
std::set<std::string> literals(const std::string& guard) {
  std::set<std::string> out;
  std::string::size_type start = 0;
  while (true) {
    const auto end = guard.find(" && ", start);
    out.insert(guard.substr(start, end - start));
    if (end == std::string::npos) return out;
    start = end + 4;
  }
}

bool exclusive(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  for (const std::string& x : literals(a)) {
    const std::string negated = x[0] == '!' ? x.substr(1) : "!" + x;
    if (literals(b).count(negated)) return true;
  }
  return false;
}

TEST(TransactionCoordinator, GuardsOfOneStateAndEventAreMutuallyExclusive) {
  const auto rows = TransactionCoordinator::describe().rows;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = i + 1; j < rows.size(); ++j) {
      if (rows[i].source == rows[j].source && rows[i].event == rows[j].event) {
        EXPECT_TRUE(exclusive(rows[i].guard, rows[j].guard)) << row_text(rows[i]) << "\n" << row_text(rows[j]);
      }
    }
  }
}

TEST(TransactionCoordinator, ExclusiveGuardCheckCanFail) {
  EXPECT_FALSE(exclusive("EpochIsCurrent", "EpochIsCurrent && ResultIsCommit"));
  EXPECT_FALSE(exclusive("", "!EpochIsCurrent"));
  EXPECT_TRUE(exclusive("EpochIsCurrent && !ResultIsCommit", "EpochIsCurrent && ResultIsCommit"));
}

TEST(TransactionCoordinator, FencePathVisitsPrepareEpochFenceInTheTable) {
  std::set<std::string> into_fence, out_of_fence;
  for (const TransitionRow& row : TransactionCoordinator::describe().rows) {
    if (row.target == "PrepareEpochFence") into_fence.insert(row.source + " " + row.event);
    if (row.source == "PrepareEpochFence") out_of_fence.insert(row.event + " -> " + row.target);
  }
  EXPECT_EQ(into_fence, (std::set<std::string>{"Ongoing InitProducerIdReceived", "Ongoing TransactionTimedOut"}));
  EXPECT_EQ(out_of_fence, (std::set<std::string>{"EndTxnFromCoordinator -> PrepareAbort"}));
}

// KAFKA-18464 (Kafka 4.0, TransactionCoordinator.endTransaction: the
// pending-transition check before the epoch check; its integration test is
// TransactionsTest.testEmptyAbortAfterCommit). Under V2 the commit's EndTxn
// bumps the epoch to 1 and the client adopts it; the next transaction's
// abort carries epoch 1 while the commit's markers are still being written
// (PrepareCommit, CompleteCommit pending). 4.0 answers CONCURRENT_TRANSACTIONS
// (the client retries; once CompleteCommit the abort is an empty
// transaction of its own); before the fix, as 3.9 orders the checks, it was
// PRODUCER_FENCED: the producer fenced itself.
TEST(TransactionCoordinator, AnAbortDuringTheCommitsMarkersIsRetriedFrom40) {
  for (KafkaVersion version : {KafkaVersion::V4_0, KafkaVersion::V4_3}) {
    TransactionCoordinator c("txn-a", 4000, version, true);
    c.init_producer_id();
    c.add_partitions_to_txn(0, {0});
    ASSERT_EQ(c.end_txn(0, true), Error::NONE);
    ASSERT_EQ(c.state(), State::PrepareCommit);
    ASSERT_EQ(c.producer_epoch(), 1);
    EXPECT_EQ(c.end_txn(1, false), Error::CONCURRENT_TRANSACTIONS) << to_string(version);
    EXPECT_EQ(c.end_txn(5, false), Error::CONCURRENT_TRANSACTIONS) << "pending first, whatever the epoch";
    EXPECT_EQ(c.state(), State::PrepareCommit);
    c.markers_written();
    EXPECT_EQ(c.end_txn(1, false), Error::NONE);
    EXPECT_EQ(c.state(), State::PrepareAbort);
    EXPECT_EQ(c.producer_epoch(), 2);
  }
  // The same request order on a coordinator that checks the epoch first.
  TransactionCoordinator c("txn-a", 4000, KafkaVersion::V3_9, true);
  c.init_producer_id();
  c.add_partitions_to_txn(0, {0});
  ASSERT_EQ(c.end_txn(0, true), Error::NONE);
  EXPECT_EQ(c.end_txn(1, false), Error::PRODUCER_FENCED);
  EXPECT_EQ(c.end_txn(0, true), Error::CONCURRENT_TRANSACTIONS) << "the commit's own retry";
}

// ---- value semantics -----------------------------------------------------------

TEST(TransactionCoordinator, CopiesAreDeepAndHashFollowsTheState) {
  TransactionCoordinator a = ongoing();
  TransactionCoordinator b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  b.add_partitions_to_txn(0, {2});
  EXPECT_NE(a, b);
  EXPECT_NE(a.hash(), b.hash());
  EXPECT_EQ(a.partitions(), (Partitions{0, 1}));

  TransactionCoordinator other_id("txn-b", 4000);
  TransactionCoordinator same_id("txn-a", 4000);
  EXPECT_NE(other_id, same_id);
  EXPECT_NE(other_id.hash(), same_id.hash());

  // The last answer is not part of the coordinator's state.
  TransactionCoordinator c = ongoing();
  TransactionCoordinator d = c;
  d.add_partitions_to_txn(9, {0});  // PRODUCER_FENCED, no change
  EXPECT_EQ(c, d);
  EXPECT_EQ(c.hash(), d.hash());

  TransactionCoordinator moved = std::move(d);
  EXPECT_EQ(moved, c);
  a = moved;
  EXPECT_EQ(a, c);
}

TEST(TransactionCoordinator, NamesAreKafkas) {
  EXPECT_STREQ(TransactionCoordinator::name(State::PrepareEpochFence), "PrepareEpochFence");
  EXPECT_STREQ(TransactionCoordinator::name(Error::CONCURRENT_TRANSACTIONS), "CONCURRENT_TRANSACTIONS");
  EXPECT_STREQ(TransactionCoordinator::name(Error::TRANSACTIONAL_ID_NOT_FOUND), "TRANSACTIONAL_ID_NOT_FOUND");
  EXPECT_EQ(ongoing().transactional_id(), "txn-a");
  EXPECT_EQ(ongoing().producer_id(), 4000);
}

}  // namespace
}  // namespace kafka_model
