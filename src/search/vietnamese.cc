#include "search/vietnamese.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace disan::search {
namespace {

// Tone marks (combining) and the digit each becomes.
char ToneDigit(UChar32 c) {
  switch (c) {
    case 0x0301: return '1';  // sắc
    case 0x0300: return '2';  // huyền
    case 0x0309: return '3';  // hỏi
    case 0x0303: return '4';  // ngã
    case 0x0323: return '5';  // nặng
    default: return 0;
  }
}

bool IsWordChar(UChar32 c) { return u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK; }
bool IsApostrophe(UChar32 c) { return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC; }

const icu::Normalizer2* Nfd() {
  UErrorCode status = U_ZERO_ERROR;
  return icu::Normalizer2::getNFDInstance(status);
}
const icu::Normalizer2* Nfc() {
  UErrorCode status = U_ZERO_ERROR;
  return icu::Normalizer2::getNFCInstance(status);
}

Token MakeToken(const icu::UnicodeString& word, size_t begin, size_t end) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString lower(word);
  lower.foldCase();
  icu::UnicodeString decomposed = Nfd()->normalize(lower, status);
  icu::UnicodeString folded, exact;
  char tone = 0;
  bool marks = false;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (IsApostrophe(c)) continue;
    if (char t = ToneDigit(c)) {
      tone = t;
      marks = true;
      continue;
    }
    if (u_charType(c) == U_NON_SPACING_MARK) {
      marks = true;
      exact.append(c);  // breve, circumflex, horn: part of the letter
      continue;
    }
    if (c == 0x0111) {  // đ
      marks = true;
      exact.append(c);
      folded.append(static_cast<UChar>('d'));
      continue;
    }
    exact.append(c);
    folded.append(c);
  }
  Token t;
  status = U_ZERO_ERROR;
  Nfc()->normalize(exact, status).toUTF8String(t.exact);
  if (tone) t.exact += tone;
  folded.toUTF8String(t.folded);
  t.begin = begin;
  t.end = end;
  t.has_diacritics = marks;
  return t;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  icu::UnicodeString word;
  size_t word_begin = 0, word_end = 0;
  auto flush = [&] {
    if (!word.isEmpty()) {
      Token t = MakeToken(word, word_begin, word_end);
      if (!t.folded.empty()) tokens.push_back(std::move(t));
      word.remove();
    }
  };
  while (i < length) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      flush();
      continue;
    }
    bool inner_apostrophe = IsApostrophe(c) && !word.isEmpty() && i < length;
    if (IsWordChar(c) || inner_apostrophe) {
      if (word.isEmpty()) word_begin = static_cast<size_t>(start);
      word.append(c);
      word_end = static_cast<size_t>(i);
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

namespace {

std::string Join(std::string_view text, std::string Token::*form) {
  std::string out;
  for (const Token& t : Tokenize(text)) {
    if (!out.empty()) out += ' ';
    out += t.*form;
  }
  return out;
}

}  // namespace

std::string FoldedText(std::string_view text) { return Join(text, &Token::folded); }
std::string ExactText(std::string_view text) { return Join(text, &Token::exact); }

}  // namespace disan::search
