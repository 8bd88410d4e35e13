// The OAI-PMH provider over real HTTP: a real server on a loopback port over a real SQLite
// file. Every response of every test is validated against the protocol's XML Schemas
// (tests/interop/xsd) with the metadata checked strictly, oai_dc and disan included.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/pid.h"
#include "core/text.h"
#include "interop/oai_provider.h"
#include "interop/oai_request.h"
#include "interop/resumption_token.h"
#include "oai_client.h"
#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;
using testing::XmlDoc;

constexpr const char* kRepository = "sovhtt.lamdong.gov.vn";
constexpr const char* kSite = "http://disan.test";
constexpr size_t kPage = 3;

http::ServerOptions Options() {
  http::ServerOptions o;
  o.public_url = kSite;
  o.oai.repository_id = kRepository;
  o.oai.repository_name = "Kho di sản văn hóa Lâm Đồng";
  o.oai.admin_emails = {"disan@lamdong.gov.vn", "vanthu@lamdong.gov.vn"};
  o.oai.page_size = kPage;
  return o;
}

struct OaiReply {
  HttpReply http;
  std::shared_ptr<XmlDoc> xml;
  std::string Text(const std::string& xpath) const { return xml->Text(xpath); }
  std::vector<std::string> Texts(const std::string& xpath) const { return xml->Texts(xpath); }
  size_t Count(const std::string& xpath) const { return xml->Count(xpath); }
  std::string Error() const { return Text("/oai:OAI-PMH/oai:error/@code"); }
  std::string Token() const { return Text("//oai:resumptionToken"); }
};

std::ostream& operator<<(std::ostream& os, const OaiReply& r) { return os << r.http; }

std::string Id(const std::string& pid) { return std::string("oai:") + kRepository + ":" + pid; }

using testing::Name;

class OaiPmhTest : public ::testing::Test {
 protected:
  OaiPmhTest() : server_(Options()), schemas_(testing::SendHttp(server_.port, "GET", "/oai/schemas/disan.xsd", {}, "").body) {}

  void SetUp() override { ASSERT_EQ(schemas_.load_errors(), ""); }

  OaiReply Check(HttpReply http) const {
    OaiReply r{std::move(http), nullptr};
    r.xml = std::make_shared<XmlDoc>(r.http.body);
    EXPECT_EQ(r.http.status, 200) << r.http;
    EXPECT_TRUE(r.http.Header("Content-Type").starts_with("text/xml")) << r.http.Header("Content-Type");
    EXPECT_EQ(schemas_.Validate(r.http.body), "") << r.http.body.substr(0, 3000);
    return r;
  }

  OaiReply Oai(const std::string& query) const {
    return Check(testing::SendHttp(server_.port, "GET", "/oai?" + query, {}, ""));
  }
  OaiReply OaiPost(const std::string& body,
                   const std::string& type = "application/x-www-form-urlencoded") const {
    return Check(testing::SendHttp(server_.port, "POST", "/oai", {{"Content-Type", type}}, body));
  }

  HttpReply Api(const std::string& method, const std::string& path, const json& body = json(),
                std::multimap<std::string, std::string> headers = {}) const {
    headers.emplace("Authorization", "Bearer " + server_.token);
    if (!body.is_null()) {
      headers.emplace("Content-Type", method == "PATCH" ? "application/merge-patch+json" : "application/json");
    }
    return testing::SendHttp(server_.port, method, path, headers, body.is_null() ? "" : body.dump());
  }

  std::string Create(const json& document) const {
    HttpReply r = Api("POST", "/api/v1/items", document);
    EXPECT_EQ(r.status, 201) << r;
    return r.doc.is_object() ? r.doc.value("pid", "") : "";
  }
  std::string CreateRelic(const std::string& name) const { return Create(testing::RelicDocument(name)); }

  void Patch(const std::string& pid, const json& patch) const {
    HttpReply r = Api("PATCH", "/api/v1/items/" + pid + "?reason=test", patch, {{"If-Match", "*"}});
    ASSERT_EQ(r.status, 200) << r;
  }
  void Delete(const std::string& pid) const {
    HttpReply r = Api("DELETE", "/api/v1/items/" + pid + "?reason=test");
    ASSERT_EQ(r.status, 200) << r;
  }

  // Every header of a whole list, following resumption tokens; each entry is the identifier,
  // with " deleted" appended for deleted records.
  std::vector<std::string> Harvest(const std::string& query, const std::string& xpath_prefix = "//oai:header") const {
    std::vector<std::string> out;
    OaiReply r = Oai(query);
    std::string verb = query.substr(5, query.find('&') - 5);
    for (int pages = 0; pages < 100; ++pages) {
      if (!r.Error().empty()) break;
      size_t n = r.Count(xpath_prefix);
      for (size_t i = 1; i <= n; ++i) {
        std::string h = "(" + xpath_prefix + ")[" + std::to_string(i) + "]";
        out.push_back(r.Text(h + "/oai:identifier") + (r.Text(h + "/@status") == "deleted" ? " deleted" : ""));
      }
      if (r.Token().empty()) break;
      r = Oai("verb=" + verb + "&resumptionToken=" + r.Token());
    }
    return out;
  }

  testing::TestServer server_;
  testing::OaiSchemas schemas_;
};

// ---------------------------------------------------------------------------------------------
// The envelope and Identify

TEST_F(OaiPmhTest, IdentifyDescribesTheRepositoryInTheExactEnvelope) {
  std::string pid = CreateRelic("Nhà ngục Đắk Mil");
  OaiReply r = Oai("verb=Identify");
  ASSERT_TRUE(r.xml->ok());
  EXPECT_EQ(r.Text("namespace-uri(/*)"), "http://www.openarchives.org/OAI/2.0/");
  EXPECT_EQ(r.Text("local-name(/*)"), "OAI-PMH");
  EXPECT_NE(r.http.body.find("xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/ "
                             "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd\""),
            std::string::npos);
  EXPECT_TRUE(r.http.body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  std::string date = r.Text("/oai:OAI-PMH/oai:responseDate");
  ASSERT_TRUE(std::regex_match(date, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << date;
  std::optional<interop::UtcDatetime> when = interop::ParseUtcDatetime(date);
  ASSERT_TRUE(when);
  EXPECT_LE(std::abs(when->seconds - static_cast<int64_t>(std::time(nullptr))), 5);
  EXPECT_EQ(r.Text("/oai:OAI-PMH/oai:request"), std::string(kSite) + "/oai");
  EXPECT_EQ(r.Text("/oai:OAI-PMH/oai:request/@verb"), "Identify");
  const std::string id = "/oai:OAI-PMH/oai:Identify/";
  EXPECT_EQ(r.Text(id + "oai:repositoryName"), "Kho di sản văn hóa Lâm Đồng");
  EXPECT_EQ(r.Text(id + "oai:baseURL"), std::string(kSite) + "/oai");
  EXPECT_EQ(r.Text(id + "oai:protocolVersion"), "2.0");
  EXPECT_EQ(r.Texts(id + "oai:adminEmail"), (std::vector<std::string>{"disan@lamdong.gov.vn", "vanthu@lamdong.gov.vn"}));
  EXPECT_EQ(r.Text(id + "oai:deletedRecord"), "persistent");
  EXPECT_EQ(r.Text(id + "oai:granularity"), "YYYY-MM-DDThh:mm:ssZ");
  // The earliest datestamp is that of the oldest record.
  OaiReply header = Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + Id(pid));
  EXPECT_EQ(r.Text(id + "oai:earliestDatestamp"), header.Text("//oai:datestamp"));
  EXPECT_EQ(r.Text(id + "oai:description/id:oai-identifier/id:repositoryIdentifier"), kRepository);
  std::string sample = r.Text(id + "oai:description/id:oai-identifier/id:sampleIdentifier");
  EXPECT_TRUE(sample.starts_with(std::string("oai:") + kRepository + ":dn-")) << sample;
  EXPECT_TRUE(ParsePid(sample.substr(sample.rfind(':') + 1))) << "the sample must be a valid pid";
}

TEST_F(OaiPmhTest, PostTakesTheArgumentsFromTheFormBody) {
  CreateRelic("Nhà ngục Đắk Mil");
  OaiReply get = Oai("verb=ListIdentifiers&metadataPrefix=oai_dc");
  OaiReply post = OaiPost("verb=ListIdentifiers&metadataPrefix=oai_dc");
  EXPECT_EQ(post.Texts("//oai:header/oai:identifier"), get.Texts("//oai:header/oai:identifier"));
  EXPECT_EQ(post.Text("//oai:request/@metadataPrefix"), "oai_dc");
  EXPECT_EQ(OaiPost("verb=Identify", "application/x-www-form-urlencoded; charset=UTF-8").Text("//oai:repositoryName"),
            "Kho di sản văn hóa Lâm Đồng");
  // The repeated-argument rule holds for bodies too, and a body of another type is refused.
  EXPECT_EQ(OaiPost("verb=ListIdentifiers&metadataPrefix=oai_dc&metadataPrefix=oai_dc").Error(), "badArgument");
  EXPECT_EQ(OaiPost("verb=Identify", "text/plain").Error(), "badArgument");
  EXPECT_EQ(OaiPost("{\"verb\":\"Identify\"}", "application/json").Error(), "badArgument");
  // A POST's arguments are in its body only.
  OaiReply url_only = Check(testing::SendHttp(server_.port, "POST", "/oai?verb=Identify",
                                              {{"Content-Type", "application/x-www-form-urlencoded"}}, ""));
  EXPECT_EQ(url_only.Error(), "badVerb");
  // Other methods are not part of the protocol.
  HttpReply put = testing::SendHttp(server_.port, "PUT", "/oai", {}, "");
  EXPECT_EQ(put.status, 405) << put;
}

// ---------------------------------------------------------------------------------------------
// Error conditions

TEST_F(OaiPmhTest, BadVerbAndBadArgumentEchoNoArguments) {
  CreateRelic("Nhà ngục Đắk Mil");
  for (const char* q : {"", "verb=Nope", "verb=Identify&verb=Identify", "verb=identify", "foo=bar"}) {
    OaiReply r = Oai(q);
    EXPECT_EQ(r.Error(), "badVerb") << q;
    EXPECT_EQ(r.Count("//oai:request/@*"), 0u) << q << ": " << r;
    EXPECT_EQ(r.Text("//oai:request"), std::string(kSite) + "/oai");
    EXPECT_FALSE(r.Text("//oai:error").empty()) << "the error says why";
  }
  for (const char* q : {"verb=Identify&x=1", "verb=ListRecords", "verb=GetRecord&metadataPrefix=oai_dc",
                        "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc",
                        "verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=abc",
                        "verb=ListRecords&metadataPrefix=oai_dc&from=2025-02-30",
                        "verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-01&until=2025-01-02T00:00:00Z",
                        "verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-02&until=2025-01-01",
                        "verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-01T00:00:00.000Z",
                        "verb=ListRecords&metadataPrefix=oai_dc&set=kind:",
                        "verb=ListRecords&metadataPrefix=%3Cx%3E",
                        "verb=GetRecord&metadataPrefix=oai_dc&identifier=a%20b",
                        "verb=Identify&%zz=1", "verb=Identify&x=%C3%28", "verb=Identify&x=%00"}) {
    OaiReply r = Oai(q);
    EXPECT_EQ(r.Error(), "badArgument") << q << ": " << r;
    EXPECT_EQ(r.Count("//oai:request/@*"), 0u) << q;
  }
}

TEST_F(OaiPmhTest, OversizedAndHostileRequestsAreRefusedCleanly) {
  std::string many = "verb=Identify";
  for (int i = 0; i < 40; ++i) many += "&a" + std::to_string(i) + "=1";
  EXPECT_EQ(Oai(many).Error(), "badArgument");
  EXPECT_EQ(OaiPost("verb=Identify&x=" + std::string(6000, 'a')).Error(), "badArgument");
  // A URL beyond what the HTTP layer reads is refused before the provider sees it.
  HttpReply huge = testing::SendHttp(server_.port, "GET", "/oai?verb=Identify&x=" + std::string(10000, 'a'), {}, "");
  EXPECT_GE(huge.status, 400) << huge;
  EXPECT_LT(huge.status, 500) << huge;
  // Markup in a value is escaped in the echo and in the message.
  OaiReply markup = Oai("verb=ListRecords&metadataPrefix=oai_dc&set=x&from=%3Cscript%3E");
  EXPECT_EQ(markup.Error(), "badArgument");
  EXPECT_EQ(markup.http.body.find("<script>"), std::string::npos);
  EXPECT_NE(markup.Text("//oai:error").find("<script>"), std::string::npos) << "the message names the value";
  // The server is still well after all of that.
  EXPECT_EQ(Oai("verb=Identify").Error(), "");
}

TEST_F(OaiPmhTest, CannotDisseminateFormatEchoesTheRequest) {
  std::string pid = CreateRelic("Nhà ngục Đắk Mil");
  OaiReply list = Oai("verb=ListRecords&metadataPrefix=marc21");
  EXPECT_EQ(list.Error(), "cannotDisseminateFormat");
  EXPECT_EQ(list.Text("//oai:request/@metadataPrefix"), "marc21");
  EXPECT_EQ(list.Text("//oai:request/@verb"), "ListRecords");
  EXPECT_EQ(Oai("verb=ListIdentifiers&metadataPrefix=OAI_DC").Error(), "cannotDisseminateFormat")
      << "prefixes are case-sensitive";
  OaiReply get = Oai("verb=GetRecord&metadataPrefix=mods&identifier=" + Id(pid));
  EXPECT_EQ(get.Error(), "cannotDisseminateFormat");
  EXPECT_EQ(get.Text("//oai:request/@identifier"), Id(pid));
}

TEST_F(OaiPmhTest, IdDoesNotExistForUnknownForeignAndUnpublishedIdentifiers) {
  std::string pid = CreateRelic("Nhà ngục Đắk Mil");
  json draft_doc = testing::RelicDocument("Bản nháp");
  draft_doc["status"] = "draft";
  std::string draft = Create(draft_doc);
  HttpReply org = Api("POST", "/api/v1/organisations", {{"kind", "museum"}, {"names", Name("Bảo tàng tỉnh")}});
  ASSERT_EQ(org.status, 201) << org;
  std::string org_pid = org.doc["pid"];
  std::string upper = pid;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& identifier :
       {Id(PidFromBody("dn", "23456789")), std::string("oai:other.example.org:") + pid, pid, Id(upper),
        Id(pid + "x"), Id(draft), Id(org_pid), std::string("oai:") + kRepository + ":", std::string("urn:x")}) {
    OaiReply get = Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + PercentEncode(identifier));
    EXPECT_EQ(get.Error(), "idDoesNotExist") << identifier << ": " << get;
    EXPECT_EQ(get.Text("//oai:request/@identifier"), identifier);
    EXPECT_EQ(get.http.body.find("Bản nháp"), std::string::npos);
    OaiReply formats = Oai("verb=ListMetadataFormats&identifier=" + PercentEncode(identifier));
    EXPECT_EQ(formats.Error(), "idDoesNotExist") << identifier;
  }
  EXPECT_EQ(Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + Id(pid)).Error(), "");
}

TEST_F(OaiPmhTest, NoRecordsMatch) {
  EXPECT_EQ(Oai("verb=ListRecords&metadataPrefix=oai_dc").Error(), "noRecordsMatch") << "empty repository";
  CreateRelic("Nhà ngục Đắk Mil");
  for (const char* q : {"verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01",
                        "verb=ListIdentifiers&metadataPrefix=disan&until=2000-01-01T00:00:00Z",
                        "verb=ListIdentifiers&metadataPrefix=oai_dc&set=kind:documentary",
                        "verb=ListIdentifiers&metadataPrefix=oai_dc&set=commune:99999",
                        "verb=ListIdentifiers&metadataPrefix=oai_dc&set=nosuchfamily"}) {
    OaiReply r = Oai(q);
    EXPECT_EQ(r.Error(), "noRecordsMatch") << q;
    EXPECT_GT(r.Count("//oai:request/@*"), 1u) << "the arguments were valid, so they are echoed";
  }
}

TEST_F(OaiPmhTest, BadResumptionTokenForForgedTamperedExpiredAndMisusedTokens) {
  for (int i = 0; i < 5; ++i) CreateRelic("Di tích " + std::to_string(i));
  OaiReply first = Oai("verb=ListIdentifiers&metadataPrefix=oai_dc");
  std::string token = first.Token();
  ASSERT_FALSE(token.empty()) << first;
  EXPECT_EQ(Oai("verb=ListIdentifiers&resumptionToken=" + token).Error(), "");

  std::string tampered = token;
  tampered[tampered.size() / 3] = tampered[tampered.size() / 3] == 'A' ? 'B' : 'A';
  // A token signed with the repository's own key but expired, and one signed with another key.
  std::string key = server_.store->GetSetting(interop::kTokenKeySetting).value().value();
  interop::ResumptionState state;
  state.verb = interop::OaiVerb::kListIdentifiers;
  state.metadata_prefix = "oai_dc";
  state.cursor = 3;
  state.complete_list_size = 5;
  state.expires = static_cast<int64_t>(std::time(nullptr)) - 1;
  std::string expired = interop::EncodeResumptionToken(state, key);
  state.expires += 3600;
  std::string forged = interop::EncodeResumptionToken(state, "not the key");
  EXPECT_EQ(Oai("verb=ListIdentifiers&resumptionToken=" + interop::EncodeResumptionToken(state, key)).Error(), "")
      << "the same state, validly signed and current, is accepted (so the refusals below are for the reasons given)";
  for (const std::string& bad : {std::string("garbage"), tampered, expired, forged, token + "x"}) {
    OaiReply r = Oai("verb=ListIdentifiers&resumptionToken=" + PercentEncode(bad));
    EXPECT_EQ(r.Error(), "badResumptionToken") << bad;
    EXPECT_EQ(r.Text("//oai:request/@resumptionToken"), bad) << "arguments are echoed for this error";
  }
  EXPECT_EQ(Oai("verb=ListRecords&resumptionToken=" + token).Error(), "badResumptionToken")
      << "a ListIdentifiers token is not a ListRecords token";
  EXPECT_EQ(Oai("verb=ListSets&resumptionToken=" + token).Error(), "badResumptionToken");
}

TEST_F(OaiPmhTest, NoMetadataFormatsAndNoSetHierarchyNeverArise) {
  // The set families are always listed, so a repository with no item still has a hierarchy.
  OaiReply empty = Oai("verb=ListSets");
  EXPECT_EQ(empty.Error(), "");
  EXPECT_EQ(empty.Texts("//oai:setSpec"), (std::vector<std::string>{"commune", "kind", "level"}));
  // A deleted item is still available in every format, as a deleted header.
  std::string pid = CreateRelic("Nhà ngục Đắk Mil");
  Delete(pid);
  OaiReply formats = Oai("verb=ListMetadataFormats&identifier=" + Id(pid));
  EXPECT_EQ(formats.Error(), "");
  EXPECT_EQ(formats.Count("//oai:metadataFormat"), 2u);
}

// ---------------------------------------------------------------------------------------------
// Formats

TEST_F(OaiPmhTest, ListMetadataFormatsNamesBothFormatsAndTheirSchemas) {
  OaiReply r = Oai("verb=ListMetadataFormats");
  EXPECT_EQ(r.Texts("//oai:metadataPrefix"), (std::vector<std::string>{"oai_dc", "disan"}));
  EXPECT_EQ(r.Texts("//oai:schema"), (std::vector<std::string>{"http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
                                                                std::string(kSite) + "/oai/schemas/disan.xsd"}));
  EXPECT_EQ(r.Texts("//oai:metadataNamespace"),
            (std::vector<std::string>{"http://www.openarchives.org/OAI/2.0/oai_dc/", "urn:disan:record:1"}));
  HttpReply xsd = testing::SendHttp(server_.port, "GET", "/oai/schemas/disan.xsd", {}, "");
  EXPECT_EQ(xsd.status, 200);
  EXPECT_TRUE(xsd.Header("Content-Type").starts_with("application/xml")) << xsd.Header("Content-Type");
  EXPECT_TRUE(XmlDoc(xsd.body).ok());
}

// The validation every other test relies on is not vacuous: a valid response is accepted, and
// each kind of mistake in it is caught, inside the metadata too.
TEST_F(OaiPmhTest, SchemasRejectWhatTheProtocolForbids) {
  std::string pid = CreateRelic("Nhà ngục Đắk Mil");
  const std::string dc = Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + Id(pid)).http.body;
  const std::string disan = Oai("verb=GetRecord&metadataPrefix=disan&identifier=" + Id(pid)).http.body;
  ASSERT_EQ(schemas_.Validate(dc), "");
  ASSERT_EQ(schemas_.Validate(disan), "");
  auto broken = [](std::string xml, const std::string& from, const std::string& to) {
    size_t at = xml.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? xml : xml.replace(at, from.size(), to);
  };
  for (const std::string& bad : {
           broken(dc, "<setSpec>kind:relic</setSpec>", "<setSpec>kind relic</setSpec>"),
           broken(dc, "<dc:title", "<dc:name"),
           broken(dc, "xml:lang=\"vi\"", "xml:lang=\"not a tag\""),
           broken(dc, "<header>", "<header status=\"gone\">"),
           broken(dc, "<datestamp>", "<datestamp>yesterday"),
           broken(dc, "<request verb=\"GetRecord\"", "<request verb=\"Fetch\""),
           broken(dc, "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/"),
           broken(disan, "<disan:json mediaType=\"application/json\">{", "<disan:json mediaType=\"application/json\">["),
           broken(disan, "pid=\"" + pid + "\"", "pid=\"DN-1\""),
           broken(disan, "revision=\"1\"", "revision=\"0\""),
       }) {
    EXPECT_NE(schemas_.Validate(bad), "") << bad.substr(0, 2000);
  }
}

json RichRelic() {
  json d = testing::RelicDocument("Nha\xCC\x80 ngu\xCC\xA3" "c \xC4\x90" "a\xCC\x86\xCC\x81k Mil");  // NFD
  d["names"].push_back({{"lang", "en"}, {"value", "Dak Mil Prison"}});
  d["description"] = {{{"lang", "vi"}, {"value", "Nhà tù do thực dân Pháp xây năm 1940 <& \"ngoặc\" >"}}};
  d["dating"] = {{"text", "thập niên 1940"}, {"from_year", 1940}, {"to_year", 1949}};
  d["ethnic_groups"] = {"mnong"};
  d["licence"] = "cc_by_4_0";
  d["places"] = {{{"commune_2025", "Xã Đắk Mil"}, {"commune_2025_code", "24853"}, {"province_2025", "Lâm Đồng"},
                  {"address", "thôn 3"}, {"point", {{"lat", 12.4471234}, {"lon", 107.6234567}}}}};
  d["legacy_ids"] = {{{"scheme", "relic_artifact_code"}, {"value", "PTH.TĐ.01"}}};
  d["sources"] = {{{"title", "Sở VHTTDL"}, {"url", "https://example.org/nha-nguc"}}};
  return d;
}

TEST_F(OaiPmhTest, OaiDcMapsTheRecordWithLanguagesAndNfcText) {
  std::string pid = Create(RichRelic());
  OaiReply r = Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + Id(pid));
  ASSERT_EQ(r.Error(), "") << r;
  const std::string dc = "//oai:metadata/oai_dc:dc/";
  EXPECT_EQ(r.Texts(dc + "dc:title"), (std::vector<std::string>{"Nhà ngục Đắk Mil", "Dak Mil Prison"}))
      << "preferred name first, NFC";
  EXPECT_EQ(r.Texts(dc + "dc:title/@xml:lang"), (std::vector<std::string>{"vi", "en"}));
  EXPECT_EQ(r.Text(dc + "dc:description[1]"), "Nhà tù do thực dân Pháp xây năm 1940 <& \"ngoặc\" >");
  EXPECT_EQ(r.Text(dc + "dc:description[@xml:lang='vi'][2]"), "Xếp hạng, ghi danh: Di tích quốc gia, 10/2005/QĐ-BVHTT, 2005-03-17");
  std::vector<std::string> subjects = r.Texts(dc + "dc:subject");
  EXPECT_EQ(subjects.size(), 4u) << "relic type and ethnic group, each in Vietnamese and English";
  EXPECT_EQ(r.Text(dc + "dc:subject[@xml:lang='vi'][2]"), "Mnông");
  EXPECT_EQ(r.Texts(dc + "dc:identifier"),
            (std::vector<std::string>{pid, std::string(kSite) + "/id/" + pid, "PTH.TĐ.01"}));
  std::vector<std::string> coverage = r.Texts(dc + "dc:coverage");
  EXPECT_NE(std::find(coverage.begin(), coverage.end(), "thôn 3, Xã Đắk Mil, Lâm Đồng"), coverage.end());
  EXPECT_NE(std::find(coverage.begin(), coverage.end(), "thập niên 1940"), coverage.end());
  EXPECT_EQ(r.Text(dc + "dc:date"), "1940/1949");
  EXPECT_EQ(r.Texts(dc + "dc:rights")[0], "https://creativecommons.org/licenses/by/4.0/");
  EXPECT_EQ(r.Text(dc + "dc:type[@xml:lang='vi']"), "Di tích");
  EXPECT_EQ(r.Text(dc + "dc:source"), "Sở VHTTDL — https://example.org/nha-nguc");
  EXPECT_EQ(r.Texts("//oai:header/oai:setSpec"),
            (std::vector<std::string>{"commune:24853", "kind:relic", "level:national"}));
}

TEST_F(OaiPmhTest, DisanFormatCarriesTheWholePublicRecordLosslessly) {
  json doc = RichRelic();
  doc["note"] = "ghi chú\ttab\nhai dòng";
  std::string pid = Create(doc);
  OaiReply r = Oai("verb=GetRecord&metadataPrefix=disan&identifier=" + Id(pid));
  ASSERT_EQ(r.Error(), "") << r;
  EXPECT_EQ(r.Text("//disan:record/@pid"), pid);
  EXPECT_EQ(r.Text("//disan:record/@kind"), "relic");
  json carried = json::parse(r.Text("//disan:record/disan:json"));
  HttpReply api = testing::SendHttp(server_.port, "GET", "/api/v1/items/" + pid, {}, "");
  ASSERT_EQ(api.status, 200);
  json expected = api.doc;
  expected.erase("links");
  carried.erase("links");
  EXPECT_EQ(carried, expected) << "exactly what the public API shows";
  EXPECT_FALSE(carried.contains("note")) << "the internal note stays inside";
  EXPECT_EQ(r.Text("//disan:record/@updated"), expected["updated_at"]);
}

// ---------------------------------------------------------------------------------------------
// Sets and selective harvesting

TEST_F(OaiPmhTest, ListSetsListsOnlyValuesOfPublicItems) {
  Create(RichRelic());
  json artifact = {{"kind", "artifact"}, {"names", Name("Đàn đá Đắk Sơn")},
                   {"recognitions", {{{"level", "national_treasure"}}}}};
  Create(artifact);
  json hidden = testing::RelicDocument("Di tích mật");
  hidden["visibility"] = "restricted";
  hidden["recognitions"] = {{{"level", "special_national"}}};
  hidden["places"] = {{{"commune_2025_code", "11111"}}};
  Create(hidden);
  OaiReply r = Oai("verb=ListSets");
  EXPECT_EQ(r.Texts("//oai:setSpec"),
            (std::vector<std::string>{"commune", "commune:24853", "kind", "kind:artifact", "kind:relic", "level",
                                      "level:national", "level:national_treasure"}));
  EXPECT_EQ(r.Text("//oai:set[oai:setSpec='commune:24853']/oai:setName"), "Xã Đắk Mil (24853)");
  EXPECT_EQ(r.Text("//oai:set[oai:setSpec='kind:relic']/oai:setName").substr(0, 10), "Di tích /");
}

TEST_F(OaiPmhTest, SetsSelectRecordsAndFamiliesSelectTheirMembers) {
  std::string relic = Create(RichRelic());
  std::string other = CreateRelic("Di tích khác");
  std::string artifact = Create({{"kind", "artifact"}, {"names", Name("Đàn đá")},
                                 {"recognitions", {{{"level", "national_treasure"}}}}});
  auto ids = [&](const std::string& set) {
    std::vector<std::string> got = Harvest("verb=ListIdentifiers&metadataPrefix=oai_dc&set=" + set);
    return std::set<std::string>(got.begin(), got.end());
  };
  EXPECT_EQ(ids("kind:relic"), (std::set<std::string>{Id(relic), Id(other)}));
  EXPECT_EQ(ids("kind:artifact"), std::set<std::string>{Id(artifact)});
  EXPECT_EQ(ids("kind"), (std::set<std::string>{Id(relic), Id(other), Id(artifact)}));
  EXPECT_EQ(ids("level:national"), (std::set<std::string>{Id(relic), Id(other)}));
  EXPECT_EQ(ids("commune:24853"), std::set<std::string>{Id(relic)});
  EXPECT_EQ(ids("commune"), std::set<std::string>{Id(relic)});
  EXPECT_TRUE(ids("kin").empty()) << "a set is not a prefix match";
}

TEST_F(OaiPmhTest, FromAndUntilAreInclusiveAtBothGranularities) {
  std::string a = CreateRelic("A");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::string b = CreateRelic("B");
  OaiReply all = Oai("verb=ListIdentifiers&metadataPrefix=oai_dc");
  std::map<std::string, std::string> stamp;
  for (size_t i = 1; i <= all.Count("//oai:header"); ++i) {
    std::string h = "//oai:header[" + std::to_string(i) + "]";
    stamp[all.Text(h + "/oai:identifier")] = all.Text(h + "/oai:datestamp");
  }
  ASSERT_EQ(stamp.size(), 2u);
  const std::string sa = stamp[Id(a)], sb = stamp[Id(b)];
  ASSERT_LT(sa, sb);
  auto ids = [&](const std::string& args) {
    OaiReply r = Oai("verb=ListIdentifiers&metadataPrefix=oai_dc" + args);
    return r.Texts("//oai:header/oai:identifier");
  };
  auto shift = [](const std::string& stamp_text, int64_t seconds) {
    return interop::FormatUtcDatetime(interop::ParseUtcDatetime(stamp_text)->seconds + seconds);
  };
  EXPECT_EQ(ids("&from=" + sa), (std::vector<std::string>{Id(a), Id(b)}));
  EXPECT_EQ(ids("&from=" + sb), std::vector<std::string>{Id(b)});
  EXPECT_EQ(ids("&from=" + shift(sb, 1)), std::vector<std::string>{}) << "noRecordsMatch";
  EXPECT_EQ(ids("&until=" + sa), std::vector<std::string>{Id(a)});
  EXPECT_EQ(ids("&until=" + shift(sa, -1)), std::vector<std::string>{});
  EXPECT_EQ(ids("&from=" + sa + "&until=" + sa), std::vector<std::string>{Id(a)});
  EXPECT_EQ(ids("&from=" + sb + "&until=" + sb), std::vector<std::string>{Id(b)});
  // Day granularity covers whole days.
  std::string day = sa.substr(0, 10);
  std::string next_day = shift(sa.substr(0, 10) + "T00:00:00Z", 86400).substr(0, 10);
  std::string prev_day = shift(sa.substr(0, 10) + "T00:00:00Z", -86400).substr(0, 10);
  if (sb.substr(0, 10) == day) {
    EXPECT_EQ(ids("&from=" + day + "&until=" + day), (std::vector<std::string>{Id(a), Id(b)}));
  }
  EXPECT_EQ(ids("&until=" + prev_day), std::vector<std::string>{});
  EXPECT_EQ(ids("&from=" + next_day).size(), sb.substr(0, 10) == next_day ? 1u : 0u);
  EXPECT_EQ(Oai("verb=ListIdentifiers&metadataPrefix=oai_dc&from=" + next_day).Error(),
            sb.substr(0, 10) == next_day ? "" : "noRecordsMatch");
}

// ---------------------------------------------------------------------------------------------
// Flow control

TEST_F(OaiPmhTest, ResumptionTokensCarryCursorSizeAndExpiryAndAreIdempotent) {
  std::set<std::string> created;
  for (int i = 0; i < 7; ++i) created.insert(Id(CreateRelic("Di tích số " + std::to_string(i))));
  OaiReply p1 = Oai("verb=ListRecords&metadataPrefix=oai_dc");
  EXPECT_EQ(p1.Count("//oai:record"), kPage);
  EXPECT_EQ(p1.Text("//oai:resumptionToken/@cursor"), "0");
  EXPECT_EQ(p1.Text("//oai:resumptionToken/@completeListSize"), "7");
  std::optional<interop::UtcDatetime> expiry = interop::ParseUtcDatetime(p1.Text("//oai:resumptionToken/@expirationDate"));
  ASSERT_TRUE(expiry);
  EXPECT_NEAR(static_cast<double>(expiry->seconds - std::time(nullptr)), 24 * 3600.0, 10.0);
  // The same token twice gives the same page.
  OaiReply p2 = Oai("verb=ListRecords&resumptionToken=" + p1.Token());
  OaiReply p2_again = Oai("verb=ListRecords&resumptionToken=" + p1.Token());
  EXPECT_EQ(p2.Texts("//oai:header/oai:identifier"), p2_again.Texts("//oai:header/oai:identifier"));
  EXPECT_EQ(p2.Text("//oai:resumptionToken/@cursor"), "3");
  EXPECT_EQ(p2.Count("//oai:request/@*"), 2u) << "verb and resumptionToken are echoed";
  OaiReply p3 = Oai("verb=ListRecords&resumptionToken=" + p2.Token());
  EXPECT_EQ(p3.Count("//oai:record"), 1u);
  // The last part of a list carries an empty token with the final cursor and size.
  EXPECT_EQ(p3.Count("//oai:resumptionToken"), 1u);
  EXPECT_EQ(p3.Token(), "");
  EXPECT_EQ(p3.Text("//oai:resumptionToken/@cursor"), "6");
  EXPECT_EQ(p3.Text("//oai:resumptionToken/@completeListSize"), "7");
  std::vector<std::string> all = p1.Texts("//oai:header/oai:identifier");
  for (const OaiReply* p : {&p2, &p3}) {
    for (const std::string& id : p->Texts("//oai:header/oai:identifier")) all.push_back(id);
  }
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), created);
  EXPECT_EQ(all.size(), created.size());
  // A list that fits one response has no token at all.
  EXPECT_EQ(Oai("verb=ListRecords&metadataPrefix=oai_dc&set=kind:relic&until=" +
                p1.Text("(//oai:datestamp)[1]"))
                .Count("//oai:resumptionToken"),
            p1.Text("(//oai:datestamp)[1]") == p1.Text("(//oai:datestamp)[3]") ? 1u : 0u);
}

// completeListSize is counted from the index (the live public records of the list or set) plus
// the tombstones and withdrawn records read one by one: the number of headers the list sends.
TEST_F(OaiPmhTest, CompleteListSizeIsWhatTheListSendsForEverySet) {
  for (int i = 0; i < 4; ++i) CreateRelic("Di tích " + std::to_string(i));
  json provincial = testing::RelicDocument("Di tích cấp tỉnh");
  provincial["recognitions"][0]["level"] = "provincial";
  Create(provincial);
  json unrecognised = testing::RelicDocument("Chưa xếp hạng");
  unrecognised.erase("recognitions");
  Create(unrecognised);
  json artifact = {{"kind", "artifact"}, {"names", Name("Hiện vật")}};
  for (int i = 0; i < 4; ++i) Create(artifact);
  for (int i = 0; i < 4; ++i) Create(RichRelic());  // the commune set 24853, counted from the index
  Patch(Create(RichRelic()), {{"status", "draft"}});  // ... and read: a withdrawn one in it
  std::string deleted = CreateRelic("Sẽ xóa");
  Delete(deleted);                                   // a tombstone
  Patch(CreateRelic("Sẽ rút"), {{"status", "draft"}});  // withdrawn: a deleted header
  json hidden = testing::RelicDocument("Chưa bao giờ công khai");
  hidden["visibility"] = "restricted";
  Create(hidden);  // never public: not in any list
  for (const std::string set : {"", "kind", "kind:relic", "kind:artifact", "level", "level:national",
                                "level:provincial", "commune", "commune:24853"}) {
    OaiReply page = Oai("verb=ListIdentifiers&metadataPrefix=oai_dc" + (set.empty() ? "" : "&set=" + set));
    ASSERT_EQ(page.Error(), "") << set << page;
    const std::string announced = page.Text("//oai:resumptionToken/@completeListSize");
    size_t sent = page.Count("//oai:header");
    for (int guard = 0; !page.Token().empty() && guard < 20; ++guard) {
      page = Oai("verb=ListIdentifiers&resumptionToken=" + page.Token());
      sent += page.Count("//oai:header");
    }
    EXPECT_EQ(announced.empty() ? sent : std::stoul(announced), sent) << "set '" << set << "'";
    EXPECT_GT(sent, 0u) << set;
  }
}

// A set few records are in, spread among many others in change order: the store leaves the
// other live public records out of each page (ChangeQuery::set_filter), and the pages still hold
// every member, tombstones and withdrawn ones included, in change order, counted exactly.
TEST_F(OaiPmhTest, SparseSetPagesKeepTombstonesAndResumeInChangeOrder) {
  json provincial = testing::RelicDocument("Di tích cấp tỉnh");
  provincial["recognitions"][0]["level"] = "provincial";
  std::vector<std::string> members, gone;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 3; ++j) CreateRelic("Di tích quốc gia " + std::to_string(i * 3 + j));
    members.push_back(Create(provincial));
  }
  std::string moved_out = Create(provincial);
  json draft = provincial;
  draft["status"] = "draft";
  std::string never_public = Create(draft);
  for (int j = 0; j < 3; ++j) CreateRelic("Di tích sau " + std::to_string(j));
  // A tombstone, a record withdrawn to draft and one made restricted: deleted headers of the
  // set, which they were in when last public; one moved out of the set is no longer in it.
  Delete(members[1]);
  Patch(members[4], {{"status", "draft"}});
  Patch(members[6], {{"visibility", "restricted"}, {"recognitions", {{{"level", "national"}}}}});
  Patch(moved_out, {{"recognitions", {{{"level", "national"}}}}});
  Patch(never_public, {{"names", Name("Vẫn nháp")}});
  Patch(members[7], {{"names", Name("Di tích cấp tỉnh đã sửa")}});

  // The set's list, in the whole list's change order.
  std::vector<std::string> whole = Harvest("verb=ListIdentifiers&metadataPrefix=oai_dc");
  std::set<std::string> in_set;
  for (size_t i = 0; i < members.size(); ++i) {
    in_set.insert(Id(members[i]) + (i == 1 || i == 4 || i == 6 ? " deleted" : ""));
  }
  std::vector<std::string> expected;
  for (const std::string& h : whole) {
    if (in_set.count(h)) expected.push_back(h);
  }
  ASSERT_EQ(expected.size(), members.size()) << "every member is in the whole list";

  OaiReply first = Oai("verb=ListIdentifiers&metadataPrefix=oai_dc&set=level:provincial");
  ASSERT_EQ(first.Error(), "") << first;
  EXPECT_EQ(first.Text("//oai:resumptionToken/@completeListSize"), std::to_string(members.size()));
  EXPECT_EQ(first.Count("//oai:header"), kPage);
  std::vector<std::string> got;
  OaiReply page = first;
  for (int guard = 0; guard < 20; ++guard) {
    for (size_t i = 1; i <= page.Count("//oai:header"); ++i) {
      const std::string h = "(//oai:header)[" + std::to_string(i) + "]";
      got.push_back(page.Text(h + "/oai:identifier") +
                    (page.Text(h + "/@status") == "deleted" ? " deleted" : ""));
      EXPECT_EQ(page.Text(h + "/oai:setSpec[. = 'level:provincial']"), "level:provincial")
          << got.back();
    }
    EXPECT_EQ(page.Text("//oai:resumptionToken/@completeListSize"), std::to_string(members.size()))
        << "the size announced first holds on every page";
    if (page.Token().empty()) break;
    page = Oai("verb=ListIdentifiers&resumptionToken=" + page.Token());
    ASSERT_EQ(page.Error(), "") << page;
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(page.Text("//oai:resumptionToken/@cursor"),
            std::to_string(members.size() / kPage * kPage));
  // ListRecords pages the same set the same way.
  std::vector<std::string> records = Harvest(
      "verb=ListRecords&metadataPrefix=disan&set=level:provincial", "//oai:record/oai:header");
  EXPECT_EQ(records, expected);
}

TEST_F(OaiPmhTest, HarvestStaysCompleteWhileRecordsChangeBetweenPages) {
  std::vector<std::string> pids;
  for (int i = 0; i < 9; ++i) {
    pids.push_back(CreateRelic("Di tích " + std::to_string(i)));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::vector<std::string> seen;
  std::map<std::string, std::string> last_state;
  auto take = [&](const OaiReply& r) {
    for (size_t i = 1; i <= r.Count("//oai:record"); ++i) {
      std::string h = "//oai:record[" + std::to_string(i) + "]/oai:header";
      std::string id = r.Text(h + "/oai:identifier");
      seen.push_back(id);
      last_state[id] = r.Text(h + "/@status") == "deleted" ? "deleted" : r.Text("//oai:record[" + std::to_string(i) + "]//dc:title");
    }
  };
  OaiReply page = Oai("verb=ListRecords&metadataPrefix=oai_dc");
  take(page);
  ASSERT_EQ(seen.size(), 3u);
  // Between pages: change one record already sent and one not yet sent, delete one of each,
  // withdraw one not yet sent, and add a new one.
  Patch(pids[0], {{"names", Name("Đã sửa 0")}});
  Patch(pids[5], {{"names", Name("Đã sửa 5")}});
  Delete(pids[1]);
  Delete(pids[6]);
  Patch(pids[7], {{"status", "draft"}});
  std::string added = CreateRelic("Mới thêm");
  std::string token = page.Token();
  for (int guard = 0; !token.empty() && guard < 20; ++guard) {
    page = Oai("verb=ListRecords&resumptionToken=" + token);
    ASSERT_EQ(page.Error(), "") << page;
    take(page);
    token = page.Token();
  }
  // Nothing lost: every record ends in its final state.
  std::map<std::string, std::string> expected;
  for (int i = 0; i < 9; ++i) expected[Id(pids[i])] = "Di tích " + std::to_string(i);
  expected[Id(pids[0])] = "Đã sửa 0";
  expected[Id(pids[5])] = "Đã sửa 5";
  expected[Id(pids[1])] = expected[Id(pids[6])] = expected[Id(pids[7])] = "deleted";
  expected[Id(added)] = "Mới thêm";
  EXPECT_EQ(last_state, expected);
  // Nothing duplicated: a record comes twice only when it changed after it was sent.
  std::map<std::string, int> times;
  for (const std::string& id : seen) ++times[id];
  for (const auto& [id, n] : times) {
    bool changed_after_sent = id == Id(pids[0]) || id == Id(pids[1]);
    EXPECT_EQ(n, changed_after_sent ? 2 : 1) << id;
  }
  // The final count is right, whatever was estimated at the start.
  EXPECT_EQ(page.Text("//oai:resumptionToken/@completeListSize"), std::to_string(seen.size()));
}

// ---------------------------------------------------------------------------------------------
// Deleted records and privacy

TEST_F(OaiPmhTest, DeletedAndWithdrawnRecordsAreDeletedHeaders) {
  std::string deleted = Create(RichRelic());
  std::string restricted = CreateRelic("Sẽ hạn chế");
  std::string drafted = CreateRelic("Sẽ thành bản nháp");
  std::string kept = CreateRelic("Giữ nguyên");
  Delete(deleted);
  Patch(restricted, {{"visibility", "restricted"}, {"names", Name("Tên mật")}});
  Patch(drafted, {{"status", "draft"}});
  for (const std::string& pid : {deleted, restricted, drafted}) {
    for (const char* prefix : {"oai_dc", "disan"}) {
      OaiReply r = Oai(std::string("verb=GetRecord&metadataPrefix=") + prefix + "&identifier=" + Id(pid));
      ASSERT_EQ(r.Error(), "") << r;
      EXPECT_EQ(r.Text("//oai:header/@status"), "deleted") << pid;
      EXPECT_EQ(r.Count("//oai:metadata"), 0u);
      EXPECT_EQ(r.http.body.find("Tên mật"), std::string::npos);
    }
  }
  // The deleted record keeps the sets the public last saw it in, so a set harvest learns too.
  OaiReply gone = Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + Id(deleted));
  EXPECT_EQ(gone.Texts("//oai:setSpec"), (std::vector<std::string>{"commune:24853", "kind:relic", "level:national"}));
  std::vector<std::string> commune = Harvest("verb=ListIdentifiers&metadataPrefix=oai_dc&set=commune:24853");
  EXPECT_EQ(commune, std::vector<std::string>{Id(deleted) + " deleted"});
  std::vector<std::string> all = Harvest("verb=ListRecords&metadataPrefix=disan", "//oai:record/oai:header");
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()),
            (std::set<std::string>{Id(kept), Id(deleted) + " deleted", Id(restricted) + " deleted",
                                   Id(drafted) + " deleted"}));
  // Published again, it is a record again.
  Patch(drafted, {{"status", "published"}});
  EXPECT_EQ(Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + Id(drafted)).Count("//oai:metadata"), 1u);
}

TEST_F(OaiPmhTest, NeverPublicItemsAndGeneralisedLocationsNeverLeak) {
  json draft = testing::RelicDocument("Hồ sơ nháp bí mật");
  draft["status"] = "draft";
  std::string draft_pid = Create(draft);
  json restricted = testing::RelicDocument("Hang động hạn chế");
  restricted["visibility"] = "restricted";
  std::string restricted_pid = Create(restricted);
  Patch(draft_pid, {{"names", Name("Vẫn là nháp")}});
  Delete(restricted_pid);  // deleted without ever being public
  json site = RichRelic();
  site["location_precision"] = "generalised";
  std::string site_pid = Create(site);
  // A staff token changes nothing: OAI-PMH always shows what the public may see.
  std::vector<std::multimap<std::string, std::string>> as = {{}, {{"Authorization", "Bearer " + server_.token}}};
  for (const auto& headers : as) {
    for (const char* query : {"verb=ListRecords&metadataPrefix=oai_dc", "verb=ListRecords&metadataPrefix=disan",
                              "verb=ListIdentifiers&metadataPrefix=oai_dc", "verb=ListSets"}) {
      OaiReply r = Check(testing::SendHttp(server_.port, "GET", std::string("/oai?") + query, headers, ""));
      for (const std::string& secret : {draft_pid, restricted_pid, std::string("nháp"), std::string("hạn chế"),
                                        std::string("12.447"), std::string("107.623"), std::string("thôn 3")}) {
        EXPECT_EQ(r.http.body.find(secret), std::string::npos) << query << " leaks " << secret;
      }
    }
  }
  OaiReply dc = Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + Id(site_pid));
  std::vector<std::string> coverage = dc.Texts("//dc:coverage");
  EXPECT_NE(std::find(coverage.begin(), coverage.end(), "east=107.6; north=12.4; projection=WGS84"), coverage.end())
      << "the generalised point (0.1°) is what is published";
  json carried = json::parse(Oai("verb=GetRecord&metadataPrefix=disan&identifier=" + Id(site_pid))
                                 .Text("//disan:json"));
  EXPECT_DOUBLE_EQ(carried["places"][0]["point"]["lat"].get<double>(), 12.4);
  EXPECT_FALSE(carried["places"][0].contains("address"));
}

}  // namespace
}  // namespace disan
