#pragma once

// pgdecl run in the background, so a test can watch what it prints and
// interrupt it at a chosen step, as a user at the terminal would.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/e2e/cli_runner.h"

namespace pgdecl::testing {

class BackgroundPgdecl {
 public:
  // The child is pgdecl itself (sh execs it), so a signal sent to pid()
  // reaches pgdecl and nothing else.
  BackgroundPgdecl(const std::filesystem::path& dir, const std::string& args)
      : out_(dir / "background.out"), err_(dir / "background.err") {
    const std::string command = std::string("exec ") + PGDECL_BINARY + " " + args;
    pid_ = ::fork();
    if (pid_ == 0) {
      if (::chdir(dir.c_str()) != 0) ::_exit(127);
      redirect(STDIN_FILENO, "/dev/null", O_RDONLY);
      redirect(STDOUT_FILENO, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC);
      redirect(STDERR_FILENO, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC);
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~BackgroundPgdecl() {
    if (pid_ > 0 && !finished_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  BackgroundPgdecl(const BackgroundPgdecl&) = delete;
  BackgroundPgdecl& operator=(const BackgroundPgdecl&) = delete;

  pid_t pid() const { return pid_; }
  std::string out() const { return slurp(out_); }

  // True once stdout holds `text`; false after `limit` or when pgdecl ended.
  bool wait_for_output(const std::string& text, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (contains(out(), text)) return true;
      if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
        finished_ = true;
        return contains(out(), text);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  // True once stdout holds `text` `count` times (reconcile's events, say);
  // false after `limit`.
  bool wait_for_count(const std::string& text, std::size_t count, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string now = out();
      std::size_t seen = 0;
      for (auto at = now.find(text); at != std::string::npos; at = now.find(text, at + 1)) ++seen;
      if (seen >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  void signal(int number) { ::kill(pid_, number); }

  // True once pgdecl stopped itself (SIGSTOP, see PGDECL_TEST_STOP_AT);
  // false after `limit` or when it ended.
  bool wait_until_stopped(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!finished_ && std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status_, WNOHANG | WUNTRACED) == pid_) {
        if (WIFSTOPPED(status_)) return true;
        finished_ = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Waits for pgdecl to end (killing it after `limit`): its exit code, or
  // -1 when a signal ended it.
  CliResult wait(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!finished_ && std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status_, WNOHANG) == pid_) finished_ = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!finished_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
      finished_ = true;
    }
    return {WIFEXITED(status_) ? WEXITSTATUS(status_) : -1, slurp(out_), slurp(err_)};
  }

 private:
  static void redirect(int fd, const char* path, int flags) {
    int opened = ::open(path, flags, 0600);
    if (opened < 0 || ::dup2(opened, fd) < 0) ::_exit(127);
    ::close(opened);
  }

  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool finished_ = false;
};

}  // namespace pgdecl::testing
