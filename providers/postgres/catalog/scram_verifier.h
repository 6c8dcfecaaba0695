#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/core/secret.h"

namespace pgdecl::pg {

// A stored SCRAM-SHA-256 verifier, the form pg_authid.rolpassword holds:
//   SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>
// The salt and keys are kept decoded, as raw bytes.
struct ScramVerifier {
  int iterations = 0;
  std::string salt;
  std::string stored_key;
  std::string server_key;
};

// nullopt when `text` is not of that shape: another scheme, a missing part, bad base64, keys that are not
// 32 bytes, or an iteration count that is not a positive decimal number.
std::optional<ScramVerifier> parse_scram_verifier(std::string_view text);
bool is_scram_verifier(std::string_view text);

// The verifier PostgreSQL would store for `password` with this salt and iteration count, password
// normalised as the server does it (see compare_stored_password). `salt` is raw bytes; iterations > 0.
std::string build_scram_verifier(const Secret& password, std::string_view salt, int iterations);

// The most PBKDF2 iterations pgdecl spends on checking a stored verifier
// against a clear password. Every verifier pgdecl makes has PostgreSQL's
// default of 4096 (libpq 15 knows no other); this leaves room for one made
// elsewhere with a much stronger count (checked in tens of milliseconds)
// while a role whose verifier claims 2^31 iterations cannot make every plan
// spend minutes of CPU on it.
inline constexpr int kMaxCheckedIterations = 100'000;

// How the password stored on the server compares with the spec's password.
enum class StoredPassword {
  kMatches,
  kDiffers,
  kNone,       // rolpassword is NULL
  kNotScram,   // an md5 hash or anything else that is not a SCRAM-SHA-256 verifier
  kTooCostly,  // a verifier with more than kMaxCheckedIterations: not checked, set again
};

// `stored`: rolpassword, nullopt for NULL. `wanted`: the spec's password in clear, or itself a SCRAM
// verifier (PostgreSQL stores one given to ALTER ROLE as it is, so the two must then be equal). A clear
// password is hashed again with the stored salt and iteration count, and both StoredKey and ServerKey
// must match.
//
// The password goes through the server's SASLprep first (non-ASCII spaces become U+0020, soft hyphens and
// the like go), except for the steps that need Unicode tables, NFKC normalisation above all. So a non-ASCII
// password that is not already in NFKC form (say U+FB01 "ﬁ", which the server turns into "fi") compares as
// kDiffers although the server would accept it, and setting it again is harmless. ASCII passwords are
// always exact; scram_verifier.cc lists the rare UTF-8 cases that are not.
StoredPassword compare_stored_password(const std::optional<std::string>& stored, const Secret& wanted);

// The iteration count a stored verifier claims, when it is one.
std::optional<int> stored_iterations(const std::optional<std::string>& stored);

}  // namespace pgdecl::pg
