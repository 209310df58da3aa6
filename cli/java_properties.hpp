// A Java .properties file read as java.util.Properties.load reads it, keeping
// the line each key was written on so every error can point at it.
//
// Semantics (java.util.Properties.load(Reader) javadoc and its LineReader):
//   - natural lines end in \n, \r or \r\n; leading blanks (space, \t, \f) are skipped;
//   - a line whose first non-blank character is '#' or '!' is a comment;
//   - a line ending in an odd number of backslashes continues on the next one,
//     whose leading blanks are dropped (a comment line never continues);
//   - the key ends at the first unescaped '=', ':' or blank; blanks, then at
//     most one '=' or ':', then blanks separate it from the value;
//   - escapes: \t \n \r \f, \uXXXX (written out as UTF-8), and \<c> = <c>;
//     a malformed \uXXXX is the only error Java raises ("Malformed \uxxxx encoding.");
//   - a key given twice: the last one wins.
// Bytes other than escapes pass through unchanged (the file is read as UTF-8,
// not ISO-8859-1 as Properties.load(InputStream) would; only non-ASCII
// values could tell the two apart).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kafka_model::cli {

struct PropertiesFile {
  std::string path;                    // as given, for messages
  std::map<std::string, std::string> values;
  std::map<std::string, int> line_of;  // key -> 1-based line its (last) definition starts on
  // "<path>:<line>" for a key of this file, or "<path>" when the key is not in it.
  std::string where(const std::string& key) const;
};

struct PropertiesParse {
  std::optional<PropertiesFile> file;
  std::string error;                // the first of errors; empty when parsed
  std::vector<std::string> errors;  // every malformed line, "<path>:<line>: ..."
};

// Never throws.
PropertiesParse parse_properties(std::string_view text, const std::string& path);

// parse_properties on a file; a missing, unreadable or non-regular file is an
// error naming the path and the reason.
PropertiesParse load_properties(const std::string& path);

}  // namespace kafka_model::cli
