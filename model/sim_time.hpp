// Virtual-time arithmetic. It saturates far beyond any run's horizon, so a
// huge configured duration (max.block.ms = Long.MAX_VALUE, a fault lasting
// years) means "never" instead of overflowing.
#pragma once

#include <cstdint>

namespace kafka_model {

inline constexpr std::int64_t kNeverMs = std::int64_t{1} << 60;

// t + d for non-negative t and d, saturated at kNeverMs.
constexpr std::int64_t after(std::int64_t t, std::int64_t d) {
  return d >= kNeverMs - t ? kNeverMs : t + d;
}

}  // namespace kafka_model
