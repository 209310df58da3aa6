// `kafka-model diagrams [--out DIR]`: writes the state diagrams generated from
// the transition tables (Mermaid, DOT, docs page; SVG when Graphviz's `dot`
// is installed).
#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "statemachines/diagrams.hpp"
#include "statemachines/machine_description.hpp"

namespace kafka_model::cli {
namespace {

namespace fs = std::filesystem;

bool dot_installed() { return std::system("command -v dot >/dev/null 2>&1") == 0; }

int write_diagrams(const fs::path& out_dir) {
  const bool render_svg = dot_installed();
  for (const GeneratedFile& file : generate_diagram_files(all_machine_descriptions())) {
    const fs::path path = out_dir / file.path;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out << file.content;
    if (!out) {
      fmt::print(stderr, "kafka-model diagrams: cannot write {}\n", path.string());
      return kBadInput;
    }
    out.close();
    fmt::print("wrote {}\n", path.string());
    if (render_svg && path.extension() == ".dot") {
      fs::path svg = path;
      svg.replace_extension(".svg");
      const std::string command = fmt::format("dot -Tsvg '{}' -o '{}'", path.string(), svg.string());
      if (std::system(command.c_str()) != 0) {
        fmt::print(stderr, "kafka-model diagrams: dot failed on {}\n", path.string());
        return kBadInput;
      }
      fmt::print("wrote {}\n", svg.string());
    }
  }
  if (!render_svg) fmt::print(stderr, "kafka-model diagrams: Graphviz `dot` not found; SVGs skipped\n");
  return kOk;
}

}  // namespace

void add_diagrams_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("diagrams", "Write the state diagrams generated from the transition tables");
  auto out_dir = std::make_shared<std::string>();
  // Required: writing into ./docs by default overwrote a checkout's docs
  // from wherever the command ran. `--out docs` regenerates the project's.
  cmd->add_option("--out", *out_dir, "Output directory (`--out docs` regenerates the project's diagrams)")
      ->required();
  cmd->callback([out_dir, &exit_code] { exit_code = write_diagrams(*out_dir); });
}

}  // namespace kafka_model::cli
