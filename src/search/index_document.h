// What the search index stores for one record, derived from its document. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/schema.h"

namespace disan::search {

// Index columns, by weight: names > identifiers > description > everything else.
struct SearchDocument {
  std::string folded[4];  // names, ids, description, other
  std::string exact[4];
  std::string sort_key;          // ICU "vi" collation key of the preferred name (memcmp order)
  std::string recognition_date;  // earliest recognition date ("2005-03-17", or a year)
  std::optional<double> lat, lon;  // generalised to 0.1° when the record asks for it
  std::optional<int64_t> year_from, year_to;
  bool is_public = true;
};

SearchDocument BuildSearchDocument(const Schema& schema, std::string_view pid,
                                   const nlohmann::json& document);

// The ICU Vietnamese collation key of `text`, as bytes that compare with memcmp.
std::string CollationKey(std::string_view text);

// The preferred name: the first name marked preferred, else the first Vietnamese one, else
// the first.
std::string PreferredName(const nlohmann::json& document);

}  // namespace disan::search
