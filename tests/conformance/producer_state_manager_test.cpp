// Conformance: Kafka 3.9.0's ProducerStateManagerTest, ported onto the model's
// ProducerStateEntry facade (statemachines/producer_state_entry.hpp).
// Source: storage/src/test/java/org/apache/kafka/storage/internals/log/
// ProducerStateManagerTest.java at tag 3.9.0-rc3 (Kafka 3.9.0). One TEST per
// Kafka test, under Kafka's own name; each asserts what the Kafka test asserts
// as far as the model can express it, and says what it leaves out. Tests the
// model cannot express at all (snapshots, transaction offsets and the last
// stable offset, coordinator epochs, verification guards, time) are listed in
// docs/conformance.md, not here. Of a transaction the entry keeps whether one
// is open (currentTxnFirstOffset.isPresent()), not where it begins.
//
// The fixture's constants (ProducerStateManagerTest fields): producerId = 1,
// epoch = 0, defaultSequence = 0.
#include <gtest/gtest.h>

#include <limits>

#include "tests/conformance/conformance_support.hpp"

namespace kafka_model::conformance {
namespace {

constexpr std::int64_t kProducerId = 1;
constexpr std::int16_t kEpoch = 0;
constexpr std::int32_t kDefaultSequence = 0;
constexpr std::int32_t kIntMax = std::numeric_limits<std::int32_t>::max();

// ProducerStateManagerTest.java, testBasicIdMapping (Kafka 3.9.0).
TEST(ProducerStateManagerTest, testBasicIdMapping) {
  ProducerStateManagerModel m;
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, kDefaultSequence, 0)), kAppended);
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, 1, 0)), kAppended);
  // Kafka: "Duplicates are checked separately and should result in
  // OutOfOrderSequence if appended": ProducerAppendInfo alone refuses a second
  // seq 1. The facade runs the separate check first
  // (UnifiedLog.analyzeAndValidateProducerState -> findDuplicateBatch), so the
  // same batch is a DUPLICATE answered with the first copy's offset, and
  // nothing is recorded. What ProducerAppendInfo would answer is shown by a
  // batch that is not exactly the cached one: seq 1..2 is out of order.
  const AppendDecision duplicate = m.append_client(kProducerId, kEpoch, 1, 0);
  EXPECT_EQ(outcome(duplicate), kDuplicate);
  EXPECT_EQ(duplicate.base_offset, 0);
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, 1, 2, 0)), kOutOfOrderSequence);
  // Invalid sequence number (greater than next expected sequence number).
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, 5, 0)), kOutOfOrderSequence);
  // Change epoch.
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch + 1, kDefaultSequence, 0)), kAppended);
  // Incorrect epoch.
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, kDefaultSequence, 0)), kInvalidProducerEpoch);
}

// ProducerStateManagerTest.java, testAppendTxnMarkerWithNoProducerState (Kafka 3.9.0).
TEST(ProducerStateManagerTest, testAppendTxnMarkerWithNoProducerState) {
  ProducerStateManagerModel m;
  const std::int16_t producer_epoch = 2;
  m.append_end_txn_marker(kProducerId, producer_epoch, 27);
  const ProducerStateEntry* first = m.last_entry(kProducerId);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->producer_epoch(), producer_epoch);
  EXPECT_EQ(first->last_sequence(), kNoSequence);
  // Fencing should continue to work even if the marker is the only thing left.
  EXPECT_EQ(outcome(m.append_client(kProducerId, 0, kDefaultSequence, 0)), kInvalidProducerEpoch);
  // With only the marker left, a non-zero sequence is out of order so the
  // producer can reset its state.
  EXPECT_EQ(outcome(m.append_client(kProducerId, producer_epoch, 17, 0)), kOutOfOrderSequence);
  // Accepted once the sequence is reset to 0.
  EXPECT_EQ(outcome(m.append_client(kProducerId, producer_epoch, kDefaultSequence, 39)), kAppended);
  const ProducerStateEntry* second = m.last_entry(kProducerId);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->producer_epoch(), producer_epoch);
  EXPECT_EQ(second->last_sequence(), 0);
}

// ProducerStateManagerTest.java, testProducerSequenceWrapAround (Kafka 3.9.0).
TEST(ProducerStateManagerTest, testProducerSequenceWrapAround) {
  ProducerStateManagerModel m;
  const std::int16_t epoch = 15;
  const std::int32_t sequence = kIntMax;
  const std::int64_t offset = 735;
  m.append_replication(kProducerId, epoch, sequence, offset);
  EXPECT_EQ(outcome(m.append_client(kProducerId, epoch, 0, offset + 500)), kAppended);
  const ProducerStateEntry* last = m.last_entry(kProducerId);
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->producer_epoch(), epoch);
  EXPECT_EQ(first_seq(*last), sequence);
  EXPECT_EQ(last->last_sequence(), 0);
}

// ProducerStateManagerTest.java, testProducerSequenceWithWrapAroundBatchRecord (Kafka 3.9.0).
// Not expressed: prepareUpdate's ProducerAppendInfo leaving lastEntry empty
// until update() (the facade checks and records in one step).
TEST(ProducerStateManagerTest, testProducerSequenceWithWrapAroundBatchRecord) {
  ProducerStateManagerModel m;
  const std::int16_t epoch = 15;
  const std::int32_t first_sequence = kIntMax - 10;
  const std::int32_t last_sequence = 9;
  const std::int64_t first_offset = 2000;
  const std::int64_t last_offset = 2020;
  EXPECT_EQ(m.last_entry(kProducerId), nullptr);
  m.append_replication(kProducerId, epoch, first_sequence, last_sequence, first_offset);
  const ProducerStateEntry* last = m.last_entry(kProducerId);
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(first_seq(*last), first_sequence);
  EXPECT_EQ(last->last_sequence(), last_sequence);
  EXPECT_EQ(first_data_offset(*last), first_offset);
  EXPECT_EQ(last_data_offset(*last), last_offset);
}

// ProducerStateManagerTest.java, testProducerSequenceInvalidWrapAround (Kafka 3.9.0).
TEST(ProducerStateManagerTest, testProducerSequenceInvalidWrapAround) {
  ProducerStateManagerModel m;
  const std::int16_t epoch = 15;
  const std::int64_t offset = 735;
  m.append_replication(kProducerId, epoch, kIntMax, offset);
  EXPECT_EQ(outcome(m.append_client(kProducerId, epoch, 1, offset + 500)), kOutOfOrderSequence);
}

// ProducerStateManagerTest.java, testNoValidationOnFirstEntryWhenLoadingLog (Kafka 3.9.0).
TEST(ProducerStateManagerTest, testNoValidationOnFirstEntryWhenLoadingLog) {
  ProducerStateManagerModel m;
  const std::int16_t epoch = 5;
  const std::int32_t sequence = 16;
  const std::int64_t offset = 735;
  m.append_replication(kProducerId, epoch, sequence, offset);
  const ProducerStateEntry* last = m.last_entry(kProducerId);
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->producer_epoch(), epoch);
  EXPECT_EQ(first_seq(*last), sequence);
  EXPECT_EQ(last->last_sequence(), sequence);
  EXPECT_EQ(last_data_offset(*last), offset);
  EXPECT_EQ(first_data_offset(*last), offset);
}

// ProducerStateManagerTest.java, testControlRecordBumpsProducerEpoch (Kafka 3.9.0).
TEST(ProducerStateManagerTest, testControlRecordBumpsProducerEpoch) {
  ProducerStateManagerModel m;
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, kDefaultSequence, 0)), kAppended);
  const std::int16_t bumped = 1;
  m.append_end_txn_marker(kProducerId, bumped, 1);  // ABORT
  const ProducerStateEntry* last = m.last_entry(kProducerId);
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->producer_epoch(), bumped);
  EXPECT_FALSE(last->has_ongoing_transaction());  // currentTxnFirstOffset empty
  EXPECT_EQ(first_seq(*last), kNoSequence);
  EXPECT_EQ(last->last_sequence(), kNoSequence);
  // Appending with the new epoch works from sequence 0.
  EXPECT_EQ(outcome(m.append_client(kProducerId, bumped, 0, 2)), kAppended);
  EXPECT_EQ(first_seq(*m.last_entry(kProducerId)), kDefaultSequence);
}

// ProducerStateManagerTest.java, testPrepareUpdateDoesNotMutate (Kafka 3.9.0).
// Not expressed: the separate prepareUpdate/update steps (the facade checks
// and records at once). Expressed: a copy of an entry is a value, so checking
// a batch against a copy leaves the original as it was, and the state after
// both appends.
TEST(ProducerStateManagerTest, testPrepareUpdateDoesNotMutate) {
  ProducerStateManagerModel m;
  EXPECT_EQ(m.last_entry(kProducerId), nullptr);
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, 0, 5, 15)), kAppended);
  ASSERT_NE(m.last_entry(kProducerId), nullptr);

  ProducerStateEntry prepared = *m.last_entry(kProducerId);
  EXPECT_EQ(outcome(prepared.append_from_client(kEpoch, 6, 10, 26)), kAppended);
  const ProducerStateEntry* last = m.last_entry(kProducerId);
  EXPECT_EQ(first_seq(*last), 0);
  EXPECT_EQ(last->last_sequence(), 5);
  EXPECT_EQ(last_data_offset(*last), 20);

  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, 6, 10, 26)), kAppended);
  last = m.last_entry(kProducerId);
  EXPECT_EQ(first_seq(*last), 0);
  EXPECT_EQ(last->last_sequence(), 10);
  EXPECT_EQ(last_data_offset(*last), 30);
}

// ProducerStateManagerTest.java, updateProducerTransactionState (Kafka 3.9.0).
// Expressed: a non-transactional batch, then two transactional ones, which
// open the transaction (currentTxnFirstOffset present); the COMMIT marker ends
// it and "appending the transaction marker doesn't affect the metadata of the
// cached record batches". Not expressed: currentTxnFirstOffset's value (16),
// CompletedTxn, coordinatorEpoch, and the ProducerAppendInfo-only view
// (toEntry() holds the batches of one append, so Kafka sees firstSeq 1; the
// model's entry also holds the batch at offset 9).
TEST(ProducerStateManagerTest, updateProducerTransactionState) {
  ProducerStateManagerModel m;
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, kDefaultSequence, 9)), kAppended);
  EXPECT_FALSE(m.ongoing_transaction(kProducerId));
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, kEpoch, 1, 5, 16)), kAppended);
  EXPECT_TRUE(m.ongoing_transaction(kProducerId));
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, kEpoch, 6, 10, 26)), kAppended);
  EXPECT_TRUE(m.ongoing_transaction(kProducerId));
  const auto before = m.last_entry(kProducerId)->cached_batches();
  m.append_end_txn_marker(kProducerId, kEpoch, 40);  // COMMIT, same epoch
  const ProducerStateEntry* last = m.last_entry(kProducerId);
  EXPECT_FALSE(last->has_ongoing_transaction());
  EXPECT_EQ(last->cached_batches(), before);
  EXPECT_EQ(last->producer_epoch(), kEpoch);
  EXPECT_EQ(last->last_sequence(), 10);
  EXPECT_EQ(last_data_offset(*last), 30);
}

// ProducerStateManagerTest.java, testOutOfSequenceAfterControlRecordEpochBump (Kafka 3.9.0).
TEST(ProducerStateManagerTest, testOutOfSequenceAfterControlRecordEpochBump) {
  ProducerStateManagerModel m;
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, kEpoch, kDefaultSequence, 0)), kAppended);
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, kEpoch, 1, 1)), kAppended);
  const std::int16_t bumped = 1;
  m.append_end_txn_marker(kProducerId, bumped, 1);  // ABORT
  // The sequence must be reset after the bump.
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, bumped, 2, 2)), kOutOfOrderSequence);
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, bumped + 1, 2, 2)), kOutOfOrderSequence);
  // The bumped epoch from sequence 0 is fine.
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, bumped, kDefaultSequence, 0)), kAppended);
  const ProducerStateEntry* last = m.last_entry(kProducerId);
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->producer_epoch(), bumped);
  EXPECT_EQ(last->last_sequence(), 0);
}

// ProducerStateManagerTest.java, testProducerStateAfterFencingAbortMarker (Kafka 3.9.0).
// Not expressed: removeExpiredProducers keeping the entry (it keeps it
// because the marker's timestamp is recent; the model has no clock for
// producer.id.expiration.ms, expiry is an event, so "not yet expired" is
// simply not sending it).
TEST(ProducerStateManagerTest, testProducerStateAfterFencingAbortMarker) {
  ProducerStateManagerModel m;
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, kEpoch, kDefaultSequence, 0)), kAppended);
  m.append_end_txn_marker(kProducerId, kEpoch + 1, 1);  // ABORT
  const ProducerStateEntry* last = m.last_entry(kProducerId);
  ASSERT_NE(last, nullptr);
  EXPECT_FALSE(last->has_ongoing_transaction());  // currentTxnFirstOffset empty
  EXPECT_EQ(last_data_offset(*last), -1);
  EXPECT_EQ(first_data_offset(*last), -1);
  EXPECT_EQ(last->producer_epoch(), kEpoch + 1);  // the fencing epoch is kept
}

// ProducerStateManagerTest.java, testRemoveExpiredPidsOnReload (Kafka 3.9.0).
// Kafka reloads at offset 1 at time 70000: the snapshot at offset 2 lies past
// the log end and is removed, so the reloaded manager has no entry for the
// producer. The model has no snapshots; the reload finding no state is the
// entry's ProducerStateExpired. After it the next sequence is accepted
// whatever it is (KIP-360).
TEST(ProducerStateManagerTest, testRemoveExpiredPidsOnReload) {
  ProducerStateManagerModel m;
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, kDefaultSequence, 0)), kAppended);
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, 1, 1)), kAppended);
  m.expire(kProducerId);  // reloaded without state
  EXPECT_EQ(m.last_entry(kProducerId), nullptr);
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, 2, 2)), kAppended);
  EXPECT_EQ(m.active_producers(), 1u);
  EXPECT_EQ(m.last_entry(kProducerId)->last_sequence(), 2);
  EXPECT_EQ(m.map_end_offset(), 3);
}

// ProducerStateManagerTest.java, testAcceptAppendWithoutProducerStateOnReplica (Kafka 3.9.0).
// As testRemoveExpiredPidsOnReload: the reload finds no state (modelled as
// the entry's expiry), then a replica appends without a check.
TEST(ProducerStateManagerTest, testAcceptAppendWithoutProducerStateOnReplica) {
  ProducerStateManagerModel m;
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, kDefaultSequence, 0)), kAppended);
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, 1, 1)), kAppended);
  m.expire(kProducerId);  // reloaded without state
  const std::int32_t sequence = 2;
  EXPECT_EQ(m.last_entry(kProducerId), nullptr);
  m.append_replication(kProducerId, kEpoch, sequence, 2);
  const ProducerStateEntry* e = m.last_entry(kProducerId);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->producer_epoch(), kEpoch);
  EXPECT_EQ(first_seq(*e), sequence);
  EXPECT_EQ(e->last_sequence(), sequence);
}

// ProducerStateManagerTest.java, testAcceptAppendWithSequenceGapsOnReplica (Kafka 3.9.0).
TEST(ProducerStateManagerTest, testAcceptAppendWithSequenceGapsOnReplica) {
  ProducerStateManagerModel m;
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, kDefaultSequence, 0)), kAppended);
  const std::int32_t out_of_order_sequence = 3;
  // A client append with a gap is refused...
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, out_of_order_sequence, 1)), kOutOfOrderSequence);
  ASSERT_NE(m.last_entry(kProducerId), nullptr);
  EXPECT_EQ(m.last_entry(kProducerId)->last_sequence(), 0);
  // ...a replica's is not.
  m.append_replication(kProducerId, kEpoch, out_of_order_sequence, 1);
  ASSERT_NE(m.last_entry(kProducerId), nullptr);
  EXPECT_EQ(m.last_entry(kProducerId)->last_sequence(), out_of_order_sequence);
}

// ProducerStateManagerTest.java, testPidExpirationTimeout (Kafka 3.9.0).
// Kafka sleeps past producer.id.expiration.ms and calls removeExpiredProducers;
// the model has no clock for it, so the expiry is the entry's event.
TEST(ProducerStateManagerTest, testPidExpirationTimeout) {
  ProducerStateManagerModel m;
  const std::int16_t epoch = 5;
  EXPECT_EQ(outcome(m.append_client(kProducerId, epoch, kDefaultSequence, 1)), kAppended);
  m.expire(kProducerId);
  EXPECT_EQ(outcome(m.append_client(kProducerId, epoch, kDefaultSequence + 1, 2)), kAppended);
  EXPECT_EQ(m.active_producers(), 1u);
  EXPECT_EQ(m.last_entry(kProducerId)->last_sequence(), kDefaultSequence + 1);
  EXPECT_EQ(m.map_end_offset(), 3);
}

// ProducerStateManagerTest.java, testOldEpochForControlRecord (Kafka 3.9.0).
// Kafka throws InvalidProducerEpochException to the coordinator's append; the
// facade's marker_written reports nothing, so what is asserted is the
// refusal's effect: the entry keeps its epoch, its batches and its open
// transaction. Not expressed: firstUndecidedOffset (the transaction's offset).
TEST(ProducerStateManagerTest, testOldEpochForControlRecord) {
  ProducerStateManagerModel m;
  const std::int16_t epoch = 5;
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, epoch, kDefaultSequence, 99)), kAppended);
  const ProducerStateEntry before = *m.last_entry(kProducerId);
  m.append_end_txn_marker(kProducerId, 3, 100);  // COMMIT with an old epoch
  EXPECT_EQ(*m.last_entry(kProducerId), before);
  EXPECT_EQ(m.last_entry(kProducerId)->producer_epoch(), epoch);
  EXPECT_TRUE(m.ongoing_transaction(kProducerId));
}

// ProducerStateManagerTest.java, testNonTransactionalAppendWithOngoingTransaction (Kafka 3.9.0).
// ProducerAppendInfo.appendDataBatch: "Expected transactional write from
// producer ..." (InvalidTxnStateException). The refused append records
// nothing: the leader's ProducerAppendInfo is dropped with the exception.
TEST(ProducerStateManagerTest, testNonTransactionalAppendWithOngoingTransaction) {
  ProducerStateManagerModel m;
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, kEpoch, kDefaultSequence, 0)), kAppended);
  const ProducerStateEntry before = *m.last_entry(kProducerId);
  EXPECT_EQ(outcome(m.append_client(kProducerId, kEpoch, 1, 1)), kInvalidTxnState);
  EXPECT_EQ(*m.last_entry(kProducerId), before);
  EXPECT_EQ(m.map_end_offset(), 1);
}

// ProducerStateManagerTest.java, testProducersWithOngoingTransactionsDontExpire (Kafka 3.9.0).
// Kafka sleeps past producer.id.expiration.ms and calls removeExpiredProducers
// twice; the model's expiry is the entry's event, sent twice. isProducerExpired
// requires !currentTxnFirstOffset.isPresent(), so the entry stays. Not
// expressed: firstUndecidedOffset = 99 (the transaction's offset).
TEST(ProducerStateManagerTest, testProducersWithOngoingTransactionsDontExpire) {
  ProducerStateManagerModel m;
  const std::int16_t epoch = 5;
  EXPECT_EQ(outcome(m.append_client_transactional(kProducerId, epoch, kDefaultSequence, 99)), kAppended);
  EXPECT_TRUE(m.ongoing_transaction(kProducerId));
  m.expire(kProducerId);
  EXPECT_NE(m.last_entry(kProducerId), nullptr);
  EXPECT_TRUE(m.ongoing_transaction(kProducerId));
  m.expire(kProducerId);
  EXPECT_NE(m.last_entry(kProducerId), nullptr);
}

}  // namespace
}  // namespace kafka_model::conformance
