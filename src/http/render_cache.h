// RenderCache: the public answers of GET /api/v1/{collection}/{pid}, kept per record revision.
//
// Reading a record means parsing its stored JSON, redacting it for the public and printing it
// again; most reads are of the same records by anonymous visitors, and a record changes far
// less often than it is read. An entry is used only while the record's current revision (one
// indexed column, MetadataStore::CurrentRevision) is the one it was rendered from, so an edit,
// a deletion or a change of visibility (each is a new revision) is never answered from here,
// whichever process made it. Only answers for the anonymous public are kept: what staff see
// is read fresh.
//
// Thread-safe: sharded, one mutex per shard. Bounded by bytes: a full shard drops its oldest
// entries.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace disan::http {

class RenderCache {
 public:
  struct Entry {
    int64_t revision = 0;
    std::string body;
    std::string etag;
    // A second record the answer was built from (a manifest's custodian), "" for none, and its
    // revision then (0: it had none). The user of the entry compares it with the current one.
    std::string also_pid;
    int64_t also_revision = 0;
  };

  explicit RenderCache(size_t max_bytes = 64 << 20);

  // The entry for `key` when it was rendered from `revision`.
  std::optional<Entry> Find(const std::string& key, int64_t revision);
  // Whether there is an entry for `key`, of any revision: when not, a reader need not ask
  // for the current revision before it renders.
  bool Has(const std::string& key);
  void Put(const std::string& key, Entry entry);
  size_t bytes() const;

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
    std::deque<std::string> order;  // keys in insertion order, for eviction
    size_t bytes = 0;
  };
  Shard& ShardOf(const std::string& key);

  size_t max_shard_bytes_;
  std::array<Shard, kShards> shards_;
};

}  // namespace disan::http
