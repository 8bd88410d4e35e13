// The engine's vocabulary: words numbered in order of arrival, their bytes in one arena and an
// open-addressing table of numbers to find them, about 20 bytes a word where a std::string and
// a hash-map node each took over 100 (two million words at a million records).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace disan::search {

class Vocabulary {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  uint32_t Find(std::string_view w) const {
    if (table_.empty()) return kNone;
    const size_t mask = table_.size() - 1;
    for (size_t i = Hash(w) & mask;; i = (i + 1) & mask) {
      uint32_t id = table_[i];
      if (id == 0) return kNone;
      if ((*this)[id - 1] == w) return id - 1;
    }
  }
  // The number of `w`, adding it when new.
  uint32_t Add(std::string_view w) {
    uint32_t found = Find(w);
    if (found != kNone) return found;
    const uint32_t id = static_cast<uint32_t>(ends_.size());
    bytes_.append(w);
    ends_.push_back(bytes_.size());
    if ((ends_.size()) * 2 > table_.size()) {
      Rehash(table_.empty() ? 1024 : table_.size() * 2);
    } else {
      Place(id);
    }
    return id;
  }
  std::string_view operator[](uint32_t id) const {
    size_t begin = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(bytes_).substr(begin, ends_[id] - begin);
  }
  size_t size() const { return ends_.size(); }
  size_t Bytes() const {
    return bytes_.capacity() + ends_.capacity() * sizeof(uint64_t) +
           table_.capacity() * sizeof(uint32_t);
  }

 private:
  static size_t Hash(std::string_view w) { return std::hash<std::string_view>{}(w); }
  void Place(uint32_t id) {
    const size_t mask = table_.size() - 1;
    size_t i = Hash((*this)[id]) & mask;
    while (table_[i] != 0) i = (i + 1) & mask;
    table_[i] = id + 1;
  }
  void Rehash(size_t buckets) {
    table_.assign(buckets, 0);
    for (uint32_t id = 0; id < ends_.size(); ++id) Place(id);
  }

  std::string bytes_;
  std::vector<uint64_t> ends_;   // word id's bytes end here
  std::vector<uint32_t> table_;  // word id + 1, or 0 for an empty bucket
};

}  // namespace disan::search
