// The files of schema/, compiled into the binary by cmake/embed.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace disan {

struct EmbeddedFile {
  std::string_view path;     // relative to schema/, e.g. "vocabularies/ethnic_groups.json"
  std::string_view content;  // the file's bytes (UTF-8 JSON)
};

const std::vector<EmbeddedFile>& SchemaFiles();

}  // namespace disan
