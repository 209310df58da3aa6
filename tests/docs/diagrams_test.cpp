// docs: the committed diagrams are what the transition tables produce now.
#include <gtest/gtest.h>

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
      EXPECT_NE(dot.find("[label=\"" + row.event), std::string::npos) << m.name << " " << row.event;
    }
    EXPECT_FALSE(m.states.empty()) << m.name;
    EXPECT_FALSE(m.initial_state.empty()) << m.name;
  }
}

}  // namespace
}  // namespace kafka_model
