#include "providers/docker/http_util.h"

#include <cctype>
#include <utility>

namespace pgdecl::docker {
namespace {

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

std::string percent_encode(std::string_view text, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (char raw : text) {
    auto c = static_cast<unsigned char>(raw);
    if (is_unreserved(c) || keep.find(raw) != std::string_view::npos) {
      encoded.push_back(raw);
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 0x0f]);
    }
  }
  return encoded;
}

HttpRequest request_to(const char* method, std::string path) {
  HttpRequest request;
  request.method = method;
  request.path = std::move(path);
  return request;
}

}  // namespace

std::string url_encode(std::string_view text) { return percent_encode(text, ""); }

std::string path_escape(std::string_view text) { return percent_encode(text, "/:@"); }

std::string label_filters_query(const Labels& labels) {
  if (labels.empty()) return {};
  Json pairs = Json::array();
  for (const auto& [key, value] : labels) pairs.push_back(key + "=" + value);
  Json filters = {{"label", pairs}};
  return "filters=" + url_encode(dump_json(filters));
}

std::string with_query(std::string path, const std::string& query) {
  if (!query.empty()) path += "?" + query;
  return path;
}

HttpRequest get_request(std::string path) { return request_to("GET", std::move(path)); }
HttpRequest delete_request(std::string path) { return request_to("DELETE", std::move(path)); }
HttpRequest post_request(std::string path) { return request_to("POST", std::move(path)); }

HttpRequest post_json_request(std::string path, const Json& body) {
  HttpRequest request = post_request(std::move(path));
  request.body = dump_json(body);
  request.content_type = "application/json";
  return request;
}

}  // namespace pgdecl::docker
