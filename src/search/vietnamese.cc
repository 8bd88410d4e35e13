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

// Reads the words of `text` in order and tells `out` what it finds: Begin(at) when a word
// starts, Ascii(lower) and Letter(forms) for each of its letters the table spells, and
// End(text, begin, end, general, tone) when it ends (`general`: a letter outside the table,
// a combining mark or two tones, so that ICU must read the word again). Tokenize collects
// tokens from it; FoldedAndExactText writes the two texts straight from it.
template <typename Out>
void ScanWords(std::string_view text, Out& out) {
  const LetterTable& letters = Letters();
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  bool in_word = false, general = false;
  char tone = 0;
  size_t begin = 0, end = 0;  // the word's bytes in `text`
  auto flush = [&] {
    if (!in_word) return;
    in_word = false;
    out.End(text, begin, end, general, tone);
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
    // A letter of the table is a word character; anything else beyond ASCII asks ICU.
    const LetterForms* f = c < 0x80 ? nullptr : letters.Find(c);
    const bool word_char = c < 0x80 ? IsAsciiWordChar(c) : f != nullptr || IsWordChar(c);
    const bool inner_apostrophe = IsApostrophe(c) && in_word && i < length;
    if (!(word_char || inner_apostrophe)) {
      flush();
      continue;
    }
    if (!in_word) {
      in_word = true;
      begin = static_cast<size_t>(start);
      out.Begin(begin);
    }
    end = static_cast<size_t>(i);
    if (general || inner_apostrophe) continue;
    if (c < 0x80) {
      out.Ascii(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    } else if (f != nullptr) {
      out.Letter(*f);
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

// The word a general word is: ICU's reading of its bytes.
Token GeneralToken(std::string_view text, size_t begin, size_t end) {
  std::string_view word = text.substr(begin, end - begin);
  return MakeToken(icu::UnicodeString::fromUTF8(
                       icu::StringPiece(word.data(), static_cast<int32_t>(word.size()))),
                   begin, end);
}

// ScanWords' tokens, each handed to `sink` (a Token&, which it may move from).
template <typename Sink>
class TokenOut {
 public:
  explicit TokenOut(Sink& sink) : sink_(sink) {}
  void Begin(size_t) {}
  void Ascii(char c) {
    current_.folded += c;
    current_.exact += c;
  }
  void Letter(const LetterForms& f) {
    current_.folded += f.folded;
    current_.exact += f.exact;
    current_.has_diacritics = current_.has_diacritics || f.marked;
  }
  void End(std::string_view text, size_t begin, size_t end, bool general, char tone) {
    if (general) {
      Token t = GeneralToken(text, begin, end);
      if (!t.folded.empty()) sink_(t);
    } else if (!current_.folded.empty()) {
      if (tone) current_.exact += tone;
      current_.begin = begin;
      current_.end = end;
      sink_(current_);
    }
    current_.folded.clear();
    current_.exact.clear();
    current_.has_diacritics = false;
  }

 private:
  Sink& sink_;
  Token current_;
};

template <typename Sink>
void ScanTokens(std::string_view text, Sink&& sink) {
  TokenOut<Sink> out(sink);
  ScanWords(text, out);
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

// ScanWords' words written straight into the folded and the exact text, joined by spaces: a
// general word is taken back and written from ICU's reading. This runs over every field of
// every record indexed, so it makes no token and no string per word.
class JoinedOut {
 public:
  explicit JoinedOut(size_t size) : folded_(size), exact_(size + size / 4) {}
  void Begin(size_t) {
    folded_mark_ = folded_.size();
    exact_mark_ = exact_.size();
    if (folded_mark_ != 0) Space();
  }
  void Ascii(char c) {
    folded_.Room(1);
    exact_.Room(1);
    folded_.Put(c);
    exact_.Put(c);
  }
  void Letter(const LetterForms& f) {
    folded_.Put(f.folded);
    exact_.Put(f.exact);
  }
  void End(std::string_view text, size_t begin, size_t end, bool general, char tone) {
    if (general) {
      const bool spaced = folded_mark_ != 0;
      folded_.Truncate(folded_mark_);
      exact_.Truncate(exact_mark_);
      Token t = GeneralToken(text, begin, end);
      if (t.folded.empty()) return;
      if (spaced) Space();
      folded_.Put(t.folded);
      exact_.Put(t.exact);
    } else if (tone) {  // (a word read from the table has letters: each one wrote some)
      exact_.Room(1);
      exact_.Put(tone);
    }
  }
  std::pair<std::string, std::string> Take() { return {folded_.Take(), exact_.Take()}; }

 private:
  void Space() {
    folded_.Room(1);
    exact_.Room(1);
    folded_.Put(' ');
    exact_.Put(' ');
  }

  Writer folded_, exact_;
  size_t folded_mark_ = 0, exact_mark_ = 0;  // both texts before the word (and its space)
};

}  // namespace

std::string FoldedText(std::string_view text) { return Join(text, &Token::folded); }
std::string ExactText(std::string_view text) { return Join(text, &Token::exact); }

std::pair<std::string, std::string> FoldedAndExactText(std::string_view text) {
  JoinedOut out(text.size());
  ScanWords(text, out);
  return out.Take();
}

}  // namespace disan::search
