// Every nondeterministic decision of the world that is not a fault (a network
// delay, a fetch interval) goes through one Chooser: a seeded PRNG when
// simulating, RapidCheck's generators when searching, an enumerator when
// exploring exhaustively. The fault schedule plus the choices replay a run.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kafka_model {

class Chooser {
 public:
  virtual ~Chooser() = default;
  // A value in [0, bound); `what` names the decision (for recording and for
  // choosers that treat kinds of decisions differently). bound >= 1.
  virtual std::uint64_t choose(std::uint64_t bound, std::string_view what) = 0;
};

// SplitMix64: our own generator, so a run never depends on a standard
// library's engines or distributions.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Unbiased value in [0, bound) by rejection.
  std::uint64_t below(std::uint64_t bound) {
    if (bound <= 1) return 0;
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
    std::uint64_t value;
    do value = next();
    while (value >= limit);
    return value % bound;
  }
  bool operator==(const SplitMix64&) const = default;
  std::uint64_t state() const { return state_; }

 private:
  std::uint64_t state_;
};

// SplitMix64::below's values exactly, with its rejection limit (a 64-bit
// division) remembered for the last bound: a run asks for the same few
// bounds (fetch jitter, network delay) millions of times.
class SeededChooser final : public Chooser {
 public:
  explicit SeededChooser(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t choose(std::uint64_t bound, std::string_view) override {
    if (bound <= 1) return 0;
    if (bound != bound_) {
      bound_ = bound;
      limit_ = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
    }
    std::uint64_t value;
    do value = rng_.next();
    while (value >= limit_);
    return value % bound;
  }

 private:
  SplitMix64 rng_;
  std::uint64_t bound_ = 0;
  std::uint64_t limit_ = 0;
};

// Replays a recorded list of choices, then falls back to 0 (the least
// surprising choice: shortest delay, first candidate).
class ReplayChooser final : public Chooser {
 public:
  explicit ReplayChooser(std::vector<std::uint64_t> choices) : choices_(std::move(choices)) {}
  std::uint64_t choose(std::uint64_t bound, std::string_view) override {
    const std::uint64_t value = next_ < choices_.size() ? choices_[next_] : 0;
    ++next_;
    return bound <= 1 ? 0 : value % bound;
  }

 private:
  std::vector<std::uint64_t> choices_;
  std::size_t next_ = 0;
};

// The exhaustive explorer's chooser (properties/explorer.hpp). Its decisions
// are SeededChooser(seed)'s, so a behaviour it explores replays from a
// RunSpec's seed exactly; but the generator's position is a value the
// explorer saves with every explored state and restores before stepping it
// (every World copy of one exploration points at this one chooser), so the
// position is part of a state's identity like any other variable.
class ExplorationChooser final : public Chooser {
 public:
  explicit ExplorationChooser(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t choose(std::uint64_t bound, std::string_view) override { return rng_.below(bound); }
  const SplitMix64& position() const { return rng_; }
  void set_position(const SplitMix64& position) { rng_ = position; }

 private:
  SplitMix64 rng_;
};

}  // namespace kafka_model
