// SecretBox: secrets the server must read back (the TOTP shared secrets of second factors),
// sealed at rest with the instance's key (libsodium secretbox: XSalsa20-Poly1305).
//
// The key is 32 random bytes in a file of the data directory (kKeyFileName), created with mode
// 0600 when the directory is opened without one; it is never logged nor stored in the database,
// so a copy of the database alone does not reveal the secrets. A sealed value reads
// "sealed:v1:" followed by the hex of the nonce and the box; anything else is a value written
// before sealing existed (SealSecondFactors seals those once). Thread-safe: immutable.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/store.h"

namespace disan::auth {

class SecretBox {
 public:
  static constexpr const char* kKeyFileName = "secret.key";

  // Reads the key at `path`, creating it (0600, new random key) when there is no file.
  // kCorrupt when the file is not exactly one key; kUnavailable when it cannot be read or made.
  static Result<std::shared_ptr<const SecretBox>> OpenKeyFile(const std::filesystem::path& path);
  // A box over a key given as it is (32 bytes; tests).
  static std::shared_ptr<const SecretBox> FromKey(std::string key);

  std::string Seal(std::string_view plain) const;
  // kCorrupt, saying so in both languages, when `sealed` is not a value this key sealed (the
  // key file was replaced, or the value was altered).
  Result<std::string> Open(std::string_view sealed) const;
  static bool IsSealed(std::string_view stored);

  const std::string& where() const { return where_; }  // the key file, for messages

 private:
  SecretBox(std::string key, std::string where) : key_(std::move(key)), where_(std::move(where)) {}
  std::string key_;
  std::string where_;
};

// The TOTP secret of `factor` in base32, opened with `box` when it is sealed. kCorrupt when
// the box does not open it; kUnavailable when it is sealed and there is no box.
Result<std::string> SecondFactorSecret(const SecondFactor& factor, const SecretBox* box);
// The same, decoded to the key TOTP codes are made with; nullopt when it is not base32.
Result<std::optional<std::string>> SecondFactorKey(const SecondFactor& factor,
                                                   const SecretBox* box);

// Seals every second factor still stored in the clear, and checks that `box` opens every
// sealed one: run when a data directory is opened. kCorrupt, naming the key file, when a
// sealed secret does not open (the key file is not the one they were sealed with); then
// nothing is changed.
Status SealSecondFactors(MetadataStore& store, const SecretBox& box);

}  // namespace disan::auth
