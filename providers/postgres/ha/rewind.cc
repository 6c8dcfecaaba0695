#include "providers/postgres/ha/rewind.h"

#include "cluster/layout/naming.h"
#include "cluster/render/replica_config.h"
#include "providers/postgres/node/helper_container.h"
#include "providers/postgres/node/node_readiness.h"
#include "providers/postgres/node/replica_log.h"

namespace pgdecl::pg {

Status rewind_node(NodeContext& context, const std::string& node_name, const std::string& source) {
  const spec::NodeSpec& node = node_spec(context.spec, node_name);
  docker::ContainerConfig config;
  config.name = engine::docker_name(context.spec.name, node.name + "-rewind");
  config.image = context.spec.images.at(node.image).tag;
  config.cmd = {"/bin/sh", "-c", engine::rewind_script(context.spec)};
  config.mounts = {{engine::docker_name(context.spec.name, node.volume), engine::kDataMount}};
  // In the source's own network namespace: it is 127.0.0.1 there.
  config.network_of_container = engine::docker_name(context.spec.name, source);
  config.stop_timeout_seconds = 10;
  const std::string passfile = std::string(engine::kStagingDir).substr(1) + "/rewind/passfile";
  const std::vector<docker::ArchiveFile> files{
      {passfile,
       engine::any_database_passfile(context.sessions.superuser(), context.sessions.password().reveal()),
       0600}};

  auto id = create_helper_container(context, node.name, kRewindHelper, config, {node.volume});
  if (!id) return id.status();
  auto& client = context.docker.client();
  Status rewound = client.upload_archive(*id, "/", files);
  if (rewound) rewound = client.start_container(*id);
  if (rewound) {
    auto code = client.wait_container(*id, context.ready_timeout);
    if (!code) rewound = code.status();
    if (code && *code != 0) {
      rewound = Status::failed("pg_rewind of " + node.name + " from " + source + " failed (exit code " +
                               std::to_string(*code) + "):\n" + last_log_lines(client, *id, 20));
    }
  }
  client.remove_container(*id, true);
  return rewound;
}

}  // namespace pgdecl::pg
