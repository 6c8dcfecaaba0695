#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/app.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/session.h"

namespace pgdecl::cli {

int command_show(const Options& options) {
  auto spec = load_spec_reporting(options.spec_file);
  if (!spec) return kExitError;
  auto paths = Session::paths_for(*spec, options);
  auto state = state::read_state(paths.state);
  if (!state) {
    print_error(state.status().message());
    return kExitError;
  }
  if (!state->has_value()) {
    std::cout << "The state is empty: nothing has been applied for cluster " << spec->name << ".\n";
    return kExitOk;
  }
  if (options.json) {
    std::ifstream in(paths.state);
    std::cout << in.rdbuf();
    return kExitOk;
  }
  const auto& s = **state;
  std::cout << "# cluster " << s.cluster << ", state serial " << s.serial << "\n";
  for (const auto& [address, record] : s.resources) {
    std::cout << "\n" << address << " (id " << record.id << ")\n";
    for (const auto& [name, value] : record.attributes) {
      if (value.find('\n') != std::string::npos) {
        std::cout << "    " << name << " = <<EOT\n" << value << (value.back() == '\n' ? "" : "\n") << "EOT\n";
      } else {
        std::cout << "    " << name << " = \"" << value << "\"\n";
      }
    }
  }
  return kExitOk;
}

}  // namespace pgdecl::cli
