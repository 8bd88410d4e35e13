// The OAI-PMH request grammar, resumption tokens and XML escaping as pure functions: every
// rule of sections 3.1, 3.3, 3.5 and 4 of the specification that can be checked without a
// repository.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "interop/oai_request.h"
#include "interop/resumption_token.h"
#include "interop/xml.h"
#include "oai_client.h"

namespace disan::interop {
namespace {

OaiResult<OaiRequest> Parse(const std::string& query) {
  OaiResult<Arguments> args = ParseFormEncoded(query);
  if (!args) return std::unexpected(args.error());
  return ParseOaiRequest(*args);
}

OaiErrorCode CodeOf(const std::string& query) {
  OaiResult<OaiRequest> r = Parse(query);
  EXPECT_FALSE(r) << query << " was accepted";
  return r ? OaiErrorCode::kNoSetHierarchy : r.error().code;
}

TEST(OaiDatetime, AcceptsBothGranularitiesAndRealDatesOnly) {
  std::optional<UtcDatetime> day = ParseUtcDatetime("2025-07-01");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->granularity, Granularity::kDay);
  EXPECT_EQ(FormatUtcDatetime(day->seconds), "2025-07-01T00:00:00Z");
  std::optional<UtcDatetime> second = ParseUtcDatetime("2024-02-29T23:59:59Z");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->granularity, Granularity::kSeconds);
  EXPECT_EQ(FormatUtcDatetime(second->seconds), "2024-02-29T23:59:59Z");
  EXPECT_EQ(FormatStoreTime(second->seconds), "2024-02-29T23:59:59.000Z");
  EXPECT_EQ(ParseUtcDatetime("1970-01-01T00:00:00Z")->seconds, 0);
  EXPECT_EQ(ParseUtcDatetime("0001-01-01")->seconds, -62135596800);
  EXPECT_EQ(FormatUtcDatetime(-62135596800), "0001-01-01T00:00:00Z");
  for (const char* bad : {"2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "0000-01-01",
                          "2025-07-01T24:00:00Z", "2025-07-01T23:60:00Z", "2025-07-01T23:59:60Z",
                          "2025-07-01T00:00:00", "2025-07-01T00:00:00.5Z", "2025-07-01T00:00:00+07:00",
                          "2025-07-01T00:00Z", "20250701", "2025-7-1", "2025-07-01 00:00:00Z", "",
                          "２０２５-07-01", "2025-07-01T00:00:00z", "-2025-07-01"}) {
    EXPECT_FALSE(ParseUtcDatetime(bad)) << bad;
  }
}

TEST(OaiForm, DecodesPercentAndPlusAndKeepsRepeats) {
  OaiResult<Arguments> a = ParseFormEncoded("verb=GetRecord&identifier=oai%3Ax.vn%3Adn-1&&set=a+b&verb=GetRecord");
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_EQ(a->size(), 4u);
  EXPECT_EQ((*a)[1], (std::pair<std::string, std::string>{"identifier", "oai:x.vn:dn-1"}));
  EXPECT_EQ((*a)[2].second, "a b");
  EXPECT_EQ((*a)[3].first, "verb") << "an identical repeat must stay visible";
  EXPECT_EQ(ParseFormEncoded("set=%C4%90%E1%BA%AFk")->at(0).second, "Đắk");
  EXPECT_EQ(ParseFormEncoded("verb")->at(0), (std::pair<std::string, std::string>{"verb", ""}));
  EXPECT_TRUE(ParseFormEncoded("")->empty());
  for (const char* bad : {"verb=%zz", "verb=%4", "verb=%", "verb=%FF", "verb=%C3%28", "verb=a%00b",
                          "verb=a%0Ab", "verb=%7F", "ver%01b=x"}) {
    OaiResult<Arguments> r = ParseFormEncoded(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, OaiErrorCode::kBadArgument) << bad;
  }
  std::string many;
  for (int i = 0; i < 33; ++i) many += "a" + std::to_string(i) + "=1&";
  EXPECT_FALSE(ParseFormEncoded(many));
  EXPECT_FALSE(ParseFormEncoded("verb=Identify&x=" + std::string(5000, 'a')));
}

TEST(OaiGrammar, VerbsAndTheirArguments) {
  EXPECT_EQ(Parse("verb=Identify")->verb, OaiVerb::kIdentify);
  EXPECT_EQ(Parse("verb=ListMetadataFormats")->verb, OaiVerb::kListMetadataFormats);
  EXPECT_EQ(Parse("verb=ListMetadataFormats&identifier=oai:a.b:c")->identifier, "oai:a.b:c");
  EXPECT_EQ(Parse("verb=ListSets")->verb, OaiVerb::kListSets);
  EXPECT_EQ(Parse("verb=ListSets&resumptionToken=x")->resumption_token, "x");
  OaiResult<OaiRequest> get = Parse("metadataPrefix=oai_dc&verb=GetRecord&identifier=oai:a.b:c");
  ASSERT_TRUE(get) << get.error().message;
  EXPECT_EQ(get->metadata_prefix, "oai_dc");
  EXPECT_EQ(get->arguments.size(), 3u);
  OaiResult<OaiRequest> list = Parse("verb=ListRecords&metadataPrefix=disan&from=2025-01-01&until=2025-12-31&set=kind:relic");
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->set, "kind:relic");
  EXPECT_EQ(list->from->granularity, Granularity::kDay);
  EXPECT_TRUE(Parse("verb=ListIdentifiers&resumptionToken=abc"));
  EXPECT_TRUE(Parse("verb=ListRecords&metadataPrefix=x&from=2025-01-01T00:00:00Z&until=2025-01-01T00:00:00Z"))
      << "from equal to until is a one-second window";
}

TEST(OaiGrammar, BadVerb) {
  for (const char* q : {"", "metadataPrefix=oai_dc", "verb=", "verb", "verb=identify", "verb=Identify%20",
                        "verb=Identify&verb=Identify", "verb=Identify&verb=ListSets", "verb=GetRecords",
                        "Verb=Identify"}) {
    EXPECT_EQ(CodeOf(q), OaiErrorCode::kBadVerb) << q;
  }
}

TEST(OaiGrammar, BadArgument) {
  for (const char* q : {
           "verb=Identify&metadataPrefix=oai_dc",                 // Identify takes nothing
           "verb=Identify&foo=bar",                                // unknown argument
           "verb=ListSets&set=kind",                               // ListSets takes no set
           "verb=ListMetadataFormats&metadataPrefix=oai_dc",       // nor a prefix
           "verb=GetRecord&identifier=oai:a.b:c",                  // missing metadataPrefix
           "verb=GetRecord&metadataPrefix=oai_dc",                 // missing identifier
           "verb=GetRecord&identifier=oai:a.b:c&metadataPrefix=oai_dc&resumptionToken=x",  // not a list
           "verb=ListRecords",                                     // missing metadataPrefix
           "verb=ListIdentifiers&from=2025-01-01",                 // still missing it
           "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc",  // repeated, even identical
           "verb=ListRecords&metadataPrefix=oai_dc&set=a&set=b",
           "verb=ListRecords&resumptionToken=x&metadataPrefix=oai_dc",      // exclusive
           "verb=ListRecords&resumptionToken=x&from=2025-01-01",
           "verb=ListSets&resumptionToken=x&resumptionToken=y",
           "verb=ListRecords&metadataPrefix=",                     // empty value
           "verb=ListRecords&metadataPrefix=oai_dc&set=",
           "verb=ListRecords&metadataPrefix=oai%20dc",             // not a prefix
           "verb=ListRecords&metadataPrefix=%3Coai_dc%3E",
           "verb=ListRecords&metadataPrefix=oai_dc&set=kind:",     // not setSpecs
           "verb=ListRecords&metadataPrefix=oai_dc&set=:relic",
           "verb=ListRecords&metadataPrefix=oai_dc&set=kind::relic",
           "verb=ListRecords&metadataPrefix=oai_dc&set=kind%20relic",
           "verb=ListRecords&metadataPrefix=oai_dc&set=lo%E1%BA%A1i",
           "verb=ListRecords&metadataPrefix=oai_dc&from=2025-02-30",   // not dates
           "verb=ListRecords&metadataPrefix=oai_dc&until=yesterday",
           "verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-01T00:00:00",
           "verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-01&until=2025-01-02T00:00:00Z",  // mixed
           "verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-02&until=2025-01-01",            // from > until
           "verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-01T00:00:01Z&until=2025-01-01T00:00:00Z",
           "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:a.b:c%20d",   // not a URI
           "verb=GetRecord&metadataPrefix=oai_dc&identifier=%3Coai%3E",
       }) {
    EXPECT_EQ(CodeOf(q), OaiErrorCode::kBadArgument) << q;
  }
}

TEST(OaiGrammar, SetSpecSyntax) {
  for (const char* good : {"kind", "kind:relic", "level:special_national", "commune:24853", "a.b-c_d!e~f*g'h(i)"}) {
    EXPECT_TRUE(IsSetSpec(good)) << good;
  }
  const std::string too_long(201, 'a');
  for (const std::string& bad : {std::string(""), std::string(":"), std::string("kind:"), std::string(":kind"),
                                 std::string("a::b"), std::string("a b"), std::string("a/b"), std::string("đ"),
                                 std::string("a:b:"), too_long}) {
    EXPECT_FALSE(IsSetSpec(bad)) << bad;
  }
}

TEST(ResumptionToken, RoundTripsAndRefusesAnythingElse) {
  ResumptionState s;
  s.verb = OaiVerb::kListIdentifiers;
  s.metadata_prefix = "oai_dc";
  s.set = "kind:relic";
  s.from = "2025-01-01T00:00:00.000Z";
  s.after_updated_at = "2025-07-01T08:00:00.123Z";
  s.after_pid = "dn-4kq8zx2bv";
  s.cursor = 100;
  s.complete_list_size = 250;
  s.expires = 2000000000;
  const std::string key = "0123456789abcdef0123456789abcdef";
  std::string token = EncodeResumptionToken(s, key);
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
            std::string::npos)
      << "a token must need no escaping in a URL: " << token;
  OaiResult<ResumptionState> back = DecodeResumptionToken(token, key, 1900000000);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->verb, s.verb);
  EXPECT_EQ(back->set, s.set);
  EXPECT_EQ(back->from, s.from);
  EXPECT_EQ(back->before, "");
  EXPECT_EQ(back->after_updated_at, s.after_updated_at);
  EXPECT_EQ(back->after_pid, s.after_pid);
  EXPECT_EQ(back->cursor, 100);
  EXPECT_EQ(back->complete_list_size, 250);

  auto refused = [&](const std::string& t, const std::string& k, int64_t now) {
    OaiResult<ResumptionState> r = DecodeResumptionToken(t, k, now);
    return !r && r.error().code == OaiErrorCode::kBadResumptionToken;
  };
  EXPECT_TRUE(refused(token, key, 2000000001)) << "expired";
  EXPECT_TRUE(refused(token, "another repository's key", 1900000000)) << "foreign";
  // Every single changed character is caught.
  for (size_t i = 0; i < token.size(); ++i) {
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    if (t == token) continue;
    EXPECT_TRUE(refused(t, key, 1900000000)) << "changed at " << i;
  }
  for (const std::string& junk : {std::string(""), std::string("."), std::string("abc"), std::string("abc.def"),
                                  token + "A", token.substr(0, token.size() - 1), std::string(3000, 'A'),
                                  std::string("<script>"), token.substr(0, token.find('.'))}) {
    EXPECT_TRUE(refused(junk, key, 1900000000)) << junk;
  }
}

TEST(Base64Url, IsStrict) {
  for (const std::string& s : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                               std::string("\xff\xfe\x00\x01", 4)}) {
    EXPECT_EQ(DecodeBase64Url(EncodeBase64Url(s)), s);
  }
  EXPECT_EQ(EncodeBase64Url("\xfb\xff"), "-_8");
  EXPECT_FALSE(DecodeBase64Url("Zm9v="));
  EXPECT_FALSE(DecodeBase64Url("Zm9v+"));
  EXPECT_FALSE(DecodeBase64Url("Z"));
  EXPECT_FALSE(DecodeBase64Url("Zh")) << "non-zero leftover bits: a second spelling of 'f'";
}

TEST(XmlEscape, EscapesMarkupDropsForbiddenCharactersAndMakesNfc) {
  EXPECT_EQ(XmlEscape("a < b & c > \"d\" 'e'"), "a &lt; b &amp; c &gt; \"d\" 'e'");
  EXPECT_EQ(XmlEscape("a < b & c > \"d\"", XmlContext::kAttribute), "a &lt; b &amp; c &gt; &quot;d&quot;");
  EXPECT_EQ(XmlEscape("x\ty\nz\r", XmlContext::kText), "x\ty\nz&#xD;");
  EXPECT_EQ(XmlEscape("x\ty\nz", XmlContext::kAttribute), "x&#x9;y&#xA;z");
  // C0 controls, U+FFFE, U+FFFF and broken UTF-8 (a lone continuation byte, an overlong form,
  // an encoded surrogate, a truncated sequence) are dropped; U+FFFD and astral characters stay.
  EXPECT_EQ(XmlEscape(std::string("a\x01\x08\x0B\x0C\x1F" "b\xEF\xBF\xBE\xEF\xBF\xBF" "c\x80" "d\xC0\xAF" "e\xED\xA0\x80" "f\xE1\xBA")),
            "abcdef");
  EXPECT_EQ(XmlEscape("\xEF\xBF\xBD\xF0\x9F\x8F\x9B"), "\xEF\xBF\xBD\xF0\x9F\x8F\x9B");
  // NFD "Đắk" (a + breve + acute) becomes NFC; Vietnamese letters are kept as they are.
  EXPECT_EQ(XmlEscape("\xC4\x90" "a\xCC\x86\xCC\x81k"), "Đắk");
  EXPECT_EQ(XmlEscape("Nhà ngục Đắk Mil – M'Nông"), "Nhà ngục Đắk Mil – M'Nông");
  // What comes out always parses, and gives back the text.
  const std::string hostile = "]]> <!-- <?pi?> &amp; &#0; \x01 <a b=\"c\">";
  testing::XmlDoc doc("<r a=\"" + XmlEscape(hostile, XmlContext::kAttribute) + "\">" + XmlEscape(hostile) + "</r>");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc.Text("/r"), "]]> <!-- <?pi?> &amp; &#0;  <a b=\"c\">");
  EXPECT_EQ(doc.Text("/r/@a"), doc.Text("/r"));
}

}  // namespace
}  // namespace disan::interop
