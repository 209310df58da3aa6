// see config.hpp
