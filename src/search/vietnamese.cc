#include "search/vietnamese.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstring>

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

bool IsAsciiWordChar(UChar32 c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsWordChar(UChar32 c) {
  if (c < 0x80) return IsAsciiWordChar(c);
  return u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK;
}
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

namespace {

// For every precomposed Latin letter Vietnamese uses (and the rest of those Unicode blocks):
// its folded form, its exact form without the tone, and the tone digit. Built once from ICU
// so that tokenizing, which runs for every word of every record, needs no ICU call for them.
struct LetterForms {
  std::string folded;
  std::string exact;  // lower case, vowel marks kept, tone removed
  char tone = 0;
  bool marked = false;
};

class LetterTable {
 public:
  static constexpr UChar32 kLimit = 0x1F00;

  LetterTable() : forms_(kLimit) {
    for (UChar32 c = 0; c < kLimit; ++c) {
      if (!u_isalpha(c) && !u_isdigit(c)) continue;
      icu::UnicodeString one(c);
      Token t = MakeToken(one, 0, 0);
      LetterForms& f = forms_[static_cast<size_t>(c)];
      f.folded = t.folded;
      f.exact = t.exact;
      if (!f.exact.empty() && f.exact.back() >= '1' && f.exact.back() <= '5' && !u_isdigit(c)) {
        f.tone = f.exact.back();
        f.exact.pop_back();
      }
      f.marked = t.has_diacritics;
    }
  }

  // nullptr when the character needs the general (ICU) path.
  const LetterForms* Find(UChar32 c) const {
    if (c < 0 || c >= kLimit) return nullptr;
    const LetterForms& f = forms_[static_cast<size_t>(c)];
    return f.folded.empty() ? nullptr : &f;
  }

 private:
  std::vector<LetterForms> forms_;
};

const LetterTable& Letters() {
  static const LetterTable table;
  return table;
}

}  // namespace

namespace {

// Reads the words of `text` in order and hands each to `sink` (a Token&, which it may move
// from). Tokenize collects them; FoldedAndExactText joins them without a list.
template <typename Sink>
void ScanTokens(std::string_view text, Sink&& sink) {
  const LetterTable& letters = Letters();
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  // The word being read: built directly from the table while every letter is in it; a letter
  // outside the table (another script, a combining mark) sends the word to the ICU path.
  Token current;
  bool in_word = false, general = false;
  char tone = 0;
  auto flush = [&] {
    if (!in_word) return;
    in_word = false;
    if (general) {
      std::string_view word = text.substr(current.begin, current.end - current.begin);
      Token t = MakeToken(icu::UnicodeString::fromUTF8(
                              icu::StringPiece(word.data(), static_cast<int32_t>(word.size()))),
                          current.begin, current.end);
      if (!t.folded.empty()) sink(t);
    } else if (!current.folded.empty()) {
      if (tone) current.exact += tone;
      sink(current);
    }
    current.folded.clear();
    current.exact.clear();
    current.has_diacritics = false;
    general = false;
    tone = 0;
  };
  while (i < length) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      flush();
      continue;
    }
    // A letter of the table is a word character; anything else beyond ASCII asks ICU.
    const LetterForms* f = c < 0x80 ? nullptr : letters.Find(c);
    const bool word_char = c < 0x80 ? IsAsciiWordChar(c) : f != nullptr || IsWordChar(c);
    bool inner_apostrophe = IsApostrophe(c) && in_word && i < length;
    if (!(word_char || inner_apostrophe)) {
      flush();
      continue;
    }
    if (!in_word) {
      in_word = true;
      current.begin = static_cast<size_t>(start);
    }
    current.end = static_cast<size_t>(i);
    if (general || inner_apostrophe) continue;
    if (c < 0x80) {
      char lower = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      current.folded += lower;
      current.exact += lower;
    } else if (f != nullptr) {
      current.folded += f->folded;
      current.exact += f->exact;
      current.has_diacritics = current.has_diacritics || f->marked;
      if (f->tone) {
        if (tone) general = true;  // two tones in one word: let ICU decide
        tone = f->tone;
      }
    } else {
      general = true;
    }
  }
  flush();
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 6 + 1);  // Vietnamese syllables average about 4 bytes and a space
  ScanTokens(text, [&](Token& t) { tokens.push_back(std::move(t)); });
  return tokens;
}

namespace {

std::string Join(std::string_view text, std::string Token::*form) {
  std::string out;
  ScanTokens(text, [&](const Token& t) {
    if (!out.empty()) out += ' ';
    out += t.*form;
  });
  return out;
}

}  // namespace

std::string FoldedText(std::string_view text) { return Join(text, &Token::folded); }
std::string ExactText(std::string_view text) { return Join(text, &Token::exact); }

namespace {

// A string written through a raw cursor: room is made before each piece, so that the letters
// of a long text are copied without a call per character.
class Writer {
 public:
  explicit Writer(size_t expected) : text_(expected + 16, '\0') {}
  void Room(size_t n) {
    if (size_ + n > text_.size()) [[unlikely]]
      Grow(n);
  }
  void Put(char c) { text_[size_++] = c; }  // after Room
  void Put(const std::string& piece) {
    Room(piece.size());
    std::memcpy(text_.data() + size_, piece.data(), piece.size());
    size_ += piece.size();
  }
  size_t size() const { return size_; }
  void Truncate(size_t size) { size_ = size; }
  std::string Take() {
    text_.resize(size_);
    return std::move(text_);
  }

 private:
  [[gnu::noinline]] void Grow(size_t n) { text_.resize(std::max(text_.size() * 2, size_ + n)); }

  std::string text_;
  size_t size_ = 0;
};

}  // namespace

// ScanTokens and a join, fused: each word's forms are written straight into the two texts
// (a word the table cannot spell is taken back and written from ICU's MakeToken). This runs
// over every field of every record indexed, so it avoids a token and two strings per word.
std::pair<std::string, std::string> FoldedAndExactText(std::string_view text) {
  const LetterTable& letters = Letters();
  Writer folded(text.size()), exact(text.size() + text.size() / 4);
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  bool in_word = false, general = false;
  char tone = 0;
  size_t word_begin = 0, word_end = 0;     // the word's bytes in `text`
  size_t folded_mark = 0, exact_mark = 0;  // both texts before the word (and its space)
  auto start_word = [&](size_t at) {
    in_word = true;
    word_begin = at;
    folded_mark = folded.size();
    exact_mark = exact.size();
    if (folded_mark != 0) {
      folded.Room(1);
      exact.Room(1);
      folded.Put(' ');
      exact.Put(' ');
    }
  };
  auto flush = [&] {
    if (!in_word) return;
    in_word = false;
    const bool spaced = folded_mark != 0;
    if (general) {
      folded.Truncate(folded_mark);
      exact.Truncate(exact_mark);
      std::string_view word = text.substr(word_begin, word_end - word_begin);
      Token t = MakeToken(icu::UnicodeString::fromUTF8(
                              icu::StringPiece(word.data(), static_cast<int32_t>(word.size()))),
                          word_begin, word_end);
      if (!t.folded.empty()) {
        if (spaced) {
          folded.Room(1);
          exact.Room(1);
          folded.Put(' ');
          exact.Put(' ');
        }
        folded.Put(t.folded);
        exact.Put(t.exact);
      }
    } else if (tone) {  // (a word read from the table has letters: each one wrote some)
      exact.Room(1);
      exact.Put(tone);
    }
    general = false;
    tone = 0;
  };
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      flush();
      continue;
    }
    const LetterForms* f = c < 0x80 ? nullptr : letters.Find(c);
    const bool word_char = c < 0x80 ? IsAsciiWordChar(c) : f != nullptr || IsWordChar(c);
    const bool inner_apostrophe = IsApostrophe(c) && in_word && i < length;
    if (!(word_char || inner_apostrophe)) {
      flush();
      continue;
    }
    if (!in_word) start_word(static_cast<size_t>(start));
    word_end = static_cast<size_t>(i);
    if (general || inner_apostrophe) continue;
    if (c < 0x80) {
      const char lower = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      folded.Room(1);
      exact.Room(1);
      folded.Put(lower);
      exact.Put(lower);
    } else if (f != nullptr) {
      folded.Put(f->folded);
      exact.Put(f->exact);
      if (f->tone) {
        if (tone) general = true;  // two tones in one word: let ICU decide
        tone = f->tone;
      }
    } else {
      general = true;
    }
  }
  flush();
  return {folded.Take(), exact.Take()};
}

}  // namespace disan::search
