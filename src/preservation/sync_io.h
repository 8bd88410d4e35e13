// Durable file-system operations for the preservation store: every write is followed by
// fsync of the file and of the directory that names it, so that what a commit has renamed
// into place survives a power failure. POSIX only. All functions are thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace disan::preservation {

// Files are copied and hashed in pieces of this size; it bounds the memory any one transfer
// uses.
inline constexpr size_t kCopyBufferSize = 1 << 20;

// An open file descriptor, closed when destroyed.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.Release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int Release();
  // Closes now, reporting the error close() reports (a delayed write error on some systems).
  Status Close(const std::filesystem::path& path);

 private:
  int fd_ = -1;
};

// An error for a failed system call on `path`: kUnavailable (kNotFound for ENOENT), with a
// message that says "no space left" plainly when the disk is full.
std::unexpected<Error> IoError(int err, std::string_view what_en, std::string_view what_vi,
                               const std::filesystem::path& path);

// fsync of a file or directory.
Status SyncPath(const std::filesystem::path& path);

// Writes `bytes` to a new file (it must not exist), fsyncs it and its directory.
Status WriteNewFileDurably(const std::filesystem::path& path, std::string_view bytes);

// Writes all of `size` bytes, retrying short writes.
Status WriteAll(int fd, const char* data, size_t size, const std::filesystem::path& path);

// Reads a whole file that must not be larger than `max_bytes` (kCorrupt when it is).
Result<std::string> ReadFileBounded(const std::filesystem::path& path, size_t max_bytes);

// Creates `dir` and any missing parents, fsyncing each parent after creating a child in it.
Status CreateDirectoriesDurably(const std::filesystem::path& dir);

// rename(2), then fsync of the destination's directory (and the source's, when different).
Status RenameDurably(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace disan::preservation
