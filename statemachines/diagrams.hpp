// Diagrams generated from the machines' own transition tables: Mermaid and
// Graphviz DOT per machine, plus docs/state-machines.md embedding them. The
// docs test regenerates these and fails when the committed copies differ.
#pragma once

#include <string>
#include <vector>

#include "statemachines/machine_description.hpp"

namespace kafka_model {

std::string to_mermaid(const MachineDescription& machine);
std::string to_dot(const MachineDescription& machine);
// What sets `event` off in Kafka, as a user knows it: the public call, the
// request or the timer ("`abortTransaction()`" for BeginAbort); "" if unknown.
std::string event_trigger(const std::string& machine, const std::string& event);
std::string state_machines_markdown(const std::vector<MachineDescription>& machines);

struct GeneratedFile {
  std::string path;  // relative to docs/
  std::string content;
};

// Every generated file of docs/ (SVGs excluded: they depend on the installed
// Graphviz, so they are rendered from the .dot files, not compared).
std::vector<GeneratedFile> generate_diagram_files(const std::vector<MachineDescription>& machines);

}  // namespace kafka_model
