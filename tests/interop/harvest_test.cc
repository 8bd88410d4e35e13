// The OAI-PMH harvester: two real Disan instances over loopback (A serves, B harvests), and
// scripted hostile repositories on real sockets (invalid XML, silence, redirect loops, OAI
// errors, forged tokens). After a failure nothing of the failed page remains and the next run
// resumes.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "interop/harvest/dc_mapping.h"
#include "interop/harvest_runs.h"
#include "interop/harvest/harvester.h"
#include "interop/harvest/oai_response.h"
#include "store/sqlite/sqlite_store.h"
#include "support/test_support.h"

namespace disan {
namespace {

using interop::harvest::Harvest;
using interop::harvest::HarvestOptions;
using interop::harvest::HarvestReport;
using nlohmann::json;

const Actor kPublic{"", Audience::kPublic};

http::ServerOptions SmallPages() {
  http::ServerOptions o;
  o.oai.repository_id = "a.disan.test";
  o.oai.page_size = 2;
  return o;
}

std::string OaiUrl(int port) { return "http://127.0.0.1:" + std::to_string(port) + "/oai"; }

HarvestOptions Options(const std::string& url, const std::string& format = "disan") {
  HarvestOptions o;
  o.url = url;
  o.format = format;
  o.fetch.timeout = std::chrono::milliseconds(10000);
  return o;
}

// Every public item of a catalogue: pid -> document (with legacy identifiers of harvests
// removed, so that a harvested copy compares equal to its original).
std::map<std::string, json> PublicItems(Catalogue& c) {
  std::map<std::string, json> out;
  ListFilters f;
  f.limit = 500;
  for (;;) {
    RecordPage page = c.List(RecordClass::kItem, f, kPublic).value();
    for (const StoredRecord& r : page.records) {
      json d = r.document;
      if (d.contains("legacy_ids")) {
        json kept = json::array();
        for (const json& l : d["legacy_ids"]) {
          if (l.value("scheme", "") != "oai_identifier") kept.push_back(l);
        }
        if (kept.empty())
          d.erase("legacy_ids");
        else
          d["legacy_ids"] = kept;
      }
      out[r.pid] = d;
    }
    if (page.next_cursor.empty()) break;
    f.cursor = page.next_cursor;
  }
  return out;
}

size_t CountItems(Catalogue& c) { return c.store().Count(RecordClass::kItem).value(); }

class TwoDisans : public ::testing::Test {
 protected:
  TwoDisans() : a_(SmallPages()) {}

  std::string AddToA(json doc) {
    return a_.catalogue->Create(RecordClass::kItem, doc, a_.staff, "test").value().pid;
  }
  void PatchA(const std::string& pid, const json& patch) {
    StoredRecord r = a_.store->Get(pid).value();
    ASSERT_TRUE(a_.catalogue->Patch(RecordClass::kItem, pid, patch, r.revision, a_.staff, "edit"));
  }
  HarvestReport HarvestIntoB(HarvestOptions o) {
    Result<HarvestReport> r = Harvest(*b_.catalogue, o);
    EXPECT_TRUE(r) << r.error().Describe();
    return r.value_or(HarvestReport{});
  }

  testing::TestServer a_;
  testing::TestCatalogue b_;
};

TEST_F(TwoDisans, BConvergesToAsPublicRecordsAfterOneIncrementalHarvest) {
  std::vector<std::string> pids;
  for (int i = 0; i < 5; ++i)
    pids.push_back(AddToA(testing::RelicDocument("Di tích số " + std::to_string(i))));
  json full = testing::RelicDocument("Buôn Buôr — nơi ở của người M'Nông");
  full["names"].push_back({{"lang", "mnn"}, {"value", "Bon Buôr"}});
  full["description"] = {{{"lang", "vi"}, {"value", "Mô tả\nnhiều dòng & <ký tự> đặc biệt"}}};
  full["places"][0]["point"] = {{"lat", 12.4567}, {"lon", 107.6789}};
  full["dating"] = {{"text", "thế kỷ XIX"}, {"from_year", 1801}, {"to_year", 1900}};
  full["licence"] = "cc_by_4_0";
  full["legacy_ids"] = {{{"scheme", "relic_artifact_code"}, {"value", "PTH.TĐ.01"}}};
  pids.push_back(AddToA(full));
  json generalised = testing::RelicDocument("Di chỉ khảo cổ");
  generalised["location_precision"] = "generalised";
  generalised["places"][0]["point"] = {{"lat", 12.4567}, {"lon", 107.6789}};
  generalised["places"][0]["address"] = "Bon Ja Ráh";
  pids.push_back(AddToA(generalised));
  json draft = testing::RelicDocument("Bản nháp");
  draft["status"] = "draft";
  std::string never_public = AddToA(draft);
  json internal = testing::RelicDocument("Hạn chế");
  internal["visibility"] = "restricted";
  AddToA(internal);

  HarvestReport first = HarvestIntoB(Options(OaiUrl(a_.port)));
  EXPECT_TRUE(first.complete);
  EXPECT_EQ(first.from, "");
  EXPECT_EQ(first.created, 7u);
  EXPECT_GE(first.pages, 4u);  // two records a page
  EXPECT_EQ(first.refused, 0u) << (first.problems.empty() ? "" : first.problems[0]);
  EXPECT_EQ(PublicItems(*b_.catalogue), PublicItems(*a_.catalogue));
  EXPECT_EQ(CountItems(*b_.catalogue), 7u);  // the draft and the restricted item never leave A
  EXPECT_FALSE(b_.store->Get(never_public));
  // The generalised site arrives generalised; the source is named on each record.
  StoredRecord site = b_.store->Get(pids[6]).value();
  EXPECT_FALSE(site.document["places"][0].contains("address"));
  EXPECT_DOUBLE_EQ(site.document["places"][0]["point"]["lat"].get<double>(), 12.5);
  json legacy = b_.store->Get(pids[5]).value().document["legacy_ids"];
  ASSERT_EQ(legacy.size(), 2u);
  EXPECT_EQ(legacy[1], json({{"scheme", "oai_identifier"},
                             {"value", "oai:a.disan.test:" + pids[5]},
                             {"issuer", OaiUrl(a_.port)}}));

  // Edit, delete, withdraw, publish the draft and add in A.
  PatchA(pids[0], {{"names", {{{"lang", "vi"}, {"value", "Tên đã sửa"}, {"preferred", true}}}}});
  ASSERT_TRUE(
      a_.catalogue->Delete(RecordClass::kItem, pids[1], std::nullopt, a_.staff, "trùng lặp"));
  PatchA(pids[2], {{"status", "draft"}});
  PatchA(never_public, {{"status", "published"}});
  std::string added = AddToA(testing::RelicDocument("Di tích mới"));

  HarvestReport second = HarvestIntoB(Options(OaiUrl(a_.port)));
  EXPECT_TRUE(second.complete);
  EXPECT_FALSE(second.from.empty());
  EXPECT_EQ(second.created, 2u);
  EXPECT_EQ(second.updated, 1u);
  EXPECT_EQ(second.deleted, 2u);
  EXPECT_EQ(PublicItems(*b_.catalogue), PublicItems(*a_.catalogue));
  EXPECT_TRUE(b_.store->Get(pids[1]).value().deleted);
  EXPECT_TRUE(b_.store->Get(pids[2]).value().deleted);
  EXPECT_EQ(b_.store->Get(pids[0]).value().document["names"][0]["value"], "Tên đã sửa");

  // Withdrawn, then public again: restored, same pid.
  PatchA(pids[2], {{"status", "published"}});
  HarvestReport third = HarvestIntoB(Options(OaiUrl(a_.port)));
  EXPECT_EQ(third.restored, 1u);
  EXPECT_EQ(PublicItems(*b_.catalogue), PublicItems(*a_.catalogue));

  // Idempotent: a full re-harvest of everything writes nothing.
  int64_t revision = b_.store->Get(pids[3]).value().revision;
  HarvestOptions again = Options(OaiUrl(a_.port));
  ASSERT_TRUE(b_.store->Write([&](StoreWriter& w) {
    return w.PutHarvestSource({again.url, "", "disan", "", "", "", "", ""});
  }));
  HarvestReport full_again = HarvestIntoB(again);
  EXPECT_EQ(full_again.from, "");
  EXPECT_EQ(full_again.created + full_again.updated + full_again.restored, 0u);
  EXPECT_GT(full_again.unchanged, 0u);
  EXPECT_EQ(b_.store->Get(pids[3]).value().revision, revision);
  EXPECT_EQ(PublicItems(*b_.catalogue), PublicItems(*a_.catalogue));
}

// More records than the provider reads from the store at once (500): its scan must move on
// from batch to batch (it once restarted from the first record, for ever).
TEST(TwoDisansAtScale, HarvestsMoreThanOneStoreBatch) {
  http::ServerOptions options;
  options.oai.page_size = 100;
  testing::TestServer a(options);
  ASSERT_TRUE(a.store->Write([&](StoreWriter& w) -> Status {
    for (int i = 0; i < 1120; ++i) {
      TRY(a.catalogue->CreateIn(w, RecordClass::kItem,
                                testing::RelicDocument("Di tích " + std::to_string(i)),
                                InputLeniency::kStrict, a.staff, "t"));
    }
    return Ok();
  }));
  testing::TestCatalogue b;
  Result<HarvestReport> r = Harvest(*b.catalogue, Options(OaiUrl(a.port)));
  ASSERT_TRUE(r) << r.error().Describe();
  EXPECT_EQ(r->created, 1120u);
  EXPECT_EQ(r->pages, 12u);
  EXPECT_EQ(CountItems(*b.catalogue), 1120u);
}

TEST_F(TwoDisans, AnInterruptedRunResumesWhereItStopped) {
  for (int i = 0; i < 5; ++i) AddToA(testing::RelicDocument("Di tích " + std::to_string(i)));
  HarvestOptions o = Options(OaiUrl(a_.port));
  o.max_pages = 1;
  HarvestReport part = HarvestIntoB(o);
  EXPECT_FALSE(part.complete);
  EXPECT_EQ(part.created, 2u);
  std::optional<HarvestSource> state = b_.store->GetHarvestSource(o.url, "", "disan").value();
  ASSERT_TRUE(state);
  EXPECT_FALSE(state->resumption_token.empty());
  EXPECT_EQ(state->last_response_date, "");

  o.max_pages = 0;
  HarvestReport rest = HarvestIntoB(o);
  EXPECT_TRUE(rest.resumed);
  EXPECT_TRUE(rest.complete);
  EXPECT_EQ(rest.created, 3u);
  EXPECT_EQ(PublicItems(*b_.catalogue), PublicItems(*a_.catalogue));
  state = b_.store->GetHarvestSource(o.url, "", "disan").value();
  EXPECT_EQ(state->resumption_token, "");
  EXPECT_FALSE(state->last_response_date.empty());
}

TEST_F(TwoDisans, HarvestsOneSetOnly) {
  AddToA(testing::RelicDocument("Di tích"));
  json song = {{"kind", "intangible"},
               {"names", {{{"lang", "vi"}, {"value", "Cồng chiêng"}, {"preferred", true}}}}};
  std::string intangible = AddToA(song);
  HarvestOptions o = Options(OaiUrl(a_.port));
  o.set = "kind:intangible";
  HarvestReport r = HarvestIntoB(o);
  EXPECT_EQ(r.created, 1u);
  EXPECT_TRUE(b_.store->Get(intangible));
  EXPECT_EQ(CountItems(*b_.catalogue), 1u);
}

TEST_F(TwoDisans, OaiDcMapsToTheClosestFieldsAndReportsTheRest) {
  json doc = testing::RelicDocument("Nhà ngục Đắk Mil");
  doc["names"].push_back({{"lang", "en"}, {"value", "Dak Mil Prison"}});
  doc["licence"] = "cc_by_sa_4_0";
  doc["places"][0]["point"] = {{"lat", 12.45}, {"lon", 107.62}};
  doc["dating"] = {{"text", "1940"}, {"from_year", 1940}, {"to_year", 1940}};
  doc["ethnic_groups"] = {"mnong"};
  std::string pid = AddToA(doc);
  HarvestReport r = HarvestIntoB(Options(OaiUrl(a_.port), "oai_dc"));
  ASSERT_EQ(r.created, 1u) << (r.problems.empty() ? "" : r.problems[0]);
  // oai_dc carries no pid: the record gets one of ours, and names its source.
  std::map<std::string, json> items = PublicItems(*b_.catalogue);
  ASSERT_EQ(items.size(), 1u);
  const auto& [local, d] = *items.begin();
  EXPECT_EQ(b_.store->Get(local).value().document["legacy_ids"].back()["value"],
            "oai:a.disan.test:" + pid);
  EXPECT_EQ(d["kind"], "relic");
  EXPECT_EQ(d["relic_type"], "historical");
  EXPECT_EQ(d["names"][0],
            json({{"lang", "vi"}, {"value", "Nhà ngục Đắk Mil"}, {"preferred", true}}));
  EXPECT_EQ(d["names"][1]["value"], "Dak Mil Prison");
  EXPECT_EQ(d["licence"], "cc_by_sa_4_0");
  EXPECT_EQ(d["dating"]["from_year"], 1940);
  EXPECT_EQ(d["ethnic_groups"], json({"mnong"}));
  bool has_point = false;
  for (const json& p : d["places"]) has_point = has_point || p.contains("point");
  EXPECT_TRUE(has_point);
  EXPECT_GT(r.unmapped.count("dc:identifier"), 0u);  // the bare pid has no field here
}

TEST(DublinCoreMapping, ReadsAForeignRecord) {
  auto schema = Schema::Builtin();
  std::vector<interop::harvest::DcElement> dc = {
      {"title", "Sổ bộ làng", "vi"},
      {"title", "Village register", "en-GB"},
      {"title", "Dorfregister", "de"},
      {"type", "Text", ""},
      {"creator", "Hội đồng kỳ mục", ""},
      {"date", "1901/1905", ""},
      {"language", "vi", ""},
      {"publisher", "Thư viện tỉnh", ""},
      {"rights", "http://rightsstatements.org/vocab/NoC-NC/1.0/", ""},
      {"identifier", "https://lib.example/item/7", ""}};
  interop::harvest::DcMapping m = interop::harvest::MapDublinCore(*schema, dc);
  EXPECT_EQ(m.document["kind"], "documentary");
  EXPECT_EQ(m.document["names"].size(), 2u);
  EXPECT_EQ(m.document["names"][1]["lang"], "en");
  EXPECT_EQ(m.document["creator"], "Hội đồng kỳ mục");
  EXPECT_EQ(m.document["dating"]["to_year"], 1905);
  EXPECT_EQ(m.document["languages"], json({"vi"}));
  EXPECT_EQ(m.document["licence"], "rs_noc_nc");
  EXPECT_EQ(m.document["sources"][0]["url"], "https://lib.example/item/7");
  std::multiset<std::string> unmapped(m.unmapped.begin(), m.unmapped.end());
  EXPECT_EQ(unmapped,
            (std::multiset<std::string>{"dc:title (xml:lang de)", "dc:type", "dc:publisher"}));
  ASSERT_TRUE(schema->Validate(RecordClass::kItem, m.document)) << m.document.dump();
}

// ---- Hostile repositories -------------------------------------------------------------------

constexpr const char* kIdentify =
    R"(<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">)"
    R"(<responseDate>2025-07-01T00:00:00Z</responseDate><request>x</request><Identify>)"
    R"(<repositoryName>R</repositoryName><baseURL>x</baseURL><protocolVersion>2.0</protocolVersion>)"
    R"(<adminEmail>a@b.c</adminEmail><earliestDatestamp>2000-01-01</earliestDatestamp>)"
    R"(<deletedRecord>persistent</deletedRecord><granularity>YYYY-MM-DD</granularity></Identify></OAI-PMH>)";

std::string DcRecord(const std::string& id, const std::string& title) {
  return "<record><header><identifier>" + id +
         "</identifier><datestamp>2025-06-01</datestamp></header>"
         "<metadata><oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title xml:lang=\"vi\">" +
         title + "</dc:title><dc:type>Text</dc:type></oai_dc:dc></metadata></record>";
}

std::string ListPage(const std::string& records, const std::string& token) {
  return std::string(
             R"(<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">)") +
         "<responseDate>2025-07-01T00:00:00Z</responseDate><request>x</request><ListRecords>" +
         records + "<resumptionToken>" + token + "</resumptionToken></ListRecords></OAI-PMH>";
}

std::string OaiErrorDoc(const std::string& code) {
  return std::string(
             R"(<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">)") +
         "<responseDate>2025-07-01T00:00:00Z</responseDate><request>x</request><error code=\"" +
         code + "\">the message</error></OAI-PMH>";
}

// A repository whose answers a test scripts: `answer` gets the verb and the resumption token.
class ScriptedRepository {
 public:
  using Answer = std::function<std::string(const std::string& verb, const std::string& token)>;
  explicit ScriptedRepository(Answer answer) : answer_(std::move(answer)) {
    server_.Get("/oai", [this](const httplib::Request& req, httplib::Response& res) {
      std::string verb = req.get_param_value("verb");
      if (verb == "Identify") {
        res.set_content(kIdentify, "text/xml");
        return;
      }
      res.set_content(answer_(verb, req.get_param_value("resumptionToken")), "text/xml");
    });
    server_.Get("/loop1", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/loop2");
    });
    server_.Get("/loop2", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/loop1");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ScriptedRepository() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path = "/oai") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  Answer answer_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

class HostileSource : public ::testing::Test {
 protected:
  Result<HarvestReport> Run(const std::string& url) {
    return Harvest(*b_.catalogue, Options(url, "oai_dc"));
  }
  testing::TestCatalogue b_;
};

TEST_F(HostileSource, InvalidXmlIsRefusedAndNothingIsImported) {
  ScriptedRepository repo(
      [](const std::string&, const std::string&) { return "<OAI-PMH><unclosed>"; });
  Result<HarvestReport> r = Run(repo.url());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_NE(r.error().message_en.find("not well-formed XML"), std::string::npos)
      << r.error().Describe();
  EXPECT_EQ(r.error().Describe().find('\n'), std::string::npos);
  EXPECT_EQ(CountItems(*b_.catalogue), 0u);
  EXPECT_FALSE(b_.store->GetHarvestSource(repo.url(), "", "oai_dc").value());
}

TEST_F(HostileSource, ADtdIsRefused) {
  ScriptedRepository repo([](const std::string&, const std::string&) {
    return std::string(
               R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>)") +
           R"(<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>&lol2;</responseDate></OAI-PMH>)";
  });
  Result<HarvestReport> r = Run(repo.url());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message_en.find("DTD"), std::string::npos) << r.error().Describe();
}

TEST_F(HostileSource, ASilentSourceTimesOut) {
  // A socket that listens and never accepts: connecting works, no answer ever comes.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  HarvestOptions o =
      Options("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/oai", "oai_dc");
  o.fetch.timeout = std::chrono::milliseconds(300);
  Result<HarvestReport> r = Harvest(*b_.catalogue, o);
  close(fd);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message_en.find("did not answer within 0.3 s"), std::string::npos)
      << r.error().Describe();
}

TEST_F(HostileSource, ARedirectLoopIsAnError) {
  ScriptedRepository repo([](const std::string&, const std::string&) { return ""; });
  Result<HarvestReport> r = Run(repo.url("/loop1"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message_en.find("redirects in a loop"), std::string::npos)
      << r.error().Describe();
}

TEST_F(HostileSource, AnOaiErrorIsReportedWithItsCode) {
  ScriptedRepository repo(
      [](const std::string&, const std::string&) { return OaiErrorDoc("badArgument"); });
  Result<HarvestReport> r = Run(repo.url());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message_en.find("OAI-PMH error badArgument: the message"), std::string::npos);
  EXPECT_NE(r.error().message_vi.find("lỗi OAI-PMH badArgument"), std::string::npos);
}

TEST_F(HostileSource, NoRecordsMatchIsAnEmptyHarvest) {
  ScriptedRepository repo(
      [](const std::string&, const std::string&) { return OaiErrorDoc("noRecordsMatch"); });
  Result<HarvestReport> r = Run(repo.url());
  ASSERT_TRUE(r) << r.error().Describe();
  EXPECT_TRUE(r->complete);
  EXPECT_EQ(b_.store->GetHarvestSource(repo.url(), "", "oai_dc").value()->last_response_date,
            "2025-07-01T00:00:00Z");
}

TEST_F(HostileSource, AFailedPageRollsBackAndTheNextRunResumes) {
  std::atomic<bool> broken{true};
  ScriptedRepository repo([&](const std::string&, const std::string& token) {
    if (token.empty())
      return ListPage(DcRecord("oai:x:1", "Một") + DcRecord("oai:x:2", "Hai"), "page2");
    if (broken) {
      // The second record has no identifier: the whole page is refused, the first included.
      return ListPage(DcRecord("oai:x:3", "Ba") + DcRecord("", "Bốn"), "page3");
    }
    return ListPage(DcRecord("oai:x:3", "Ba") + DcRecord("oai:x:4", "Bốn"), "");
  });
  Result<HarvestReport> r = Run(repo.url());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message_en.find("lacks its identifier"), std::string::npos)
      << r.error().Describe();
  EXPECT_EQ(CountItems(*b_.catalogue), 2u);  // page 1 stays, nothing of page 2
  EXPECT_EQ(b_.store->GetHarvestSource(repo.url(), "", "oai_dc").value()->resumption_token,
            "page2");

  broken = false;
  Result<HarvestReport> again = Run(repo.url());
  ASSERT_TRUE(again) << again.error().Describe();
  EXPECT_TRUE(again->resumed);
  EXPECT_EQ(again->created, 2u);
  EXPECT_EQ(CountItems(*b_.catalogue), 4u);
  // Its day granularity carries over to the next run's from (this source ignores it and sends
  // all four again: nothing changes).
  Result<HarvestReport> next = Run(repo.url());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->from, "2025-07-01");
  EXPECT_EQ(next->unchanged, 4u);
  EXPECT_EQ(next->created + next->updated, 0u);
  EXPECT_EQ(CountItems(*b_.catalogue), 4u);
}

TEST_F(HostileSource, AForgedTokenIsRefusedByTheSourceAndNamed) {
  ScriptedRepository repo([](const std::string&, const std::string& token) {
    if (token.empty()) return ListPage(DcRecord("oai:x:1", "Một"), "forged");
    return OaiErrorDoc("badResumptionToken");
  });
  Result<HarvestReport> r = Run(repo.url());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message_en.find("badResumptionToken"), std::string::npos);
  EXPECT_EQ(CountItems(*b_.catalogue), 1u);
  // The saved token is refused again: the message says how to start over.
  Result<HarvestReport> again = Run(repo.url());
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message_en.find("--restart"), std::string::npos)
      << again.error().Describe();
  HarvestOptions restart = Options(repo.url(), "oai_dc");
  restart.restart = true;
  Result<HarvestReport> over = Harvest(*b_.catalogue, restart);
  ASSERT_FALSE(over);  // the source still refuses its own token, but the first page came again
  EXPECT_EQ(CountItems(*b_.catalogue), 1u);
}

TEST_F(HostileSource, ATokenThatNeverChangesIsALoop) {
  ScriptedRepository repo([](const std::string&, const std::string&) {
    return ListPage(DcRecord("oai:x:1", "Một"), "same");
  });
  Result<HarvestReport> r = Run(repo.url());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message_en.find("same resumption token"), std::string::npos)
      << r.error().Describe();
}

TEST_F(HostileSource, BadOptionsAreRefusedBeforeAnyRequest) {
  for (const char* url : {"ftp://x/oai", "http://x/oai?verb=Identify", "not a url", ""}) {
    Result<HarvestReport> r = Run(url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid) << url;
  }
  HarvestOptions o = Options("http://127.0.0.1:1/oai", "marc21");
  EXPECT_FALSE(Harvest(*b_.catalogue, o));
}

TEST(OaiResponseParser, ReadsRecordsTokensAndErrors) {
  auto page = interop::harvest::ParseOaiResponse(
      ListPage(DcRecord("oai:x:1", "Một &amp; hai"), "t"), "oai_dc");
  ASSERT_TRUE(page) << page.error().Describe();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].dc[0].value, "Một & hai");
  EXPECT_EQ(page->records[0].dc[0].lang, "vi");
  EXPECT_EQ(page->resumption_token, "t");
  // A record in another format than asked is refused.
  EXPECT_FALSE(
      interop::harvest::ParseOaiResponse(ListPage(DcRecord("oai:x:1", "Một"), ""), "disan"));
  // Not OAI-PMH at all.
  EXPECT_FALSE(interop::harvest::ParseOaiResponse("<html/>", "oai_dc"));
  EXPECT_FALSE(interop::harvest::ParseOaiResponse("", "oai_dc"));
  auto error = interop::harvest::ParseOaiResponse(OaiErrorDoc("badVerb"), "oai_dc");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error_code, "badVerb");
}

// ---- The command line -----------------------------------------------------------------------

TEST(HarvestCommand, HarvestsAndSaysWhatItDid) {
  testing::TestServer a(SmallPages());
  std::string first =
      a.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Di tích"), a.staff, "t").value().pid;
  std::string second =
      a.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Di tích hai"), a.staff, "t").value().pid;
  testing::TempDir dir;
  std::string data = dir.File("b");
  ASSERT_EQ(testing::RunCommand(testing::DisanBin() + " init " + data).status, 0);
  auto run = testing::RunCommand(
      testing::DisanBin() + " harvest --data " + data + " " + OaiUrl(a.port), false);
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("2 created"), std::string::npos) << run.output;
  auto again = testing::RunCommand(
      testing::DisanBin() + " harvest --data " + data + " " + OaiUrl(a.port), false);
  EXPECT_NE(again.output.find("0 created, 0 updated, 0 restored, 0 deleted"), std::string::npos)
      << again.output;
  // What a harvest changes is in this instance's audit log like any other change.
  ASSERT_TRUE(a.catalogue->Patch(RecordClass::kItem, first,
                                 {{"names", {{{"lang", "vi"}, {"value", "Đã sửa"}, {"preferred", true}}}}},
                                 1, a.staff, "edit"));
  ASSERT_TRUE(a.catalogue->Delete(RecordClass::kItem, second, std::nullopt, a.staff, "trùng"));
  auto changes = testing::RunCommand(
      testing::DisanBin() + " harvest --data " + data + " " + OaiUrl(a.port), false);
  EXPECT_NE(changes.output.find("0 created, 1 updated, 0 restored, 1 deleted"), std::string::npos)
      << changes.output;
  {
    std::unique_ptr<MetadataStore> b = OpenSqliteStore(data + "/disan.db").value();
    std::map<std::string, std::string> audited;  // target -> last action
    AuditQuery q;
    q.action = "record.";
    q.limit = 100;
    std::vector<AuditEntry> entries = b->ListAudit(q).value();
    for (const AuditEntry& e : entries) audited[e.target] = e.action;
    EXPECT_EQ(audited[first], "record.update");
    EXPECT_EQ(audited[second], "record.delete");
  }
  EXPECT_EQ(testing::RunCommand(testing::DisanBin() + " audit verify --data " + data).status, 0);

  auto bad = testing::RunCommand(testing::DisanBin() + " harvest --data " + data +
                                 " --timeout 0.5 http://127.0.0.1:1/oai");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("disan harvest: cannot reach http://127.0.0.1:1/oai"),
            std::string::npos)
      << bad.output;
  EXPECT_EQ(std::count(bad.output.begin(), bad.output.end(), '\n'), 1) << bad.output;
}

TEST(HarvestCommand, ServeRunsTheScheduledHarvest) {
  testing::TestServer a(SmallPages());
  std::string pid =
      a.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Di tích"), a.staff, "t")
          .value()
          .pid;
  testing::TempDir dir;
  std::string data = dir.File("b");
  ASSERT_EQ(testing::RunCommand(testing::DisanBin() + " init " + data).status, 0);
  testing::BackgroundCommand serve(testing::DisanBin() + " serve --data " + data +
                                   " --listen 127.0.0.1:0 --harvest " + OaiUrl(a.port) +
                                   " --harvest-every 1h");
  auto line = serve.WaitForLine("harvest " + OaiUrl(a.port), std::chrono::seconds(60));
  ASSERT_TRUE(line) << serve.output();
  EXPECT_NE(line->find("1 created"), std::string::npos) << *line;
  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(std::chrono::seconds(30)), 0) << serve.output();
  auto bad = testing::RunCommand(testing::DisanBin() + " serve --data " + data +
                                 " --listen 127.0.0.1:0 --harvest " + OaiUrl(a.port) +
                                 " --harvest-every 5s");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("--harvest-every"), std::string::npos) << bad.output;
}

// Two Disan sources on loopback, one given with --harvest and one in the data directory's
// sources file with its own set and interval: both run (one after the other), and `disan
// harvest --status` shows each one's last run and result, failures included.
TEST(HarvestCommand, ServeRunsSeveralSourcesAndTellsHowEachWent) {
  testing::TestServer a(SmallPages());
  testing::TestServer b(SmallPages());
  a.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Di tích A"), a.staff, "t")
      .value();
  b.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Di tích B"), b.staff, "t")
      .value();
  b.catalogue
      ->Create(RecordClass::kItem,
               {{"kind", "intangible"},
                {"names", {{{"lang", "vi"}, {"value", "Cồng chiêng"}, {"preferred", true}}}}},
               b.staff, "t")
      .value();
  testing::TempDir dir;
  std::string data = dir.File("c");
  ASSERT_EQ(testing::RunCommand(testing::DisanBin() + " init " + data).status, 0);
  auto none = testing::RunCommand(testing::DisanBin() + " harvest --status --data " + data);
  EXPECT_EQ(none.status, 0) << none.output;
  EXPECT_NE(none.output.find("no harvest has run here yet"), std::string::npos) << none.output;
  testing::WriteFile(data + "/harvest-sources.txt",
                     "# nguồn thứ hai\n\n" + OaiUrl(b.port) + " set=kind:relic every=2h\n");
  {
    testing::BackgroundCommand serve(testing::DisanBin() + " serve --data " + data +
                                     " --listen 127.0.0.1:0 --harvest " + OaiUrl(a.port));
    auto line = serve.WaitForLine("harvest " + OaiUrl(b.port) + " set kind:relic: ",
                                  std::chrono::seconds(60));
    ASSERT_TRUE(line) << serve.output();
    EXPECT_NE(line->find("1 created"), std::string::npos) << *line;
    EXPECT_NE(serve.output().find("harvest " + OaiUrl(a.port) + ": 1 created"), std::string::npos)
        << serve.output();
    serve.Signal(SIGTERM);
    EXPECT_EQ(serve.Wait(std::chrono::seconds(30)), 0) << serve.output();
  }
  {
    std::unique_ptr<MetadataStore> c = OpenSqliteStore(data + "/disan.db").value();
    EXPECT_EQ(c->Count(RecordClass::kItem).value(), 2u);  // not B's intangible item
  }
  // A failed run is shown too.
  auto failed = testing::RunCommand(testing::DisanBin() + " harvest --data " + data +
                                    " --timeout 0.5 http://127.0.0.1:1/oai");
  EXPECT_EQ(failed.status, 1);
  auto status = testing::RunCommand(testing::DisanBin() + " harvest --status --data " + data);
  EXPECT_EQ(status.status, 0) << status.output;
  for (const std::string& want :
       {OaiUrl(a.port) + " format=disan\n  last run / lần chạy cuối: ",
        OaiUrl(b.port) + " set=kind:relic format=disan\n",
        std::string("ok, 1 pages, 1 created, 0 updated"), std::string("next run asks from"),
        std::string("http://127.0.0.1:1/oai format=disan\n"),
        std::string("failed / thất bại: cannot reach http://127.0.0.1:1/oai")}) {
    EXPECT_NE(status.output.find(want), std::string::npos) << want << "\n" << status.output;
  }
  auto with_url = testing::RunCommand(testing::DisanBin() + " harvest --status --data " + data +
                                      " " + OaiUrl(a.port));
  EXPECT_EQ(with_url.status, 1) << with_url.output;
}

// Runs of several sources that finish at the same moment all stay listed (each run reads the
// list inside its own transaction), and staff read the same list over the API.
TEST(HarvestStatus, ConcurrentRunsAllStayListedAndStaffReadThemOverTheApi) {
  testing::TestServer c;
  constexpr int kSources = 6, kRuns = 15;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kSources; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < kRuns; ++n) {
        interop::HarvestRun run;
        run.url = "https://kho" + std::to_string(t) + ".example.vn/oai";
        run.format = "disan";
        run.started = "2026-11-26T07:00:00.000Z";
        run.finished = "2026-11-26T07:00:0" + std::to_string(n % 10) + ".000Z";
        run.ok = t % 2 == 0;
        run.complete = true;
        run.summary = std::to_string(n) + " pages";
        run.error_en = "cannot reach the source";
        run.error_vi = "không kết nối được nguồn";
        if (!interop::PutHarvestRun(c.catalogue->store(), run)) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<interop::HarvestRun> runs = interop::HarvestRuns(c.catalogue->store()).value();
  std::set<std::string> urls;
  for (const interop::HarvestRun& r : runs) urls.insert(r.url);
  EXPECT_EQ(runs.size(), size_t{kSources});
  EXPECT_EQ(urls.size(), size_t{kSources});

  testing::HttpReply listed = testing::SendHttp(c.port, "GET", "/api/v1/harvests",
                                                {{"Authorization", "Bearer " + c.token}}, "");
  ASSERT_EQ(listed.status, 200) << listed;
  EXPECT_EQ(listed.Header("Cache-Control"), "no-store");
  ASSERT_EQ(listed.doc["sources"].size(), size_t{kSources}) << listed;
  for (const json& s : listed.doc["sources"]) {
    const bool ok = s["last_run"]["ok"].get<bool>();
    EXPECT_EQ(s["source"]["format"], "disan");
    EXPECT_EQ(s["last_run"].contains("summary"), ok) << s;
    if (ok) {
      EXPECT_TRUE(s["last_run"]["summary"].is_string()) << s;
    }
    EXPECT_EQ(s["last_run"].contains("error"), !ok) << s;
    if (!ok) {
      EXPECT_EQ(s["last_run"]["error"]["vi"], "không kết nối được nguồn");
    }
    EXPECT_EQ(s["next_from"], "");
    EXPECT_EQ(s["resumes"], false);
  }
  EXPECT_EQ(testing::SendHttp(c.port, "GET", "/api/v1/harvests", {}, "").status, 401);
  testing::HttpReply odd = testing::SendHttp(c.port, "GET", "/api/v1/harvests?url=x",
                                             {{"Authorization", "Bearer " + c.token}}, "");
  EXPECT_EQ(odd.status, 422) << odd;
  EXPECT_TRUE(odd.IsProblem()) << odd;
  EXPECT_TRUE(odd.NamesParameter("url")) << odd;
}

TEST(HarvestCommand, BadSourcesAreRefusedBeforeTheServerStarts) {
  testing::TempDir dir;
  std::string data = dir.File("c");
  ASSERT_EQ(testing::RunCommand(testing::DisanBin() + " init " + data).status, 0);
  auto serve = [&](const std::string& args) {
    return testing::RunCommand(testing::DisanBin() + " serve --data " + data +
                               " --listen 127.0.0.1:0 " + args);
  };
  const std::string url = "http://127.0.0.1:9/oai";
  for (const auto& [args, names] : std::vector<std::pair<std::string, std::string>>{
           {"--harvest '" + url + " colour=red'",
            "'colour=red' is none of set=…, format=…, every=…"},
           {"--harvest '" + url + " format=marc'", "--format must be oai_dc or disan"},
           {"--harvest '" + url + " every=5s'", "every=5s is not like 30m"},
           {"--harvest '" + url + " set=a<b'", "--set is not a setSpec"},
           {"--harvest 'ftp://x/oai'", "harvest source: "},
           {"--harvest '" + url + " set=" + std::string(5000, 'a') + "'", "longer than 4096 bytes"},
       }) {
    auto r = serve(args);
    EXPECT_EQ(r.status, 1) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(names), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(r.output.find("listening on"), std::string::npos) << r.output;
  }
  testing::WriteFile(data + "/harvest-sources.txt", url + "\n" + url + " sett=x\n");
  auto file = serve("");
  EXPECT_EQ(file.status, 1) << file.output;
  EXPECT_NE(file.output.find("harvest-sources.txt line 2: harvest source: 'sett=x'"),
            std::string::npos)
      << file.output;
  EXPECT_NE(file.output.find("dòng 2"), std::string::npos) << file.output;
  std::string many;
  for (int i = 0; i < 101; ++i) many += url + "\n";
  testing::WriteFile(data + "/harvest-sources.txt", many);
  auto too_many = serve("");
  EXPECT_EQ(too_many.status, 1) << too_many.output;
  EXPECT_NE(too_many.output.find("more than 100 sources"), std::string::npos) << too_many.output;
  testing::WriteFile(data + "/harvest-sources.txt", "# " + std::string(size_t{2} << 20, 'x'));
  auto too_big = serve("");
  EXPECT_EQ(too_big.status, 1) << too_big.output;
  EXPECT_NE(too_big.output.find("is not a file of at most 1 MiB"), std::string::npos)
      << too_big.output;
}

}  // namespace
}  // namespace disan
