#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "engine/core/result.h"

namespace pgdecl::docker {

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // with query string; Client adds the /vX.YZ prefix before sending
  std::string body;
  std::string content_type;  // empty: none sent
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
};

// Receives the body piece by piece as it arrives (pull and build progress).
using ChunkHandler = std::function<void(std::string_view)>;

// One HTTP exchange with the Docker engine. The real one speaks over a unix
// socket or tcp with libcurl; tests use a fake that records every request.
class Transport {
 public:
  virtual ~Transport() = default;
  // A non-2xx answer is a response, not an error; only a failure to talk to
  // the engine at all is an error (Status::unavailable, naming the endpoint).
  virtual Result<HttpResponse> send(const HttpRequest& request, const ChunkHandler& on_chunk = {}) = 0;
  // "unix:///var/run/docker.sock" or "tcp://host:port", for messages.
  virtual std::string endpoint() const = 0;
  virtual long requests_sent() const = 0;
};

// docker_host: "unix:///path", "tcp://host:port", or empty for $DOCKER_HOST
// and then unix:///var/run/docker.sock.
std::unique_ptr<Transport> make_curl_transport(const std::string& docker_host);

}  // namespace pgdecl::docker
