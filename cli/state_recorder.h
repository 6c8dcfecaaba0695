#pragma once

#include "engine/apply/applier.h"
#include "state/state_file.h"

namespace pgdecl::cli {

// Writes the state file after every completed step, so a failure halfway
// leaves a state that knows everything made before it.
class FileStateRecorder : public engine::StateRecorder {
 public:
  FileStateRecorder(state::State& state, std::filesystem::path file)
      : state_(state), file_(std::move(file)) {}

  Status record(const Address& address, const std::optional<engine::LiveResource>& live,
                const std::vector<std::string>& depends_on) override {
    const std::string key = address.to_string();
    if (live) {
      state_.resources[key] = state::ResourceRecord{key, live->id, live->attributes, depends_on};
    } else {
      state_.resources.erase(key);
    }
    return state::write_state(file_, state_);
  }

 private:
  state::State& state_;
  std::filesystem::path file_;
};

}  // namespace pgdecl::cli
