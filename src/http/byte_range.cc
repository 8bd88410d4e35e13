// Single byte ranges (byte_range.h).
#include "http/byte_range.h"

#include <limits>
#include <optional>

namespace disan::http {
namespace {

constexpr uint64_t kHuge = std::numeric_limits<uint64_t>::max();

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Digits only (at least one); saturates at kHuge instead of wrapping.
std::optional<uint64_t> Digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    unsigned d = static_cast<unsigned>(c - '0');
    v = v > (kHuge - d) / 10 ? kHuge : v * 10 + d;
  }
  return v;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

ByteRangeAnswer ResolveByteRange(std::string_view header, uint64_t size) {
  using Kind = ByteRangeAnswer::Kind;
  const ByteRangeAnswer whole{Kind::kWhole, 0, size};
  const ByteRangeAnswer unsatisfiable{Kind::kUnsatisfiable, 0, 0};
  header = Trim(header);
  size_t eq = header.find('=');
  if (eq == std::string_view::npos || !EqualsIgnoringCase(Trim(header.substr(0, eq)), "bytes"))
    return whole;
  std::string_view spec = Trim(header.substr(eq + 1));
  if (spec.empty() || spec.find(',') != std::string_view::npos) return whole;
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  std::string_view first_text = Trim(spec.substr(0, dash)), last_text = Trim(spec.substr(dash + 1));
  if (first_text.empty()) {
    std::optional<uint64_t> suffix = Digits(last_text);
    if (!suffix) return whole;
    if (*suffix == 0 || size == 0) return unsatisfiable;
    uint64_t length = *suffix < size ? *suffix : size;
    return {Kind::kPartial, size - length, length};
  }
  std::optional<uint64_t> first = Digits(first_text);
  if (!first) return whole;
  std::optional<uint64_t> last = kHuge;
  if (!last_text.empty()) {
    last = Digits(last_text);
    if (!last) return whole;
    if (*last < *first) return unsatisfiable;
  }
  if (*first >= size) return unsatisfiable;
  uint64_t end = *last < size - 1 ? *last : size - 1;
  return {Kind::kPartial, *first, end - *first + 1};
}

}  // namespace disan::http
