#include "engine/spec/formats.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>
#include <regex>

namespace pgdecl::spec {
namespace {

bool matches(const std::string& text, const char* pattern) {
  return std::regex_match(text, std::regex(pattern));
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
  return Problem{"invalid " + kind + " name '" + name +
                     "': expected a letter or digit, then letters, digits, '_', '.' or '-'",
                 {}};
}

Check check_sql_name(const std::string& kind, const std::string& name) {
  if (name.empty()) return Problem{"expected a non-empty " + kind + " name", {}};
  if (name.size() > 63) return Problem{kind + " name '" + name + "' is longer than 63 bytes", {}};
  if (name.find('\0') != std::string::npos) {
    return Problem{kind + " name must not contain a NUL character", {}};
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

Check check_subnet(const std::string& cidr) {
  const std::string head = "invalid subnet '" + cidr + "': ";
  auto slash = cidr.find('/');
  if (slash == std::string::npos) return Problem{head + "expected ADDRESS/PREFIX, like 172.18.0.0/16", {}};
  std::string address = cidr.substr(0, slash);
  auto ip = parse_ip(address);
  if (!ip) return Problem{head + "'" + address + "' is not an IP address", {}};
  unsigned prefix = 0;
  if (!parse_uint(std::string_view(cidr).substr(slash + 1), prefix) || prefix > ip->bits()) {
    return Problem{head + "expected a prefix from 0 to " + std::to_string(ip->bits()), {}};
  }
  if (clear_host_bits(*ip, prefix)) {
    return Problem{head + "host bits are set", format_ip(*ip) + "/" + std::to_string(prefix)};
  }
  return std::nullopt;
}

Check check_docker_host(const std::string& host) {
  for (const char* scheme : {"unix://", "tcp://"}) {
    if (host.rfind(scheme, 0) == 0 && host.size() > std::strlen(scheme)) return std::nullopt;
  }
  return Problem{"expected a unix:// or tcp:// address for 'host', got '" + host + "'", {}};
}

Check check_env_name(const std::string& name) {
  if (matches(name, "[A-Za-z_][A-Za-z0-9_]*")) return std::nullopt;
  return Problem{"expected an environment variable name for 'env', got '" + name + "'", {}};
}

Check check_scram_verifier(const std::string& verifier) {
  // A malformed verifier would be taken by Postgres as a clear-text password.
  const char* b64 = "[A-Za-z0-9+/]+=*";
  std::string pattern = std::string("SCRAM-SHA-256\\$[0-9]+:") + b64 + "\\$" + b64 + ":" + b64;
  if (matches(verifier, pattern.c_str())) return std::nullopt;
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
