#pragma once

#include "engine/model/plan.h"

namespace pgdecl::engine {

// Replicas that a plan copies into volumes it makes are copied together:
// one base backup of the master, cloned into each volume, instead of one
// copy each that would each make the master checkpoint and send
// everything. Adds them to plan.batches when there are two or more.
void batch_new_copies(Plan& plan);

}  // namespace pgdecl::engine
