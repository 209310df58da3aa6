// Internal to the model's JSON readers (history_io, run_spec_io): typed field
// readers that fail with the path of the field ("faults[2].kind") and a
// message a person can act on. Not part of any contract.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kafka_model::json_read {

using nlohmann::json;

// Thrown inside a reader, caught at its entry point: nothing escapes to callers.
struct ReadError {
  std::string path;  // empty = the document itself
  std::string message;
};

[[noreturn]] inline void fail(std::string path, std::string message) {
  throw ReadError{std::move(path), std::move(message)};
}

inline std::string member(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

inline std::string element(const std::string& parent, std::size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

// "string \"20\"", "number 2.5", "array": what was found, short. Containers
// are never dumped (a hostile file could nest them deeply).
inline std::string found(const json& v) {
  if (v.is_structured() || v.is_null()) return v.type_name();
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return fmt::format("{} {}", v.type_name(), text);
}

// Appends `item` to a comma-separated list.
inline void append_listed(std::string& list, std::string_view item) {
  if (!list.empty()) list += ", ";
  list += item;
}

inline std::string join(std::initializer_list<std::string_view> names) {
  std::string out;
  for (auto name : names) append_listed(out, name);
  return out;
}

inline void expect_object(const json& v, const std::string& path) {
  if (!v.is_object()) fail(path, fmt::format("expected a JSON object, got {}", found(v)));
}

// `what` names the object in the message: "unknown workload key (one of: ...)".
inline void reject_unknown_keys(const json& object, const std::string& path, std::string_view what,
                                std::initializer_list<std::string_view> known) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool ok = false;
    for (auto k : known) ok = ok || k == it.key();
    if (!ok) fail(member(path, it.key()), fmt::format("unknown {} key (one of: {})", what, join(known)));
  }
}

inline std::string read_string(const json& v, const std::string& path) {
  if (!v.is_string()) fail(path, fmt::format("expected a string, got {}", found(v)));
  return v.get<std::string>();
}

// An integer in [min, max]; `hint` explains the rule ("the n-th produce request, 1-based").
inline std::int64_t read_int(const json& v, const std::string& path, std::int64_t min, std::int64_t max,
                             std::string_view hint = {}) {
  const std::string why = hint.empty() ? std::string() : fmt::format(" ({})", hint);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    fail(path, fmt::format("must be at most {}{}, got {}", max, why, v.get<std::uint64_t>()));
  if (!v.is_number_integer()) fail(path, fmt::format("expected an integer, got {}", found(v)));
  const auto value = v.get<std::int64_t>();
  if (value < min) fail(path, fmt::format("must be at least {}{}, got {}", min, why, value));
  if (value > max) fail(path, fmt::format("must be at most {}{}, got {}", max, why, value));
  return value;
}

inline std::int32_t read_int32(const json& v, const std::string& path, std::int32_t min, std::string_view hint = {}) {
  return static_cast<std::int32_t>(read_int(v, path, min, std::numeric_limits<std::int32_t>::max(), hint));
}

// Parses text, comments allowed (hand-written scenario files). A syntax error
// becomes ReadError{"", "malformed JSON: parse error at line L, column C: ..."}.
inline json parse_document(std::string_view text) {
  try {
    return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (auto close = what.find("] "); what.rfind("[json.exception", 0) == 0 && close != std::string::npos)
      what = what.substr(close + 2);
    const bool at_end = !text.empty() && e.byte >= text.size();
    fail("", fmt::format("malformed JSON: {}{}", what, at_end ? " (the file ends early: truncated?)" : ""));
  } catch (const json::exception& e) {  // e.g. out_of_range 406: a number too large for a double
    std::string what = e.what();
    if (auto close = what.find("] "); what.rfind("[json.exception", 0) == 0 && close != std::string::npos)
      what = what.substr(close + 2);
    fail("", "malformed JSON: " + what);
  }
}

inline std::string located(std::string_view source, const ReadError& e) {
  return e.path.empty() ? fmt::format("{}: {}", source, e.message)
                        : fmt::format("{}: {}: {}", source, e.path, e.message);
}

}  // namespace kafka_model::json_read
