#include "providers/docker/tar_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace pgdecl::docker {
namespace {

struct ReaderFree {
  void operator()(archive* reader) const { archive_read_free(reader); }
};

}  // namespace

Result<std::string> first_file_in_tar(const std::string& tar, const std::string& what) {
  std::unique_ptr<archive, ReaderFree> reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_memory(reader.get(), tar.data(), tar.size()) != ARCHIVE_OK) {
    return Status::failed(what + ": unreadable archive: " + archive_error_string(reader.get()));
  }
  archive_entry* entry = nullptr;
  if (archive_read_next_header(reader.get(), &entry) != ARCHIVE_OK) {
    return Status::failed(what + ": empty or unreadable archive");
  }
  if (archive_entry_filetype(entry) != AE_IFREG) return Status::failed(what + ": not a regular file");
  std::string content;
  char buffer[8192];
  for (la_ssize_t n; (n = archive_read_data(reader.get(), buffer, sizeof buffer)) != 0;) {
    if (n < 0) return Status::failed(what + ": " + archive_error_string(reader.get()));
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return content;
}

}  // namespace pgdecl::docker
