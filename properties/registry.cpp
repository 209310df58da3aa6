// The registry: every guarantee by its public name, in the order reports
// list them (properties/guarantee.hpp). Adding a guarantee = one checker
// file + one line here.
#include <algorithm>

#include "properties/guarantee.hpp"

namespace kafka_model {

const std::vector<Guarantee>& all_guarantees() {
  static const std::vector<Guarantee> guarantees = {
      {"no_duplicates_within_session", "duplicate",
       "no single send is appended to the log more than once under one session",
       &check_no_duplicates_within_session},
      {"no_duplicates", "duplicate", "no record id is appended more than once at all, whatever the cause",
       &check_no_duplicates},
      {"order_within_session", "nonmonotonic-send",
       "for one session and one partition, any two sends that are both appended appear in the log in the order "
       "send() was called",
       &check_order_within_session},
      {"no_lost_acknowledged_writes", "lost-write",
       "every send whose callback reported success is in the partition's committed log at the end",
       &check_no_lost_acknowledged_writes},
      {"acknowledged_offsets_correct", "inconsistent-offsets",
       "a success callback's offset is where that send is in the final log (-1 only with acks=0)",
       &check_acknowledged_offsets_correct},
      {"no_send_failed_out_of_order", "failed-send",
       "no send fails unwritten because the leader refused its batch as out of order behind a later batch of the "
       "same producer id and epoch that it had already written",
       &check_no_send_failed_out_of_order},
      {"no_aborted_reads", "G1a", "the consumer never returns a record of a transaction the coordinator aborted",
       &check_no_aborted_reads, true},
      {"transactions_atomic", "torn-transaction",
       "the consumer reads all of a committed transaction or none of it, and never a record of a transaction "
       "still open",
       &check_transactions_atomic, true},
      {"zombie_fenced", "zombie-write",
       "once InitProducerId handed out a newer epoch, no transaction commits under an older one and no batch an "
       "older epoch wrote afterwards reaches the consumer",
       &check_zombie_fenced, true},
      {"last_stable_offset_advances", "hanging-transaction",
       "once faults heal, no transaction stays open on a partition with no marker to end it (read_committed "
       "consumers would stop there for good)",
       &check_last_stable_offset_advances, true},
      {"exactly_once_consume_process_produce", "duplicate",
       "a consume-transform-produce application's read output holds exactly one record per input offset below the "
       "group's committed offset and none beyond it, and each transaction commits the offsets of exactly the "
       "outputs it commits",
       &check_exactly_once_consume_process_produce, true, true},
  };
  return guarantees;
}

const std::vector<Guarantee>& diagnostic_guarantees() {
  static const std::vector<Guarantee> diagnostics = {
      {"no_out_of_order_for_written_batch", "spurious-out-of-order",
       "the leader never refuses a batch as OUT_OF_ORDER_SEQUENCE_NUMBER that is already in the partition's log",
       &check_no_out_of_order_for_written_batch},
  };
  return diagnostics;
}

const Guarantee* find_guarantee(std::string_view name) {
  for (const std::vector<Guarantee>* list : {&all_guarantees(), &diagnostic_guarantees()}) {
    auto it = std::find_if(list->begin(), list->end(), [&](const Guarantee& g) { return g.name == name; });
    if (it != list->end()) return &*it;
  }
  return nullptr;
}

}  // namespace kafka_model
