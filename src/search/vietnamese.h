// Vietnamese text as the search index sees it: syllable tokens in two forms.
//
// - folded: lower case, no diacritics, đ -> d ("Đắk" -> "dak"). A query without diacritics
//   matches every spelling.
// - exact: lower case with the vowel-quality marks and đ kept and the tone moved to a digit
//   at the end (1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng), so the old and new tone placements
//   are equal: "hoà" and "hòa" are both "hoa2", "thuý" and "thúy" both "thuy1".
//
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace disan::search {

struct Token {
  std::string folded;
  std::string exact;
  size_t begin = 0;  // byte offsets of the token in the (NFC) input
  size_t end = 0;
  bool has_diacritics = false;  // the input spelled it with marks (so exact matters)
};

// Splits NFC text into word tokens: runs of letters and digits; apostrophes inside a word
// are dropped ("M'Nông" -> "mnong"), every other character separates tokens.
std::vector<Token> Tokenize(std::string_view text);

// The folded forms joined by single spaces (what the folded index column holds).
std::string FoldedText(std::string_view text);
// The exact forms joined by single spaces.
std::string ExactText(std::string_view text);
// Both, from one pass over the text.
std::pair<std::string, std::string> FoldedAndExactText(std::string_view text);

}  // namespace disan::search
