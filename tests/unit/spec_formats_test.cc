// Single-value rules of engine/spec, one by one (the fixtures in
// specs/invalid show them in context).
#include <catch2/catch.hpp>
#include <variant>

#include "engine/spec/formats.h"
#include "engine/spec/suggest.h"

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
