// Reading an oai_dc record of a foreign repository as a Disan heritage item: each Dublin Core
// element goes to the closest field (docs/interop.md, "Harvesting"); what has no home is
// reported, not guessed. Pure function of the elements and the schema; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/schema.h"
#include "interop/harvest/oai_response.h"

namespace disan::interop::harvest {

struct DcMapping {
  nlohmann::json document;            // an item document, to be validated by the catalogue
  std::vector<std::string> unmapped;  // "dc:publisher", "dc:title (xml:lang de)", ...
};

DcMapping MapDublinCore(const Schema& schema, const std::vector<DcElement>& elements);

}  // namespace disan::interop::harvest
