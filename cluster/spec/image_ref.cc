// Docker's image reference grammar (distribution/reference):
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [ host [ ":" port ] "/" ] path-component ( "/" path-component )*
// Checked here so a typo is reported at its place in the spec, not by the
// engine half-way through an apply.
#include <cctype>
#include <regex>

#include "cluster/spec/formats.h"

namespace pgdecl::spec {
namespace {

const std::regex kPathComponent("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*");
const std::regex kHost(
    "(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(\\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))"
    "*"
    "|\\[[0-9a-fA-F:.]+\\])(:[0-9]+)?");
const std::regex kTag("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
const std::regex kDigest("sha256:[0-9a-f]{64}");

// Docker takes the first component for a registry when it holds '.' or ':',
// is localhost, or has a capital letter.
bool is_registry_host(const std::string& component) {
  if (component == "localhost") return true;
  for (char c : component) {
    if (c == '.' || c == ':' || std::isupper(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The path part: components separated by '/', each lower-case.
std::optional<std::string> path_problem(const std::string& path) {
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    std::string component =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!std::regex_match(component, kPathComponent)) {
      return "the repository name '" + printable(path) +
             "' may hold only lower-case letters and digits, separated by '/', '.', '_', '__' or '-'";
    }
    if (slash == std::string::npos) return std::nullopt;
    start = slash + 1;
  }
}

std::optional<std::string> name_problem(const std::string& name) {
  if (name.empty()) return "expected a repository name, like postgres";
  if (name.size() > 255) return "the name is longer than 255 characters";
  std::size_t slash = name.find('/');
  if (slash != std::string::npos && is_registry_host(name.substr(0, slash))) {
    if (!std::regex_match(name.substr(0, slash), kHost)) {
      return "'" + printable(name.substr(0, slash)) + "' is not a registry host[:port]";
    }
    return path_problem(name.substr(slash + 1));
  }
  return path_problem(name);
}

}  // namespace

Check check_image_tag(const std::string& reference) {
  const std::string head = "invalid image tag '" + printable(reference) + "': ";
  // 255 for the name, 128 for the tag, 71 for the digest: nothing longer is
  // matched (std::regex recurses once per character).
  if (reference.size() > 456) return Problem{head + "longer than the 456 characters Docker accepts", {}};
  std::string name = reference;
  if (auto at = name.find('@'); at != std::string::npos) {
    if (!std::regex_match(name.substr(at + 1), kDigest)) {
      return Problem{head + "expected a digest like @sha256:<64 lower-case hex digits>", {}};
    }
    name.resize(at);
  }
  // A ':' after the last '/' starts the tag; one before it is a registry port.
  auto colon = name.rfind(':');
  auto slash = name.rfind('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    if (!std::regex_match(name.substr(colon + 1), kTag)) {
      return Problem{head +
                         "the tag after ':' starts with a letter, digit or '_' and holds at most 128 "
                         "letters, digits, '_', '.' or '-'",
                     {}};
    }
    name.resize(colon);
  }
  if (auto problem = name_problem(name)) {
    std::string fix = lower(reference);
    return Problem{head + *problem, fix != reference && !check_image_tag(fix) ? fix : ""};
  }
  return std::nullopt;
}

}  // namespace pgdecl::spec
