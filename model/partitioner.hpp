// Kafka's default partitioner for keyed records: murmur2 of the key bytes,
// made positive, modulo the partition count (BuiltInPartitioner.partitionForKey,
// Utils.murmur2 and Utils.toPositive).
#pragma once

#include <cstdint>
#include <string_view>

namespace kafka_model {

// Utils.murmur2, seed 0x9747b28c, bit for bit.
inline std::int32_t murmur2(std::string_view data) {
  const std::uint32_t seed = 0x9747b28cU;
  const std::uint32_t m = 0x5bd1e995U;
  const int r = 24;
  const auto length = static_cast<std::uint32_t>(data.size());
  std::uint32_t h = seed ^ length;
  const std::uint32_t length4 = length / 4;
  auto byte = [&](std::uint32_t i) { return static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[i])); };
  for (std::uint32_t i = 0; i < length4; ++i) {
    const std::uint32_t i4 = i * 4;
    std::uint32_t k = byte(i4) | (byte(i4 + 1) << 8) | (byte(i4 + 2) << 16) | (byte(i4 + 3) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  switch (length % 4) {
    case 3: h ^= byte((length & ~3U) + 2) << 16; [[fallthrough]];
    case 2: h ^= byte((length & ~3U) + 1) << 8; [[fallthrough]];
    case 1:
      h ^= byte(length & ~3U);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<std::int32_t>(h);
}

inline std::int32_t to_positive(std::int32_t number) { return number & 0x7fffffff; }

inline std::int32_t partition_for_key(std::string_view key, std::int32_t partitions) {
  return to_positive(murmur2(key)) % partitions;
}

}  // namespace kafka_model
