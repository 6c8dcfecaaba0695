#include "providers/docker/streams.h"

#include <cstdint>

#include "providers/docker/json_util.h"

namespace pgdecl::docker {
namespace {

constexpr size_t kFrameHeaderSize = 8;

uint32_t frame_size(std::string_view header) {
  uint32_t size = 0;
  for (size_t i = 4; i < kFrameHeaderSize; ++i) {
    size = (size << 8) | static_cast<unsigned char>(header[i]);
  }
  return size;
}

std::string trim_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// A pull line: {"status":"Downloading","id":"abc","progress":"[==> ]"}.
std::string describe_status(const Json& line) {
  std::string text = json_string(line, "status");
  std::string id = json_string(line, "id");
  std::string progress = json_string(line, "progress");
  if (!id.empty()) text = id + ": " + text;
  if (!progress.empty()) text += " " + progress;
  return text;
}

std::string error_of(const Json& line) {
  std::string message = json_string(line, "error");
  if (!message.empty()) return message;
  if (const Json* detail = json_member(line, "errorDetail")) return json_string(*detail, "message");
  return {};
}

}  // namespace

void StreamDemuxer::feed(std::string_view chunk) {
  pending_.append(chunk);
  drain();
}

void StreamDemuxer::drain() {
  size_t offset = 0;
  while (pending_.size() - offset >= kFrameHeaderSize) {
    std::string_view header(pending_.data() + offset, kFrameHeaderSize);
    size_t size = frame_size(header);
    if (pending_.size() - offset - kFrameHeaderSize < size) break;
    std::string_view payload(pending_.data() + offset + kFrameHeaderSize, size);
    (header[0] == 2 ? err : out).append(payload);
    combined.append(payload);
    offset += kFrameHeaderSize + size;
  }
  pending_.erase(0, offset);
}

void ProgressReader::feed(std::string_view chunk) {
  pending_.append(chunk);
  size_t start = 0;
  for (size_t newline = pending_.find('\n'); newline != std::string::npos;
       newline = pending_.find('\n', start)) {
    handle_line(std::string_view(pending_).substr(start, newline - start));
    start = newline + 1;
  }
  pending_.erase(0, start);
}

void ProgressReader::finish() {
  if (!pending_.empty()) handle_line(pending_);
  pending_.clear();
}

void ProgressReader::handle_line(std::string_view line) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
  Json parsed = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    report(std::string(line));
    return;
  }
  std::string error = error_of(parsed);
  if (!error.empty()) {
    if (!error_) error_ = trim_newlines(error);
    report(error);
    return;
  }
  if (const Json* aux = json_member(parsed, "aux")) {
    std::string id = json_string(*aux, "ID");
    if (!id.empty()) image_id_ = id;
  }
  if (json_member(parsed, "stream") != nullptr) {
    report(json_string(parsed, "stream"));
  } else if (json_member(parsed, "status") != nullptr) {
    report(describe_status(parsed));
  }
}

void ProgressReader::report(std::string text) {
  text = trim_newlines(std::move(text));
  if (progress_ && !text.empty()) progress_(text);
}

}  // namespace pgdecl::docker
