#pragma once

#include <string>

#include "engine/core/result.h"
#include "providers/docker/client.h"

namespace pgdecl::docker {

// Who a Docker object is meant to belong to: a cluster, one of its
// resources, and for a short-lived helper container what it is for.
struct Owner {
  std::string cluster;
  std::string address;  // the resource address: docker_volume.data
  std::string helper;   // "probe" or "copy" for a helper container; empty otherwise

  Labels labels() const;
};

inline constexpr const char* kHelperLabel = "pgdecl.helper";

// Two clusters can reach one Docker name ("pg-2" + "data" and "pg" +
// "2-data" both make pg-2-data), and anyone can make an object at a name
// pgdecl would use. Such an object is never created over, mounted or
// removed: ok only when the labels say it is the owner's.
bool owned_by(const Labels& labels, const Owner& owner);

// Whose the object is by its labels, as the refusal says it: "it carries
// no pgdecl.cluster label: pgdecl did not make it".
std::string whose(const Labels& labels, const Owner& owner);

// The refusal, naming the object, whose it is by its labels, and what
// this cluster wanted it for.
Status not_ours(const std::string& kind, const std::string& name, const Labels& labels, const Owner& owner);

// ok when owned_by, else not_ours.
Status require_owned(const std::string& kind, const std::string& name, const Labels& labels,
                     const Owner& owner);

}  // namespace pgdecl::docker
