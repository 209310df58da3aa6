// Where a history step happened, as a small typed value: a kind and, for a
// producer instance or a broker, its number. The text ("broker-0",
// "producer-1", "app", ...) is made only when a history is printed or
// serialized (to_string), so recording a step formats nothing.
//
// A step names its node as before: log_step(kind, "app"), or
// broker_node(id) / producer_node(instance). A string literal is read at
// compile time (consteval): a name not listed here does not compile, so a
// new node gets a NodeKind and a name below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kafka_model {

// ConsumerReadCommitted / ConsumerReadUncommitted: a transactional run's
// second consumer, the one with the other isolation.level (OtherConsumerRead).
enum class NodeKind : std::uint8_t {
  None, App, Producer, Broker, Controller, Network, World, Consumer, ConsumerReadCommitted, ConsumerReadUncommitted
};

namespace step_node_detail {
// The names of the nodes without a number; Producer and Broker are "producer-N" / "broker-N".
constexpr std::string_view fixed_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::App: return "app";
    case NodeKind::Controller: return "controller";
    case NodeKind::Network: return "network";
    case NodeKind::World: return "world";
    case NodeKind::Consumer: return "consumer";
    case NodeKind::ConsumerReadCommitted: return "consumer-read_committed";
    case NodeKind::ConsumerReadUncommitted: return "consumer-read_uncommitted";
    default: return "";
  }
}
}  // namespace step_node_detail

struct StepNode {
  NodeKind kind = NodeKind::None;
  std::int32_t id = -1;  // Producer: the instance (1, 2, ...); Broker: the broker id; else -1

  constexpr StepNode() = default;
  constexpr StepNode(NodeKind k, std::int32_t i) : kind(k), id(i) {}
  // A node by its history name, read at compile time: "app", "broker-0", ...
  consteval StepNode(const char* name) : StepNode(parse(name).value()) {}  // NOLINT: implicit on purpose

  // The node a history name stands for; nullopt for a name no step uses.
  // "" is the absent node.
  static constexpr std::optional<StepNode> parse(std::string_view name) {
    if (name.empty()) return StepNode{};
    for (NodeKind k : {NodeKind::App, NodeKind::Controller, NodeKind::Network, NodeKind::World, NodeKind::Consumer,
                       NodeKind::ConsumerReadCommitted, NodeKind::ConsumerReadUncommitted})
      if (name == step_node_detail::fixed_name(k)) return StepNode{k, -1};
    for (auto [k, prefix] : {std::pair{NodeKind::Producer, std::string_view("producer-")},
                             std::pair{NodeKind::Broker, std::string_view("broker-")}}) {
      if (!name.starts_with(prefix) || name.size() == prefix.size() || name.size() > prefix.size() + 9) continue;
      if (name.size() > prefix.size() + 1 && name[prefix.size()] == '0') return std::nullopt;  // one spelling per number
      std::int32_t n = 0;
      for (char c : name.substr(prefix.size())) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
      }
      return StepNode{k, n};
    }
    return std::nullopt;
  }

  bool empty() const { return kind == NodeKind::None; }
  bool operator==(const StepNode&) const = default;
};

constexpr StepNode broker_node(std::int32_t id) { return {NodeKind::Broker, id}; }
constexpr StepNode producer_node(std::int32_t instance) { return {NodeKind::Producer, instance}; }

// The node's history name: "broker-0", "producer-1", "app", ...; "" for none.
inline std::string to_string(StepNode node) {
  switch (node.kind) {
    case NodeKind::Producer: return "producer-" + std::to_string(node.id);
    case NodeKind::Broker: return "broker-" + std::to_string(node.id);
    default: return std::string(step_node_detail::fixed_name(node.kind));
  }
}

}  // namespace kafka_model
