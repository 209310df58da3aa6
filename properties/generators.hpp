// RapidCheck generators for the search (RapidCheck's examples/database
// layout: domain generators in their own header).
//
//  - gen_run_spec: one case = workload + fault schedule (+ cluster size when
//    the configuration leaves it open) for a fixed configuration. Swarm
//    testing (Groce et al., "Swarm Testing", ISSTA 2012): each case first
//    enables a random subset of the allowed fault kinds, so a case with only
//    FollowerStall and BrokerCrash is as likely as any other pair.
//  - gen_producer_properties / gen_broker_properties: valid configurations
//    in Kafka's key space, for properties that vary the configuration.
//
// Times scale with the configuration: "when" and "how long" are drawn as a
// fraction of a span chosen per fault (a few network hops, request.timeout.ms,
// delivery.timeout.ms, replica.lag.time.max.ms), so a default configuration
// (delivery.timeout.ms = 120000) gets the same meaningful schedules as a test's
// small timeouts. The span never shrinks; the fraction shrinks towards 0.
//
// Shrinking order (greedy, first shrink that still violates): drop faults,
// then the workload (fewer records first), fewer brokers, then each fault's
// fields towards request 1, time 0, broker 0, duration 0.
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/config.hpp"
#include "model/fault_schedule.hpp"
#include "model/run_spec.hpp"
#include "model/workload.hpp"
#include "properties/search.hpp"

namespace kafka_model::generators {

// ---- building blocks ------------------------------------------------------------

// A list of min..max elements (uniform length, independent of RapidCheck's
// size) that shrinks like rc::gen::container: remove chunks, then shrink each element.
template <typename T>
rc::Gen<std::vector<T>> bounded_list(int min, int max, rc::Gen<T> element) {
  return [=](const rc::Random& random, int size) {
    rc::Random r = random;
    const auto span = static_cast<std::uint64_t>(max - min + 1);
    const auto count = static_cast<std::size_t>(min) + static_cast<std::size_t>(r.split().next() % span);
    std::vector<rc::Shrinkable<T>> elements;
    for (std::size_t i = 0; i < count; ++i) elements.push_back(element(r.split(), size));
    using Elements = std::vector<rc::Shrinkable<T>>;
    auto shrinks = [min](const Elements& es) {
      return rc::seq::concat(
          rc::seq::filter(rc::shrink::removeChunks(es), [min](const Elements& x) { return x.size() >= static_cast<std::size_t>(min); }),
          rc::shrink::eachElement(es, [](const rc::Shrinkable<T>& s) { return s.shrinks(); }));
    };
    return rc::shrinkable::map(rc::shrinkable::shrinkRecur(std::move(elements), shrinks), [](const Elements& es) {
      std::vector<T> out;
      for (const auto& e : es) out.push_back(e.value());
      return out;
    });
  };
}

// A time in [0, span) for a span chosen by weight (never shrunk); the
// fraction shrinks towards 0, so a shrunk schedule has the shortest time
// that still shows the anomaly, to 1/1000 of the span.
inline rc::Gen<std::int64_t> scaled_ms(std::vector<std::pair<std::size_t, std::int64_t>> weighted_spans) {
  std::vector<std::int64_t> spans;
  for (const auto& [weight, span] : weighted_spans)
    for (std::size_t i = 0; i < weight; ++i) spans.push_back(std::max<std::int64_t>(span, 1));
  return rc::gen::map(rc::gen::pair(rc::gen::noShrink(rc::gen::elementOf(spans)), rc::gen::inRange(0, 1001)),
                      [](const std::pair<std::int64_t, int>& p) { return p.first * p.second / 1000; });
}

// ---- fault schedules ----------------------------------------------------------------

// The spans a schedule's times are drawn from, from the configuration under test.
struct TimeScales {
  std::int64_t round_trips_ms = 10;  // the first few network round trips (1-3 ms each)
  std::int64_t hops_ms = 100;        // a few sends and network round trips
  std::int64_t request_timeout_ms = 30000;
  std::int64_t delivery_timeout_ms = 120000;
  std::int64_t replica_lag_time_max_ms = 30000;
};

// Each scale is capped at a day of virtual time: the spans below multiply
// them, and a configured Long.MAX_VALUE must not overflow (fuzzing, UBSan).
inline TimeScales time_scales(const Configuration& config) {
  constexpr std::int64_t kDayMs = 86'400'000;
  return TimeScales{10, 100, std::min(config.producer.request_timeout_ms, kDayMs),
                    std::min(config.producer.delivery_timeout_ms, kDayMs),
                    std::min(config.broker.replica_lag_time_max_ms, kDayMs)};
}

struct FaultBounds {
  TimeScales times;
  std::int32_t brokers = 3;      // broker ids drawn in [0, brokers)
  std::int32_t max_request = 30; // message faults target requests 1..max_request
  std::vector<Errors> error_responses;
};

// When a timed fault happens: mostly while the first sends are in flight,
// sometimes once a stalled follower has left the ISR (replica.lag.time.max.ms),
// around the retries after a request timeout, rarely near the delivery timeout.
inline rc::Gen<std::int64_t> gen_at_ms(const TimeScales& t) {
  return scaled_ms({{4, t.round_trips_ms},
                    {4, t.hops_ms},
                    {2, 3 * t.replica_lag_time_max_ms},
                    {2, 2 * t.request_timeout_ms},
                    {1, t.delivery_timeout_ms + t.request_timeout_ms}});
}

// How long a fault lasts, per kind: a late response matters around
// request.timeout.ms, a slow follower around replica.lag.time.max.ms, a
// paused broker around request.timeout.ms (retries) and delivery.timeout.ms (KIP-360).
inline rc::Gen<std::int64_t> gen_duration_ms(FaultKind kind, const TimeScales& t) {
  switch (kind) {
    case FaultKind::DelayResponse:
      return scaled_ms({{1, t.hops_ms}, {3, 2 * t.request_timeout_ms}, {1, t.delivery_timeout_ms + t.request_timeout_ms}});
    case FaultKind::FollowerStall:
      return scaled_ms({{1, t.hops_ms}, {3, 3 * t.replica_lag_time_max_ms}, {1, t.delivery_timeout_ms}});
    default:  // BrokerStall
      return scaled_ms({{1, t.hops_ms}, {2, 2 * t.request_timeout_ms}, {2, t.delivery_timeout_ms * 3 / 2}});
  }
}

// One fault of `kind`, with exactly the fields the kind uses (fault_fields());
// the others stay at Fault's defaults, as run_spec_io writes and reads them.
inline rc::Gen<Fault> gen_fault(FaultKind kind, const FaultBounds& b) {
  const FaultFields f = fault_fields(kind);
  const rc::Gen<std::int32_t> request = f.request ? rc::gen::inRange<std::int32_t>(1, b.max_request + 1) : rc::gen::just<std::int32_t>(0);
  const rc::Gen<std::int64_t> at = f.at_ms ? gen_at_ms(b.times) : rc::gen::just<std::int64_t>(0);
  const rc::Gen<std::int32_t> broker = f.broker ? rc::gen::inRange<std::int32_t>(0, b.brokers) : rc::gen::just<std::int32_t>(-1);
  const rc::Gen<std::int64_t> duration = f.duration_ms ? gen_duration_ms(kind, b.times) : rc::gen::just<std::int64_t>(0);
  const rc::Gen<Errors> error = f.error ? rc::gen::elementOf(b.error_responses) : rc::gen::just(Errors::NONE);
  return rc::gen::map(rc::gen::tuple(request, at, broker, duration, error), [kind](const auto& t) {
    return Fault{.kind = kind,
                 .at_ms = std::get<1>(t),
                 .request = std::get<0>(t),
                 .broker = std::get<2>(t),
                 .duration_ms = std::get<3>(t),
                 .error = std::get<4>(t)};
  });
}

// Swarm testing: a non-empty random subset of the allowed kinds, each kept
// with probability 1/2. Never shrunk (it only shapes the distribution).
inline rc::Gen<std::vector<FaultKind>> gen_swarm(std::vector<FaultKind> allowed) {
  return rc::gen::noShrink(rc::Gen<std::vector<FaultKind>>([allowed](const rc::Random& random, int) {
    rc::Random r = random;
    std::vector<FaultKind> enabled;
    for (FaultKind kind : allowed)
      if (r.next() & 1u) enabled.push_back(kind);
    if (enabled.empty()) enabled.push_back(allowed[r.next() % allowed.size()]);
    return rc::shrinkable::just(enabled);
  }));
}

// A schedule of up to max_faults faults of the enabled kinds.
inline rc::Gen<std::vector<Fault>> gen_schedule(std::vector<FaultKind> allowed, int max_faults, FaultBounds bounds) {
  return rc::gen::mapcat(gen_swarm(std::move(allowed)), [max_faults, bounds](const std::vector<FaultKind>& enabled) {
    const rc::Gen<Fault> fault = rc::gen::mapcat(rc::gen::noShrink(rc::gen::elementOf(enabled)),
                                                 [bounds](FaultKind kind) { return gen_fault(kind, bounds); });
    return bounded_list(1, std::max(1, max_faults), fault);
  });
}

// ---- workloads --------------------------------------------------------------------------

// records 1..max_records; mostly the at-least-once application (it re-sends,
// which is where duplicates come from), sometimes fire-and-forget or send().get().
inline rc::Gen<Workload> gen_workload(int max_records) {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::inRange<std::int32_t>(1, std::max(1, max_records) + 1),
                     rc::gen::weightedElement<DeliveryMode>(
                         {{8, DeliveryMode::AtLeastOnce}, {1, DeliveryMode::FireAndForget}, {1, DeliveryMode::Synchronous}}),
                     rc::gen::weightedElement<std::int32_t>({{6, 1}, {2, 0}, {1, 2}, {1, 3}}),
                     rc::gen::weightedElement<std::int64_t>({{6, 1}, {2, 0}, {1, 10}, {1, 100}})),
      [](const auto& t) {
        Workload w;
        w.records = std::get<0>(t);
        w.mode = std::get<1>(t);
        w.keys = std::get<2>(t);
        w.send_interval_ms = std::get<3>(t);
        return w;
      });
}

// ---- one case ------------------------------------------------------------------------------

struct CaseDraw {
  Workload workload;
  std::int32_t brokers = 0;  // 0 = as configured
  std::vector<Fault> faults;
  std::uint64_t seed = 1;
};

// The cluster may shrink when the configuration leaves its size open
// (neither model.brokers nor default.replication.factor given): from 3
// brokers down to min.insync.replicas (acks=all needs that many to write).
inline std::pair<std::int32_t, std::int32_t> broker_range(const SearchSpace& space, const Configuration& config) {
  const bool open = !space.broker.contains("model.brokers") && !space.broker.contains("default.replication.factor");
  if (!open) return {config.broker.brokers, config.broker.brokers};
  const std::int32_t hi = config.broker.brokers;
  return {std::clamp<std::int32_t>(config.broker.min_insync_replicas, 1, hi), hi};
}

inline std::vector<FaultKind> allowed_kinds(const SearchSpace& space) {
  if (!space.fault_kinds.empty()) return space.fault_kinds;
  std::vector<FaultKind> all;
  for (int i = 0; i < kFaultKindCount; ++i) all.push_back(static_cast<FaultKind>(i));
  return all;
}

// The parts of a case as Shrinkables, so the shrink order is ours: first
// drop faults, then shrink the workload (fewer records) and the cluster,
// and only then each fault's fields. Shrinking records before times matters:
// a paused leader that catches the 6th of 8 records at 4972ms shrinks no
// further, while the same pause at 6000ms catches a single record.
struct CaseParts {
  std::vector<rc::Shrinkable<Fault>> faults;
  rc::Shrinkable<Workload> workload;
  rc::Shrinkable<std::int32_t> brokers;
  std::uint64_t seed = 1;
};

inline rc::Seq<CaseParts> shrink_case(const CaseParts& parts) {
  using Faults = std::vector<rc::Shrinkable<Fault>>;
  auto with_faults = [parts](Faults f) { CaseParts p = parts; p.faults = std::move(f); return p; };
  auto with_workload = [parts](rc::Shrinkable<Workload> w) { CaseParts p = parts; p.workload = std::move(w); return p; };
  auto with_brokers = [parts](rc::Shrinkable<std::int32_t> b) { CaseParts p = parts; p.brokers = std::move(b); return p; };
  return rc::seq::concat(
      rc::seq::map(rc::seq::filter(rc::shrink::removeChunks(parts.faults), [](const Faults& f) { return !f.empty(); }),
                   with_faults),
      rc::seq::map(parts.workload.shrinks(), with_workload), rc::seq::map(parts.brokers.shrinks(), with_brokers),
      rc::seq::map(rc::shrink::eachElement(parts.faults, [](const rc::Shrinkable<Fault>& f) { return f.shrinks(); }),
                   with_faults));
}

inline CaseDraw to_draw(const CaseParts& parts) {
  CaseDraw draw{parts.workload.value(), parts.brokers.value(), {}, parts.seed};
  for (const auto& f : parts.faults) draw.faults.push_back(f.value());
  return draw;
}

inline rc::Gen<CaseDraw> gen_case(const SearchSpace& space, const Configuration& config) {
  const auto [lo, hi] = broker_range(space, config);
  const FaultBounds bounds{time_scales(config), hi, 2 * std::max(1, space.max_records) + 4,
                           space.error_responses.empty() ? default_error_responses() : space.error_responses};
  const rc::Gen<std::int32_t> brokers = lo == hi ? rc::gen::just<std::int32_t>(0) : rc::gen::inRange<std::int32_t>(lo, hi + 1);
  const rc::Gen<std::vector<FaultKind>> swarm = gen_swarm(allowed_kinds(space));
  const rc::Gen<Workload> workload = gen_workload(space.max_records);
  const int max_faults = std::max(1, space.max_faults);
  return [=](const rc::Random& random, int size) {
    rc::Random r = random;
    const std::vector<FaultKind> enabled = swarm(r.split(), size).value();
    CaseParts parts{{}, workload(r.split(), size), brokers(r.split(), size), 1 + r.split().next() % (1u << 30)};
    const auto count = 1 + static_cast<int>(r.split().next() % static_cast<std::uint64_t>(max_faults));
    for (int i = 0; i < count; ++i) {
      rc::Random fr = r.split();
      const FaultKind kind = enabled[fr.split().next() % enabled.size()];
      parts.faults.push_back(gen_fault(kind, bounds)(fr.split(), size));
    }
    return rc::shrinkable::map(rc::shrinkable::shrinkRecur(std::move(parts), &shrink_case), &to_draw);
  };
}

// The RunSpec of a case. A fault on a broker the shrunk cluster no longer
// has is dropped (fewer brokers, fewer faults).
inline RunSpec to_run_spec(const SearchSpace& space, const CaseDraw& draw) {
  RunSpec spec;
  spec.version = space.version;
  spec.producer = space.producer;
  spec.broker = space.broker;
  spec.consumer = space.consumer;
  if (draw.brokers > 0) {
    spec.broker["model.brokers"] = std::to_string(draw.brokers);
    spec.broker["default.replication.factor"] = std::to_string(draw.brokers);
  }
  spec.workload = draw.workload;
  if (space.max_resends_per_record >= 0) spec.workload.max_resends_per_record = space.max_resends_per_record;
  for (const Fault& fault : draw.faults)
    if (fault.broker < 0 || draw.brokers == 0 || fault.broker < draw.brokers) spec.schedule.faults.push_back(fault);
  spec.seed = draw.seed;
  return spec;
}

// ---- configurations in Kafka's key space ------------------------------------------------------

// Valid producer properties (build_configuration accepts them): an explicit
// enable.idempotence=true only with acks=all, retries > 0 and in-flight <= 5
// (ProducerConfig.postProcessParsedConfig); delivery.timeout.ms >=
// linger.ms + request.timeout.ms (KafkaProducer.configureDeliveryTimeout).
// Small timeouts keep runs short; the schedule scales with them.
inline rc::Gen<std::map<std::string, std::string>> gen_producer_properties() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::element<std::string>("all", "1", "0"), rc::gen::element<std::string>("true", "false", ""),
                     rc::gen::element<std::int32_t>(2147483647, 0, 1, 3), rc::gen::inRange<std::int32_t>(1, 6),
                     rc::gen::element<std::int64_t>(1000, 300, 5000), rc::gen::element<std::int64_t>(0, 5, 50),
                     rc::gen::element<std::int64_t>(5000, 2000, 20000), rc::gen::element<std::int32_t>(100, 16384)),
      [](const auto& t) {
        auto [acks, idempotence, retries, in_flight, request_timeout, linger, delivery_extra, batch_size] = t;
        if (idempotence == "true") {
          acks = "all";
          retries = std::max(retries, 1);
        }
        std::map<std::string, std::string> p = {
            {"acks", acks},
            {"retries", std::to_string(retries)},
            {"max.in.flight.requests.per.connection", std::to_string(in_flight)},
            {"request.timeout.ms", std::to_string(request_timeout)},
            {"linger.ms", std::to_string(linger)},
            {"delivery.timeout.ms", std::to_string(linger + request_timeout + delivery_extra)},
            {"retry.backoff.ms", "10"},
            {"batch.size", std::to_string(batch_size)}};
        if (!idempotence.empty()) p["enable.idempotence"] = idempotence;
        return p;
      });
}

// Valid broker properties: replication factor <= brokers, min.insync.replicas
// <= replication factor (larger is legal in Kafka but refuses every acks=all write).
inline rc::Gen<std::map<std::string, std::string>> gen_broker_properties() {
  return rc::gen::mapcat(rc::gen::inRange<std::int32_t>(1, 4), [](std::int32_t brokers) {
    return rc::gen::map(rc::gen::tuple(rc::gen::inRange<std::int32_t>(1, brokers + 1), rc::gen::arbitrary<bool>(),
                                       rc::gen::element<std::int64_t>(200, 1000), rc::gen::inRange<std::int32_t>(1, 3)),
                        [brokers](const auto& t) {
                          const auto [min_isr, unclean, lag, partitions] = t;
                          return std::map<std::string, std::string>{
                              {"model.brokers", std::to_string(brokers)},
                              {"default.replication.factor", std::to_string(brokers)},
                              {"min.insync.replicas", std::to_string(min_isr)},
                              {"unclean.leader.election.enable", unclean ? "true" : "false"},
                              {"replica.lag.time.max.ms", std::to_string(lag)},
                              // KafkaConfig: replica.fetch.wait.max.ms <= replica.lag.time.max.ms
                              {"replica.fetch.wait.max.ms", std::to_string(std::min<std::int64_t>(500, lag / 2))},
                              {"num.partitions", std::to_string(partitions)}};
                        });
  });
}

}  // namespace kafka_model::generators
