// A history as JSON (to store, diff and replay) and as a timeline (to read).
//
// JSON: {"steps": [ ... ]} with one step object per line, keys in Step's
// declaration order; time_ms and kind always, every other field only when it
// differs from its default (-1 / empty), so lines stay short. Reading it back
// gives an equal History (strings are UTF-8; invalid bytes would be replaced).
//
// Timeline: one line per step, fixed columns, documented by timeline_legend():
//    7  t=   12ms  broker-0     BatchAppended            p0 offset=3 batch=2 pid=1000 epoch=0 seq=3..4 sends=[3,4]
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/history.hpp"

namespace kafka_model {

std::string to_json(const History& history);

struct HistoryParse {
  std::optional<History> history;
  std::string error;  // "<source>: steps[3].kind: unknown step kind 'X'"; empty when parsed
};
// Never throws: a malformed document, a wrong type, an unknown key or kind
// comes back as an error naming the source and the field.
HistoryParse parse_history(std::string_view text, std::string_view source_name);

// parse_history for callers that treat a bad document as a bug: throws
// std::invalid_argument carrying the same message (source "history").
History history_from_json(std::string_view text);

std::string to_timeline(const History& history);  // one line per step, each ending in '\n'
std::string timeline_legend();                    // the columns and symbols, once

}  // namespace kafka_model
