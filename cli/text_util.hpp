// Small text helpers for messages: what a person typed is echoed with its
// control characters escaped (a stray \r or ESC must not rewrite the
// terminal), and a near miss gets "did you mean".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kafka_model::cli {

// Control characters (and DEL) as \t, \r, \n or \xNN; everything else as is.
std::string escape_for_message(std::string_view text);

// Levenshtein distance, for near misses.
int edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is a plausible typo (distance at most
// 2, or a third of the word's length for long keys); "" otherwise.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace kafka_model::cli
