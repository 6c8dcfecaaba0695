#include "cluster/desired/context_digest.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "cluster/render/postgres_config.h"

namespace pgdecl::engine {

std::string build_context_digest(const spec::BuildSpec& build) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(build.context, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  if (error) return "unreadable:" + error.message();
  std::sort(files.begin(), files.end());
  std::string material = "dockerfile=" + build.dockerfile + "\n";
  for (const auto& [name, value] : build.args) material += "arg " + name + "=" + value + "\n";
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto perms = static_cast<unsigned>(fs::status(file).permissions());
    material += fs::relative(file, build.context).string() + " " + std::to_string(perms) + " " +
                text_digest(bytes.str()) + "\n";
  }
  return text_digest(material);
}

}  // namespace pgdecl::engine
