#pragma once

// Private to providers/docker: the two stream formats the engine answers with.

#include <optional>
#include <string>
#include <string_view>

#include "providers/docker/client.h"

namespace pgdecl::docker {

// Splits the multiplexed stream of exec and logs (no TTY): frames of an
// 8-byte header {stream, 0, 0, 0, size as big-endian uint32} and a payload.
// Chunks may cut a frame anywhere, so it buffers until a frame is whole.
class StreamDemuxer {
 public:
  void feed(std::string_view chunk);
  // Bytes of a frame cut short by the end of the stream (should be none).
  size_t leftover() const { return pending_.size(); }

  std::string out;       // stdout (and stdin echo, stream 0)
  std::string err;       // stderr
  std::string combined;  // both, in the order Docker wrote them (logs)

 private:
  void drain();
  std::string pending_;
};

// Reads the JSON-lines progress of a pull or a build. Docker answers 200 and
// then reports a failure as a line {"error": ..., "errorDetail": {...}}; the
// first one is kept so that the call can fail with Docker's words.
class ProgressReader {
 public:
  explicit ProgressReader(const ProgressHandler& progress) : progress_(progress) {}

  void feed(std::string_view chunk);
  // Handles a last line that had no newline.
  void finish();

  const std::optional<std::string>& error() const { return error_; }
  // The built image's id, from the build's {"aux": {"ID": ...}} line.
  const std::string& image_id() const { return image_id_; }

 private:
  void handle_line(std::string_view line);
  void report(std::string text);

  const ProgressHandler& progress_;
  std::string pending_;
  std::optional<std::string> error_;
  std::string image_id_;
};

}  // namespace pgdecl::docker
