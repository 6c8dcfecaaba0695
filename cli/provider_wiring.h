#pragma once

#include <memory>

#include "cluster/spec/model.h"
#include "engine/provider/provider.h"
#include "providers/docker/client.h"
#include "providers/docker/cluster_snapshot.h"
#include "providers/postgres/node/node_context.h"
#include "state/secrets_file.h"
#include "state/state_file.h"

namespace pgdecl::cli {

struct Options;

// Every provider of one run and what they share: the Docker client and
// its snapshot of the cluster, the nodes' sessions, and the context of the
// PostgreSQL providers with the spec's secrets resolved. Built once, for
// one spec, which must outlive it.
struct ProviderWiring {
  std::unique_ptr<docker::Client> client;
  std::unique_ptr<docker::ClusterSnapshot> snapshot;
  std::unique_ptr<pg::NodeSessions> sessions;
  std::unique_ptr<pg::NodeContext> node_context;
  engine::ProviderRegistry providers;

  // Reaches the Docker engine (its API version negotiated) and wires the
  // providers; `superuser_password` signs in to every node.
  static Result<std::unique_ptr<ProviderWiring>> connect(const spec::ClusterSpec& spec,
                                                         const Options& options, const state::State& state,
                                                         state::SecretsFile& secrets,
                                                         Secret superuser_password);
};

}  // namespace pgdecl::cli
