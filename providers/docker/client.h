#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "providers/docker/transport.h"

namespace pgdecl::docker {

using Labels = std::map<std::string, std::string>;

// What pgdecl reads at most from a container: whatever runs in it cannot
// make pgdecl hold more.
inline constexpr size_t kMaxFileBytes = 8 * 1024 * 1024;        // read_file
inline constexpr size_t kMaxExecOutputBytes = 4 * 1024 * 1024;  // exec, stdout and stderr together
inline constexpr size_t kMaxLogBytes = 1024 * 1024;             // container_logs
// A pull or a build may take long, but not forever.
inline constexpr std::chrono::minutes kImageTimeout{30};

struct NetworkInfo {
  std::string id;
  std::string name;
  std::optional<std::string> subnet;  // first IPAM config's subnet
  Labels labels;
};

struct VolumeInfo {
  std::string name;
  std::string mountpoint;
  Labels labels;
};

struct ImageInfo {
  std::string id;  // sha256:...
  std::vector<std::string> tags;
  Labels labels;
};

struct PortBinding {
  std::string host_ip = "127.0.0.1";
  int host_port = 0;  // 0 on create: Docker picks; read back by inspect/list
};

struct ContainerInfo {
  std::string id;
  std::string name;      // without the leading slash
  std::string image;     // the reference it was created from
  std::string image_id;  // sha256:...
  std::string state;     // created | running | exited | paused | restarting | dead
  bool running() const { return state == "running"; }
  Labels labels;
  std::optional<PortBinding> published;  // binding of the container's 5432/tcp
  std::vector<std::string> networks;     // network names
  std::vector<std::string> volumes;      // names of mounted named volumes
  std::vector<std::string> binds;        // host paths bind-mounted into it
  std::string restart_policy;            // "no", "unless-stopped", ...; empty when listed, not inspected
  std::string finished_at;               // when it last stopped (RFC 3339); inspected only
};

struct VolumeMount {
  std::string volume;  // a named volume, or with `bind` an absolute host path
  std::string target;
  bool bind = false;
  bool read_only = false;
};

struct ContainerConfig {
  std::string name;
  std::string image;
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // never a secret: it shows in docker inspect
  std::string user;              // empty: the image's
  Labels labels;
  std::vector<VolumeMount> mounts;
  int container_port = 5432;
  std::optional<PortBinding> publish;
  std::string network;
  std::vector<std::string> network_aliases;
  // Instead of a network: share this container's network namespace. Docker
  // wires no interface for it, which makes starting it several times faster.
  std::string network_of_container;
  std::string stop_signal = "SIGINT";  // PostgreSQL's fast shutdown
  int stop_timeout_seconds = 30;
  std::string restart_policy;  // empty: Docker's "no"
};

struct BuildRequest {
  std::string context_dir;
  std::string dockerfile = "Dockerfile";
  std::string tag;
  std::map<std::string, std::string> args;
  Labels labels;
};

struct ExecResult {
  int exit_code = -1;
  std::string out;  // demultiplexed stdout
  std::string err;  // demultiplexed stderr
};

struct ArchiveFile {
  std::string name;  // path inside the archive, relative
  std::string content;
  int mode = 0644;
  int uid = 0;  // owner inside the container (root unless set)
  int gid = 0;
};

// Progress lines of a pull or build ("Step 2/3", "Downloading"), for logs.
using ProgressHandler = std::function<void(const std::string&)>;

// The Docker Engine API, typed. Every error names the endpoint and carries
// Docker's own message; a missing object on read is an empty optional.
class Client {
 public:
  explicit Client(std::unique_ptr<Transport> transport);
  ~Client();

  // GET /version; from then on requests use min(engine's version, 1.41).
  // Call it once, before the client is shared between threads; every other
  // member is safe to call from several threads at once.
  Status negotiate_version();
  const std::string& api_version() const { return api_version_; }
  Transport& transport() { return *transport_; }

  Result<std::vector<NetworkInfo>> list_networks(const Labels& label_filter);
  Result<std::optional<NetworkInfo>> inspect_network(const std::string& name_or_id);
  Result<NetworkInfo> create_network(const std::string& name, const std::optional<std::string>& subnet,
                                     const Labels& labels);
  Status remove_network(const std::string& name_or_id);
  // Connects the container to the network again with exactly `aliases`
  // (it keeps its name there): running, it loses its connections on that
  // network and may get another published port when Docker picked it.
  Status set_network_aliases(const std::string& network, const std::string& container,
                             const std::vector<std::string>& aliases);

  Result<std::vector<VolumeInfo>> list_volumes(const Labels& label_filter);
  Result<std::optional<VolumeInfo>> inspect_volume(const std::string& name);
  Result<VolumeInfo> create_volume(const std::string& name, const Labels& labels);
  Status remove_volume(const std::string& name);

  Result<std::optional<ImageInfo>> inspect_image(const std::string& reference);
  Status pull_image(const std::string& reference, const ProgressHandler& progress = {});
  Result<ImageInfo> build_image(const BuildRequest& request, const ProgressHandler& progress = {});
  Status remove_image(const std::string& reference);

  // All containers (running or not) carrying every label of the filter.
  Result<std::vector<ContainerInfo>> list_containers(const Labels& label_filter);
  Result<std::optional<ContainerInfo>> inspect_container(const std::string& name_or_id);
  Result<std::string> create_container(const ContainerConfig& config);  // the new id
  Status start_container(const std::string& id);
  // A paused container (docker pause) takes no start: it is unpaused.
  Status unpause_container(const std::string& id);
  Status stop_container(const std::string& id, int timeout_seconds);
  Status remove_container(const std::string& id, bool force);
  // POST /containers/{id}/update: a running container keeps running.
  Status update_restart_policy(const std::string& id, const std::string& policy);
  // Sends a signal ("SIGUSR1") to the container's main process.
  Status signal_container(const std::string& id, const std::string& signal);
  // At most kMaxLogBytes of them, cut with a line that says so.
  Result<std::string> container_logs(const std::string& id, int tail_lines);
  // Blocks until the container stops, for at most `timeout`; its exit code.
  Result<int> wait_container(const std::string& id, std::chrono::seconds timeout);

  // Output past kMaxExecOutputBytes is an error: pgdecl reads no more.
  Result<ExecResult> exec(const std::string& container_id, const std::vector<std::string>& cmd,
                          const std::string& user = {});
  // Writes the files into dest_dir of the container (created or running).
  Status upload_archive(const std::string& container_id, const std::string& dest_dir,
                        const std::vector<ArchiveFile>& files);
  // One file of a container (created, running or stopped: its volumes are
  // mounted all the same); nothing when the path does not exist. A file
  // larger than kMaxFileBytes is an error: pgdecl reads no more of it.
  Result<std::optional<std::string>> read_file(const std::string& container_id, const std::string& path);

 private:
  Result<HttpResponse> call(const std::string& what, HttpRequest request, const ChunkHandler& on_chunk = {});

  std::unique_ptr<Transport> transport_;
  Status adopt_api_version(const std::string& engine_version);
  std::string api_version_ = "1.41";
};

}  // namespace pgdecl::docker
