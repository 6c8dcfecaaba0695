#pragma once

#include <nlohmann/json.hpp>

#include "engine/model/resource.h"

namespace pgdecl::engine {

// A provider keeps what it learnt of a live object as one struct of its
// own, converted by nlohmann's to_json/from_json (for instance with
// NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT), so that each fact has
// one name in one place and a type.
// Text read from a server or a container log may not be UTF-8: such bytes
// are kept as U+FFFD rather than failing the read that found them.
template <class Details>
void set_details(LiveResource& live, const Details& details) {
  live.details = nlohmann::json(details).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The provider's record, or Details{} when there is none, or one it cannot
// read (a saved plan edited by hand): a plan made from it then sees nothing
// special, and apply makes its own plan again anyway.
template <class Details>
Details details_of(const LiveResource& live) {
  if (live.details.empty()) return Details{};
  try {
    return nlohmann::json::parse(live.details).get<Details>();
  } catch (const nlohmann::json::exception&) {
    return Details{};
  }
}

}  // namespace pgdecl::engine
