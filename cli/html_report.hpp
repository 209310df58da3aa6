// `check --html FILE` and `replay --html FILE`: the report as one
// self-contained HTML page a person opens in a browser. It holds what the
// text report holds (cli/report.hpp builds both from the same Report): the
// verdict table, the effective configuration, and for each counterexample
// its detail and an SVG sequence diagram (cli/svg_sequence.hpp) beside its
// numbered text timeline, the anomaly's evidence highlighted in both.
// Self-contained: inline CSS and SVG, no script, no external file or font.
#pragma once

#include <string>

#include "cli/report.hpp"

namespace kafka_model::cli {

// `heading` is the text report's first lines (files, release, seed, budget).
std::string render_html(const Report& report, const std::string& title, const std::string& heading);

// Writes render_html to `path`; false when the file cannot be written.
bool write_html(const std::string& path, const Report& report, const std::string& title, const std::string& heading);

// Whether `path` names a file that can be created or overwritten (checked
// before a search spends minutes, as --out is).
bool html_path_writable(const std::string& path);

}  // namespace kafka_model::cli
