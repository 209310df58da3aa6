// statemachines: ProducerBatchLifecycle — valid paths and rejected events.
#include <gtest/gtest.h>

#include <algorithm>

#include "statemachines/producer_batch_lifecycle.hpp"

namespace kafka_model {
namespace {

using State = ProducerBatchLifecycle::State;

TEST(ProducerBatchLifecycle, HappyPathOpenClosedInFlightSucceeded) {
  ProducerBatchLifecycle batch(/*retries=*/3);
  EXPECT_EQ(batch.state(), State::Open);
  EXPECT_EQ(batch.close(), std::nullopt);
  EXPECT_EQ(batch.state(), State::Closed);
  EXPECT_EQ(batch.drain(), std::nullopt);
  EXPECT_EQ(batch.state(), State::InFlight);
  EXPECT_EQ(batch.attempts(), 1);
  EXPECT_EQ(batch.succeed(), std::nullopt);
  EXPECT_EQ(batch.state(), State::Succeeded);
  EXPECT_TRUE(batch.is_done());
  EXPECT_FALSE(batch.outcome_unknown());
}

TEST(ProducerBatchLifecycle, RetriableErrorRetriesUntilRetriesAreUsedUp) {
  ProducerBatchLifecycle batch(/*retries=*/2);
  batch.close();
  for (int retry = 1; retry <= 2; ++retry) {
    ASSERT_EQ(batch.drain(), std::nullopt);
    ASSERT_EQ(batch.fail_retriable(true), std::nullopt);
    EXPECT_EQ(batch.state(), State::WaitingToRetry);
    EXPECT_EQ(batch.retries_used(), retry);
    ASSERT_EQ(batch.backoff_elapsed(), std::nullopt);
    EXPECT_EQ(batch.state(), State::Closed);
  }
  ASSERT_EQ(batch.drain(), std::nullopt);
  EXPECT_EQ(batch.attempts(), 3);
  ASSERT_EQ(batch.fail_retriable(true), std::nullopt);
  EXPECT_EQ(batch.state(), State::Failed);  // Sender.canRetry: attempts < retries no longer holds
}

TEST(ProducerBatchLifecycle, RetriesZeroFailsOnTheFirstError) {
  ProducerBatchLifecycle batch(/*retries=*/0);
  batch.close();
  batch.drain();
  batch.fail_retriable(true);
  EXPECT_EQ(batch.state(), State::Failed);
}

TEST(ProducerBatchLifecycle, ProducerVetoFailsTheBatch) {
  ProducerBatchLifecycle batch(/*retries=*/5);
  batch.close();
  batch.drain();
  batch.fail_retriable(/*producer_allows_retry=*/false);
  EXPECT_EQ(batch.state(), State::Failed);
}

TEST(ProducerBatchLifecycle, ExpiryBeforeSendingIsAKnownFailure) {
  ProducerBatchLifecycle batch(/*retries=*/5);
  EXPECT_EQ(batch.expire(), std::nullopt);
  EXPECT_EQ(batch.state(), State::Expired);
  EXPECT_FALSE(batch.outcome_unknown());  // never left the accumulator
}

TEST(ProducerBatchLifecycle, ExpiryInFlightLeavesTheOutcomeUnknown) {
  ProducerBatchLifecycle batch(/*retries=*/5);
  batch.close();
  batch.drain();
  EXPECT_EQ(batch.expire(), std::nullopt);
  EXPECT_TRUE(batch.outcome_unknown());  // it may be in the log (KIP-360)
}

TEST(ProducerBatchLifecycle, ExpiryWhileWaitingToRetryLeavesTheOutcomeUnknown) {
  ProducerBatchLifecycle batch(/*retries=*/5);
  batch.close();
  batch.drain();
  batch.fail_retriable(true);
  EXPECT_EQ(batch.expire(), std::nullopt);
  EXPECT_TRUE(batch.outcome_unknown());
}

TEST(ProducerBatchLifecycle, RejectedEventsNameTheEventAndLeaveTheState) {
  ProducerBatchLifecycle batch(/*retries=*/1);
  EXPECT_EQ(batch.drain(), "Drained rejected in state Open");
  EXPECT_EQ(batch.succeed(), "ResponseSucceeded rejected in state Open");
  EXPECT_EQ(batch.state(), State::Open);
  batch.close();
  batch.drain();
  batch.succeed();
  for (auto rejected : {batch.close(), batch.drain(), batch.expire(), batch.abort(), batch.backoff_elapsed()}) {
    ASSERT_TRUE(rejected.has_value());
    EXPECT_NE(rejected->find("rejected in state Succeeded"), std::string::npos) << *rejected;
  }
  EXPECT_EQ(batch.state(), State::Succeeded);
}

TEST(ProducerBatchLifecycle, AbortFailsAnUnfinishedBatch) {
  ProducerBatchLifecycle batch(/*retries=*/1);
  batch.close();
  EXPECT_EQ(batch.abort(), std::nullopt);
  EXPECT_EQ(batch.state(), State::Failed);
}

TEST(ProducerBatchLifecycle, CopiesAreIndependentValues) {
  ProducerBatchLifecycle a(/*retries=*/1);
  a.close();
  ProducerBatchLifecycle b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  b.drain();
  EXPECT_NE(a, b);
  EXPECT_NE(a.hash(), b.hash());
  EXPECT_EQ(a.state(), State::Closed);
}

TEST(ProducerBatchLifecycle, DescribeWalksTheTable) {
  const MachineDescription d = ProducerBatchLifecycle::describe();
  EXPECT_EQ(d.initial_state, "Open");
  EXPECT_EQ(d.states.size(), 7u);
  EXPECT_EQ(d.rows.size(), 15u);
  const TransitionRow retry{"InFlight", "RetriableErrorReceived", "WaitingToRetry", "CountRetry", "CanRetry"};
  const TransitionRow give_up{"InFlight", "RetriableErrorReceived", "Failed", "", "!CanRetry"};
  EXPECT_NE(std::find(d.rows.begin(), d.rows.end(), retry), d.rows.end());
  EXPECT_NE(std::find(d.rows.begin(), d.rows.end(), give_up), d.rows.end());
}

}  // namespace
}  // namespace kafka_model
