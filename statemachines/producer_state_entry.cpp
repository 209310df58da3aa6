// Implemented by its machine's issue; see producer_state_entry.hpp.
