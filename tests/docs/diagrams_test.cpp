// docs: the committed diagrams are what the transition tables produce now.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "statemachines/diagrams.hpp"
#include "statemachines/machine_description.hpp"

namespace kafka_model {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Docs, CommittedDiagramsMatchTheTransitionTables) {
  for (const GeneratedFile& file : generate_diagram_files(all_machine_descriptions())) {
    const std::string path = std::string(KAFKA_MODEL_SOURCE_DIR) + "/docs/" + file.path;
    EXPECT_EQ(read_file(path), file.content)
        << "docs/" << file.path << " is stale: regenerate with `kafka-model diagrams --out docs`";
  }
}

TEST(Docs, StateMachinesPageShowsAllFourMachines) {
  const std::string page = read_file(std::string(KAFKA_MODEL_SOURCE_DIR) + "/docs/state-machines.md");
  for (const char* machine :
       {"TransactionManager", "ProducerStateEntry", "TransactionCoordinator", "ProducerBatchLifecycle"}) {
    EXPECT_NE(page.find(std::string("## ") + machine), std::string::npos) << machine;
  }
  EXPECT_NE(page.find("```mermaid"), std::string::npos);
}

TEST(Docs, EveryRowOfEveryTableIsDrawn) {
  for (const MachineDescription& m : all_machine_descriptions()) {
    const std::string dot = to_dot(m);
    const std::string mermaid = to_mermaid(m);
    for (const TransitionRow& row : m.rows) {
      EXPECT_NE(mermaid.find(row.source + " --> "), std::string::npos) << m.name << " " << row.event;
      // The DOT merges rows into edges, notes and state boxes: each row's parts are there.
      for (const std::string& part : {row.event, row.guard, row.action}) {
        std::string escaped = part;  // in a state's box && is HTML-escaped, on an edge's label it is not
        for (std::size_t at; (at = escaped.find("&&")) != std::string::npos;) escaped.replace(at, 2, "&amp;&amp;");
        const bool drawn = dot.find(part) != std::string::npos || dot.find(escaped) != std::string::npos;
        EXPECT_TRUE(drawn) << m.name << " " << row.event << ": " << part;
      }
    }
    EXPECT_FALSE(m.states.empty()) << m.name;
    EXPECT_FALSE(m.initial_state.empty()) << m.name;
  }
}

// Every event is said as the Kafka call, request or timer a user knows
// (`BeginAbort` = `abortTransaction()`), in the picture and in the table.
TEST(Docs, EveryEventNamesWhatSetsItOffInKafka) {
  const std::string page = read_file(std::string(KAFKA_MODEL_SOURCE_DIR) + "/docs/state-machines.md");
  for (const MachineDescription& m : all_machine_descriptions())
    for (const TransitionRow& row : m.rows) {
      EXPECT_FALSE(event_trigger(m.name, row.event).empty()) << m.name << " " << row.event;
      if (!row.target.empty()) {  // an internal row is a line in its state's box; the table names its call
        EXPECT_NE(to_dot(m).find(row.event + "\\n= "), std::string::npos) << m.name << " " << row.event;
      }
      EXPECT_NE(page.find("| `" + row.event + "` | "), std::string::npos) << m.name << " " << row.event;
    }
  EXPECT_NE(event_trigger("TransactionManager", "BeginAbort").find("abortTransaction()"), std::string::npos);
}

// Readable at page width: rendered by Graphviz (as `kafka-model diagrams`
// does), no machine is wider than a page of about 1000 pt.
TEST(Docs, DiagramsFitAPageWidth) {
  if (std::system("command -v dot >/dev/null 2>&1") != 0) GTEST_SKIP() << "Graphviz dot is not installed";
  for (const MachineDescription& m : all_machine_descriptions()) {
    const std::string svg = read_file(std::string(KAFKA_MODEL_SOURCE_DIR) + "/docs/diagrams/" + m.name + ".svg");
    const std::size_t at = svg.find("<svg width=\"");
    ASSERT_NE(at, std::string::npos) << m.name << ".svg: regenerate with `kafka-model diagrams --out docs`";
    const int width_pt = std::atoi(svg.c_str() + at + 12);
    EXPECT_GT(width_pt, 100) << m.name;
    EXPECT_LE(width_pt, 1000) << m.name << ".svg is " << width_pt << " pt wide";
  }
}

}  // namespace
}  // namespace kafka_model
