// A state machine's transition table as plain data: what the diagram
// generator draws and what tests compare against Kafka's own tables. Each
// facade's describe() builds it by walking the Boost.MSM table itself
// (detail/msm_table.hpp), so a diagram can never drift from the code.
#pragma once

// C++17: included by the MSM translation units.
#include <string>
#include <vector>

namespace kafka_model {

struct TransitionRow {
  std::string source;
  std::string event;
  std::string target;  // empty for an internal transition (state unchanged, no exit/entry)
  std::string action;  // empty when the row has no action
  std::string guard;   // empty when the row has no guard
  bool operator==(const TransitionRow& o) const {
    return source == o.source && event == o.event && target == o.target && action == o.action &&
           guard == o.guard;
  }
};

struct MachineDescription {
  std::string name;         // e.g. "TransactionManager"
  std::string kafka_class;  // the Kafka class it mirrors
  std::string summary;      // one paragraph for docs/state-machines.md
  std::string initial_state;
  std::vector<std::string> states;  // indexed by MSM state id
  std::vector<TransitionRow> rows;  // in table order
};

// Every machine of the project, in a fixed order (statemachines/machines.cpp).
std::vector<MachineDescription> all_machine_descriptions();

}  // namespace kafka_model
