// The ProducerBatch lifecycle as a Boost.MSM transition table (C++17 TU).
#include "statemachines/producer_batch_lifecycle.hpp"

#include "statemachines/canonical_hash.hpp"
#include "statemachines/detail/msm_table.hpp"

namespace kafka_model {
namespace {

namespace msmf = boost::msm::front;
using detail::KafkaMachineDef;

// ---- events ----------------------------------------------------------------
struct BatchClosed { static constexpr const char* name = "BatchClosed"; };
struct Drained { static constexpr const char* name = "Drained"; };
struct ResponseSucceeded { static constexpr const char* name = "ResponseSucceeded"; };
struct RetriableErrorReceived {
  static constexpr const char* name = "RetriableErrorReceived";
  bool producer_allows_retry;
};
struct NonRetriableErrorReceived { static constexpr const char* name = "NonRetriableErrorReceived"; };
struct RetryBackoffElapsed { static constexpr const char* name = "RetryBackoffElapsed"; };
struct DeliveryTimeoutReached { static constexpr const char* name = "DeliveryTimeoutReached"; };
struct Aborted { static constexpr const char* name = "Aborted"; };

// ---- states ----------------------------------------------------------------
struct Open : msmf::state<> { static constexpr const char* name = "Open"; };
struct Closed : msmf::state<> { static constexpr const char* name = "Closed"; };
struct InFlight : msmf::state<> { static constexpr const char* name = "InFlight"; };
struct WaitingToRetry : msmf::state<> { static constexpr const char* name = "WaitingToRetry"; };
struct Succeeded : msmf::state<> { static constexpr const char* name = "Succeeded"; };
struct Failed : msmf::state<> { static constexpr const char* name = "Failed"; };
struct Expired : msmf::state<> { static constexpr const char* name = "Expired"; };

// ---- guards ----------------------------------------------------------------
// Sender.canRetry: batch.attempts() < retries, and the producer agrees (not
// past delivery.timeout.ms; TransactionManager.canRetry for idempotence).
struct CanRetry {
  static constexpr const char* name = "CanRetry";
  template <class Fsm, class S, class T>
  bool operator()(RetriableErrorReceived const& e, Fsm& fsm, S&, T&) const {
    return e.producer_allows_retry && fsm.retries_used < fsm.retries;
  }
};

// ---- actions ---------------------------------------------------------------
struct CountAttempt {
  static constexpr const char* name = "CountAttempt";
  template <class Fsm, class E, class S, class T>
  void operator()(E const&, Fsm& fsm, S&, T&) const { ++fsm.attempts; }
};
struct CountRetry {
  static constexpr const char* name = "CountRetry";
  template <class Fsm, class E, class S, class T>
  void operator()(E const&, Fsm& fsm, S&, T&) const { ++fsm.retries_used; }
};

using msmf::none;
using msmf::Row;
using msmf::euml::Not_;

// +---------------------------------------------------------------------------+
// | ProducerBatch lifecycle: RecordAccumulator (append, ready, drain,         |
// | reenqueue, expiredBatches) and Sender (completeBatch, canRetry, failBatch,|
// | getExpiredInflightBatches) in org.apache.kafka.clients.producer.internals |
// +---------------------------------------------------------------------------+
struct BatchDef : KafkaMachineDef<BatchDef> {
  using initial_state = Open;
  struct transition_table : boost::mpl::vector<
      //   Source          Event                      Target          Action        Guard
      Row<Open,           BatchClosed,               Closed,         none,         none>,
      Row<Open,           DeliveryTimeoutReached,    Expired,        none,         none>,
      Row<Open,           Aborted,                   Failed,         none,         none>,
      Row<Closed,         Drained,                   InFlight,       CountAttempt, none>,
      Row<Closed,         DeliveryTimeoutReached,    Expired,        none,         none>,
      Row<Closed,         Aborted,                   Failed,         none,         none>,
      Row<InFlight,       ResponseSucceeded,         Succeeded,      none,         none>,
      Row<InFlight,       RetriableErrorReceived,    WaitingToRetry, CountRetry,   CanRetry>,
      Row<InFlight,       RetriableErrorReceived,    Failed,         none,         Not_<CanRetry>>,
      Row<InFlight,       NonRetriableErrorReceived, Failed,         none,         none>,
      Row<InFlight,       DeliveryTimeoutReached,    Expired,        none,         none>,
      Row<InFlight,       Aborted,                   Failed,         none,         none>,
      Row<WaitingToRetry, RetryBackoffElapsed,       Closed,         none,         none>,
      Row<WaitingToRetry, DeliveryTimeoutReached,    Expired,        none,         none>,
      Row<WaitingToRetry, Aborted,                   Failed,         none,         none>
  > {};

  std::int32_t retries = 0;
  std::int32_t attempts = 0;
  std::int32_t retries_used = 0;
};
using Machine = boost::msm::back::state_machine<BatchDef>;

}  // namespace

struct ProducerBatchLifecycle::Impl {
  Machine fsm;

  State state() const {
    return detail::state_enum<Machine>(fsm.current_state()[0], &ProducerBatchLifecycle::name, kStateCount);
  }
  template <class Event>
  std::optional<std::string> feed(Event const& event) {
    const State before = state();
    if (detail::process(fsm, event))
      return std::string(Event::name) + " rejected in state " + ProducerBatchLifecycle::name(before);
    return std::nullopt;
  }
};

ProducerBatchLifecycle::ProducerBatchLifecycle(std::int32_t retries) : impl_(std::make_unique<Impl>()) {
  impl_->fsm.retries = retries;
  impl_->fsm.start();
}
ProducerBatchLifecycle::ProducerBatchLifecycle(const ProducerBatchLifecycle& o)
    : impl_(std::make_unique<Impl>(*o.impl_)) {}
ProducerBatchLifecycle& ProducerBatchLifecycle::operator=(const ProducerBatchLifecycle& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
ProducerBatchLifecycle::ProducerBatchLifecycle(ProducerBatchLifecycle&&) noexcept = default;
ProducerBatchLifecycle& ProducerBatchLifecycle::operator=(ProducerBatchLifecycle&&) noexcept = default;
ProducerBatchLifecycle::~ProducerBatchLifecycle() = default;

std::optional<std::string> ProducerBatchLifecycle::close() { return impl_->feed(BatchClosed{}); }
std::optional<std::string> ProducerBatchLifecycle::drain() { return impl_->feed(Drained{}); }
std::optional<std::string> ProducerBatchLifecycle::succeed() { return impl_->feed(ResponseSucceeded{}); }
std::optional<std::string> ProducerBatchLifecycle::fail_retriable(bool producer_allows_retry) {
  return impl_->feed(RetriableErrorReceived{producer_allows_retry});
}
std::optional<std::string> ProducerBatchLifecycle::fail_fatal() { return impl_->feed(NonRetriableErrorReceived{}); }
std::optional<std::string> ProducerBatchLifecycle::backoff_elapsed() { return impl_->feed(RetryBackoffElapsed{}); }
std::optional<std::string> ProducerBatchLifecycle::expire() { return impl_->feed(DeliveryTimeoutReached{}); }
std::optional<std::string> ProducerBatchLifecycle::abort() { return impl_->feed(Aborted{}); }

ProducerBatchLifecycle::State ProducerBatchLifecycle::state() const { return impl_->state(); }
std::int32_t ProducerBatchLifecycle::attempts() const { return impl_->fsm.attempts; }
std::int32_t ProducerBatchLifecycle::retries_used() const { return impl_->fsm.retries_used; }
bool ProducerBatchLifecycle::ever_sent() const { return impl_->fsm.attempts > 0; }
bool ProducerBatchLifecycle::outcome_unknown() const { return state() == State::Expired && ever_sent(); }
bool ProducerBatchLifecycle::is_done() const {
  const State s = state();
  return s == State::Succeeded || s == State::Failed || s == State::Expired;
}

bool ProducerBatchLifecycle::operator==(const ProducerBatchLifecycle& o) const {
  const Machine& a = impl_->fsm;
  const Machine& b = o.impl_->fsm;
  return a.current_state()[0] == b.current_state()[0] && a.retries == b.retries && a.attempts == b.attempts &&
         a.retries_used == b.retries_used;
}

std::uint64_t ProducerBatchLifecycle::hash() const {
  const Machine& m = impl_->fsm;
  return CanonicalHasher{}.add(state()).add(m.retries).add(m.attempts).add(m.retries_used).digest();
}

const char* ProducerBatchLifecycle::name(State s) {
  switch (s) {
    case State::Open: return Open::name;
    case State::Closed: return Closed::name;
    case State::InFlight: return InFlight::name;
    case State::WaitingToRetry: return WaitingToRetry::name;
    case State::Succeeded: return Succeeded::name;
    case State::Failed: return Failed::name;
    case State::Expired: return Expired::name;
  }
  return "?";
}

MachineDescription ProducerBatchLifecycle::describe() {
  return detail::describe_table<Machine>(
      "ProducerBatchLifecycle", "org.apache.kafka.clients.producer.internals.ProducerBatch",
      "One batch of records from the moment the RecordAccumulator opens it until its callback fires. "
      "It closes when full, when linger.ms elapses or on flush; the Sender drains it into a produce "
      "request (the first drain assigns its sequence, which never changes on retry); a retriable error "
      "re-enqueues it while Sender.canRetry allows (retries left, delivery.timeout.ms not reached, and "
      "for idempotence TransactionManager.canRetry); delivery.timeout.ms expires it from any unfinished "
      "state with a TimeoutException, and once it has been sent its outcome is unknown: it may be in "
      "the log.");
}

}  // namespace kafka_model
