// Single-value rules of cluster/spec, one by one (the fixtures in
// specs/invalid show them in context).
#include <catch2/catch.hpp>
#include <variant>

#include "cluster/spec/formats.h"
#include "cluster/spec/suggest.h"

using namespace pgdecl::spec;

TEST_CASE("edit distance counts a swapped pair as one edit", "[spec]") {
  CHECK(edit_distance("volume", "volume") == 0);
  CHECK(edit_distance("volumne", "volume") == 1);
  CHECK(edit_distance("replicsa", "replicas") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("closest_match suggests near names only", "[spec]") {
  const std::vector<std::string> keys = {"name", "image", "volume", "publish"};
  CHECK(closest_match("volumne", keys) == "volume");
  CHECK(closest_match("Image", keys) == "image");
  CHECK(closest_match("imgae", keys) == "image");
  CHECK(closest_match("superuser", keys).empty());
  CHECK(closest_match("x", keys).empty());
  CHECK(closest_match("allways", {"if-missing", "always", "never"}) == "always");
  CHECK(closest_match("anything", {}).empty());
}

TEST_CASE("subnets: IPv4 and IPv6, prefix in range, no host bits", "[spec]") {
  CHECK_FALSE(check_subnet("172.18.0.0/16"));
  CHECK_FALSE(check_subnet("10.0.0.0/8"));
  CHECK_FALSE(check_subnet("0.0.0.0/0"));
  CHECK_FALSE(check_subnet("192.168.1.7/32"));
  CHECK_FALSE(check_subnet("fd00:1::/64"));
  CHECK(check_subnet("172.18.0.256/16"));
  CHECK(check_subnet("172.18.0/16"));
  CHECK(check_subnet("172.018.0.0/16"));
  CHECK(check_subnet("172.18.0.0/-1"));
  CHECK(check_subnet("172.18.0.0/"));
  CHECK(check_subnet("fd00::/129"));
  auto host_bits = check_subnet("fd00::1/64");
  REQUIRE(host_bits);
  CHECK(host_bits->suggestion == "fd00::/64");
}

TEST_CASE("publish: HOST_IP:PORT", "[spec]") {
  auto ok = parse_publish("127.0.0.1:5432");
  REQUIRE(std::holds_alternative<PublishSpec>(ok));
  CHECK(std::get<PublishSpec>(ok).host_ip == "127.0.0.1");
  CHECK(std::get<PublishSpec>(ok).port == 5432);
  auto v6 = parse_publish("[::1]:0");
  REQUIRE(std::holds_alternative<PublishSpec>(v6));
  CHECK(std::get<PublishSpec>(v6).host_ip == "::1");
  for (const char* bad :
       {"5432", ":5432", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:65536", "db:5432", "1.2.3:5"}) {
    INFO(bad);
    CHECK(std::holds_alternative<Problem>(parse_publish(bad)));
  }
}

TEST_CASE("names: cluster, Docker objects, SQL", "[spec]") {
  CHECK_FALSE(check_cluster_name("pgcluster"));
  CHECK_FALSE(check_cluster_name("a"));
  CHECK_FALSE(check_cluster_name("a" + std::string(40, '-')));
  CHECK(check_cluster_name("a" + std::string(41, 'b')));
  CHECK(check_cluster_name("1abc"));
  CHECK(check_cluster_name("Abc"));
  CHECK(check_cluster_name(""));
  CHECK_FALSE(check_object_name("volume", "Replica.Data-1_x"));
  CHECK(check_object_name("volume", "_data"));
  CHECK(check_object_name("volume", "a/b"));
  CHECK_FALSE(check_sql_name("role", "we\"ird; drop role app; --"));
  CHECK_FALSE(check_sql_name("role", std::string(63, 'x')));
  CHECK(check_sql_name("role", std::string(64, 'x')));
  CHECK(check_sql_name("role", ""));
  CHECK(check_sql_name("role", std::string("a\0b", 3)));
}

TEST_CASE("hba lines: type, field count, method", "[spec]") {
  CHECK_FALSE(check_hba_line("host all all samenet scram-sha-256"));
  CHECK_FALSE(check_hba_line("local all postgres peer"));
  CHECK_FALSE(check_hba_line("hostssl \"my db\" app 10.0.0.0/8 cert clientcert=verify-full"));
  CHECK_FALSE(check_hba_line("host all all 10.0.0.0 255.0.0.0 md5"));
  CHECK_FALSE(check_hba_line("host replication replicator samenet scram-sha-256  # streaming"));
  CHECK(check_hba_line(""));
  CHECK(check_hba_line("# only a comment"));
  CHECK(check_hba_line("local all all"));
  CHECK(check_hba_line("host all all 10.0.0.0 255.0.0.0"));
  CHECK(check_hba_line("include other.conf"));
  CHECK(check_hba_line("host all all samenet plaintext"));
}

TEST_CASE("docker host, environment names, SCRAM verifiers", "[spec]") {
  CHECK_FALSE(check_docker_host("unix:///var/run/docker.sock"));
  CHECK_FALSE(check_docker_host("tcp://10.0.0.5:2376"));
  CHECK(check_docker_host("unix://"));
  CHECK(check_docker_host("/var/run/docker.sock"));
  CHECK_FALSE(check_env_name("PGDECL_PASSWORD_1"));
  CHECK(check_env_name("1PASSWORD"));
  CHECK_FALSE(check_scram_verifier("SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"));
  CHECK(check_scram_verifier("SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk"));
  CHECK(check_scram_verifier("SCRAM-SHA-256$abc:c2FsdA==$c3RvcmVk:c2VydmVy"));
}

TEST_CASE("valid_until: infinity or an ISO date, time and zone optional", "[spec]") {
  for (const char* good :
       {"infinity", "2030-01-01", "2030-01-01 12:00", "2030-01-01 12:00:00+00", "2030-12-31T23:59:59.5Z",
        "2030-06-01 08:30:00 UTC", "2030-06-01 08:30:00-05:30"}) {
    INFO(good);
    CHECK_FALSE(check_valid_until(good));
  }
  for (const char* bad : {"", "never", "2030-13-01", "2030-02-32", "2030-01-01 24:00", "30-01-01",
                          "2030-01-01'; drop role app; --", "tomorrow"}) {
    INFO(bad);
    CHECK(check_valid_until(bad));
  }
}

TEST_CASE("hba lines: one line each, addresses in CIDR or with a mask", "[spec]") {
  CHECK_FALSE(check_hba_line("host\tall\tall\tsamenet\tscram-sha-256"));
  CHECK_FALSE(check_hba_line("host all all ::1/128 scram-sha-256"));
  CHECK_FALSE(check_hba_line("host all all fd00::/8 scram-sha-256"));
  CHECK_FALSE(check_hba_line("host all all 0.0.0.0/0 reject"));
  CHECK_FALSE(check_hba_line("host all all db.example.com scram-sha-256"));
  CHECK_FALSE(check_hba_line("host all all ::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff md5"));
  auto smuggled = check_hba_line("host all all samenet scram-sha-256\nhost all all all trust");
  REQUIRE(smuggled);
  CHECK(smuggled->message.find("line break") != std::string::npos);
  CHECK(check_hba_line("host all all samenet scram-sha-256\r"));
  CHECK(check_hba_line(std::string("host all all samenet scram-sha-256\0", 35)));
  auto host_bits = check_hba_line("host all all 10.1.2.3/8 trust");
  REQUIRE(host_bits);
  CHECK(host_bits->suggestion == "10.0.0.0/8");
  CHECK(check_hba_line("host all all 10.0.0.0/33 trust"));
  CHECK(check_hba_line("host all all fd00::/129 trust"));
  CHECK(check_hba_line("host all all fd00::1/64 trust")->suggestion == "fd00::/64");
  CHECK(check_hba_line("host all all 10.0.0.0/x trust"));
  CHECK(check_hba_line("host all all 192.168.1.10 trust")->suggestion == "192.168.1.10/32");
  CHECK(check_hba_line("host all all 192.168.1.0 255.0.255.0 md5"));
  CHECK(check_hba_line("host all all 192.168.1.0 ffff:: md5"));
}

TEST_CASE("names with control characters are refused, and shown escaped", "[spec]") {
  CHECK(check_sql_name("role", "app\nlocal all all trust"));
  CHECK(check_sql_name("role", "tab\there"));
  CHECK(check_sql_name("database", "del\x7f"));
  CHECK_FALSE(check_sql_name("role", "we\"ird"));
  CHECK_FALSE(check_sql_name("role", "Ünïcode"));
  CHECK(printable("a\nb\x01") == "a\\nb\\x01");
  auto docker = check_object_name("replica", "replica 1");
  REQUIRE(docker);
  CHECK(docker->suggestion == "replica_1");
  CHECK(check_object_name("volume", "a\nb")->message.find("a\\nb") != std::string::npos);
}

TEST_CASE("replication slot names: pgdecl_<replica>, lower case, 63 bytes", "[spec]") {
  CHECK_FALSE(check_slot_name("replica1"));
  CHECK_FALSE(check_slot_name("replica_1"));
  CHECK_FALSE(check_slot_name(std::string(56, 'r')));
  CHECK(check_slot_name(std::string(57, 'r')));
  CHECK(check_slot_name("replica-1")->suggestion == "replica_1");
  CHECK(check_slot_name("Replica.1")->suggestion == "replica_1");
}

TEST_CASE("image tags: Docker's reference grammar", "[spec]") {
  for (const char* good :
       {"postgres", "postgres:15", "library/postgres:15.4-bookworm", "pgdecl/demo:custom",
        "localhost:5000/pg/postgres:15", "registry.example.com/team/pg_x:v1", "[fd00::1]:5000/postgres:15",
        "a__b/c--d:_", "Registry/postgres",
        "postgres@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "postgres:15@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}) {
    INFO(good);
    CHECK_FALSE(check_image_tag(good));
  }
  for (const char* bad : {"", ":15", "postgres:", "postgres:.15", "postgres:-15", "Postgres:15", "post gres",
                          "postgres/", "/postgres", "postgres//x", "a_.b", "postgres@sha256:abc",
                          "postgres@md5:0123456789abcdef0123456789abcdef", "-registry.example.com/pg",
                          "registry_example.com:5000/postgres:15", "localhost:port/postgres", "pg:15\n"}) {
    INFO(bad);
    CHECK(check_image_tag(bad));
  }
  CHECK(check_image_tag("postgres:" + std::string(128, 'x')) == std::nullopt);
  CHECK(check_image_tag("postgres:" + std::string(129, 'x')));
  CHECK(check_image_tag("Postgres:15")->suggestion == "postgres:15");
}

TEST_CASE("UTF-8: well-formed text only", "[spec]") {
  CHECK(is_utf8("plain"));
  CHECK(is_utf8("Ünïcode €𝄞"));
  CHECK(is_utf8(""));
  CHECK_FALSE(is_utf8("pg_monitor\x9d"));    // a stray continuation byte
  CHECK_FALSE(is_utf8("\xc3"));              // cut short
  CHECK_FALSE(is_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_utf8("\xed\xa0\x80"));      // a surrogate
  CHECK_FALSE(is_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_utf8("\xff"));
}
