#include "cluster/spec/formats.h"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <regex>

namespace pgdecl::spec {
namespace {

// libstdc++'s std::regex recurses once per character matched: a value of
// 100,000 characters overflows the stack. No value these patterns accept
// comes near this length, so a longer one is refused without matching.
// Each pattern is compiled once: compiling costs far more than matching, and
// a spec is checked against the same few patterns many times.
bool matches(const std::string& text, const std::string& pattern) {
  static std::mutex guard;
  static std::map<std::string, std::regex> compiled;
  if (text.size() > kMaxMatchedLength) return false;
  const std::regex* regex = nullptr;
  {
    std::lock_guard<std::mutex> lock(guard);
    regex = &compiled.try_emplace(pattern, pattern).first->second;
  }
  return std::regex_match(text, *regex);
}

bool parse_uint(std::string_view text, unsigned& out) {
  if (text.empty() || text.size() > 6) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// An IPv4 or IPv6 address as bytes, so one prefix check serves both.
struct IpBytes {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
  unsigned bits() const { return family == AF_INET ? 32 : 128; }
};

std::optional<IpBytes> parse_ip(const std::string& text) {
  IpBytes ip;
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, text.c_str(), ip.bytes.data()) == 1) {
      ip.family = family;
      return ip;
    }
  }
  return std::nullopt;
}

std::string format_ip(const IpBytes& ip) {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip.family, ip.bytes.data(), buffer, sizeof buffer);
  return buffer;
}

// Clears the host part; returns whether any of its bits were set.
bool clear_host_bits(IpBytes& ip, unsigned prefix) {
  bool had_bits = false;
  for (unsigned bit = prefix; bit < ip.bits(); ++bit) {
    unsigned char mask = static_cast<unsigned char>(0x80u >> (bit % 8));
    if (ip.bytes[bit / 8] & mask) had_bits = true;
    ip.bytes[bit / 8] &= static_cast<unsigned char>(~mask);
  }
  return had_bits;
}

}  // namespace

Check check_cluster_name(const std::string& name) {
  if (matches(name, "[a-z][a-z0-9_-]{0,40}")) return std::nullopt;
  return Problem{"invalid cluster name '" + name +
                     "': expected a lower-case letter, then up to 40 lower-case letters, digits, '_' or '-'",
                 {}};
}

Check check_object_name(const std::string& kind, const std::string& name) {
  if (matches(name, "[a-zA-Z0-9][a-zA-Z0-9_.-]*")) return std::nullopt;
  // Docker names the object <cluster>-<name> and refuses any other character.
  std::string fix = name;
  for (char& c : fix) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  }
  if (!fix.empty() && !std::isalnum(static_cast<unsigned char>(fix.front()))) fix.clear();
  return Problem{"invalid " + kind + " name '" + printable(name) +
                     "': Docker names hold a letter or digit, then letters, digits, '_', '.' or '-'",
                 fix};
}

Check check_slot_name(const std::string& replica) {
  const std::string slot = "pgdecl_" + replica;
  if (slot.size() > 63) {
    return Problem{"replica name '" + printable(replica) + "' makes the replication slot name '" +
                       printable(slot) + "', longer than the 63 bytes PostgreSQL allows",
                   {}};
  }
  if (matches(slot, "[a-z0-9_]+")) return std::nullopt;
  std::string fix = replica;
  for (char& c : fix) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) > 0x7f) c = '_';
  }
  return Problem{"replica name '" + printable(replica) + "' makes the replication slot name '" +
                     printable(slot) +
                     "', which PostgreSQL refuses: slot names hold only lower-case letters, digits and '_' "
                     "(or set replication.slots: false)",
                 fix};
}

std::string printable(const std::string& text) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Check check_sql_name(const std::string& kind, const std::string& name) {
  if (name.empty()) return Problem{"expected a non-empty " + kind + " name", {}};
  if (name.size() > 63) return Problem{kind + " name '" + name + "' is longer than 63 bytes", {}};
  // Names reach pg_hba.conf, passfiles and logs one a line: a line break
  // there would let a name write a line of its own.
  if (has_control_character(name)) {
    return Problem{kind + " name holds a line break or another control character", {}};
  }
  return std::nullopt;
}

Check check_valid_until(const std::string& text) {
  if (text == "infinity") return std::nullopt;
  if (matches(text,
              "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
              "([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)? "
              "?(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)?)?")) {
    return std::nullopt;
  }
  return Problem{"invalid valid_until '" + text +
                     "': expected infinity, or a date and time like 2030-01-01 or 2030-01-01 12:00:00+00",
                 {}};
}

Check check_parameter_name(const std::string& name) {
  if (matches(name, "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) return std::nullopt;
  return Problem{"invalid parameter name '" + name + "'", {}};
}

std::optional<std::string> cidr_problem(const std::string& cidr, std::string& fix) {
  auto slash = cidr.find('/');
  if (slash == std::string::npos) return "expected ADDRESS/PREFIX, like 172.18.0.0/16";
  std::string address = cidr.substr(0, slash);
  auto ip = parse_ip(address);
  if (!ip) return "'" + address + "' is not an IP address";
  unsigned prefix = 0;
  if (!parse_uint(std::string_view(cidr).substr(slash + 1), prefix) || prefix > ip->bits()) {
    return "expected a prefix from 0 to " + std::to_string(ip->bits());
  }
  if (clear_host_bits(*ip, prefix)) {
    fix = format_ip(*ip) + "/" + std::to_string(prefix);
    return "host bits are set";
  }
  return std::nullopt;
}

Check check_subnet(const std::string& cidr) {
  std::string fix;
  if (auto problem = cidr_problem(cidr, fix))
    return Problem{"invalid subnet '" + cidr + "': " + *problem, fix};
  return std::nullopt;
}

bool is_netmask(const std::string& mask) {
  auto ip = parse_ip(mask);
  if (!ip) return false;
  bool ones = true;
  for (unsigned bit = 0; bit < ip->bits(); ++bit) {
    bool set = ip->bytes[bit / 8] & (0x80u >> (bit % 8));
    if (set && !ones) return false;
    ones = set;
  }
  return true;
}

bool same_family(const std::string& a, const std::string& b) {
  auto x = parse_ip(a), y = parse_ip(b);
  return x && y && x->family == y->family;
}

bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xe  ? 3
                         : (byte >> 3) == 0x1e ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) return false;
    std::uint32_t point = length == 1 ? byte : byte & (0x7f >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      point = (point << 6) | (next & 0x3f);
    }
    static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (point < kSmallest[length] || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return false;
    i += length;
  }
  return true;
}

bool has_control_character(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

Check check_docker_host(const std::string& host) {
  for (const char* scheme : {"unix://", "tcp://"}) {
    if (host.rfind(scheme, 0) == 0 && host.size() > std::strlen(scheme)) return std::nullopt;
  }
  return Problem{"expected a unix:// or tcp:// address for 'host', got '" + host + "'", {}};
}

Check check_env_name(const std::string& name) {
  if (matches(name, "[A-Za-z_][A-Za-z0-9_]*")) return std::nullopt;
  // The value is not echoed: it is written under a password key, and a
  // password put here by mistake must not reach the output.
  return Problem{
      "expected an environment variable name for 'env' (letters, digits and '_', not first a digit)", {}};
}

Check check_scram_verifier(const std::string& verifier) {
  // A malformed verifier would be taken by Postgres as a clear-text password.
  const char* b64 = "[A-Za-z0-9+/]+=*";
  std::string pattern = std::string("SCRAM-SHA-256\\$[0-9]+:") + b64 + "\\$" + b64 + ":" + b64;
  if (matches(verifier, pattern)) return std::nullopt;
  return Problem{
      "malformed SCRAM verifier: expected SCRAM-SHA-256$<iterations>:<salt>$<storedkey>:<serverkey>", {}};
}

bool is_ip_address(const std::string& text) { return parse_ip(text).has_value(); }

std::variant<PublishSpec, Problem> parse_publish(const std::string& text) {
  const std::string head = "invalid publish '" + text + "': ";
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Problem{head + "expected HOST_IP:PORT, like 127.0.0.1:5432", {}};
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port_text = text.substr(colon + 1);
  if (!is_ip_address(host)) {
    std::string fix = host == "localhost" ? "127.0.0.1:" + port_text : "";
    return Problem{head + "'" + host + "' is not an IP address", fix};
  }
  unsigned port = 0;
  if (!parse_uint(port_text, port) || port > 65535) {
    return Problem{head + "expected a port from 0 to 65535, got '" + port_text + "'", {}};
  }
  return PublishSpec{host, static_cast<int>(port)};
}

}  // namespace pgdecl::spec
