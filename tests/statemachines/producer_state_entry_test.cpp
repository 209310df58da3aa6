// statemachines: the broker's ProducerStateEntry sequence checker, one test
// per answer of ProducerAppendInfo / UnifiedLog.analyzeAndValidateProducerState
// (Kafka 3.9), and the reason the producer keeps at most 5 requests in flight.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "statemachines/producer_state_entry.hpp"

namespace kafka_model {
namespace {

constexpr std::int32_t kMaxSeq = std::numeric_limits<std::int32_t>::max();

// A leader's partition: the checker and the log it guards. Offsets count
// batches, which is all the checker looks at.
struct Leader {
  explicit Leader(int batches_to_retain = kNumBatchesToRetain) : entry(batches_to_retain) {}

  AppendDecision send(std::int16_t epoch, std::int32_t first_seq, std::int32_t last_seq) {
    const AppendDecision d = entry.append_from_client(epoch, first_seq, last_seq, log_end_offset());
    if (d.outcome == AppendOutcome::Appended) log.push_back(BatchMetadata{epoch, first_seq, last_seq, d.base_offset});
    return d;
  }
  std::int64_t log_end_offset() const { return static_cast<std::int64_t>(log.size()) * 10; }
  int copies_in_log(std::int16_t epoch, std::int32_t first_seq, std::int32_t last_seq) const {
    return static_cast<int>(std::count_if(log.begin(), log.end(), [&](const BatchMetadata& b) {
      return b.producer_epoch == epoch && b.first_seq == first_seq && b.last_seq == last_seq;
    }));
  }

  ProducerStateEntry entry;
  std::vector<BatchMetadata> log;
};

void expect(AppendDecision d, AppendOutcome outcome, std::int64_t base_offset) {
  EXPECT_EQ(to_string(d.outcome), std::string(to_string(outcome)));
  EXPECT_EQ(d.base_offset, base_offset);
}

// Sends `count` batches of 5 records at `epoch` from sequence 0.
void send_batches(Leader& leader, int count, std::int16_t epoch = 0) {
  for (int i = 0; i < count; ++i) leader.send(epoch, 5 * i, 5 * i + 4);
}

TEST(ProducerStateEntry, IncrementSequenceWrapsAfterIntMax) {
  EXPECT_EQ(increment_sequence(5, 1), 6);
  EXPECT_EQ(increment_sequence(-1, 1), 0);  // NO_SEQUENCE + 1: the first batch
  EXPECT_EQ(increment_sequence(kMaxSeq - 1, 1), kMaxSeq);
  EXPECT_EQ(increment_sequence(kMaxSeq, 1), 0);
  EXPECT_EQ(increment_sequence(kMaxSeq - 1, 3), 1);
}

TEST(ProducerStateEntry, ANewEntryHasNoState) {
  ProducerStateEntry entry;
  EXPECT_FALSE(entry.has_state());
  EXPECT_EQ(entry.producer_epoch(), -1);
  EXPECT_EQ(entry.last_sequence(), -1);
  EXPECT_TRUE(entry.cached_batches().empty());
  EXPECT_EQ(entry.batches_to_retain(), 5);
  EXPECT_THROW(ProducerStateEntry(0), std::invalid_argument);
}

TEST(ProducerStateEntry, TheNextSequenceIsAppendedAtTheLogEnd) {
  Leader leader;
  expect(leader.send(0, 0, 4), AppendOutcome::Appended, 0);
  expect(leader.send(0, 5, 9), AppendOutcome::Appended, 10);
  EXPECT_TRUE(leader.entry.has_state());
  EXPECT_EQ(leader.entry.last_sequence(), 9);
  EXPECT_EQ(leader.entry.cached_batches(),
            (std::vector<BatchMetadata>{{0, 0, 4, 0}, {0, 5, 9, 10}}));
}

TEST(ProducerStateEntry, ARetryOfACachedBatchIsADuplicateWithItsOriginalOffset) {
  Leader leader;
  send_batches(leader, 3);
  const ProducerStateEntry before = leader.entry;
  expect(leader.send(0, 5, 9), AppendOutcome::Duplicate, 10);
  EXPECT_EQ(leader.log.size(), 3u);
  EXPECT_EQ(leader.entry, before);
}

TEST(ProducerStateEntry, AGapIsOutOfOrderSequence) {
  Leader leader;
  send_batches(leader, 2);
  const ProducerStateEntry before = leader.entry;
  expect(leader.send(0, 11, 12), AppendOutcome::OutOfOrderSequence, -1);
  EXPECT_EQ(leader.entry, before);
  EXPECT_EQ(leader.log.size(), 2u);
}

TEST(ProducerStateEntry, AStaleEpochIsInvalidProducerEpoch) {
  Leader leader;
  send_batches(leader, 1, /*epoch=*/2);
  // Even the exact range of a cached batch: the duplicate check needs the
  // same epoch (ProducerStateEntry.findDuplicateBatch).
  expect(leader.send(1, 0, 4), AppendOutcome::InvalidProducerEpoch, -1);
  expect(leader.send(1, 5, 9), AppendOutcome::InvalidProducerEpoch, -1);
  EXPECT_EQ(leader.entry.producer_epoch(), 2);
}

TEST(ProducerStateEntry, ANewEpochMustStartAtSequenceZero) {
  Leader leader;
  send_batches(leader, 2);
  expect(leader.send(1, 10, 14), AppendOutcome::OutOfOrderSequence, -1);
  EXPECT_EQ(leader.entry.producer_epoch(), 0);
  expect(leader.send(1, 0, 4), AppendOutcome::Appended, 20);
  EXPECT_EQ(leader.entry.producer_epoch(), 1);
  EXPECT_EQ(leader.entry.cached_batches(), (std::vector<BatchMetadata>{{1, 0, 4, 20}}));
  expect(leader.send(0, 10, 14), AppendOutcome::InvalidProducerEpoch, -1);
}

TEST(ProducerStateEntry, AnUnknownProducerIsAcceptedAtAnySequence) {
  Leader leader;
  expect(leader.send(3, 42, 44), AppendOutcome::Appended, 0);  // KIP-360
  EXPECT_EQ(leader.entry.producer_epoch(), 3);
  EXPECT_EQ(leader.entry.last_sequence(), 44);
}

TEST(ProducerStateEntry, APartialOverlapIsNotADuplicate) {
  Leader leader;
  send_batches(leader, 2);  // 0..4, 5..9
  expect(leader.send(0, 5, 7), AppendOutcome::OutOfOrderSequence, -1);
  expect(leader.send(0, 7, 9), AppendOutcome::OutOfOrderSequence, -1);
  expect(leader.send(0, 3, 7), AppendOutcome::OutOfOrderSequence, -1);
  expect(leader.send(0, 0, 9), AppendOutcome::OutOfOrderSequence, -1);
  EXPECT_EQ(leader.log.size(), 2u);
}

TEST(ProducerStateEntry, SequencesWrapToZeroAfterIntMax) {
  Leader leader;
  expect(leader.send(0, kMaxSeq - 2, kMaxSeq), AppendOutcome::Appended, 0);
  expect(leader.send(0, 1, 2), AppendOutcome::OutOfOrderSequence, -1);
  expect(leader.send(0, 0, 2), AppendOutcome::Appended, 10);
  // A batch may straddle the wrap itself.
  expect(leader.send(0, 3, 4), AppendOutcome::Appended, 20);
  ProducerStateEntry straddling;
  straddling.append_from_client(0, kMaxSeq - 1, 0, 0);
  EXPECT_EQ(straddling.append_from_client(0, 1, 1, 10).outcome, AppendOutcome::Appended);
}

TEST(ProducerStateEntry, AMarkerWithTheSameEpochKeepsTheCache) {
  Leader leader;
  send_batches(leader, 2);
  leader.entry.marker_written(0);
  EXPECT_EQ(leader.entry.cached_batches().size(), 2u);
  expect(leader.send(0, 0, 4), AppendOutcome::Duplicate, 0);
  expect(leader.send(0, 10, 14), AppendOutcome::Appended, 20);  // sequences continue (Transactions V1)
}

TEST(ProducerStateEntry, AMarkerWithANewEpochClearsTheCacheAndTakesTheEpoch) {
  Leader leader;
  send_batches(leader, 2);
  leader.entry.marker_written(1);
  EXPECT_TRUE(leader.entry.has_state());
  EXPECT_EQ(leader.entry.producer_epoch(), 1);
  EXPECT_EQ(leader.entry.last_sequence(), -1);
  EXPECT_TRUE(leader.entry.cached_batches().empty());
  expect(leader.send(0, 10, 14), AppendOutcome::InvalidProducerEpoch, -1);
  expect(leader.send(1, 10, 14), AppendOutcome::OutOfOrderSequence, -1);
  expect(leader.send(1, 0, 4), AppendOutcome::Appended, 20);
}

TEST(ProducerStateEntry, AStaleMarkerIsRefused) {
  Leader leader;
  send_batches(leader, 2, /*epoch=*/3);
  const ProducerStateEntry before = leader.entry;
  leader.entry.marker_written(2);
  EXPECT_EQ(leader.entry, before);
}

TEST(ProducerStateEntry, AMarkerForAnUnknownProducerCreatesAnEntryWithoutBatches) {
  Leader leader;
  leader.entry.marker_written(4);
  EXPECT_TRUE(leader.entry.has_state());
  EXPECT_EQ(leader.entry.producer_epoch(), 4);
  expect(leader.send(4, 7, 9), AppendOutcome::OutOfOrderSequence, -1);
  expect(leader.send(4, 0, 2), AppendOutcome::Appended, 0);
}

TEST(ProducerStateEntry, ExpiryForgetsTheProducerAndItsDuplicates) {
  Leader leader;
  send_batches(leader, 2, /*epoch=*/3);
  leader.entry.expire();
  EXPECT_FALSE(leader.entry.has_state());
  EXPECT_EQ(leader.entry.producer_epoch(), -1);
  EXPECT_EQ(leader.entry.last_sequence(), -1);
  EXPECT_TRUE(leader.entry.cached_batches().empty());
  leader.entry.expire();  // nothing left to forget
  EXPECT_FALSE(leader.entry.has_state());
  // Without state a retry is written again: the dedup lives in this entry.
  expect(leader.send(3, 5, 9), AppendOutcome::Appended, 20);
  EXPECT_EQ(leader.copies_in_log(3, 5, 9), 2);
}

TEST(ProducerStateEntry, AReplicatedBatchIsNotChecked) {
  ProducerStateEntry follower;
  follower.replicate_batch(0, 0, 4, 0);
  follower.replicate_batch(0, 100, 104, 10);  // a gap: the follower trusts the leader
  EXPECT_EQ(follower.last_sequence(), 104);
  follower.replicate_batch(2, 7, 9, 20);  // new epoch, any sequence
  EXPECT_EQ(follower.cached_batches(), (std::vector<BatchMetadata>{{2, 7, 9, 20}}));
  follower.replicate_batch(1, 0, 0, 30);  // even a lower epoch replaces it
  EXPECT_EQ(follower.producer_epoch(), 1);
  EXPECT_EQ(follower.append_from_client(1, 1, 1, 40).outcome, AppendOutcome::Appended);
}

TEST(ProducerStateEntry, TheOldestCachedBatchIsEvictedPastBatchesToRetain) {
  Leader leader(3);
  send_batches(leader, 4);
  const std::vector<BatchMetadata> cached = leader.entry.cached_batches();
  ASSERT_EQ(cached.size(), 3u);
  EXPECT_EQ(cached.front().first_seq, 5);
  EXPECT_EQ(cached.back().first_seq, 15);
}

// Why max.in.flight.requests.per.connection <= 5 with idempotence: six
// batches in flight, the broker caches five; the retry of the first one is in
// the log but no longer cached.
TEST(ProducerStateEntry, ARetryOfABatchEvictedFromTheCacheIsOutOfOrderThoughItIsInTheLog) {
  Leader leader(5);
  send_batches(leader, 6);
  expect(leader.send(0, 0, 4), AppendOutcome::OutOfOrderSequence, -1);
  EXPECT_EQ(leader.copies_in_log(0, 0, 4), 1);
  expect(leader.send(0, 5, 9), AppendOutcome::Duplicate, 10);
  EXPECT_EQ(leader.log.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(leader.copies_in_log(0, 5 * i, 5 * i + 4), 1);
}

TEST(ProducerStateEntry, WithACacheOfSixTheSameRetryIsADuplicate) {
  Leader leader(6);
  send_batches(leader, 6);
  expect(leader.send(0, 0, 4), AppendOutcome::Duplicate, 0);
  EXPECT_EQ(leader.log.size(), 6u);
}

TEST(ProducerStateEntry, CopiesAreDeepAndEqualityIgnoresTheLastAnswer) {
  ProducerStateEntry a;
  a.append_from_client(0, 0, 4, 0);
  ProducerStateEntry b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  a.append_from_client(0, 0, 4, 10);  // a duplicate changes nothing
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  b.append_from_client(0, 5, 9, 10);
  EXPECT_NE(a, b);
  EXPECT_NE(a.hash(), b.hash());
  EXPECT_NE(ProducerStateEntry(5), ProducerStateEntry(6));
  EXPECT_NE(ProducerStateEntry(5).hash(), ProducerStateEntry(6).hash());
}

TEST(ProducerStateEntry, DescriptionIsTheTable) {
  const MachineDescription d = ProducerStateEntry::describe();
  EXPECT_EQ(d.name, "ProducerStateEntry");
  EXPECT_EQ(d.kafka_class, "org.apache.kafka.storage.internals.log.ProducerStateEntry");
  EXPECT_EQ(d.initial_state, "NoProducerState");
  EXPECT_EQ(d.states.size(), 2u);
  std::vector<std::string> client_guards;
  for (const TransitionRow& r : d.rows)
    if (r.source == "TrackingProducer" && r.event == "ClientBatchArrived") client_guards.push_back(r.guard);
  EXPECT_EQ(client_guards, (std::vector<std::string>{
                               "CachedBatchMatches",
                               "EpochIsStale",
                               "EpochIsNewer && SequenceIsZero && !NonTransactionalInOpenTxn",
                               "EpochIsNewer && SequenceIsZero && NonTransactionalInOpenTxn",
                               "EpochIsNewer && !SequenceIsZero",
                               "EpochIsCurrent && !CachedBatchMatches && SequenceIsNext && !NonTransactionalInOpenTxn",
                               "EpochIsCurrent && !CachedBatchMatches && SequenceIsNext && NonTransactionalInOpenTxn",
                               "EpochIsCurrent && !CachedBatchMatches && !SequenceIsNext",
                           }));
  const auto unknown = std::find_if(d.rows.begin(), d.rows.end(), [](const TransitionRow& r) {
    return r.source == "NoProducerState" && r.event == "ClientBatchArrived";
  });
  ASSERT_NE(unknown, d.rows.end());
  EXPECT_EQ(unknown->guard, "");
  EXPECT_EQ(unknown->action, "ResetForNewEpoch, AppendBatch");
  EXPECT_NE(d.summary.find("OUT_OF_ORDER_SEQUENCE_NUMBER"), std::string::npos);
  EXPECT_NE(d.summary.find("INVALID_TXN_STATE"), std::string::npos);
}

// ProducerAppendInfo.appendDataBatch (Kafka 3.9): a transactional batch opens
// the producer's transaction on the partition; until a marker ends it a
// non-transactional batch is refused, after the epoch and sequence checks,
// and changes nothing.
TEST(ProducerStateEntry, ANonTransactionalBatchDuringAnOpenTransactionIsInvalidTxnState) {
  ProducerStateEntry entry;
  EXPECT_FALSE(entry.has_ongoing_transaction());
  EXPECT_EQ(entry.append_from_client(0, 0, 4, 0, /*transactional=*/true).outcome, AppendOutcome::Appended);
  EXPECT_TRUE(entry.has_ongoing_transaction());
  const ProducerStateEntry before = entry;
  const AppendDecision refused = entry.append_from_client(0, 5, 9, 10, /*transactional=*/false);
  EXPECT_EQ(to_string(refused.outcome), std::string("INVALID_TXN_STATE"));
  EXPECT_EQ(refused.base_offset, -1);
  EXPECT_EQ(entry, before);
  // A new epoch from sequence 0 does not end the transaction either
  // (maybeUpdateProducerEpoch leaves currentTxnFirstOffset), and is refused
  // without taking the epoch.
  EXPECT_EQ(entry.append_from_client(1, 0, 0, 10, false).outcome, AppendOutcome::InvalidTxnState);
  EXPECT_EQ(entry, before);
  // The sequence and epoch checks come first.
  EXPECT_EQ(entry.append_from_client(0, 7, 9, 10, false).outcome, AppendOutcome::OutOfOrderSequence);
  EXPECT_EQ(entry.append_from_client(1, 3, 3, 10, false).outcome, AppendOutcome::OutOfOrderSequence);
  EXPECT_EQ(entry.append_from_client(0, 0, 4, 10, false).outcome, AppendOutcome::Duplicate);
  // More of the transaction is fine; the marker ends it, and then a
  // non-transactional batch is accepted.
  EXPECT_EQ(entry.append_from_client(0, 5, 9, 10, true).outcome, AppendOutcome::Appended);
  entry.marker_written(0);
  EXPECT_FALSE(entry.has_ongoing_transaction());
  EXPECT_EQ(entry.append_from_client(0, 10, 14, 21, false).outcome, AppendOutcome::Appended);
  EXPECT_FALSE(entry.has_ongoing_transaction());
}

TEST(ProducerStateEntry, AMarkerWithANewEpochEndsTheTransactionAStaleOneDoesNot) {
  ProducerStateEntry entry;
  entry.append_from_client(3, 0, 0, 0, true);
  entry.marker_written(2);  // refused: checkProducerEpoch
  EXPECT_TRUE(entry.has_ongoing_transaction());
  entry.marker_written(4);  // the coordinator's abort after a fence
  EXPECT_FALSE(entry.has_ongoing_transaction());
  EXPECT_EQ(entry.append_from_client(4, 0, 0, 2, false).outcome, AppendOutcome::Appended);
}

// ProducerStateManager.isProducerExpired: !currentTxnFirstOffset.isPresent().
TEST(ProducerStateEntry, AProducerWithAnOpenTransactionDoesNotExpire) {
  ProducerStateEntry entry;
  entry.append_from_client(0, 0, 0, 0, true);
  const ProducerStateEntry before = entry;
  entry.expire();
  EXPECT_EQ(entry, before);
  EXPECT_TRUE(entry.has_state());
  entry.marker_written(0);
  entry.expire();
  EXPECT_FALSE(entry.has_state());
}

// The follower path follows the log: a transactional batch opens the
// transaction there too, so a follower that becomes leader refuses as the old
// leader did.
TEST(ProducerStateEntry, AReplicatedTransactionalBatchOpensTheTransaction) {
  ProducerStateEntry follower;
  follower.replicate_batch(0, 0, 4, 0, /*transactional=*/true);
  EXPECT_TRUE(follower.has_ongoing_transaction());
  EXPECT_EQ(follower.append_from_client(0, 5, 9, 5, false).outcome, AppendOutcome::InvalidTxnState);
  follower.marker_written(0);
  EXPECT_FALSE(follower.has_ongoing_transaction());
}

TEST(ProducerStateEntry, AnOpenTransactionTakesPartInEqualityAndHash) {
  ProducerStateEntry a;
  ProducerStateEntry b;
  a.append_from_client(0, 0, 4, 0, true);
  b.append_from_client(0, 0, 4, 0, false);
  EXPECT_NE(a, b);
  EXPECT_NE(a.hash(), b.hash());
  a.marker_written(0);
  b.marker_written(0);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
}

}  // namespace
}  // namespace kafka_model
