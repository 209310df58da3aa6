#include "statemachines/diagrams.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace kafka_model {
namespace {

// "Event [Guard] / Action": UML's transition label.
std::string label(const TransitionRow& row) {
  std::string text = row.event;
  if (!row.guard.empty()) text += " [" + row.guard + "]";
  if (!row.action.empty()) text += " / " + row.action;
  return text;
}

std::string dot_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string file_stem(const MachineDescription& m) { return "diagrams/" + m.name; }

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

// The events as the Kafka user or operator knows them: the public call, the
// request or the timer behind each (Kafka 3.9's classes named in each
// machine's summary; Sender.maybeAbortBatches / run() for Aborted).
struct Trigger {
  const char* machine;
  const char* event;
  const char* short_text;  // on the diagram's edge
  const char* long_text;   // in the docs' table
};

const Trigger kTriggers[] = {
    {"TransactionManager", "InitProducerIdRequested", "initTransactions() / Sender",
     "`initTransactions()`; for an idempotent producer the Sender asks for a producer id itself; after an abort "
     "the manager asks again to bump the epoch"},
    {"TransactionManager", "InitProducerIdOrEndTxnCompleted", "InitProducerId / EndTxn answered",
     "the InitProducerId or EndTxn response arrives: `initTransactions()`, `commitTransaction()` or "
     "`abortTransaction()` returns"},
    {"TransactionManager", "BeginTransaction", "beginTransaction()", "`beginTransaction()`"},
    {"TransactionManager", "BeginCommit", "commitTransaction()", "`commitTransaction()`"},
    {"TransactionManager", "BeginAbort", "abortTransaction()", "`abortTransaction()`"},
    {"TransactionManager", "AbortableErrorRaised", "abortable error",
     "an abortable error, e.g. a `send()` of the transaction failed; only `abortTransaction()` is allowed next"},
    {"TransactionManager", "FatalErrorRaised", "fatal error",
     "a fatal error, e.g. `ProducerFencedException`; the producer can only be closed"},
    {"TransactionManager", "ProducerIdReset", "Sender resets pid",
     "the Sender resets the producer id (KIP-360: the epoch is exhausted, or 3.6+ after an abortable error)"},
    {"ProducerStateEntry", "ClientBatchArrived", "Produce request (send())",
     "a batch of a Produce request reaches the partition leader (the producer's `send()`)"},
    {"ProducerStateEntry", "BatchReplicated", "follower fetch", "a follower copies the batch from the leader"},
    {"ProducerStateEntry", "TxnMarkerWritten", "WriteTxnMarkers",
     "a COMMIT or ABORT marker is written (WriteTxnMarkers, after `commitTransaction()` / `abortTransaction()`)"},
    {"ProducerStateEntry", "ProducerStateExpired", "producer.id.expiration.ms",
     "the producer was idle longer than `producer.id.expiration.ms`"},
    {"TransactionCoordinator", "InitProducerIdReceived", "InitProducerId (initTransactions())",
     "an InitProducerId request: a producer's `initTransactions()`"},
    {"TransactionCoordinator", "AddPartitionsToTxnReceived", "AddPartitionsToTxn (send())",
     "an AddPartitionsToTxn request: the first `send()` to a partition in a transaction"},
    {"TransactionCoordinator", "EndTxnReceived", "EndTxn (commit/abortTransaction())",
     "an EndTxn request: `commitTransaction()` or `abortTransaction()`"},
    {"TransactionCoordinator", "TxnMarkersWritten", "all markers written",
     "every WriteTxnMarkers request of the transaction is answered"},
    {"TransactionCoordinator", "EndTxnFromCoordinator", "coordinator aborts",
     "the coordinator aborts the fenced transaction itself"},
    {"TransactionCoordinator", "TransactionTimedOut", "transaction.timeout.ms",
     "the transaction was open longer than `transaction.timeout.ms`"},
    {"TransactionCoordinator", "TransactionalIdExpired", "transactional.id.expiration.ms",
     "the transactional id was idle longer than `transactional.id.expiration.ms`"},
    {"ProducerBatchLifecycle", "BatchClosed", "full, linger.ms or flush()",
     "the batch is full, `linger.ms` elapsed, or `flush()` / `close()`"},
    {"ProducerBatchLifecycle", "Drained", "Sender sends it", "the Sender drains it into a Produce request"},
    {"ProducerBatchLifecycle", "ResponseSucceeded", "acknowledged",
     "the Produce response carries no error: the callback gets the offset"},
    {"ProducerBatchLifecycle", "RetriableErrorReceived", "retriable error",
     "a retriable error, e.g. `NOT_LEADER_OR_FOLLOWER` or a request timeout"},
    {"ProducerBatchLifecycle", "NonRetriableErrorReceived", "non-retriable error",
     "a non-retriable error: the callback gets its exception"},
    {"ProducerBatchLifecycle", "RetryBackoffElapsed", "retry.backoff.ms", "`retry.backoff.ms` elapsed"},
    {"ProducerBatchLifecycle", "DeliveryTimeoutReached", "delivery.timeout.ms",
     "`delivery.timeout.ms` reached: the callback gets a `TimeoutException`"},
    {"ProducerBatchLifecycle", "Aborted", "close(0) or fatal error",
     "`close(Duration.ZERO)`, a fatal error, or an abortable error of a transaction (Sender.run, "
     "Sender.maybeAbortBatches)"},
};

const Trigger* find_trigger(const std::string& machine, const std::string& event) {
  for (const Trigger& t : kTriggers)
    if (machine == t.machine && event == t.event) return &t;
  return nullptr;
}

// One row as diagram text, a line each: "Event", "= call", "[Guard]", "/ Action".
std::string row_lines(const std::string& machine, const TransitionRow& row, const char* newline) {
  auto esc = [&](const std::string& t) { return dot_escape(t); };
  const Trigger* t = find_trigger(machine, row.event);
  std::string text = esc(row.event) + (t != nullptr ? newline + ("= " + esc(t->short_text)) : "");
  if (!row.guard.empty()) text += newline + esc("[" + row.guard + "]");
  if (!row.action.empty()) text += newline + esc("/ " + row.action);
  return text;
}

}  // namespace

std::string event_trigger(const std::string& machine, const std::string& event) {
  const Trigger* t = find_trigger(machine, event);
  return t != nullptr ? t->long_text : "";
}

std::string to_mermaid(const MachineDescription& m) {
  std::ostringstream out;
  out << "stateDiagram-v2\n";
  out << "    [*] --> " << m.initial_state << "\n";
  for (const TransitionRow& row : m.rows) {
    const std::string& target = row.target.empty() ? row.source : row.target;
    const Trigger* t = find_trigger(m.name, row.event);
    TransitionRow shown = row;
    if (t != nullptr) shown.event += std::string(" = ") + t->short_text;
    out << "    " << row.source << " --> " << target << " : " << label(shown);
    if (row.target.empty()) out << " (internal)";
    out << "\n";
  }
  return out.str();
}

std::string to_dot(const MachineDescription& m) {
  // Laid out top to bottom so a machine fits a page's width: a state's
  // internal rows are listed inside its box (UML's internal transitions), a
  // row taken alike from three or more states is drawn once from a "from:"
  // note, and the rows between one pair of states share one edge, a line each.
  std::ostringstream out;
  out << "// Generated from the " << m.name << " transition table; do not edit.\n";
  out << "digraph " << m.name << " {\n";
  out << "  rankdir=TB; nodesep=0.25; ranksep=0.4;\n";
  out << "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  out << "  __start [shape=point, label=\"\"];\n";
  for (const std::string& state : m.states) {
    std::vector<std::string> internal;
    for (const TransitionRow& row : m.rows)
      if (row.source == state && row.target.empty()) {
        TransitionRow event_only = row;  // "Event [Guard]", then "  / Action" on a line of its own
        event_only.action.clear();
        internal.push_back(html_escape(label(event_only)) +
                           (row.action.empty() ? "" : "<br align=\"left\"/>    / " + html_escape(row.action)));
      }
    out << "  \"" << dot_escape(state) << "\"";
    if (!internal.empty()) {
      out << " [label=<<b>" << html_escape(state)
          << "</b><br/><font point-size=\"8\">internal (state unchanged):</font><br/><font point-size=\"9\">";
      for (const std::string& line : internal) out << line << "<br align=\"left\"/>";
      out << "</font>>]";
    }
    out << ";\n";
  }
  out << "  __start -> \"" << dot_escape(m.initial_state) << "\";\n";
  // Rows alike but for their source: drawn once when taken from >= 3 states.
  std::vector<std::pair<const TransitionRow*, std::vector<std::string>>> alike;
  for (const TransitionRow& row : m.rows) {
    if (row.target.empty()) continue;
    auto it = std::find_if(alike.begin(), alike.end(), [&](const auto& a) {
      return a.first->event == row.event && a.first->guard == row.guard && a.first->action == row.action &&
             a.first->target == row.target;
    });
    if (it == alike.end()) alike.push_back({&row, {row.source}});
    else it->second.push_back(row.source);
  }
  std::vector<std::pair<std::string, std::string>> edge_order;  // (source, target) in table order
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> edge_lines;
  int notes = 0;
  for (const auto& [row, sources] : alike) {
    if (sources.size() >= 3) {
      const std::string note = "__from" + std::to_string(notes++);
      std::string from = sources.size() == m.states.size() ? std::string("from every state") : "from:";
      if (sources.size() != m.states.size())
        for (std::size_t i = 0; i < sources.size(); ++i) from += (i % 2 == 0 ? "\\n" : ", ") + dot_escape(sources[i]);
      out << "  \"" << note << "\" [shape=note, style=\"\", fontsize=9, label=\"" << from << "\"];\n";
      out << "  \"" << note << "\" -> \"" << dot_escape(row->target) << "\" [label=\""
          << row_lines(m.name, *row, "\\n") << "\"];\n";
      continue;
    }
    for (const std::string& source : sources) {
      const auto key = std::make_pair(source, row->target);
      if (edge_lines.count(key) == 0) edge_order.push_back(key);
      edge_lines[key].push_back(row_lines(m.name, *row, "\\n"));
    }
  }
  for (const auto& key : edge_order) {
    std::string text;
    for (const std::string& line : edge_lines[key]) text += (text.empty() ? "" : "\\n") + line;
    out << "  \"" << dot_escape(key.first) << "\" -> \"" << dot_escape(key.second) << "\" [label=\"" << text
        << "\"];\n";
  }
  out << "}\n";
  return out.str();
}

std::string state_machines_markdown(const std::vector<MachineDescription>& machines) {
  std::ostringstream out;
  out << "# State machines\n\n"
      << "<!-- Generated by `kafka-model diagrams`; do not edit. The docs test fails when this page is stale. -->\n\n"
      << "Each diagram below is generated by walking the Boost.MSM transition table in `statemachines/`, "
      << "so it is the code, not a drawing of it.\n\n"
      << "How to read a diagram: a box is a state named as Kafka names it; `[*]` points at the initial state; "
      << "an arrow is one row of the table, labelled `Event [Guard] / Action`. A guard is a condition that must "
      << "hold for the row to fire (`!` negates, `&&` joins); the action runs when it does. A row marked "
      << "`(internal)` (dashed in the DOT files) handles the event without leaving the state. An event with no row "
      << "in the current state is rejected: the facade reports it and the state does not change.\n\n"
      << "In the pictures (Graphviz, top to bottom, to fit the page) a state's internal rows are listed inside "
      << "its box, a row taken alike from four or more states is drawn once from a \"from:\" note, and each "
      << "event is followed by what sets it off in Kafka (`BeginAbort = abortTransaction()`); the table under "
      << "each picture says it in full.\n\n"
      << "Graphviz sources and renderings: `docs/diagrams/<Machine>.dot` and `.svg`; Mermaid: `.mmd`.\n";
  for (const MachineDescription& m : machines) {
    out << "\n## " << m.name << "\n\n"
        << "Mirrors `" << m.kafka_class << "`. " << m.summary << "\n\n"
        << "States: " << m.states.size() << ", transitions: " << m.rows.size() << ".\n\n"
        << "![" << m.name << "](diagrams/" << m.name << ".svg)\n\n"
        << "| event | in Kafka |\n|---|---|\n";
    std::vector<std::string> events;
    for (const TransitionRow& row : m.rows)
      if (std::find(events.begin(), events.end(), row.event) == events.end()) events.push_back(row.event);
    for (const std::string& event : events) out << "| `" << event << "` | " << event_trigger(m.name, event) << " |\n";
    out << "\n<details><summary>The same table as a Mermaid diagram</summary>\n\n"
        << "```mermaid\n"
        << to_mermaid(m) << "```\n\n</details>\n";
  }
  return out.str();
}

std::vector<GeneratedFile> generate_diagram_files(const std::vector<MachineDescription>& machines) {
  std::vector<GeneratedFile> files;
  for (const MachineDescription& m : machines) {
    files.push_back({file_stem(m) + ".mmd", to_mermaid(m)});
    files.push_back({file_stem(m) + ".dot", to_dot(m)});
  }
  files.push_back({"state-machines.md", state_machines_markdown(machines)});
  return files;
}

}  // namespace kafka_model
