#include "statemachines/machine_description.hpp"
#include "statemachines/producer_batch_lifecycle.hpp"
#include "statemachines/producer_state_entry.hpp"
#include "statemachines/transaction_coordinator.hpp"
#include "statemachines/transaction_manager.hpp"

namespace kafka_model {

std::vector<MachineDescription> all_machine_descriptions() {
  return {TransactionManager::describe(), ProducerStateEntry::describe(), TransactionCoordinator::describe(),
          ProducerBatchLifecycle::describe()};
}

}  // namespace kafka_model
