#include "cli/svg_sequence.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "cli/junit.hpp"  // xml_escape
#include "cli/sequence_diagram.hpp"  // step_details
#include "model/history_io.hpp"

namespace kafka_model::cli {
namespace {

// Geometry, in px. The font is the renderer's monospace (DejaVu Sans Mono on
// Debian), whose advance is 0.6 em: label widths are estimated from it, so a
// label's white background covers the lifelines it crosses.
constexpr int kFont = 11;
constexpr double kCharWidth = 0.6 * kFont;
constexpr int kGutter = 118;     // step number and time
constexpr int kColumn = 150;     // between lifelines
constexpr int kRow = 24;
constexpr int kHeaderTop = 10;
constexpr int kHeaderHeight = 26;
constexpr int kFirstRow = kHeaderTop + kHeaderHeight + 24;
constexpr std::size_t kMaxLabel = 52;  // characters; the timeline beside it has the rest

const char* const kRequest = "#1f4e9c";
const char* const kOk = "#2e7d32";
const char* const kFault = "#c62828";
const char* const kAppend = "#1565c0";
const char* const kDuplicate = "#7b1fa2";
const char* const kTimeout = "#e65100";
const char* const kQuiet = "#616161";

// Cut at a character boundary of UTF-8 text (the detail is free text).
std::string shorten(const std::string& text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars - 1) return text.substr(0, i) + "\u2026";
  }
  return text;
}

std::size_t char_count(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// The lifelines, in order, with their x.
struct Lanes {
  std::vector<std::string> names;
  std::map<std::string, int> x;
  int right = 0;

  void add(const std::string& name) {
    x[name] = kGutter + 50 + static_cast<int>(names.size()) * kColumn;
    names.push_back(name);
    right = x[name];
  }
  int at(const std::string& name) const {
    const auto it = x.find(name);
    return it == x.end() ? -1 : it->second;
  }
};

Lanes lanes_for(const History& history) {
  std::set<int> producers, brokers;
  bool controller = false;
  const auto shape = history.config.find("model.brokers");
  if (shape != history.config.end()) {
    const int n = std::atoi(shape->second.c_str());
    for (int b = 0; b < n && b < 64; ++b) brokers.insert(b);
  }
  for (const Step& s : history.steps) {
    if (s.node.kind == NodeKind::Producer) producers.insert(s.node.id);
    if (s.instance >= 0 && s.kind != StepKind::ConsumerRead) producers.insert(s.instance);
    if (s.node.kind == NodeKind::Broker) brokers.insert(s.node.id);
    if (s.broker >= 0) brokers.insert(s.broker);
    controller = controller || s.node.kind == NodeKind::Controller;
  }
  if (producers.empty()) producers.insert(1);
  Lanes lanes;
  lanes.add("app");
  for (int p : producers) lanes.add(fmt::format("producer-{}", p));
  for (int b : brokers) lanes.add(fmt::format("broker-{}", b));
  if (controller) lanes.add("controller");
  lanes.add("consumer");
  return lanes;
}

enum class Mark { Dot, Box, Diamond, Cross };

struct Canvas {
  std::string body;
  int width = 0;

  // Text with a white background, so it stays readable over lifelines.
  void label(int x, int y, const std::string& text, const char* colour, bool bold = false) {
    const int w = static_cast<int>(char_count(text) * kCharWidth) + 4;
    body += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.9\"/>",
                        x - 2, y - kFont + 1, w, kFont + 3);
    body += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\"{}>{}</text>\n", x, y, colour,
                        bold ? " font-weight=\"bold\"" : "", xml_escape(text));
    width = std::max(width, x + w + 10);
  }

  // An arrow from x1 to x2 at y; `stop` (0..1) ends it early at a red X (dropped).
  void arrow(int x1, int x2, int y, const char* colour, bool dashed, double stop = 1.0) {
    const int end = x1 + static_cast<int>((x2 - x1) * stop);
    body += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"{}/>", x1, y,
                        end, y, colour, dashed ? " stroke-dasharray=\"5,3\"" : "");
    if (stop < 1.0) {
      cross(end, y, kFault);
      return;
    }
    const int dir = x2 > x1 ? 1 : -1;
    body += fmt::format("<polygon points=\"{},{} {},{} {},{}\" fill=\"{}\"/>\n", x2, y, x2 - dir * 8, y - 4,
                        x2 - dir * 8, y + 4, colour);
  }

  void cross(int x, int y, const char* colour) {
    body += fmt::format(
        "<path d=\"M{} {} L{} {} M{} {} L{} {}\" stroke=\"{}\" stroke-width=\"2.5\"/>\n", x - 6, y - 6, x + 6, y + 6,
        x - 6, y + 6, x + 6, y - 6, colour);
  }

  void mark(int x, int y, Mark m, const char* colour) {
    switch (m) {
      case Mark::Dot: body += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/>\n", x, y, colour); break;
      case Mark::Box:
        body += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", x - 6, y - 6, colour);
        break;
      case Mark::Diamond:
        body += fmt::format("<polygon points=\"{},{} {},{} {},{} {},{}\" fill=\"{}\"/>\n", x, y - 7, x + 7, y, x,
                            y + 7, x - 7, y, colour);
        break;
      case Mark::Cross: cross(x, y, colour); break;
    }
  }
};

// A mark on one lifeline: its shape and colour by what kind of thing happened.
struct MarkStyle {
  Mark mark;
  const char* colour;
};

MarkStyle style_of(const Step& s) {
  switch (s.kind) {
    case StepKind::BatchAppended: return {Mark::Box, kAppend};
    case StepKind::DuplicateDetected: return {Mark::Box, kDuplicate};
    case StepKind::ProduceRejected: return {Mark::Box, kFault};
    case StepKind::BrokerCrashed:
    case StepKind::ProducerCrashed:
    case StepKind::ProducerZombie:
    case StepKind::BrokerStalled:
    case StepKind::FollowerStalled:
    case StepKind::ConnectionDisconnected:
    case StepKind::ProduceResponseDelayed: return {Mark::Diamond, kFault};
    case StepKind::LogTruncated: return {Mark::Cross, kFault};
    case StepKind::RequestTimedOut:
    case StepKind::BatchExpired:
    case StepKind::ProducerStateExpired:
    case StepKind::SendFailed: return {Mark::Diamond, kTimeout};
    case StepKind::BrokerRestarted: return {Mark::Diamond, kOk};
    default: return {Mark::Dot, kQuiet};
  }
}

}  // namespace

std::string to_svg_sequence(const History& history, const std::vector<std::size_t>& highlight) {
  const Lanes lanes = lanes_for(history);
  const int rows = static_cast<int>(history.steps.size());
  const int bottom = kFirstRow + rows * kRow;
  const std::set<std::size_t> marked(highlight.begin(), highlight.end());
  Canvas c;
  c.width = lanes.right + kColumn / 2 + 10;

  // The rows behind everything: zebra bands for the eye, yellow for the evidence.
  std::string bands;
  for (int i = 0; i < rows; ++i) {
    const bool evidence = marked.contains(static_cast<std::size_t>(i));
    if (!evidence && i % 2 == 1) continue;
    bands += fmt::format("<rect x=\"0\" y=\"{}\" width=\"100%\" height=\"{}\" fill=\"{}\"/>\n",
                         kFirstRow + i * kRow - kRow / 2 - 2, kRow, evidence ? "#fff3b0" : "#f6f8fa");
  }

  // Which stretches of each lifeline are alive: brokers between crash and
  // restart are down; a producer instance lives from its start to its crash.
  std::map<std::string, std::vector<std::pair<int, int>>> down;  // lane -> [from_y, to_y)
  std::map<std::string, std::pair<int, int>> alive;               // producer lane -> [from_y, to_y]
  std::map<std::string, int> crashed_at;
  int current_producer = 1;
  std::vector<int> producer_of(history.steps.size(), 1);
  for (int i = 0; i < rows; ++i) {
    const Step& s = history.steps[static_cast<std::size_t>(i)];
    const int y = kFirstRow + i * kRow;
    const std::string node = to_string(s.node);
    if (s.kind == StepKind::ProducerStarted) current_producer = s.instance >= 0 ? s.instance : current_producer;
    producer_of[static_cast<std::size_t>(i)] =
        s.node.kind == NodeKind::Producer ? s.node.id : (s.instance >= 0 ? s.instance : current_producer);
    if (s.node.kind == NodeKind::Producer) {
      auto [it, fresh] = alive.try_emplace(node, y, bottom);
      if (s.kind == StepKind::ProducerStarted && fresh) it->second.first = y;
      if (s.kind == StepKind::ProducerCrashed) it->second.second = y;
    }
    if (s.kind == StepKind::BrokerCrashed) crashed_at[node] = y;
    if (s.kind == StepKind::BrokerRestarted && crashed_at.contains(node)) {
      down[node].push_back({crashed_at[node], y});
      crashed_at.erase(node);
    }
  }
  for (const auto& [lane, y] : crashed_at) down[lane].push_back({y, bottom});

  std::string lines;
  for (const std::string& name : lanes.names) {
    const int x = lanes.at(name);
    int from = kHeaderTop + kHeaderHeight, to = bottom;
    if (alive.contains(name)) {
      from = std::max(from, alive[name].first);
      to = alive[name].second;
    }
    lines += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#9e9e9e\" stroke-width=\"1\"/>\n", x,
                         from, x, to);
    for (const auto& [a, b] : down[name])
      lines += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"3\" stroke-dasharray=\"2,4\"/>\n",
          x, a, x, b, kFault);
    lines += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#eceff1\" stroke=\"#455a64\"/>"
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\n",
        x - 58, kHeaderTop, 116, kHeaderHeight, x, kHeaderTop + 17, xml_escape(name));
  }

  for (int i = 0; i < rows; ++i) {
    const Step& s = history.steps[static_cast<std::size_t>(i)];
    const int y = kFirstRow + i * kRow;
    c.body += fmt::format(
        "<text x=\"30\" y=\"{0}\" text-anchor=\"end\" font-weight=\"bold\" fill=\"#424242\">{1}</text>"
        "<text x=\"38\" y=\"{0}\" fill=\"#616161\">t={2}ms</text>\n",
        y + 4, i + 1, s.time_ms);
    const std::string producer = fmt::format("producer-{}", producer_of[static_cast<std::size_t>(i)]);
    const std::string broker = s.broker >= 0 ? fmt::format("broker-{}", s.broker) : "";
    const int px = lanes.at(producer), bx = broker.empty() ? -1 : lanes.at(broker);
    const int ax = lanes.at("app"), cx = lanes.at("consumer");
    const std::string text = shorten(fmt::format("{} {}", to_string(s.kind), step_details(s)), kMaxLabel);
    const bool failed = s.error && *s.error != Errors::NONE;  // a response says error=NONE when it succeeded
    // An arrow's label sits above it, from its left end; a mark's beside it.
    auto message = [&](int from, int to, const char* colour, bool dashed, double stop = 1.0) {
      c.arrow(from, to, y, colour, dashed, stop);
      c.label(std::min(from, to) + 8, y - 5, text, colour);
    };
    auto on_lane = [&](int x, MarkStyle m) {
      c.mark(x, y, m.mark, m.colour);
      c.label(x + 11, y + 4, text, m.colour == kQuiet ? "#212121" : m.colour);
    };
    switch (s.kind) {
      case StepKind::SendCalled: message(ax, px, "#212121", false); continue;
      case StepKind::CallbackCompleted: message(px, ax, failed ? kFault : kOk, true); continue;
      case StepKind::ProduceRequestSent:
        if (bx >= 0) {
          message(px, bx, kRequest, false);
          continue;
        }
        break;
      case StepKind::ProduceResponseReceived:
        if (bx >= 0) {
          message(bx, px, failed ? kFault : kRequest, true);
          continue;
        }
        break;
      case StepKind::ProduceRequestDropped:
        if (bx >= 0) {
          message(px, bx, kFault, false, 0.55);
          continue;
        }
        break;
      case StepKind::ProduceResponseDropped:
        if (bx >= 0) {
          message(bx, px, kFault, true, 0.55);
          continue;
        }
        break;
      case StepKind::ConsumerRead:
        if (bx >= 0) {
          message(bx, cx, kOk, true);
          continue;
        }
        break;
      case StepKind::FaultsHealed:
        c.body += fmt::format(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"8,4\"/>\n",
            kGutter, y, lanes.right, y, kOk);
        c.label(lanes.at("app") + 8, y - 5, text, kOk, true);
        continue;
      default: break;
    }
    // Everything else is a mark on the lifeline of whoever acted.
    int x = -1;
    if (s.node.kind == NodeKind::Network || s.node.kind == NodeKind::World) x = bx >= 0 ? bx : px;
    else x = lanes.at(to_string(s.node));
    if (s.kind == StepKind::SendFailed) x = px;
    if (x < 0) x = ax;
    on_lane(x, style_of(s));
  }

  const int height = bottom + 6;
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"{2}\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n{3}{4}{5}</svg>\n",
      c.width, height, kFont, bands, lines, c.body);
}

}  // namespace kafka_model::cli
