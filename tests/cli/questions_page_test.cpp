// docs/questions.md says what every report repeats once: the effective
// configuration's default keys and the timeline legend are in its appendix,
// not in every answer (scripts/questions.sh condenses the real output;
// tests/cli/questions_test.cpp checks the page is current).
#include <gtest/gtest.h>

#include "tests/cli/run_cli.hpp"

namespace kafka_model::cli_test {
namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = 0; (at = text.find(part, at)) != std::string::npos; at += part.size()) ++n;
  return n;
}

TEST(QuestionsPage, PrintsTheDefaultsAndTheLegendOnce) {
  const std::string page = slurp(source("docs/questions.md"));
  ASSERT_FALSE(page.empty());
  EXPECT_GT(count(page, "Effective configuration (what Kafka"), 10u) << "the answers still show their settings";
  EXPECT_EQ(count(page, "Timeline: one line per step of the history."), 1u);
  // Default-valued keys no answer sets: only in the appendix.
  for (const char* line : {"    buffer.memory                            33554432\n",
                           "    max.block.ms                             60000\n",
                           "    producer.id.expiration.ms                86400000\n"})
    EXPECT_EQ(count(page, line), 1u) << line;
  EXPECT_GT(count(page, "other keys at their defaults, listed at the end of this page"), 10u);
  // A key Kafka derives (acks=1 turns idempotence off) stays in its answer.
  EXPECT_GT(count(page, "    enable.idempotence                       false\n"), 1u);
}

}  // namespace
}  // namespace kafka_model::cli_test
