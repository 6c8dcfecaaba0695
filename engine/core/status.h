#pragma once

#include <string>
#include <utility>

namespace pgdecl {

// Outcome of an operation that can fail: ok, or a code and a message meant
// for a human. Modelled on leveldb's Status: named constructors, early return.
class Status {
 public:
  enum class Code {
    kOk,
    kNotFound,
    kInvalidArgument,
    kConflict,     // the object exists or is held by someone else
    kUnavailable,  // a daemon or server could not be reached
    kFailed,       // the remote side refused or the operation broke
    kTimeout,
  };

  Status() = default;
  static Status ok() { return Status(); }
  static Status not_found(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status invalid_argument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status conflict(std::string msg) { return {Code::kConflict, std::move(msg)}; }
  static Status unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status failed(std::string msg) { return {Code::kFailed, std::move(msg)}; }
  static Status timeout(std::string msg) { return {Code::kTimeout, std::move(msg)}; }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Adds context in front of the message: "creating network x: <message>".
  Status with_context(const std::string& context) const {
    if (is_ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

  std::string to_string() const { return is_ok() ? std::string("OK") : message_; }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace pgdecl
