// The search query language: parsing, highlighting and snippets. Pure functions.
//
//   đắk mil            both words (AND), ranked higher where they are adjacent
//   "cồng chiêng"      the exact phrase
//   -lễ                excludes documents with "lễ"
//   hang OR động       either word
//   cong ch            (autocomplete) the last word as a prefix
//
// Words are matched folded (no diacritics); a query typed with diacritics additionally ranks
// documents spelled exactly that way first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "search/vietnamese.h"

namespace disan::search {

// One AND-ed part of a query: one or more alternatives (OR), each a sequence of tokens that
// must be adjacent when `phrase` (quoted) or is a single word otherwise.
struct Clause {
  std::vector<std::vector<Token>> alternatives;
  bool phrase = false;
  bool excluded = false;
};

struct ParsedQuery {
  std::vector<Clause> clauses;
  bool has_diacritics = false;
  bool empty() const { return clauses.empty(); }
};

// Fails with kInvalid when the query has only exclusions, more than 32 clauses, or is longer
// than 500 bytes.
Result<ParsedQuery> ParseQuery(std::string_view text);

// Whether the last word is complete or still being typed (autocomplete: a prefix).
enum class LastWord { kWhole, kPrefix };

// The folded tokens of the non-excluded words, for highlighting.
std::vector<std::string> HighlightTerms(const ParsedQuery& query);

// "…text with <mark>Đắk Mil</mark> in it…" around the first place the terms occur, keeping
// the original spelling; HTML-escaped. Empty when `text` is empty.
std::string Snippet(std::string_view text, const std::vector<std::string>& folded_terms,
                    size_t max_bytes = 240);

}  // namespace disan::search
