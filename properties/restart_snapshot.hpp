// A second way Kafka 3.9's own rules break the idempotent producer's
// within-session promise, found by the conformance port of
// ProducerStateManagerTest.testRecoverFromSnapshotUnfinishedTransaction:
// a broker that restarts reloads its producer state from a snapshot, and a
// snapshot keeps only each producer's LAST batch (ProducerStateManager.
// writeSnapshot / readSnapshot; recovery snapshots the log end,
// LogLoader.recoverSegment). A retry of an earlier batch that is already in
// the log is then not recognised as a duplicate: ProducerAppendInfo.
// checkSequence answers OUT_OF_ORDER_SEQUENCE_NUMBER, the retried batch is the
// client's next expected one, TransactionManager.canRetry bumps the epoch and
// the batch is written again. No upstream ticket found (docs/model.md).
#pragma once

#include <optional>
#include <string>

#include "model/history.hpp"

namespace kafka_model {

// Evidence of that mechanism in a history: a batch (producer id, epoch, base
// sequence) appended on a partition, a restart of broker B after it, and B
// later refusing that same batch as out of order. Nothing if absent.
std::optional<std::string> restart_snapshot_refusal(const History& history);

// Every mechanism by which Kafka's own rules (not the model) break the
// idempotence promises, recognised in a history: the first-batch race
// (known_races.hpp) or the restart snapshot above. The evidence, or nothing.
std::optional<std::string> kafka_idempotence_exception(const History& history);

}  // namespace kafka_model
