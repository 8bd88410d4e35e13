// Slugs for record URLs.
#include "portal/slug.h"

#include <array>

#include "core/text.h"

namespace disan::portal {
namespace {

// Folded phrases that open many names and only repeat the kind or type of heritage; longest
// first so that "di tich lich su" is removed whole rather than "di tich" alone.
constexpr std::array<std::string_view, 10> kGenericOpenings = {"di tich lich su van hoa ",
                                                               "di tich kien truc nghe thuat ",
                                                               "di tich danh lam thang canh ",
                                                               "di tich lich su ",
                                                               "di tich khao co ",
                                                               "danh lam thang canh ",
                                                               "di tich quoc gia ",
                                                               "danh thang ",
                                                               "di tich ",
                                                               "khu di tich "};

std::string WithoutParentheses(std::string_view name) {
  std::string out;
  int depth = 0;
  for (char c : name) {
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth > 0) --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string NameSlug(std::string_view name) {
  std::string folded = Fold(WithoutParentheses(name)) + " ";
  for (std::string_view opening : kGenericOpenings) {
    if (folded.starts_with(opening) && folded.size() > opening.size() + 1) {
      folded = folded.substr(opening.size());
      break;
    }
  }
  std::string slug = Slugify(folded, 60);
  return slug.empty() ? Slugify(name, 60) : slug;
}

std::string SlugSegment(std::string_view name, std::string_view pid) {
  std::string slug = NameSlug(name);
  return slug.empty() ? std::string(pid) : slug + "-" + std::string(pid);
}

std::optional<std::string> PidOfSegment(std::string_view segment) {
  if (segment.size() > 400) return std::nullopt;
  size_t last = segment.rfind('-');
  if (last == std::string_view::npos || last == 0 || last + 1 == segment.size())
    return std::nullopt;
  size_t before = segment.rfind('-', last - 1);
  std::string_view pid = before == std::string_view::npos ? segment : segment.substr(before + 1);
  if (pid.empty()) return std::nullopt;
  return std::string(pid);
}

}  // namespace disan::portal
