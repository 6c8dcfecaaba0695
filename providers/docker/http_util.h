#pragma once

// Private to providers/docker: building Engine API requests.

#include <string>
#include <string_view>

#include "providers/docker/client.h"
#include "providers/docker/json_util.h"

namespace pgdecl::docker {

// Percent-encodes everything but RFC 3986 unreserved characters (query values).
std::string url_encode(std::string_view text);
// Like url_encode but keeps '/', ':' and '@', so an image reference such as
// registry:5000/team/pg:15 stays a path Docker's router understands.
std::string path_escape(std::string_view text);

// "filters=<urlencoded {"label":["k=v",...]}>" or "" when there is no label.
std::string label_filters_query(const Labels& labels);

// path + "?" + query, or just path when the query is empty.
std::string with_query(std::string path, const std::string& query);

HttpRequest get_request(std::string path);
HttpRequest delete_request(std::string path);
// A POST with an empty body (start, stop): Docker needs no Content-Type.
HttpRequest post_request(std::string path);
HttpRequest post_json_request(std::string path, const Json& body);

}  // namespace pgdecl::docker
