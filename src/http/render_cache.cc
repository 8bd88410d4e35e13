#include "http/render_cache.h"

#include <functional>

namespace disan::http {

RenderCache::RenderCache(size_t max_bytes) : max_shard_bytes_(max_bytes / kShards) {}

RenderCache::Shard& RenderCache::ShardOf(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

std::optional<RenderCache::Entry> RenderCache::Find(const std::string& key, int64_t revision) {
  Shard& s = ShardOf(key);
  std::lock_guard lock(s.mu);
  auto it = s.entries.find(key);
  if (it == s.entries.end() || it->second.revision != revision) return std::nullopt;
  return it->second;
}

bool RenderCache::Has(const std::string& key) {
  Shard& s = ShardOf(key);
  std::lock_guard lock(s.mu);
  return s.entries.contains(key);
}

void RenderCache::Put(const std::string& key, Entry entry) {
  const size_t size = key.size() + entry.body.size() + entry.etag.size();
  if (size > max_shard_bytes_) return;
  Shard& s = ShardOf(key);
  std::lock_guard lock(s.mu);
  auto [it, inserted] = s.entries.try_emplace(key);
  if (!inserted) {
    if (it->second.revision > entry.revision) return;  // a slower reader's older rendering
    s.bytes -= key.size() + it->second.body.size() + it->second.etag.size();
  } else {
    s.order.push_back(key);
  }
  it->second = std::move(entry);
  s.bytes += size;
  while (s.bytes > max_shard_bytes_ && !s.order.empty()) {
    auto old = s.entries.find(s.order.front());
    if (old != s.entries.end()) {
      s.bytes -= old->first.size() + old->second.body.size() + old->second.etag.size();
      s.entries.erase(old);
    }
    s.order.pop_front();
  }
}

size_t RenderCache::bytes() const {
  size_t total = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(const_cast<std::mutex&>(s.mu));
    total += s.bytes;
  }
  return total;
}

}  // namespace disan::http
