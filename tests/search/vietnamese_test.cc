#include "search/vietnamese.h"

#include <gtest/gtest.h>

#include <random>

#include "search/query.h"

namespace disan::search {
namespace {

std::vector<std::string> Folded(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(text)) out.push_back(t.folded);
  return out;
}

std::vector<std::string> Exact(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(text)) out.push_back(t.exact);
  return out;
}

TEST(Vietnamese, FoldingRemovesDiacriticsAndDStroke) {
  EXPECT_EQ(Folded("Đắk Mil"), (std::vector<std::string>{"dak", "mil"}));
  EXPECT_EQ(Folded("CỒNG CHIÊNG"), (std::vector<std::string>{"cong", "chieng"}));
  EXPECT_EQ(Folded("M'Nông, Ê Đê"), (std::vector<std::string>{"mnong", "e", "de"}));
  EXPECT_EQ(Folded("Hang C6-1"), (std::vector<std::string>{"hang", "c6", "1"}));
}

TEST(Vietnamese, ExactFormsMakeTonePlacementsEqual) {
  EXPECT_EQ(Exact("hoà"), Exact("hòa"));
  EXPECT_EQ(Exact("thuý"), Exact("thúy"));
  EXPECT_EQ(Exact("khoẻ"), Exact("khỏe"));
  EXPECT_EQ(Exact("hoà")[0], "hoa2");
  // Tones and vowel marks still distinguish words.
  EXPECT_NE(Exact("hồ"), Exact("hộ"));
  EXPECT_NE(Exact("hồ"), Exact("ho"));
  EXPECT_NE(Exact("đá"), Exact("dá"));
  EXPECT_EQ(Exact("Đắk")[0], "đăk1");
}

TEST(Vietnamese, DecomposedInputGivesTheSameTokens) {
  // "Đắk" with combining breve and acute.
  EXPECT_EQ(Exact("\xC4\x90" "a\xCC\x86\xCC\x81" "k"), Exact("Đắk"));
}

TEST(Vietnamese, FastPathAgreesWithTheGeneralPath) {
  // Decomposed input takes the general (ICU) path; composed input the letter table.
  std::string composed =
      "Ngọn đồi cao 722 m, nơi ghi dấu nhiều trận đánh; Thác Đ'ray Sáp, Ê Đê, Mnông, khoẻ, "
      "thuý, Ưu Đàm, Ơn, Ấp Bắc, Nguyễn Ỷ, Hữu, ĐẮK LẮK";
  std::string decomposed;
  for (const std::string& word : std::vector<std::string>{"Ngo\xCC\xA3n", "\xC4\x91o\xCC\x82\xCC\x80i"}) {
    decomposed += word + " ";
  }
  EXPECT_EQ(Exact(decomposed), (std::vector<std::string>{"ngon5", "đôi2"}));
  EXPECT_EQ(Exact(composed).size(), Folded(composed).size());
  EXPECT_EQ(Exact("Ngọn đồi")[0], "ngon5");
  EXPECT_EQ(Exact("ĐẮK LẮK"), (std::vector<std::string>{"đăk1", "lăk1"}));
  EXPECT_EQ(Exact("Ưu Ơn Hữu"), (std::vector<std::string>{"ưu", "ơn", "hưu4"}));
  EXPECT_EQ(Folded("Ưu Ơn Hữu Nguyễn Ỷ"), (std::vector<std::string>{"uu", "on", "huu", "nguyen", "y"}));
  // Another script takes the general path and is kept.
  EXPECT_EQ(Folded("Ελλάδα 東京"), (std::vector<std::string>{"ελλαδα", "東京"}));
}

TEST(Vietnamese, OffsetsPointIntoTheOriginalText) {
  std::string text = "Nhà ngục Đắk Mil";
  std::vector<Token> tokens = Tokenize(text);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(text.substr(tokens[2].begin, tokens[2].end - tokens[2].begin), "Đắk");
  EXPECT_TRUE(tokens[2].has_diacritics);
  EXPECT_FALSE(tokens[3].has_diacritics);
}

TEST(Vietnamese, InvalidBytesSeparateTokensInsteadOfFailing) {
  EXPECT_EQ(Folded("ab\xFF" "cd"), (std::vector<std::string>{"ab", "cd"}));
  EXPECT_TRUE(Folded("").empty());
  EXPECT_TRUE(Folded("  ,;!? ").empty());
}

TEST(Query, WordsPhrasesExclusionsAndOr) {
  ParsedQuery q = ParseQuery("đắk mil \"cồng chiêng\" -lễ hang OR thác").value();
  ASSERT_EQ(q.clauses.size(), 5u);
  EXPECT_TRUE(q.has_diacritics);
  EXPECT_FALSE(q.clauses[0].phrase);
  EXPECT_TRUE(q.clauses[2].phrase);
  EXPECT_TRUE(q.clauses[3].excluded);
  EXPECT_EQ(q.clauses[4].alternatives.size(), 2u);
  // Every word in its folded and exact (tone-digit) form.
  auto token = [&](size_t clause, size_t alternative, size_t i) {
    const Token& t = q.clauses[clause].alternatives[alternative][i];
    return t.folded + "/" + t.exact;
  };
  EXPECT_EQ(token(0, 0, 0), "dak/đăk1");
  EXPECT_EQ(token(1, 0, 0), "mil/mil");
  ASSERT_EQ(q.clauses[2].alternatives[0].size(), 2u);
  EXPECT_EQ(token(2, 0, 0), "cong/công2");
  EXPECT_EQ(token(2, 0, 1), "chieng/chiêng");
  EXPECT_EQ(token(3, 0, 0), "le/lê4");
  EXPECT_EQ(token(4, 0, 0), "hang/hang");
  EXPECT_EQ(token(4, 1, 0), "thac/thac1");
}

TEST(Query, NoDiacriticsIsNoted) {
  EXPECT_FALSE(ParseQuery("dak mil").value().has_diacritics);
  EXPECT_TRUE(ParseQuery("dak mìl").value().has_diacritics);
}

TEST(Query, HostileInputBecomesPlainWords) {
  // Operators and punctuation become separators: every token is letters and digits only.
  for (std::string text : {"NEAR(a b)", "names: x", "a*", "^a", "(((", "\"unbalanced", "a AND b",
                           "\"\"", "- -", "OR OR", "x\" OR \"y"}) {
    Result<ParsedQuery> q = ParseQuery(text);
    if (!q) continue;
    for (const Clause& c : q->clauses) {
      for (const auto& alternative : c.alternatives) {
        ASSERT_FALSE(alternative.empty()) << text;
        for (const Token& t : alternative) {
          ASSERT_FALSE(t.folded.empty()) << text;
          for (char ch : t.folded) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || (ch & 0x80)) << text;
        }
      }
    }
  }
}

TEST(Query, LimitsAndOnlyExclusions) {
  EXPECT_FALSE(ParseQuery(std::string(501, 'a')));
  EXPECT_FALSE(ParseQuery("-hang -thac"));
  std::string many;
  for (int i = 0; i < 40; ++i) many += "w" + std::to_string(i) + " ";
  EXPECT_FALSE(ParseQuery(many));
  EXPECT_FALSE(ParseQuery("abc\xFF"));
  EXPECT_TRUE(ParseQuery("").value().empty());
}

TEST(Snippet, HighlightsWithOriginalDiacriticsAndEscapes) {
  std::string s = Snippet("Nhà ngục <b>Đắk Mil</b> xây năm 1940", {"dak", "mil"});
  EXPECT_EQ(s, "Nhà ngục &lt;b&gt;<mark>Đắk</mark> <mark>Mil</mark>&lt;/b&gt; xây năm 1940");
  std::string long_text(1000, 'x');
  long_text += " Đắk Mil " + std::string(1000, 'y');
  std::string windowed = Snippet(long_text, {"mil"}, 100);
  EXPECT_TRUE(windowed.starts_with("…"));
  EXPECT_TRUE(windowed.ends_with("…"));
  EXPECT_NE(windowed.find("<mark>Mil</mark>"), std::string::npos);
  EXPECT_EQ(Snippet("", {"x"}), "");
}

TEST(FoldedAndExactText, EqualsTheTokensJoinedOnRandomText) {
  // Every branch of the fused writer: ASCII, table letters with and without tones, two tones
  // in a word, combining marks and letters beyond the table (ICU's path), apostrophes at each
  // place, invalid bytes, punctuation, digits, and long runs that make the texts grow.
  const std::vector<std::string> pieces = {
      "a", "Z", "7", " ", "-", ".", "'", "’", "Đ", "đ", "ắ", "Ầ", "ô", "ơ", "ư", "ệ", "ỹ",
      "a\u0301", "\u0300", "\u0303\u0323", "ß", "İ", "Σ", "ﬁ", "中", "한", "\xFF", "\xC3",
      "\u00A0", "M'Nông", "hoà", "thuý", "Cồng chiêng", std::string(40, 'x'), "ẞ", "ŉ"};
  std::mt19937 random(5);
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    for (int k = static_cast<int>(random() % 12); k > 0; --k) text += pieces[random() % pieces.size()];
    std::string folded, exact;
    for (const Token& t : Tokenize(text)) {
      if (!folded.empty()) {
        folded += ' ';
        exact += ' ';
      }
      folded += t.folded;
      exact += t.exact;
    }
    auto fused = FoldedAndExactText(text);
    ASSERT_EQ(fused.first, folded) << ::testing::PrintToString(text);
    ASSERT_EQ(fused.second, exact) << ::testing::PrintToString(text);
  }
}

TEST(FoldedAndExactText, EqualsTheTwoFormsTakenSeparately) {
  for (const char* text : {"Đắk Mil", "Không gian văn hóa Cồng chiêng – M'Nông", "", "  hoà  thuý 2005 "}) {
    auto [folded, exact] = FoldedAndExactText(text);
    EXPECT_EQ(folded, FoldedText(text)) << text;
    EXPECT_EQ(exact, ExactText(text)) << text;
  }
}

}  // namespace
}  // namespace disan::search
