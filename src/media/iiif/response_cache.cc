// The on-disk LRU cache of encoded IIIF responses (response_cache.h).
#include "media/iiif/response_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "preservation/digest.h"

namespace disan::media::iiif {

namespace fs = std::filesystem;

namespace {

std::string NameOf(const std::string& key) {
  preservation::Hasher h = *preservation::Hasher::ForAlgorithm("sha256");
  h.Update(key.data(), key.size());
  return h.FinishHex();
}

bool ReadAll(const fs::path& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  off_t size = lseek(fd, 0, SEEK_END);
  if (size < 0 || size > (off_t{256} << 20)) {
    close(fd);
    return false;
  }
  out.resize(static_cast<size_t>(size));
  ssize_t got = pread(fd, out.data(), out.size(), 0);
  close(fd);
  return got == size;
}

}  // namespace

ResponseCache::ResponseCache(fs::path dir, uint64_t max_bytes)
    : dir_(std::move(dir)), max_bytes_(max_bytes) {
  if (max_bytes_ == 0) return;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  std::vector<std::pair<fs::file_time_type, fs::directory_entry>> found;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with(".tmp-")) {
      fs::remove(e.path(), ec);
    } else if (name.size() == 64 && e.is_regular_file(ec)) {
      found.emplace_back(e.last_write_time(ec), e);
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [time, e] : found) {
    std::string name = e.path().filename().string();
    order_.push_back(name);
    uint64_t size = e.file_size(ec);
    index_[name] = Entry{size, std::prev(order_.end())};
    total_ += size;
  }
  std::lock_guard lock(mutex_);
  EvictLocked();
}

void ResponseCache::Touch(Entry& e, const std::string& name) {
  order_.erase(e.use);
  order_.push_front(name);
  e.use = order_.begin();
}

std::optional<std::string> ResponseCache::Get(const std::string& key) {
  if (max_bytes_ == 0) return std::nullopt;
  std::string name = NameOf(key);
  {
    std::lock_guard lock(mutex_);
    auto it = index_.find(name);
    if (it == index_.end()) return std::nullopt;
    Touch(it->second, name);
  }
  std::string bytes;
  if (!ReadAll(dir_ / name, bytes)) return std::nullopt;
  return bytes;
}

void ResponseCache::Put(const std::string& key, const std::string& bytes) {
  if (max_bytes_ == 0 || bytes.size() > max_bytes_ / 4) return;
  static std::atomic<uint64_t> counter{0};
  std::string name = NameOf(key);
  fs::path tmp = dir_ / (".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return;
  bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  close(fd);
  std::error_code ec;
  if (!ok) {
    fs::remove(tmp, ec);  // a full disk only costs the cache entry
    return;
  }
  std::lock_guard lock(mutex_);
  fs::rename(tmp, dir_ / name, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return;
  }
  auto it = index_.find(name);
  if (it != index_.end()) {
    total_ -= it->second.size;
    it->second.size = bytes.size();
    Touch(it->second, name);
  } else {
    order_.push_front(name);
    index_[name] = Entry{bytes.size(), order_.begin()};
  }
  total_ += bytes.size();
  EvictLocked();
}

void ResponseCache::EvictLocked() {
  std::error_code ec;
  while (total_ > max_bytes_ && !order_.empty()) {
    std::string victim = order_.back();
    order_.pop_back();
    auto it = index_.find(victim);
    if (it != index_.end()) {
      total_ -= it->second.size;
      index_.erase(it);
    }
    fs::remove(dir_ / victim, ec);
  }
}

uint64_t ResponseCache::bytes() const {
  std::lock_guard lock(mutex_);
  return total_;
}

size_t ResponseCache::entries() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}

}  // namespace disan::media::iiif
