// java.util.Properties.load, line for line (see java_properties.hpp).
#include "cli/java_properties.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace kafka_model::cli {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

struct NaturalLine {
  std::string_view text;  // without its terminator
  int number;             // 1-based
};

// Splits on \n, \r and \r\n, as LineReader does.
std::vector<NaturalLine> natural_lines(std::string_view text) {
  std::vector<NaturalLine> lines;
  std::size_t start = 0;
  int number = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back({text.substr(start, i - start), number++});
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back({text.substr(start), number});
  return lines;
}

std::string_view skip_blanks(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_blank(s[i])) ++i;
  return s.substr(i);
}

// An odd number of trailing backslashes continues the line.
bool continues(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[s.size() - 1 - n] == '\\') ++n;
  return n % 2 == 1;
}

struct LogicalLine {
  std::string text;  // continuations joined, their backslashes and leading blanks removed
  int number;        // the natural line it starts on
};

std::vector<LogicalLine> logical_lines(std::string_view text) {
  std::vector<LogicalLine> out;
  const std::vector<NaturalLine> lines = natural_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view first = skip_blanks(lines[i].text);
    if (first.empty() || first.front() == '#' || first.front() == '!') continue;  // comments never continue
    LogicalLine logical{std::string(first), lines[i].number};
    while (continues(logical.text)) {
      logical.text.pop_back();
      if (i + 1 == lines.size()) break;  // a backslash at end of file is dropped
      std::string_view next = skip_blanks(lines[++i].text);
      if (next.empty()) break;  // an empty continuation line ends the logical line
      logical.text.append(next);
    }
    out.push_back(std::move(logical));
  }
  return out;
}

void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Properties.loadConvert. Returns false on a malformed \uXXXX.
bool unescape(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\' || i + 1 == in.size()) {
      if (in[i] != '\\') out += in[i];
      continue;
    }
    const char c = in[++i];
    if (c == 'u') {
      unsigned code = 0;
      for (int d = 1; d <= 4; ++d) {
        const int v = i + d < in.size() ? hex_digit(in[i + d]) : -1;
        if (v < 0) return false;
        code = code * 16 + static_cast<unsigned>(v);
      }
      i += 4;
      append_utf8(out, code);
    } else if (c == 't') {
      out += '\t';
    } else if (c == 'n') {
      out += '\n';
    } else if (c == 'r') {
      out += '\r';
    } else if (c == 'f') {
      out += '\f';
    } else {
      out += c;
    }
  }
  return true;
}

struct RawPair {
  std::string_view key;
  std::string_view value;
};

// Properties.load0: the key ends at the first unescaped separator or blank.
RawPair split_key_value(std::string_view line) {
  std::size_t key_len = 0;
  std::size_t value_start = line.size();
  bool has_separator = false;
  bool preceding_backslash = false;
  for (; key_len < line.size(); ++key_len) {
    const char c = line[key_len];
    if (!preceding_backslash && (c == '=' || c == ':')) {
      value_start = key_len + 1;
      has_separator = true;
      break;
    }
    if (!preceding_backslash && is_blank(c)) {
      value_start = key_len + 1;
      break;
    }
    preceding_backslash = c == '\\' ? !preceding_backslash : false;
  }
  for (; value_start < line.size(); ++value_start) {
    const char c = line[value_start];
    if (is_blank(c)) continue;
    if (!has_separator && (c == '=' || c == ':')) {
      has_separator = true;
      continue;
    }
    break;
  }
  return {line.substr(0, key_len), value_start < line.size() ? line.substr(value_start) : std::string_view{}};
}

}  // namespace

std::string PropertiesFile::where(const std::string& key) const {
  const auto it = line_of.find(key);
  return it == line_of.end() ? path : fmt::format("{}:{}", path, it->second);
}

PropertiesParse parse_properties(std::string_view text, const std::string& path) {
  PropertiesFile file;
  file.path = path;
  std::vector<std::string> errors;  // every malformed line, not only the first
  for (const LogicalLine& line : logical_lines(text)) {
    const RawPair raw = split_key_value(line.text);
    std::string key;
    std::string value;
    if (!unescape(raw.key, key) || !unescape(raw.value, value)) {
      errors.push_back(fmt::format("{}:{}: malformed \\uXXXX escape (Java: \"Malformed \\uxxxx encoding.\")", path,
                                   line.number));
      continue;
    }
    file.values[key] = std::move(value);
    file.line_of[key] = line.number;
  }
  if (!errors.empty()) return {std::nullopt, errors.front(), errors};
  return {std::move(file), "", {}};
}

PropertiesParse load_properties(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  auto fail = [](std::string message) { return PropertiesParse{std::nullopt, message, {message}}; };
  if (!fs::exists(status)) return fail(fmt::format("{}: no such file", path));
  if (!fs::is_regular_file(status)) return fail(fmt::format("{}: not a regular file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(fmt::format("{}: read error", path));
  return parse_properties(text.str(), path);
}

}  // namespace kafka_model::cli
