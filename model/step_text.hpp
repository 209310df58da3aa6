// The short names and texts the world's history steps use, in one place.
#pragma once

#include <fmt/core.h>

#include <cstdint>
#include <set>
#include <string>

namespace kafka_model {

inline std::string broker_node(std::int32_t id) { return fmt::format("broker-{}", id); }
inline std::string producer_node(std::int32_t instance) { return fmt::format("producer-{}", instance); }

inline std::string isr_text(const std::set<std::int32_t>& isr) {
  std::string out;
  for (std::int32_t b : isr) out += (out.empty() ? "" : ",") + std::to_string(b);
  return "isr=[" + out + "]";
}

}  // namespace kafka_model
