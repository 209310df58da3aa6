// Implemented by its machine's issue; see transaction_manager.hpp.
