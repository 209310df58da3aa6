// The deterministic simulated world: a discrete-event simulation in virtual
// milliseconds of one producer (client + application), the network and a
// replicated cluster, under an explicit FaultSchedule. Its state is a value
// (WorldState); every random decision goes through the Chooser; what happens
// is recorded in the History. One class, its behaviour split by concern:
//   world.cpp        event loop, faults, healing, the final consumer read
//   producer.cpp     KafkaProducer: RecordAccumulator, Sender, TxnPartitionMap
//   application.cpp the workload: send(), callbacks, re-sends
//   cluster.cpp      brokers: produce handling, replication, ISR, elections
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/chooser.hpp"
#include "model/config.hpp"
#include "model/fault_schedule.hpp"
#include "model/history.hpp"
#include "model/workload.hpp"
#include "model/world_state.hpp"

namespace kafka_model {

// The explorer's identity of a state: hash() with what cannot change the
// future left out (world_hash.cpp says what and why; docs/explorer.md).
// heal_reads_now: World::heal_reads_now(), whether the heal test may read
// now_ms in this state (then it is part of the identity).
std::uint64_t exploration_hash(const WorldState& state, bool heal_reads_now);

class World {
 public:
  World(Configuration config, Workload workload, FaultSchedule schedule, Chooser& chooser,
        ModelParameters parameters = {});

  // Runs to the end: the application is done, faults are healed, replicas
  // have converged and the consumer has read every partition.
  void run();
  // Processes one event; false when the run is over (then the consumer has
  // read). A World is a value: copy it between steps to branch a run.
  bool step();

  const History& history() const { return history_; }
  // The history, moved out at the end of a run (simulate()): a long run's
  // steps are not copied. The world must not step after it.
  History take_history() { return std::move(history_); }
  const WorldState& state() const { return state_; }
  const Configuration& config() const { return config_; }
  bool cut_short() const { return cut_short_; }

  // ---- the exploration hook (properties/explorer.hpp) ---------------------
  // Faults enter an exhaustive exploration as choices between events, not
  // as a schedule fixed up front. inject() applies one so that replaying
  // schedule() (which records it) behaves the same: a timed fault at the
  // next event's time, before that event (a replay's FaultDue at that time
  // precedes it), recorded with that at_ms; a message fault is added for its
  // request ordinal and applies where that message passes.
  // Whether a timed fault may be injected now: the run is not over, faults
  // have not healed, and a replay's FaultDue can fire at this point
  // (injection_time in world.cpp).
  bool can_inject() const;
  std::int64_t injection_time() const;  // the at_ms inject() records; -1 when it cannot
  void inject(Fault fault);
  const FaultSchedule& schedule() const { return schedule_; }
  // How many times a message fault of the schedule has matched a message:
  // the explorer keeps a message fault only if it applied in the step it was
  // injected before.
  std::int64_t message_fault_matches() const { return message_fault_matches_; }
  // Drops the recorded steps (the explorer digests them step by step and
  // rebuilds a counterexample's history by replaying its RunSpec). The world
  // never reads its history, so this changes nothing it does.
  void forget_history() { history_.steps.clear(); }
  // A replay heals only once every scheduled FaultDue has fired, so a fault
  // after the workload finished delays the heal. The explorer's promise that
  // a timed fault will still come does the same: hold_heal() keeps the world
  // from healing until the next inject() of a timed fault. would_heal(): the
  // next step() heals unless held.
  void hold_heal() { heal_held_ = true; }
  bool heal_held() const { return heal_held_; }
  bool would_heal() const;
  // Whether the heal test (quiescent) may read now_ms in this state, so
  // now_ms belongs to the state's identity (exploration_hash): before the
  // heal, with an idle producer (heal() times the settle from it), or with a
  // batch whose heal rule counts time (txn_app_blocked,
  // producer_retries_past_bound).
  bool heal_reads_now() const;
  // Behaviour the WorldState does not hold: a state's identity needs it.
  std::int64_t settle_until() const { return settle_until_; }
  bool ended() const { return ended_; }

 private:
  // ---- world.cpp
  void schedule(std::int64_t at_ms, EventKind kind, std::int64_t a = 0, std::int64_t b = 0);
  void dispatch(const Event& event);
  void apply_fault(const Fault& fault);
  bool finished() const;
  bool txn_app_blocked() const;
  bool producer_retries_past_bound() const;
  bool quiescent() const;  // the application done and the producer idle, or one of the two rules above
  bool converged() const;
  void heal();
  void consumer_read();
  void record_hanging_transactions(const PartitionState& partition, const Replica& leader);
  Step& log_step(StepKind kind, StepNode node);
  std::int64_t network_delay();
  std::int64_t deliver_in_order(int direction, std::int32_t instance, std::int32_t broker, std::int64_t delay_ms);
  const Fault* message_fault(FaultKind kind, std::int64_t request) const;

  // ---- application.cpp
  void app_send_due();
  void app_send(std::int64_t record);
  void app_callback(std::int64_t send, std::int64_t offset, Errors error);
  void app_producer_restarted();
  bool app_done() const;
  std::int64_t record_of_send(std::int64_t send) const;

  // ---- producer_process.cpp: the current producer instance and the zombies
  std::int64_t process_tag() const;  // AppSendDue / SenderWakeup's `a`: the zombie running, or 0
  const ProducerProcess* zombie(std::int32_t instance) const;  // the live zombie `instance`, or nullptr
  ProducerProcess* zombie(std::int32_t instance);
  const ProducerClient* client_of(std::int32_t instance) const;
  void swap_process(ProducerProcess& other);
  void enter_zombie(ProducerProcess& z);
  void leave_zombie(std::size_t index);
  void producer_zombie(std::int64_t duration_ms);
  void zombie_dies(std::int32_t instance);
  // Runs fn as producer instance `instance`: a live zombie's process swapped
  // into the current one's place, otherwise the current instance (which
  // drops what is not its own, as a restarted instance's leftovers are).
  template <class F>
  void as_instance(std::int32_t instance, F&& fn) {
    ProducerProcess* z = state_.zombies.empty() || running_zombie_ ? nullptr : zombie(instance);
    if (z == nullptr) {
      fn();
    } else {
      run_as_zombie(*z, fn);
    }
  }
  // An AppSendDue / SenderWakeup: the current instance's (tag 0), or a
  // zombie's, dropped once that zombie is gone.
  template <class F>
  void as_tagged(std::int64_t tag, F&& fn) {
    if (tag == 0) {
      fn();
    } else if (ProducerProcess* z = zombie(static_cast<std::int32_t>(tag))) {
      run_as_zombie(*z, fn);
    }
  }
  // Runs fn with zombie z's process in the current one's place.
  template <class F>
  void run_as_zombie(ProducerProcess& z, F&& fn) {
    const auto index = static_cast<std::size_t>(&z - state_.zombies.data());
    enter_zombie(z);
    fn();
    leave_zombie(index);
  }

  // ---- producer.cpp
  void producer_start();
  void producer_crash();
  bool producer_append(std::int64_t record, std::int64_t send, std::int32_t partition);
  void sender_run();
  void wake_sender_at(std::int64_t at_ms);
  void sender_expire_batches(const std::map<std::int64_t, std::int64_t>& drained_requests);
  void expire_batch(ClientBatch& batch, std::int64_t request);
  void expire_blocked_sends();
  void sender_maybe_resolve_sequences();
  void sender_bump_epoch_if_needed();
  void sender_handle_timeouts();
  bool sender_send_producer_data();
  std::set<std::int32_t> sender_ready_nodes();
  bool node_ready(std::int32_t broker);
  std::vector<std::int64_t> drain_batches_for_one_node(std::int32_t broker);
  bool should_backoff(ClientBatch& batch);
  void maybe_update_leader_epoch(ClientBatch& batch);
  bool should_stop_drain_batches_for_partition(const ClientBatch& first);
  std::int64_t exponential_backoff(std::int64_t initial_ms, std::int64_t max_ms, std::int64_t attempts,
                                   std::string_view what);
  ProduceRequest build_produce_request(std::int32_t broker, const std::vector<std::int64_t>& batches);
  void transmit_produce_request(const ProduceRequest& request);
  void producer_receive(const ProduceResponse& response);
  void check_response_order(const ProduceResponse& response) const;
  void producer_connection_failed(std::int32_t broker, std::int64_t timed_out_request);
  void complete_batch(ClientBatch& batch, Errors error, std::int64_t base_offset);
  void complete_done_batch(const InFlightRequest& request, std::int64_t batch, Errors error, std::int64_t base_offset);
  bool idempotent_can_retry(const ClientBatch& batch, Errors error);
  void handle_completed_batch(std::int32_t partition, std::int32_t last_sequence, std::int32_t records,
                              std::int64_t base_offset);
  void handle_failed_batch(const ClientBatch& batch, Errors error, bool adjust_sequence_numbers);
  void request_epoch_bump_for_partition(std::int32_t partition);
  void reenqueue(ClientBatch& batch);
  void finish_batch(ClientBatch& batch, std::int64_t base_offset, Errors error);
  void start_sequences_at_beginning(std::int32_t partition);
  void remove_from_in_flight_batches(const ClientBatch& batch);
  std::int32_t choose_partition(std::int64_t record);
  void refresh_metadata();
  void log_sequence_assigned(const ClientBatch& batch, std::string detail);

  // ---- transactional_client.cpp: TransactionManager's requests and the
  // application's transaction loop (Transactions V1, and V2 on 4.0+)
  void txn_init_transactions();
  bool sender_send_transactional_request();
  void txn_abort_undrained_batches();
  void transmit_txn_request(TxnRequest request);
  void txn_client_receive(const TxnResponse& response);
  void txn_fatal_error(Errors error);
  void schedule_app_send_due();
  void txn_batch_failed();
  void txn_sequence_unresolvable();
  void txn_require_epoch_bump();
  void txn_maybe_add_partition(std::int32_t partition);
  bool txn_send_to_partition_allowed(std::int32_t partition) const;
  void app_transaction_due();
  void app_end_transaction(bool commit, std::string why);
  void app_transaction_completed(bool committed);
  void app_transaction_lost();
  bool app_transactions_done() const;
  void txn_requeue(TxnApi api);

  // ---- input_consumer.cpp: the consume-transform-produce application's
  // consumer (Configuration::consume_process_produce)
  void consumer_poll();
  void consumer_close();
  void app_send_offsets_to_transaction();
  void app_offsets_sent();

  // ---- group_coordinator_node.cpp: GroupCoordinator / GroupMetadataManager
  // for the application's group, co-located with the transaction coordinator
  Errors group_txn_offset_commit(const TxnRequest& request);
  void group_complete_txn(std::int64_t producer_id, bool commit);
  void group_commit_offset(std::int64_t offset, const std::string& why);

  // ---- transaction_coordinator_node.cpp: TransactionCoordinator + TransactionMarkerChannelManager
  void coordinator_receive(const TxnRequest& request);
  void coordinator_respond(const TxnResponse& response);
  void coordinator_resume(std::int32_t broker);
  void coordinator_log_state(const std::string& from);
  void coordinator_queue_markers(bool commit);
  void coordinator_tick();
  void coordinator_schedule_timeout_check(std::int64_t after_ms);
  void coordinator_timeout_check(std::int64_t txn_start_ms);
  void coordinator_schedule_tick();
  bool coordinator_idle() const;
  void write_txn_marker(std::int32_t leader, const PendingMarker& marker);
  TransactionCoordinator::Error coordinator_add_partitions(std::int16_t producer_epoch,
                                                           const std::vector<std::int32_t>& partitions,
                                                           std::int64_t transaction);
  std::optional<std::pair<Errors, std::string>> txn_verify_partition(const Replica& replica, const WireBatch& batch);
  std::optional<std::pair<Errors, std::string>> txn_verify_transaction(std::int64_t producer_id,
                                                                       std::int32_t producer_epoch) const;
  std::optional<std::pair<Errors, std::string>> txn_verify_or_add(std::int64_t producer_id, std::int32_t producer_epoch,
                                                                  std::int32_t partition, std::int64_t transaction);
  std::optional<std::pair<Errors, std::string>> txn_verify(std::int64_t producer_id, std::int32_t producer_epoch,
                                                           std::int32_t partition) const;

  // ---- transaction_state_log.cpp: __transaction_state and the coordinator's failover
  void txn_state_setup();
  std::int32_t coordinator_broker() const;
  bool coordinator_loading() const;
  bool coordinator_can_write() const;
  void txn_state_persist();
  void txn_state_broker_crashed(std::int32_t broker);
  void txn_state_broker_restarted(std::int32_t broker);
  void txn_state_elect();
  void coordinator_load();

  // ---- cluster.cpp
  void cluster_start();
  void broker_receive(ProduceRequest request);
  bool client_closed(const ProduceRequest& request) const;
  void broker_read(std::int32_t broker, std::pair<std::int32_t, std::int32_t> connection);
  void broker_read_all(std::int32_t broker);
  void broker_unmute(std::int32_t broker, std::int32_t instance, std::int32_t connection, std::int64_t request);
  void broker_handle(const ProduceRequest& request);
  std::int32_t effective_min_isr(const PartitionState& partition) const;
  PartitionResponse leader_append(BrokerNode& broker, const ProduceRequest& request, const WireBatch& batch,
                                  std::int64_t& required_offset);
  void broker_respond(const ProduceResponse& response);
  Step& log_batch_step(StepKind kind, std::int32_t broker, std::int64_t request, const WireBatch& batch);
  std::int64_t fetch_delay();
  void fetcher_stop(std::int32_t follower, std::int32_t partition);
  void fetcher_send(std::int32_t follower, std::int32_t partition);
  void fetchers_follow_leader(std::int32_t partition);
  void follower_fetch(std::int32_t follower, std::int32_t partition);
  void fetch_respond(std::int32_t follower, std::int32_t partition);
  void fetch_response_arrives(std::int32_t follower, std::int32_t partition);
  void complete_delayed_fetches(std::int32_t broker, std::int32_t partition, bool expired);
  void delayed_fetch_expires(std::int32_t follower, std::int32_t partition);
  void isr_expiration(std::int32_t broker);
  void maybe_shrink_isr(std::int32_t partition);
  void maybe_expand_isr(std::int32_t partition, std::int32_t fetching);
  void isr_changed(std::int32_t partition);
  void maybe_advance_high_watermark(std::int32_t partition);
  void complete_pending(std::int32_t broker);
  void broker_crash(std::int32_t broker);
  void broker_restart(std::int32_t broker);
  void elect_leader(std::int32_t partition);
  void move_leader(std::int32_t partition, std::int32_t to, const std::string& why);
  void become_leader(PartitionState& partition, std::int32_t leader);
  void become_follower(std::int32_t broker, std::int32_t partition);
  void reload_producer_state(Replica& replica) const;
  void remove_expired_producers(std::int32_t broker);
  bool broker_available(std::int32_t broker) const;

  Configuration config_;
  Workload workload_;
  FaultSchedule schedule_;
  Chooser* chooser_;
  ModelParameters parameters_;
  WorldState state_;
  History history_;
  bool cut_short_ = false;
  std::int64_t settle_until_ = -1;
  bool ended_ = false;
  // The exploration hook's bookkeeping (can_inject, inject).
  std::int64_t first_fault_seq_ = 0;      // seq a replay's first FaultDue event gets
  std::int64_t last_dispatch_ms_ = -1;    // time of the last event processed
  mutable std::int64_t message_fault_matches_ = 0;
  bool heal_held_ = false;
  bool running_zombie_ = false;  // a zombie's process is in the current one's place (as_instance)
};

}  // namespace kafka_model
