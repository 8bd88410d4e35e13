#include "core/pid.h"

#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <stdexcept>

namespace disan {
namespace {

constexpr int kModulus = 29;
static_assert(kPidAlphabet.size() == kModulus);

int ValueOf(char c) {
  size_t pos = kPidAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// The check value c at position n+1 solves sum + (n+1) * c = 0 (mod 29).
char CheckChar(std::string_view body) {
  int sum = 0;
  for (size_t i = 0; i < body.size(); ++i) sum += static_cast<int>(i + 1) * ValueOf(body[i]);
  const int weight = static_cast<int>(body.size() + 1);
  for (int c = 0; c < kModulus; ++c) {
    if ((sum + weight * c) % kModulus == 0) return kPidAlphabet[static_cast<size_t>(c)];
  }
  throw std::logic_error("no check character: modulus must be prime");
}

}  // namespace

Status ValidatePidNamespace(std::string_view ns) {
  bool ok = ns.size() >= 2 && ns.size() <= 16 && ns[0] >= 'a' && ns[0] <= 'z';
  for (char c : ns) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
  if (!ok) {
    return Fail(ErrorCode::kInvalid,
                "identifier namespace must be 2-16 lower-case letters or digits, starting with a "
                "letter",
                "tiền tố mã định danh phải gồm 2-16 chữ cái thường hoặc chữ số, bắt đầu bằng chữ "
                "cái");
  }
  return Ok();
}

std::string PidFromBody(std::string_view ns, std::string_view body) {
  std::string pid(ns);
  pid += '-';
  pid += body;
  pid += CheckChar(body);
  return pid;
}

std::string MintPid(std::string_view ns) {
  std::array<unsigned char, kPidBodyLength> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  std::string body;
  for (unsigned char r : random) {
    // 256 = 8 * 29 + 24: rejecting the top 24 values would remove bias; the tiny bias left by
    // the modulo does not matter for uniqueness, which the store enforces.
    body += kPidAlphabet[r % kModulus];
  }
  return PidFromBody(ns, body);
}

Result<std::string> ParsePid(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s += lower;
  }
  size_t dash = s.rfind('-');
  auto shape_error = [&] {
    return Fail(ErrorCode::kInvalid,
                "'" + std::string(text) +
                    "' is not a persistent identifier: expected NAMESPACE-XXXXXXXXC, e.g. "
                    "dn-4kq8zx2bv",
                "'" + std::string(text) +
                    "' không phải mã định danh: cần dạng TIỀNTỐ-XXXXXXXXC, ví dụ dn-4kq8zx2bv");
  };
  if (dash == std::string::npos) return shape_error();
  std::string ns = s.substr(0, dash);
  std::string code = s.substr(dash + 1);
  if (!ValidatePidNamespace(ns) || code.size() != kPidBodyLength + 1) return shape_error();
  for (char& c : code) {
    if (c == 'o') c = '0';
    if (c == 'i' || c == 'l') c = '1';
    if (ValueOf(c) < 0) return shape_error();
  }
  int sum = 0;
  for (size_t i = 0; i < code.size(); ++i) sum += static_cast<int>(i + 1) * ValueOf(code[i]);
  if (sum % kModulus != 0) {
    return Fail(ErrorCode::kInvalid,
                "'" + std::string(text) +
                    "': the check character does not match; a character is probably mistyped "
                    "or two are swapped",
                "'" + std::string(text) +
                    "': ký tự kiểm tra không khớp; có thể gõ nhầm một ký tự hoặc đảo hai ký tự");
  }
  return ns + "-" + code;
}

}  // namespace disan
