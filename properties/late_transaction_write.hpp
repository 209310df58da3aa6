// How Kafka's own Transactions V1 rules break read_committed's promises: a
// produce request of a transaction that reaches the partition leader after
// the transaction's marker (it waited unread behind another request of its
// connection, or in a paused broker, while the producer gave the batch up at
// delivery.timeout.ms and ended the transaction). The leader appends it as a
// new open transaction of the producer id, which the producer's next
// transaction's marker then completes (an aborted record read as committed),
// or which no marker ever ends (a hanging transaction). KAFKA-17754 (Jepsen's
// analysis of Transactions V1: aborted reads, torn transactions), KAFKA-14053
// (hanging transactions). Kafka 3.6+'s partition verification (KIP-890 part 1)
// refuses it when the producer's epoch has moved on or the partition is no
// longer in a transaction, but not when the next transaction, under the same
// epoch, has already added the partition; Transactions V2 (4.0, KIP-890 part 2)
// bumps the epoch at every transaction (modelled: transaction.version=2 on
// 4.0+), so the late write carries an epoch the coordinator and the marker
// have moved past and is refused (tests/scenarios/21-*).
#pragma once

#include <optional>
#include <string>

#include "model/history.hpp"

namespace kafka_model {

// Evidence of it: a transactional batch of transaction T appended on a
// partition after T's marker was written there. Nothing if absent.
std::optional<std::string> late_transaction_write(const History& history);

}  // namespace kafka_model
