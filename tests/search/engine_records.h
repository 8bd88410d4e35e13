// Records and queries for the engine tests: a record with a name (field 0) and a description
// (field 2), its filter terms, and the name as its sort key.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "search/engine.h"
#include "search/vietnamese.h"

namespace disan::search::testing {

inline EngineRecord Record(int64_t id, const std::string& name, const std::string& description = "",
                           std::vector<std::pair<std::string, std::string>> terms = {}) {
  EngineRecord r;
  r.id = id;
  r.folded[0] = FoldedText(name);
  r.exact[0] = ExactText(name);
  r.folded[2] = FoldedText(description);
  r.exact[2] = ExactText(description);
  r.terms = std::move(terms);
  r.sort_key = name;
  r.updated_at = "2026-01-01T00:00:00.000Z";
  return r;
}

inline EngineQuery Query(const std::string& text) {
  EngineQuery q;
  q.query = ParseQuery(text).value();
  return q;
}

}  // namespace disan::search::testing
