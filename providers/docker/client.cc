#include "providers/docker/client.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "providers/docker/json_util.h"

namespace pgdecl::docker {
namespace {

// Newest API this client was written against; newer engines still speak it.
constexpr int kMaxApiMajor = 1;
constexpr int kMaxApiMinor = 41;
// How much of a streamed error answer to keep for the message.
constexpr size_t kMaxErrorBody = 64 * 1024;

// 304 is Docker's "already so" (start a running container, stop a stopped
// one): the goal state holds, so it is no error.
bool is_success(long status) { return (status >= 200 && status < 300) || status == 304; }

std::optional<std::pair<int, int>> parse_api_version(const std::string& text) {
  auto dot = text.find('.');
  if (dot == std::string::npos) return std::nullopt;
  int major = 0;
  int minor = 0;
  const char* end = text.data() + text.size();
  auto [major_end, major_error] = std::from_chars(text.data(), text.data() + dot, major);
  auto [minor_end, minor_error] = std::from_chars(text.data() + dot + 1, end, minor);
  if (major_error != std::errc() || minor_error != std::errc() || major_end != text.data() + dot ||
      minor_end != end) {
    return std::nullopt;
  }
  return std::make_pair(major, minor);
}

// Docker's error answers are {"message": "..."}; older proxies send text.
std::string docker_message(const std::string& body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string message = parsed.is_discarded() ? body : json_string(parsed, "message");
  if (message.empty() && !parsed.is_discarded()) message = body;
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  return message;
}

Status status_for(long http_status, std::string message) {
  if (http_status == 404) return Status::not_found(std::move(message));
  if (http_status == 409) return Status::conflict(std::move(message));
  return Status::failed(std::move(message));
}

// One exchange: a transport failure or a non-2xx answer becomes a Status that
// says what was being done, where, and what Docker said.
Result<HttpResponse> exchange(Transport& transport, const std::string& what, const HttpRequest& request,
                              const ChunkHandler& on_chunk) {
  // A transport may hand even an error answer to on_chunk; keep its start.
  std::string streamed;
  ChunkHandler tee;
  if (on_chunk) {
    tee = [&](std::string_view chunk) {
      if (streamed.size() < kMaxErrorBody) streamed.append(chunk.substr(0, kMaxErrorBody - streamed.size()));
      on_chunk(chunk);
    };
  }
  Result<HttpResponse> response = transport.send(request, tee);
  if (!response) return response.status().with_context(what);
  if (is_success(response->status)) return response;

  std::string message = docker_message(response->body.empty() ? streamed : response->body);
  std::string text =
      what + ": Docker (" + transport.endpoint() + ") said " + std::to_string(response->status);
  text += message.empty() ? " with no message" : ": " + message;
  return status_for(response->status, std::move(text));
}

}  // namespace

Client::Client(std::unique_ptr<Transport> transport) : transport_(std::move(transport)) {}

Client::~Client() = default;

Status Client::adopt_api_version(const std::string& engine_version) {
  auto engine = parse_api_version(engine_version);
  if (!engine) {
    return Status::failed("the Docker engine at " + transport_->endpoint() + " reported API version '" +
                          engine_version + "', which is not MAJOR.MINOR");
  }
  auto chosen = std::min(*engine, std::make_pair(kMaxApiMajor, kMaxApiMinor));
  api_version_ = std::to_string(chosen.first) + "." + std::to_string(chosen.second);
  return Status::ok();
}

Status Client::negotiate_version() {
  // Unprefixed, as an engine older than our version refuses /v1.41/...
  // /_ping answers with its API version in a header, as the docker CLI
  // negotiates; /version, which also asks containerd and runc for theirs
  // and takes several milliseconds, serves an engine that sends no header.
  HttpRequest ping;
  ping.path = "/_ping";
  Result<HttpResponse> pong = exchange(*transport_, "asking the Docker engine for its version", ping, {});
  if (!pong) return pong.status();
  if (auto header = pong->headers.find("api-version"); header != pong->headers.end()) {
    return adopt_api_version(header->second);
  }
  HttpRequest request;
  request.path = "/version";
  Result<HttpResponse> response =
      exchange(*transport_, "asking the Docker engine for its version", request, {});
  if (!response) return response.status();
  return guard_json("reading the Docker engine's version", [&]() -> Status {
    Result<Json> parsed = parse_json(response->body, "reading the Docker engine's version");
    if (!parsed) return parsed.status();
    return adopt_api_version(json_string(*parsed, "ApiVersion"));
  });
}

Result<HttpResponse> Client::call(const std::string& what, HttpRequest request,
                                  const ChunkHandler& on_chunk) {
  request.path = "/v" + api_version_ + request.path;
  return exchange(*transport_, what, request, on_chunk);
}

}  // namespace pgdecl::docker
