#pragma once

#include <map>
#include <string>

#include "engine/model/change.h"
#include "engine/model/resource.h"
#include "providers/postgres/config/server_settings.h"

namespace pgdecl::pg {

// A node's settings as a resource. Attributes: the spec's `parameters` as
// the server runs them. Meta: what plans need to compare values (canonical
// form, type, unit, context) for those and every other parameter read, and
// what pgdecl.conf on disk says.
engine::LiveResource settings_to_live(const NodeSettings& now,
                                      const std::map<std::string, std::string>& parameters);

// Adds to `change` how pgdecl.conf on the server differs from `file`, the
// one the spec renders, beyond the parameters already in the change: an
// edit made behind pgdecl's back (waiting for a reload or a restart), a
// line gone, or a parameter the spec no longer sets (it goes back to its
// default). Each is an update of the node's settings, a restart when the
// parameter is read only at start.
void add_file_drift(engine::PlannedChange& change, const std::map<std::string, std::string>& file,
                    const engine::LiveResource& live);

// Adds to `change` what a server on new data needs beyond the differences
// already in it: it starts with each parameter at its fallback (what the
// old server's catalog in `change.before` says it takes when pgdecl.conf
// does not set it), so each value of the spec that differs is set, and one
// read only at start restarts it.
void add_new_data_settings(engine::PlannedChange& change);

// Hides the values of the spec's secret parameters (name → the secret's
// value) in what was read: each shows as spec::kSensitiveValue where it is
// the secret's, else as engine::kDifferentValue. Plans, the state and the
// reasons of a change only ever see what is left.
void hide_secret_settings(NodeSettings& now, const std::map<std::string, std::string>& secrets);

// The value of a meta key, or "".
std::string settings_meta(const engine::LiveResource& live, const std::string& key);

}  // namespace pgdecl::pg
