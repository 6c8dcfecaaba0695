#include "providers/postgres/session/auth_request.h"

#include <cstdint>

namespace pgdecl::pg {
namespace {

using Verdict = AuthJudgement::Verdict;

// Authentication request codes of the frontend/backend protocol 3.0.
constexpr std::uint32_t kAuthOk = 0;
constexpr std::uint32_t kAuthKerberosV5 = 2;
constexpr std::uint32_t kAuthCleartext = 3;
constexpr std::uint32_t kAuthMd5 = 5;
constexpr std::uint32_t kAuthScmCredential = 6;
constexpr std::uint32_t kAuthGss = 7;
constexpr std::uint32_t kAuthSspi = 9;
constexpr std::uint32_t kAuthSasl = 10;

std::uint32_t big_endian_32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

AuthJudgement refused(std::string method) { return {Verdict::kRefused, std::move(method)}; }

// A SASL request lists mechanism names, each ended by a zero byte, the
// list ended by an empty name.
AuthJudgement judge_sasl(std::string_view mechanisms) {
  std::string offered;
  while (!mechanisms.empty() && mechanisms.front() != '\0') {
    const std::size_t end = mechanisms.find('\0');
    if (end == std::string_view::npos) break;
    const std::string_view name = mechanisms.substr(0, end);
    if (name == "SCRAM-SHA-256") return {Verdict::kScram, ""};
    offered += (offered.empty() ? "" : ", ") + std::string(name);
    mechanisms.remove_prefix(end + 1);
  }
  return refused("SASL without SCRAM-SHA-256 (it offered: " + (offered.empty() ? "nothing" : offered) + ")");
}

AuthJudgement judge_code(std::uint32_t code, std::string_view body) {
  switch (code) {
    case kAuthOk:
      return refused("no password at all (trust)");
    case kAuthCleartext:
      return refused("a clear-text password (password)");
    case kAuthMd5:
      return refused("an MD5 hash of the password (md5)");
    case kAuthKerberosV5:
      return refused("Kerberos V5");
    case kAuthScmCredential:
      return refused("SCM credentials");
    case kAuthGss:
      return refused("GSSAPI");
    case kAuthSspi:
      return refused("SSPI");
    case kAuthSasl:
      return judge_sasl(body);
    default:
      return refused("authentication request " + std::to_string(code));
  }
}

}  // namespace

AuthJudgement judge_auth_request(std::string_view bytes) {
  // A message is a type byte and a length that counts itself but not the
  // type. Only 'v' (the server's protocol version note) may come first.
  std::size_t at = 0;
  while (true) {
    if (bytes.size() < at + 5) return {};
    const char type = bytes[at];
    const std::uint32_t length = big_endian_32(bytes, at + 1);
    if (type != 'R' && type != 'v') return {Verdict::kNotAsked, ""};
    if (length < 8 || length > kMaxAuthRequestBytes)
      return refused("a request of " + std::to_string(length) + " bytes, which is not PostgreSQL's");
    if (bytes.size() < at + 1 + length) return {};
    if (type == 'v') {
      at += 1 + length;
      continue;
    }
    AuthJudgement judged = judge_code(big_endian_32(bytes, at + 5), bytes.substr(at + 9, length - 8));
    // A server asking for SCRAM waits for the client's first message; one
    // that sends more before it is not following the protocol.
    if (judged.verdict == Verdict::kScram && bytes.size() > at + 1 + length)
      return refused("SCRAM-SHA-256, then more before pgdecl's answer");
    return judged;
  }
}

}  // namespace pgdecl::pg
