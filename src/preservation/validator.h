// The checker behind `disan fsck`: validates a whole OCFL 1.1 storage root against the
// specification and against its own digests.
//
// It checks the root's conformance declaration and layout, that the storage hierarchy holds
// nothing but objects, and for every object: its declaration, that it sits where the layout
// puts its identifier, its inventory (every rule of ParseInventory) and sidecar digest, the
// inventory copies in the version directories, that the files on disk are exactly those of the
// manifest (nothing missing, nothing extra, no empty directory), and the digest of every content
// file against the manifest (sha512) and the fixity block (sha256 and any other algorithm OCFL
// names). Every file is read once, in 1 MiB pieces. It reports problems and never changes
// anything. Thread-compatible: one call per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "preservation/finding.h"

namespace disan::preservation {

struct ValidationReport {
  Findings findings;
  size_t objects = 0;  // object roots checked
  size_t files = 0;    // content files whose digests were checked
  uint64_t bytes = 0;  // bytes of content read
  // Identifiers of the objects whose inventory could be read (for repairs).
  std::vector<std::string> object_ids;

  size_t Errors() const;
  size_t Warnings() const;
};

struct ValidateOptions {
  // Called before each object is checked, with its path relative to the root.
  std::function<void(const std::string& object_path)> progress;
};

ValidationReport ValidateStorageRoot(const std::filesystem::path& root,
                                     const ValidateOptions& options = {});

}  // namespace disan::preservation
