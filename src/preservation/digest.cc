#include "preservation/digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "preservation/sync_io.h"

namespace disan::preservation {

struct Hasher::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

namespace {

const EVP_MD* AlgorithmFor(std::string_view name) {
  if (name == "sha512") return EVP_sha512();
  if (name == "sha256") return EVP_sha256();
  if (name == "sha1") return EVP_sha1();
  if (name == "md5") return EVP_md5();
  if (name == "blake2b-512") return EVP_blake2b512();
  return nullptr;
}

}  // namespace

std::optional<Hasher> Hasher::ForAlgorithm(std::string_view ocfl_name) {
  const EVP_MD* md = AlgorithmFor(ocfl_name);
  if (!md) return std::nullopt;
  auto state = std::make_unique<State>();
  state->ctx = EVP_MD_CTX_new();
  if (!state->ctx || EVP_DigestInit_ex(state->ctx, md, nullptr) != 1) {
    throw std::runtime_error("OpenSSL cannot start a " + std::string(ocfl_name) + " digest");
  }
  return Hasher(std::move(state));
}

size_t Hasher::HexLength(std::string_view ocfl_name) {
  const EVP_MD* md = AlgorithmFor(ocfl_name);
  return md ? static_cast<size_t>(EVP_MD_get_size(md)) * 2 : 0;
}

Hasher::Hasher(std::unique_ptr<State> state) : state_(std::move(state)) {}
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

void Hasher::Update(const void* data, size_t size) {
  if (size > 0) EVP_DigestUpdate(state_->ctx, data, size);
}

std::string Hasher::FinishHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->ctx, digest, &length);
  return HexEncode(digest, length);
}

DigestPair::DigestPair()
    : sha512_(*Hasher::ForAlgorithm("sha512")), sha256_(*Hasher::ForAlgorithm("sha256")) {}

void DigestPair::Update(const void* data, size_t size) {
  sha512_.Update(data, size);
  sha256_.Update(data, size);
  size_ += size;
}

Digests DigestPair::Finish() { return Digests{sha512_.FinishHex(), sha256_.FinishHex(), size_}; }

std::string Sha512Hex(std::string_view bytes) {
  Hasher h = *Hasher::ForAlgorithm("sha512");
  h.Update(bytes.data(), bytes.size());
  return h.FinishHex();
}

std::string HexEncode(const unsigned char* data, size_t size) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += hex[data[i] >> 4];
    out += hex[data[i] & 15];
  }
  return out;
}

Result<Digests> DigestFile(const std::string& path) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return IoError(errno, "cannot read", "không đọc được", path);
  DigestPair digests;
  std::vector<char> buffer(kCopyBufferSize);
  for (;;) {
    ssize_t n = read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(errno, "cannot read", "không đọc được", path);
    if (n == 0) break;
    digests.Update(buffer.data(), static_cast<size_t>(n));
  }
  return digests.Finish();
}

}  // namespace disan::preservation
