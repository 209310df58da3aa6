// The diagnostics (properties/guarantee.hpp, diagnostic_guarantees): found by
// name, never in the default set, and each checker fails on a violating
// history and passes a clean one.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "model/run_spec_io.hpp"
#include "model/simulation.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {
namespace {

History scenario(const char* name) {
  const RunSpecParse parsed = load_run_spec(std::string(KAFKA_MODEL_SOURCE_DIR) + "/tests/scenarios/" + name);
  EXPECT_TRUE(parsed.spec) << parsed.error;
  return parsed.spec ? simulate(*parsed.spec).history : History{};
}

TEST(Diagnostics, FoundByNameButNotInTheDefaultSet) {
  const Guarantee* g = find_guarantee("no_out_of_order_for_written_batch");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->jepsen_name, "spurious-out-of-order");
  const auto& all = all_guarantees();
  EXPECT_TRUE(std::none_of(all.begin(), all.end(), [](const Guarantee& x) { return x.name == "no_out_of_order_for_written_batch"; }));
  EXPECT_EQ(find_guarantee("no_such_guarantee"), nullptr);
}

// 11a: the leader keeps 2 batches while 3 are in flight; every response is
// lost, and the retry of batch 0 (written at offset 0) is refused as out of order.
TEST(Diagnostics, OutOfOrderForAWrittenBatchIsReported) {
  const std::vector<Anomaly> found = check_no_out_of_order_for_written_batch(scenario("11a-cache-smaller-than-in-flight.json"));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "spurious-out-of-order");
  EXPECT_EQ(found[0].offsets, std::vector<std::int64_t>{0});
  EXPECT_NE(found[0].summary.find("refused batch 0 (producer 1000, epoch 0, seq 0)"), std::string::npos) << found[0].summary;
  ASSERT_EQ(found[0].steps.size(), 2u);
  EXPECT_LT(found[0].steps[0], found[0].steps[1]);
}

// 11b: the same schedule with a cache of 3: every retry is a recognised duplicate.
// 03: an OUT_OF_ORDER_SEQUENCE_NUMBER for a batch that is not in the log is not this diagnostic's.
TEST(Diagnostics, NoReportWhenTheCacheCoversTheInFlightBatchesOrTheBatchIsNotWritten) {
  EXPECT_TRUE(check_no_out_of_order_for_written_batch(scenario("11b-cache-at-least-in-flight.json")).empty());
  const History h = scenario("03-not-leader-then-out-of-order-idempotent.json");
  EXPECT_TRUE(std::any_of(h.steps.begin(), h.steps.end(), [](const Step& s) {
    return s.kind == StepKind::ProduceRejected && s.error == Errors::OUT_OF_ORDER_SEQUENCE_NUMBER;
  }));
  EXPECT_TRUE(check_no_out_of_order_for_written_batch(h).empty());
}

// A truncation forgets the written batches of its own partition only: 11a's
// history with a LogTruncated of partition 1 at offset 0 inserted before the
// refusal still reports partition 0's written batch.
TEST(Diagnostics, ATruncationOfAnotherPartitionKeepsTheWrittenBatch) {
  History h = scenario("11a-cache-smaller-than-in-flight.json");
  const auto refused = std::find_if(h.steps.begin(), h.steps.end(), [](const Step& s) {
    return s.kind == StepKind::ProduceRejected && s.error == Errors::OUT_OF_ORDER_SEQUENCE_NUMBER;
  });
  ASSERT_NE(refused, h.steps.end());
  Step truncated;
  truncated.kind = StepKind::LogTruncated;
  truncated.time_ms = refused->time_ms;
  truncated.partition = 1;
  truncated.offset = 0;
  h.steps.insert(refused, truncated);
  EXPECT_EQ(check_no_out_of_order_for_written_batch(h).size(), 1u);
}

}  // namespace
}  // namespace kafka_model
