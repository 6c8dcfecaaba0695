#pragma once

// A scripted Transport for tests that need no Docker engine: it records every
// request and answers from rules set up by the test (ninja's test.h style).

#include <cctype>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "providers/docker/transport.h"

namespace pgdecl::docker::testing {

struct FakeAnswer {
  long status = 200;
  std::string body;
  // >0: a successful body reaches on_chunk in pieces of this size, the way
  // the engine's streams arrive cut at arbitrary places.
  size_t chunk_size = 0;
  std::optional<Status> error;                 // the transport itself fails (unreachable)
  std::map<std::string, std::string> headers;  // names in lower case
};

class FakeTransport : public Transport {
 public:
  explicit FakeTransport(std::string endpoint = "fake://docker") : endpoint_(std::move(endpoint)) {}

  // Answers requests of `method` whose path, without the /vX.YZ prefix,
  // starts with path_prefix. Rules are tried in the order they were added; a
  // rule with times > 0 retires after answering that many requests.
  FakeTransport& on(std::string method, std::string path_prefix, FakeAnswer answer, int times = -1) {
    std::lock_guard<std::mutex> lock(mutex_);
    rules_.push_back({std::move(method), std::move(path_prefix), std::move(answer), times});
    return *this;
  }

  Result<HttpResponse> send(const HttpRequest& request, const ChunkHandler& on_chunk = {}) override {
    std::optional<FakeAnswer> answer = take_answer(request);
    if (!answer) {
      return HttpResponse{
          500,
          R"({"message":"FakeTransport has no answer for )" + request.method + " " + request.path + R"("})",
          {}};
    }
    if (answer->error) return *answer->error;
    HttpResponse response{answer->status, {}, answer->headers};
    bool success = answer->status >= 200 && answer->status < 300;
    if (on_chunk && success) {
      stream(answer->body, answer->chunk_size, on_chunk);
    } else {
      response.body = answer->body;
    }
    return response;
  }

  std::string endpoint() const override { return endpoint_; }
  long requests_sent() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<long>(requests_.size());
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  // "GET /v1.41/containers/json?all=1", one per request, in order.
  std::vector<std::string> request_lines() const {
    std::vector<std::string> lines;
    for (const HttpRequest& request : requests()) lines.push_back(request.method + " " + request.path);
    return lines;
  }
  // True when nothing but GET was sent: a plan or refresh changed nothing.
  bool only_reads() const {
    for (const HttpRequest& request : requests()) {
      if (request.method != "GET") return false;
    }
    return true;
  }

  // The path without its /vX.YZ prefix, as rules see it.
  static std::string_view unversioned(std::string_view path) {
    if (path.size() > 2 && path[0] == '/' && path[1] == 'v' &&
        std::isdigit(static_cast<unsigned char>(path[2]))) {
      size_t slash = path.find('/', 1);
      if (slash != std::string_view::npos) return path.substr(slash);
    }
    return path;
  }

 private:
  struct Rule {
    std::string method;
    std::string path_prefix;
    FakeAnswer answer;
    int times;
  };

  std::optional<FakeAnswer> take_answer(const HttpRequest& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(request);
    std::string_view path = unversioned(request.path);
    for (Rule& rule : rules_) {
      if (rule.times == 0 || rule.method != request.method || !path.starts_with(rule.path_prefix)) continue;
      if (rule.times > 0) --rule.times;
      return rule.answer;
    }
    return std::nullopt;
  }

  static void stream(const std::string& body, size_t chunk_size, const ChunkHandler& on_chunk) {
    size_t step = chunk_size == 0 ? body.size() : chunk_size;
    for (size_t offset = 0; offset < body.size(); offset += step) {
      on_chunk(std::string_view(body).substr(offset, step));
    }
  }

  std::string endpoint_;
  mutable std::mutex mutex_;
  std::vector<Rule> rules_;
  std::vector<HttpRequest> requests_;
};

// One frame of Docker's multiplexed stream: stream 1 is stdout, 2 stderr.
inline std::string docker_frame(int stream, std::string_view payload) {
  std::string frame(8, '\0');
  frame[0] = static_cast<char>(stream);
  auto size = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) frame[4 + i] = static_cast<char>((size >> (8 * (3 - i))) & 0xff);
  frame.append(payload);
  return frame;
}

}  // namespace pgdecl::docker::testing
