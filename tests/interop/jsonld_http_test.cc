// JSON-LD of items over real HTTP (content negotiation at /id/{pid} and
// /api/v1/items/{pid}.jsonld), validated by a real JSON-LD processor: tests/interop/jsonld_test.mjs
// runs the `jsonld` npm package (expand and toRDF in safe mode, offline) and checks the triples
// each case expects.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

constexpr const char* kLdSite = "https://disan.example.org";
constexpr const char* kSchema = "https://schema.org/";
constexpr const char* kCrm = "http://www.cidoc-crm.org/cidoc-crm/";
constexpr const char* kRdfType = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
constexpr const char* kDouble = "^^<http://www.w3.org/2001/XMLSchema#double>";

std::string Iri(const std::string& base, const std::string& local) {
  return "<" + base + local + ">";
}
std::string Lit(const std::string& text, const std::string& lang = "") {
  return "\"" + text + "\"" + (lang.empty() ? "" : "@" + lang);
}

http::ServerOptions LdServerOptions() {
  http::ServerOptions o;
  o.public_url = kLdSite;
  return o;
}

class JsonLdTest : public ::testing::Test {
 protected:
  JsonLdTest() : server_(LdServerOptions()) {}

  std::string Create(const json& doc) {
    return server_.catalogue->Create(RecordClass::kItem, doc, server_.staff, "t").value().pid;
  }
  HttpReply Get(const std::string& path, const std::string& accept = "") {
    std::multimap<std::string, std::string> headers;
    if (!accept.empty()) headers.emplace("Accept", accept);
    return testing::SendHttp(server_.port, "GET", path, headers, "");
  }
  // Runs the JSON-LD processor over the cases; returns its exit status and output.
  testing::CommandResult Validate(const json& cases) {
    std::string file = dir_.File("cases.json");
    testing::WriteFile(file, cases.dump());
    return testing::RunCommand("cd " + testing::SourceDir() +
                               " && node tests/interop/jsonld_test.mjs " + file);
  }

  testing::TestServer server_;
  testing::TempDir dir_;
};

TEST_F(JsonLdTest, ItemsAreLinkedDataThatAJsonLdProcessorReads) {
  json relic = testing::RelicDocument("Nhà ngục Đắk Mil");
  relic["names"].push_back({{"lang", "en"}, {"value", "Dak Mil Prison"}});
  relic["names"].push_back({{"lang", "mnn"}, {"value", "Bon Buôr"}});
  relic["description"] = {{{"lang", "vi"}, {"value", "Nhà ngục do thực dân Pháp xây năm 1940."}}};
  relic["licence"] = "cc_by_4_0";
  relic["dating"] = {{"text", "năm 1940"}, {"from_year", 1940}, {"to_year", 1941}};
  relic["places"][0]["point"] = {{"lat", 12.45}, {"lon", 107.62}};
  relic["note"] = "Ghi chú nội bộ: chưa kiểm tra thực địa";
  std::string relic_pid = Create(relic);
  json site = testing::RelicDocument("Di chỉ khảo cổ");
  site["location_precision"] = "generalised";
  site["places"][0]["point"] = {{"lat", 12.4567}, {"lon", 107.6789}};
  std::string site_pid = Create(site);
  json artefact = {
      {"kind", "artifact"},
      {"names", {{{"lang", "vi"}, {"value", "Trống đồng"}, {"preferred", true}}}},
      {"dating", {{"from_year", -500}, {"to_year", -300}}},
      {"legacy_ids", {{{"scheme", "museum_registration_number"}, {"value", "BTĐN 123"}}}}};
  std::string artefact_pid = Create(artefact);

  // Content negotiation at the resolver, and the .jsonld URL: the same document.
  HttpReply negotiated = Get("/id/" + relic_pid, "application/ld+json");
  ASSERT_EQ(negotiated.status, 200) << negotiated;
  EXPECT_TRUE(negotiated.Header("Content-Type").starts_with("application/ld+json")) << negotiated;
  HttpReply direct = Get("/api/v1/items/" + relic_pid + ".jsonld");
  ASSERT_EQ(direct.status, 200) << direct;
  EXPECT_EQ(negotiated.doc, direct.doc);
  EXPECT_EQ(direct.body.find("chưa kiểm tra thực địa"), std::string::npos)
      << "the internal note stays inside";
  // Plain JSON and browsers are answered as before.
  EXPECT_EQ(Get("/id/" + relic_pid, "application/json").doc["pid"], relic_pid);
  EXPECT_EQ(Get("/id/" + relic_pid, "text/html").status, 303);

  const std::string relic_id = std::string("<") + kLdSite + "/id/" + relic_pid + ">";
  const std::string site_id = std::string("<") + kLdSite + "/id/" + site_pid + ">";
  const std::string artefact_id = std::string("<") + kLdSite + "/id/" + artefact_pid + ">";
  json cases = json::array();
  cases.push_back(
      {{"name", "relic"},
       {"document", direct.doc},
       {"expect",
        {{relic_id, kRdfType, Iri(kSchema, "LandmarksOrHistoricalBuildings")},
         {relic_id, kRdfType, Iri(kCrm, "E27_Site")},
         {relic_id, Iri(kSchema, "name"), Lit("Nhà ngục Đắk Mil", "vi")},
         {relic_id, Iri(kSchema, "alternateName"), Lit("Dak Mil Prison", "en")},
         {relic_id, Iri(kSchema, "alternateName"), Lit("Bon Buôr", "mnn")},
         {relic_id, Iri(kSchema, "description"),
          Lit("Nhà ngục do thực dân Pháp xây năm 1940.", "vi")},
         {relic_id, Iri(kSchema, "license"), "<https://creativecommons.org/licenses/by/4.0/>"},
         {relic_id, Iri(kSchema, "temporalCoverage"), Lit("1940/1941")},
         {relic_id, Iri(kSchema, "identifier"), Lit(relic_pid)},
         {relic_id, Iri(kCrm, "P104_is_subject_to"),
          "<https://creativecommons.org/licenses/by/4.0/>"},
         {"*", Iri(kCrm, "P190_has_symbolic_content"), Lit("Dak Mil Prison", "en")},
         {"*", Iri(kSchema, "latitude"), std::string("\"1.245E1\"") + kDouble},
         {"*", Iri(kSchema, "longitude"), std::string("\"1.0762E2\"") + kDouble},
         {"*", Iri(kCrm, "P82a_begin_of_the_begin"),
          "\"1940\"^^<http://www.w3.org/2001/XMLSchema#gYear>"}}}});
  HttpReply site_ld = Get("/api/v1/items/" + site_pid + ".jsonld");
  ASSERT_EQ(site_ld.status, 200) << site_ld;
  cases.push_back(
      {{"name", "generalised site"},
       {"document", site_ld.doc},
       {"expect",
        {{"*", Iri(kSchema, "latitude"), std::string("\"1.25E1\"") + kDouble},
         {"*", Iri(kCrm, "P168_place_is_defined_by"),
          "\"POINT(107.700000 12.500000)\"^^<http://www.opengis.net/ont/geosparql#wktLiteral>"}}},
       {"absent", {{"*", Iri(kSchema, "latitude"), std::string("\"1.24567E1\"") + kDouble}}}});
  HttpReply artefact_ld = Get("/id/" + artefact_pid, "application/ld+json, application/json;q=0.5");
  ASSERT_EQ(artefact_ld.status, 200) << artefact_ld;
  cases.push_back({{"name", "artefact"},
                   {"document", artefact_ld.doc},
                   {"expect",
                    {{artefact_id, kRdfType, Iri(kCrm, "E22_Human-Made_Object")},
                     {artefact_id, kRdfType, Iri(kSchema, "CreativeWork")},
                     {artefact_id, Iri(kSchema, "temporalCoverage"), Lit("-0500/-0300")},
                     {"*", Iri(kCrm, "P190_has_symbolic_content"), Lit("BTĐN 123")}}}});
  // The processor itself can fail: a triple nobody wrote is reported missing.
  cases.push_back({{"name", "control"},
                   {"document", site_ld.doc},
                   {"expect", {{site_id, kRdfType, Iri(kCrm, "E22_Human-Made_Object")}}}});
  testing::CommandResult run = Validate(cases);
  EXPECT_EQ(run.status, 1) << run.output;
  EXPECT_NE(run.output.find("control: missing triple"), std::string::npos) << run.output;
  for (const char* name : {"relic:", "generalised site:", "artefact:"}) {
    size_t at = run.output.find(name);
    ASSERT_NE(at, std::string::npos) << run.output;
    EXPECT_NE(run.output.find("triples", at), std::string::npos) << run.output;
  }
  cases.erase(cases.size() - 1);
  testing::CommandResult valid = Validate(cases);
  EXPECT_EQ(valid.status, 0) << valid.output;
}

TEST_F(JsonLdTest, OnlyPublicItemsAndWellFormedIdentifiers) {
  json draft = testing::RelicDocument("Bản nháp");
  draft["status"] = "draft";
  std::string draft_pid = Create(draft);
  EXPECT_EQ(Get("/api/v1/items/" + draft_pid + ".jsonld").status, 404);
  // Staff see the draft as JSON, but linked data is public data only.
  std::multimap<std::string, std::string> staff = {{"Accept", "application/ld+json"},
                                                   {"Authorization", "Bearer " + server_.token}};
  HttpReply as_staff = testing::SendHttp(server_.port, "GET", "/id/" + draft_pid, staff, "");
  EXPECT_EQ(as_staff.status, 404) << as_staff;
  EXPECT_TRUE(as_staff.IsProblem()) << as_staff;

  std::string gone = Create(testing::RelicDocument("Đã xóa"));
  ASSERT_TRUE(
      server_.catalogue->Delete(RecordClass::kItem, gone, std::nullopt, server_.staff, "trùng"));
  EXPECT_EQ(Get("/api/v1/items/" + gone + ".jsonld").status, 410);

  HttpReply bad = Get("/api/v1/items/not-a-pid.jsonld");
  EXPECT_EQ(bad.status, 422) << bad;
  EXPECT_TRUE(bad.NamesParameter("pid")) << bad;
  HttpReply hostile = Get("/api/v1/items/%3Cscript%3E.jsonld");
  EXPECT_EQ(hostile.status, 422) << hostile;
  EXPECT_TRUE(hostile.Header("Content-Type").starts_with("application/problem+json")) << hostile;
  HttpReply oversized = Get("/api/v1/items/" + std::string(5000, 'x') + ".jsonld");
  EXPECT_GE(oversized.status, 400) << oversized;
  EXPECT_EQ(Get("/api/v1/items/.jsonld").status, 422);
}

}  // namespace
}  // namespace disan
