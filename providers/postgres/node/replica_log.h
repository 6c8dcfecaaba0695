#pragma once

#include <optional>
#include <string>

#include "providers/docker/client.h"

namespace pgdecl::pg {

// Why a replica's server says it cannot stream from its master, in the
// server's own words: the last complaint of its WAL receiver ("FATAL:
// could not connect to the primary server: ... password authentication
// failed ...", "... requested WAL segment ... has already been removed"),
// from the severity on. Only what it said since it last started and since
// it last began to stream counts: an older complaint was answered. nullopt
// when it has said nothing of the kind.
std::optional<std::string> streaming_complaint(const std::string& log_text);

// The same, read from the tail of the replica container's log. A log that
// cannot be read is no complaint: this only adds to what the master says.
std::optional<std::string> read_streaming_complaint(docker::Client& client, const std::string& container_id);

// The last lines of a container's log, or why they could not be read.
std::string last_log_lines(docker::Client& client, const std::string& container_id, int lines);

}  // namespace pgdecl::pg
