// model: the world's state is a value — copyable, comparable, canonically
// hashable — so a search can snapshot a run, branch from it and skip states
// it has seen.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "model/chooser.hpp"
#include "model/config.hpp"
#include "model/world.hpp"

namespace kafka_model {
namespace {

Configuration small_config() {
  ConfigResult built = build_configuration(KafkaVersion::V3_9, {{"request.timeout.ms", "500"},
                                                                {"delivery.timeout.ms", "2000"},
                                                                {"batch.size", "100"}},
                                           {{"min.insync.replicas", "2"}});
  return *built.config;
}

FaultSchedule some_faults() {
  return FaultSchedule{{Fault{.kind = FaultKind::DropResponse, .request = 2},
                        Fault{.kind = FaultKind::BrokerCrash, .at_ms = 15, .broker = 0},
                        Fault{.kind = FaultKind::BrokerRestart, .at_ms = 300, .broker = 0}}};
}

TEST(WorldValue, ACopyTakenMidRunFinishesExactlyLikeTheOriginal) {
  Workload workload{.records = 8};
  SeededChooser chooser_a(7);
  World original(small_config(), workload, some_faults(), chooser_a);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(original.step());
  World branch = original;  // snapshot
  EXPECT_EQ(branch.state(), original.state());
  EXPECT_EQ(hash(branch.state()), hash(original.state()));
  // Both continue with the same choices (a chooser per branch, same stream).
  SeededChooser chooser_b(7);
  World replayed(small_config(), workload, some_faults(), chooser_b);
  for (int i = 0; i < 60; ++i) replayed.step();
  EXPECT_EQ(replayed.state(), original.state());
  original.run();
  replayed.run();
  EXPECT_EQ(original.history(), replayed.history());
  EXPECT_EQ(hash(original.state()), hash(replayed.state()));
}

// A zombie (ProducerZombie) is part of the value: a copy taken while it
// runs beside its replacement finishes like the original, and the zombie is
// gone once its time is up.
TEST(WorldValue, ACopyTakenWhileAZombieRunsFinishesExactlyLikeTheOriginal) {
  Workload workload{.records = 6};
  FaultSchedule faults{{Fault{.kind = FaultKind::ProducerZombie, .at_ms = 3, .duration_ms = 200}}};
  SeededChooser chooser_a(3);
  World original(small_config(), workload, faults, chooser_a);
  while (original.state().zombies.empty()) ASSERT_TRUE(original.step());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(original.step());
  ASSERT_EQ(original.state().zombies.size(), 1u);
  EXPECT_EQ(original.state().zombies[0].producer.instance, 1);
  EXPECT_EQ(original.state().producer.instance, 2);
  SeededChooser chooser_b(3);
  World replayed(small_config(), workload, faults, chooser_b);
  while (replayed.state().zombies.empty()) replayed.step();
  for (int i = 0; i < 10; ++i) replayed.step();
  EXPECT_EQ(replayed.state(), original.state());
  EXPECT_EQ(hash(replayed.state()), hash(original.state()));
  original.run();
  replayed.run();
  EXPECT_EQ(original.history(), replayed.history());
  EXPECT_TRUE(original.state().zombies.empty());
  EXPECT_EQ(original.state().pending_faults, 0);
}

TEST(WorldValue, TheHashSeesEveryStep) {
  Workload workload{.records = 3};
  SeededChooser chooser(1);
  World world(small_config(), workload, some_faults(), chooser);
  std::uint64_t previous = hash(world.state());
  int changes = 0;
  for (int i = 0; i < 30 && world.step(); ++i) {
    const std::uint64_t now = hash(world.state());
    changes += now != previous ? 1 : 0;
    previous = now;
  }
  EXPECT_EQ(changes, 30);  // every event changes at least the event count
}

TEST(WorldValue, StatesThatDifferCompareAndHashDifferently) {
  Workload workload{.records = 3};
  SeededChooser chooser(1);
  World a(small_config(), workload, some_faults(), chooser);
  World b = a;
  b.step();
  EXPECT_NE(a.state(), b.state());
  EXPECT_NE(hash(a.state()), hash(b.state()));
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

// Durations as large as Kafka's LONG configs allow mean "never", not an
// int64 overflow (found by fuzzing; UBSan flagged every `now + d`).
TEST(WorldTime, HugeDurationsSaturateInsteadOfOverflowing) {
  ConfigResult built = build_configuration(KafkaVersion::V3_9,
                                           {{"max.block.ms", "9223372036854775807"},
                                            {"retry.backoff.ms", "9223372036854775807"},
                                            {"buffer.memory", "100"}},
                                           {});
  ASSERT_TRUE(built.config.has_value());
  FaultSchedule faults{{Fault{.kind = FaultKind::BrokerStall, .at_ms = 6, .broker = 0,
                              .duration_ms = std::numeric_limits<std::int64_t>::max()},
                        Fault{.kind = FaultKind::DelayResponse, .request = 1,
                              .duration_ms = std::numeric_limits<std::int64_t>::max()}}};
  SeededChooser chooser(1);
  World world(*built.config, Workload{.records = 2}, faults, chooser);
  world.run();
  EXPECT_GE(world.state().now_ms, 0);
  EXPECT_FALSE(world.history().steps.empty());
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

// The explorer's identity leaves now_ms out only where nothing that reads it
// can tell two states apart. The heal rule for a batch that cannot expire
// within the model's bound (producer_retries_past_bound) counts time from the
// oldest batch, so with such a batch held, now_ms is part of the identity.
TEST(WorldValue, NowBelongsToTheExplorationIdentityWhereTheHealRuleCountsTime) {
  auto world_with = [](const char* delivery_timeout) {
    ConfigResult built = build_configuration(KafkaVersion::V3_9,
                                             {{"delivery.timeout.ms", delivery_timeout},
                                              {"request.timeout.ms", "500"},
                                              {"linger.ms", "0"}},
                                             {{"model.brokers", "1"},
                                              {"default.replication.factor", "1"},
                                              {"min.insync.replicas", "1"}});
    return *built.config;
  };
  // The only broker down keeps the batch in the accumulator.
  FaultSchedule faults{{Fault{.kind = FaultKind::BrokerCrash, .at_ms = 1, .broker = 0}}};
  for (const char* timeout : {"2147483647", "2000"}) {
    SeededChooser chooser(1);
    World world(world_with(timeout), Workload{.records = 1}, faults, chooser);
    while (world.state().producer.batches.empty() && world.step()) {
    }
    ASSERT_FALSE(world.state().producer.batches.empty()) << timeout;
    const bool expires_within_bound = std::string(timeout) == "2000";
    EXPECT_EQ(world.heal_reads_now(), !expires_within_bound) << timeout;
    WorldState later = world.state();
    later.now_ms += 1;
    EXPECT_EQ(exploration_hash(later, world.heal_reads_now()) == exploration_hash(world.state(), world.heal_reads_now()),
              expires_within_bound)
        << timeout;
  }
}

}  // namespace
}  // namespace kafka_model
