// A history as an SVG sequence diagram, for the HTML report (cli/html_report.hpp).
//
// Lifelines, left to right: app, producer-N (one per producer instance; a
// restarted producer is a new KafkaProducer), broker-N, controller,
// consumer. One row per step, numbered as the text timeline numbers it
// (to_timeline), so the picture and the timeline read side by side:
//   arrows    send() (app -> producer), the callback (producer -> app),
//             ProduceRequest (producer -> broker), ProduceResponse (dashed,
//             broker -> producer), records read (broker -> consumer)
//   crosses   a request or response the network dropped (the arrow stops
//             half-way at a red X)
//   marks     what a node did on its own, on its lifeline: appends (blue),
//             duplicates detected (purple), faults (red), replication and
//             elections (grey), timeouts and expiries (orange)
// A broker's lifeline is dashed red while it is down (BrokerCrashed until
// BrokerRestarted); a producer instance's lifeline runs from its
// ProducerStarted to its ProducerCrashed. Rows named in `highlight` (0-based
// step indices: an anomaly's evidence) get a yellow band.
//
// The result is one <svg> element with its xmlns: well-formed XML that is a
// standalone SVG file and can be inlined in HTML as is. No script, no
// external font or image.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/history.hpp"

namespace kafka_model::cli {

std::string to_svg_sequence(const History& history, const std::vector<std::size_t>& highlight = {});

}  // namespace kafka_model::cli
