// Races in Kafka's own rules that the search found (docs/model.md, "A race
// the search found"), recognised by their signature in a history, so a
// property can tell "Kafka's known race" from "the model broke a promise"
// and a report can say which one a counterexample is.
#pragma once

#include <optional>
#include <string>

#include "model/history.hpp"

namespace kafka_model {

// The idempotent producer's first-batch race: a leader wrote a producer
// id's FIRST batch on a partition at a sequence other than 0 (it accepts
// any sequence from a producer it has no state for), so the refused batch
// before it can only be retried into an OUT_OF_ORDER_SEQUENCE_NUMBER and an
// epoch bump. Returns the evidence, or nothing.
std::optional<std::string> first_batch_race(const History& history);

}  // namespace kafka_model
