// One canonical hash for every value in the world (machines included), so a
// search can skip states it has seen and a test can compare histories. FNV-1a
// over explicitly little-endian bytes: independent of std::hash, of the
// platform and of the standard library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>


namespace kafka_model {

class CanonicalHasher {
 public:
  // Headers under statemachines/ stay C++17: the MSM translation units
  // include them (Boost 1.74 MSM does not build as C++20, boostorg/msm#38).
  template <class Int>
  CanonicalHasher& add(Int value) {
    static_assert(std::is_integral_v<Int> || std::is_enum_v<Int>, "add(string_view) for text");
    using Raw = typename std::conditional_t<std::is_enum_v<Int>, std::underlying_type<Int>,
                                            std::enable_if<true, Int>>::type;
    using U = std::make_unsigned_t<Raw>;
    auto bits = static_cast<std::uint64_t>(static_cast<U>(value));
    for (unsigned i = 0; i < sizeof(U); ++i) byte(static_cast<std::uint8_t>(bits >> (8 * i)));
    return *this;
  }
  CanonicalHasher& add(const std::string& text) { return add(std::string_view(text)); }
  CanonicalHasher& add(std::string_view text) {
    add(static_cast<std::uint64_t>(text.size()));
    for (char c : text) byte(static_cast<std::uint8_t>(c));
    return *this;
  }
  std::uint64_t digest() const { return state_; }

 private:
  void byte(std::uint8_t b) {
    state_ ^= b;
    state_ *= 0x100000001b3ULL;
  }
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

}  // namespace kafka_model
