// Step kind names and the canonical hash of a history.
#include "model/history.hpp"

#include "statemachines/canonical_hash.hpp"

namespace kafka_model {

std::string_view to_string(StepKind kind) {
  switch (kind) {
    case StepKind::SendCalled: return "SendCalled";
    case StepKind::SendFailed: return "SendFailed";
    case StepKind::ProducerStarted: return "ProducerStarted";
    case StepKind::ProducerIdAssigned: return "ProducerIdAssigned";
    case StepKind::EpochBumped: return "EpochBumped";
    case StepKind::BatchCreated: return "BatchCreated";
    case StepKind::SequenceAssigned: return "SequenceAssigned";
    case StepKind::BatchExpired: return "BatchExpired";
    case StepKind::ProduceRequestSent: return "ProduceRequestSent";
    case StepKind::ProduceResponseReceived: return "ProduceResponseReceived";
    case StepKind::RequestTimedOut: return "RequestTimedOut";
    case StepKind::BatchRetried: return "BatchRetried";
    case StepKind::CallbackCompleted: return "CallbackCompleted";
    case StepKind::ProduceRequestDropped: return "ProduceRequestDropped";
    case StepKind::ProduceResponseDropped: return "ProduceResponseDropped";
    case StepKind::ProduceResponseDelayed: return "ProduceResponseDelayed";
    case StepKind::ConnectionDisconnected: return "ConnectionDisconnected";
    case StepKind::BatchAppended: return "BatchAppended";
    case StepKind::DuplicateDetected: return "DuplicateDetected";
    case StepKind::ProduceRejected: return "ProduceRejected";
    case StepKind::HighWatermarkAdvanced: return "HighWatermarkAdvanced";
    case StepKind::IsrShrunk: return "IsrShrunk";
    case StepKind::IsrExpanded: return "IsrExpanded";
    case StepKind::LeaderElected: return "LeaderElected";
    case StepKind::LogTruncated: return "LogTruncated";
    case StepKind::BrokerCrashed: return "BrokerCrashed";
    case StepKind::BrokerRestarted: return "BrokerRestarted";
    case StepKind::FollowerStalled: return "FollowerStalled";
    case StepKind::BrokerStalled: return "BrokerStalled";
    case StepKind::ProducerStateExpired: return "ProducerStateExpired";
    case StepKind::ProducerCrashed: return "ProducerCrashed";
    case StepKind::ProducerZombie: return "ProducerZombie";
    case StepKind::TransactionBegun: return "TransactionBegun";
    case StepKind::TransactionEnding: return "TransactionEnding";
    case StepKind::TransactionEnded: return "TransactionEnded";
    case StepKind::TxnRequestSent: return "TxnRequestSent";
    case StepKind::TxnResponseReceived: return "TxnResponseReceived";
    case StepKind::TransactionStateChanged: return "TransactionStateChanged";
    case StepKind::CoordinatorElected: return "CoordinatorElected";
    case StepKind::MarkerWritten: return "MarkerWritten";
    case StepKind::TransactionHanging: return "TransactionHanging";
    case StepKind::OffsetsPending: return "OffsetsPending";
    case StepKind::OffsetsCommitted: return "OffsetsCommitted";
    case StepKind::OffsetsDiscarded: return "OffsetsDiscarded";
    case StepKind::FaultsHealed: return "FaultsHealed";
    case StepKind::OtherConsumerRead: return "OtherConsumerRead";
    case StepKind::ConsumerRead: return "ConsumerRead";
  }
  return "?";
}

std::optional<StepKind> parse_step_kind(std::string_view text) {
  for (int i = 0; i < kStepKindCount; ++i)
    if (to_string(static_cast<StepKind>(i)) == text) return static_cast<StepKind>(i);
  return std::nullopt;
}

namespace {

// Every field, in the JSON's order. The node and the error are hashed as
// values (an absent error as 0xff, past every Errors); the detail carries its
// length (add(string_view)), so it cannot run into the next step.
void add_step(CanonicalHasher& h, const Step& s) {
  h.add(s.time_ms).add(s.kind).add(static_cast<std::uint8_t>(s.node.kind)).add(s.node.id);
  h.add(s.record).add(s.send).add(s.batch).add(s.request);
  h.add(s.partition).add(s.broker).add(s.offset);
  h.add(s.producer_id).add(s.producer_epoch).add(s.sequence).add(s.last_sequence).add(s.instance);
  h.add(s.error ? static_cast<std::uint8_t>(*s.error) : std::uint8_t{0xff}).add(std::string_view(s.detail));
  h.add(static_cast<std::uint8_t>(s.producer_state_created ? 1 : 0));
  if (s.transaction != -1) h.add(s.transaction);
}

}  // namespace

std::uint64_t History::hash() const {
  CanonicalHasher h;
  h.add(static_cast<std::uint64_t>(config.size()));
  for (const auto& [key, value] : config) h.add(key).add(value);
  h.add(static_cast<std::uint64_t>(steps.size()));
  for (const Step& s : steps) add_step(h, s);
  return h.digest();
}

}  // namespace kafka_model
