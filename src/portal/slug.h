// Readable Vietnamese URLs for records: /di-san/nha-nguc-dak-mil-dn-vrqkzqw97.
//
// The slug is decoration; the persistent identifier at its end decides which record a URL
// names, so renaming a record never breaks a link (the old slug redirects to the new one).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace disan::portal {

// "Di tích lịch sử Nhà ngục Đắk Mil (Ngục Đăk Mil)" -> "nha-nguc-dak-mil": the name without
// the words that only say what kind of heritage it is, without parentheses, folded to ASCII.
// Falls back to the whole name when nothing else would remain; "" for an empty name.
std::string NameSlug(std::string_view name);

// The path segment of a record: NameSlug(name) + "-" + pid (just the pid when the slug is "").
std::string SlugSegment(std::string_view name, std::string_view pid);

// The pid a path segment ends with ("...-dn-vrqkzqw97" -> "dn-vrqkzqw97"), not yet checked;
// nullopt when the segment cannot end with one.
std::optional<std::string> PidOfSegment(std::string_view segment);

}  // namespace disan::portal
