#include "search/query.h"

#include <algorithm>
#include <set>

#include "core/text.h"

namespace disan::search {
namespace {

constexpr size_t kMaxQueryBytes = 500;
constexpr size_t kMaxClauses = 32;

std::string Quote(const std::vector<Token>& tokens, Form form, bool prefix_last) {
  std::string out = "\"";
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i) out += ' ';
    out += form == Form::kFolded ? tokens[i].folded : tokens[i].exact;
  }
  out += '"';
  if (prefix_last) out += '*';
  return out;
}

std::string Expression(const ParsedQuery& q, Form form, LastWord last) {
  std::string positive, negative;
  size_t last_positive = q.clauses.size();
  for (size_t i = 0; i < q.clauses.size(); ++i) {
    if (!q.clauses[i].excluded) last_positive = i;
  }
  for (size_t i = 0; i < q.clauses.size(); ++i) {
    const Clause& c = q.clauses[i];
    std::string part;
    for (size_t a = 0; a < c.alternatives.size(); ++a) {
      bool prefix = last == LastWord::kPrefix && i == last_positive && !c.phrase &&
                    a + 1 == c.alternatives.size();
      part += (a ? " OR " : "") + Quote(c.alternatives[a], form, prefix);
    }
    if (c.alternatives.size() > 1) part = "(" + part + ")";
    if (c.excluded) {
      negative += " NOT " + part;
    } else {
      positive += (positive.empty() ? "" : " AND ") + part;
    }
  }
  if (positive.empty()) return "";
  return negative.empty() ? positive : "(" + positive + ")" + negative;
}

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

IndexExpressions BuildExpressions(const ParsedQuery& q, LastWord last) {
  IndexExpressions e;
  e.match = Expression(q, Form::kFolded, last);
  // Runs of plain single words, in order, as one phrase: "dak mil" ranks "Đắk Mil" above
  // documents where "đắk" and "mil" are scattered.
  std::vector<Token> run;
  std::vector<Token> best;
  for (const Clause& c : q.clauses) {
    if (!c.excluded && !c.phrase && c.alternatives.size() == 1) {
      for (const Token& t : c.alternatives[0]) run.push_back(t);
    } else {
      if (run.size() > best.size()) best = run;
      run.clear();
    }
  }
  if (run.size() > best.size()) best = run;
  if (best.size() >= 2) e.phrase = Quote(best, Form::kFolded, last == LastWord::kPrefix);
  if (q.has_diacritics) e.exact = Expression(q, Form::kExact, last);
  return e;
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
