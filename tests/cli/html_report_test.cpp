// `check --html` / `replay --html` (cli/html_report.hpp) and the SVG sequence
// diagram (cli/svg_sequence.hpp), label `report`: the SVG is well-formed XML
// that a real renderer draws (rsvg-convert, Debian librsvg2-bin, which
// scripts/install-deps.sh installs), the page is self-contained, and it loads
// in headless Chromium (skipped when Chromium is not installed: CI does not
// install it, it is large).
#include <gtest/gtest.h>

#include <cstdint>
#include <regex>

#include "cli/html_report.hpp"
#include "cli/svg_sequence.hpp"
#include "model/run_spec_io.hpp"
#include "model/simulation.hpp"
#include "tests/cli/run_cli.hpp"

namespace kafka_model::cli_test {
namespace {

namespace fs = std::filesystem;
using cli::to_svg_sequence;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool have(const char* program) {
  return std::system((std::string("command -v ") + program + " >/dev/null 2>&1").c_str()) == 0;
}

int shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian); 0x0 if not a PNG.
std::pair<std::uint32_t, std::uint32_t> png_size(const fs::path& path) {
  const std::string bytes = slurp(path);
  if (bytes.size() < 24 || bytes.compare(1, 3, "PNG") != 0) return {0, 0};
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

// Every <svg>...</svg> of a page.
std::vector<std::string> svgs_in(const std::string& html) {
  std::vector<std::string> out;
  for (std::size_t at = 0; (at = html.find("<svg", at)) != std::string::npos;) {
    const std::size_t end = html.find("</svg>", at);
    if (end == std::string::npos) break;
    out.push_back(html.substr(at, end + 6 - at));
    at = end;
  }
  return out;
}

// A run with a dropped response, a refusal and an epoch bump: every kind of arrow and mark.
const char* const kScenario = "tests/scenarios/12-known-race-refused-first-batch-of-a-new-producer-id.json";

History scenario_history() {
  const RunSpecParse parsed = load_run_spec(source(kScenario));
  EXPECT_TRUE(parsed.spec) << parsed.error;
  return simulate(*parsed.spec).history;
}

// rsvg-convert parses the file with libxml2 (malformed XML is an error) and draws it.
void expect_renders(const std::string& svg, const fs::path& dir, std::size_t rows) {
  ASSERT_TRUE(have("rsvg-convert")) << "rsvg-convert is missing: install Debian's librsvg2-bin (scripts/install-deps.sh)";
  write_file(dir / "diagram.svg", svg);
  if (have("xmllint")) {
    EXPECT_EQ(shell("xmllint --noout '" + (dir / "diagram.svg").string() + "'"), 0);
  }
  ASSERT_EQ(shell("rsvg-convert '" + (dir / "diagram.svg").string() + "' -o '" + (dir / "diagram.png").string() +
                  "' 2>'" + (dir / "rsvg.err").string() + "'"),
            0)
      << slurp(dir / "rsvg.err");
  const auto [width, height] = png_size(dir / "diagram.png");
  // Sensible: lifelines 150 px apart plus labels, one 24 px row per step.
  EXPECT_GE(width, 600u);
  EXPECT_LE(width, 4000u);
  EXPECT_GE(height, 24u * rows);
  EXPECT_LE(height, 24u * rows + 200u);
}

TEST(SvgSequence, IsWellFormedXmlAndRendersToAPngOfSensibleSize) {
  const History history = scenario_history();
  ASSERT_GT(history.steps.size(), 20u);
  const std::string svg = to_svg_sequence(history, {6});
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  for (const char* lane : {">app<", ">producer-1<", ">broker-0<", ">broker-2<", ">consumer<"})
    EXPECT_TRUE(contains(svg, lane)) << lane;
  EXPECT_TRUE(contains(svg, "fill=\"#fff3b0\"")) << "the evidence row is highlighted";
  expect_renders(svg, scratch_dir("svg"), history.steps.size());
}

TEST(SvgSequence, EscapesMarkupAndControlCharactersInFreeText) {
  History history;
  Step send;
  send.node = "app";
  send.record = send.send = 0;
  send.detail = "key=<k&\"1\"> 'quoted' \x01 bell";
  Step crash;
  crash.time_ms = 5;
  crash.kind = StepKind::BrokerCrashed;
  crash.node = "broker-0";
  crash.broker = 0;
  crash.detail = "</svg><script>alert(1)</script> ]]> \xC3\xA9t\xC3\xA9 " + std::string(80, 'x');
  history.steps = {send, crash};
  const std::string svg = to_svg_sequence(history);
  EXPECT_FALSE(contains(svg, "<script>"));
  EXPECT_TRUE(contains(svg, "&lt;k&amp;&quot;1&quot;&gt;")) << svg;
  expect_renders(svg, scratch_dir("escape"), history.steps.size());
}

TEST(HtmlReport, ReplayWritesOneSelfContainedPageWithTableConfigDiagramAndTimeline) {
  const fs::path dir = scratch_dir("replay");
  const CliRun run = run_kafka_model("replay '" + source(kScenario) + "' --html '" + (dir / "r.html").string() + "'", dir);
  EXPECT_EQ(run.exit_code, 1) << run.err;  // the scenario's violation, as without --html
  const std::string html = slurp(dir / "r.html");
  ASSERT_FALSE(html.empty()) << run.err;
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(contains(html, "<table class=\"verdicts\">"));
  EXPECT_TRUE(contains(html, "<h2>Effective configuration</h2>"));
  EXPECT_TRUE(contains(html, "max.in.flight.requests.per.connection"));
  EXPECT_TRUE(contains(html, "id=\"cx-no_duplicates_within_session\""));
  EXPECT_TRUE(contains(html, "ProduceResponseDropped"));
  EXPECT_TRUE(contains(html, "class=\"timeline\""));
  // Self-contained: no script, no stylesheet, image or frame fetched from elsewhere.
  for (const char* outside : {"<script", "src=", "<link", "@import", "url("}) EXPECT_FALSE(contains(html, outside)) << outside;
  std::size_t violated = 0;
  for (std::size_t at = 0; (at = html.find("<section id=\"cx-", at)) != std::string::npos; ++at) ++violated;
  const std::vector<std::string> svgs = svgs_in(html);
  EXPECT_EQ(svgs.size(), violated) << "one diagram per counterexample";
  ASSERT_FALSE(svgs.empty());
  expect_renders(svgs.front(), dir, scenario_history().steps.size());
}

TEST(HtmlReport, CheckWritesThePageAndRefusesAnUnwritablePathBeforeSearching) {
  const fs::path dir = scratch_dir("check");
  write_file(dir / "producer.properties", "acks=0\n");
  const std::string common = "check --producer '" + (dir / "producer.properties").string() + "' --budget 30 --out '" +
                             (dir / "cx").string() + "' --html ";
  const CliRun bad = run_kafka_model(common + "'" + (dir / "no-such-dir" / "r.html").string() + "'", dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.err, "--html")) << bad.err;
  EXPECT_FALSE(fs::exists(dir / "cx"));
  const CliRun good = run_kafka_model(common + "'" + (dir / "r.html").string() + "'", dir);
  const std::string html = slurp(dir / "r.html");
  EXPECT_TRUE(contains(html, "kafka-model check")) << good.err;
  EXPECT_TRUE(contains(html, "no_lost_acknowledged_writes"));
  EXPECT_TRUE(contains(html, "Exit code") || contains(html, "Required:"));
  EXPECT_NE(good.exit_code, 2) << good.err;
  EXPECT_FALSE(svgs_in(html).empty()) << "acks=0 loses a write within 30 schedules";
}

// The page in a real browser engine. Chromium is not in scripts/install-deps.sh
// (hundreds of MB); where it is installed this renders the page and checks
// the screenshot is the window's size and not blank.
TEST(HtmlReportBrowser, LoadsInHeadlessChromium) {
  const char* browser = have("chromium") ? "chromium" : have("chromium-browser") ? "chromium-browser" : nullptr;
  if (browser == nullptr) GTEST_SKIP() << "chromium is not installed (Debian package chromium)";
  const fs::path dir = scratch_dir("chromium");
  const CliRun run = run_kafka_model("replay '" + source(kScenario) + "' --html '" + (dir / "r.html").string() + "'", dir);
  ASSERT_TRUE(fs::exists(dir / "r.html")) << run.err;
  const fs::path png = dir / "page.png";
  const std::string command = std::string(browser) +
                              " --headless --disable-gpu --no-sandbox --user-data-dir='" + (dir / "profile").string() +
                              "' --window-size=1600,1200 --screenshot='" + png.string() + "' 'file://" +
                              (dir / "r.html").string() + "' >'" + (dir / "chromium.log").string() + "' 2>&1";
  ASSERT_EQ(shell(command), 0) << slurp(dir / "chromium.log");
  const auto [width, height] = png_size(png);
  EXPECT_EQ(width, 1600u);
  EXPECT_EQ(height, 1200u);
  EXPECT_GT(fs::file_size(png), 30000u) << "a page of text, not a blank screen";
}

}  // namespace
}  // namespace kafka_model::cli_test
