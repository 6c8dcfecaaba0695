#pragma once

#include <functional>
#include <optional>
#include <string>

#include "engine/model/change.h"
#include "providers/postgres/session/connection.h"

namespace pgdecl::pg {

// What roles and databases share: the spec names them one by one, and
// pgdecl drops one only when the spec says `ensure: absent`.

// The change when presence alone decides it: a server that cannot be asked
// now, an entry gone from the spec (no longer managed; the server keeps
// it), or `ensure: absent`. nullopt: the object is wanted; compare it.
struct PresenceReasons {
  std::string forgotten;  // why an entry left out of the spec stays
  std::string dropped;    // why ensure: absent drops it
};
std::optional<engine::PlannedChange> plan_presence(const Address& address,
                                                   const engine::DesiredResource* desired,
                                                   const engine::LiveResource* live,
                                                   const PresenceReasons& reasons);

// DROP <kind> <name> when it is there; `live` is cleared once it is gone.
Status drop_object(SqlSession& c, const std::string& kind, const std::string& name,
                   std::optional<engine::LiveResource>& live);

// How apply reads and converges one kind of named object on a server.
struct NamedObjectSteps {
  std::string kind;  // ROLE, DATABASE
  std::function<Result<std::optional<engine::LiveResource>>(SqlSession&)> read;
  // Takes the object from `live` (nullopt: not there) to the spec.
  std::function<Status(SqlSession&, const std::optional<engine::LiveResource>& live)> converge;
};

// Carries out `change` to a named object: reads it again, drops it when
// the change deletes or replaces it, converges it to the spec and reads it
// back. `live` is left as the best known object, whatever failed.
Status apply_named_object(SqlSession& c, const engine::PlannedChange& change, const NamedObjectSteps& steps,
                          std::optional<engine::LiveResource>& live);

}  // namespace pgdecl::pg
