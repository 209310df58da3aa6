// Names and one-line descriptions of faults, as scenario files and timelines
// spell them.
#include "model/fault_schedule.hpp"

#include <array>
#include <fmt/format.h>

namespace kafka_model {
namespace {

constexpr std::array<std::string_view, kFaultKindCount> kFaultKindNames = {
    "DropRequest", "DropResponse",  "DelayResponse", "ErrorResponse", "Disconnect",
    "BrokerCrash", "BrokerRestart", "FollowerStall", "BrokerStall",   "ProducerRestart",
    "LeaderMovedAway", "PreferredLeaderElection", "ProducerZombie",
};
static_assert(static_cast<int>(FaultKind::ProducerZombie) + 1 == kFaultKindCount,
              "a new FaultKind needs a name in kFaultKindNames");

}  // namespace

std::string_view to_string(FaultKind kind) {
  auto index = static_cast<std::size_t>(kind);
  return index < kFaultKindNames.size() ? kFaultKindNames[index] : "?";
}

std::optional<FaultKind> parse_fault_kind(std::string_view text) {
  for (std::size_t i = 0; i < kFaultKindNames.size(); ++i)
    if (kFaultKindNames[i] == text) return static_cast<FaultKind>(i);
  return std::nullopt;
}

bool is_message_fault(FaultKind kind) {
  return kind == FaultKind::DropRequest || kind == FaultKind::DropResponse || kind == FaultKind::DelayResponse ||
         kind == FaultKind::ErrorResponse;
}

FaultFields fault_fields(FaultKind kind) {
  FaultFields f;
  f.request = is_message_fault(kind);
  f.at_ms = !f.request;
  f.broker = kind == FaultKind::BrokerCrash || kind == FaultKind::BrokerRestart ||
             kind == FaultKind::FollowerStall || kind == FaultKind::BrokerStall || kind == FaultKind::LeaderMovedAway;
  f.duration_ms = kind == FaultKind::DelayResponse || kind == FaultKind::FollowerStall ||
                  kind == FaultKind::BrokerStall || kind == FaultKind::ProducerZombie;
  f.error = kind == FaultKind::ErrorResponse;
  return f;
}

// "DelayResponse request=2 by=300ms" reads as a delay; a stall lasts "for=".
std::string describe(const Fault& fault) {
  const FaultFields f = fault_fields(fault.kind);
  std::string out(to_string(fault.kind));
  if (f.request) out += fmt::format(" request={}", fault.request);
  if (f.at_ms) out += fmt::format(" at={}ms", fault.at_ms);
  if (f.broker) out += fmt::format(" broker={}", fault.broker);
  if (f.duration_ms)
    out += fmt::format(" {}={}ms", fault.kind == FaultKind::DelayResponse ? "by" : "for", fault.duration_ms);
  if (f.error) out += fmt::format(" error={}", to_string(fault.error));
  return out;
}

}  // namespace kafka_model
