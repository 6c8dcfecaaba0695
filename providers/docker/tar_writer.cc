#include "providers/docker/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <system_error>

namespace pgdecl::docker {
namespace {

namespace fs = std::filesystem;

struct EntryFree {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};
using Entry = std::unique_ptr<archive_entry, EntryFree>;

struct EntryFields {
  std::string path;
  mode_t type = AE_IFREG;
  int permissions = 0644;
  int uid = 0;
  int gid = 0;
  time_t mtime = 0;
  std::string symlink_target;
};

// A tar stream written into a string. Not movable: libarchive holds `this`.
class TarWriter {
 public:
  TarWriter() : archive_(archive_write_new()) {
    archive_write_set_format_pax_restricted(archive_);
    archive_write_set_bytes_in_last_block(archive_, 1);  // no padding to 10 KiB
    archive_write_open(archive_, this, nullptr, &TarWriter::on_write, nullptr);
  }
  ~TarWriter() { archive_write_free(archive_); }
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  Status add(const EntryFields& fields, const std::string& content) {
    Entry entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), fields.path.c_str());
    archive_entry_set_filetype(entry.get(), fields.type);
    archive_entry_set_perm(entry.get(), static_cast<mode_t>(fields.permissions));
    archive_entry_set_uid(entry.get(), fields.uid);
    archive_entry_set_gid(entry.get(), fields.gid);
    archive_entry_set_mtime(entry.get(), fields.mtime, 0);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
    if (fields.type == AE_IFLNK) archive_entry_set_symlink(entry.get(), fields.symlink_target.c_str());
    if (archive_write_header(archive_, entry.get()) != ARCHIVE_OK) return error("adding " + fields.path);
    if (!content.empty() && archive_write_data(archive_, content.data(), content.size()) < 0) {
      return error("writing " + fields.path);
    }
    return Status::ok();
  }

  Result<std::string> finish() {
    if (archive_write_close(archive_) != ARCHIVE_OK) return error("closing the archive");
    return std::move(output_);
  }

 private:
  static la_ssize_t on_write(archive*, void* self, const void* buffer, size_t length) {
    static_cast<TarWriter*>(self)->output_.append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
  }

  Status error(const std::string& doing) const {
    const char* reason = archive_error_string(archive_);
    return Status::failed("building a tar archive: " + doing + ": " + (reason ? reason : "unknown error"));
  }

  archive* archive_;
  std::string output_;
};

Result<std::string> read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::failed("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Fields of one file of a build context; nullopt for what tar cannot carry.
std::optional<EntryFields> fields_for(const fs::path& absolute, const fs::path& relative) {
  struct stat info {};
  if (::lstat(absolute.c_str(), &info) != 0) return std::nullopt;
  EntryFields fields;
  fields.path = relative.generic_string();
  fields.permissions = static_cast<int>(info.st_mode & 07777);
  fields.mtime = info.st_mtime;
  if (S_ISREG(info.st_mode)) {
    fields.type = AE_IFREG;
  } else if (S_ISDIR(info.st_mode)) {
    fields.type = AE_IFDIR;
  } else if (S_ISLNK(info.st_mode)) {
    fields.type = AE_IFLNK;
    std::error_code error;
    fields.symlink_target = fs::read_symlink(absolute, error).string();
    if (error) return std::nullopt;
  } else {
    return std::nullopt;  // sockets, fifos, devices: not build material
  }
  return fields;
}

Result<std::vector<fs::path>> sorted_tree(const fs::path& root) {
  std::error_code error;
  std::vector<fs::path> paths;
  for (fs::recursive_directory_iterator it(root, error), end; !error && it != end; it.increment(error)) {
    paths.push_back(it->path());
  }
  if (error) return Status::failed("cannot read the build context " + root.string() + ": " + error.message());
  std::sort(paths.begin(), paths.end());  // same context, same archive
  return paths;
}

}  // namespace

Result<std::string> tar_files(const std::vector<ArchiveFile>& files) {
  TarWriter writer;
  time_t now = std::time(nullptr);
  for (const ArchiveFile& file : files) {
    EntryFields fields;
    fields.path = file.name;
    fields.permissions = file.mode;
    fields.uid = file.uid;
    fields.gid = file.gid;
    fields.mtime = now;
    if (Status added = writer.add(fields, file.content); !added) return added;
  }
  return writer.finish();
}

Result<std::string> tar_directory(const std::string& dir) {
  fs::path root(dir);
  std::error_code error;
  if (!fs::is_directory(root, error))
    return Status::invalid_argument("build context " + dir + " is not a directory");
  Result<std::vector<fs::path>> paths = sorted_tree(root);
  if (!paths) return paths.status();
  TarWriter writer;
  for (const fs::path& absolute : *paths) {
    std::optional<EntryFields> fields = fields_for(absolute, absolute.lexically_relative(root));
    if (!fields) continue;
    std::string content;
    if (fields->type == AE_IFREG) {
      Result<std::string> read = read_whole_file(absolute);
      if (!read) return read.status();
      content = std::move(*read);
    }
    if (Status added = writer.add(*fields, content); !added) return added;
  }
  return writer.finish();
}

}  // namespace pgdecl::docker
