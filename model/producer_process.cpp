// The producer processes: the current application instance and the replaced
// ones still running (FaultKind::ProducerZombie). A zombie is the instance
// its replacement was started for (a paused JVM, a partitioned host, a pod
// the orchestrator presumed dead) that goes on sending, retrying and
// committing: what KIP-98's fencing by transactional.id exists for ("zombie
// instances", TransactionManager / TransactionCoordinator.handleInitProducerId
// bumping the epoch). Each process is a value (ProducerProcess); the world
// runs a zombie's events with its process swapped into the current one's
// place, so the client, application and transactional code serve any
// instance unchanged.
#include <fmt/core.h>

#include <stdexcept>
#include <utility>

#include "model/sim_time.hpp"
#include "model/world.hpp"

namespace kafka_model {

std::int64_t World::process_tag() const { return running_zombie_ ? state_.producer.instance : 0; }

const ProducerProcess* World::zombie(std::int32_t instance) const {
  for (const ProducerProcess& z : state_.zombies)
    if (z.producer.instance == instance && z.producer.alive) return &z;
  return nullptr;
}

ProducerProcess* World::zombie(std::int32_t instance) {
  return const_cast<ProducerProcess*>(std::as_const(*this).zombie(instance));
}

// The live client of `instance`, wherever it is (the current place or the
// zombies: while a zombie runs they hold each other's process), or nullptr
// once the instance is gone.
const ProducerClient* World::client_of(std::int32_t instance) const {
  if (state_.producer.alive && state_.producer.instance == instance) return &state_.producer;
  const ProducerProcess* z = zombie(instance);
  return z == nullptr ? nullptr : &z->producer;
}

void World::swap_process(ProducerProcess& other) {
  std::swap(state_.producer, other.producer);
  std::swap(state_.txn_client, other.txn_client);
  std::swap(state_.txn_app, other.txn_app);
  std::swap(state_.app, other.app);
  std::swap(state_.wakeups, other.wakeups);
}

void World::enter_zombie(ProducerProcess& z) {
  if (running_zombie_) throw std::logic_error("model bug: a zombie's event ran another producer instance");
  swap_process(z);
  running_zombie_ = true;
}

// Back to the current instance; a zombie that died meanwhile (its crash, or
// a fatal error such as PRODUCER_FENCED) is gone for good.
void World::leave_zombie(std::size_t index) {
  running_zombie_ = false;
  swap_process(state_.zombies[index]);
  if (!state_.zombies[index].producer.alive)
    state_.zombies.erase(state_.zombies.begin() + static_cast<std::ptrdiff_t>(index));
}

// FaultKind::ProducerZombie: the application starts a new instance (the same
// transactional.id, if any: its initTransactions fences the old epoch) while
// the old one keeps running for duration_ms. The old process keeps
// everything: its accumulator, requests, open transaction, application loop
// and the events scheduled for it, which are copied for it (the current
// instance's copies stay, as a restarted instance's do). The new instance
// knows what the old one had acknowledged when it was replaced, no more, and
// re-sends the rest (app_producer_restarted), as ProducerRestart's does.
void World::producer_zombie(std::int64_t duration_ms) {
  const std::int32_t old_instance = state_.producer.instance;
  ProducerProcess old{state_.producer, state_.txn_client, state_.txn_app, state_.app, state_.wakeups};
  std::vector<Event> own;
  for (const Event& e : state_.queue)
    if ((e.kind == EventKind::AppSendDue || e.kind == EventKind::SenderWakeup) && e.a == 0) own.push_back(e);
  for (const Event& e : own) schedule(e.time_ms, e.kind, old_instance, e.b);
  state_.zombies.push_back(std::move(old));
  const std::int64_t dies_ms = after(state_.now_ms, duration_ms);
  schedule(dies_ms, EventKind::ProducerZombieDies, old_instance);
  ++state_.pending_faults;  // the faults heal once the zombie is gone
  Step& step = log_step(StepKind::ProducerZombie, producer_node(old_instance));
  step.instance = old_instance;
  step.detail = fmt::format("replaced by a new instance, it keeps running until {}ms", dies_ms);
  producer_start();
  app_producer_restarted();
}

void World::zombie_dies(std::int32_t instance) {
  // Not there: it died already (fenced).
  if (ProducerProcess* z = zombie(instance)) run_as_zombie(*z, [&] { producer_crash(); });
}

}  // namespace kafka_model
