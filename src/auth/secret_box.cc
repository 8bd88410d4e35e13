#include "auth/secret_box.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "auth/sodium.h"
#include "auth/totp.h"

namespace disan::auth {
namespace {

constexpr std::string_view kPrefix = "sealed:v1:";

std::unexpected<Error> CannotUse(const std::string& path, const std::string& why) {
  return Fail(ErrorCode::kUnavailable, "cannot use the key file " + path + ": " + why,
              "không dùng được tệp khóa " + path + ": " + why);
}

}  // namespace

Result<std::shared_ptr<const SecretBox>> SecretBox::OpenKeyFile(const std::filesystem::path& path) {
  EnsureSodium();
  const std::string where = path.string();
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  int fd = ::open(where.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    randombytes_buf(key.data(), key.size());
    fd = ::open(where.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return CannotUse(where, std::strerror(errno));
    ssize_t n = ::write(fd, key.data(), key.size());
    bool ok = n == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(where.c_str());
      return CannotUse(where, "the new key could not be written");
    }
    return std::shared_ptr<const SecretBox>(new SecretBox(std::move(key), where));
  }
  if (fd < 0) return CannotUse(where, std::strerror(errno));
  std::string read(crypto_secretbox_KEYBYTES + 1, '\0');
  ssize_t n = ::read(fd, read.data(), read.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(crypto_secretbox_KEYBYTES)) {
    std::string want = std::to_string(crypto_secretbox_KEYBYTES);
    return Fail(ErrorCode::kCorrupt,
                "the key file " + where + " is not a key: it must hold exactly " + want +
                    " bytes (restore it from a backup)",
                "tệp khóa " + where + " không phải khóa: phải có đúng " + want +
                    " byte (hãy khôi phục từ bản sao lưu)");
  }
  read.resize(crypto_secretbox_KEYBYTES);
  return std::shared_ptr<const SecretBox>(new SecretBox(std::move(read), where));
}

std::shared_ptr<const SecretBox> SecretBox::FromKey(std::string key) {
  EnsureSodium();
  if (key.size() != crypto_secretbox_KEYBYTES) throw std::invalid_argument("not a secretbox key");
  return std::shared_ptr<const SecretBox>(new SecretBox(std::move(key), "(a key in memory)"));
}

bool SecretBox::IsSealed(std::string_view stored) { return stored.starts_with(kPrefix); }

std::string SecretBox::Seal(std::string_view plain) const {
  std::string bin(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(bin.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), out,
                        reinterpret_cast<const unsigned char*>(key_.data()));
  std::string hex(bin.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out, bin.size());
  hex.pop_back();
  return std::string(kPrefix) + hex;
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  auto refused = [&] {
    return Fail(ErrorCode::kCorrupt,
                "a sealed secret does not open with the key file " + where_ +
                    ": the key file is not the one it was sealed with, or the value was altered",
                "không mở được bí mật đã niêm phong bằng tệp khóa " + where_ +
                    ": tệp khóa không phải khóa đã dùng để niêm phong, hoặc giá trị đã bị sửa");
  };
  if (!IsSealed(sealed)) return refused();
  std::string_view hex = sealed.substr(kPrefix.size());
  std::string bin(hex.size() / 2, '\0');
  size_t length = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), hex.data(),
                     hex.size(), nullptr, &length, nullptr) != 0 ||
      length != bin.size() || length < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return refused();
  }
  const auto* in = reinterpret_cast<const unsigned char*>(bin.data());
  std::string plain(length - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 in + crypto_secretbox_NONCEBYTES,
                                 length - crypto_secretbox_NONCEBYTES, in,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return refused();
  }
  return plain;
}

Result<std::string> SecondFactorSecret(const SecondFactor& factor, const SecretBox* box) {
  if (!SecretBox::IsSealed(factor.secret)) return factor.secret;
  if (!box) {
    return Fail(ErrorCode::kUnavailable,
                "this server has no key file to open second-factor secrets with",
                "máy chủ này không có tệp khóa để mở bí mật xác thực hai lớp");
  }
  return box->Open(factor.secret);
}

Result<std::optional<std::string>> SecondFactorKey(const SecondFactor& factor,
                                                   const SecretBox* box) {
  std::string base32 = TRY(SecondFactorSecret(factor, box));
  return Base32Decode(base32);
}

Status SealSecondFactors(MetadataStore& store, const SecretBox& box) {
  std::vector<Account> accounts = TRY(store.ListAccounts());
  std::vector<SecondFactor> to_seal;
  for (const Account& a : accounts) {
    std::optional<SecondFactor> f = TRY(store.GetSecondFactor(a.id));
    if (!f) continue;
    if (SecretBox::IsSealed(f->secret)) {
      Result<std::string> opened = box.Open(f->secret);
      if (!opened) {
        return Fail(ErrorCode::kCorrupt,
                    "the second factor of account '" + a.login + "' does not open with " +
                        box.where() +
                        ": this is not the key file its secret was sealed with (restore the "
                        "right one, or reset that person's second factor)",
                    "xác thực hai lớp của tài khoản '" + a.login + "' không mở được bằng " +
                        box.where() +
                        ": đây không phải tệp khóa đã niêm phong bí mật đó (hãy khôi phục đúng "
                        "tệp, hoặc đặt lại xác thực hai lớp của người đó)");
      }
      continue;
    }
    f->secret = box.Seal(f->secret);
    to_seal.push_back(*f);
  }
  if (to_seal.empty()) return Ok();
  return store.Write([&](StoreWriter& w) -> Status {
    for (const SecondFactor& f : to_seal) TRY(w.PutSecondFactor(f));
    return Ok();
  });
}

}  // namespace disan::auth
