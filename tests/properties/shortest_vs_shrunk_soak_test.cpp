// Shortest vs shrunk for every expected violation (tests/properties/
// expected_violations.hpp): the shrunk counterexample is within 1.5x of the
// explorer's shortest. Label soak (the explorer needs up to a minute for the
// longer ones); explorer_test.cpp runs three of them in the normal suite.
#include <gtest/gtest.h>

#include "tests/properties/shortest_vs_shrunk.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

class EveryExpectedViolation : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryExpectedViolation, ShrunkIsWithinOneAndAHalfOfTheShortest) {
  expect_shrunk_close_to_shortest(expected_violation(GetParam()));
}

std::vector<std::string> labels() {
  std::vector<std::string> out;
  for (const Expected& e : expected_violations()) out.push_back(e.label);
  return out;
}

INSTANTIATE_TEST_SUITE_P(ShortestVsShrunk, EveryExpectedViolation, ::testing::ValuesIn(labels()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name;
                           for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace kafka_model
