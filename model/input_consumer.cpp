// The consume-transform-produce application's input side
// (Configuration::consume_process_produce): a KafkaConsumer in group.id
// reading one input partition of Workload::records records, input offset i
// transformed into output record i, and how it commits what it consumed.
// Sources: KafkaConsumer / ConsumerCoordinator.java (poll ->
// maybeAutoCommitOffsetsAsync every auto.commit.interval.ms; close ->
// maybeAutoCommitOffsetsSync), KafkaProducer.sendOffsetsToTransaction and
// TransactionManager.sendOffsetsToTransaction (AddOffsetsToTxnHandler, then
// TxnOffsetCommitHandler; the call blocks until the TxnOffsetCommit is
// answered), and the loop of Kafka's examples/ExactlyOnceMessageProcessor
// (poll, send, sendOffsetsToTransaction(consumer.position), commitTransaction;
// after abortTransaction seek back to the last committed positions).
//
// Simplifications (docs/model.md "Transactions"): the input partition is
// static (written before the run, not replicated or faulted: only its
// offsets matter); a poll returns what one transaction sends; a
// ProducerRestart restarts the whole application, consumer included.
#include <fmt/core.h>

#include "model/sim_time.hpp"
#include "model/world.hpp"

namespace kafka_model {

// The start of a transaction's poll. A new instance first fetches the
// group's committed offset: it does so after initTransactions returned, when
// no transaction of its transactional.id is still completing, so the pending
// offsets of the last one have been committed or dropped (the stable offset
// KIP-447's requireStable OffsetFetch waits for). Then auto-commit, if on,
// commits the position consumed so far once auto.commit.interval.ms has
// passed since the last one (ConsumerCoordinator.maybeAutoCommitOffsetsAsync).
void World::consumer_poll() {
  TransactionalApp& a = state_.txn_app;
  if (a.position < 0) {
    a.position = state_.group.committed_offset;
    a.last_auto_commit_ms = state_.now_ms;
  }
  const ConsumerConfig& consumer = config_.consumer;
  if (consumer.enable_auto_commit && state_.now_ms - a.last_auto_commit_ms >= consumer.auto_commit_interval_ms) {
    a.last_auto_commit_ms = state_.now_ms;
    group_commit_offset(a.position, fmt::format("auto-commit in poll, auto.commit.interval.ms={}",
                                                consumer.auto_commit_interval_ms));
  }
}

// The input is done: KafkaConsumer.close(), which with auto-commit commits
// the position synchronously (maybeAutoCommitOffsetsSync).
void World::consumer_close() {
  TransactionalApp& a = state_.txn_app;
  if (a.consumer_closed) return;
  a.consumer_closed = true;
  if (config_.consumer.enable_auto_commit) group_commit_offset(a.position, "auto-commit in close()");
}

// sendOffsetsToTransaction({input: position}, consumer.groupMetadata()):
// AddOffsetsToTxn to the transaction coordinator, then TxnOffsetCommit to
// the group coordinator; the application waits for it to return.
void World::app_send_offsets_to_transaction() {
  TransactionalApp& a = state_.txn_app;
  TransactionalClient& t = state_.txn_client;
  a.sending_offsets = true;
  // Transactions V2 (4.0): no AddOffsetsToTxn; the group coordinator's
  // verification adds __consumer_offsets to the transaction.
  // transactionStarted is set as the TxnOffsetCommit is queued (4.0's
  // sendOffsetsToTransaction), so an abort ends the transaction with EndTxn.
  if (config_.transactions_v2()) {
    t.offset_commit_needed = true;
    t.offsets_added = true;
  } else {
    t.add_offsets_needed = true;
  }
  t.offsets_position = a.position;
  wake_sender_at(state_.now_ms);
}

// TxnOffsetCommit answered: sendOffsetsToTransaction returns.
void World::app_offsets_sent() {
  TransactionalApp& a = state_.txn_app;
  a.sending_offsets = false;
  a.offsets_sent = true;
  a.progress_ms = state_.now_ms;
}

}  // namespace kafka_model
