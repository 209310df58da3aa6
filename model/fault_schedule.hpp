// Faults are values: a FaultSchedule is a plain list a person can write by
// hand (tests/scenarios/*.json), RapidCheck can shrink, and the world applies
// at named points — never a probability hidden inside a component.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/errors.hpp"

namespace kafka_model {

enum class FaultKind : std::uint8_t {
  // Message faults target the n-th produce request the producer puts on the
  // wire (1-based, every attempt counts): `request`.
  DropRequest,    // the request never reaches the broker
  DropResponse,   // the broker processed it; its response is lost
  DelayResponse,  // the response arrives `duration_ms` late
  ErrorResponse,  // the broker answers `error` without processing it (e.g. a
                  // transient NOT_LEADER_OR_FOLLOWER during a leadership move)
  // Timed faults happen at `at_ms`.
  Disconnect,       // the producer's connections drop: in-flight requests fail
                    // with NETWORK_EXCEPTION, messages in transit are lost
  BrokerCrash,      // `broker` stops (its disk is kept); leaders move away
  BrokerRestart,    // `broker` comes back as a follower and catches up
  FollowerStall,    // `broker` stops fetching for `duration_ms` (slow follower:
                    // it drops out of the ISR after replica.lag.time.max.ms)
  BrokerStall,      // `broker` processes nothing for `duration_ms` (a long GC
                    // pause): requests queue, client timeouts expire
  ProducerRestart,  // the producer process dies and starts again; the
                    // application re-sends what was not acknowledged
  LeaderMovedAway,  // leadership of every partition `broker` leads moves to
                    // another live in-sync replica without a crash (the first
                    // phase of a controlled shutdown, a reassignment); it stays
                    // up as a follower
  PreferredLeaderElection,  // every partition whose preferred (first) replica
                            // is live, in sync and not leader moves back to it
                            // (auto.leader.rebalance.enable, kafka-leader-election)
  ProducerZombie,  // the application starts a new producer instance while the
                   // old one keeps running for `duration_ms` (a zombie: paused,
                   // partitioned or presumed dead, yet alive), then the old one dies
};
inline constexpr int kFaultKindCount = 13;

std::string_view to_string(FaultKind kind);
std::optional<FaultKind> parse_fault_kind(std::string_view text);
bool is_message_fault(FaultKind kind);

// Which Fault fields a kind reads; the others stay at their defaults. One
// table for describe(), the JSON writer and the scenario-file parser.
struct FaultFields {
  bool request = false;
  bool at_ms = false;
  bool broker = false;
  bool duration_ms = false;
  bool error = false;
};
FaultFields fault_fields(FaultKind kind);

struct Fault {
  FaultKind kind = FaultKind::DropResponse;
  std::int64_t at_ms = 0;        // timed faults
  std::int32_t request = 0;      // message faults: n-th produce request, 1-based
  std::int32_t broker = -1;      // broker faults
  std::int64_t duration_ms = 0;  // DelayResponse, FollowerStall, BrokerStall
  Errors error = Errors::NONE;   // ErrorResponse
  bool operator==(const Fault&) const = default;
};

// One line a person reads: "DropResponse request=1", "BrokerCrash at=20ms broker=0".
std::string describe(const Fault& fault);

struct FaultSchedule {
  std::vector<Fault> faults;
  bool operator==(const FaultSchedule&) const = default;
};

}  // namespace kafka_model
