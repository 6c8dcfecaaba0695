#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/diagnostics.h"

namespace pgdecl::spec {

// Where a password comes from. The value itself is resolved later, by the
// secret resolver, so a spec in memory never holds a clear-text password
// unless the user wrote one inline (which the loader warns about).
struct SecretRef {
  enum class Kind { kEnv, kFile, kGenerate, kLiteral, kScramVerifier };
  Kind kind = Kind::kGenerate;
  std::string value;  // variable name, absolute file path, or the inline text
  SourcePos pos;
};

enum class PullPolicy { kIfMissing, kAlways, kNever };

struct BuildSpec {
  std::filesystem::path context;  // absolute, resolved against the spec's folder
  std::string dockerfile = "Dockerfile";
  std::map<std::string, std::string> args;
};

struct ImageSpec {
  std::string logical_name;  // key under images:
  std::string tag;           // e.g. postgres:15
  PullPolicy pull = PullPolicy::kIfMissing;
  std::optional<BuildSpec> build;
  SourcePos pos;
};

struct VolumeSpec {
  std::string name;
  bool prevent_destroy = true;  // data volumes survive destroy unless told
  SourcePos pos;
};

struct NetworkSpec {
  std::string name;
  std::optional<std::string> subnet;  // CIDR, validated
  SourcePos pos;
};

// An option of an hba line whose value is a secret (ldapbindpasswd,
// radiussecrets): written into pg_hba.conf as `option="value"` after the
// line's own fields, and shown as a sensitive value everywhere else.
struct HbaSecretOption {
  std::size_t line = 0;  // index into NodeSpec::hba
  std::string option;
  SecretRef value;
};

// What plans, the state and the desired attributes show in place of a
// secret value written into a config file.
inline constexpr const char* kSensitiveValue = "(sensitive value)";

struct PublishSpec {
  std::string host_ip = "127.0.0.1";
  int port = 0;  // 0: Docker picks a free port
};

// What a node is in the cluster: the one master, which takes writes, or a
// replica streaming from it. Data, not where the node was written, so
// that a node's role can change.
enum class NodeRole { kMaster, kReplica };

// The word plans, labels and the state use: "master" or "replica".
inline const char* role_name(NodeRole role) { return role == NodeRole::kMaster ? "master" : "replica"; }

struct NodeSpec {
  std::string name;
  NodeRole role = NodeRole::kReplica;
  std::string image;   // logical image name
  std::string volume;  // volume name
  PublishSpec publish;
  // As written, normalised later; a parameter given as a secret reference
  // holds kSensitiveValue here and its reference in secret_parameters.
  std::map<std::string, std::string> parameters;
  std::map<std::string, SecretRef> secret_parameters;
  std::vector<std::string> hba;  // lines, in order, without their secret options
  std::vector<HbaSecretOption> hba_secrets;
  // Of replicas that received as much WAL, a failover promotes the one with
  // the highest priority (then the first in the spec).
  int priority = 0;
  SourcePos pos;
};

struct SuperuserSpec {
  std::string name = "postgres";
  SecretRef password;  // default: generate
};

struct MasterSpec : NodeSpec {
  MasterSpec() { role = NodeRole::kMaster; }
  SuperuserSpec superuser;
};

struct ReplicaSpec : NodeSpec {};

struct ReplicationSpec {
  std::string user;  // empty when the spec has no replication section
  bool slots = true;
  std::string checkpoint = "fast";  // fast | spread
  SourcePos pos;
};

struct RoleSpec {
  std::string name;
  bool present = true;  // ensure: present | absent
  std::optional<bool> login, superuser, createdb, createrole, replication, bypassrls, inherit;
  std::optional<int> connection_limit;
  std::optional<std::string> valid_until;
  std::vector<std::string> member_of;
  std::optional<SecretRef> password;  // absent: the server's password is left alone
  SourcePos pos;
};

struct DatabaseSpec {
  std::string name;
  bool present = true;
  std::optional<std::string> owner, encoding, locale;
  SourcePos pos;
};

// How a change that takes the primary down (a new image, a restart for a
// setting) reaches it: writes moved to a replica first by a switchover, and
// back after, or a restart in place.
enum class PrimaryUpdate { kSwitchover, kRestart };

// How the cluster's primary may move.
struct HaSpec {
  // The most WAL a replica may lag behind the primary, in bytes, and still
  // be made primary by a switchover: what it has not received is what the
  // outage waits for.
  long long max_lag_bytes = 16LL * 1024 * 1024;
  // How long the primary's server must have been unreachable before a plan
  // fails it over to the most advanced replica.
  std::chrono::milliseconds failover_delay{3000};
  // After a failover, whether the cluster goes back to the spec's primary
  // (a switchover, once that node streams again) or stays where it is.
  bool failback = true;
  PrimaryUpdate primary_update = PrimaryUpdate::kSwitchover;
  SourcePos pos;
};

// Where `pgdecl backup` copies a base backup from by default.
enum class BackupSource { kReplica, kPrimary };

// Which backups retention keeps: one among the newest `count`, or younger
// than `days`, stays (either limit 0: not used). The WAL the oldest kept
// backup needs stays with it.
struct RetentionSpec {
  int count = 7;
  int days = 0;
};

// The `backup:` section: where the WAL archive and the base backups are
// kept, and how. The archive is a volume of the spec's `volumes:` (its
// prevent_destroy applies) or a host directory.
struct BackupSpec {
  bool declared = false;            // the section is there
  std::string volume;               // a key of volumes:, or empty with a directory
  std::filesystem::path directory;  // absolute, resolved against the spec's folder
  // The archiver is a synchronous standby: a commit is acknowledged only
  // once the archive holds it.
  bool synchronous = false;
  BackupSource from = BackupSource::kReplica;
  // `pgdecl reconcile` takes a backup when the newest is older than this.
  std::optional<std::chrono::seconds> schedule;
  RetentionSpec retention;
  SourcePos pos;
};

// Where a recovery stops: the end of the archive, a time, or an LSN.
enum class RecoveryTargetKind { kEnd, kTime, kLsn };

// The `restore:` section: the primary's first data comes from a base
// backup and the WAL archive, replayed to the target, instead of initdb.
// Read only while the primary's volume holds no data.
struct RestoreSpec {
  bool declared = false;
  std::string volume;               // a Docker volume holding an archive, by its Docker name
  std::filesystem::path directory;  // or a host directory (absolute)
  std::string backup = "latest";    // a backup's id, or latest (the newest that reaches the target)
  RecoveryTargetKind target = RecoveryTargetKind::kEnd;
  // kTime: when, in UTC, as PostgreSQL reads it ("2026-12-08 10:00:00.25+00").
  std::string target_time;
  std::chrono::system_clock::time_point target_time_point{};
  std::string target_lsn;  // kLsn: X/Y, as pg_lsn reads it
  SourcePos pos;
};

struct DockerSpec {
  std::string host;  // empty: $DOCKER_HOST, then the local socket
};

struct ClusterSpec {
  std::filesystem::path file;  // as given on the command line
  std::filesystem::path dir;   // folder of the spec; relative paths resolve here
  int version = 1;
  std::string name;
  DockerSpec docker;
  NetworkSpec network;
  std::map<std::string, ImageSpec> images;
  std::map<std::string, VolumeSpec> volumes;
  MasterSpec master;
  std::vector<ReplicaSpec> replicas;  // `count:` is expanded by the loader
  ReplicationSpec replication;
  std::vector<RoleSpec> roles;
  std::vector<DatabaseSpec> databases;
  // The node the spec makes primary (`primary:`, else the master block's).
  // Node roles follow the primary the cluster has now, which differs from
  // this one until a switchover makes it so (see with_primary).
  std::string declared_primary;
  HaSpec ha;
  BackupSpec backup;
  RestoreSpec restore;

  // Every node, the primary first, then the others in the spec's order.
  std::vector<const NodeSpec*> nodes() const;
  // The node whose role is master, the one that takes writes.
  const NodeSpec& primary() const;
  // The nodes whose role is replica, in the spec's order.
  std::vector<const NodeSpec*> replica_nodes() const;
  // The node of that name, or nullptr.
  const NodeSpec* find_node(const std::string& node_name) const;
  // True for the node whose role is master; a node the spec no longer
  // names is not it.
  bool is_master(const std::string& node_name) const;
};

// The spec with `node` as the primary and every other node a replica: the
// roles the cluster has while its primary is `node`. declared_primary is
// kept.
ClusterSpec with_primary(const ClusterSpec& spec, const std::string& node);
// The same, in place: only the nodes' roles change.
void make_primary(ClusterSpec& spec, const std::string& node);

}  // namespace pgdecl::spec
