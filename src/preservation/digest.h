// Streaming digests for the preservation store.
//
// OCFL content addressing uses SHA-512; the fixity block and the digest an uploader may send
// use SHA-256. DigestPair computes both in one pass over bytes that are being copied, so no
// file is ever read twice or held in memory. Hasher computes any digest algorithm OCFL names
// (for checking fixity blocks written by other tools).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace disan::preservation {

struct Digests {
  std::string sha512;  // lowercase hex
  std::string sha256;  // lowercase hex
  uint64_t size = 0;   // bytes digested
};

// One running digest. Not thread-safe; movable.
class Hasher {
 public:
  // The OCFL algorithm names md5, sha1, sha256, sha512 and blake2b-512; nullopt for others.
  static std::optional<Hasher> ForAlgorithm(std::string_view ocfl_name);
  // Lowercase hex length of the algorithm's digests (0 for unknown names).
  static size_t HexLength(std::string_view ocfl_name);

  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  ~Hasher();

  void Update(const void* data, size_t size);
  // The lowercase hex digest; the hasher may not be updated afterwards.
  std::string FinishHex();

 private:
  struct State;
  explicit Hasher(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// SHA-512 and SHA-256 of the same bytes, in one pass. Not thread-safe; movable.
class DigestPair {
 public:
  DigestPair();
  void Update(const void* data, size_t size);
  Digests Finish();

 private:
  Hasher sha512_;
  Hasher sha256_;
  uint64_t size_ = 0;
};

std::string Sha512Hex(std::string_view bytes);

// Lowercase hex of `size` bytes.
std::string HexEncode(const unsigned char* data, size_t size);

// Reads the file in 1 MiB pieces. kNotFound when it does not exist, kUnavailable on a read
// error.
Result<Digests> DigestFile(const std::string& path);

}  // namespace disan::preservation
