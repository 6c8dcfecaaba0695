#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace pgdecl {

// A resource address as users type it: "docker_container.master".
struct Address {
  std::string type;  // docker_network, docker_image, pg_role, ...
  std::string name;

  std::string to_string() const { return type + "." + name; }
  auto operator<=>(const Address&) const = default;

  // Splits at the first dot; nullopt when either side is empty.
  static std::optional<Address> parse(std::string_view text) {
    auto dot = text.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) return std::nullopt;
    return Address{std::string(text.substr(0, dot)), std::string(text.substr(dot + 1))};
  }
};

namespace resource_type {
inline constexpr const char* kNetwork = "docker_network";
inline constexpr const char* kImage = "docker_image";
inline constexpr const char* kVolume = "docker_volume";
inline constexpr const char* kContainer = "docker_container";
inline constexpr const char* kHba = "pg_hba";
inline constexpr const char* kSettings = "pg_settings";
inline constexpr const char* kRole = "pg_role";
inline constexpr const char* kDatabase = "pg_database";
inline constexpr const char* kSlot = "pg_slot";
inline constexpr const char* kReplica = "pg_replica";
// Which node is the cluster's primary: its change is a switchover.
inline constexpr const char* kPrimary = "pg_primary";
// The container streaming the primary's WAL into the backup archive.
inline constexpr const char* kArchiver = "pg_archiver";
// Not a resource: a node's one connection, which what runs on the node
// waits for (see ResourceProvider::is_gate).
inline constexpr const char* kConnection = "pg_connection";
}  // namespace resource_type

}  // namespace pgdecl
