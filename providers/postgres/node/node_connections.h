#pragma once

#include <thread>
#include <vector>

#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// Opens the connection of every node whose container runs, all at once and
// in the background: each costs a SCRAM exchange and a server process, and
// a refresh would otherwise wait for them one after another. A read of a
// node waits for its own connection only (the node's lock is held while it
// opens), so reads of the master begin while the replicas still connect. A
// node that does not answer is left for its resources to report. Joins the
// openers when it goes.
class NodeConnectionOpeners {
 public:
  explicit NodeConnectionOpeners(NodeContext& context);
  ~NodeConnectionOpeners();
  NodeConnectionOpeners(const NodeConnectionOpeners&) = delete;
  NodeConnectionOpeners& operator=(const NodeConnectionOpeners&) = delete;

 private:
  std::vector<std::thread> openers_;
};

}  // namespace pgdecl::pg
