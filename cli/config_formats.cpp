#include "cli/config_formats.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cli/text_util.hpp"

namespace kafka_model::cli {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// ------------------------------------------------------------------ YAML

bool yaml_name(const std::string& path) { return ends_with(path, ".yml") || ends_with(path, ".yaml"); }

// "spring:" alone on the first line that is not a comment, then an indented
// line: YAML, whatever the file is called.
bool looks_like_yaml(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  bool open_map = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    if (open_map) return first > 0;
    const auto colon = line.find(':');
    if (first != 0 || colon == std::string::npos || colon + 1 != line.size()) return false;
    open_map = true;
  }
  return false;
}

void flatten(const YAML::Node& node, const std::string& prefix, PropertiesFile& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      flatten(kv.second, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  std::string value;
  if (node.IsSequence()) {  // Spring binds a list to a comma-separated Kafka value
    for (const auto& item : node) value += (value.empty() ? "" : ",") + (item.IsScalar() ? item.Scalar() : "");
  } else if (node.IsScalar()) {
    value = node.Scalar();
  }
  out.values[prefix] = value;
  out.line_of[prefix] = node.Mark().line + 1;
}

FormatRead read_yaml(const std::string& text, const std::string& path) {
  FormatRead r;
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap() && !root.IsNull()) {
      r.errors.push_back(fmt::format("{}:1: not a YAML mapping of keys to values", path));
      return r;
    }
    PropertiesFile file;
    file.path = path;
    flatten(root, "", file);
    r.file = std::move(file);
  } catch (const YAML::Exception& e) {
    r.errors.push_back(fmt::format("{}:{}: not valid YAML: {}", path, e.mark.line + 1, escape_for_message(e.msg)));
  }
  return r;
}

// -------------------------------------------------------- refused formats

// A file kafka-model does not read: HOCON ("kafka {"), JSON, XML.
std::string foreign_format(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#' || line[first] == '!') continue;
    if (line[first] == '{' || line[first] == '[') return "JSON";
    if (line[first] == '<') return "XML";
    const auto last = line.find_last_not_of(" \t\r");
    if (line[last] == '{') return "HOCON";
    return "";
  }
  return "";
}

// ------------------------------------------------- "ProducerConfig values:"

// A pasted INFO log of a producer's configuration: "ProducerConfig values:"
// then one tab-indented "key = value" per key, lists as [a, b], classes as
// "class x.y.Z", unset values as null.
bool looks_like_dump(const std::string& text, const PropertiesFile& f) {
  if (text.find("ProducerConfig values:") != std::string::npos &&
      std::any_of(f.values.begin(), f.values.end(), [](const auto& kv) { return kv.second.find(" = ") == 0; }))
    return true;
  int log_shaped = 0;
  for (const auto& [k, v] : f.values)
    if (v == "null" || starts_with(v, "class ") || (starts_with(v, "[") && ends_with(v, "]"))) ++log_shaped;
  return log_shaped >= 3;
}

// The value as Kafka would have parsed it from the log line; nullopt = unset.
std::optional<std::string> dump_value(std::string v) {
  const auto note = v.find(" #");  // the author's notes after the value; Kafka never logs " #"
  if (note != std::string::npos) v = v.substr(0, note);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  if (v == "null") return std::nullopt;
  if (starts_with(v, "class ")) return v.substr(6);
  if (starts_with(v, "[") && ends_with(v, "]")) {
    std::string list = v.substr(1, v.size() - 2);
    list.erase(std::remove(list.begin(), list.end(), ' '), list.end());
    return list;
  }
  return v;
}

// ---------------------------------------------------------- frameworks

// One key as the producer will see it, and where it came from.
struct Mapped {
  std::string key;
  std::string value;
  int line = 0;
  std::string written_as;
  int precedence = 0;  // higher wins (an override over a common setting)
};

// Spring Boot's KafkaProperties.Producer (spring.kafka.producer.*): relaxed
// names (batch-size, batchSize, batch_size) for the Kafka keys it binds.
std::optional<std::string> spring_producer_key(const std::string& name) {
  std::string flat;
  for (const char c : name)
    if (c != '-' && c != '_') flat += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::map<std::string, std::string> keys = {
      {"acks", "acks"},
      {"retries", "retries"},
      {"batchsize", "batch.size"},
      {"buffermemory", "buffer.memory"},
      {"compressiontype", "compression.type"},
      {"keyserializer", "key.serializer"},
      {"valueserializer", "value.serializer"},
      {"clientid", "client.id"},
      {"bootstrapservers", "bootstrap.servers"},
      {"transactionidprefix", "transactional.id"},
  };
  const auto it = keys.find(flat);
  if (it == keys.end()) return std::nullopt;
  return it->second;
}

struct Framework {
  std::string name;  // for the note
  std::vector<Mapped> keys;
  std::vector<std::string> ignored;  // keys of other clients or of the framework itself
  std::vector<std::string> notes;
  std::vector<std::string> errors;
};

Framework map_spring(const PropertiesFile& f) {
  Framework fw;
  fw.name = "Spring Boot / Spring Cloud Stream (spring.kafka.producer.*, spring.kafka.properties.*, "
            "spring.cloud.stream.kafka.binder.*)";
  for (const auto& [key, value] : f.values) {
    const int line = f.line_of.at(key);
    auto take = [&](std::string k, int precedence) { fw.keys.push_back({std::move(k), value, line, key, precedence}); };
    constexpr std::string_view producer_props = "spring.kafka.producer.properties.";
    constexpr std::string_view producer = "spring.kafka.producer.";
    constexpr std::string_view common_props = "spring.kafka.properties.";
    constexpr std::string_view binder_producer = "spring.cloud.stream.kafka.binder.producer-properties.";
    constexpr std::string_view binder_common = "spring.cloud.stream.kafka.binder.configuration.";
    if (starts_with(key, producer_props)) {
      take(key.substr(producer_props.size()), 3);
    } else if (starts_with(key, producer)) {
      const std::string name = key.substr(producer.size());
      if (const auto k = spring_producer_key(name)) {
        take(*k, 2);
        if (*k == "transactional.id")
          fw.notes.push_back(fmt::format(
              "{}:{}: {} is a prefix: Spring's DefaultKafkaProducerFactory gives each producer transactional.id "
              "'<prefix><n>'; it is read as transactional.id={}",
              f.path, line, key, value));
      } else {
        fw.ignored.push_back(key);
      }
    } else if (starts_with(key, common_props)) {
      take(key.substr(common_props.size()), 1);
    } else if (key == "spring.kafka.bootstrap-servers" || key == "spring.kafka.client-id") {
      take(key == "spring.kafka.client-id" ? "client.id" : "bootstrap.servers", 0);
    } else if (starts_with(key, binder_producer)) {
      take(key.substr(binder_producer.size()), 3);
    } else if (starts_with(key, binder_common)) {
      take(key.substr(binder_common.size()), 1);
    } else if (key == "spring.cloud.stream.kafka.binder.required-acks") {
      take("acks", 2);
    } else if (key == "spring.cloud.stream.kafka.binder.transaction.transaction-id-prefix") {
      take("transactional.id", 2);
    } else if (starts_with(key, "spring.cloud.stream.kafka.bindings.") &&
               key.find(".producer.configuration.") != std::string::npos) {
      take(key.substr(key.find(".producer.configuration.") + 24), 4);
    } else {
      fw.ignored.push_back(key);
    }
  }
  return fw;
}

// Kafka Connect (worker: producer.*; connector: producer.override.*, which
// wins, ConnectorConfig / Worker.producerConfigs) and Kafka Streams
// (producer.* over unprefixed client keys, StreamsConfig.getProducerConfigs).
Framework map_connect_or_streams(const PropertiesFile& f, bool streams) {
  Framework fw;
  fw.name = streams ? "Kafka Streams (producer.* over the unprefixed client keys)"
                    : "Kafka Connect (producer.* of the worker, producer.override.* of a connector)";
  for (const auto& [key, value] : f.values) {
    const int line = f.line_of.at(key);
    if (starts_with(key, "producer.override.")) {
      fw.keys.push_back({key.substr(18), value, line, key, 2});
    } else if (starts_with(key, "producer.")) {
      fw.keys.push_back({key.substr(9), value, line, key, 1});
    } else if (streams && std::find(kafka_producer_key_names().begin(), kafka_producer_key_names().end(), key) !=
                              kafka_producer_key_names().end()) {
      fw.keys.push_back({key, value, line, key, 0});
    } else {
      fw.ignored.push_back(key);
    }
  }
  const auto guarantee = f.values.find("processing.guarantee");
  if (streams && guarantee != f.values.end() && starts_with(guarantee->second, "exactly_once"))
    fw.notes.push_back(fmt::format(
        "{}: processing.guarantee={}: Kafka Streams runs a transactional producer and sets its transactional.id "
        "itself; transactions are not modelled yet, so the producer is checked as its producer keys describe it",
        f.where("processing.guarantee"), guarantee->second));
  return fw;
}

// MirrorMaker 2 (connect-mirror-maker.properties): <alias>.producer.* for
// the clusters listed in `clusters` (MirrorMakerConfig.clientConfig).
Framework map_mirror_maker(const PropertiesFile& f) {
  Framework fw;
  fw.name = "MirrorMaker 2 (<cluster>.producer.*)";
  std::vector<std::string> aliases;
  std::string list = f.values.at("clusters");
  std::stringstream in(list);
  for (std::string a; std::getline(in, a, ',');) {
    a.erase(std::remove(a.begin(), a.end(), ' '), a.end());
    if (!a.empty()) aliases.push_back(a);
  }
  std::set<std::string> with_producer;
  for (const auto& [key, value] : f.values) {
    bool taken = false;
    for (const std::string& a : aliases) {
      const std::string prefix = a + ".producer.";
      if (!starts_with(key, prefix)) continue;
      fw.keys.push_back({key.substr(prefix.size()), value, f.line_of.at(key), key, 1});
      with_producer.insert(a);
      taken = true;
    }
    if (!taken) fw.ignored.push_back(key);
  }
  if (with_producer.size() > 1)
    fw.errors.push_back(fmt::format(
        "{}: producer settings for more than one cluster ({}): each target cluster runs its own producer; put one "
        "cluster's <alias>.producer.* keys in a file of its own",
        f.where("clusters"), fmt::join(with_producer, ", ")));
  return fw;
}

std::optional<Framework> detect_framework(const PropertiesFile& f) {
  bool spring = false, connect = false, streams = false;
  for (const auto& [key, value] : f.values) {
    spring = spring || starts_with(key, "spring.");
    connect = connect || starts_with(key, "producer.");
  }
  streams = f.values.count("application.id") != 0 || f.values.count("processing.guarantee") != 0;
  if (spring) return map_spring(f);
  if (f.values.count("clusters") != 0) return map_mirror_maker(f);
  if (connect || streams) return map_connect_or_streams(f, streams);
  return std::nullopt;
}

// The framework's keys as one producer file: the highest precedence wins.
PropertiesFile apply(const Framework& fw, const std::string& path, std::vector<std::string>& notes) {
  PropertiesFile out;
  out.path = path;
  std::map<std::string, const Mapped*> chosen;
  for (const Mapped& m : fw.keys) {
    const auto it = chosen.find(m.key);
    if (it == chosen.end()) {
      chosen[m.key] = &m;
      continue;
    }
    const Mapped* winner = m.precedence >= it->second->precedence ? &m : it->second;
    const Mapped* loser = winner == &m ? it->second : &m;
    notes.push_back(fmt::format("{}:{}: {} overrides {}:{}: {}", path, winner->line, winner->written_as, path,
                                loser->line, loser->written_as));
    chosen[m.key] = winner;
  }
  for (const auto& [key, m] : chosen) {
    out.values[key] = m->value;
    out.line_of[key] = m->line;
  }
  std::string mapped;
  for (const auto& [key, m] : chosen)
    if (m->written_as != key) mapped += fmt::format("{}{} -> {}", mapped.empty() ? "" : ", ", m->written_as, key);
  notes.insert(notes.begin(), fmt::format("{}: read as {}{}", path, fw.name,
                                          mapped.empty() ? "" : fmt::format("; producer keys: {}", mapped)));
  if (!fw.ignored.empty())
    notes.push_back(fmt::format("{}: {} key(s) that are not the producer's were left out (first: {})", path,
                                fw.ignored.size(), fw.ignored.front()));
  return out;
}

}  // namespace

const std::vector<std::string>& kafka_producer_key_names() {
  // clients/.../producer/ProducerConfig.java at 3.9.0 (its *_CONFIG names and
  // the CommonClientConfigs it defines).
  static const std::vector<std::string> names = {
      "acks", "batch.size", "bootstrap.servers", "buffer.memory", "client.dns.lookup", "client.id",
      "compression.type", "compression.gzip.level", "compression.zstd.level", "compression.lz4.level",
      "connections.max.idle.ms", "delivery.timeout.ms", "enable.idempotence", "enable.metrics.push",
      "interceptor.classes", "key.serializer", "linger.ms", "max.block.ms", "max.in.flight.requests.per.connection",
      "max.request.size", "metadata.max.age.ms", "metadata.max.idle.ms", "metadata.recovery.strategy",
      "metric.reporters", "metrics.num.samples", "metrics.recording.level", "metrics.sample.window.ms",
      "partitioner.adaptive.partitioning.enable", "partitioner.availability.timeout.ms", "partitioner.class",
      "partitioner.ignore.keys", "receive.buffer.bytes", "reconnect.backoff.max.ms", "reconnect.backoff.ms",
      "request.timeout.ms", "retries", "retry.backoff.max.ms", "retry.backoff.ms", "security.protocol",
      "send.buffer.bytes", "socket.connection.setup.timeout.max.ms", "socket.connection.setup.timeout.ms",
      "transaction.timeout.ms", "transactional.id", "value.serializer", "auto.include.jmx.reporter",
  };
  return names;
}

FormatRead read_config_text(const std::string& raw, const std::string& path, bool producer_side) {
  FormatRead r;
  std::string text = raw;
  const bool bom = text.rfind(kBom, 0) == 0;
  const bool yaml = yaml_name(path) || looks_like_yaml(bom ? text.substr(kBom.size()) : text);
  if (yaml) {
    // YAML allows a byte order mark (YAML 1.2, 5.2); yaml-cpp skips it.
    r = read_yaml(text, path);
    if (r.file) r.notes.insert(r.notes.begin(), fmt::format("{}: read as YAML", path));
  } else {
    if (const std::string foreign = foreign_format(text); !foreign.empty()) {
      r.errors.push_back(fmt::format(
          "{}: looks like {}, which kafka-model does not read: give it a Java .properties file, a YAML file "
          "(.yml), Spring, Kafka Connect, Kafka Streams or MirrorMaker 2 properties, or a pasted \"ProducerConfig "
          "values:\" log",
          path, foreign));
      return r;
    }
    if (bom) {
      // Kafka reads .properties files with Properties.load(InputStream),
      // ISO-8859-1 (Utils.loadProps), so a UTF-8 byte order mark becomes
      // three characters of the first key, which the producer then does not
      // recognise. The model keeps Kafka's reading and says so.
      std::string first_key;
      PropertiesParse probe = parse_properties(text.substr(kBom.size()), path);
      if (probe.file && !probe.file->line_of.empty()) {
        int first_line = 1 << 30;
        for (const auto& [k, l] : probe.file->line_of)
          if (l < first_line) first_line = l, first_key = k;
      }
      r.notes.push_back(fmt::format(
          "{}:1: the file starts with a UTF-8 byte order mark: Kafka's Utils.loadProps (Properties.load, "
          "ISO-8859-1) reads it as part of the first key, so the producer does not see '{}'; remove the mark",
          path, first_key));
    }
    PropertiesParse parsed = parse_properties(text, path);
    if (!parsed.file) {
      r.errors = parsed.errors;
      return r;
    }
    r.file = std::move(parsed.file);
    if (producer_side && looks_like_dump(text, *r.file)) {
      PropertiesFile cleaned;
      cleaned.path = path;
      int unset = 0;
      for (const auto& [k, v] : r.file->values) {
        const auto value = dump_value(v);
        if (!value) {
          ++unset;
          continue;
        }
        cleaned.values[k] = *value;
        cleaned.line_of[k] = r.file->line_of.at(k);
      }
      r.file = std::move(cleaned);
      r.notes.push_back(fmt::format(
          "{}: read as a pasted \"ProducerConfig values:\" log: \"class X\" as X, [a, b] as a,b, notes after \" #\" "
          "dropped, {} key(s) logged as null left unset",
          path, unset));
    }
  }
  if (!r.file || !producer_side) return r;
  if (std::optional<Framework> fw = detect_framework(*r.file)) {
    r.errors.insert(r.errors.end(), fw->errors.begin(), fw->errors.end());
    std::vector<std::string> notes;
    PropertiesFile mapped = apply(*fw, path, notes);
    notes.insert(notes.end(), fw->notes.begin(), fw->notes.end());
    r.notes.insert(r.notes.end(), notes.begin(), notes.end());
    r.file = std::move(mapped);
  } else if (yaml) {
    r.notes.push_back(fmt::format("{}: a YAML file without spring.kafka.* keys: its dotted keys are read as "
                                  "producer keys",
                                  path));
  }
  if (!r.errors.empty()) r.file.reset();
  return r;
}

FormatRead read_config_file(const std::string& path, bool producer_side) {
  PropertiesParse opened = load_properties(path);  // for its checks of the path (exists, regular, readable)
  if (!opened.file && opened.errors.size() == 1 && opened.error.rfind(path + ":", 0) == 0 &&
      opened.error.find("malformed") == std::string::npos) {
    FormatRead r;
    r.errors = opened.errors;
    return r;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return read_config_text(text.str(), path, producer_side);
}

}  // namespace kafka_model::cli
