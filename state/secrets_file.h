#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "engine/core/result.h"
#include "engine/core/secret.h"

namespace pgdecl::state {

// Generated passwords, kept beside the state in a file of mode 0600 (the
// state itself never holds one). Written atomically like the state.
class SecretsFile {
 public:
  // A missing file is an empty store; a file readable by group or others is
  // refused (its mode is named in the error).
  static Result<SecretsFile> open(const std::filesystem::path& file);

  std::optional<Secret> get(const std::string& key) const;
  void put(const std::string& key, Secret value);
  Status save() const;  // creates the folder and the file with mode 0600

  // 32 bytes from the OS's CSPRNG, base64url without padding.
  static Secret generate_password();

 private:
  std::filesystem::path file_;
  std::map<std::string, Secret> values_;
};

}  // namespace pgdecl::state
