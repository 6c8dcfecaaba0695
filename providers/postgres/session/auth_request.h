#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pgdecl::pg {

// The longest authentication request pgdecl reads before libpq does: a
// SASL request lists a few mechanism names, far below this. A longer one
// is not PostgreSQL's.
inline constexpr std::size_t kMaxAuthRequestBytes = 1024;

// What a server's first answer to the start-up message asks for, judged
// from the bytes it sent before libpq reads them, so that libpq never
// answers a request pgdecl does not allow.
struct AuthJudgement {
  enum class Verdict {
    kIncomplete,  // more bytes are needed to tell
    kScram,       // SASL offering SCRAM-SHA-256: libpq may answer
    kNotAsked,    // not an authentication request (an error): libpq reports it
    kRefused,     // anything else: the password must not be sent
  };
  Verdict verdict = Verdict::kIncomplete;
  // For kRefused: what the server asked for, in words ("a clear-text
  // password (password)").
  std::string method = {};
};

// `bytes` is everything the server has sent on a new connection so far
// (startup message sent, nothing read yet).
AuthJudgement judge_auth_request(std::string_view bytes);

}  // namespace pgdecl::pg
