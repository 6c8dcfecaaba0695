#include "providers/postgres/session/node_identity.h"

namespace pgdecl::pg {

Result<NodeIdentity> read_node_identity(SqlSession& c) {
  auto rows =
      c.query("SELECT current_setting('cluster_name'), system_identifier::text FROM pg_control_system()");
  if (!rows) return rows.status().with_context("asking the server which node it is");
  if (rows->rows.size() != 1 || rows->rows[0].size() != 2)
    return Status::failed("asking the server which node it is: an answer of another shape");
  return NodeIdentity{rows->rows[0][0].value_or(""), rows->rows[0][1].value_or("")};
}

Status judge_node_identity(const std::string& node, const std::string& address, const NodeIdentity& seen,
                           const std::optional<std::string>& recorded_system_identifier) {
  if (!seen.cluster_name.empty() && seen.cluster_name != node) {
    return Status::failed("the server at " + address + " is node '" + seen.cluster_name +
                          "' (its cluster_name), not '" + node +
                          "': pgdecl does not touch it. Is another server published on that port?");
  }
  if (recorded_system_identifier && seen.system_identifier != *recorded_system_identifier) {
    return Status::failed(
        "the server at " + address + " holds the cluster with system identifier " + seen.system_identifier +
        ", but the state records " + *recorded_system_identifier +
        " for this node: it is not the data pgdecl made (another cluster's server on that port, or a data "
        "directory replaced behind pgdecl's back), and pgdecl does not touch it. Find which server that is; "
        "if its data is now meant to be this node's, `pgdecl apply --replace docker_container." +
        node + "` makes the container again on it and records its identifier");
  }
  return Status::ok();
}

}  // namespace pgdecl::pg
