#include "search/query.h"

#include <algorithm>
#include <set>

#include "core/text.h"

namespace disan::search {
namespace {

constexpr size_t kMaxQueryBytes = 500;
constexpr size_t kMaxClauses = 32;

// Query errors name the parameter the query arrives in, "q".
std::unexpected<Error> QueryError(const std::string& en, const std::string& vi) {
  return Fail(Error{ErrorCode::kInvalid, en, vi, {{"q", "invalid", en, vi}}});
}

}  // namespace

Result<ParsedQuery> ParseQuery(std::string_view raw) {
  if (raw.size() > kMaxQueryBytes) {
    return QueryError("the query is longer than 500 bytes", "câu truy vấn dài quá 500 byte");
  }
  Result<std::string> nfc = ToNfc(raw);
  if (!nfc) return QueryError("the query is not valid UTF-8 text", "câu truy vấn không phải văn bản UTF-8 hợp lệ");
  std::string text = std::move(*nfc);
  ParsedQuery q;
  bool pending_or = false;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ';') {
      ++i;
      continue;
    }
    bool excluded = false;
    if (c == '-' && i + 1 < text.size() && text[i + 1] != ' ') {
      excluded = true;
      ++i;
    }
    bool phrase = i < text.size() && text[i] == '"';
    size_t end;
    std::string_view piece;
    if (phrase) {
      end = text.find('"', i + 1);
      if (end == std::string::npos) end = text.size();
      piece = std::string_view(text).substr(i + 1, end - i - 1);
      i = end + 1;
    } else {
      end = text.find_first_of(" \t\n\r,;", i);
      if (end == std::string::npos) end = text.size();
      piece = std::string_view(text).substr(i, end - i);
      i = end;
    }
    if (!phrase && !excluded && piece == "OR") {
      pending_or = !q.clauses.empty();
      continue;
    }
    std::vector<Token> tokens = Tokenize(piece);
    if (tokens.empty()) continue;
    for (const Token& t : tokens) q.has_diacritics = q.has_diacritics || t.has_diacritics;
    // An unquoted piece that tokenizes into several words ("C6-1") is a phrase of them.
    bool as_phrase = phrase || tokens.size() > 1;
    if (pending_or && !excluded && !q.clauses.back().excluded) {
      q.clauses.back().alternatives.push_back(std::move(tokens));
      q.clauses.back().phrase = q.clauses.back().phrase || as_phrase;
    } else {
      q.clauses.push_back(Clause{{std::move(tokens)}, as_phrase, excluded});
    }
    pending_or = false;
  }
  if (q.clauses.size() > kMaxClauses) {
    return QueryError("the query has more than 32 parts", "câu truy vấn có quá 32 thành phần");
  }
  if (!q.clauses.empty() && std::all_of(q.clauses.begin(), q.clauses.end(),
                                        [](const Clause& c) { return c.excluded; })) {
    return QueryError("a query needs at least one word that is not excluded with -",
                      "câu truy vấn cần ít nhất một từ không bị loại trừ bằng dấu -");
  }
  return q;
}

std::vector<std::string> HighlightTerms(const ParsedQuery& q) {
  std::vector<std::string> out;
  for (const Clause& c : q.clauses) {
    if (c.excluded) continue;
    for (const auto& alternative : c.alternatives) {
      for (const Token& t : alternative) out.push_back(t.folded);
    }
  }
  return out;
}

namespace {

std::string EscapeHtml(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Moves `pos` back to the start of a UTF-8 character.
size_t CharStart(std::string_view s, size_t pos) {
  while (pos > 0 && pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

}  // namespace

std::string Snippet(std::string_view text, const std::vector<std::string>& terms, size_t max_bytes) {
  if (text.empty()) return "";
  std::set<std::string> wanted(terms.begin(), terms.end());
  std::vector<Token> tokens = Tokenize(text);
  size_t first = text.size();
  for (const Token& t : tokens) {
    if (wanted.contains(t.folded)) {
      first = t.begin;
      break;
    }
  }
  size_t start = first == text.size() || first < max_bytes / 3 ? 0 : CharStart(text, first - max_bytes / 3);
  size_t stop = std::min(text.size(), start + max_bytes);
  stop = stop == text.size() ? stop : CharStart(text, stop);
  std::string out = start > 0 ? "…" : "";
  size_t cursor = start;
  for (const Token& t : tokens) {
    if (t.begin < start || t.end > stop || !wanted.contains(t.folded)) continue;
    out += EscapeHtml(text.substr(cursor, t.begin - cursor));
    out += "<mark>" + EscapeHtml(text.substr(t.begin, t.end - t.begin)) + "</mark>";
    cursor = t.end;
  }
  out += EscapeHtml(text.substr(cursor, stop - cursor));
  if (stop < text.size()) out += "…";
  return out;
}

}  // namespace disan::search
