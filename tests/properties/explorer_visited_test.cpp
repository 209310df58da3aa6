// The explorer's visited set (properties/explorer_visited.hpp): the bitstate
// probes and mask are pinned bit for bit (a mutant that flipped the mask
// survived the end-to-end tests once), the table size is clamped, the
// omission probability is Holzmann's, and a bitstate exploration with a
// large table finds every state the hash-compact one finds.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "model/chooser.hpp"
#include "properties/explorer.hpp"
#include "properties/explorer_visited.hpp"
#include "tests/properties/search_support.hpp"

namespace kafka_model {
namespace {

// Double hashing, computed by hand (Python) from the formula in
// docs/explorer.md: h2 = rotate(h, 32) * 0x9e3779b97f4a7c15 | 1, bit k =
// (h + k * h2) mod 2^log2.
TEST(VisitedSet, BitstateProbesArePinned) {
  VisitedSet small(VisitedKind::Bitstate, 10);
  const std::uint64_t a = 0x0123456789abcdefULL;
  EXPECT_EQ(small.probe(a, 0), 495u);
  EXPECT_EQ(small.probe(a, 1), 866u);
  EXPECT_EQ(small.probe(a, 2), 213u);
  const std::uint64_t b = 0xfedcba9876543210ULL;
  EXPECT_EQ(small.probe(b, 0), 528u);
  EXPECT_EQ(small.probe(b, 1), 137u);
  EXPECT_EQ(small.probe(b, 2), 770u);
  VisitedSet large(VisitedKind::Bitstate, 27);
  EXPECT_EQ(large.probe(b, 0), 106181136u);
  EXPECT_EQ(large.probe(b, 1), 12656777u);
  EXPECT_EQ(large.probe(b, 2), 53350146u);
}

TEST(VisitedSet, BitstateInsertSetsExactlyTheProbedBits) {
  VisitedSet v(VisitedKind::Bitstate, 10);
  EXPECT_EQ(v.bytes(), 1024 / 8);
  EXPECT_TRUE(v.insert(0x0123456789abcdefULL));
  EXPECT_EQ(v.bits_set(), 3);
  for (std::uint64_t bit : {495u, 866u, 213u}) EXPECT_TRUE(v.bit_set(bit)) << bit;
  EXPECT_FALSE(v.bit_set(494));
  EXPECT_FALSE(v.bit_set(496));
  EXPECT_FALSE(v.insert(0x0123456789abcdefULL));  // seen
  EXPECT_TRUE(v.insert(0xfedcba9876543210ULL));
  EXPECT_EQ(v.bits_set(), 6);
  EXPECT_EQ(v.count(), 2);
  // A fingerprint whose three probes all hit set bits is taken for seen:
  // the omission the probability below accounts for. Bits are per table
  // size: the same fingerprints in 2^11 bits set other bits.
  VisitedSet wider(VisitedKind::Bitstate, 11);
  EXPECT_TRUE(wider.insert(0x0123456789abcdefULL));
  EXPECT_EQ(wider.probe(0x0123456789abcdefULL, 0), 495u + 1024u);
}

TEST(VisitedSet, BitstateSizeIsClamped) {
  EXPECT_EQ(VisitedSet(VisitedKind::Bitstate, 3).bytes(), 1024 / 8);  // at least 2^10 bits
  EXPECT_EQ(VisitedSet(VisitedKind::Bitstate, 20).bytes(), (1 << 20) / 8);
}

// Holzmann: a new state is taken for seen with probability
// (1 - e^{-k i / m})^k after i insertions; over n insertions, about the
// integral, n^4 k^3 / (4 m^3) while k n << m.
TEST(VisitedSet, BitstateOmissionProbabilityIsHolzmanns) {
  VisitedSet v(VisitedKind::Bitstate, 20);
  SplitMix64 rng(7);
  int inserted = 0;
  for (int i = 0; i < 1000; ++i) inserted += v.insert(rng.next()) ? 1 : 0;
  ASSERT_EQ(inserted, 1000);
  const double n = 1000, m = 1 << 20, k = 3;
  const double expected = std::pow(n, 4) * std::pow(k, 3) / (4 * std::pow(m, 3));
  EXPECT_NEAR(v.omission_probability(), expected, 0.02 * expected);
  // Hash compaction: n^2 / 2^65.
  VisitedSet h(VisitedKind::HashCompact, 0);
  for (int i = 0; i < 1000; ++i) h.insert(rng.next());
  EXPECT_DOUBLE_EQ(h.omission_probability(), 1e6 / std::pow(2.0, 65));
}

// End to end: with 2^27 bits, a few hundred states have no omission, so the
// bitstate exploration is the hash-compact one, state for state; with 2^10
// bits it omits some (and says so).
TEST(VisitedSet, BitstateExplorationMatchesHashCompactWhenTheTableIsLarge) {
  ExploreSpace space;
  space.producer = testing::small_timeouts({{"enable.idempotence", "true"}});
  space.broker = testing::fast_replication({{"model.brokers", "2"}, {"default.replication.factor", "2"}});
  space.workload.records = 3;
  const std::vector<const Guarantee*> gs = {&testing::guarantee("no_duplicates_within_session")};
  ExploreOptions compact;
  ExploreOptions bits;
  bits.visited = VisitedKind::Bitstate;
  const ExploreResult c = explore(gs, space, compact);
  const ExploreResult b = explore(gs, space, bits);
  EXPECT_EQ(b.distinct_states, c.distinct_states);
  EXPECT_EQ(b.states_explored, c.states_explored);
  EXPECT_EQ(b.visited_bytes, (std::int64_t{1} << 27) / 8);
  EXPECT_LT(b.omission_probability, 1e-9);
  bits.bitstate_log2 = 10;
  const ExploreResult tiny = explore(gs, space, bits);
  EXPECT_LT(tiny.distinct_states, c.distinct_states);
  EXPECT_GT(tiny.omission_probability, 0.5);
}

}  // namespace
}  // namespace kafka_model
