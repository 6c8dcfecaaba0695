#include <chrono>
#include <stdexcept>
#include <thread>

#include "providers/docker/client.h"
#include "providers/docker/http_util.h"
#include "providers/docker/json_util.h"
#include "providers/docker/streams.h"

namespace pgdecl::docker {
namespace {

// The exec's state can trail the end of its output stream by a moment.
constexpr auto kExitPollInterval = std::chrono::milliseconds(20);
constexpr int kExitPollAttempts = 250;  // 5 s
// The stream's frame headers, 8 bytes a frame, on top of the output.
constexpr size_t kFrameOverhead = 64 * 1024;
constexpr const char* kTooMuchOutput = "its output passed 4 MiB, more than pgdecl reads from a container";

// Only the program's name: the arguments are nobody's business in a log.
std::string describe(const std::string& container_id, const std::vector<std::string>& cmd) {
  std::string program = cmd.empty() ? "a command" : cmd.front();
  return "running " + program + " in container " + container_id;
}

Result<std::string> read_id(const HttpResponse& response, const std::string& what) {
  return guard_json(what, [&]() -> Result<std::string> {
    Result<Json> parsed = parse_json(response.body, what);
    if (!parsed) return parsed.status();
    std::string id = json_string(*parsed, "Id");
    if (id.empty()) return Status::failed(what + ": Docker answered without an exec Id");
    return id;
  });
}

struct ExecState {
  bool running = false;
  int exit_code = -1;
};

Result<ExecState> read_state(const HttpResponse& response, const std::string& what) {
  return guard_json(what, [&]() -> Result<ExecState> {
    Result<Json> parsed = parse_json(response.body, what);
    if (!parsed) return parsed.status();
    return ExecState{json_bool(*parsed, "Running"), static_cast<int>(json_int(*parsed, "ExitCode", -1))};
  });
}

}  // namespace

Result<ExecResult> Client::exec(const std::string& container_id, const std::vector<std::string>& cmd,
                                const std::string& user) {
  const std::string what = describe(container_id, cmd);
  Json config = {{"AttachStdin", false},
                 {"AttachStdout", true},
                 {"AttachStderr", true},
                 {"Tty", false},
                 {"Cmd", strings_to_json(cmd)}};
  if (!user.empty()) config["User"] = user;
  Result<HttpResponse> created =
      call(what, post_json_request("/containers/" + path_escape(container_id) + "/exec", config));
  if (!created) return created.status();
  Result<std::string> exec_id = read_id(*created, what);
  if (!exec_id) return exec_id.status();

  // Without a TTY the output is one multiplexed stream; it ends when the
  // command does.
  StreamDemuxer demuxer;
  size_t received = 0;
  Json start = {{"Detach", false}, {"Tty", false}};
  HttpRequest request = post_json_request("/exec/" + *exec_id + "/start", start);
  request.max_body = kMaxExecOutputBytes + kFrameOverhead;
  Result<HttpResponse> started = call(what, std::move(request), [&](std::string_view chunk) {
    received += chunk.size();
    // Thrown through the transport, which stops reading and fails the call.
    if (received > kMaxExecOutputBytes + kFrameOverhead) throw std::length_error(kTooMuchOutput);
    demuxer.feed(chunk);
  });
  if (!started) return started.status();
  if (started->truncated) return Status::failed(what + ": " + kTooMuchOutput);
  demuxer.feed(started->body);  // a transport that did not stream

  for (int attempt = 0;; ++attempt) {
    Result<HttpResponse> inspected = call(what, get_request("/exec/" + *exec_id + "/json"));
    if (!inspected) return inspected.status();
    Result<ExecState> state = read_state(*inspected, what);
    if (!state) return state.status();
    if (!state->running) return ExecResult{state->exit_code, std::move(demuxer.out), std::move(demuxer.err)};
    if (attempt >= kExitPollAttempts) return Status::timeout(what + ": still running after its output ended");
    std::this_thread::sleep_for(kExitPollInterval);
  }
}

}  // namespace pgdecl::docker
