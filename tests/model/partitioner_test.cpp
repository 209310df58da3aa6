// model: the default partitioner hashes keys exactly as Kafka does.
#include <gtest/gtest.h>

#include "model/partitioner.hpp"

namespace kafka_model {
namespace {

// The vectors of Kafka's own UtilsTest.testMurmur2.
TEST(Partitioner, Murmur2MatchesKafkasUtilsTest) {
  EXPECT_EQ(murmur2("21"), -973932308);
  EXPECT_EQ(murmur2("foobar"), -790332482);
  EXPECT_EQ(murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(murmur2("abc"), 479470107);
}

TEST(Partitioner, KeysLandInRangeAndStayPut) {
  for (int partitions : {1, 3, 7}) {
    for (const char* key : {"k0", "k1", "order-42", ""}) {
      const std::int32_t p = partition_for_key(key, partitions);
      EXPECT_GE(p, 0);
      EXPECT_LT(p, partitions);
      EXPECT_EQ(p, partition_for_key(key, partitions));
    }
  }
}

}  // namespace
}  // namespace kafka_model
