// The OCFL 1.1 inventory (inventory.json): the manifest of every content file by digest, and
// the logical state of every version.
//
// ParseInventory is strict: it checks every rule of OCFL 1.1 section 3.5 that can be checked
// without the file system (digest shapes, path safety, continuous versions, state digests in
// the manifest), because content paths read from an inventory are later opened: a hostile
// inventory must not lead outside its object. Pure; no I/O.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "preservation/finding.h"

namespace disan::preservation {

inline constexpr std::string_view kInventoryType = "https://ocfl.io/1.1/spec/#inventory";
inline constexpr std::string_view kObjectDeclaration = "0=ocfl_object_1.1";
inline constexpr std::string_view kObjectDeclarationText = "ocfl_object_1.1\n";

struct Version {
  std::string created;  // RFC 3339
  std::string message;
  std::string user_name;
  std::string user_address;
  std::map<std::string, std::string> state;  // logical path -> digest

  // Whether `state`, `created`, `message` and `user` are the same.
  bool operator==(const Version&) const = default;
};

struct Inventory {
  std::string id;
  std::string type = std::string(kInventoryType);
  std::string digest_algorithm = "sha512";
  std::string head;               // the newest version directory name, "v3"
  std::string content_directory;  // "" when the key is absent ("content")
  std::map<std::string, std::vector<std::string>> manifest;  // digest -> content paths
  // algorithm -> digest -> content paths
  std::map<std::string, std::map<std::string, std::vector<std::string>>> fixity;
  // By version number: 1 -> ("v1", ...). Numbers are continuous from 1.
  std::map<int, std::pair<std::string, Version>> versions;

  std::string ContentDirectory() const {
    return content_directory.empty() ? "content" : content_directory;
  }
  int HeadNumber() const { return versions.empty() ? 0 : versions.rbegin()->first; }
  const Version& HeadVersion() const { return versions.rbegin()->second.second; }
  // The first content path holding `digest` (compared ignoring case), or "" when none does.
  std::string ContentPathOf(std::string_view digest) const;

  // JSON, UTF-8, indented by two spaces, keys sorted; what is written to inventory.json.
  std::string Serialize() const;
};

// The largest inventory.json the store and fsck read; a bigger one is refused, not loaded.
inline constexpr size_t kMaxInventoryBytes = 64 << 20;

// Parses inventory.json. Every problem is appended to `findings` (with an empty path; the
// caller knows which file it read); the inventory is returned when none was an error.
Result<Inventory> ParseInventory(std::string_view text, Findings& findings);

// The contents of inventory.json.sha512: "<digest>  inventory.json\n".
std::string SidecarFor(std::string_view inventory_bytes);

// Checks a sidecar against the inventory bytes it describes (OCFL 3.6), for `algorithm`.
// Returns "" when it matches, otherwise what is wrong, in English and Vietnamese.
std::pair<std::string, std::string> CheckSidecar(std::string_view sidecar,
                                                 std::string_view inventory_bytes,
                                                 std::string_view algorithm);

// Whether a logical or content path is safe: '/'-separated, no empty, "." or ".." element, no
// leading or trailing '/', valid UTF-8 without NUL or other control characters, at most 1024
// bytes with elements of at most 255 bytes.
bool IsSafePath(std::string_view path);

// "v3" -> 3, also zero-padded forms ("v003"); 0 when the name is not a version directory name.
int VersionNumber(std::string_view name);

// RFC 3339 date-time with a time zone ("2025-06-01T08:30:00Z").
bool IsRfc3339(std::string_view text);

}  // namespace disan::preservation
