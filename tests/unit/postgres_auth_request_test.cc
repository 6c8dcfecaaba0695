// pgdecl reads the server's first authentication request before libpq
// does, and lets libpq answer only a request for SCRAM-SHA-256.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "providers/postgres/session/auth_request.h"
#include "providers/postgres/session/connection.h"

namespace pgdecl::pg {
namespace {

using Verdict = AuthJudgement::Verdict;

std::string be32(std::uint32_t value) {
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i, value >>= 8) out[i] = static_cast<char>(value & 0xff);
  return out;
}

// An authentication request: 'R', the length, the code, the body.
std::string request(std::uint32_t code, const std::string& body = "") {
  return "R" + be32(static_cast<std::uint32_t>(8 + body.size())) + be32(code) + body;
}

std::string sasl(const std::string& mechanisms) { return request(10, mechanisms + std::string(1, '\0')); }

TEST_CASE("only a SASL request offering SCRAM-SHA-256 lets libpq answer", "[postgres][auth]") {
  CHECK(judge_auth_request(sasl(std::string("SCRAM-SHA-256") + '\0')).verdict == Verdict::kScram);
  CHECK(judge_auth_request(sasl(std::string("SCRAM-SHA-256-PLUS") + '\0' + "SCRAM-SHA-256" + '\0')).verdict ==
        Verdict::kScram);

  auto plus_only = judge_auth_request(sasl(std::string("SCRAM-SHA-256-PLUS") + '\0'));
  CHECK(plus_only.verdict == Verdict::kRefused);
  CHECK(plus_only.method == "SASL without SCRAM-SHA-256 (it offered: SCRAM-SHA-256-PLUS)");

  const std::pair<std::uint32_t, const char*> others[] = {{0, "no password at all (trust)"},
                                                          {3, "a clear-text password (password)"},
                                                          {5, "an MD5 hash of the password (md5)"},
                                                          {7, "GSSAPI"},
                                                          {42, "authentication request 42"}};
  for (const auto& [code, method] : others) {
    auto judged = judge_auth_request(request(code, code == 5 ? "salt" : ""));
    CHECK(judged.verdict == Verdict::kRefused);
    CHECK(judged.method == method);
  }
}

TEST_CASE("an answer is judged only once it is whole, and a huge one is refused", "[postgres][auth]") {
  const std::string scram = sasl(std::string("SCRAM-SHA-256") + '\0');
  for (std::size_t cut = 0; cut < scram.size(); ++cut)
    CHECK(judge_auth_request(scram.substr(0, cut)).verdict == Verdict::kIncomplete);

  // An error is libpq's to report: nothing is sent in answer to it.
  CHECK(judge_auth_request("E" + be32(20) + "SFATAL").verdict == Verdict::kNotAsked);

  auto huge = judge_auth_request("R" + be32(1u << 30) + be32(10));
  CHECK(huge.verdict == Verdict::kRefused);
  CHECK(huge.method == "a request of 1073741824 bytes, which is not PostgreSQL's");

  // A server that asks for SCRAM waits for the client; one that already
  // sends a clear-text request behind it is refused.
  CHECK(judge_auth_request(scram + request(3)).verdict == Verdict::kRefused);
  // The protocol version note may come first.
  const std::string note = "v" + be32(12) + be32(0) + be32(0);
  CHECK(judge_auth_request(note + scram).verdict == Verdict::kScram);
  CHECK(judge_auth_request(note + request(3)).verdict == Verdict::kRefused);
}

// A server of the test's own on 127.0.0.1 that answers the start-up
// message with `answer` and keeps what the client sends after it.
class FakeServer {
 public:
  explicit FakeServer(std::string answer) : answer_(std::move(answer)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener_, 1) == 0);
    socklen_t size = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    serving_ = std::thread([this] { serve(); });
  }
  ~FakeServer() {
    if (serving_.joinable()) serving_.join();
    ::close(listener_);
  }
  int port() const { return port_; }
  // What the client sent after the start-up message, once it closed.
  std::string received_after_startup() {
    serving_.join();
    return after_startup_;
  }

 private:
  std::string read_some(int client, int wait_ms) {
    pollfd ready{client, POLLIN, 0};
    if (::poll(&ready, 1, wait_ms) <= 0) return "";
    char buffer[4096];
    const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
    return got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : "";
  }
  void serve() {
    const int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) return;
    read_some(client, 5000);  // the start-up message
    if (!answer_.empty()) ::send(client, answer_.data(), answer_.size(), MSG_NOSIGNAL);
    for (std::string more = read_some(client, 3000); !more.empty(); more = read_some(client, 3000))
      after_startup_ += more;
    ::close(client);
  }

  std::string answer_;
  int listener_ = -1;
  int port_ = 0;
  std::thread serving_;
  std::string after_startup_;
};

const char* kPassword = "the-password-must-stay-here";

TEST_CASE("a server asking for a clear-text or md5 password, or none, never receives it",
          "[postgres][auth]") {
  const std::pair<std::string, const char*> answers[] = {
      {request(3), "asked for a clear-text password (password) instead of SCRAM-SHA-256"},
      {request(5, "salt"), "asked for an MD5 hash of the password (md5) instead of SCRAM-SHA-256"},
      {request(0), "asked for no password at all (trust) instead of SCRAM-SHA-256"}};
  for (const auto& [answer, said] : answers) {
    FakeServer server(answer);
    auto opened = Connection::open({"127.0.0.1", server.port(), "postgres", "postgres"}, Secret(kPassword));
    REQUIRE_FALSE(opened);
    CHECK(opened.status().code() == Status::Code::kFailed);
    INFO(opened.status().message());
    CHECK(opened.status().message().find(said) != std::string::npos);
    CHECK(opened.status().message().find("did not send the password") != std::string::npos);
    CHECK(opened.status().message().find("127.0.0.1:" + std::to_string(server.port())) != std::string::npos);
    CHECK(server.received_after_startup().find(kPassword) == std::string::npos);
  }
}

TEST_CASE("a server that never answers the start-up message is given up on in time", "[postgres][auth]") {
  FakeServer silent("");
  const auto started = std::chrono::steady_clock::now();
  auto opened = Connection::open({"127.0.0.1", silent.port(), "postgres", "postgres"}, Secret(kPassword),
                                 {std::chrono::seconds(1)});
  REQUIRE_FALSE(opened);
  CHECK(opened.status().code() == Status::Code::kTimeout);
  CHECK(opened.status().message() ==
        "the server at 127.0.0.1:" + std::to_string(silent.port()) +
            " took the connection but did not answer it within 1s (is it paused or frozen?)");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(2500));
}

}  // namespace
}  // namespace pgdecl::pg
