// The application on top of the producer: calls send() on the workload's
// schedule, receives callbacks, and — at least once — re-sends what failed.
#include <fmt/core.h>

#include <algorithm>

#include "model/sim_time.hpp"
#include "model/world.hpp"

namespace kafka_model {


void World::app_send_due() {
  if (config_.transactional()) {
    app_transaction_due();
    return;
  }
  ApplicationState& app = state_.app;
  app.send_scheduled = false;
  const bool waiting_for_callback = workload_.mode == DeliveryMode::Synchronous && app.outstanding_sends > 0;
  if (!waiting_for_callback && state_.producer.alive) {
    if (!app.resend_queue.empty()) {
      const std::int64_t record = app.resend_queue.front();
      app.resend_queue.pop_front();
      app_send(record);
    } else if (app.next_new_record < workload_.records) {
      app_send(app.next_new_record++);
    }
  }
  const bool more = !app.resend_queue.empty() || app.next_new_record < workload_.records;
  if (more && !waiting_for_callback) {
    app.send_scheduled = true;
    schedule(after(state_.now_ms, workload_.send_interval_ms), EventKind::AppSendDue, process_tag());
  }
}

void World::app_send(std::int64_t record) {
  ApplicationState& app = state_.app;
  const std::int64_t send = state_.next_send++;
  AppRecord& r = app.records[record];
  r.sends += 1;
  if (r.outstanding_send < 0) ++app.outstanding_sends;
  r.outstanding_send = send;
  app.send_record[send] = record;
  const std::int32_t partition = choose_partition(record);
  Step& step = log_step(StepKind::SendCalled, "app");
  step.record = record;
  step.send = send;
  step.partition = partition;
  step.instance = state_.producer.instance;
  step.detail = workload_.keys > 0 ? fmt::format("key=k{}", record % workload_.keys) : "key=null";
  if (config_.transactional()) {
    step.transaction = state_.txn_app.transaction;
    txn_maybe_add_partition(partition);
  }
  if (!producer_append(record, send, partition)) {  // buffer.memory full: send() blocks
    app.blocked.emplace_back(send, state_.now_ms, partition);
    wake_sender_at(after(state_.now_ms, config_.producer.max_block_ms));
  }
}

std::int64_t World::record_of_send(std::int64_t send) const {
  auto it = state_.app.send_record.find(send);
  return it == state_.app.send_record.end() ? -1 : it->second;
}

void World::app_callback(std::int64_t send, std::int64_t offset, Errors error) {
  ApplicationState& app = state_.app;
  const std::int64_t record = record_of_send(send);
  Step& step = log_step(StepKind::CallbackCompleted, "app");
  step.record = record;
  step.send = send;
  step.offset = offset;
  step.instance = state_.producer.instance;
  if (error != Errors::NONE) step.error = error;
  AppRecord& r = app.records[record];
  if (r.outstanding_send == send) {
    r.outstanding_send = -1;
    --app.outstanding_sends;
  }
  if (config_.transactional()) {
    // A transaction's send is not re-sent alone: the transaction aborts and
    // its records go into a later one (transactional_client.cpp).
    if (error == Errors::NONE) {
      r.acknowledged = true;
      state_.txn_app.progress_ms = state_.now_ms;
    } else {
      state_.txn_app.send_failed = true;
    }
    return;
  }
  if (error == Errors::NONE) {
    r.acknowledged = true;
  } else if (workload_.mode != DeliveryMode::FireAndForget && !r.acknowledged) {
    if (r.sends <= workload_.max_resends_per_record) {
      app.resend_queue.push_back(record);
    }
  }
  if (!app.send_scheduled && (!app.resend_queue.empty() || app.next_new_record < workload_.records)) {
    app.send_scheduled = true;
    schedule(state_.now_ms, EventKind::AppSendDue, process_tag());
  }
}

// A restarted producer has lost every unacknowledged send; an at-least-once
// application sends them again (through the new instance).
void World::app_producer_restarted() {
  ApplicationState& app = state_.app;
  app.blocked.clear();
  if (config_.transactional()) {
    // The open transaction is lost with the instance (the new one's
    // initTransactions aborts it); its records go into a later one.
    for (auto& [record, r] : app.records)
      if (r.outstanding_send >= 0) {
        r.outstanding_send = -1;
        --app.outstanding_sends;
      }
    app_transaction_lost();
    state_.txn_app.transaction = -1;
    state_.txn_app.completing = false;
    if (config_.consume_process_produce()) {
      // The new instance's consumer has no position: it fetches the group's
      // committed offset at its first poll (input_consumer.cpp).
      TransactionalApp& a = state_.txn_app;
      a.position = -1;
      a.sending_offsets = false;
      a.consumer_closed = false;
    }
    if (!app.send_scheduled) {
      app.send_scheduled = true;
      schedule(state_.now_ms, EventKind::AppSendDue, process_tag());
    }
    return;
  }
  for (auto& [record, r] : app.records) {
    if (r.outstanding_send < 0) continue;
    r.outstanding_send = -1;
    --app.outstanding_sends;
    if (workload_.mode == DeliveryMode::FireAndForget || r.acknowledged) continue;
    if (r.sends <= workload_.max_resends_per_record) {
      app.resend_queue.push_back(record);
    }
  }
  if (!app.send_scheduled) {
    app.send_scheduled = true;
    schedule(state_.now_ms, EventKind::AppSendDue, process_tag());
  }
}

bool World::app_done() const {
  if (config_.transactional()) return app_transactions_done();
  const ApplicationState& app = state_.app;
  return app.next_new_record >= workload_.records && app.resend_queue.empty() && app.blocked.empty() &&
         app.outstanding_sends == 0;
}

}  // namespace kafka_model
