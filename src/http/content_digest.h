// The digest an uploader sends with a file, as RFC 9530 defines it: the Content-Digest (or
// Repr-Digest; for an upload without content coding the two are the same) field, a structured
// field dictionary (RFC 8941) of algorithm = :base64 bytes:, e.g.
//   Content-Digest: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
// sha-256 and sha-512 are checked; the other algorithms of the registry (all deprecated) are
// ignored, but a field that names none of the two is refused, since the sender expects a check.
// Pure; no I/O.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/error.h"

namespace disan::http {

struct ContentDigest {
  std::map<std::string, std::string> hex;  // "sha-256" / "sha-512" -> lowercase hex digest
};

// Parses one field value. kInvalid with a FieldError named `field` ("Content-Digest") when it
// is not a dictionary of byte sequences, is longer than 4096 bytes, gives sha-256 or sha-512 a
// value of the wrong length or twice, or names neither.
Result<ContentDigest> ParseContentDigest(std::string_view value, const std::string& field);

// Renders digests in the field's syntax: "sha-256=:...:, sha-512=:...:" (hex in, base64 out).
std::string FormatContentDigest(const std::map<std::string, std::string>& hex);

}  // namespace disan::http
