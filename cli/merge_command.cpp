// `kafka-model merge PART.json... [--json]`: joins the parts that
// `check --shard I/N --json` printed into the report, replay files and exit
// code one `check` with the same options gives (cli/check_part.hpp says why
// they are the same; docs/scale-out.md runs it under GNU parallel,
// Kubernetes and Slurm).
#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/check_output.hpp"
#include "cli/check_part.hpp"
#include "cli/commands.hpp"
#include "cli/explore_part.hpp"
#include "cli/html_report.hpp"
#include "cli/text_util.hpp"

namespace kafka_model::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> parts;
  bool json = false;
  std::string out_dir = "counterexamples-out";
  std::string junit_file;
  std::string html_file;
};

bool read_text_file(const std::string& path, std::string& text) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream read;
  read << in.rdbuf();
  text = read.str();
  return static_cast<bool>(in);
}

// Each part file read and parsed (parse_check_part, parse_explore_part) into
// `parts`, paired with its name as messages print it; the exit code of the
// first file that cannot be read or parsed, its message printed.
template <class Part, class ParseFn>
std::optional<int> read_parts(const MergeOptions& o, ParseFn parse, std::vector<std::pair<std::string, Part>>& parts) {
  for (const std::string& file : o.parts) {
    std::string text;
    if (!read_text_file(file, text))
      return bad_input("merge", o.json, fmt::format("{}: cannot read the file", escape_for_message(file)));
    auto parsed = parse(text);
    if (!parsed.part) return bad_input("merge", o.json, fmt::format("{}: {}", escape_for_message(file), parsed.error));
    parts.emplace_back(escape_for_message(file), std::move(*parsed.part));
  }
  return std::nullopt;
}

int merge_explorations(const MergeOptions& o) {
  if (!o.junit_file.empty() || !o.html_file.empty())
    return bad_input("merge", o.json, "--junit and --html join check parts; an exploration's parts print text or --json");
  std::vector<std::pair<std::string, ExplorePart>> parts;
  if (const std::optional<int> failed = read_parts(o, parse_explore_part, parts)) return *failed;
  ExploreMerge merged = merge_explore_parts(parts);
  if (!merged.whole) return bad_input("merge", o.json, merged.error);
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec || !std::filesystem::is_directory(o.out_dir, ec))
    return bad_input("merge", o.json,
                     fmt::format("--out '{}': not a directory that can be created or written", escape_for_message(o.out_dir)));
  return emit_explore(merged.whole->setup, merged.whole->result, o.out_dir, o.json);
}

int run_merge(const MergeOptions& o) {
  if (!o.html_file.empty() && !html_path_writable(o.html_file))
    return bad_input("merge", o.json,
                     fmt::format("--html '{}': not a file that can be created or written", escape_for_message(o.html_file)));
  // Parts of an exploration (explore --shard) join into an exploration's report.
  std::string first_text;
  if (!o.parts.empty() && read_text_file(o.parts.front(), first_text) && is_explore_part(first_text))
    return merge_explorations(o);
  std::vector<std::pair<std::string, CheckPart>> parts;
  if (const std::optional<int> failed = read_parts(o, parse_check_part, parts)) return *failed;
  MergeResult merged = merge_parts(parts);
  if (!merged.part) return bad_input("merge", o.json, merged.error);
  const CheckPart& whole = *merged.part;
  std::vector<std::string> names;
  for (const Verdict& v : whole.setup.frame.verdicts) names.push_back(v.guarantee);
  if (!whole.setup.frame.config_error && !prepare_out_dir("merge", o.out_dir, names)) return kBadInput;
  const Report report = whole.setup.frame.config_error ? whole.setup.frame : assemble(whole, o.out_dir);
  return emit_report(report, whole.setup.header, whole.setup.producer_file, ReportOutputs{o.json, o.junit_file, o.html_file},
                     "merge");
}

}  // namespace

void add_merge_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<MergeOptions>();
  auto* cmd = app.add_subcommand(
      "merge",
      "Join the parts printed by `check --shard I/N --json` (or `explore --shard`) into the report one run would print");
  cmd->add_option("parts", o->parts, "The parts, one per shard, in any order")->required();
  cmd->add_flag("--json", o->json, "One JSON object on stdout (as check --json)");
  cmd->add_option("--out", o->out_dir, "Directory for replay files (default ./counterexamples-out)");
  cmd->add_option("--junit", o->junit_file, "Also write a JUnit XML file: one test case per guarantee");
  cmd->add_option("--html", o->html_file, "Also write the report as one self-contained HTML page");
  cmd->callback([o, &exit_code] { exit_code = run_merge(*o); });
}

}  // namespace kafka_model::cli
