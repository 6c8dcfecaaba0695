#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/session.h"
#include "cluster/layout/naming.h"
#include "providers/docker/client.h"
#include "providers/postgres/node/client_uris.h"

namespace pgdecl::cli {
namespace {

// What `pgdecl output` can print, by name: read from Docker now, so a port
// Docker picked is the one it has today.
Result<std::map<std::string, std::string>> read_outputs(const spec::ClusterSpec& spec,
                                                        const Options& options) {
  docker::Client client(docker::make_curl_transport(spec.docker.host));
  if (auto s = client.negotiate_version(); !s) return s;
  docker::ClusterSnapshot snapshot(client, spec.name);
  auto endpoints = pg::client_endpoints(snapshot, spec);
  if (!endpoints) return endpoints.status();
  if (endpoints->empty()) {
    return Status::failed("no node of cluster " + spec.name +
                          " can be reached now: none runs, and none has a fixed port; run pgdecl apply");
  }
  const pg::ClientUris uris = pg::client_uris(*endpoints, options.output_database);
  // Inside the cluster's network the primary has a name of its own, which
  // pgdecl moves with it.
  return std::map<std::string, std::string>{{"network_primary_host", engine::read_write_alias(spec.name)},
                                            {"primary_uri", uris.read_write},
                                            {"read_only_uri", uris.read_only}};
}

}  // namespace

int command_output(const Options& options) {
  auto spec = load_spec_reporting(options.spec_file);
  if (!spec) return kExitError;
  auto outputs = read_outputs(*spec, options);
  if (!outputs) {
    print_error(outputs.status().message());
    return kExitError;
  }
  if (!options.output_name.empty()) {
    auto found = outputs->find(options.output_name);
    if (found == outputs->end()) {
      print_error("no output named " + options.output_name +
                  " (there are network_primary_host, primary_uri and read_only_uri)");
      return kExitError;
    }
    // As `terraform output -raw`: the bare value, for a script to use.
    std::cout << found->second << "\n";
    return kExitOk;
  }
  if (options.json) {
    // Terraform's `output -json` shape.
    nlohmann::json json = nlohmann::json::object();
    for (const auto& [name, value] : *outputs)
      json[name] = {{"sensitive", false}, {"type", "string"}, {"value", value}};
    std::cout << json.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& [name, value] : *outputs) std::cout << name << " = \"" << value << "\"\n";
  return kExitOk;
}

}  // namespace pgdecl::cli
