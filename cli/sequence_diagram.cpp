#include "cli/sequence_diagram.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <set>

#include "model/history_io.hpp"

namespace kafka_model::cli {
namespace {

// Mermaid ends a message at ';' and reads '#...;' as an entity.
std::string mermaid_text(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == ';') out += ',';
    else if (c == '#') out += "#35;";
    else out += c;
  }
  return out;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string participant(const std::string& node) {
  if (starts_with(node, "producer")) return "producer";
  return node;
}

std::string broker_of(const Step& step) { return step.broker >= 0 ? fmt::format("broker-{}", step.broker) : ""; }

std::set<int> brokers_in(const History& history) {
  std::set<int> brokers;
  const auto it = history.config.find("model.brokers");
  if (it != history.config.end()) {
    const int n = std::atoi(it->second.c_str());
    for (int b = 0; b < n && b < 64; ++b) brokers.insert(b);
  }
  for (const Step& s : history.steps) {
    if (s.broker >= 0) brokers.insert(s.broker);
    if (s.node.kind == NodeKind::Broker) brokers.insert(s.node.id);
  }
  return brokers;
}

// One line: an arrow when the step is a message between two participants, else a note.
std::string render(std::size_t number, const Step& s, const std::string& all_brokers) {
  const std::string label = mermaid_text(
      fmt::format("[{}] t={}ms {} {}", number, s.time_ms, to_string(s.kind), step_details(s)));
  const std::string broker = broker_of(s);
  auto arrow = [&](const std::string& from, const char* kind, const std::string& to) {
    return fmt::format("    {}{}{}: {}\n", from, kind, to, label);
  };
  switch (s.kind) {
    case StepKind::SendCalled: return arrow("app", "->>", "producer");
    case StepKind::CallbackCompleted: return arrow("producer", "-->>", "app");
    case StepKind::ProduceRequestSent:
      if (!broker.empty()) return arrow("producer", "->>", broker);
      break;
    case StepKind::ProduceResponseReceived:
      if (!broker.empty()) return arrow(broker, "-->>", "producer");
      break;
    case StepKind::ProduceRequestDropped:
      if (!broker.empty()) return arrow("producer", "-x", broker);
      break;
    case StepKind::ProduceResponseDropped:
      if (!broker.empty()) return arrow(broker, "--x", "producer");
      break;
    case StepKind::ConsumerRead:
      if (!broker.empty()) return arrow(broker, "-->>", "consumer");
      return fmt::format("    Note over consumer: {}\n", label);
    default: break;
  }
  std::string over = participant(to_string(s.node));
  const bool known = over == "app" || over == "producer" || over == "consumer" || starts_with(over, "broker-");
  if (!known && over != "network") over = all_brokers;  // controller, world: the cluster
  if (over == "network") over = broker.empty() ? "producer," + all_brokers.substr(0, all_brokers.find(',')) : "producer," + broker;
  return fmt::format("    Note over {}: {}\n", over, label);
}

}  // namespace

// The details column of the step's timeline line (everything after its kind).
std::string step_details(const Step& step) {
  std::string line = to_timeline(History{{step}, {}});
  if (!line.empty() && line.back() == '\n') line.pop_back();
  const std::string kind(to_string(step.kind));
  const std::size_t at = line.find(kind, line.find("ms") + 2);
  if (at == std::string::npos) return "";
  const std::string rest = line.substr(at + kind.size());
  const std::size_t first = rest.find_first_not_of(' ');
  return first == std::string::npos ? "" : rest.substr(first);
}

std::string to_mermaid_sequence(const History& history) {
  const std::set<int> brokers = brokers_in(history);
  std::string out = "sequenceDiagram\n    participant app\n    participant producer\n";
  std::string all_brokers;
  for (int b : brokers) {
    out += fmt::format("    participant broker-{}\n", b);
    all_brokers += fmt::format("{}broker-{}", all_brokers.empty() ? "" : ",", b);
  }
  out += "    participant consumer\n";
  if (all_brokers.empty()) all_brokers = "producer";
  // Mermaid's "Note over A,B" spans A..B: name the first and last broker only.
  if (brokers.size() > 1) all_brokers = fmt::format("broker-{},broker-{}", *brokers.begin(), *brokers.rbegin());
  for (std::size_t i = 0; i < history.steps.size(); ++i) out += render(i + 1, history.steps[i], all_brokers);
  return out;
}

}  // namespace kafka_model::cli
