// What a replica's copy runs and how a replica reaches its master: the
// words pg_basebackup gets, and where the replication password is (and is not).

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cluster/render/replica_config.h"

using namespace pgdecl;
using namespace pgdecl::engine;

namespace {

spec::ClusterSpec cluster_with_one_replica() {
  spec::ClusterSpec spec;
  spec.name = "shop";
  spec.master.name = "master";
  spec::ReplicaSpec replica;
  replica.name = "replica1";
  spec.replicas = {replica};
  spec.replication.user = "replicator";
  return spec;
}

// The words of one shell command line as sh reads them: quotes, and
// backslashes outside them; the script uses nothing else (variables are
// left as written).
std::vector<std::string> shell_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
      in_word = true;
    } else if (c == ' ') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

// The pg_basebackup command of the script, its continued lines joined.
std::vector<std::string> basebackup_words(std::string script) {
  for (auto at = script.find("\\\n"); at != std::string::npos; at = script.find("\\\n")) {
    script.replace(at, 2, "");
  }
  const auto start = script.find("as_postgres pg_basebackup ");
  REQUIRE(start != std::string::npos);
  return shell_words(script.substr(start, script.find('\n', start) - start));
}

bool has(const std::vector<std::string>& words, const std::string& word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

std::string dbname_of(const std::vector<std::string>& words) {
  for (const auto& word : words) {
    if (word.rfind("--dbname=", 0) == 0) return word.substr(9);
  }
  FAIL("no --dbname in the pg_basebackup command");
  return "";
}

}  // namespace

TEST_CASE("a replica's copy streams its WAL through the replica's slot, with a fast checkpoint by default",
          "[unit]") {
  const auto spec = cluster_with_one_replica();
  const auto words = basebackup_words(replica_bootstrap_script(spec, spec.replicas[0], false));
  INFO(replica_bootstrap_script(spec, spec.replicas[0], false));
  CHECK(has(words, "--wal-method=stream"));
  CHECK(has(words, "--checkpoint=fast"));
  CHECK(has(words, "--slot=pgdecl_replica1"));
  CHECK(has(words, "--no-password"));
  CHECK(has(words, "--pgdata=$data/pgdata"));
}

TEST_CASE("a replica's copy takes a spread checkpoint, and no slot, when the spec says so", "[unit]") {
  auto spec = cluster_with_one_replica();
  spec.replication.checkpoint = "spread";
  spec.replication.slots = false;
  const auto words = basebackup_words(replica_bootstrap_script(spec, spec.replicas[0], false));
  CHECK(has(words, "--checkpoint=spread"));
  CHECK_FALSE(has(words, "--checkpoint=fast"));
  for (const auto& word : words) CHECK(word.rfind("--slot", 0) != 0);
}

TEST_CASE("a replica's copy signs in with a passfile under a name of its own, never with a password",
          "[unit]") {
  const auto spec = cluster_with_one_replica();
  const std::string script = replica_bootstrap_script(spec, spec.replicas[0], false);
  const std::string copy = dbname_of(basebackup_words(script));
  CHECK(copy ==
        "host='master' port=5432 user='replicator' application_name='pgdecl_bootstrap_replica1' "
        "passfile='/etc/pgdecl/bootstrap/passfile'");
  // The replica's own WAL receiver is the one named after it in
  // pg_stat_replication; the copy must not pass for it.
  const std::string replica = replica_conninfo(spec, spec.replicas[0]);
  CHECK(replica ==
        "host='master' port=5432 user='replicator' application_name='replica1' "
        "passfile='/var/lib/postgresql/data/replication.pass'");
  for (const std::string& text : {script, copy, replica}) CHECK(text.find("password=") == std::string::npos);
  // The staged passfile becomes the replica's, mode 0600, owned by postgres.
  CHECK(script.find(
            "install -o postgres -g postgres -m 0600 \"$stage/passfile\" \"$volume/replication.pass\"") !=
        std::string::npos);
}

TEST_CASE("the replication passfile escapes what libpq reads as separators", "[unit]") {
  CHECK(replication_passfile("replicator", "s3cret") == "*:*:replication:replicator:s3cret\n");
  CHECK(replication_passfile("rep:l", "a\\b:c") == "*:*:replication:rep\\:l:a\\\\b\\:c\n");
}
