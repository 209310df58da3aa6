#include "cli/html_report.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "cli/junit.hpp"  // xml_escape: HTML needs the same five escapes
#include "cli/svg_sequence.hpp"
#include "model/history_io.hpp"

namespace kafka_model::cli {
namespace {

std::string esc(const std::string& text) { return xml_escape(text); }

// Anchors for the counterexample sections: the guarantee names are
// identifiers already (no_duplicates_within_session).
std::string anchor(const Verdict& v) { return "cx-" + v.guarantee; }

const char* const kStyle = R"(
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 15px; color: #212121;
       margin: 24px; line-height: 1.45; }
h1 { font-size: 24px; margin: 0 0 8px 0; }
h2 { font-size: 19px; margin: 28px 0 8px 0; border-bottom: 1px solid #cfd8dc; padding-bottom: 3px; }
h3 { font-size: 17px; margin: 24px 0 6px 0; }
pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; margin: 6px 0; }
pre.text { white-space: pre-wrap; background: #f6f8fa; padding: 8px 10px; border-radius: 4px; max-width: 1400px; }
table.verdicts { border-collapse: collapse; margin: 6px 0 10px 0; }
table.verdicts th, table.verdicts td { border: 1px solid #cfd8dc; padding: 4px 10px; text-align: left; }
table.verdicts th { background: #eceff1; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.violated { color: #b71c1c; font-weight: bold; }
.holds { color: #1b5e20; font-weight: bold; }
.not_exercised { color: #e65100; font-weight: bold; }
.note { background: #e3f2fd; border-left: 4px solid #1565c0; padding: 6px 10px; margin: 6px 0; max-width: 1400px; }
.warn { background: #fff8e1; border-left: 4px solid #f9a825; padding: 6px 10px; margin: 6px 0; max-width: 1400px; }
.refused { background: #ffebee; border-left: 4px solid #c62828; padding: 6px 10px; margin: 6px 0; }
.pair { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
/* The timeline stays beside the diagram (scrolling sideways in its own box) unless the window
   cannot give it 420 px; then it wraps below. */
.diagram { overflow-x: auto; border: 1px solid #cfd8dc; max-width: 100%; flex: 0 0 auto; }
.timeline { overflow-x: auto; border: 1px solid #cfd8dc; background: #ffffff; flex: 1 1 420px; min-width: 0; }
/* One timeline line per diagram row (24 px), after the diagram's header band. */
.timeline pre { line-height: 24px; font-size: 12px; margin: 0; padding: 0 10px 6px 10px; }
.timeline .caption { height: 48px; line-height: 48px; padding: 0 10px; font-weight: bold; color: #455a64; }
.timeline .ev { background: #fff3b0; display: inline-block; min-width: 100%; }
.legend { font-size: 13.5px; color: #424242; max-width: 1400px; }
.legend b { font-family: "DejaVu Sans Mono", monospace; }
)";

std::string verdict_table(const Report& r) {
  std::string out = "<table class=\"verdicts\">\n<tr><th>guarantee</th><th>verdict</th><th>schedules</th>"
                    "<th>acked sends</th>";
  if (r.requirements) out += "<th>required</th>";
  out += "<th>Kafka promises it</th></tr>\n";
  for (const Verdict& v : r.verdicts) {
    const std::string name =
        v.counterexample ? fmt::format("<a href=\"#{}\">{}</a>", anchor(v), esc(v.guarantee)) : esc(v.guarantee);
    const std::string schedules =
        v.time_limited ? fmt::format("{}/{}", v.schedules_explored, v.budget) : std::to_string(v.schedules_explored);
    out += fmt::format("<tr><td>{}</td><td class=\"{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                       name, verdict_name(v), esc(verdict_label(v)), schedules, v.exercise.acknowledged);
    if (r.requirements) out += fmt::format("<td>{}</td>", v.required ? "yes" : "no");
    out += fmt::format("<td>{}</td></tr>\n", esc(promise_label(v)));
  }
  return out + "</table>\n";
}

std::string timeline_html(const History& history, const std::set<std::size_t>& evidence) {
  std::string out = "<div class=\"timeline\"><div class=\"caption\">Timeline (the same numbered steps)</div><pre>";
  const std::vector<std::string> lines = timeline_lines(history);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string line = esc(lines[i]);
    out += evidence.contains(i) ? "<span class=\"ev\">" + line + "</span>\n" : line + "\n";
  }
  return out + "</pre></div>\n";
}

std::string counterexample_html(const Verdict& v) {
  const CounterexampleReport& c = *v.counterexample;
  std::set<std::size_t> evidence;
  for (const Anomaly& a : c.anomalies) evidence.insert(a.steps.begin(), a.steps.end());
  std::string detail = counterexample_detail_text(v);
  // Its first line is the "== name: violated" heading; the section has its own.
  const std::size_t heading_end = detail.find('\n', detail.find_first_not_of('\n'));
  if (heading_end != std::string::npos) detail.erase(0, heading_end + 1);
  std::string out = fmt::format("<section id=\"{}\">\n<h3>{}: <span class=\"violated\">violated</span></h3>\n",
                                anchor(v), esc(v.guarantee));
  out += "<pre class=\"text\">" + esc(detail) + "</pre>\n";
  out += "<div class=\"pair\">\n<div class=\"diagram\">\n" +
         to_svg_sequence(c.history, std::vector<std::size_t>(evidence.begin(), evidence.end())) + "</div>\n";
  out += timeline_html(c.history, evidence) + "</div>\n</section>\n";
  return out;
}

std::string legend_html() {
  return R"(<h2>Reading the diagrams</h2>
<div class="legend">
<p>One row per step of the recorded history, numbered as in the timeline beside it; rows in
<span style="background:#fff3b0">yellow</span> are the evidence the checker cites. Lifelines: <b>app</b> (the
application calling <code>send()</code> and receiving callbacks), <b>producer-N</b> (the N-th KafkaProducer
instance; a restart starts a new one), <b>broker-N</b>, <b>controller</b> (leader elections) and <b>consumer</b>
(the final read of the committed log).</p>
<p>Arrows: <span style="color:#212121">send()</span>; <span style="color:#1f4e9c">ProduceRequest</span> (solid) and its
response (dashed; <span style="color:#c62828">red</span> when it carries an error); the callback
(<span style="color:#2e7d32">green</span> on success, <span style="color:#c62828">red</span> on error); an arrow ending
half-way at a <span style="color:#c62828">red X</span> was dropped by the network. Marks on a lifeline:
<span style="color:#1565c0">&#9632; an append to the leader's log</span>,
<span style="color:#7b1fa2">&#9632; a duplicate detected</span>, <span style="color:#c62828">&#9632; a rejected produce</span>,
<span style="color:#c62828">&#9670; an injected fault</span>, <span style="color:#e65100">&#9670; a timeout or expiry</span>,
<span style="color:#c62828">&#10005; a log truncation</span>, <span style="color:#616161">&#9679; other steps</span>.
A broker's lifeline is <span style="color:#c62828">dotted red</span> while it is down; the
<span style="color:#2e7d32">green dashed line</span> is where every fault heals before the final read.
Each label is cut at 52 characters; the timeline has the full step.</p>
</div>
)";
}

}  // namespace

std::string render_html(const Report& r, const std::string& title, const std::string& heading) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{}</style>\n"
      "</head>\n<body>\n<h1>{}</h1>\n",
      esc(title), kStyle, esc(title));
  std::string head = heading;
  while (!head.empty() && head.back() == '\n') head.pop_back();
  if (!head.empty()) out += "<pre class=\"text\">" + esc(head) + "</pre>\n";
  for (const std::string& n : r.notes) out += "<div class=\"note\">" + esc(n) + "</div>\n";
  for (const std::string& w : r.warnings) out += "<div class=\"warn\">WARN " + esc(w) + "</div>\n";
  if (r.config_error) {
    out += "<h2>Kafka refuses this configuration</h2>\n<div class=\"refused\">" + esc(*r.config_error) + "</div>\n";
  } else {
    out += "<h2>Guarantees</h2>\n" + verdict_table(r);
    out += "<pre class=\"text\">" + esc(verdict_meaning_text(r)) + "</pre>\n";
  }
  const std::string config = effective_configuration_text(r);
  // Folded (a <details> element, no script): it is long, and the counterexamples come after it.
  if (!config.empty())
    out += fmt::format(
        "<h2>Effective configuration</h2>\n<details><summary>{} keys: what Kafka {} runs with, and the model's "
        "cluster (click to open)</summary>\n<pre class=\"text\">{}</pre>\n</details>\n",
        r.effective_config.size(), to_string(r.version), esc(config));
  bool any = false;
  for (const Verdict& v : r.verdicts) {
    if (!v.counterexample) continue;
    if (!any) out += "<h2>Counterexamples</h2>\n";
    any = true;
    out += counterexample_html(v);
  }
  if (any) out += legend_html() + "<h2>The timeline's columns</h2>\n<pre class=\"text\">" + esc(timeline_legend()) + "</pre>\n";
  return out + "</body>\n</html>\n";
}

bool write_html(const std::string& path, const Report& report, const std::string& title, const std::string& heading) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return false;
  file << render_html(report, title, heading);
  return static_cast<bool>(file.flush());
}

bool html_path_writable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.empty() || fs::is_directory(path, ec)) return false;
  if (fs::exists(path, ec)) return access(path.c_str(), W_OK) == 0;
  fs::path dir = fs::absolute(path, ec).parent_path();
  return fs::is_directory(dir, ec) && access(dir.c_str(), W_OK | X_OK) == 0;
}

}  // namespace kafka_model::cli
