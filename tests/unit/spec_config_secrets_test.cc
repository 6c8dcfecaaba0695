// Secrets in config files: parameters and hba options given as { env } or
// { file } references are read into the model without their values, shown
// as sensitive, and rendered with their values only when asked.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "cluster/desired/desired.h"
#include "cluster/render/config_secrets.h"
#include "cluster/render/postgres_config.h"
#include "cluster/spec/loader.h"

using namespace pgdecl;

namespace {

const std::string kHead = R"(version: 1
name: demo
images: { postgres: { tag: postgres:15 } }
volumes: { data: {}, r1: {} }
)";

const std::string kLdapLine =
    "host all ldap_users 192.0.2.0/24 ldap ldapserver=ldap.invalid ldapbinddn=\"cn=pg,dc=example,dc=org\"";

std::string master_with(const std::string& parameters, const std::string& hba) {
  return kHead + "master:\n  image: postgres\n  volume: data\n  parameters:\n" + parameters + "  hba:\n" +
         hba +
         "replicas:\n  - { name: r1, volume: r1 }\n"
         "replication: { user: replicator }\n"
         "roles:\n  - { name: replicator, login: true, replication: true, password: { generate: true } }\n";
}

const std::string kSecretsSpec =
    master_with("    archive_command: { env: ARCHIVE_COMMAND }\n    work_mem: 8MB\n",
                "    - host all all samenet scram-sha-256\n    - line: " + kLdapLine +
                    "\n      secrets:\n        ldapbindpasswd: { env: LDAP_PASSWORD }\n");

std::optional<spec::ClusterSpec> load(const std::string& text, std::string& diagnostics) {
  Diagnostics found;
  auto loaded = spec::load_spec_text(text, "/tmp/config-secrets.yaml", found);
  diagnostics = found.to_string();
  return loaded;
}

}  // namespace

TEST_CASE("a parameter given as a secret reference keeps only its reference", "[spec]") {
  std::string diagnostics;
  auto spec = load(kSecretsSpec, diagnostics);
  INFO(diagnostics);
  REQUIRE(spec);
  CHECK(diagnostics.empty());
  CHECK(spec->master.parameters.at("archive_command") == spec::kSensitiveValue);
  CHECK(spec->master.parameters.at("work_mem") == "8MB");
  REQUIRE(spec->master.secret_parameters.count("archive_command") == 1);
  CHECK(spec->master.secret_parameters.at("archive_command").kind == spec::SecretRef::Kind::kEnv);
  CHECK(spec->master.secret_parameters.at("archive_command").value == "ARCHIVE_COMMAND");
  // A replica runs with its master's parameters, secrets included.
  CHECK(spec->replicas.at(0).secret_parameters.count("archive_command") == 1);
  CHECK(spec->replicas.at(0).hba_secrets.size() == 1);
}

TEST_CASE("an hba line with secrets keeps the line and each secret option apart", "[spec]") {
  std::string diagnostics;
  auto spec = load(kSecretsSpec, diagnostics);
  REQUIRE(spec);
  CHECK(spec->master.hba == std::vector<std::string>{"host all all samenet scram-sha-256", kLdapLine});
  REQUIRE(spec->master.hba_secrets.size() == 1);
  CHECK(spec->master.hba_secrets[0].line == 1);
  CHECK(spec->master.hba_secrets[0].option == "ldapbindpasswd");
  CHECK(spec->master.hba_secrets[0].value.value == "LDAP_PASSWORD");
}

TEST_CASE("secrets in config files are refused in shapes that cannot work", "[spec]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {master_with("    archive_command: { generate: true }\n", "    - host all all samenet scram-sha-256\n"),
       "expected a value, or a secret as { env: VAR } or { file: PATH } for 'archive_command', got a map"},
      {master_with("    archive_command: { env: A, file: b }\n",
                   "    - host all all samenet scram-sha-256\n"),
       "expected exactly one of env or file for 'archive_command', got env, file"},
      {master_with("    work_mem: 8MB\n", "    - line: " + kLdapLine + " ldapbindpasswd=x\n      secrets:\n" +
                                              "        ldapbindpasswd: { env: P }\n"),
       "option 'ldapbindpasswd' is set in the line too: give it in one place"},
      {master_with("    work_mem: 8MB\n",
                   "    - line: " + kLdapLine + "\n      secrets:\n        \"Bind Pass\": { env: P }\n"),
       "expected an hba option name (lower-case letters and _, like ldapbindpasswd), got 'Bind Pass'"},
      {master_with("    work_mem: 8MB\n", "    - secrets: { ldapbindpasswd: { env: P } }\n"),
       "missing required key 'line' in master.hba[0]"},
  };
  for (const auto& [text, expected] : cases) {
    std::string diagnostics;
    auto spec = load(text, diagnostics);
    INFO(text << "\n" << diagnostics);
    CHECK_FALSE(spec);
    CHECK(diagnostics.find(expected) != std::string::npos);
  }
}

TEST_CASE("a secret written inline is warned about and never echoed", "[spec]") {
  const std::string planted = "Pl4nted-Bind-S3cret";
  std::string diagnostics;
  auto inline_option = load(
      master_with("    work_mem: 8MB\n",
                  "    - line: " + kLdapLine + "\n      secrets:\n        ldapbindpasswd: " + planted + "\n"),
      diagnostics);
  CHECK(inline_option);
  CHECK(diagnostics.find("warning: secret written inline in the spec") != std::string::npos);
  CHECK(diagnostics.find(planted) == std::string::npos);

  auto in_line =
      load(master_with("    work_mem: 8MB\n", "    - " + kLdapLine + " ldapbindpasswd=" + planted + "\n"),
           diagnostics);
  CHECK(in_line);
  CHECK(diagnostics.find("warning: hba line holds a secret inline") != std::string::npos);
  CHECK(diagnostics.find(planted) == std::string::npos);

  // A wrong shape under secrets is not echoed either.
  auto wrong = load(
      master_with("    work_mem: 8MB\n", "    - line: " + kLdapLine +
                                             "\n      secrets:\n        ldapbindpasswd: [" + planted + "]\n"),
      diagnostics);
  CHECK_FALSE(wrong);
  CHECK(diagnostics.find(planted) == std::string::npos);
}

TEST_CASE("config files render with secrets only when given them", "[engine]") {
  std::string diagnostics;
  auto spec = load(kSecretsSpec, diagnostics);
  REQUIRE(spec);
  const engine::ConfigSecrets values = {
      {engine::parameter_secret_key("master", "archive_command"), Secret("/bin/archive --key=K1")},
      {engine::hba_secret_key("master", 1, "ldapbindpasswd"), Secret("bind pass")}};
  CHECK(engine::config_secret_keys(spec->master) ==
        std::set<std::string>{"master.hba[1].ldapbindpasswd", "master.parameters.archive_command"});

  const std::string hba = engine::render_hba(*spec, spec->master, &values);
  CHECK(hba.find(kLdapLine + " ldapbindpasswd=\"bind pass\"\n") != std::string::npos);
  const std::string shown = engine::render_hba(*spec, spec->master);
  CHECK(shown.find(kLdapLine + " ldapbindpasswd=\"(sensitive value)\"\n") != std::string::npos);
  CHECK(engine::redact_hba(hba, hba, engine::hba_secret_options(spec->master)) == shown);

  const std::string settings = engine::render_settings_file(*spec, spec->master, &values);
  CHECK(settings.find("archive_command = '/bin/archive --key=K1'\n") != std::string::npos);
  CHECK(engine::render_settings_file(*spec, spec->master).find("archive_command = '(sensitive value)'\n") !=
        std::string::npos);

  // What plans and the state hold: no value, from the desired side.
  for (const auto& resource : engine::desired_resources(*spec)) {
    for (const auto& [name, value] : resource.attributes) {
      INFO(resource.address.to_string() << "." << name);
      CHECK(value.find("K1") == std::string::npos);
      CHECK(value.find("bind pass") == std::string::npos);
    }
  }
}

TEST_CASE("a live pg_hba.conf shows its secrets only as the spec's or a different one", "[engine]") {
  const std::set<std::string> options = {"ldapbindpasswd", "radiussecrets"};
  const std::string wanted = "local all all peer\nhost all u 10.0.0.0/8 ldap ldapbindpasswd=\"right one\"\n";
  CHECK(engine::redact_hba(wanted, wanted, options) ==
        "local all all peer\nhost all u 10.0.0.0/8 ldap ldapbindpasswd=\"(sensitive value)\"\n");
  // Unquoted, the same value: the server reads it the same.
  CHECK(engine::redact_hba("local all all peer\nhost all u 10.0.0.0/8 ldap ldapbindpasswd=right\n",
                           "local all all peer\nhost all u 10.0.0.0/8 ldap ldapbindpasswd=right\n", options)
            .find("(sensitive value)") != std::string::npos);
  const std::string edited = "local all all peer\nhost all u 10.0.0.0/8 ldap ldapbindpasswd=wrong   # note\n";
  CHECK(engine::redact_hba(edited, wanted, options) ==
        "local all all peer\nhost all u 10.0.0.0/8 ldap ldapbindpasswd=\"(a different value)\"   # note\n");
  // A line moved: the secret is not the spec's for that line.
  const std::string moved = "# added by hand\n" + wanted;
  CHECK(engine::redact_hba(moved, wanted, options).find("right one") == std::string::npos);
  CHECK(engine::redact_hba(moved, wanted, options).find("(a different value)") != std::string::npos);
  // radiussecrets holds a list; a file without a final line break keeps it so.
  CHECK(engine::redact_hba("host all u 10.0.0.0/8 radius radiusservers=a radiussecrets=\"s1,s2\"", "",
                           options) ==
        "host all u 10.0.0.0/8 radius radiusservers=a radiussecrets=\"(a different value)\"");
}

TEST_CASE("the example with secrets in its config files is valid", "[spec]") {
  Diagnostics diagnostics;
  auto spec = spec::load_spec_file(
      std::filesystem::path(PGDECL_SOURCE_DIR) / "specs" / "examples" / "ldap_archive.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec);
  CHECK(diagnostics.all().empty());
  CHECK(spec->master.secret_parameters.count("archive_command") == 1);
  CHECK(spec->master.hba_secrets.size() == 1);
}
