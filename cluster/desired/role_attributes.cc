#include "cluster/desired/role_attributes.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace pgdecl::engine {

std::string render_name_list(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return nlohmann::json(names).dump();
}

}  // namespace pgdecl::engine
