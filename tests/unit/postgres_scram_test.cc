#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "engine/core/secret.h"
#include "providers/postgres/catalog/scram_verifier.h"

namespace pgdecl::pg {
namespace {

// Verifiers stored by a real PostgreSQL 15.20 (local image postgres:15): a scratch cluster made with
// `initdb -E UTF8 --locale=C.UTF-8`, then through psql
//   SET password_encryption = 'scram-sha-256'; CREATE ROLE r_... LOGIN PASSWORD '...';
// and SELECT rolpassword FROM pg_authid. The passwords are in the comments, as SQL literals. Logging in
// over TCP with scram-sha-256 confirmed the surprising ones (noted "login checked").
// 's3cret-Passw0rd'
constexpr const char* kPlain =
    "SCRAM-SHA-256$4096:BBSMc7HoZM/LcKZFd+SjPw==$Hqf4SAqBctN26jFOHJJse+PvmWN+hEuwjpJtZHO4ng0=:"
    "VpQ/o+2BvAlhhuQv9N1BRqmbkeVZtt02eemd2f4w2J0=";
// 'it''s a \back\slash  pass' (standard_conforming_strings: the backslashes are literal; two spaces)
constexpr const char* kQuoted =
    "SCRAM-SHA-256$4096:K3JRf0YTby2xD5gjegB1JA==$/0N3NQu/5ty+V53Gv5RkGMcXBGNsReYmF8Y7F+ho1Xg=:"
    "py0o+xWZom5BvL4KjR8Zlk9HrKZtp69uXdGkjRKhnmY=";
// 'x'
constexpr const char* kOneChar =
    "SCRAM-SHA-256$4096:t4nUnqCbYUt1kf0QdewOKw==$Y5Qv10JuTCPhuvbrg3Majr4sXrYNpT+FAKPV3j27u3g=:"
    "5b7htfSqT64LQYbRYPjrpQo6qEwZdUJFCEJZvQNG+mg=";
// E'tab\there'
constexpr const char* kTab =
    "SCRAM-SHA-256$4096:El6dpXsvf6uqmMxiLXO7RQ==$4D2BqY7KmZbb9PuML4O44Tu5IOUz0l8+kL69smeUSwI=:"
    "C32EvbHyPxq2WqM9bJ1MkwBI6TY/QvyagJiXQeR02hM=";
// U&'no\00A0break' (login checked with "no break" too)
constexpr const char* kNoBreakSpace =
    "SCRAM-SHA-256$4096:zMNbNS0AloR76sMKk+dm2A==$ZdcIO7zWYWhS9vushQAjoDqqzPpE8Dsq7E4LihOWW6A=:"
    "+Ff1EA8lDNJHOUXeBOP0jsMk0B3YmQyd8FlCud0QVVo=";
// U&'soft\00ADhyphen' (login checked with "softhyphen" too)
constexpr const char* kSoftHyphen =
    "SCRAM-SHA-256$4096:wSkuS9cnfxLSxL9Q/M4xig==$ZjOb9+XcffyQGsAFHQQ8eGEBSEKwKZMNi8kdiYQqgsU=:"
    "Jq803iQEbUNoc0G5+h/+ZjNZVX3+XsCDPh7tanJ6BZQ=";
// U&'caf\00E9'
constexpr const char* kCafe =
    "SCRAM-SHA-256$4096:GKNMUXnnkZkyfGzh0COXbw==$NIMaMY6C6HVuuHeWpJtBxiizEHtt+SkLjtWDZzL11iA=:"
    "9/n/itzY1NkC44ApWWo6plv6OMAFo+HXjnonvPPurr0=";
// U&'\00AD': empty once mapped, so SASLprep refuses it and the server hashes the raw bytes (login checked)
constexpr const char* kOnlySoftHyphen =
    "SCRAM-SHA-256$4096:YT2s29YBqcWYQnSfve0iFA==$kLQlQHRyEK5A3wRCBRotUdd6B5XbbwBrjd7WNQqGZFo=:"
    "Lc81WyqZR5LeDCfaVv0l1fBYRZxsGlH/SaN3X/D+CkM=";
// U&'pr\00A0iv\E000': U+E000 is private use, prohibited, so the raw bytes are hashed, U+00A0 included
// (login checked: the raw password logs in, "pr iv\uE000" does not)
constexpr const char* kProhibited =
    "SCRAM-SHA-256$4096:5j5WSrXNPn7UibD38X3R9A==$icMevYqfR32SJZP69zQ+6nxy0wa8R7uhS0k04low4Sc=:"
    "kVR1Fzr7d8cm+xQnwRX5iqs9CTxHHK3M+oh40s2xiyg=";
// U&'\FB01x': the server's NFKC turns the ligature into "fi" (login checked with "fix")
constexpr const char* kLigature =
    "SCRAM-SHA-256$4096:eB9Y9p/vHdSc3MVfkqs44w==$hWL8395kOY4kMxtiei820lxNym3RCT75NnYLGg+zpug=:"
    "PnvbN6BKxvt5raclTgA1OwwevVTQ4YoEKnmQl1AsoeU=";
// E'bad\xFFbyte', set from a SQL_ASCII database so that the byte reaches the server (login checked)
constexpr const char* kInvalidUtf8 =
    "SCRAM-SHA-256$4096:a43GzLBRnKgVinvX98Xopg==$tWw6Z6fP1phCeQxpVq4Gli8psepf5laIGBGjWBO9xOM=:"
    "9roV1HhJNZmnkMShnIoX5rzcpoJNOF8/T7y37VlSzKc=";
// PostgreSQL 15 always uses 4096 iterations (scram_iterations is 16+). This one, for 'iterated' with 10000
// iterations and salt bytes 1..16, was computed with Python's hashlib, then given to ALTER ROLE, which
// stores it as it is; logging in with 'iterated' worked, with 'iterateD' it failed.
constexpr const char* kTenThousandIterations =
    "SCRAM-SHA-256$10000:AQIDBAUGBwgJCgsMDQ4PEA==$d72//PjQsKG74uoskREqMad0nuY0VXnuB2uBADmUDGM=:"
    "GXaxdN1d3bRYaUmIAs6BSgbWRXkzfYo7Bg9BY/H+aEk=";
// SET password_encryption = 'md5'; CREATE ROLE r_md5 PASSWORD 's3cret-Passw0rd'
constexpr const char* kMd5 = "md54c58fcce16e5153dc1e8d726521925d3";

StoredPassword compare(const std::optional<std::string>& stored, const std::string& password) {
  return compare_stored_password(stored, Secret(password));
}

// The verifier with one base64 character of a key changed, still well formed.
std::string with_key_changed(std::string verifier, bool server_key) {
  std::size_t at = server_key ? verifier.rfind(':') + 1 : verifier.rfind('$') + 1;
  verifier[at] = verifier[at] == 'A' ? 'B' : 'A';
  return verifier;
}

TEST_CASE("a clear password matches the verifier PostgreSQL stored for it", "[postgres][scram][unit]") {
  CHECK(compare(kPlain, "s3cret-Passw0rd") == StoredPassword::kMatches);
  CHECK(compare(kQuoted, "it's a \\back\\slash  pass") == StoredPassword::kMatches);
  CHECK(compare(kOneChar, "x") == StoredPassword::kMatches);
  // ASCII is hashed as it is, control characters included.
  CHECK(compare(kTab, "tab\there") == StoredPassword::kMatches);
  CHECK(compare(kCafe, "caf\xC3\xA9") == StoredPassword::kMatches);
}

TEST_CASE("a wrong password or a changed key differs", "[postgres][scram][unit]") {
  CHECK(compare(kPlain, "hunter2") == StoredPassword::kDiffers);
  CHECK(compare(kPlain, "s3cret-Passw0rD") == StoredPassword::kDiffers);
  CHECK(compare(kPlain, "s3cret-Passw0rd ") == StoredPassword::kDiffers);
  CHECK(compare(kPlain, "") == StoredPassword::kDiffers);
  CHECK(compare(kQuoted, "it's a \\back\\slash pass") == StoredPassword::kDiffers);  // one space
  CHECK(compare(kOneChar, "y") == StoredPassword::kDiffers);
  CHECK(compare(kCafe, "cafe") == StoredPassword::kDiffers);
  // The right password against a verifier whose ServerKey, or StoredKey, is not the one it makes.
  std::string server_key_changed = with_key_changed(kPlain, true);
  std::string stored_key_changed = with_key_changed(kPlain, false);
  REQUIRE(is_scram_verifier(server_key_changed));
  REQUIRE(is_scram_verifier(stored_key_changed));
  CHECK(compare(server_key_changed, "s3cret-Passw0rd") == StoredPassword::kDiffers);
  CHECK(compare(stored_key_changed, "s3cret-Passw0rd") == StoredPassword::kDiffers);
}

TEST_CASE("no password and non-SCRAM passwords are told apart", "[postgres][scram][unit]") {
  CHECK(compare(std::nullopt, "s3cret-Passw0rd") == StoredPassword::kNone);
  CHECK(compare(std::nullopt, kPlain) == StoredPassword::kNone);
  CHECK(compare(kMd5, "s3cret-Passw0rd") == StoredPassword::kNotScram);
  CHECK(compare(std::string("s3cret-Passw0rd"), "s3cret-Passw0rd") == StoredPassword::kNotScram);
}

TEST_CASE("non-ASCII spaces become spaces and soft hyphens vanish, as in the server's SASLprep",
          "[postgres][scram][unit]") {
  CHECK(compare(kNoBreakSpace,
                "no\xC2\xA0"
                "break") == StoredPassword::kMatches);
  CHECK(compare(kNoBreakSpace, "no break") == StoredPassword::kMatches);
  CHECK(compare(kNoBreakSpace,
                "no\xE2\x80\x83"
                "break") == StoredPassword::kMatches);  // U+2003 em space
  CHECK(compare(kNoBreakSpace, "nobreak") == StoredPassword::kDiffers);
  CHECK(compare(kSoftHyphen,
                "soft\xC2\xAD"
                "hyphen") == StoredPassword::kMatches);
  CHECK(compare(kSoftHyphen, "softhyphen") == StoredPassword::kMatches);
  CHECK(compare(kSoftHyphen,
                "soft\xE2\x80\x8D"
                "hyphen") == StoredPassword::kMatches);  // U+200D ZWJ
  CHECK(compare(kSoftHyphen, "soft-hyphen") == StoredPassword::kDiffers);
}

TEST_CASE("when SASLprep refuses a password the raw bytes are hashed, as the server does",
          "[postgres][scram][unit]") {
  // Nothing left after mapping.
  CHECK(compare(kOnlySoftHyphen, "\xC2\xAD") == StoredPassword::kMatches);
  CHECK(compare(kOnlySoftHyphen, "") == StoredPassword::kDiffers);
  // A prohibited character: the no-break space is not mapped either.
  CHECK(compare(kProhibited,
                "pr\xC2\xA0"
                "iv\xEE\x80\x80") == StoredPassword::kMatches);
  CHECK(compare(kProhibited, "pr iv\xEE\x80\x80") == StoredPassword::kDiffers);
  // Not UTF-8.
  CHECK(compare(kInvalidUtf8,
                "bad\xFF"
                "byte") == StoredPassword::kMatches);
  CHECK(compare(kInvalidUtf8, "bad byte") == StoredPassword::kDiffers);
}

TEST_CASE("NFKC is not applied: a password not in NFKC form compares as differing",
          "[postgres][scram][unit]") {
  // Documented limitation. The server hashed "fix"; the ligature as typed is reported as a difference.
  CHECK(compare(kLigature, "fix") == StoredPassword::kMatches);
  CHECK(compare(kLigature, "\xEF\xAC\x81x") == StoredPassword::kDiffers);
}

TEST_CASE("the stored iteration count is used", "[postgres][scram][unit]") {
  CHECK(compare(kTenThousandIterations, "iterated") == StoredPassword::kMatches);
  CHECK(compare(kTenThousandIterations, "iterateD") == StoredPassword::kDiffers);
}

TEST_CASE("a verifier with more iterations than pgdecl checks is not hashed but set again",
          "[postgres][scram][unit]") {
  // What a role can store by hand: keys of the right length, any count.
  const std::string huge = "SCRAM-SHA-256$2147483647:AAAAAAAAAAAAAAAAAAAAAA==$" + std::string(43, 'A') +
                           "=:" + std::string(43, 'A') + "=";
  const auto started = std::chrono::steady_clock::now();
  CHECK(compare(huge, "anything") == StoredPassword::kTooCostly);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(100));
  CHECK(stored_iterations(huge) == 2147483647);

  // At the limit the check is still made, and is exact.
  auto plain = parse_scram_verifier(kPlain);
  REQUIRE(plain);
  const std::string at_limit =
      build_scram_verifier(Secret("s3cret-Passw0rd"), plain->salt, kMaxCheckedIterations);
  CHECK(compare(at_limit, "s3cret-Passw0rd") == StoredPassword::kMatches);
  CHECK(compare(at_limit, "s3cret-Passw0rd!") == StoredPassword::kDiffers);
  // A verifier given as the password is compared as text, whatever its count.
  CHECK(compare(huge, huge) == StoredPassword::kMatches);
}

TEST_CASE("build_scram_verifier reproduces the server's verifiers from their salt",
          "[postgres][scram][unit]") {
  auto plain = parse_scram_verifier(kPlain);
  auto no_break = parse_scram_verifier(kNoBreakSpace);
  auto iterated = parse_scram_verifier(kTenThousandIterations);
  REQUIRE(plain);
  REQUIRE(no_break);
  REQUIRE(iterated);
  CHECK(build_scram_verifier(Secret("s3cret-Passw0rd"), plain->salt, 4096) == kPlain);
  CHECK(build_scram_verifier(Secret("no\xC2\xA0"
                                    "break"),
                             no_break->salt, 4096) == kNoBreakSpace);
  CHECK(build_scram_verifier(Secret("iterated"), iterated->salt, 10000) == kTenThousandIterations);
  // Another count makes another verifier, which the comparison then reads its count from.
  std::string fewer = build_scram_verifier(Secret("s3cret-Passw0rd"), plain->salt, 1000);
  CHECK(fewer.starts_with("SCRAM-SHA-256$1000:BBSMc7HoZM/LcKZFd+SjPw==$"));
  CHECK(fewer != kPlain);
  CHECK(compare(fewer, "s3cret-Passw0rd") == StoredPassword::kMatches);
  CHECK(compare(fewer, "s3cret-Passw0rd!") == StoredPassword::kDiffers);
}

TEST_CASE("a verifier given as the password is compared with the stored one", "[postgres][scram][unit]") {
  CHECK(compare(kPlain, kPlain) == StoredPassword::kMatches);
  CHECK(compare(kPlain, kQuoted) == StoredPassword::kDiffers);
  // Same password, other salt: the server would store this verifier as it is, so it is a change.
  auto plain = parse_scram_verifier(kPlain);
  REQUIRE(plain);
  std::string salt = plain->salt;
  salt[0] = static_cast<char>(salt[0] ^ 1);
  CHECK(compare(kPlain, build_scram_verifier(Secret("s3cret-Passw0rd"), salt, 4096)) ==
        StoredPassword::kDiffers);
  CHECK(compare(kPlain, build_scram_verifier(Secret("s3cret-Passw0rd"), plain->salt, 4097)) ==
        StoredPassword::kDiffers);
  CHECK(compare(kPlain, with_key_changed(kPlain, true)) == StoredPassword::kDiffers);
  CHECK(compare(kMd5, kPlain) == StoredPassword::kNotScram);
}

TEST_CASE("parse_scram_verifier decodes the parts", "[postgres][scram][unit]") {
  auto verifier = parse_scram_verifier(kTenThousandIterations);
  REQUIRE(verifier);
  CHECK(verifier->iterations == 10000);
  CHECK(verifier->salt == std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\x0C\x0D\x0E\x0F\x10"));
  CHECK(verifier->stored_key.size() == 32);
  CHECK(verifier->server_key.size() == 32);
  CHECK(verifier->stored_key.substr(0, 3) == "\x77\xbd\xbf");  // "d72/" in base64
  CHECK(verifier->server_key.substr(0, 3) == "\x19\x76\xb1");  // "GXax"
  CHECK(is_scram_verifier(kPlain));
}

TEST_CASE("parse_scram_verifier rejects malformed verifiers", "[postgres][scram][unit]") {
  const std::string salt = "BBSMc7HoZM/LcKZFd+SjPw==";
  const std::string stored = "Hqf4SAqBctN26jFOHJJse+PvmWN+hEuwjpJtZHO4ng0=";
  const std::string server = "VpQ/o+2BvAlhhuQv9N1BRqmbkeVZtt02eemd2f4w2J0=";
  auto make = [&](const std::string& iterations, const std::string& s, const std::string& k1,
                  const std::string& k2) {
    return "SCRAM-SHA-256$" + iterations + ":" + s + "$" + k1 + ":" + k2;
  };
  REQUIRE(is_scram_verifier(make("4096", salt, stored, server)));  // the parts below are the only fault

  const std::string malformed[] = {
      "",
      kMd5,
      "SCRAM-SHA-256",
      "SCRAM-SHA-256$",
      "scram-sha-256$4096:" + salt + "$" + stored + ":" + server,  // scheme is case sensitive
      "SCRAM-SHA-1$4096:" + salt + "$" + stored + ":" + server,
      "SCRAM-SHA-256$4096:" + salt,                               // no keys
      "SCRAM-SHA-256$4096:" + salt + "$" + stored,                // no ServerKey
      "SCRAM-SHA-256$4096" + salt + "$" + stored + ":" + server,  // no colon after the count
      "SCRAM-SHA-256$" + salt + "$" + stored + ":" + server,      // no count
      make("", salt, stored, server),
      make("0", salt, stored, server),
      make("-4096", salt, stored, server),
      make("+4096", salt, stored, server),
      make(" 4096", salt, stored, server),
      make("4096x", salt, stored, server),
      make("many", salt, stored, server),
      make("99999999999", salt, stored, server),  // past int
      make("4096", "", stored, server),
      make("4096", "BBSMc7HoZM/LcKZFd+SjPw=", stored, server),        // length not a multiple of 4
      make("4096", "BBSMc7HoZM/LcKZFd+Sj!w==", stored, server),       // not in the alphabet
      make("4096", "BBSMc7Ho=M/LcKZFd+SjPw==", stored, server),       // padding inside
      make("4096", salt, stored.substr(0, 40), server),               // 30 bytes, not 32
      make("4096", salt, stored, server.substr(0, 40) + "AAAAAAAA"),  // 36 bytes
      make("4096", salt, stored, server + ":" + server),
      make("4096", salt, stored, ""),
  };
  for (const auto& text : malformed) {
    INFO(text);
    CHECK_FALSE(parse_scram_verifier(text));
    CHECK_FALSE(is_scram_verifier(text));
    CHECK(compare(text, "s3cret-Passw0rd") == StoredPassword::kNotScram);
  }
}

}  // namespace
}  // namespace pgdecl::pg
