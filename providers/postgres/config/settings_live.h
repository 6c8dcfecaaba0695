#pragma once

#include <map>
#include <string>

#include "engine/model/change.h"
#include "engine/model/details.h"
#include "engine/model/resource.h"
#include "providers/postgres/config/server_settings.h"

namespace pgdecl::pg {

// What plans compare one parameter's values with, as the server has it.
struct ParameterFacts {
  std::string display;    // as SHOW prints it
  std::string canonical;  // see canonical_setting
  std::string vartype, unit;
  std::string context;   // postmaster: read only at start
  std::string fallback;  // what it takes when pgdecl.conf does not set it
  bool set_by_alter_system = false;
  std::string alter_system_value = {};
  bool pending_restart = false;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ParameterFacts, display, canonical, vartype, unit, context,
                                                fallback, set_by_alter_system, alter_system_value,
                                                pending_restart)

// The details of a node's settings: every parameter read, and what
// pgdecl.conf on disk sets (empty: it is missing or sets nothing).
struct SettingsFacts {
  std::map<std::string, ParameterFacts> parameters;
  std::map<std::string, std::string> pgdecl_conf;

  // The parameter's facts, or empty ones when it was not read.
  const ParameterFacts& parameter(const std::string& name) const;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SettingsFacts, parameters, pgdecl_conf)

// A node's settings as a resource. Attributes: the spec's `parameters` as
// the server runs them. Details: SettingsFacts.
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

}  // namespace pgdecl::pg
