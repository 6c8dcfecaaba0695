#pragma once

namespace pgdecl::cli {

// pgdecl holds passwords in memory: no core dump may write them to disk,
// and no other process of the same user may read its memory (ptrace,
// /proc/<pid>/mem). Called first thing in every run.
void keep_secrets_out_of_core_dumps();

}  // namespace pgdecl::cli
