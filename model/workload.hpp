// What the application does with the producer: the workload half of a run.
#pragma once

#include <cstdint>
#include <string>

namespace kafka_model {

enum class DeliveryMode : std::uint8_t {
  // Re-send a record whose callback failed or timed out, and after a producer
  // restart re-send everything not yet acknowledged (the usual application).
  AtLeastOnce,
  // send() and never look back: no re-send.
  FireAndForget,
  // send().get(): wait for each callback before the next send; re-send on
  // failure like AtLeastOnce.
  Synchronous,
};

const char* to_string(DeliveryMode mode);
bool parse_delivery_mode(const std::string& text, DeliveryMode& mode);

struct Workload {
  std::int32_t records = 10;           // record ids 0..records-1, each sent until acknowledged (AtLeastOnce)
  std::int32_t keys = 1;               // key of record i: "k<i % keys>"; 0 = null keys (sticky partitioner)
  std::int64_t send_interval_ms = 1;   // time between two send() calls
  std::int32_t record_size_bytes = 100;
  std::int32_t max_resends_per_record = 3;  // the application gives up after this many re-sends
  DeliveryMode mode = DeliveryMode::AtLeastOnce;
  // A transactional producer (transactional.id set): send() this many records
  // per transaction, and abortTransaction() instead of commitTransaction()
  // for every abort_every-th transaction (0: abort only after a failed send).
  // Unused without transactional.id.
  std::int32_t records_per_transaction = 3;
  std::int32_t abort_every = 3;
  bool operator==(const Workload&) const = default;
};

}  // namespace kafka_model
