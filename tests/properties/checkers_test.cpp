// properties: each checker on tiny hand-built histories (the exact anomaly,
// and the near misses it must not report), on one real simulated history,
// and the table of what Kafka promises per configuration.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/run_spec.hpp"
#include "model/run_spec_io.hpp"
#include "properties/allowed.hpp"
#include "properties/guarantee.hpp"
#include "properties/known_races.hpp"
#include "properties/late_transaction_write.hpp"
#include "properties/restart_snapshot.hpp"
#include "tests/model/scenario_support.hpp"

namespace kafka_model {
namespace {

using Steps = std::vector<std::size_t>;
using Ids = std::vector<std::int64_t>;

// Builds a history step by step; each call returns the new step's index.
// A Kafka error by name ("TimeoutException", "NONE", ...); "" for none.
std::optional<Errors> error_named(const std::string& name) {
  if (name.empty()) return std::nullopt;
  return parse_error(name).value();
}

class HistoryBuilder {
 public:
  HistoryBuilder& config(const std::string& key, const std::string& value) {
    h_.config[key] = value;
    return *this;
  }
  std::size_t producer_id(std::int32_t instance, std::int64_t pid) {
    Step& s = add(StepKind::ProducerIdAssigned);
    s.instance = instance;
    s.producer_id = pid;
    return last();
  }
  std::size_t send(std::int64_t record, std::int64_t send, std::int32_t partition = 0, std::int32_t instance = 1) {
    Step& s = add(StepKind::SendCalled);
    s.record = record;
    s.send = send;
    s.partition = partition;
    s.instance = instance;
    return last();
  }
  std::size_t callback(std::int64_t send, std::int64_t record, std::int64_t offset, const std::string& error = "",
                       std::int32_t instance = 1) {
    Step& s = add(StepKind::CallbackCompleted);
    s.send = send;
    s.record = record;
    s.offset = offset;
    s.error = error_named(error);
    s.instance = instance;
    return last();
  }
  std::size_t truncated(std::int32_t partition, std::int64_t to_offset) {
    Step& s = add(StepKind::LogTruncated);
    s.partition = partition;
    s.offset = to_offset;
    return last();
  }
  // One record of the final committed log.
  std::size_t read(std::int32_t partition, std::int64_t offset, std::int64_t record, std::int64_t send,
                   std::int64_t pid = -1, std::int32_t instance = 1, std::int32_t epoch = -1) {
    Step& s = add(StepKind::ConsumerRead);
    s.partition = partition;
    s.offset = offset;
    s.record = record;
    s.send = send;
    s.producer_id = pid;
    s.producer_epoch = epoch;
    s.instance = instance;
    return last();
  }
  // The leader wrote a client batch; `fresh`: it had no state for the producer id there.
  std::size_t appended(std::int32_t partition, std::int64_t batch, std::int64_t pid, std::int32_t epoch,
                       std::int32_t sequence, std::int64_t offset, bool fresh = false) {
    Step& s = add(StepKind::BatchAppended);
    s.node = "broker-0";
    s.partition = partition;
    s.batch = batch;
    s.producer_id = pid;
    s.producer_epoch = epoch;
    s.sequence = sequence;
    s.last_sequence = sequence;
    s.offset = offset;
    s.producer_state_created = fresh;
    return last();
  }
  std::size_t rejected(std::int64_t request, std::int32_t partition, std::int64_t batch, std::int64_t pid,
                       std::int32_t epoch, std::int32_t sequence, const std::string& error) {
    Step& s = add(StepKind::ProduceRejected);
    s.node = "broker-0";
    s.request = request;
    s.partition = partition;
    s.batch = batch;
    s.producer_id = pid;
    s.producer_epoch = epoch;
    s.sequence = sequence;
    s.last_sequence = sequence;
    s.error = error_named(error);
    return last();
  }
  // The producer received a partition's answer ("NONE" for success).
  std::size_t response(std::int64_t request, std::int32_t partition, std::int64_t batch, const std::string& error) {
    Step& s = add(StepKind::ProduceResponseReceived);
    s.node = "producer-1";
    s.request = request;
    s.partition = partition;
    s.batch = batch;
    s.error = error_named(error);
    return last();
  }
  std::size_t expired(std::int32_t partition, std::int64_t batch) {
    Step& s = add(StepKind::BatchExpired);
    s.node = "producer-1";
    s.partition = partition;
    s.batch = batch;
    return last();
  }
  // Transactions: a send inside application transaction `txn`, the
  // coordinator's decision, commitTransaction returning.
  std::size_t txn_send(std::int64_t record, std::int64_t send, std::int64_t txn, std::int32_t partition = 0) {
    const std::size_t i = this->send(record, send, partition);
    h_.steps[i].transaction = txn;
    return i;
  }
  std::size_t decided(std::int64_t txn, bool commit, std::int64_t pid = -1, std::int32_t epoch = -1) {
    Step& s = add(StepKind::TransactionStateChanged);
    s.node = "broker-0";
    s.transaction = txn;
    s.producer_id = pid;
    s.producer_epoch = epoch;
    s.detail = commit ? "Ongoing -> PrepareCommit" : "Ongoing -> PrepareAbort";
    return last();
  }
  std::size_t epoch(std::int32_t instance, std::int64_t pid, std::int32_t epoch) {
    const std::size_t i = producer_id(instance, pid);
    h_.steps[i].producer_epoch = epoch;
    return i;
  }
  std::size_t hanging(std::int32_t partition, std::int64_t first_offset, std::int64_t pid) {
    Step& s = add(StepKind::TransactionHanging);
    s.node = "consumer";
    s.partition = partition;
    s.offset = first_offset;
    s.producer_id = pid;
    s.producer_epoch = 0;
    s.detail = "no marker will end it";
    return last();
  }
  std::size_t committed(std::int64_t txn) {
    Step& s = add(StepKind::TransactionEnded);
    s.node = "app";
    s.transaction = txn;
    s.detail = "committed";
    return last();
  }
  std::size_t txn_read(std::int32_t partition, std::int64_t offset, std::int64_t record, std::int64_t send,
                       std::int64_t txn, std::int64_t batch = -1, std::int32_t epoch = -1, std::int64_t pid = 1000) {
    const std::size_t i = read(partition, offset, record, send, pid, 1, epoch);
    h_.steps[i].transaction = txn;
    h_.steps[i].batch = batch;
    return i;
  }
  // The group's committed offset moved to `offset` (by transaction `txn`'s
  // COMMIT marker, or by the consumer with txn -1).
  std::size_t offsets_committed(std::int64_t offset, std::int64_t txn = -1, std::int64_t pid = 1000) {
    Step& s = add(StepKind::OffsetsCommitted);
    s.node = "broker-0";
    s.offset = offset;
    s.transaction = txn;
    s.producer_id = txn >= 0 ? pid : -1;
    return last();
  }
  std::size_t offline(std::int32_t partition) {
    add(StepKind::ConsumerRead).partition = partition;
    return last();
  }
  const History& history() const { return h_; }

 private:
  Step& add(StepKind kind) {
    Step& s = h_.steps.emplace_back();
    s.kind = kind;
    s.time_ms = static_cast<std::int64_t>(h_.steps.size());
    return s;
  }
  std::size_t last() const { return h_.steps.size() - 1; }
  History h_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---------------------------------------------------------------- no_duplicates_within_session

TEST(NoDuplicatesWithinSession, RetryWrittenTwiceUnderOneInstanceIsOneDuplicate) {
  HistoryBuilder b;
  const auto s0 = b.send(0, 0);
  b.send(1, 1);
  const auto r0 = b.read(0, 0, 0, 0);
  b.read(0, 1, 1, 1);
  const auto r2 = b.read(0, 2, 0, 0);
  const auto found = check_no_duplicates_within_session(b.history());
  ASSERT_EQ(found.size(), 1u);
  const Anomaly& a = found[0];
  EXPECT_EQ(a.guarantee, "no_duplicates_within_session");
  EXPECT_EQ(a.kind, "duplicate");
  EXPECT_EQ(a.partition, 0);
  EXPECT_EQ(a.records, Ids{0});
  EXPECT_EQ(a.sends, Ids{0});
  EXPECT_EQ(a.offsets, (Ids{0, 2}));
  EXPECT_EQ(a.instance, 1);
  EXPECT_EQ(a.producer_id, -1);
  EXPECT_EQ(a.steps, (Steps{s0, r0, r2}));
  EXPECT_EQ(a.summary, "send 0 (record 0) appended twice under producer instance 1 on p0: offsets 0 and 2");
}

TEST(NoDuplicatesWithinSession, AnEpochBumpDoesNotEndTheProducerIdSession) {
  HistoryBuilder b;
  b.send(0, 0);
  b.read(0, 0, 0, 0, 1000, 1, 0);
  b.read(0, 1, 0, 0, 1000, 1, 1);
  b.read(0, 2, 0, 0, 1000, 1, 1);
  const auto found = check_no_duplicates_within_session(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].producer_id, 1000);
  EXPECT_EQ(found[0].offsets, (Ids{0, 1, 2}));
  EXPECT_TRUE(contains(found[0].summary, "appended 3 times under producer 1000 on p0: offsets 0, 1 and 2"));
}

TEST(NoDuplicatesWithinSession, AnApplicationResendOfARecordIsANewSend) {
  HistoryBuilder b;
  b.send(0, 0);
  b.callback(0, 0, -1, "TimeoutException");
  b.send(0, 1);
  b.read(0, 0, 0, 0, 1000);
  b.read(0, 1, 0, 1, 1000);
  EXPECT_TRUE(check_no_duplicates_within_session(b.history()).empty());
  EXPECT_EQ(check_no_duplicates(b.history()).size(), 1u);  // the record is there twice all the same
}

TEST(NoDuplicatesWithinSession, OneSendUnderTwoProducerIdsIsTwoSessions) {
  HistoryBuilder b;
  b.send(0, 0);
  b.read(0, 0, 0, 0, 1000);
  b.read(0, 1, 0, 0, 1001, 2);
  EXPECT_TRUE(check_no_duplicates_within_session(b.history()).empty());
  EXPECT_EQ(check_no_duplicates(b.history()).size(), 1u);
}

TEST(NoDuplicatesWithinSession, EachDuplicatedSendIsItsOwnAnomalyInLogOrder) {
  HistoryBuilder b;
  for (int i : {1, 0, 1, 0}) b.read(0, static_cast<std::int64_t>(b.history().steps.size()), i, i);
  const auto found = check_no_duplicates_within_session(b.history());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].sends, Ids{1});
  EXPECT_EQ(found[1].sends, Ids{0});
  EXPECT_EQ(found[0].steps, (Steps{0, 2}));  // no SendCalled in this history: the reads alone
}

// ---------------------------------------------------------------- no_duplicates

TEST(NoDuplicates, ARestartResendUnderANewProducerIdIsADuplicateRecord) {
  HistoryBuilder b;
  b.producer_id(1, 1000);
  const auto s0 = b.send(0, 0);
  b.producer_id(2, 1001);
  const auto s1 = b.send(0, 1, 0, 2);
  const auto r0 = b.read(0, 0, 0, 0, 1000, 1);
  const auto r1 = b.read(0, 1, 0, 1, 1001, 2);
  const auto found = check_no_duplicates(b.history());
  ASSERT_EQ(found.size(), 1u);
  const Anomaly& a = found[0];
  EXPECT_EQ(a.guarantee, "no_duplicates");
  EXPECT_EQ(a.kind, "duplicate");
  EXPECT_EQ(a.partition, 0);
  EXPECT_EQ(a.records, Ids{0});
  EXPECT_EQ(a.sends, (Ids{0, 1}));
  EXPECT_EQ(a.offsets, (Ids{0, 1}));
  EXPECT_EQ(a.producer_id, -1);  // two sessions
  EXPECT_EQ(a.instance, -1);
  EXPECT_EQ(a.steps, (Steps{s0, s1, r0, r1}));
  EXPECT_EQ(a.summary,
            "record 0 appended twice: p0 offset 0 (send 0, producer 1000) and p0 offset 1 (send 1, producer 1001)");
}

TEST(NoDuplicates, CopiesInTwoPartitionsNameNoSinglePartition) {
  HistoryBuilder b;
  b.read(0, 0, 7, 0);
  b.read(1, 0, 7, 3);
  const auto found = check_no_duplicates(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].partition, -1);
  EXPECT_EQ(found[0].instance, 1);
  EXPECT_TRUE(contains(found[0].summary, "p0 offset 0 (send 0, producer instance 1) and p1 offset 0"));
}

TEST(NoDuplicates, DistinctRecordsAndAnOfflinePartitionAreFine) {
  HistoryBuilder b;
  b.read(0, 0, 0, 0);
  b.read(0, 1, 1, 1);
  b.offline(1);
  b.offline(2);
  EXPECT_TRUE(check_no_duplicates(b.history()).empty());
}

// ---------------------------------------------------------------- order_within_session

TEST(OrderWithinSession, ALaterSendAppendedFirstIsOneInversion) {
  HistoryBuilder b;
  b.send(0, 0);
  const auto s1 = b.send(1, 1);
  const auto s2 = b.send(2, 2);
  b.read(0, 0, 0, 0);
  const auto r2 = b.read(0, 1, 2, 2);
  const auto r1 = b.read(0, 2, 1, 1);
  const auto found = check_order_within_session(b.history());
  ASSERT_EQ(found.size(), 1u);
  const Anomaly& a = found[0];
  EXPECT_EQ(a.guarantee, "order_within_session");
  EXPECT_EQ(a.kind, "nonmonotonic-send");
  EXPECT_EQ(a.partition, 0);
  EXPECT_EQ(a.sends, (Ids{2, 1}));  // log order
  EXPECT_EQ(a.records, (Ids{2, 1}));
  EXPECT_EQ(a.offsets, (Ids{1, 2}));
  EXPECT_EQ(a.instance, 1);
  EXPECT_EQ(a.steps, (Steps{s1, s2, r2, r1}));
  EXPECT_EQ(a.summary,
            "send 1 (record 1) was called before send 2 (record 2) but is appended after it under producer "
            "instance 1 on p0: offsets 2 and 1");
}

TEST(OrderWithinSession, OneRetryOvertakenByThreeIsOneAdjacentInversion) {
  HistoryBuilder b;
  std::int64_t offset = 0;
  for (std::int64_t send : {0, 2, 3, 4, 1, 5}) b.read(0, offset++, send, send, 1000);
  const auto found = check_order_within_session(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sends, (Ids{4, 1}));
  EXPECT_EQ(found[0].producer_id, 1000);
  EXPECT_TRUE(contains(found[0].summary, "under producer 1000 on p0: offsets 4 and 3"));
}

TEST(OrderWithinSession, SessionsAndPartitionsAreNotOrderedAgainstEachOther) {
  HistoryBuilder b;
  b.read(0, 0, 5, 5, -1, 1);
  b.read(0, 1, 3, 3, -1, 2);  // another instance
  b.read(0, 2, 2, 2, 1001);   // an idempotent session
  b.read(1, 0, 1, 1, -1, 1);  // instance 1 again, another partition
  EXPECT_TRUE(check_order_within_session(b.history()).empty());
}

TEST(OrderWithinSession, ALateDuplicateCopyIsJudgedByItsFirstCopy) {
  HistoryBuilder b;
  b.read(0, 0, 0, 0);
  b.read(0, 1, 1, 1);
  b.read(0, 2, 0, 0);  // send 0 again, after send 1: a duplicate, not a reordering
  EXPECT_TRUE(check_order_within_session(b.history()).empty());
}

// ---------------------------------------------------------------- no_lost_acknowledged_writes

TEST(NoLostAcknowledgedWrites, AnAcknowledgedRecordTruncatedAwayIsLost) {
  HistoryBuilder b;
  b.config("acks", "1");
  b.producer_id(1, 1000);
  const auto s0 = b.send(0, 0);
  const auto cb = b.callback(0, 0, 0);
  const auto cut = b.truncated(0, 0);
  const auto found = check_no_lost_acknowledged_writes(b.history());
  ASSERT_EQ(found.size(), 1u);
  const Anomaly& a = found[0];
  EXPECT_EQ(a.guarantee, "no_lost_acknowledged_writes");
  EXPECT_EQ(a.kind, "lost-write");
  EXPECT_EQ(a.partition, 0);
  EXPECT_EQ(a.records, Ids{0});
  EXPECT_EQ(a.sends, Ids{0});
  EXPECT_EQ(a.offsets, Ids{0});
  EXPECT_EQ(a.producer_id, 1000);
  EXPECT_EQ(a.instance, 1);
  EXPECT_EQ(a.steps, (Steps{s0, cb, cut}));
  EXPECT_EQ(a.summary,
            "send 0 (record 0) acknowledged at p0 offset 0 is missing from p0's final log (0 records read); p0 was "
            "truncated to offset 0");
}

TEST(NoLostAcknowledgedWrites, AFailedCallbackPromisesNothing) {
  HistoryBuilder b;
  b.send(0, 0);
  b.callback(0, 0, -1, "TimeoutException");
  EXPECT_TRUE(check_no_lost_acknowledged_writes(b.history()).empty());
}

TEST(NoLostAcknowledgedWrites, AcksZeroAcknowledgesWithoutAnOffsetAndCanLose) {
  HistoryBuilder b;
  b.config("acks", "0");
  b.send(0, 0);
  b.send(1, 1);
  b.callback(0, 0, -1);
  b.callback(1, 1, -1);
  b.read(0, 0, 1, 1);
  const auto found = check_no_lost_acknowledged_writes(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sends, Ids{0});
  EXPECT_EQ(found[0].summary,
            "send 0 (record 0) acknowledged without an offset (-1) is missing from p0's final log (1 records read)");
}

TEST(NoLostAcknowledgedWrites, TheSendIsLookedForInItsOwnPartition) {
  HistoryBuilder b;
  b.send(0, 0, 1);
  b.callback(0, 0, 0);
  b.read(0, 0, 0, 0);  // the same send id in another partition does not count
  b.offline(1);
  const auto found = check_no_lost_acknowledged_writes(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].partition, 1);
  EXPECT_TRUE(contains(found[0].summary, "is unreadable: p1 has no leader at the end"));
}

// A callback whose send() step and partition are unknown (a history cut
// from a longer one) is looked for in every partition (a mutant flipping
// in_log's "anywhere" branch survived before this test).
TEST(NoLostAcknowledgedWrites, ASendOfUnknownPartitionIsLookedForInEveryPartition) {
  HistoryBuilder b;
  b.callback(7, 3, 0);  // no SendCalled for send 7: partition unknown
  b.read(2, 0, 3, 7);
  EXPECT_TRUE(check_no_lost_acknowledged_writes(b.history()).empty());
  HistoryBuilder lost;
  lost.callback(7, 3, 0);
  lost.read(2, 0, 4, 8);
  EXPECT_EQ(check_no_lost_acknowledged_writes(lost.history()).size(), 1u);
}

TEST(NoLostAcknowledgedWrites, AnAcknowledgedSendInTheLogIsKept) {
  HistoryBuilder b;
  b.send(0, 0);
  b.callback(0, 0, 1);
  b.read(0, 0, 0, 0);
  EXPECT_TRUE(check_no_lost_acknowledged_writes(b.history()).empty());  // a wrong offset is another checker's
}

// ---------------------------------------------------------------- acknowledged_offsets_correct

TEST(AcknowledgedOffsetsCorrect, AcksZeroOffsetsMinusOneAreFine) {
  HistoryBuilder b;
  b.config("acks", "0");
  b.send(0, 0);
  b.callback(0, 0, -1);
  b.read(0, 0, 0, 0);
  EXPECT_TRUE(check_acknowledged_offsets_correct(b.history()).empty());
}

TEST(AcknowledgedOffsetsCorrect, MinusOneWithAcksAllIsInconsistent) {
  HistoryBuilder b;
  b.config("acks", "all");
  const auto s0 = b.send(0, 0);
  const auto cb = b.callback(0, 0, -1);
  const auto r0 = b.read(0, 0, 0, 0);
  const auto found = check_acknowledged_offsets_correct(b.history());
  ASSERT_EQ(found.size(), 1u);
  const Anomaly& a = found[0];
  EXPECT_EQ(a.guarantee, "acknowledged_offsets_correct");
  EXPECT_EQ(a.kind, "inconsistent-offsets");
  EXPECT_EQ(a.offsets, (Ids{-1, 0}));  // acknowledged, then where it is
  EXPECT_EQ(a.steps, (Steps{s0, cb, r0}));
  EXPECT_EQ(a.summary,
            "send 0 (record 0) acknowledged at p0 offset -1 although acks is all (-1 only with acks=0); it is at "
            "offset 0");
}

TEST(AcknowledgedOffsetsCorrect, ATruncatedAcknowledgedRecordLosesItsOffsetToAnother) {
  HistoryBuilder b;
  b.config("acks", "1");
  const auto s0 = b.send(0, 0);
  const auto cb = b.callback(0, 0, 0);
  b.truncated(0, 0);
  b.send(1, 1);
  b.callback(1, 1, 0);
  const auto r0 = b.read(0, 0, 1, 1);
  const auto found = check_acknowledged_offsets_correct(b.history());
  ASSERT_EQ(found.size(), 1u);
  const Anomaly& a = found[0];
  EXPECT_EQ(a.sends, Ids{0});
  EXPECT_EQ(a.offsets, Ids{0});
  EXPECT_EQ(a.steps, (Steps{s0, cb, r0}));
  EXPECT_EQ(a.summary,
            "send 0 (record 0) acknowledged at p0 offset 0, but offset 0 holds send 1 (record 1); it is not in the "
            "final log");
  // ... and the same history is a lost write.
  const auto lost = check_no_lost_acknowledged_writes(b.history());
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].sends, Ids{0});
}

TEST(AcknowledgedOffsetsCorrect, AnOffsetNoRecordHoldsWhileTheSendIsElsewhere) {
  HistoryBuilder b;
  b.send(0, 0);
  b.callback(0, 0, 5);
  b.read(0, 0, 0, 0);
  const auto found = check_acknowledged_offsets_correct(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].offsets, (Ids{5, 0}));
  EXPECT_TRUE(contains(found[0].summary, "but no record is at that offset; it is at offset 0"));
}

TEST(AcknowledgedOffsetsCorrect, RightOffsetsAndAFailedCallbackAreNotInconsistent) {
  HistoryBuilder b;
  b.config("acks", "all");
  b.send(0, 0);
  b.callback(0, 0, 1);  // the retry's copy of a duplicate: that send is there
  b.send(1, 1);
  b.callback(1, 1, 7, "TimeoutException");  // no offset promised
  b.read(0, 0, 0, 0);
  b.read(0, 1, 0, 0);
  EXPECT_TRUE(check_acknowledged_offsets_correct(b.history()).empty());
}

// The guarantee's text: the offset is where that send is in the final log.
// A send that is nowhere is not at its offset either (and is a lost write).
TEST(AcknowledgedOffsetsCorrect, AnAcknowledgedSendMissingFromTheLogHasAWrongOffset) {
  HistoryBuilder b;
  b.config("acks", "all");
  b.send(0, 0);
  b.callback(0, 0, 0);
  b.send(2, 2);
  b.callback(2, 2, 2);  // lost, and no other record took offset 2
  b.read(0, 0, 0, 0);
  const auto found = check_acknowledged_offsets_correct(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sends, (Ids{2}));
  EXPECT_TRUE(contains(found[0].summary, "but no record is at that offset; it is not in the final log"));
}

// ---------------------------------------------------------------- no_send_failed_out_of_order

// KAFKA-15591's outcome: batch 0 (sequence 0) refused unwritten, batch 1
// (sequence 1) written by a leader with no state for the producer and its
// success delivered; batch 0's retries are refused as out of order until
// delivery.timeout.ms expires it.
struct StrandedBatch {
  HistoryBuilder b;
  std::size_t send0 = 0, ahead = 0, refusal1 = 0, refusal2 = 0, gave_up = 0, callback0 = 0;
};

StrandedBatch stranded_batch() {
  StrandedBatch t;
  HistoryBuilder& b = t.b;
  b.producer_id(1, 1000);
  t.send0 = b.send(0, 0);
  b.send(1, 1);
  b.rejected(1, 0, 0, 1000, 0, 0, "NOT_LEADER_OR_FOLLOWER");
  t.ahead = b.appended(0, 1, 1000, 0, 1, 0, true);
  b.response(2, 0, 1, "NONE");
  b.callback(1, 1, 0);
  b.response(1, 0, 0, "NOT_LEADER_OR_FOLLOWER");
  t.refusal1 = b.rejected(3, 0, 0, 1000, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  b.response(3, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  t.refusal2 = b.rejected(4, 0, 0, 1000, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  b.response(4, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  t.gave_up = b.expired(0, 0);
  t.callback0 = b.callback(0, 0, -1, "TimeoutException");
  b.read(0, 0, 1, 1, 1000, 1, 0);
  return t;
}

TEST(NoSendFailedOutOfOrder, ABatchRefusedBehindItsOwnLaterBatchUntilItExpiresIsOneFailedSend) {
  const StrandedBatch t = stranded_batch();
  const auto found = check_no_send_failed_out_of_order(t.b.history());
  ASSERT_EQ(found.size(), 1u);
  const Anomaly& a = found[0];
  EXPECT_EQ(a.guarantee, "no_send_failed_out_of_order");
  EXPECT_EQ(a.kind, "failed-send");
  EXPECT_EQ(a.partition, 0);
  EXPECT_EQ(a.sends, Ids{0});
  EXPECT_EQ(a.records, Ids{0});
  EXPECT_EQ(a.producer_id, 1000);
  EXPECT_EQ(a.instance, 1);
  EXPECT_EQ(a.steps, (Steps{t.ahead, t.refusal1, t.refusal2, t.gave_up, t.callback0}));
  EXPECT_EQ(a.summary,
            "send 0 (record 0) on p0 failed with TimeoutException and was never written: producer 1000's batch 0 "
            "(epoch 0, sequence 0) was refused OUT_OF_ORDER_SEQUENCE_NUMBER twice because the leader had already "
            "written the later sequence 1 (batch 1, offset 0), a gap no retry of it can close");
}

TEST(NoSendFailedOutOfOrder, ARefusedBatchWrittenAfterAnEpochBumpIsNotFailed) {
  StrandedBatch t = stranded_batch();
  t.b.appended(0, 0, 1000, 1, 0, 1);  // renumbered to sequence 0 of epoch 1 and written: not lost
  EXPECT_TRUE(check_no_send_failed_out_of_order(t.b.history()).empty());
}

// 03-not-leader-then-out-of-order-idempotent: batches behind a refused one
// are refused as out of order while nothing later is written; they retry and land.
TEST(NoSendFailedOutOfOrder, OutOfOrderBehindAnEarlierGapOrATimeoutAloneIsNotIt) {
  HistoryBuilder b;
  b.send(0, 0);
  b.send(1, 1);
  b.appended(0, 0, 1000, 0, 0, 0);
  b.rejected(2, 0, 1, 1000, 0, 1, "NOT_LEADER_OR_FOLLOWER");
  b.rejected(3, 0, 2, 1000, 0, 2, "OUT_OF_ORDER_SEQUENCE_NUMBER");  // behind the gap, nothing later written
  b.expired(0, 2);
  b.callback(2, 2, -1, "TimeoutException");
  b.expired(0, 1);  // a plain delivery timeout
  b.callback(1, 1, -1, "TimeoutException");
  EXPECT_TRUE(check_no_send_failed_out_of_order(b.history()).empty());
}

// Found by PromisesProperty (seed 1): the refusal's answer was lost with a
// crashed leader and every later answer was NOT_ENOUGH_REPLICAS until the
// batch expired: it failed for the cluster's unavailability.
TEST(NoSendFailedOutOfOrder, ABatchWhoseLastAnswerWasNotOutOfOrderFailedForAnotherReason) {
  HistoryBuilder b;
  b.send(0, 0);
  b.appended(0, 1, 1000, 0, 1, 0, true);
  b.rejected(3, 0, 0, 1000, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  b.response(3, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  b.rejected(4, 0, 0, 1000, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");  // answer lost
  b.response(5, 0, 0, "NOT_ENOUGH_REPLICAS");
  b.expired(0, 0);
  b.callback(0, 0, -1, "TimeoutException");
  EXPECT_TRUE(check_no_send_failed_out_of_order(b.history()).empty());
}

TEST(NoSendFailedOutOfOrder, AnotherProducerIdOrEpochWritingAheadIsNotItsOwnGap) {
  for (const auto& [pid, epoch] : std::vector<std::pair<std::int64_t, std::int32_t>>{{2000, 0}, {1000, 1}}) {
    HistoryBuilder b;
    b.send(0, 0);
    b.appended(0, 9, pid, epoch, 1, 0);
    b.rejected(3, 0, 0, 1000, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
    b.response(3, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
    b.expired(0, 0);
    b.callback(0, 0, -1, "TimeoutException");
    EXPECT_TRUE(check_no_send_failed_out_of_order(b.history()).empty()) << pid << " " << epoch;
  }
}

// ---------------------------------------------------------------- registry

// ---------------------------------------------------------------- no_aborted_reads

TEST(NoAbortedReads, ARecordOfAnAbortedTransactionReadIsAnAbortedRead) {
  HistoryBuilder b;
  b.config("isolation.level", "read_uncommitted");
  const std::size_t sent = b.txn_send(7, 3, 2);
  const std::size_t abort = b.decided(2, false);
  const std::size_t read = b.txn_read(0, 5, 7, 3, 2);
  const auto found = check_no_aborted_reads(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "G1a");
  EXPECT_EQ(found[0].sends, (Ids{3}));
  EXPECT_EQ(found[0].offsets, (Ids{5}));
  EXPECT_EQ(found[0].steps, (Steps{sent, abort, read}));  // the record, its transaction, the abort
  EXPECT_TRUE(contains(found[0].summary, "transaction 2, which the coordinator aborted")) << found[0].summary;
  EXPECT_TRUE(contains(found[0].summary, "read_uncommitted consumer")) << found[0].summary;
}

TEST(NoAbortedReads, CommittedOpenAndNonTransactionalReadsAreNotAbortedReads) {
  HistoryBuilder b;
  b.txn_send(0, 0, 0);
  b.decided(0, true);
  b.txn_send(1, 1, 1);  // open
  b.send(2, 2);         // outside transactions
  b.txn_read(0, 0, 0, 0, 0);
  b.txn_read(0, 1, 1, 1, 1);
  b.read(0, 2, 2, 2);
  EXPECT_TRUE(check_no_aborted_reads(b.history()).empty());
}

TEST(NoAbortedReads, TheTransactionOfARecordIsItsSendsWhenTheReadDoesNotSay) {
  HistoryBuilder b;
  b.txn_send(0, 0, 4);
  b.decided(4, false);
  b.read(0, 0, 0, 0);  // no transaction on the read step
  EXPECT_EQ(check_no_aborted_reads(b.history()).size(), 1u);
}

// ---------------------------------------------------------------- transactions_atomic

TEST(TransactionsAtomic, PartOfACommittedTransactionReadIsTorn) {
  HistoryBuilder b;
  b.config("isolation.level", "read_committed");
  b.txn_send(0, 0, 1);
  b.txn_send(1, 1, 1, 1);
  b.txn_send(2, 2, 1);
  const std::size_t commit = b.decided(1, true);
  b.txn_read(0, 0, 0, 0, 1);
  b.txn_read(0, 1, 2, 2, 1);  // send 1 (partition 1) is missing
  const auto found = check_transactions_atomic(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "torn-transaction");
  EXPECT_EQ(found[0].sends, (Ids{0, 1, 2}));
  EXPECT_TRUE(contains(found[0].summary, "sends 0 and 2 are in the log, sends 1 are not")) << found[0].summary;
  EXPECT_NE(std::find(found[0].steps.begin(), found[0].steps.end(), commit), found[0].steps.end());
}

TEST(TransactionsAtomic, ARecordOfAnUndecidedTransactionReadIsReported) {
  HistoryBuilder b;
  b.txn_send(0, 0, 3);
  const std::size_t read = b.txn_read(0, 0, 0, 0, 3);
  const auto found = check_transactions_atomic(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(contains(found[0].summary, "never decided")) << found[0].summary;
  EXPECT_EQ(found[0].steps.back(), read);
}

TEST(TransactionsAtomic, AllOrNoneOfACommittedTransactionAndAnAbortedOneAreAtomic) {
  HistoryBuilder b;
  b.txn_send(0, 0, 0);
  b.txn_send(1, 1, 0);
  b.decided(0, true);
  b.txn_send(2, 2, 1);
  b.txn_send(3, 3, 1);
  b.decided(1, true);  // committed, none of it read (held back by the LSO): atomic
  b.txn_send(4, 4, 2);
  b.decided(2, false);  // aborted: no_aborted_reads' business, not this one's
  b.txn_read(0, 0, 0, 0, 0);
  b.txn_read(0, 1, 1, 1, 0);
  b.txn_read(0, 2, 4, 4, 2);
  EXPECT_TRUE(check_transactions_atomic(b.history()).empty());
}

TEST(TransactionsAtomic, ASendOfAnAbortedTransactionIsNotAnAcknowledgedWrite) {
  HistoryBuilder b;
  b.txn_send(0, 0, 0);
  b.callback(0, 0, 0);  // acknowledged, then the transaction aborted: not in a read_committed log
  b.decided(0, false);
  b.txn_send(1, 1, 1);
  b.callback(1, 1, 2);
  b.decided(1, true);
  b.committed(1);
  b.txn_read(0, 2, 1, 1, 1);
  EXPECT_TRUE(check_no_lost_acknowledged_writes(b.history()).empty());
  EXPECT_TRUE(check_acknowledged_offsets_correct(b.history()).empty());
  HistoryBuilder c;
  c.txn_send(1, 1, 1);
  c.callback(1, 1, 2);
  c.decided(1, true);
  c.committed(1);
  c.read(0, 0, 9, 9);
  EXPECT_EQ(check_no_lost_acknowledged_writes(c.history()).size(), 1u);
}

// ---------------------------------------------------------------- zombie_fenced

TEST(ZombieFenced, ACommitUnderAnEpochOlderThanTheNewestHandedOutIsAZombie) {
  HistoryBuilder b;
  b.epoch(1, 1000, 0);
  b.txn_send(0, 0, 0);
  const std::size_t newer = b.epoch(2, 1000, 1);  // a new instance initialised
  const std::size_t commit = b.decided(0, true, 1000, 0);
  const auto found = check_zombie_fenced(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "zombie-write");
  EXPECT_EQ(found[0].steps, (Steps{newer, commit}));
  EXPECT_TRUE(contains(found[0].summary, "committed under epoch 0 after InitProducerId had handed out epoch 1"))
      << found[0].summary;
}

TEST(ZombieFenced, AnOldEpochsBatchAppendedAfterTheNewEpochAndReadIsAZombieWrite) {
  HistoryBuilder b;
  b.epoch(1, 1000, 0);
  b.txn_send(0, 0, 0);
  b.epoch(2, 1000, 1);
  const std::size_t append = b.appended(0, 7, 1000, 0, 0, 0);
  b.decided(0, true, 1000, 0);  // a zombie commit too
  const std::size_t read = b.txn_read(0, 0, 0, 0, 0, 7, 0);
  const auto found = check_zombie_fenced(b.history());
  ASSERT_EQ(found.size(), 2u);  // the commit, then the read
  EXPECT_EQ(found[1].offsets, (Ids{0}));
  EXPECT_NE(std::find(found[1].steps.begin(), found[1].steps.end(), append), found[1].steps.end());
  EXPECT_EQ(found[1].steps.back(), read);
  EXPECT_TRUE(contains(found[1].summary, "under epoch 0 after InitProducerId had handed out epoch 1")) << found[1].summary;
}

// Producer id 0 is a real one: the controller's first producer id block
// starts at 0 (ProducerIdControlManager from ProducerIdsBlock.EMPTY, first id
// 0), so its zombie write counts too.
TEST(ZombieFenced, ProducerIdZeroIsAProducerIdToo) {
  HistoryBuilder b;
  b.epoch(1, 0, 0);
  b.txn_send(0, 0, 0);
  b.epoch(2, 0, 1);
  const std::size_t append = b.appended(0, 7, 0, 0, 0, 0);
  const std::size_t read = b.txn_read(0, 0, 0, 0, 0, 7, 0, 0);
  const auto found = check_zombie_fenced(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].producer_id, 0);
  EXPECT_EQ(found[0].steps.back(), read);
  EXPECT_NE(std::find(found[0].steps.begin(), found[0].steps.end(), append), found[0].steps.end());
}

TEST(ZombieFenced, AFencedEpochsAbortedOrEarlierWritesAndCurrentCommitsAreFine) {
  HistoryBuilder b;
  b.epoch(1, 1000, 0);
  b.txn_send(0, 0, 0);
  b.appended(0, 7, 1000, 0, 0, 0);  // written before the new epoch existed
  b.epoch(2, 1000, 1);
  b.decided(0, false, 1000, 1);  // the fence aborts it under epoch + 1
  b.txn_send(1, 1, 1);
  b.decided(1, true, 1000, 1);
  b.txn_read(0, 0, 0, 0, 0);  // an aborted read is no_aborted_reads' business
  EXPECT_TRUE(check_zombie_fenced(b.history()).empty());
}

// ---------------------------------------------------------------- last_stable_offset_advances

TEST(LastStableOffsetAdvances, AnOpenTransactionNoMarkerWillEndIsAHangingTransaction) {
  HistoryBuilder b;
  const std::size_t marker = b.decided(0, false, 1000, 0);  // (a marker-like step of another kind is not evidence)
  const std::size_t late = b.appended(0, 4, 1000, 0, 3, 7);  // a late batch after its transaction ended
  const std::size_t hang = b.hanging(0, 7, 1000);
  const auto found = check_last_stable_offset_advances(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "hanging-transaction");
  EXPECT_EQ(found[0].offsets, (Ids{7}));
  EXPECT_EQ(found[0].steps, (Steps{late, hang}));
  EXPECT_TRUE(contains(found[0].summary, "p0 holds an open transaction of producer 1000 from offset 7")) << found[0].summary;
  (void)marker;
}

TEST(LastStableOffsetAdvances, NoHangingStepNoAnomaly) {
  HistoryBuilder b;
  b.txn_send(0, 0, 0);
  b.decided(0, true, 1000, 0);
  b.txn_read(0, 0, 0, 0, 0);
  EXPECT_TRUE(check_last_stable_offset_advances(b.history()).empty());
}

// ---------------------------------------------------------------- exactly_once_consume_process_produce

// Transactions 0 and 1 each consume two input offsets and commit them with
// their outputs (sendOffsetsToTransaction): exactly once.
HistoryBuilder consume_process_produce_history() {
  HistoryBuilder b;
  b.config("group.id", "g-1").config("isolation.level", "read_committed");
  b.txn_send(0, 0, 0);
  b.txn_send(1, 1, 0);
  b.decided(0, true);
  b.offsets_committed(2, 0);
  b.txn_send(2, 2, 1);
  b.txn_send(3, 3, 1);
  b.decided(1, true);
  b.offsets_committed(4, 1);
  b.txn_read(0, 0, 0, 0, 0);
  b.txn_read(0, 1, 1, 1, 0);
  b.txn_read(0, 3, 2, 2, 1);
  b.txn_read(0, 4, 3, 3, 1);
  return b;
}

TEST(ExactlyOnceConsumeProcessProduce, EachInputOnceWithItsOffsetsHolds) {
  EXPECT_TRUE(check_exactly_once_consume_process_produce(consume_process_produce_history().history()).empty());
}

// Not consume-transform-produce (no group.id), or no offset ever committed: nothing to judge.
TEST(ExactlyOnceConsumeProcessProduce, WithoutAGroupOrACommittedOffsetNothingIsChecked) {
  HistoryBuilder b;
  b.txn_send(0, 0, 0);
  b.txn_read(0, 0, 0, 0, 0);
  b.txn_read(0, 1, 0, 1, 1);
  b.offsets_committed(1);
  EXPECT_TRUE(check_exactly_once_consume_process_produce(b.history()).empty());
  HistoryBuilder g;
  g.config("group.id", "g-1");
  g.txn_read(0, 0, 0, 0, 0);
  EXPECT_TRUE(check_exactly_once_consume_process_produce(g.history()).empty());
}

// Offsets committed outside the transaction (auto-commit) lag the outputs: a
// restarted instance processes input 0 and 1 again from the committed offset
// 0, and the consumer's close() commits 2 at the end. Both outputs twice.
TEST(ExactlyOnceConsumeProcessProduce, ReprocessedInputIsADuplicateOutput) {
  HistoryBuilder b;
  b.config("group.id", "g-1");
  b.txn_send(0, 0, 0);
  b.txn_send(1, 1, 0);
  b.decided(0, true);
  b.txn_send(0, 2, 1);  // the restarted instance, from committed offset 0
  b.txn_send(1, 3, 1);
  b.decided(1, true);
  const std::size_t commit = b.offsets_committed(2);
  b.txn_read(0, 0, 0, 0, 0);
  b.txn_read(0, 1, 1, 1, 0);
  const std::size_t again = b.txn_read(0, 3, 0, 2, 1);
  b.txn_read(0, 4, 1, 3, 1);
  const auto found = check_exactly_once_consume_process_produce(b.history());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].records, (std::vector<std::int64_t>{0}));
  EXPECT_EQ(found[0].offsets, (std::vector<std::int64_t>{0, 3}));
  EXPECT_EQ(found[0].kind, "duplicate");
  EXPECT_TRUE(contains(found[0].summary, "duplicate output: input offset 0")) << found[0].summary;
  EXPECT_TRUE(std::find(found[0].steps.begin(), found[0].steps.end(), again) != found[0].steps.end());
  EXPECT_TRUE(std::find(found[0].steps.begin(), found[0].steps.end(), commit) != found[0].steps.end());
}

// An input below the committed offset with no output: consumed, never produced.
TEST(ExactlyOnceConsumeProcessProduce, CommittedInputWithoutOutputIsLost) {
  HistoryBuilder b;
  b.config("group.id", "g-1");
  b.txn_send(0, 0, 0);
  b.offsets_committed(2);
  b.txn_read(0, 0, 0, 0, 0);
  const auto found = check_exactly_once_consume_process_produce(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].records, (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(contains(found[0].summary, "lost input: input offset 1")) << found[0].summary;
}

// An output read whose input the group never committed: a restart processes it again.
TEST(ExactlyOnceConsumeProcessProduce, OutputBeyondTheCommittedOffsetIsUncommittedInput) {
  HistoryBuilder b = consume_process_produce_history();
  b.txn_send(4, 4, 2);
  b.decided(2, true);
  b.txn_read(0, 6, 4, 4, 2);
  const auto found = check_exactly_once_consume_process_produce(b.history());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].records, (std::vector<std::int64_t>{4}));
  EXPECT_TRUE(contains(found[0].summary, "uncommitted input")) << found[0].summary;
  EXPECT_TRUE(contains(found[0].summary, "committed offset is 4")) << found[0].summary;
}

// Transaction 1 committed offsets 2 -> 4 but its outputs are records 2 and 2
// (input 3 never produced, 2 twice in it): its offsets do not match.
TEST(ExactlyOnceConsumeProcessProduce, ATransactionsOffsetsMustMatchItsOutputs) {
  HistoryBuilder b;
  b.config("group.id", "g-1");
  b.txn_send(0, 0, 0);
  b.txn_send(1, 1, 0);
  b.offsets_committed(2, 0);
  b.txn_send(2, 2, 1);
  b.txn_send(2, 3, 1);
  b.offsets_committed(4, 1);
  b.txn_read(0, 0, 0, 0, 0);
  b.txn_read(0, 1, 1, 1, 0);
  b.txn_read(0, 3, 2, 2, 1);
  b.txn_read(0, 4, 2, 3, 1);
  const auto found = check_exactly_once_consume_process_produce(b.history());
  ASSERT_EQ(found.size(), 3u);  // input 2 twice, input 3 lost, transaction 1's offsets
  EXPECT_TRUE(contains(found[2].summary, "offsets mismatch: transaction 1 committed the group's offset 2 -> 4"))
      << found[2].summary;
  EXPECT_EQ(found[2].records, (std::vector<std::int64_t>{2, 2}));
}

TEST(Registry, ListsTheGuaranteesInTheContractOrder) {
  std::vector<std::string> names;
  for (const Guarantee& g : all_guarantees()) names.push_back(g.name);
  EXPECT_EQ(names, (std::vector<std::string>{"no_duplicates_within_session", "no_duplicates", "order_within_session",
                                             "no_lost_acknowledged_writes", "acknowledged_offsets_correct",
                                             "no_send_failed_out_of_order", "no_aborted_reads",
                                             "transactions_atomic", "zombie_fenced",
                                             "last_stable_offset_advances",
                                             "exactly_once_consume_process_produce"}));
  EXPECT_TRUE(find_guarantee("exactly_once_consume_process_produce")->consume_process_produce);
  EXPECT_FALSE(find_guarantee("transactions_atomic")->consume_process_produce);
  EXPECT_TRUE(find_guarantee("no_aborted_reads")->transactional);
  EXPECT_TRUE(find_guarantee("transactions_atomic")->transactional);
  EXPECT_FALSE(find_guarantee("no_duplicates")->transactional);
  EXPECT_EQ(find_guarantee("no_send_failed_out_of_order")->check, &check_no_send_failed_out_of_order);
  ASSERT_NE(find_guarantee("order_within_session"), nullptr);
  EXPECT_EQ(find_guarantee("order_within_session")->jepsen_name, "nonmonotonic-send");
  EXPECT_EQ(find_guarantee("order_within_session")->check, &check_order_within_session);
  EXPECT_EQ(find_guarantee("no_lost_acknowledged_writes")->jepsen_name, "lost-write");
  EXPECT_EQ(find_guarantee("exactly_once"), nullptr);
}

TEST(Registry, EveryAnomalyNamesItsGuaranteeAndJepsenKind) {
  HistoryBuilder b;  // one history violating all six
  b.config("acks", "1");
  b.send(0, 0);
  b.send(1, 1);
  b.send(2, 2);
  b.callback(2, 2, 0);
  b.send(3, 3);  // refused behind its own later batch (sequence 1) until it expired
  b.appended(0, 9, 1000, 0, 1, 5);
  b.rejected(7, 0, 8, 1000, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  b.response(7, 0, 8, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  b.expired(0, 8);
  b.callback(3, 3, -1, "TimeoutException");
  b.read(0, 0, 1, 1);
  b.read(0, 1, 0, 0);
  b.read(0, 2, 0, 0);
  b.txn_send(4, 4, 0);  // transaction 0 aborted but read; transaction 1 never decided but read
  b.decided(0, false);
  b.txn_send(5, 5, 1);
  b.txn_read(0, 3, 4, 4, 0);
  b.txn_read(0, 4, 5, 5, 1);
  b.epoch(2, 1000, 1);  // a new instance's epoch, then a commit under the old one
  b.decided(2, true, 1000, 0);
  b.hanging(0, 3, 1000);
  b.config("group.id", "g-1");  // consume-transform-produce: input 0 committed, its output read twice
  b.offsets_committed(1);
  for (const Guarantee& g : all_guarantees()) {
    const auto found = g.check(b.history());
    ASSERT_FALSE(found.empty()) << g.name;
    for (const Anomaly& a : found) {
      EXPECT_EQ(a.guarantee, g.name);
      EXPECT_EQ(a.kind, g.jepsen_name);
      EXPECT_FALSE(a.steps.empty()) << g.name;
    }
  }
}

// ---------------------------------------------------------------- real simulated histories

using testing::ScenarioRun;
using testing::simulate_ok;

// tests/model/scenarios_test.cpp's base: short timeouts, one record per batch.
RunSpec small_spec(bool idempotence, int records = 1) {
  RunSpec spec;
  spec.producer = {{"acks", "all"},           {"enable.idempotence", idempotence ? "true" : "false"},
                   {"request.timeout.ms", "1000"}, {"delivery.timeout.ms", "5000"},
                   {"retry.backoff.ms", "10"}, {"linger.ms", "0"},
                   {"batch.size", "100"}};
  spec.broker = {{"min.insync.replicas", "2"}, {"replica.lag.time.max.ms", "200"}, {"replica.fetch.wait.max.ms", "100"}};
  spec.workload.records = records;
  spec.workload.record_size_bytes = 100;
  return spec;
}

Fault drop_response(int request) { return Fault{.kind = FaultKind::DropResponse, .request = request}; }

std::vector<Anomaly> check_run(const RunSpec& spec, CheckFn check) {
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  return check(run.history());
}

TEST(RealHistory, ResponseLostIsAWithinSessionDuplicateOnlyWithoutIdempotence) {
  RunSpec spec = small_spec(false);
  spec.schedule.faults = {drop_response(1)};
  const auto found = check_run(spec, &check_no_duplicates_within_session);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sends, Ids{0});
  EXPECT_EQ(found[0].offsets, (Ids{0, 1}));
  spec.producer["enable.idempotence"] = "true";
  EXPECT_TRUE(check_run(spec, &check_no_duplicates_within_session).empty());
}

TEST(RealHistory, ProducerRestartWithoutTransactionalIdIsADuplicateRecord) {
  RunSpec spec = small_spec(true);
  spec.schedule.faults = {drop_response(1)};
  EXPECT_TRUE(check_run(spec, &check_no_duplicates).empty());
  spec.schedule.faults.push_back(Fault{.kind = FaultKind::ProducerRestart, .at_ms = 50});
  const auto found = check_run(spec, &check_no_duplicates);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].records, Ids{0});
  EXPECT_EQ(found[0].producer_id, -1);  // two producer ids
  EXPECT_TRUE(check_run(spec, &check_no_duplicates_within_session).empty());
}

TEST(RealHistory, NotLeaderOnTheSecondOfFiveReordersOnlyWithoutIdempotence) {
  RunSpec spec = small_spec(false, 6);
  spec.schedule.faults = {Fault{.kind = FaultKind::ErrorResponse, .request = 2,
                                .error = Errors::NOT_LEADER_OR_FOLLOWER}};
  const auto found = check_run(spec, &check_order_within_session);
  ASSERT_EQ(found.size(), 1u);
  // log 0 2 3 4 5 1: the sixth send leaves before the retry of the second (one
  // request per connection at a time, so it waited behind request 1 too)
  EXPECT_EQ(found[0].sends, (Ids{5, 1}));
  spec.producer["enable.idempotence"] = "true";
  EXPECT_TRUE(check_run(spec, &check_order_within_session).empty());
}

// acks=1, both followers stalled, the leader crashes after acknowledging.
RunSpec acks_one_leader_crash(int records) {
  RunSpec spec = small_spec(false, records);
  spec.producer["acks"] = "1";
  spec.workload.send_interval_ms = 60;  // the second send reaches the new leader
  spec.schedule.faults = {
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 0, .broker = 1, .duration_ms = 50},
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 0, .broker = 2, .duration_ms = 50},
      Fault{.kind = FaultKind::BrokerCrash, .at_ms = 20, .broker = 0},
      Fault{.kind = FaultKind::BrokerRestart, .at_ms = 100, .broker = 0},
  };
  return spec;
}

TEST(RealHistory, AcksOneLeaderCrashLosesAnAcknowledgedWriteAcksAllDoesNot) {
  RunSpec spec = acks_one_leader_crash(1);
  const auto found = check_run(spec, &check_no_lost_acknowledged_writes);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sends, Ids{0});
  EXPECT_TRUE(contains(found[0].summary, "truncated"));
  spec.producer["acks"] = "all";
  EXPECT_TRUE(check_run(spec, &check_no_lost_acknowledged_writes).empty());
}

TEST(RealHistory, AcksOneLeaderCrashGivesTheAcknowledgedOffsetToTheNextRecord) {
  const auto found = check_run(acks_one_leader_crash(2), &check_acknowledged_offsets_correct);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sends, Ids{0});
  EXPECT_TRUE(contains(found[0].summary, "but offset 0 holds send 1 (record 1)"));
}

TEST(RealHistory, AcksZeroOffsetsMinusOneAreConsistentButTheDropIsLost) {
  RunSpec spec = small_spec(false, 2);
  spec.producer["acks"] = "0";
  // The connection loses request 2 (and, TCP being ordered, all after it).
  spec.schedule.faults = {Fault{.kind = FaultKind::DropRequest, .request = 2}};
  EXPECT_TRUE(check_run(spec, &check_acknowledged_offsets_correct).empty());
  const auto lost = check_run(spec, &check_no_lost_acknowledged_writes);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].sends, Ids{1});
}

// ---------------------------------------------------------------- what Kafka promises

Configuration configure(KafkaVersion version, const Properties& producer, const Properties& broker = {}) {
  ConfigResult built = build_configuration(version, producer, broker);
  EXPECT_FALSE(built.error.has_value()) << (built.error ? built.error->message : "");
  return built.config.value_or(Configuration{});
}

bool promised(const Configuration& c, const char* guarantee) { return kafka_promises(c, guarantee).promised; }

TEST(KafkaPromises, Kafka39DefaultsIdempotentButMinInsyncOne) {
  const Configuration c = default_configuration(KafkaVersion::V3_9);
  EXPECT_TRUE(promised(c, "no_duplicates_within_session"));
  EXPECT_TRUE(contains(kafka_promises(c, "no_duplicates_within_session").why, "KIP-98"));
  EXPECT_TRUE(promised(c, "order_within_session"));
  EXPECT_FALSE(promised(c, "no_duplicates"));
  EXPECT_FALSE(promised(c, "no_lost_acknowledged_writes"));
  EXPECT_TRUE(contains(kafka_promises(c, "no_lost_acknowledged_writes").why, "min.insync.replicas=1"));
  EXPECT_FALSE(promised(c, "acknowledged_offsets_correct"));
  EXPECT_EQ(remedy(c, "no_duplicates_within_session"), "");
  EXPECT_EQ(remedy(c, "no_lost_acknowledged_writes"), "raise min.insync.replicas to 2 with acks=all");
  EXPECT_TRUE(contains(remedy(c, "no_duplicates"), "transactional.id"));
}

TEST(KafkaPromises, Kafka28DefaultsAcksOneWithoutIdempotence) {
  const Configuration c = default_configuration(KafkaVersion::V2_8);
  for (const char* g : {"no_duplicates_within_session", "no_duplicates", "order_within_session",
                        "no_lost_acknowledged_writes", "acknowledged_offsets_correct"})
    EXPECT_FALSE(promised(c, g)) << g;
  EXPECT_EQ(remedy(c, "no_duplicates_within_session"),
            "enable.idempotence=true (with acks=all, retries > 0, max.in.flight.requests.per.connection <= 5)");
  EXPECT_TRUE(contains(remedy(c, "order_within_session"), "or max.in.flight.requests.per.connection=1"));
  EXPECT_TRUE(contains(kafka_promises(c, "acknowledged_offsets_correct").why, "acks=1"));
}

// (The transaction guarantees need transactional.id: below.)
TEST(KafkaPromises, AcksAllMinInsyncTwoIdempotentPromisesAllButNoDuplicates) {
  const Configuration c = configure(KafkaVersion::V3_9, {{"acks", "all"}}, {{"min.insync.replicas", "2"}});
  for (const Guarantee& g : all_guarantees()) {
    if (g.transactional) continue;
    EXPECT_EQ(promised(c, g.name.c_str()), g.name != "no_duplicates") << g.name;
    EXPECT_FALSE(kafka_promises(c, g.name).why.empty()) << g.name;
    if (g.name != "no_duplicates") {
      EXPECT_EQ(remedy(c, g.name), "") << g.name;
    }
  }
}

TEST(KafkaPromises, OneInFlightKeepsOrderButStillDuplicates) {
  const Configuration c = configure(KafkaVersion::V3_9, {{"enable.idempotence", "false"},
                                                         {"max.in.flight.requests.per.connection", "1"}});
  EXPECT_TRUE(promised(c, "order_within_session"));
  EXPECT_FALSE(promised(c, "no_duplicates_within_session"));
}

TEST(KafkaPromises, RetriesZeroNeverDuplicatesASendButMayReorderAndLose) {
  const Configuration c = configure(KafkaVersion::V3_9, {{"enable.idempotence", "false"}, {"retries", "0"}});
  EXPECT_TRUE(promised(c, "no_duplicates_within_session"));
  EXPECT_TRUE(contains(kafka_promises(c, "no_duplicates_within_session").why, "retries=0"));
  EXPECT_FALSE(promised(c, "order_within_session"));
}

TEST(KafkaPromises, AcksZeroPromisesOffsetsMinusOneNotDurability) {
  const Configuration c = configure(KafkaVersion::V3_9, {{"acks", "0"}, {"enable.idempotence", "false"}},
                                    {{"min.insync.replicas", "2"}});
  EXPECT_TRUE(promised(c, "acknowledged_offsets_correct"));
  EXPECT_FALSE(promised(c, "no_lost_acknowledged_writes"));
  EXPECT_EQ(remedy(c, "no_lost_acknowledged_writes"), "acks=all");
}

TEST(KafkaPromises, UncleanElectionVoidsDurability) {
  const Configuration c = configure(KafkaVersion::V3_9, {},
                                    {{"min.insync.replicas", "2"}, {"unclean.leader.election.enable", "true"}});
  EXPECT_FALSE(promised(c, "no_lost_acknowledged_writes"));
  EXPECT_TRUE(contains(kafka_promises(c, "no_lost_acknowledged_writes").why, "KIP-106"));
  EXPECT_EQ(remedy(c, "acknowledged_offsets_correct"), "unclean.leader.election.enable=false");
}

TEST(KafkaPromises, ABrokerCacheSmallerThanInFlightVoidsIdempotence) {
  const Configuration c = configure(KafkaVersion::V3_9, {{"max.in.flight.requests.per.connection", "3"}},
                                    {{"model.producer.state.batches.to.retain", "2"}});
  ASSERT_TRUE(c.idempotent());
  for (const char* g : {"no_duplicates_within_session", "order_within_session"}) {
    EXPECT_FALSE(promised(c, g)) << g;
    EXPECT_TRUE(contains(kafka_promises(c, g).why, "what-if")) << g;
    EXPECT_TRUE(contains(remedy(c, g), "model.producer.state.batches.to.retain")) << g;
  }
}

// A broker that expires producer state before the producer stops retrying
// (producer.id.expiration.ms < delivery.timeout.ms) voids idempotence; the
// remedy names that setting only to a producer that is idempotent: without
// idempotence the remedy is still to turn it on.
TEST(KafkaPromises, ShortProducerIdExpirationIsTheRemedyOnlyForAnIdempotentProducer) {
  const Properties short_expiry{{"producer.id.expiration.ms", "60000"}};
  const Configuration idempotent = configure(KafkaVersion::V3_9, {{"acks", "all"}}, short_expiry);
  ASSERT_TRUE(idempotent.idempotent());
  EXPECT_FALSE(promised(idempotent, "no_duplicates_within_session"));
  EXPECT_EQ(remedy(idempotent, "no_duplicates_within_session"),
            "producer.id.expiration.ms >= delivery.timeout.ms (on the brokers; Kafka's default is 1 day)");
  const Configuration plain = configure(KafkaVersion::V3_9, {{"enable.idempotence", "false"}}, short_expiry);
  EXPECT_EQ(remedy(plain, "no_duplicates_within_session"),
            "enable.idempotence=true (with acks=all, retries > 0, max.in.flight.requests.per.connection <= 5)");
}

TEST(KafkaPromises, NoDuplicatesIsNeverPromisedEvenTransactional) {
  const Configuration c = configure(KafkaVersion::V4_0, {{"transactional.id", "t1"}}, {{"min.insync.replicas", "2"}});
  EXPECT_FALSE(promised(c, "no_duplicates"));
  EXPECT_TRUE(promised(c, "no_duplicates_within_session"));
}

// The transaction guarantees: promised with transactional.id and a
// read_committed consumer (transactions_atomic also needs durable writes);
// the remedy names what is missing, never transactional.id to a producer
// that has one.
TEST(KafkaPromises, TransactionGuaranteesNeedTransactionalIdAndReadCommitted) {
  Configuration c = configure(KafkaVersion::V3_9, {{"transactional.id", "t1"}}, {{"min.insync.replicas", "2"}});
  EXPECT_FALSE(promised(c, "no_aborted_reads"));  // read_uncommitted is Kafka's default
  EXPECT_EQ(remedy(c, "no_aborted_reads"), "isolation.level=read_committed on the consumer");
  EXPECT_EQ(remedy(c, "no_duplicates").find("transactional.id"), std::string::npos);
  ASSERT_FALSE(apply_consumer_properties(c, {{"isolation.level", "READ_COMMITTED"}}).has_value());
  EXPECT_TRUE(promised(c, "no_aborted_reads"));
  EXPECT_TRUE(promised(c, "transactions_atomic"));
  EXPECT_EQ(remedy(c, "no_duplicates").find("transactional.id"), std::string::npos);
  EXPECT_NE(remedy(c, "no_duplicates").find("sendOffsetsToTransaction"), std::string::npos);
  Configuration min_isr_1 = configure(KafkaVersion::V3_9, {{"transactional.id", "t1"}}, {});
  ASSERT_FALSE(apply_consumer_properties(min_isr_1, {{"isolation.level", "read_committed"}}).has_value());
  EXPECT_TRUE(promised(min_isr_1, "no_aborted_reads"));
  EXPECT_FALSE(promised(min_isr_1, "transactions_atomic"));
  const Configuration plain = configure(KafkaVersion::V3_9, {}, {});
  EXPECT_FALSE(promised(plain, "no_aborted_reads"));
  EXPECT_NE(remedy(plain, "transactions_atomic").find("transactional.id"), std::string::npos);
  Configuration bad = plain;
  EXPECT_TRUE(apply_consumer_properties(bad, {{"isolation.level", "serializable"}}).has_value());
}

// Exactly-once consume-transform-produce needs the group, offsets committed
// in the transaction (enable.auto.commit=false; the consumer's default true
// commits them outside it), read_committed and durable acks.
TEST(KafkaPromises, ExactlyOnceConsumeProcessProduceNeedsSendOffsetsToTransaction) {
  const char* g = "exactly_once_consume_process_produce";
  Configuration c = configure(KafkaVersion::V3_9, {{"transactional.id", "t1"}}, {{"min.insync.replicas", "2"}});
  ASSERT_FALSE(apply_consumer_properties(c, {{"isolation.level", "read_committed"}}).has_value());
  EXPECT_FALSE(promised(c, g));  // no group.id: not consume-transform-produce
  EXPECT_NE(remedy(c, g).find("group.id"), std::string::npos);
  ASSERT_FALSE(apply_consumer_properties(c, {{"isolation.level", "read_committed"}, {"group.id", " g-1 "}}).has_value());
  EXPECT_EQ(c.consumer.group_id, "g-1");
  EXPECT_TRUE(c.consumer.enable_auto_commit);  // ConsumerConfig's default
  EXPECT_FALSE(promised(c, g));
  EXPECT_NE(remedy(c, g).find("sendOffsetsToTransaction"), std::string::npos);
  ASSERT_FALSE(apply_consumer_properties(c, {{"isolation.level", "read_committed"}, {"group.id", "g-1"},
                                             {"enable.auto.commit", "FALSE"}})
                   .has_value());
  EXPECT_TRUE(c.sends_offsets_to_transaction());
  EXPECT_TRUE(promised(c, g));
  EXPECT_EQ(kafka_promises(c, g).exceptions.size(), 1u);  // the late transactional write
  Configuration uncommitted = c;
  uncommitted.consumer.read_committed = false;
  EXPECT_FALSE(promised(uncommitted, g));
  Configuration bad = c;
  EXPECT_TRUE(apply_consumer_properties(bad, {{"enable.auto.commit", "yes"}}).has_value());
  EXPECT_TRUE(apply_consumer_properties(bad, {{"auto.commit.interval.ms", "-1"}}).has_value());
}

// The idempotence promises and no_send_failed_out_of_order name their known
// exception, the first-batch race, by ticket; the durability promises have none.
TEST(KafkaPromises, TheFirstBatchRaceIsAKnownExceptionByTicket) {
  for (KafkaVersion v : {KafkaVersion::V3_9, KafkaVersion::V4_0, KafkaVersion::V4_3}) {
    const Configuration c = configure(v, {}, {{"min.insync.replicas", "2"}});
    for (const char* g : {"no_duplicates_within_session", "order_within_session", "no_send_failed_out_of_order"}) {
      const Promise p = kafka_promises(c, g);
      EXPECT_TRUE(p.promised) << g;
      // The idempotence promises also have the restart snapshot (no ticket).
      const bool idempotence = std::string(g) != "no_send_failed_out_of_order";
      ASSERT_EQ(p.exceptions.size(), idempotence ? 2u : 1u) << g;
      EXPECT_EQ(p.exceptions[0].name, "the first-batch race");
      EXPECT_TRUE(contains(p.exceptions[0].mechanism, "ProducerAppendInfo.checkSequence")) << g;
      if (idempotence) {
        EXPECT_EQ(p.exceptions[1].name, "the restart snapshot");
        EXPECT_TRUE(contains(p.exceptions[1].mechanism, "snapshot holding only each producer's last batch")) << g;
      }
    }
    EXPECT_EQ(kafka_promises(c, "no_duplicates_within_session").exceptions[0].tickets.rfind("KAFKA-19880", 0), 0u);
    EXPECT_EQ(kafka_promises(c, "no_send_failed_out_of_order").exceptions[0].tickets.rfind("KAFKA-15591", 0), 0u);
    EXPECT_TRUE(contains(kafka_promises(c, "no_duplicates_within_session").exceptions[0].status, "open upstream"));
    EXPECT_TRUE(kafka_promises(c, "no_lost_acknowledged_writes").exceptions.empty());
  }
  const Configuration what_if = configure(KafkaVersion::V4_3, {}, {{"model.reject.nonzero.first.sequence.on.empty.partition", "true"}});
  EXPECT_TRUE(contains(kafka_promises(what_if, "no_send_failed_out_of_order").exceptions[0].status, "this run applies 4.5's rule"));
}

TEST(KafkaPromises, NoSendFailedOutOfOrderIsTrivialWithoutIdempotenceAndNotPromisedTransactional) {
  const Configuration off = configure(KafkaVersion::V3_9, {{"enable.idempotence", "false"}});
  EXPECT_TRUE(promised(off, "no_send_failed_out_of_order"));
  EXPECT_TRUE(kafka_promises(off, "no_send_failed_out_of_order").exceptions.empty());
  const Configuration txn = configure(KafkaVersion::V4_3, {{"transactional.id", "t1"}});
  EXPECT_FALSE(promised(txn, "no_send_failed_out_of_order"));
  EXPECT_EQ(remedy(txn, "no_send_failed_out_of_order"), "");
}

TEST(KafkaPromises, AnUnknownGuaranteeIsNotPromised) {
  const Configuration c = default_configuration(KafkaVersion::V3_9);
  EXPECT_FALSE(promised(c, "exactly_once"));
  EXPECT_TRUE(contains(kafka_promises(c, "exactly_once").why, "unknown guarantee"));
  EXPECT_EQ(remedy(c, "exactly_once"), "");
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

// properties/known_races.hpp: the first-batch race is recognised by its
// conditions: C1 (a leader with no producer state wrote a later sequence)
// and, for the duplicate, C4 (its success had not reached the producer when
// the earlier batch's OUT_OF_ORDER_SEQUENCE_NUMBER did).
HistoryBuilder race_history(bool fresh, bool success_first) {
  HistoryBuilder b;
  b.producer_id(1, 1000);
  b.send(0, 0);
  b.send(1, 1);
  b.rejected(1, 0, 0, 1000, 0, 0, "NOT_LEADER_OR_FOLLOWER");
  b.appended(0, 1, 1000, 0, 1, 0, fresh);
  if (success_first) b.response(2, 0, 1, "NONE");
  b.response(1, 0, 0, "NOT_LEADER_OR_FOLLOWER");
  b.rejected(3, 0, 0, 1000, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  b.response(3, 0, 0, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  return b;
}

TEST(KnownRaces, C1AndC4AreTheDuplicateRace) {
  const HistoryBuilder b = race_history(true, false);
  const auto races = first_batch_races(b.history());
  ASSERT_EQ(races.size(), 1u);
  EXPECT_EQ(races[0].outcome, FirstBatchRace::Outcome::DuplicateAndReorder);
  EXPECT_EQ(races[0].accepted_step, 4u);
  EXPECT_EQ(races[0].refused_step, 6u);
  EXPECT_EQ(races[0].handled_step, 7u);
  EXPECT_FALSE(races[0].success_step);
  ASSERT_TRUE(first_batch_race(b.history()));
  EXPECT_TRUE(contains(*first_batch_race(b.history()), "step 5: broker-0 wrote producer 1000's batch 1 on p0 at "
                                                        "sequence 1 with no state for that producer there"));
  EXPECT_TRUE(first_batch_race_for(b.history(), "no_duplicates_within_session"));
  EXPECT_TRUE(first_batch_race_for(b.history(), "order_within_session"));
  EXPECT_FALSE(first_batch_race_for(b.history(), "no_send_failed_out_of_order"));
  EXPECT_FALSE(first_batch_race_for(b.history(), "no_lost_acknowledged_writes"));
}

TEST(KnownRaces, C1WithoutC4IsTheLostSend) {
  const HistoryBuilder b = race_history(true, true);
  const auto races = first_batch_races(b.history());
  ASSERT_EQ(races.size(), 1u);
  EXPECT_EQ(races[0].outcome, FirstBatchRace::Outcome::LostSend);
  EXPECT_EQ(races[0].success_step, std::optional<std::size_t>(5));
  EXPECT_FALSE(first_batch_race(b.history()));
  EXPECT_FALSE(first_batch_race_for(b.history(), "no_duplicates_within_session"));
  ASSERT_TRUE(first_batch_race_for(b.history(), "no_send_failed_out_of_order"));
  EXPECT_TRUE(contains(races[0].evidence, "KAFKA-15591"));
  EXPECT_TRUE(first_batch_race_for(stranded_batch().b.history(), "no_send_failed_out_of_order"));
}

// A new leader with the producer's state from replication writes sequence 1
// in order: no C1, so no race, whatever follows (a model failure if a promise breaks).
TEST(KnownRaces, WithoutC1ThereIsNoRace) {
  for (bool success_first : {false, true})
    EXPECT_TRUE(first_batch_races(race_history(false, success_first).history()).empty()) << success_first;
}

// The history of a scenario file in tests/scenarios/.
History load(const char* name) { return testing::scenario_history(name); }

TEST(KnownRaces, TheScenarioFilesAreRecognisedOnlyWhereTheRaceIs) {
  const auto race = first_batch_race(load("12-known-race-refused-first-batch-of-a-new-producer-id.json"));
  ASSERT_TRUE(race.has_value());
  EXPECT_TRUE(contains(*race, "batch 1 on p0 at sequence 1 with no state for that producer there")) << *race;
  for (const char* other : {"02-response-lost-idempotence-on.json", "03-not-leader-then-out-of-order-idempotent.json",
                            "11a-cache-smaller-than-in-flight.json", "10-kip-360-resend-after-expiry.json"})
    EXPECT_TRUE(first_batch_races(load(other)).empty()) << other;
}

// properties/restart_snapshot.hpp: a written batch refused as out of order by
// a broker that restarted since (its producer state came from a snapshot).
TEST(KnownRaces, TheRestartSnapshotRefusalIsRecognisedByItsEvidence) {
  const History restart = load("16-restart-snapshot-duplicate.json");
  const auto found = restart_snapshot_refusal(restart);
  ASSERT_TRUE(found.has_value());
  EXPECT_NE(found->find("broker-0 refused producer 1000's batch at sequence 1"), std::string::npos) << *found;
  EXPECT_FALSE(first_batch_race(restart).has_value());
  EXPECT_TRUE(kafka_idempotence_exception(restart).has_value());
  // 11a's out-of-order answer for a written batch comes from the cache what-if, not a restart.
  for (const char* other : {"02-response-lost-idempotence-on.json", "03-not-leader-then-out-of-order-idempotent.json",
                            "11a-cache-smaller-than-in-flight.json", "10-kip-360-resend-after-expiry.json",
                            "05-acks-1-leader-crash-before-replication.json"})
    EXPECT_FALSE(restart_snapshot_refusal(load(other)).has_value()) << other;
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

// KAFKA-17754's late transactional write is recognised by its evidence (a
// batch of transaction T appended after T's marker), only where it is.
TEST(LateTransactionWrite, Scenario19IsItAndTheVerifiedAndOrdinaryRunsAreNot) {
  const auto late = late_transaction_write(load("19-late-transactional-write-aborted-read-2.8.json"));
  ASSERT_TRUE(late.has_value());
  EXPECT_NE(late->find("of transaction 0 (producer 1000, epoch 0) was appended at p0 offset 2"), std::string::npos)
      << *late;
  EXPECT_NE(late->find("ABORT marker at offset 1"), std::string::npos) << *late;
  for (const char* other : {"19b-late-transactional-write-refused-by-verification-3.9.json",
                            "18-transaction-committed-and-aborted-read-committed.json",
                            "02-response-lost-idempotence-on.json"})
    EXPECT_FALSE(late_transaction_write(load(other)).has_value()) << other;
}

TEST(KafkaPromises, TheLateTransactionalWriteIsReadCommittedsKnownException) {
  Configuration c = configure(KafkaVersion::V3_9, {{"transactional.id", "t1"}}, {{"min.insync.replicas", "2"}});
  ASSERT_FALSE(apply_consumer_properties(c, {{"isolation.level", "read_committed"}}).has_value());
  for (const char* g : {"no_aborted_reads", "transactions_atomic"}) {
    const Promise p = kafka_promises(c, g);
    ASSERT_EQ(p.exceptions.size(), 1u) << g;
    EXPECT_EQ(p.exceptions[0].name, "a late transactional write");
    EXPECT_EQ(p.exceptions[0].tickets.rfind("KAFKA-17754", 0), 0u);
  }
}

}  // namespace
}  // namespace kafka_model
