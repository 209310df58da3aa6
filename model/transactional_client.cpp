// The transactional producer (Kafka 3.9 client, Transactions V1; the 4.0
// client's Transactions V2 when the cluster's transaction.version is 2) and the
// application's transaction loop. Sources: clients/.../producer/KafkaProducer.java
// (initTransactions, beginTransaction, send -> maybeAddPartition,
// commitTransaction, abortTransaction), clients/.../producer/internals/
// TransactionManager.java (the state machine, through the TransactionManager
// machine; nextRequest: AddPartitionsToTxn before EndTxn, EndTxn only once no
// batch is incomplete; isSendToPartitionAllowed; the handlers'
// retriable / abortable / fatal errors; completeTransaction with
// epochBumpRequired re-initialising the producer id), and Sender.java
// (maybeSendAndPollTransactionalRequest: one coordinator request at a time,
// no produce data while it is out; abortUndrainedBatches when aborting).
//
// Transactions V2 (4.0 client, KIP-890 part 2): no AddPartitionsToTxn
// (KAFKA-14563: maybeAddPartition puts the partition straight into
// partitionsInTransaction, the leader adds it at the coordinator); the EndTxn
// response carries the bumped epoch, which the producer adopts with fresh
// sequences (KAFKA-14562, EndTxnHandler); no client-side epoch bump after an
// abortable error (KAFKA-17898: with TV2 only the server bumps the epoch).
//
// The application: initTransactions, then per transaction beginTransaction,
// Workload::records_per_transaction send() calls, then commitTransaction, or
// abortTransaction for every Workload::abort_every-th transaction and after a
// failed send (commitTransaction would throw: KAFKA-9279). The records of an
// aborted transaction are sent again in a later one (at most
// max_resends_per_record times), except fire-and-forget.
#include <fmt/core.h>

#include <algorithm>

#include "model/producer_transactions.hpp"
#include "model/sim_time.hpp"
#include "model/step_text.hpp"
#include "model/world.hpp"

namespace kafka_model {
namespace {

using TmState = TransactionManager::State;

bool coordinator_retriable(Errors e) {
  return e == Errors::COORDINATOR_NOT_AVAILABLE || e == Errors::NOT_COORDINATOR ||
         e == Errors::COORDINATOR_LOAD_IN_PROGRESS || e == Errors::CONCURRENT_TRANSACTIONS;
}

// The application's calls on the producer (KafkaProducer's transactional API).
ProducerTransactions producer_calls(WorldState& s) {
  return ProducerTransactions(s.producer.transaction_manager, s.txn_client, s.producer.producer_id,
                              s.producer.producer_epoch);
}

}  // namespace

// ---- the producer's side ------------------------------------------------------

// KafkaProducer.initTransactions: InitProducerId through the Sender;
// UNINITIALIZED -> INITIALIZING (the application blocks until READY).
void World::txn_init_transactions() {
  ProducerClient& p = state_.producer;
  state_.txn_client = TransactionalClient{};
  producer_calls(state_).init_transactions();
  (void)p;
  wake_sender_at(state_.now_ms);
}

// TransactionManager.isSendToPartitionAllowed: only partitions the
// coordinator has added (V1) may be drained; under V2 every partition of the
// transaction is in partitionsInTransaction from its first send().
bool World::txn_send_to_partition_allowed(std::int32_t partition) const {
  return ProducerTransactions::is_send_to_partition_allowed(state_.producer.transaction_manager, state_.txn_client,
                                                            partition);
}

// TransactionManager.maybeAddPartition (called by every send()). V2: the
// partition is in the transaction at once (the leader adds it at the
// coordinator), and the transaction has started (EndTxn will be sent).
void World::txn_maybe_add_partition(std::int32_t partition) {
  if (producer_calls(state_).send(partition)) return;  // refused: nothing added
  TransactionalClient& t = state_.txn_client;
  if (config_.transactions_v2() && t.new_partitions.erase(partition) > 0) t.partitions_in_transaction.insert(partition);
}

// TransactionManager's epochBumpRequired (KAFKA-17898's
// epochBumpTriggerRequired): an InitProducerId after the abort, V1 only.
// Under V2 the abort's EndTxn bumps the epoch itself.
void World::txn_require_epoch_bump() {
  if (!config_.transactions_v2()) state_.txn_client.epoch_bump_required = true;
}

// RecordAccumulator.abortUndrainedBatches: batches without a sequence are
// failed with TransactionAbortedException; the others are awaited.
void World::txn_abort_undrained_batches() {
  ProducerClient& p = state_.producer;
  std::vector<std::int64_t> undrained;
  for (const auto& [id, batch] : p.batches)
    if (batch.base_sequence < 0 && batch.request < 0) undrained.push_back(id);
  for (std::int64_t id : undrained) {
    ClientBatch& batch = p.batches.at(id);
    std::deque<std::int64_t>& queue = p.accumulator[batch.partition];
    queue.erase(std::remove(queue.begin(), queue.end(), id), queue.end());
    batch.lifecycle.abort();
    finish_batch(batch, -1, Errors::TRANSACTION_ABORTED);
  }
}

// Sender.maybeSendAndPollTransactionalRequest. True: the Sender does not send
// produce data in this round.
bool World::sender_send_transactional_request() {
  ProducerClient& p = state_.producer;
  TransactionalClient& t = state_.txn_client;
  if (t.fenced) return true;
  if (t.request_in_flight) {
    // NetworkClient: a request unanswered for request.timeout.ms is failed as
    // a disconnect (its connection closed) and the handler retries it.
    const std::int64_t deadline = after(t.sent_ms, config_.producer.request_timeout_ms);
    if (state_.now_ms < deadline) {
      wake_sender_at(deadline);
      return true;
    }
    t.request_in_flight = false;
    txn_requeue(t.in_flight_api);
    Step& step = log_step(StepKind::TxnResponseReceived, producer_node(p.instance));
    step.instance = p.instance;
    step.error = Errors::REQUEST_TIMED_OUT;
    step.detail = "no answer within request.timeout.ms: disconnected, retried";
  }
  // requestEpochBumpForPartition on a transactional producer: the transaction
  // must abort, and the epoch is bumped through InitProducerId afterwards.
  if (p.epoch_bump_requested) {
    p.epoch_bump_requested = false;
    p.partitions_to_rewrite.clear();
    txn_require_epoch_bump();
    txn_batch_failed();
  }
  const TmState state = p.transaction_manager.state();
  if (state == TmState::ABORTABLE_ERROR || state == TmState::ABORTING_TRANSACTION) txn_abort_undrained_batches();
  // A commit whose flush saw a failed send: the EndTxn(commit) is failed with
  // the error (maybeTerminateRequestWithError) and the application aborts.
  if (t.end_txn_needed && t.committing && state == TmState::ABORTABLE_ERROR) {
    t.end_txn_needed = false;
    app_end_transaction(false, "commitTransaction failed: a send of the transaction failed (KAFKA-9279)");
  }
  // So is a pending AddOffsetsToTxn / TxnOffsetCommit (maybeTerminateRequestWithError):
  // sendOffsetsToTransaction throws and the application aborts.
  if ((t.add_offsets_needed || t.offset_commit_needed) && state == TmState::ABORTABLE_ERROR) {
    t.add_offsets_needed = t.offset_commit_needed = false;
    state_.txn_app.sending_offsets = false;
    app_end_transaction(false, "sendOffsetsToTransaction failed: a send of the transaction failed");
  }
  if (state_.now_ms < t.retry_at_ms) {
    wake_sender_at(t.retry_at_ms);
    return true;
  }
  TxnRequest request;
  request.instance = p.instance;
  request.producer_id = p.producer_id;
  request.producer_epoch = p.producer_epoch;
  request.transaction = state_.txn_app.transaction;
  if (t.init_needed) {
    request.api = TxnApi::InitProducerId;
  } else if (!t.new_partitions.empty()) {
    request.api = TxnApi::AddPartitionsToTxn;
    request.partitions.assign(t.new_partitions.begin(), t.new_partitions.end());
    t.pending_partitions = t.new_partitions;
    t.new_partitions.clear();
  } else if (t.add_offsets_needed) {
    request.api = TxnApi::AddOffsetsToTxn;
    request.partitions = {kConsumerOffsetsPartition};
    t.add_offsets_needed = false;
  } else if (t.offset_commit_needed) {
    request.api = TxnApi::TxnOffsetCommit;  // to the group coordinator, co-located with the transaction coordinator
    request.offset = t.offsets_position;
    t.offset_commit_needed = false;
  } else if (t.end_txn_needed && p.batches.empty()) {
    request.api = TxnApi::EndTxn;
    request.commit = t.committing;
  } else {
    return false;
  }
  // FindCoordinator: no live broker hosts it, retry after the backoff.
  request.broker = coordinator_broker();
  if (request.broker < 0) {
    txn_requeue(request.api);
    t.retry_at_ms = after(state_.now_ms, config_.producer.retry_backoff_ms);
    wake_sender_at(t.retry_at_ms);
    return true;
  }
  transmit_txn_request(std::move(request));
  return true;
}

void World::transmit_txn_request(TxnRequest request) {
  TransactionalClient& t = state_.txn_client;
  t.request_in_flight = true;
  t.in_flight_api = request.api;
  t.sent_ms = state_.now_ms;
  request.correlation_id = ++t.correlation_id;
  Step& step = log_step(StepKind::TxnRequestSent, producer_node(request.instance));
  step.instance = request.instance;
  step.producer_id = request.producer_id;
  step.producer_epoch = request.producer_epoch;
  step.transaction = request.api == TxnApi::InitProducerId ? -1 : request.transaction;
  std::string what = to_string(request.api);
  if (request.api == TxnApi::AddPartitionsToTxn) {
    std::string parts;
    for (std::int32_t partition : request.partitions) parts += (parts.empty() ? "p" : ",p") + std::to_string(partition);
    what += " [" + parts + "]";
  }
  if (request.api == TxnApi::EndTxn) what += request.commit ? "(commit)" : "(abort)";
  if (request.api == TxnApi::AddOffsetsToTxn) what += " [__consumer_offsets of group.id=" + config_.consumer.group_id + "]";
  if (request.api == TxnApi::TxnOffsetCommit) {
    step.offset = request.offset;
    what += fmt::format(" offset {} (group.id={})", request.offset, config_.consumer.group_id);
  }
  step.broker = request.broker;
  step.detail = what + fmt::format(" to the {}coordinator on broker-{}",
                                   request.api == TxnApi::TxnOffsetCommit ? "group " : "", request.broker);
  const std::int64_t id = state_.next_message++;
  const std::int32_t instance = request.instance;
  const std::int32_t broker = request.broker;
  state_.txn_requests_on_wire.emplace(id, std::move(request));
  schedule(deliver_in_order(2, instance, broker, network_delay()), EventKind::TxnRequestArrives, id);
}

// A request that got no answer, a retriable error, or no coordinator to go
// to: its handler is queued again (TxnRequestHandler.reenqueue).
void World::txn_requeue(TxnApi api) {
  TransactionalClient& t = state_.txn_client;
  if (api == TxnApi::AddPartitionsToTxn) {
    t.new_partitions.insert(t.pending_partitions.begin(), t.pending_partitions.end());
    t.pending_partitions.clear();
  }
  if (api == TxnApi::AddOffsetsToTxn) t.add_offsets_needed = true;
  if (api == TxnApi::TxnOffsetCommit) t.offset_commit_needed = true;
}

// The handlers' handleResponse: InitProducerIdHandler, AddPartitionsToTxnHandler, EndTxnHandler.
void World::txn_client_receive(const TxnResponse& response) {
  ProducerClient& p = state_.producer;
  TransactionalClient& t = state_.txn_client;
  const TxnRequest& request = response.request;
  if (!p.alive || request.instance != p.instance) return;  // the instance that sent it is gone
  if (!t.request_in_flight || request.correlation_id != t.correlation_id) return;  // abandoned after a timeout
  t.request_in_flight = false;
  Step& step = log_step(StepKind::TxnResponseReceived, producer_node(p.instance));
  step.instance = p.instance;
  step.producer_id = response.producer_id >= 0 ? response.producer_id : request.producer_id;
  step.producer_epoch = response.producer_id >= 0 ? response.producer_epoch : request.producer_epoch;
  step.transaction = request.api == TxnApi::InitProducerId ? -1 : request.transaction;
  step.detail = to_string(request.api);
  if (response.error != Errors::NONE) step.error = response.error;
  wake_sender_at(state_.now_ms);
  if (coordinator_retriable(response.error)) {
    txn_requeue(request.api);  // AddPartitionsToTxn: retried with whatever is new since
    // AddPartitionsToTxnHandler.maybeOverrideRetryBackoffMs: the first
    // AddPartitionsToTxn of a transaction refused CONCURRENT_TRANSACTIONS (the
    // previous one is still completing) retries after min(20 ms, retry.backoff.ms).
    std::int64_t backoff = config_.producer.retry_backoff_ms;
    if (request.api == TxnApi::AddPartitionsToTxn && response.error == Errors::CONCURRENT_TRANSACTIONS &&
        t.partitions_in_transaction.empty())
      backoff = std::min<std::int64_t>(20, backoff);
    t.retry_at_ms = after(state_.now_ms, backoff);
    wake_sender_at(t.retry_at_ms);
    return;
  }
  // AddPartitionsToTxnHandler: UNKNOWN_PRODUCER_ID is abortableErrorIfPossible
  // (a 3.9 coordinator can bump the epoch: the abort is followed by
  // InitProducerId). Kafka returns before removing the partitions from the
  // pending set, but none of them is ever drained and the transaction has
  // not started (transactionStarted): the model forgets them, so the abort
  // completes without EndTxn (TransactionManager.nextRequest).
  if (request.api == TxnApi::AddPartitionsToTxn && response.error == Errors::UNKNOWN_PRODUCER_ID) {
    t.pending_partitions.clear();
    t.epoch_bump_required = true;
    producer_calls(state_).transition_to_abortable_error(response.error);
    schedule_app_send_due();
    return;
  }
  if (response.error != Errors::NONE) {
    txn_fatal_error(response.error);
    return;
  }
  state_.txn_app.progress_ms = state_.now_ms;
  switch (request.api) {
    case TxnApi::InitProducerId: {
      // setProducerIdAndEpoch, READY; an epoch bump resets the sequence numbers.
      p.producer_id = response.producer_id;
      p.producer_epoch = response.producer_epoch;
      p.sequences.clear();
      t.init_needed = false;
      t.epoch_bump_required = false;
      state_.txn_app.progress_ms = state_.now_ms;
      p.transaction_manager.transition_to(TmState::READY, TransactionManager::Origin::Sender);
      Step& assigned = log_step(StepKind::ProducerIdAssigned, producer_node(p.instance));
      assigned.instance = p.instance;
      assigned.producer_id = p.producer_id;
      assigned.producer_epoch = p.producer_epoch;
      assigned.detail = "InitProducerId (transactional.id=" + config_.producer.transactional_id + ")";
      break;
    }
    case TxnApi::AddPartitionsToTxn:
      t.partitions_in_transaction.insert(t.pending_partitions.begin(), t.pending_partitions.end());
      t.pending_partitions.clear();
      break;
    case TxnApi::AddOffsetsToTxn:  // AddOffsetsToTxnHandler: the TxnOffsetCommit follows; transactionStarted
      t.offsets_added = true;
      t.offset_commit_needed = true;
      break;
    case TxnApi::TxnOffsetCommit:
      app_offsets_sent();
      break;
    case TxnApi::EndTxn: {
      // completeTransaction: READY, or INITIALIZING when an epoch bump is required.
      const bool committed = request.commit;
      // EndTxnHandler (V2, EndTxn v5+): the response's producer id and
      // bumped epoch replace the producer's (setProducerIdAndEpoch), and the
      // sequences start again at 0 (resetSequenceNumbers).
      if (response.producer_id >= 0) {
        p.producer_id = response.producer_id;
        p.producer_epoch = response.producer_epoch;
        p.sequences.clear();
      }
      t.end_txn_needed = false;
      t.offsets_added = false;
      t.partitions_in_transaction.clear();
      t.new_partitions.clear();
      t.pending_partitions.clear();
      if (t.epoch_bump_required) {
        p.transaction_manager.transition_to(TmState::INITIALIZING, TransactionManager::Origin::Sender);
        t.init_needed = true;
      } else {
        p.transaction_manager.transition_to(TmState::READY, TransactionManager::Origin::Sender);
      }
      app_transaction_completed(committed);
      break;
    }
  }
  schedule_app_send_due();
}

// The application runs again now (it was blocked in a call that returned).
void World::schedule_app_send_due() {
  if (state_.app.send_scheduled) return;
  state_.app.send_scheduled = true;
  schedule(state_.now_ms, EventKind::AppSendDue, process_tag());
}

// A fatal error (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH, INVALID_TXN_STATE
// from the coordinator): the producer is unusable; the application closes it
// and creates a new one (whose initTransactions fences whatever is left).
void World::txn_fatal_error(Errors error) {
  ProducerClient& p = state_.producer;
  state_.txn_client.fenced = true;
  // The handlers raise INVALID_PRODUCER_EPOCH as ProducerFencedException
  // (fatalError(Errors.PRODUCER_FENCED.exception())).
  const Errors raised = error == Errors::INVALID_PRODUCER_EPOCH ? Errors::PRODUCER_FENCED : error;
  producer_calls(state_).transition_to_fatal_error(raised);
  Step& step = log_step(StepKind::TransactionEnded, "app");
  step.instance = p.instance;
  step.transaction = state_.txn_app.transaction;
  step.error = error;
  const char* exception = raised == Errors::PRODUCER_FENCED     ? "ProducerFencedException"
                          : raised == Errors::INVALID_TXN_STATE ? "InvalidTxnStateException"
                                                                : "KafkaException";
  step.detail = fmt::format("fatal ({}): {}", exception,
                            running_zombie_ ? "the zombie instance closes its producer and stops"
                                            : "the application closes the producer and creates a new one");
  producer_crash();
  // A zombie fenced by its replacement stops: the replacement is the
  // application now (producer_process.cpp).
  if (running_zombie_) return;
  producer_start();
  app_producer_restarted();
}

// A batch of the transaction failed: TransactionManager.maybeTransitionToErrorState
// -> an epoch bump after the abort unless the transaction is already
// completing (canBumpEpoch: a 3.9 coordinator supports it), and
// ABORTABLE_ERROR (transitionToAbortableError skips it while aborting).
void World::txn_batch_failed() {
  TransactionManager& tm = state_.producer.transaction_manager;
  wake_sender_at(state_.now_ms);  // the Sender fails a pending commit and the application aborts
  if (tm.state() != TmState::COMMITTING_TRANSACTION && tm.state() != TmState::ABORTING_TRANSACTION)
    txn_require_epoch_bump();
  if (tm.state() == TmState::IN_TRANSACTION || tm.state() == TmState::COMMITTING_TRANSACTION)
    producer_calls(state_).transition_to_abortable_error(Errors::NONE);
}

// maybeResolveSequences, transactional branch: every in-flight batch of a
// partition expired unacknowledged; the epoch must be bumped (after the abort).
void World::txn_sequence_unresolvable() {
  txn_require_epoch_bump();
  txn_batch_failed();
}

// ---- the application ------------------------------------------------------------

void World::app_transaction_due() {
  ApplicationState& app = state_.app;
  TransactionalApp& a = state_.txn_app;
  const ProducerClient& p = state_.producer;
  app.send_scheduled = false;
  if (!p.alive || a.completing || a.sending_offsets || state_.txn_client.fenced) return;
  const TmState state = p.transaction_manager.state();
  // Consume-transform-produce: the next records are the input from the position.
  const bool consuming = config_.consume_process_produce();
  auto more_input = [&] {
    return consuming ? a.position < workload_.records
                     : !app.resend_queue.empty() || app.next_new_record < workload_.records;
  };
  if (a.transaction < 0) {
    if (state != TmState::READY) return;  // initTransactions still blocking
    if (consuming) consumer_poll();
    if (!more_input()) {  // done
      if (consuming) consumer_close();
      return;
    }
    producer_calls(state_).begin_transaction();
    a.transaction = state_.next_transaction++;
    a.records.clear();
    a.sends = 0;
    a.send_failed = false;
    a.transaction_start = a.position;
    a.offsets_sent = false;
    Step& step = log_step(StepKind::TransactionBegun, "app");
    step.instance = p.instance;
    step.transaction = a.transaction;
    step.detail = "beginTransaction";
    if (consuming) {
      step.offset = a.position;
      step.detail += fmt::format(" (input polled from offset {})", a.position);
    }
  }
  if (state_.producer.transaction_manager.state() == TmState::IN_TRANSACTION &&
      a.sends < workload_.records_per_transaction && more_input()) {
    std::int64_t record = -1;
    if (consuming) {
      record = a.position++;  // input offset i -> output record i
    } else if (!app.resend_queue.empty()) {
      record = app.resend_queue.front();
      app.resend_queue.pop_front();
    } else {
      record = app.next_new_record++;
    }
    a.records.push_back(record);
    ++a.sends;
    app_send(record);
    app.send_scheduled = true;
    schedule(after(state_.now_ms, workload_.send_interval_ms), EventKind::AppSendDue, process_tag());
    return;
  }
  const bool chosen = workload_.abort_every > 0 && (a.transaction + 1) % workload_.abort_every == 0;
  if (state_.producer.transaction_manager.state() == TmState::ABORTABLE_ERROR || a.send_failed) {
    app_end_transaction(false, "commitTransaction failed: a send of the transaction failed (KAFKA-9279)");
  } else if (config_.sends_offsets_to_transaction() && !a.offsets_sent) {
    app_send_offsets_to_transaction();  // commitTransaction (or abortTransaction) once it returns
  } else if (chosen) {
    app_end_transaction(false, fmt::format("abortTransaction: the application aborts this one (abort_every={})",
                                           workload_.abort_every));
  } else {
    app_end_transaction(true, "commitTransaction");
  }
}

// commitTransaction / abortTransaction: the TransactionManager moves to
// COMMITTING_TRANSACTION / ABORTING_TRANSACTION and the Sender flushes, then
// sends EndTxn (or completes at once when no partition was added).
void World::app_end_transaction(bool commit, std::string why) {
  TransactionalApp& a = state_.txn_app;
  TransactionalClient& t = state_.txn_client;
  ProducerClient& p = state_.producer;
  a.completing = true;
  if (commit) producer_calls(state_).commit_transaction();
  else producer_calls(state_).abort_transaction();
  Step& step = log_step(StepKind::TransactionEnding, "app");
  step.instance = p.instance;
  step.transaction = a.transaction;
  step.detail = std::move(why);
  if (t.partitions_in_transaction.empty() && t.pending_partitions.empty() && t.new_partitions.empty() &&
      !t.offsets_added) {
    // Nothing reached the coordinator: completeTransaction without EndTxn
    // (nextRequest, !transactionStarted): READY, or INITIALIZING and
    // InitProducerId when an epoch bump is required.
    if (!commit) txn_abort_undrained_batches();
    if (p.batches.empty()) {
      if (t.epoch_bump_required) {
        p.transaction_manager.transition_to(TmState::INITIALIZING);
        t.init_needed = true;
        wake_sender_at(state_.now_ms);
      } else {
        p.transaction_manager.transition_to(TmState::READY);
      }
      app_transaction_completed(commit);
      schedule_app_send_due();
      return;
    }
  }
  t.end_txn_needed = true;
  wake_sender_at(state_.now_ms);
}

void World::app_transaction_completed(bool committed) {
  ApplicationState& app = state_.app;
  TransactionalApp& a = state_.txn_app;
  Step& step = log_step(StepKind::TransactionEnded, "app");
  step.instance = state_.producer.instance;
  step.transaction = a.transaction;
  step.detail = committed ? "committed" : "aborted";
  if (!committed) app_transaction_lost();
  a.progress_ms = state_.now_ms;
  a.transaction = -1;
  a.completing = false;
  a.records.clear();
  (void)app;
}

// The transaction's records did not commit: sent again in a later one. A
// consume-transform-produce application seeks its consumer back to where the
// transaction's poll began (with sendOffsetsToTransaction, the group's
// committed offset: ExactlyOnceMessageProcessor.resetToLastCommittedPositions)
// and processes that input again.
void World::app_transaction_lost() {
  ApplicationState& app = state_.app;
  TransactionalApp& a = state_.txn_app;
  if (config_.consume_process_produce()) {
    for (std::int64_t record : a.records) app.records[record].acknowledged = false;
    a.position = a.transaction_start;
    a.offsets_sent = false;
    a.records.clear();
    return;
  }
  for (std::int64_t record : a.records) {
    AppRecord& r = app.records[record];
    r.acknowledged = false;
    if (std::find(app.resend_queue.begin(), app.resend_queue.end(), record) != app.resend_queue.end()) continue;
    if (workload_.mode == DeliveryMode::FireAndForget) continue;
    if (r.sends <= workload_.max_resends_per_record) {
      app.resend_queue.push_back(record);
    }
  }
  a.records.clear();
}

// The application has made no progress (no coordinator request answered, no
// send acknowledged, no transaction returned) and waited on the coordinator for max.block.ms (after
// which KafkaProducer's blocking calls throw TimeoutException): in
// initTransactions, or behind CONCURRENT_TRANSACTIONS while a partition the
// previous transaction's marker must go to is offline, or with no broker
// alive, and no batch can move (none in flight, every one on a partition not
// yet added to the transaction), or with the coordinator unable to answer
// at all (its __transaction_state partition offline or below
// transaction.state.log.min.isr: every transactional request is refused
// retriably, and the Sender sends no data while one is pending,
// Sender.runOnce -> maybeSendAndPollTransactionalRequest). The faults may
// heal then though the application is not done; it goes on after the heal.
bool World::txn_app_blocked() const {
  if (!config_.transactional() || app_done()) return false;
  if (state_.now_ms - state_.txn_app.progress_ms < config_.producer.max_block_ms) return false;
  if (!coordinator_can_write()) return true;  // no leader, or below min.isr
  if (!state_.producer.in_flight.empty()) return false;
  return std::none_of(state_.producer.batches.begin(), state_.producer.batches.end(), [&](const auto& b) {
    return txn_send_to_partition_allowed(b.second.partition);
  });
}

bool World::app_transactions_done() const {
  const ApplicationState& app = state_.app;
  const TransactionalApp& a = state_.txn_app;
  const bool input_done = config_.consume_process_produce() ? a.consumer_closed
                                                             : app.next_new_record >= workload_.records;
  return input_done && app.resend_queue.empty() && app.blocked.empty() &&
         app.outstanding_sends == 0 &&
         a.transaction < 0 && !a.completing && !state_.txn_client.init_needed &&
         !state_.txn_client.request_in_flight;
}

}  // namespace kafka_model
