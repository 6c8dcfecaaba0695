#include "cli/process_hardening.h"

#include <sys/prctl.h>
#include <sys/resource.h>

namespace pgdecl::cli {

void keep_secrets_out_of_core_dumps() {
  // The limit covers a core_pattern that writes a file; not being dumpable
  // also covers one that pipes the dump to a program, which ignores it.
  const rlimit none{0, 0};
  setrlimit(RLIMIT_CORE, &none);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace pgdecl::cli
