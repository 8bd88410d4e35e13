#include "preservation/sync_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace disan::preservation {

namespace fs = std::filesystem;

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.Release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

int Fd::Release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

Status Fd::Close(const fs::path& path) {
  int fd = Release();
  if (fd >= 0 && close(fd) != 0 && errno != EINTR) {
    return IoError(errno, "cannot write", "không ghi được", path);
  }
  return Ok();
}

std::unexpected<Error> IoError(int err, std::string_view what_en, std::string_view what_vi,
                               const fs::path& path) {
  std::string p = path.string();
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) {
    return Fail(ErrorCode::kUnavailable,
                std::string(what_en) + " " + p + ": no space left on the storage device",
                std::string(what_vi) + " " + p + ": thiết bị lưu trữ đã hết dung lượng");
  }
  std::string reason = std::strerror(err);
  return Fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
              std::string(what_en) + " " + p + ": " + reason,
              std::string(what_vi) + " " + p + " (" + reason + ")");
}

Status SyncPath(const fs::path& path) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return IoError(errno, "cannot open", "không mở được", path);
  if (fsync(fd.get()) != 0)
    return IoError(errno, "cannot flush to disk", "không ghi xuống đĩa được", path);
  return Ok();
}

Status WriteAll(int fd, const char* data, size_t size, const fs::path& path) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(errno, "cannot write", "không ghi được", path);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Ok();
}

Status WriteNewFileDurably(const fs::path& path, std::string_view bytes) {
  Fd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) return IoError(errno, "cannot create", "không tạo được", path);
  TRY(WriteAll(fd.get(), bytes.data(), bytes.size(), path));
  if (fsync(fd.get()) != 0)
    return IoError(errno, "cannot flush to disk", "không ghi xuống đĩa được", path);
  TRY(fd.Close(path));
  return SyncPath(path.parent_path());
}

Result<std::string> ReadFileBounded(const fs::path& path, size_t max_bytes) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return IoError(errno, "cannot read", "không đọc được", path);
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return IoError(errno, "cannot read", "không đọc được", path);
  if (!S_ISREG(st.st_mode)) {
    return Fail(ErrorCode::kCorrupt, path.string() + " is not a regular file",
                path.string() + " không phải tệp thông thường");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    return Fail(ErrorCode::kCorrupt,
                path.string() + " is larger than " + std::to_string(max_bytes) + " bytes",
                path.string() + " lớn hơn " + std::to_string(max_bytes) + " byte");
  }
  std::string out;
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(errno, "cannot read", "không đọc được", path);
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return Fail(ErrorCode::kCorrupt,
                  path.string() + " is larger than " + std::to_string(max_bytes) + " bytes",
                  path.string() + " lớn hơn " + std::to_string(max_bytes) + " byte");
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

Status CreateDirectoriesDurably(const fs::path& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Ok();
    return Fail(ErrorCode::kConflict, dir.string() + " exists and is not a directory",
                dir.string() + " đã tồn tại và không phải thư mục");
  }
  if (dir.has_parent_path() && dir.parent_path() != dir)
    TRY(CreateDirectoriesDurably(dir.parent_path()));
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return IoError(errno, "cannot create the directory", "không tạo được thư mục", dir);
  }
  return SyncPath(dir.parent_path().empty() ? fs::path(".") : dir.parent_path());
}

Status RenameDurably(const fs::path& from, const fs::path& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    return IoError(errno, "cannot move into place", "không chuyển được vào vị trí", to);
  }
  TRY(SyncPath(to.parent_path()));
  if (from.parent_path() != to.parent_path()) TRY(SyncPath(from.parent_path()));
  return Ok();
}

}  // namespace disan::preservation
