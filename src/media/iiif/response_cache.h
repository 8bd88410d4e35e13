// ResponseCache: a bounded on-disk cache of encoded IIIF images, least recently used first out.
//
// Each entry is one file named after the SHA-256 of its key, written to a temporary name and
// renamed in (a reader never sees half a file). The index of sizes and use order is in memory;
// files found at start are adopted in modification-time order. When the total passes the
// limit, the least recently used files are deleted. Thread-safe (one mutex around the index;
// file reads and writes happen outside it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace disan::media::iiif {

class ResponseCache {
 public:
  // max_bytes 0 disables the cache.
  ResponseCache(std::filesystem::path dir, uint64_t max_bytes);

  std::optional<std::string> Get(const std::string& key);
  void Put(const std::string& key, const std::string& bytes);

  uint64_t bytes() const;
  size_t entries() const;

 private:
  struct Entry {
    uint64_t size;
    std::list<std::string>::iterator use;
  };
  void Touch(Entry& e, const std::string& name);
  void EvictLocked();

  std::filesystem::path dir_;
  uint64_t max_bytes_;
  mutable std::mutex mutex_;
  uint64_t total_ = 0;
  std::list<std::string> order_;  // file names, most recently used first
  std::unordered_map<std::string, Entry> index_;
};

}  // namespace disan::media::iiif
