// What travels on the simulated wire between the producer and the brokers.
#pragma once

#include <cstdint>
#include <vector>

#include "model/errors.hpp"
#include "model/log.hpp"

namespace kafka_model {

// One partition's batch inside a ProduceRequest, as the Sender drained it.
struct WireBatch {
  std::int32_t partition = 0;
  std::int64_t batch = -1;
  std::int64_t producer_id = -1;
  std::int32_t producer_epoch = -1;
  std::int32_t base_sequence = -1;
  std::int32_t last_sequence = -1;
  std::vector<LogRecord> records;
  bool transactional = false;     // RecordBatch.isTransactional
  std::int64_t transaction = -1;  // model bookkeeping (LogBatch::transaction)
  bool operator==(const WireBatch&) const = default;
};

struct PartitionResponse {
  std::int32_t partition = 0;
  std::int64_t batch = -1;
  Errors error = Errors::NONE;
  std::int64_t base_offset = -1;
  bool operator==(const PartitionResponse&) const = default;
};

struct ProduceRequest {
  std::int64_t request = 0;  // ordinal on the wire, 1-based (FaultSchedule targets it)
  std::int32_t instance = 0;
  std::int32_t broker = 0;
  std::int32_t connection = 0;  // the producer's connection generation to that broker
  std::int8_t acks = -1;
  std::int64_t timeout_ms = 30000;  // ProduceRequest.timeoutMs: the producer's request.timeout.ms
  std::vector<WireBatch> batches;
  bool operator==(const ProduceRequest&) const = default;
};

struct ProduceResponse {
  std::int64_t request = 0;
  std::int32_t instance = 0;
  std::int32_t broker = 0;
  std::int32_t connection = 0;
  std::vector<PartitionResponse> partitions;
  bool operator==(const ProduceResponse&) const = default;
};

}  // namespace kafka_model
