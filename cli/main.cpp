#include <cstdio>
#include <exception>

#include "cli/app.h"

int main(int argc, char** argv) {
  try {
    return pgdecl::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pgdecl: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "pgdecl: internal error\n");
  }
  return 1;
}
