// Shared Boost.MSM plumbing for the machines. Include ONLY from a machine's
// own .cpp (compiled as C++17): no MSM type may leak into a facade header.
//
// Conventions every machine follows (they are what this header relies on):
// - every state, event, guard and action type has
//     static constexpr const char* name = "...";
//   using Kafka's spelling (states: READY, Ongoing, ...; events: past tense
//   or Kafka's request names; guards and actions read as English);
// - the front-end derives from KafkaMachineDef<Front>, which records a
//   rejected event in no_transition instead of asserting (Debug) or dropping
//   it silently (Release); the facade reports the rejection after
//   process_event returns. Nothing is ever thrown from inside a machine;
// - rows are msm::front::Row<Source, Event, Target, Action, Guard>, grouped by
//   source state; Target = msm::front::none is an internal transition.
#pragma once

#ifndef BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#error "statemachines/ must be built with BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS (see statemachines/CMakeLists.txt)"
#endif

#include <boost/mpl/for_each.hpp>
#include <boost/msm/back/metafunctions.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/euml/operator.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "statemachines/machine_description.hpp"

namespace kafka_model::detail {

namespace msmf = boost::msm::front;

// The event a machine refused, and the state it was in.
struct Rejection {
  std::string event;
  int state_id = -1;
};

template <class Front>
struct KafkaMachineDef : msmf::state_machine_def<Front> {
  // Hides state_machine_def::no_transition, which asserts in Debug builds.
  template <class Fsm, class Event>
  void no_transition(Event const&, Fsm&, int state) {
    rejection = Rejection{Event::name, state};
  }
  std::optional<Rejection> rejection;
};

// Several actions on one row, run in order: Do<ResetForNewEpoch, AppendBatch>.
template <class... Actions>
using Do = msmf::ActionSequence_<boost::mpl::vector<Actions...>>;

// Processes one event and returns the rejection, if the table had no row for
// it (or every row's guard said no) in the current state.
template <class Backend, class Event>
std::optional<Rejection> process(Backend& fsm, Event const& event) {
  fsm.rejection.reset();
  const int state = fsm.current_state()[0];
  // When rows exist for the event but every guard says no, MSM returns
  // HANDLED_GUARD_REJECT without calling no_transition (Boost 1.74).
  if (fsm.process_event(event) == boost::msm::back::HANDLED_GUARD_REJECT && !fsm.rejection)
    fsm.rejection = Rejection{Event::name, state};
  return fsm.rejection;
}

// ---- names of table elements, including composed guards/actions ----------
template <class T>
struct NameOf {
  static std::string get() { return T::name; }
};
template <>
struct NameOf<msmf::none> {
  static std::string get() { return ""; }
};
template <class A, class B>
struct NameOf<msmf::euml::And_<A, B>> {
  static std::string get() { return NameOf<A>::get() + " && " + NameOf<B>::get(); }
};
template <class A, class B>
struct NameOf<msmf::euml::Or_<A, B>> {
  static std::string get() { return "(" + NameOf<A>::get() + " || " + NameOf<B>::get() + ")"; }
};
template <class A>
struct NameOf<msmf::euml::Not_<A>> {
  static std::string get() { return "!" + NameOf<A>::get(); }
};
template <class Sequence>
struct NameOf<msmf::ActionSequence_<Sequence>> {
  static std::string get() {
    std::string out;
    boost::mpl::for_each<Sequence, Wrap<boost::mpl::placeholders::_1>>([&out](auto w) {
      using A = typename decltype(w)::wrapped;
      out += (out.empty() ? "" : ", ") + NameOf<A>::get();
    });
    return out;
  }
  template <class T>
  struct Wrap {
    using wrapped = T;  // not "type": MPL would unwrap it
  };
};

template <class T>
struct TypeTag {
  using wrapped = T;  // not "type": MPL would unwrap it
};

// State names indexed by MSM state id (the order the table introduces them).
template <class Backend>
std::vector<std::string> state_names() {
  using Stt = typename Backend::stt;
  using States = typename boost::msm::back::generate_state_set<Stt>::type;
  std::vector<std::string> names(boost::mpl::size<States>::value);
  boost::mpl::for_each<States, TypeTag<boost::mpl::placeholders::_1>>([&names](auto tag) {
    using S = typename decltype(tag)::wrapped;
    names[boost::msm::back::get_state_id<Stt, S>::type::value] = S::name;
  });
  return names;
}

// Maps MSM state ids to a facade's enum by name, once per machine type, so
// the enum's order need not follow the order MSM numbers states in.
template <class Backend, class Enum>
Enum state_enum(int state_id, const char* (*name_of)(Enum), int enum_count) {
  static const std::vector<Enum> by_id = [&] {
    std::vector<std::string> names = state_names<Backend>();
    std::vector<Enum> table(names.size());
    for (std::size_t id = 0; id < names.size(); ++id)
      for (int e = 0; e < enum_count; ++e)
        if (names[id] == name_of(static_cast<Enum>(e))) table[id] = static_cast<Enum>(e);
    return table;
  }();
  return by_id.at(static_cast<std::size_t>(state_id));
}

// A row's target name; "" for an internal row (Row<S, E, none, ...>), which
// MSM types with Target = Source and tags a_irow/g_irow/irow/_irow.
template <class R>
std::string target_name() {
  using Tag = typename R::row_type_tag;
  constexpr bool internal = std::is_same<Tag, boost::msm::a_irow_tag>::value ||
                            std::is_same<Tag, boost::msm::g_irow_tag>::value ||
                            std::is_same<Tag, boost::msm::irow_tag>::value ||
                            std::is_same<Tag, boost::msm::_irow_tag>::value;
  return internal ? std::string() : NameOf<typename R::Target>::get();
}

// Walks the transition table: the single source of every diagram.
template <class Backend>
MachineDescription describe_table(std::string name, std::string kafka_class, std::string summary) {
  MachineDescription d;
  d.name = std::move(name);
  d.kafka_class = std::move(kafka_class);
  d.summary = std::move(summary);
  d.states = state_names<Backend>();
  d.initial_state = NameOf<typename Backend::initial_state>::get();
  using Table = typename Backend::transition_table;
  boost::mpl::for_each<Table, TypeTag<boost::mpl::placeholders::_1>>([&d](auto tag) {
    using R = typename decltype(tag)::wrapped;
    d.rows.push_back(TransitionRow{NameOf<typename R::Source>::get(), NameOf<typename R::Evt>::get(),
                                   target_name<R>(), NameOf<typename R::Action>::get(),
                                   NameOf<typename R::Guard>::get()});
  });
  return d;
}

}  // namespace kafka_model::detail
