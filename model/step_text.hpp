// The short names and texts the world's history steps use, in one place.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "model/step_node.hpp"

namespace kafka_model {

inline std::string isr_text(const std::set<std::int32_t>& isr) {
  std::string out;
  for (std::int32_t b : isr) out += (out.empty() ? "" : ",") + std::to_string(b);
  return "isr=[" + out + "]";
}

}  // namespace kafka_model
