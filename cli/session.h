#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

#include "cluster/spec/model.h"
#include "engine/plan/planner.h"
#include "engine/provider/provider.h"
#include "state/lock.h"
#include "state/secrets_file.h"
#include "state/state_file.h"

namespace pgdecl::pg {
struct NodeContext;
}

namespace pgdecl::cli {

struct Options;
struct ProviderWiring;

// Reads and checks the spec; prints every diagnostic to stderr.
std::optional<spec::ClusterSpec> load_spec_reporting(const std::string& file);

// One run against the live cluster: the state (locked), its secrets, the
// Docker client and every provider, wired together.
class Session {
 public:
  struct Paths {
    std::filesystem::path state;
    std::filesystem::path secrets;
  };
  static Paths paths_for(const spec::ClusterSpec& spec, const Options& options);

  // What a run does with the state: a run that only reads (plan, status)
  // takes no lock, since the state file is only ever replaced whole, so it
  // never stands in the way of an apply; one that changes things takes
  // the lock, waiting up to options.lock_timeout for it.
  enum class Access { kRead, kChange };
  static Result<std::unique_ptr<Session>> open(const spec::ClusterSpec& spec, const Options& options,
                                               Access access);
  ~Session();

  const spec::ClusterSpec& spec() const { return spec_; }
  state::State& state() { return state_; }
  const Paths& paths() const { return paths_; }
  const engine::ProviderRegistry& providers() const;
  long docker_requests() const;
  // What the PostgreSQL providers share, for reads outside a plan (status).
  pg::NodeContext& node_context();

  // Refresh and diff; `destroy` plans the removal of everything. Data
  // volumes that leave go only as options.purge_volumes and their
  // prevent_destroy allow.
  Result<engine::Plan> make_plan(const Options& options, bool destroy);
  // Writes generated passwords before anything is made with them.
  Status save_secrets() { return secrets_->save(); }
  Status write_state();
  // After an apply: waits until every replica streams from the master, or
  // until `stop` says to stop waiting (an interrupt).
  Status wait_until_healthy(const std::function<bool()>& stop);

 private:
  Session(const spec::ClusterSpec& spec, Paths paths);

  spec::ClusterSpec spec_;
  Paths paths_;
  std::unique_ptr<state::StateLock> lock_;
  state::State state_;
  std::optional<state::SecretsFile> secrets_;
  std::unique_ptr<ProviderWiring> wiring_;
  std::string primary_problem_;  // why no plan but a destroy can be made
};

}  // namespace pgdecl::cli
