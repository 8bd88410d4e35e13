// RenderPublicText (http/record_text.h) against the parsed way (RenderRecordText after the
// catalogue's public Get): the same bytes for every demo record the public may read, nothing
// for what it may not, and nothing for text it does not expect.
#include "http/record_text.h"

#include <gtest/gtest.h>

#include <string>

#include "catalogue/importer.h"
#include "http/routes.h"
#include "support/test_support.h"

namespace disan::http {
namespace {

using nlohmann::json;
using testing::TestCatalogue;

std::string CollectionFor(RecordClass cls) {
  switch (cls) {
    case RecordClass::kItem:
      return "items";
    case RecordClass::kOrganisation:
      return "organisations";
    case RecordClass::kArea:
      return "areas";
  }
  return "items";
}

std::vector<StoredRecord> All(TestCatalogue& t, RecordClass cls) {
  ListFilters f;
  f.limit = 500;
  return t.catalogue->List(cls, f, t.staff).value().records;
}

// The fast answer for `pid`, and the parsed one ("" when the public may not read it).
std::pair<std::optional<std::string>, std::string> Both(TestCatalogue& t, RecordClass cls,
                                                        const std::string& pid) {
  MetadataStore::StoredText stored = t.store->GetText(pid).value();
  std::optional<std::string> fast =
      RenderPublicText(stored.record, stored.document, CollectionFor(cls), t.catalogue->schema());
  Result<StoredRecord> r = t.catalogue->Get(cls, pid, Actor{"anonymous", Audience::kPublic});
  return {fast, r ? RenderRecordText(std::move(*r), t.catalogue->schema()) : ""};
}

TEST(RecordText, EveryDemoRecordTheSameAsTheParsedWay) {
  TestCatalogue t;
  ImportReport report =
      ImportFile(*t.catalogue, testing::SourceDir() + "/data/demo/daknong-heritage.csv", {},
                 t.staff)
          .value();
  ASSERT_TRUE(report.committed);
  size_t fast_answers = 0, records = 0;
  for (RecordClass cls : {RecordClass::kItem, RecordClass::kOrganisation, RecordClass::kArea}) {
    for (const StoredRecord& r : All(t, cls)) {
      ++records;
      auto [fast, parsed] = Both(t, cls, r.pid);
      if (parsed.empty()) {
        EXPECT_FALSE(fast) << r.pid << " is not for the public, yet the fast way answered";
        continue;
      }
      if (!fast) continue;  // the parsed way answers it (a generalised location)
      ++fast_answers;
      EXPECT_EQ(*fast, parsed) << r.pid;
    }
  }
  EXPECT_GE(records, 25u);
  EXPECT_GE(fast_answers, 20u) << "most demo records should take the fast way";
}

TEST(RecordText, NotesLicencesAndHardStringsAsTheParsedWay) {
  TestCatalogue t;
  json item = testing::RelicDocument("Đình \"Lạc\" \\ Giao </script> – 𠀀");
  item["note"] = "staff only";
  item["licence"] = "cc_by_4_0";
  StoredRecord r = t.catalogue->Create(RecordClass::kItem, item, t.staff, "test").value();
  auto [fast, parsed] = Both(t, RecordClass::kItem, r.pid);
  ASSERT_FALSE(parsed.empty());
  ASSERT_TRUE(fast);
  EXPECT_EQ(*fast, parsed);
  EXPECT_EQ(fast->find("staff only"), std::string::npos);
  EXPECT_NE(fast->find("\"licence\":\"https://"), std::string::npos) << *fast;
}

TEST(RecordText, WhatThePublicMayNotSeeOrMustSeeRedactedIsLeftToTheParsedWay) {
  TestCatalogue t;
  json hidden = testing::RelicDocument("Kho riêng");
  hidden["visibility"] = "restricted";
  json draft = testing::RelicDocument("Bản nháp");
  draft["status"] = "draft";
  json sensitive = testing::RelicDocument("Hang động");
  sensitive["location_precision"] = "generalised";
  sensitive["places"][0]["address"] = "Thôn 3";
  sensitive["places"][0]["point"] = {{"lat", 12.3456}, {"lon", 107.6543}};
  for (json doc : {hidden, draft, sensitive}) {
    StoredRecord r = t.catalogue->Create(RecordClass::kItem, doc, t.staff, "test").value();
    MetadataStore::StoredText stored = t.store->GetText(r.pid).value();
    EXPECT_FALSE(RenderPublicText(stored.record, stored.document, "items", t.catalogue->schema()))
        << doc.dump();
  }
  // A deleted record answers 410 the parsed way.
  StoredRecord gone =
      t.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Đã xóa"), t.staff, "test")
          .value();
  ASSERT_TRUE(t.catalogue->Delete(RecordClass::kItem, gone.pid, std::nullopt, t.staff, "trùng"));
  MetadataStore::StoredText stored = t.store->GetText(gone.pid).value();
  EXPECT_TRUE(stored.record.deleted);
  EXPECT_FALSE(RenderPublicText(stored.record, stored.document, "items", t.catalogue->schema()));
}

TEST(RecordText, TextItDoesNotExpectIsLeftToTheParsedWay) {
  TestCatalogue t;
  StoredRecord meta;
  meta.pid = "dn-test";
  meta.revision = 2;
  const Schema& schema = t.catalogue->schema();
  for (const char* text : {"",
                           "{",
                           "[]",
                           "{\"a\":1",
                           "{\"b\":1,\"a\":2}",
                           "{\"a\":1,\"a\":2}",
                           "{\"a\": 1}",
                           "{ \"a\":1}",
                           "{\"a\":\"x}",
                           "{\"a\":[1,2}",
                           "{\"a\\u0062\":1}",
                           "{\"a\":1}x",
                           "{\"location_precision\":1}",
                           "{\"visibility\":\"restricted\"}",
                           "{\"licence\":tru}",
                           "{\"a\":[1}}",
                           "{\"a\":xyz}",
                           "{\"a\":\"x\ty\"}",
                           "{\"a\":\"x\\",
                           "{\"a\":{\"b\":[}]}",
                           "{\"location_precision\":\"generalis\\u0065d\"}",
                           "{\"location_precision\":\"other\"}"}) {
    EXPECT_FALSE(RenderPublicText(meta, text, "items", schema)) << "'" << text << "'";
  }
  // An exact location, spelled plainly, takes the fast way.
  EXPECT_TRUE(RenderPublicText(meta, "{\"location_precision\":\"exact\"}", "items", schema));
  // The smallest document: the envelope alone, keys in order.
  std::optional<std::string> empty = RenderPublicText(meta, "{}", "items", schema);
  ASSERT_TRUE(empty);
  StoredRecord parsed = meta;
  parsed.document = json::object();
  EXPECT_EQ(*empty, RenderRecordText(parsed, schema));
  // A document's own pid and class win; its own revision and links do not.
  std::optional<std::string> own = RenderPublicText(
      meta, R"({"class":"x","links":1,"pid":"p","revision":9,"z":[{"a":"}"}]})", "items", schema);
  ASSERT_TRUE(own);
  parsed.document =
      json::parse(R"({"class":"x","links":1,"pid":"p","revision":9,"z":[{"a":"}"}]})");
  EXPECT_EQ(*own, RenderRecordText(parsed, schema));
}

}  // namespace
}  // namespace disan::http
