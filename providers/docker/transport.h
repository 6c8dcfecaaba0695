#pragma once

#include <chrono>
#include <cstddef>
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
  // How long the whole exchange may take; zero: the transport's default
  // for a short request. A frozen engine never holds pgdecl longer.
  std::chrono::milliseconds timeout{0};
  // How much of the answer is kept (bytes handed to a ChunkHandler do not
  // count); zero: the transport's default. Past it the transfer stops and
  // the response says it was cut.
  size_t max_body = 0;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  bool truncated = false;                      // the body stopped at max_body
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

// What one exchange may cost when the request does not say.
struct TransportLimits {
  // A short request (inspect, create, start, list): generous, since a busy
  // engine can be slow, but finite, since a frozen one never answers.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  size_t max_body = 64 * 1024 * 1024;
};

// docker_host: "unix:///path", "tcp://host:port", or empty for $DOCKER_HOST
// and then unix:///var/run/docker.sock.
std::unique_ptr<Transport> make_curl_transport(const std::string& docker_host, TransportLimits limits = {});

}  // namespace pgdecl::docker
