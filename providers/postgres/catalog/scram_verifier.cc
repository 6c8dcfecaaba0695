#include "providers/postgres/catalog/scram_verifier.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace pgdecl::pg {
namespace {

constexpr std::string_view kScheme = "SCRAM-SHA-256$";
constexpr std::size_t kKeyLength = SHA256_DIGEST_LENGTH;

using Digest = std::array<unsigned char, kKeyLength>;

// The OpenSSL calls below fail only when memory runs out. The functions using them have no way to fail,
// and a wrong answer is worse than none, so give up as SecretsFile::generate_password does.
[[noreturn]] void openssl_failed(const char* what) {
  std::fprintf(stderr, "pgdecl: OpenSSL's %s failed\n", what);
  std::abort();
}

// Strict RFC 4648 base64: whole groups of four, '=' only as the last one or two characters. Written out
// because EVP_DecodeBlock counts padding as zero bytes and skips surrounding blanks.
std::optional<std::string> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  std::string bytes;
  std::uint32_t bits = 0;
  int pending = 0;
  for (char c : text.substr(0, text.size() - padding)) {
    int value = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '+'             ? 62
                : c == '/'             ? 63
                                       : -1;
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      bytes.push_back(static_cast<char>((bits >> pending) & 0xFF));
    }
  }
  return bytes;
}

std::string encode_base64(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
  int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(length));
  return text;
}

// SASLprep (RFC 4013) as PostgreSQL applies it before hashing: pg_saslprep in src/common/saslprep.c, called
// by scram_build_secret, which hashes the password unchanged whenever pg_saslprep fails.
struct CodeRange {
  char32_t first, last;
};

bool in_ranges(char32_t code, const CodeRange* begin, const CodeRange* end) {
  for (auto* range = begin; range != end; ++range) {
    if (code >= range->first && code <= range->last) return true;
  }
  return false;
}

// RFC 3454 C.1.2, mapped to U+0020.
constexpr CodeRange kNonAsciiSpaces[] = {{0x00A0, 0x00A0}, {0x1680, 0x1680}, {0x2000, 0x200B},
                                         {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}};
// RFC 3454 B.1, removed. U+200B is in both tables; PostgreSQL checks the spaces first.
constexpr CodeRange kMappedToNothing[] = {{0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x1806, 0x1806},
                                          {0x180B, 0x180D}, {0x200B, 0x200D}, {0x2060, 0x2060},
                                          {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF}};
// PostgreSQL's prohibited_output_ranges: RFC 3454 C.1.2, C.2.1, C.2.2, C.3 to C.9, merged.
constexpr CodeRange kProhibited[] = {
    {0x0000, 0x001F},   {0x007F, 0x00A0},   {0x0340, 0x0341},   {0x06DD, 0x06DD},   {0x070F, 0x070F},
    {0x1680, 0x1680},   {0x180E, 0x180E},   {0x2000, 0x200F},   {0x2028, 0x202F},   {0x205F, 0x2063},
    {0x206A, 0x206F},   {0x2FF0, 0x2FFB},   {0x3000, 0x3000},   {0xD800, 0xF8FF},   {0xFDD0, 0xFDEF},
    {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFF},   {0x1D173, 0x1D17A}, {0x1FFFE, 0x1FFFF}, {0x2FFFE, 0x2FFFF},
    {0x3FFFE, 0x3FFFF}, {0x4FFFE, 0x4FFFF}, {0x5FFFE, 0x5FFFF}, {0x6FFFE, 0x6FFFF}, {0x7FFFE, 0x7FFFF},
    {0x8FFFE, 0x8FFFF}, {0x9FFFE, 0x9FFFF}, {0xAFFFE, 0xAFFFF}, {0xBFFFE, 0xBFFFF}, {0xCFFFE, 0xCFFFF},
    {0xDFFFE, 0xDFFFF}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xEFFFE, 0xEFFFF}, {0xF0000, 0x10FFFF}};

template <std::size_t N>
bool in_table(char32_t code, const CodeRange (&table)[N]) {
  return in_ranges(code, table, table + N);
}

// One code point from the front of `text`, which it consumes; nullopt for bytes that are not UTF-8.
// Overlong forms, surrogates and values past U+10FFFF are refused, as pg_utf8_islegal does.
std::optional<char32_t> next_code_point(std::string_view& text) {
  auto lead = static_cast<unsigned char>(text[0]);
  std::size_t length = lead < 0x80   ? 1
                       : lead < 0xC2 ? 0
                       : lead < 0xE0 ? 2
                       : lead < 0xF0 ? 3
                       : lead < 0xF5 ? 4
                                     : 0;
  if (length == 0 || length > text.size()) return std::nullopt;
  char32_t code = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    auto next = static_cast<unsigned char>(text[i]);
    if ((next & 0xC0) != 0x80) return std::nullopt;
    code = (code << 6) | (next & 0x3F);
  }
  if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10FFFF)) ||
      (code >= 0xD800 && code <= 0xDFFF))
    return std::nullopt;
  text.remove_prefix(length);
  return code;
}

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// The bytes PostgreSQL hashes for `password`. pg_saslprep leaves pure ASCII alone, control characters
// included; otherwise it maps spaces and drops B.1 characters, then refuses an empty result, prohibited
// characters (checked on the mapped text, before normalising) and invalid UTF-8, and on every refusal the
// server hashes the original bytes. Not done here, for want of the Unicode tables: the NFKC normalisation,
// and the refusal of code points unassigned in Unicode 3.2 (A.1) and of mixed-direction text (RFC 3454
// section 6). So a password whose NFKC form differs from it, or one that holds such characters as well as
// a mapped one, does not hash as on the server.
Secret sasl_prepare(const std::string& password) {
  bool ascii = true;
  for (char c : password) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return Secret(password);
  std::string prepared;
  prepared.reserve(password.size());  // mapping never lengthens the text, so no reallocated copies linger
  std::string_view rest = password;
  while (!rest.empty()) {
    auto code = next_code_point(rest);
    if (!code) return Secret(password);
    if (in_table(*code, kNonAsciiSpaces)) {
      prepared.push_back(' ');
    } else if (!in_table(*code, kMappedToNothing)) {
      if (in_table(*code, kProhibited)) return Secret(password);
      append_utf8(prepared, *code);
    }
  }
  if (prepared.empty()) return Secret(password);
  return Secret(std::move(prepared));
}

Digest hmac_sha256(const Digest& key, std::string_view message) {
  Digest out;
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &length))
    openssl_failed("HMAC");
  return out;
}

// StoredKey and ServerKey for a password, as scram_build_secret computes them (RFC 5802).
struct ScramKeys {
  Digest stored_key, server_key;
};

ScramKeys derive_keys(const Secret& password, std::string_view salt, int iterations) {
  Secret prepared = sasl_prepare(password.reveal());
  Digest salted;
  if (PKCS5_PBKDF2_HMAC(prepared.reveal().data(), static_cast<int>(prepared.reveal().size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        iterations, EVP_sha256(), static_cast<int>(salted.size()), salted.data()) != 1)
    openssl_failed("PBKDF2");
  Digest client_key = hmac_sha256(salted, "Client Key");
  ScramKeys keys;
  if (!SHA256(client_key.data(), client_key.size(), keys.stored_key.data())) openssl_failed("SHA-256");
  keys.server_key = hmac_sha256(salted, "Server Key");
  // With the stored verifier, either of these is enough to log in as the role.
  OPENSSL_cleanse(salted.data(), salted.size());
  OPENSSL_cleanse(client_key.data(), client_key.size());
  return keys;
}

bool same_bytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view as_text(const Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace

std::optional<ScramVerifier> parse_scram_verifier(std::string_view text) {
  if (!text.starts_with(kScheme)) return std::nullopt;
  text.remove_prefix(kScheme.size());
  auto dollar = text.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  std::string_view parameters = text.substr(0, dollar), keys = text.substr(dollar + 1);
  auto colon = parameters.find(':'), key_colon = keys.find(':');
  if (colon == std::string_view::npos || key_colon == std::string_view::npos) return std::nullopt;

  ScramVerifier verifier;
  std::string_view iterations = parameters.substr(0, colon);
  // from_chars alone would take a sign.
  if (iterations.empty() || iterations.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  auto [end, error] =
      std::from_chars(iterations.data(), iterations.data() + iterations.size(), verifier.iterations);
  if (error != std::errc() || verifier.iterations <= 0) return std::nullopt;

  auto salt = decode_base64(parameters.substr(colon + 1));
  auto stored_key = decode_base64(keys.substr(0, key_colon));
  auto server_key = decode_base64(keys.substr(key_colon + 1));
  if (!salt || !stored_key || !server_key) return std::nullopt;
  if (stored_key->size() != kKeyLength || server_key->size() != kKeyLength) return std::nullopt;
  verifier.salt = std::move(*salt);
  verifier.stored_key = std::move(*stored_key);
  verifier.server_key = std::move(*server_key);
  return verifier;
}

bool is_scram_verifier(std::string_view text) { return parse_scram_verifier(text).has_value(); }

std::string build_scram_verifier(const Secret& password, std::string_view salt, int iterations) {
  ScramKeys keys = derive_keys(password, salt, iterations);
  return std::string(kScheme) + std::to_string(iterations) + ":" + encode_base64(salt) + "$" +
         encode_base64(as_text(keys.stored_key)) + ":" + encode_base64(as_text(keys.server_key));
}

StoredPassword compare_stored_password(const std::optional<std::string>& stored, const Secret& wanted) {
  if (!stored) return StoredPassword::kNone;
  auto have = parse_scram_verifier(*stored);
  if (!have) return StoredPassword::kNotScram;
  if (auto given = parse_scram_verifier(wanted.reveal())) {
    bool same = given->iterations == have->iterations && given->salt == have->salt &&
                same_bytes(given->stored_key, have->stored_key) &&
                same_bytes(given->server_key, have->server_key);
    return same ? StoredPassword::kMatches : StoredPassword::kDiffers;
  }
  // Checked before any hashing: the count is the server's to choose.
  if (have->iterations > kMaxCheckedIterations) return StoredPassword::kTooCostly;
  ScramKeys keys = derive_keys(wanted, have->salt, have->iterations);
  // Both keys: with the right StoredKey but another ServerKey, clients refuse the server's signature and
  // every login fails, so the password is not in place.
  bool same = same_bytes(as_text(keys.stored_key), have->stored_key) &&
              same_bytes(as_text(keys.server_key), have->server_key);
  return same ? StoredPassword::kMatches : StoredPassword::kDiffers;
}

std::optional<int> stored_iterations(const std::optional<std::string>& stored) {
  if (!stored) return std::nullopt;
  auto have = parse_scram_verifier(*stored);
  if (!have) return std::nullopt;
  return have->iterations;
}

}  // namespace pgdecl::pg
