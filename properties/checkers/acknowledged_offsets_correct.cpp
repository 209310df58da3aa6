// acknowledged_offsets_correct (Jepsen: inconsistent-offsets): the offset a
// success callback reports is where that send is in the final log. -1 is
// allowed only with acks=0 (the producer gets no answer; Kafka docs: "the
// offset given back for each record will always be set to -1"). When an
// acknowledged record is truncated away (acks=1 leader failover, KIP-101) its
// offset goes to another record: the callback then names someone else's
// offset. An acknowledged send absent from the log is not where its offset
// says either: it is an inconsistent offset as well as a lost write.
#include <algorithm>
#include <climits>
#include <map>
#include <optional>
#include <utility>

#include "properties/checkers/log_view.hpp"
#include "properties/checkers/transaction_view.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {
namespace {

// (partition, offset) -> ConsumerRead step index.
std::map<std::pair<std::int32_t, std::int64_t>, std::size_t> index_by_offset(const History& history) {
  std::map<std::pair<std::int32_t, std::int64_t>, std::size_t> out;
  for (std::size_t i : checkers::final_log(history))
    out.try_emplace({history.steps[i].partition, history.steps[i].offset}, i);
  return out;
}

// (partition, send) -> the ConsumerRead steps holding that send, in log order.
using CopiesBySend = std::map<std::pair<std::int32_t, std::int64_t>, std::vector<std::size_t>>;

CopiesBySend index_copies(const History& history) {
  CopiesBySend out;
  for (std::size_t i : checkers::final_log(history))
    out[{history.steps[i].partition, history.steps[i].send}].push_back(i);
  return out;
}

// ConsumerRead steps holding `send` (in `partition`, or anywhere if unknown).
std::vector<std::size_t> copies_of(const CopiesBySend& copies, std::int32_t partition, std::int64_t send) {
  std::vector<std::size_t> out;
  for (auto it = copies.lower_bound({partition < 0 ? INT32_MIN : partition, send}); it != copies.end(); ++it) {
    if (partition >= 0 && it->first.first != partition) break;
    if (it->first.second == send) out.insert(out.end(), it->second.begin(), it->second.end());
    if (partition >= 0) break;
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string where_it_is(const History& history, const std::vector<std::size_t>& copies) {
  if (copies.empty()) return "it is not in the final log";
  std::vector<std::int64_t> offsets;
  for (std::size_t i : copies) offsets.push_back(history.steps[i].offset);
  return "it is at offset " + checkers::join_and(offsets);
}

struct Context {
  const History& history;
  std::map<std::int64_t, std::size_t> called;
  std::map<std::pair<std::int32_t, std::int64_t>, std::size_t> at_offset;
  CopiesBySend copies;
  bool acks_zero;
};

// The anomaly for one success callback, if its offset is wrong.
std::optional<Anomaly> judge(const Context& c, std::size_t cb_step) {
  const Step& cb = c.history.steps[cb_step];
  const std::int32_t partition = checkers::partition_of_send(c.history, c.called, cb);
  const std::string head = checkers::send_text(cb.send, cb.record) + " acknowledged at p" +
                           std::to_string(partition) + " offset " + std::to_string(cb.offset);
  const std::vector<std::size_t> copies = copies_of(c.copies, partition, cb.send);
  Anomaly a;
  if (cb.offset < 0) {
    if (c.acks_zero) return std::nullopt;
    a.summary = head + " although acks is " + checkers::acks_text(c.history) + " (-1 only with acks=0); " +
                where_it_is(c.history, copies);
  } else {
    auto holder = c.at_offset.find({partition, cb.offset});
    if (holder != c.at_offset.end() && c.history.steps[holder->second].send == cb.send) return std::nullopt;
    if (holder != c.at_offset.end()) {
      const Step& other = c.history.steps[holder->second];
      a.summary = head + ", but offset " + std::to_string(cb.offset) + " holds " +
                  checkers::send_text(other.send, other.record) + "; " + where_it_is(c.history, copies);
      a.steps.push_back(holder->second);
    } else {
      a.summary = head + ", but no record is at that offset; " + where_it_is(c.history, copies);
    }
  }
  a.guarantee = "acknowledged_offsets_correct";
  a.kind = "inconsistent-offsets";
  a.partition = partition;
  a.records = {cb.record};
  a.sends = {cb.send};
  a.offsets = {cb.offset};
  for (std::size_t i : copies) a.offsets.push_back(c.history.steps[i].offset);
  a.instance = cb.instance;
  a.producer_id = checkers::producer_id_at(c.history, cb.instance, cb_step);
  a.steps.push_back(cb_step);
  if (auto it = c.called.find(cb.send); it != c.called.end()) a.steps.push_back(it->second);
  a.steps.insert(a.steps.end(), copies.begin(), copies.end());
  checkers::sort_steps(a.steps);
  return a;
}

}  // namespace

std::vector<Anomaly> check_acknowledged_offsets_correct(const History& history) {
  const Context context{history, checkers::send_called_steps(history), index_by_offset(history),
                        index_copies(history), checkers::acks_is_zero(history)};
  const checkers::TransactionView txns = checkers::transactions_of(history);
  std::vector<Anomaly> out;
  for (std::size_t i = 0; i < history.steps.size(); ++i)
    if (checkers::is_success_callback(history.steps[i]) && checkers::acknowledged(txns, history.steps[i]))
      if (auto anomaly = judge(context, i)) out.push_back(std::move(*anomaly));
  return out;
}

}  // namespace kafka_model
