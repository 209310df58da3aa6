// Text names of the application's delivery modes, as scenario files spell them.
#include "model/workload.hpp"

namespace kafka_model {

const char* to_string(DeliveryMode mode) {
  switch (mode) {
    case DeliveryMode::AtLeastOnce: return "at-least-once";
    case DeliveryMode::FireAndForget: return "fire-and-forget";
    case DeliveryMode::Synchronous: return "synchronous";
  }
  return "?";
}

bool parse_delivery_mode(const std::string& text, DeliveryMode& mode) {
  for (auto candidate : {DeliveryMode::AtLeastOnce, DeliveryMode::FireAndForget, DeliveryMode::Synchronous}) {
    if (text == to_string(candidate)) {
      mode = candidate;
      return true;
    }
  }
  return false;
}

}  // namespace kafka_model
