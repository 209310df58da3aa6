// A history as a Mermaid sequenceDiagram: participants app, producer,
// broker-N, consumer; requests, responses and callbacks are arrows, what a
// node did on its own is a note. Each message starts with the step number
// of the timeline ([7]) so the two read side by side.
#pragma once

#include <string>

#include "model/history.hpp"

namespace kafka_model::cli {

std::string to_mermaid_sequence(const History& history);

// The details column of a step's timeline line (everything after its kind),
// as both diagrams (Mermaid here, SVG in svg_sequence.hpp) label a step.
std::string step_details(const Step& step);

}  // namespace kafka_model::cli
