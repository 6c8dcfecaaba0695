// The real Transport: libcurl speaking HTTP/1.1 to the Docker engine over its
// unix socket or plain tcp. Nothing of libcurl leaves this file.

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "providers/docker/transport.h"

namespace pgdecl::docker {
namespace {

constexpr const char* kDefaultDockerHost = "unix:///var/run/docker.sock";
constexpr long kConnectTimeoutMs = 10000;
// Idle handles kept for reuse: each keeps its connection to the engine alive.
constexpr size_t kMaxIdleHandles = 8;

struct Endpoint {
  std::string text;         // as the user wrote it, for messages
  std::string socket_path;  // unix socket, or empty for tcp
  std::string base_url;     // http://localhost or http://host:port
  std::string error;        // why the address is unusable, or empty
};

std::string default_docker_host() {
  const char* from_env = std::getenv("DOCKER_HOST");
  return (from_env != nullptr && *from_env != '\0') ? from_env : kDefaultDockerHost;
}

Endpoint parse_endpoint(const std::string& docker_host) {
  Endpoint endpoint;
  endpoint.text = docker_host.empty() ? default_docker_host() : docker_host;
  const std::string& text = endpoint.text;
  if (text.starts_with("unix://") && text.size() > 7) {
    endpoint.socket_path = text.substr(7);
    endpoint.base_url = "http://localhost";
  } else if (text.starts_with("tcp://") && text.size() > 6) {
    endpoint.base_url = "http://" + text.substr(6);
    while (endpoint.base_url.ends_with("/")) endpoint.base_url.pop_back();
  } else {
    endpoint.error = "unsupported Docker host '" + text + "' (expected unix:///path or tcp://host:port)";
  }
  return endpoint;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyCleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyCleanup>;

struct SlistCleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistCleanup>;

// What the write callback needs; lives on the stack of one send().
struct Exchange {
  CURL* handle = nullptr;
  const ChunkHandler* on_chunk = nullptr;
  size_t max_body = 0;
  HttpResponse response;
  std::string handler_error;  // set when on_chunk threw; aborts the transfer
};

bool is_success(long status) { return status >= 200 && status < 300; }

// Successful bodies go to on_chunk as they arrive (progress streams); an
// error answer is kept whole in the response so the caller can read it.
size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  size_t length = size * count;
  std::string_view piece(data, length);
  long status = 0;
  curl_easy_getinfo(exchange->handle, CURLINFO_RESPONSE_CODE, &status);
  if (exchange->on_chunk == nullptr || !*exchange->on_chunk || !is_success(status)) {
    std::string& body = exchange->response.body;
    if (body.size() + length > exchange->max_body) {
      // Keeps what fits and stops the transfer: nothing a container says
      // makes pgdecl hold more than that.
      body.append(piece.substr(0, exchange->max_body - body.size()));
      exchange->response.truncated = true;
      return 0;
    }
    body.append(piece);
    return length;
  }
  // An exception must not unwind through libcurl's C frames.
  try {
    (*exchange->on_chunk)(piece);
  } catch (const std::exception& e) {
    exchange->handler_error = e.what();
    return 0;
  } catch (...) {
    exchange->handler_error = "unknown error while reading the answer";
    return 0;
  }
  return length;
}

// "Api-Version: 1.41\r\n" -> headers["api-version"] = "1.41". The status
// line and the blank line that ends the headers have no colon.
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  exchange->response.headers[std::move(name)] = std::string(value);
  return size * count;
}

bool is_connect_failure(CURLcode code) {
  return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
         code == CURLE_COULDNT_RESOLVE_PROXY;
}

std::string describe_duration(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + " s";
  return std::to_string(duration.count()) + " ms";
}

class CurlTransport final : public Transport {
 public:
  CurlTransport(Endpoint endpoint, TransportLimits limits) : endpoint_(std::move(endpoint)), limits_(limits) {
    init_curl_once();
  }

  Result<HttpResponse> send(const HttpRequest& request, const ChunkHandler& on_chunk) override;
  std::string endpoint() const override { return endpoint_.text; }
  long requests_sent() const override { return requests_sent_.load(); }

 private:
  EasyHandle acquire();
  void release(EasyHandle handle);
  HeaderList configure(CURL* handle, const HttpRequest& request, Exchange& exchange) const;
  Status failure(CURLcode code, const HttpRequest& request) const;
  std::chrono::milliseconds timeout_of(const HttpRequest& request) const {
    return request.timeout.count() > 0 ? request.timeout : limits_.request_timeout;
  }

  const Endpoint endpoint_;
  const TransportLimits limits_;
  std::atomic<long> requests_sent_{0};
  // Several threads call the client at once; each send takes its own handle,
  // so a long stop or build never blocks the others.
  std::mutex pool_mutex_;
  std::vector<EasyHandle> idle_;
};

EasyHandle CurlTransport::acquire() {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!idle_.empty()) {
      EasyHandle handle = std::move(idle_.back());
      idle_.pop_back();
      curl_easy_reset(handle.get());  // keeps the live connection
      return handle;
    }
  }
  return EasyHandle(curl_easy_init());
}

void CurlTransport::release(EasyHandle handle) {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  if (idle_.size() < kMaxIdleHandles) idle_.push_back(std::move(handle));
}

HeaderList CurlTransport::configure(CURL* handle, const HttpRequest& request, Exchange& exchange) const {
  std::string url = endpoint_.base_url + request.path;
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());  // libcurl copies strings
  if (!endpoint_.socket_path.empty()) {
    curl_easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, endpoint_.socket_path.c_str());
  }
  // Never let an http_proxy from the environment see Docker traffic.
  curl_easy_setopt(handle, CURLOPT_PROXY, "");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_of(request).count()));
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &exchange);

  HeaderList headers(curl_slist_append(nullptr, "Expect:"));  // no 100-continue round trip
  if (!request.content_type.empty()) {
    std::string line = "Content-Type: " + request.content_type;
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());

  if (request.method == "GET") {
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    return headers;
  }
  curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method != "DELETE" || !request.body.empty()) {
    // The body is not copied: it outlives the transfer (caller's request).
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  return headers;
}

Status CurlTransport::failure(CURLcode code, const HttpRequest& request) const {
  std::string reason = curl_easy_strerror(code);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return Status::timeout("the Docker engine at " + endpoint_.text + " did not answer " + request.method +
                           " " + request.path + " within " + describe_duration(timeout_of(request)));
  }
  if (is_connect_failure(code)) {
    return Status::unavailable("cannot reach the Docker engine at " + endpoint_.text + ": " + reason);
  }
  return Status::unavailable("lost the connection to the Docker engine at " + endpoint_.text + " during " +
                             request.method + " " + request.path + ": " + reason);
}

Result<HttpResponse> CurlTransport::send(const HttpRequest& request, const ChunkHandler& on_chunk) {
  ++requests_sent_;
  if (!endpoint_.error.empty()) return Status::invalid_argument(endpoint_.error);
  EasyHandle handle = acquire();
  if (!handle) return Status::failed("cannot initialise libcurl");

  Exchange exchange;
  exchange.handle = handle.get();
  exchange.on_chunk = &on_chunk;
  exchange.max_body = request.max_body > 0 ? request.max_body : limits_.max_body;
  HeaderList headers = configure(handle.get(), request, exchange);
  const auto started = std::chrono::steady_clock::now();
  CURLcode code = curl_easy_perform(handle.get());
  curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &exchange.response.status);
  // At trace level, every request with its time: the timeline of an apply.
  spdlog::trace(
      "docker {} {} -> {} in {:.1f} ms", request.method, request.path, exchange.response.status,
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
  headers.reset();
  release(std::move(handle));

  if (!exchange.handler_error.empty()) return Status::failed(exchange.handler_error);
  if (exchange.response.truncated && code == CURLE_WRITE_ERROR) return std::move(exchange.response);
  if (code != CURLE_OK) return failure(code, request);
  return std::move(exchange.response);
}

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const std::string& docker_host, TransportLimits limits) {
  return std::make_unique<CurlTransport>(parse_endpoint(docker_host), limits);
}

}  // namespace pgdecl::docker
