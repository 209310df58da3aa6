// Every nondeterministic decision of the world that is not a fault (a network
// delay, a fetch interval) goes through one Chooser: a seeded PRNG when
// simulating, RapidCheck's generators when searching, an enumerator when
// exploring exhaustively. The fault schedule plus the choices replay a run.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
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
class CachedBelow {
 public:
  std::uint64_t draw(SplitMix64& rng, std::uint64_t bound) {
    if (bound <= 1) return 0;
    if (bound != bound_) {
      bound_ = bound;
      limit_ = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
    }
    std::uint64_t value;
    do value = rng.next();
    while (value >= limit_);
    return value % bound;
  }

 private:
  std::uint64_t bound_ = 0;
  std::uint64_t limit_ = 0;
};

class SeededChooser final : public Chooser {
 public:
  explicit SeededChooser(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t choose(std::uint64_t bound, std::string_view) override { return below_.draw(rng_, bound); }

 private:
  SplitMix64 rng_;
  CachedBelow below_;
};

// Replays a RunSpec's decisions: its recorded `choices` (one value per
// decision, in the order the world asks), then SeededChooser(seed)'s. The
// seed's generator is drawn at every decision, recorded or not, so a value
// recorded equal to the seed's draw changes nothing, and the decisions after
// the recorded ones are the seed's exactly as in an unrecorded run: an empty
// list is SeededChooser(seed). A recorded value outside the decision's range
// (a file recorded against another model or configuration) is not used: the
// seed's draw is, and the first such mismatch is kept for the caller to report.
class ReplayChooser final : public Chooser {
 public:
  struct Mismatch {
    std::size_t index = 0;  // into choices
    std::uint64_t value = 0;
    std::uint64_t bound = 0;
    std::string what;
  };
  ReplayChooser(std::vector<std::uint64_t> choices, std::uint64_t seed) : choices_(std::move(choices)), rng_(seed) {}
  std::uint64_t choose(std::uint64_t bound, std::string_view what) override {
    const std::uint64_t drawn = below_.draw(rng_, bound);  // rng_.below(bound)'s value
    const std::size_t index = next_++;
    if (index >= choices_.size()) return drawn;
    if (choices_[index] < std::max<std::uint64_t>(bound, 1)) return choices_[index];
    if (!mismatch_) mismatch_ = Mismatch{index, choices_[index], bound, std::string(what)};
    return drawn;
  }
  const std::optional<Mismatch>& mismatch() const { return mismatch_; }
  std::size_t decisions() const { return next_; }

 private:
  std::vector<std::uint64_t> choices_;
  SplitMix64 rng_;
  CachedBelow below_;
  std::size_t next_ = 0;
  std::optional<Mismatch> mismatch_;
};

// The exhaustive explorer's chooser (properties/explorer.hpp). It draws
// SeededChooser(seed)'s value at every decision (so a behaviour that takes
// the seed's values replays from a RunSpec's seed alone), and counts the
// decisions. Decisions whose label is enumerated (`enumerate`) are logged as
// points of the current transition, and the first points may be forced to
// other values (`begin_transition`): the explorer re-runs one transition from
// a World copy with each forced prefix to branch on every value. The
// generator's position and the count are values the explorer saves with
// every explored state and restores before stepping it (every World copy of
// one exploration points at this one chooser).
class ExplorationChooser final : public Chooser {
 public:
  struct Point {
    std::uint64_t index = 0;  // the decision's ordinal in the run (a RunSpec's choices[index])
    std::uint64_t bound = 0;
    std::uint64_t drawn = 0;  // the seed's value
  };
  explicit ExplorationChooser(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t choose(std::uint64_t bound, std::string_view what) override {
    const std::uint64_t drawn = rng_.below(bound);
    const std::uint64_t index = count_++;
    if (bound <= 1 || !enumerated(what)) return drawn;
    const std::size_t k = points_.size();
    points_.push_back(Point{index, bound, drawn});
    return k < forced_.size() ? forced_[k] : drawn;
  }
  const SplitMix64& position() const { return rng_; }
  std::uint64_t count() const { return count_; }
  void set_position(const SplitMix64& position, std::uint64_t count) {
    rng_ = position;
    count_ = count;
  }
  // Labels whose decisions are enumerated ("network.delay", ...; "*" = all).
  void enumerate(std::vector<std::string> labels) { labels_ = std::move(labels); }
  // The next transition: its first forced.size() enumerated points take these values.
  void begin_transition(std::vector<std::uint64_t> forced) {
    forced_ = std::move(forced);
    points_.clear();
  }
  const std::vector<Point>& points() const { return points_; }

 private:
  bool enumerated(std::string_view what) const {
    for (const std::string& l : labels_)
      if (l == what || l == "*") return true;
    return false;
  }
  SplitMix64 rng_;
  std::uint64_t count_ = 0;
  std::vector<std::string> labels_;
  std::vector<std::uint64_t> forced_;
  std::vector<Point> points_;
};

}  // namespace kafka_model
