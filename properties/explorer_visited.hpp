// The explorer's visited set (docs/explorer.md, "The visited set"): 64-bit
// fingerprints in an open-addressing table (hash compaction), or SPIN's
// bitstate (supertrace) with 3 probes a state and the omission probability
// it implies. Used by properties/explorer.cpp; its own header so the tests
// can pin the bit computation.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "properties/explorer.hpp"

namespace kafka_model {

class VisitedSet {
 public:
  VisitedSet(VisitedKind kind, int bitstate_log2) : kind_(kind) {
    if (kind_ == VisitedKind::Bitstate) {
      log2_ = std::clamp(bitstate_log2, 10, 40);
      bits_.assign((std::size_t{1} << log2_) / 64, 0);
    } else {
      table_.assign(1 << 16, 0);
    }
  }
  // True when `h` was not there (and is now).
  bool insert(std::uint64_t h) {
    if (kind_ == VisitedKind::Bitstate) return insert_bits(h);
    if (h == 0) h = 1;  // 0 marks an empty slot
    if (2 * (count_ + 1) > table_.size()) grow();
    if (!place(table_, h)) return false;
    ++count_;
    return true;
  }
  std::int64_t bytes() const {
    return static_cast<std::int64_t>(kind_ == VisitedKind::Bitstate ? bits_.size() * 8 : table_.size() * 8);
  }
  // Hash compaction: two of n distinct states share a 64-bit fingerprint with
  // probability about n^2 / 2^65. Bitstate (Holzmann): a new state is taken
  // for seen when its k probes hit set bits, probability (1 - e^{-kn/m})^k,
  // summed over the n insertions.
  double omission_probability() const {
    const double n = static_cast<double>(count_);
    if (kind_ == VisitedKind::HashCompact) return std::min(1.0, n * n / 36893488147419103232.0);
    const double m = static_cast<double>(std::size_t{1} << log2_);
    double sum = 0;
    // Sum_{i<n} (1 - e^{-k i / m})^k, in 64 slices.
    const int slices = 64;
    for (int s = 0; s < slices; ++s) {
      const double i = n * (s + 0.5) / slices;
      sum += std::pow(1 - std::exp(-kProbes * i / m), kProbes) * n / slices;
    }
    return std::min(1.0, sum);
  }

  // Bitstate: the k-th bit a fingerprint sets (double hashing: h + k * h2,
  // h2 odd, both modulo 2^log2), and whether a bit is set. Public for the
  // tests that pin them (tests/properties/explorer_test.cpp).
  static constexpr int kProbes = 3;
  std::uint64_t probe(std::uint64_t h, int k) const {
    const std::uint64_t mask = (std::uint64_t{1} << log2_) - 1;
    const std::uint64_t h2 = (h >> 32 | h << 32) * 0x9e3779b97f4a7c15ULL | 1;
    return (h + static_cast<std::uint64_t>(k) * h2) & mask;
  }
  bool bit_set(std::uint64_t bit) const { return (bits_[bit / 64] >> (bit % 64) & 1) != 0; }
  std::int64_t bits_set() const {
    std::int64_t n = 0;
    for (std::uint64_t w : bits_) n += __builtin_popcountll(w);
    return n;
  }
  std::int64_t count() const { return static_cast<std::int64_t>(count_); }

 private:
  static bool place(std::vector<std::uint64_t>& table, std::uint64_t h) {
    const std::size_t mask = table.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      if (table[i] == h) return false;
      if (table[i] == 0) {
        table[i] = h;
        return true;
      }
    }
  }
  void grow() {
    std::vector<std::uint64_t> bigger(table_.size() * 2, 0);
    for (std::uint64_t h : table_)
      if (h != 0) place(bigger, h);
    table_ = std::move(bigger);
  }
  bool insert_bits(std::uint64_t h) {
    bool fresh = false;
    for (int k = 0; k < kProbes; ++k) {
      const std::uint64_t bit = probe(h, k);
      std::uint64_t& word = bits_[bit / 64];
      const std::uint64_t m = std::uint64_t{1} << (bit % 64);
      if ((word & m) == 0) fresh = true;
      word |= m;
    }
    if (fresh) ++count_;
    return fresh;
  }

  VisitedKind kind_;
  int log2_ = 0;
  std::vector<std::uint64_t> table_;
  std::vector<std::uint64_t> bits_;
  std::size_t count_ = 0;
};

}  // namespace kafka_model
