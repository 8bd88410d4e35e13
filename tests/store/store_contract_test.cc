// The contract every MetadataStore implementation must keep. One test body, run against each
// backend listed in Backends(); the PostgreSQL store will be added there.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "catalogue/catalogue.h"
#include "core/pid.h"
#include "interop/harvest_view.h"
#include "search/vietnamese.h"
#include "store/sqlite/sqlite_store.h"
#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::TempDir;

struct Backend {
  const char* name;
  std::function<std::unique_ptr<MetadataStore>(const TempDir&)> open;
};

void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

std::vector<Backend> Backends() {
  return {{"sqlite", [](const TempDir& dir) { return std::move(OpenSqliteStore(dir.File("s.db")).value()); }}};
}

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { store_ = GetParam().open(dir_); }

  RecordWrite NewRecord(const std::string& pid, const std::string& kind = "relic",
                        std::vector<FilterTerm> terms = {}) {
    RecordWrite w;
    w.pid = pid;
    w.kind = kind;
    w.document = {{"kind", kind}, {"names", {{{"lang", "vi"}, {"value", "Tên " + pid}}}}};
    w.terms = std::move(terms);
    w.author = "tester";
    w.reason = "create";
    return w;
  }

  std::string Create(const std::string& body, const std::string& kind = "relic",
                     std::vector<FilterTerm> terms = {}) {
    std::string pid = PidFromBody("dn", body);
    Status s = store_->Write([&](StoreWriter& w) -> Status {
      TRY(w.ReservePid(pid));
      TRY(w.Put(NewRecord(pid, kind, terms)));
      return Ok();
    });
    EXPECT_TRUE(s) << s.error().Describe();
    return pid;
  }

  // An organisation (a museum) with identifier body `body`.
  std::string CreateOrganisation(const std::string& body, std::vector<FilterTerm> terms = {}) {
    std::string pid = PidFromBody("dn", body);
    Status s = store_->Write([&](StoreWriter& w) -> Status {
      TRY(w.ReservePid(pid));
      RecordWrite rw = NewRecord(pid, "museum", std::move(terms));
      rw.cls = RecordClass::kOrganisation;
      TRY(w.Put(rw));
      return Ok();
    });
    EXPECT_TRUE(s) << s.error().Describe();
    return pid;
  }

  Result<int64_t> Change(const std::string& pid, RevisionAction action, std::optional<int64_t> expected,
                         json doc = json::object()) {
    int64_t revision = 0;
    Status s = store_->Write([&](StoreWriter& w) -> Status {
      RecordWrite rw = NewRecord(pid);
      rw.action = action;
      rw.expected_revision = expected;
      if (!doc.empty()) rw.document = doc;
      rw.reason = std::string(RevisionActionName(action));
      revision = TRY(w.Put(rw));
      return Ok();
    });
    if (!s) return std::unexpected(s.error());
    return revision;
  }

  TempDir dir_;
  std::unique_ptr<MetadataStore> store_;
};

TEST_P(StoreContract, CreateThenGet) {
  std::string pid = Create("bcdfghjk");
  auto r = store_->Get(pid);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->pid, pid);
  EXPECT_EQ(r->kind, "relic");
  EXPECT_EQ(r->revision, 1);
  EXPECT_FALSE(r->deleted);
  EXPECT_EQ(r->document["names"][0]["value"], "Tên " + pid);
  EXPECT_EQ(r->created_at.size(), 24u);  // 2026-11-25T10:00:00.000Z
  EXPECT_EQ(store_->Get(PidFromBody("dn", "00000000")).error().code, ErrorCode::kNotFound);
}

// GetText: the same row as Get, the document as the text dump() prints, also for a tombstone.
TEST_P(StoreContract, GetTextIsGetWithTheDocumentAsText) {
  std::string pid = Create("bcdfghjm");
  ASSERT_TRUE(
      Change(pid, RevisionAction::kUpdate, 1,
             {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", "Đình \"Lạc\" \\ x"}}}}}));
  for (int round = 0; round < 2; ++round) {
    StoredRecord r = store_->Get(pid).value();
    MetadataStore::StoredText t = store_->GetText(pid).value();
    EXPECT_EQ(t.record.pid, r.pid);
    EXPECT_EQ(t.record.cls, r.cls);
    EXPECT_EQ(t.record.revision, r.revision);
    EXPECT_EQ(t.record.created_at, r.created_at);
    EXPECT_EQ(t.record.updated_at, r.updated_at);
    EXPECT_EQ(t.record.deleted, r.deleted);
    EXPECT_EQ(t.record.delete_reason, r.delete_reason);
    EXPECT_TRUE(t.record.document.is_null());
    EXPECT_EQ(t.document, r.document.dump());
    if (round == 0) {
      ASSERT_TRUE(Change(pid, RevisionAction::kDelete, std::nullopt));
    }
  }
  EXPECT_EQ(store_->GetText(PidFromBody("dn", "00000000")).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, IdentifiersAreNeverReissued) {
  std::string pid = Create("bcdfghjk");
  Status again = store_->Write([&](StoreWriter& w) { return w.ReservePid(pid); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  // Even after deletion the identifier stays issued.
  ASSERT_TRUE(Change(pid, RevisionAction::kDelete, 1));
  EXPECT_FALSE(store_->Write([&](StoreWriter& w) { return w.ReservePid(pid); }));
}

TEST_P(StoreContract, StaleWritesAreRefusedAndChangeNothing) {
  std::string pid = Create("bcdfghjk");
  json v2 = {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", "v2"}}}}};
  ASSERT_EQ(Change(pid, RevisionAction::kUpdate, 1, v2).value(), 2);
  json v3 = {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", "v3"}}}}};
  auto stale = Change(pid, RevisionAction::kUpdate, 1, v3);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kPreconditionFailed);
  auto r = store_->Get(pid).value();
  EXPECT_EQ(r.revision, 2);
  EXPECT_EQ(r.document["names"][0]["value"], "v2");
  EXPECT_EQ(store_->History(pid).value().size(), 2u);
}

TEST_P(StoreContract, DeleteLeavesATombstoneAndRestoreRevives) {
  std::string pid = Create("bcdfghjk");
  Status s = store_->Write([&](StoreWriter& w) -> Status {
    RecordWrite rw = NewRecord(pid);
    rw.action = RevisionAction::kDelete;
    rw.reason = "trùng lặp với bản ghi khác";
    TRY(w.Put(rw));
    return Ok();
  });
  ASSERT_TRUE(s);
  auto r = store_->Get(pid).value();
  EXPECT_TRUE(r.deleted);
  EXPECT_EQ(r.delete_reason, "trùng lặp với bản ghi khác");
  EXPECT_EQ(r.revision, 2);
  EXPECT_EQ(r.document["names"][0]["value"], "Tên " + pid);  // last content kept
  auto update = Change(pid, RevisionAction::kUpdate, std::nullopt);
  ASSERT_FALSE(update);
  EXPECT_EQ(update.error().code, ErrorCode::kGone);
  ListQuery q;
  EXPECT_TRUE(store_->List(q).value().records.empty());
  q.include_deleted = true;
  EXPECT_EQ(store_->List(q).value().records.size(), 1u);

  ASSERT_EQ(Change(pid, RevisionAction::kRestore, 2).value(), 3);
  r = store_->Get(pid).value();
  EXPECT_FALSE(r.deleted);
  EXPECT_TRUE(r.delete_reason.empty());
  auto history = store_->History(pid).value();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].action, RevisionAction::kCreate);
  EXPECT_EQ(history[1].action, RevisionAction::kDelete);
  EXPECT_EQ(history[1].reason, "trùng lặp với bản ghi khác");
  EXPECT_EQ(history[2].action, RevisionAction::kRestore);
  EXPECT_EQ(history[0].author, "tester");
}

TEST_P(StoreContract, RevisionsKeepFullSnapshots) {
  std::string pid = Create("bcdfghjk");
  json v2 = {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", "v2"}}}}};
  ASSERT_TRUE(Change(pid, RevisionAction::kUpdate, 1, v2));
  EXPECT_EQ(store_->GetRevision(pid, 1).value().snapshot["names"][0]["value"], "Tên " + pid);
  EXPECT_EQ(store_->GetRevision(pid, 2).value().snapshot, v2);
  EXPECT_EQ(store_->GetRevision(pid, 3).error().code, ErrorCode::kNotFound);
}

// The newest revision shares the record's stored document; every older one must still read as
// it was written, through updates, a deletion and a restore with a different document.
TEST_P(StoreContract, EveryRevisionReadsAsWrittenThroughDeleteAndRestore) {
  std::string pid = Create("bcdfghjm");
  const json v1 = store_->Get(pid).value().document;
  json v2 = {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", "Đình v2"}}}}};
  json v4 = {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", "Đình v4"}}}}};
  ASSERT_TRUE(Change(pid, RevisionAction::kUpdate, 1, v2));
  ASSERT_TRUE(Change(pid, RevisionAction::kDelete, 2));
  EXPECT_EQ(store_->GetRevision(pid, 3).value().snapshot, v2);  // a deletion keeps the last one
  ASSERT_TRUE(Change(pid, RevisionAction::kRestore, 3, v4));
  json v5 = {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", "Đình v5"}}}}};
  ASSERT_TRUE(Change(pid, RevisionAction::kUpdate, 4, v5));
  const std::vector<json> expected = {v1, v2, v2, v4, v5};
  for (size_t i = 0; i < expected.size(); ++i) {
    Result<Revision> rev = store_->GetRevision(pid, static_cast<int64_t>(i + 1));
    ASSERT_TRUE(rev) << "revision " << i + 1;
    EXPECT_EQ(rev->snapshot, expected[i]) << "revision " << i + 1;
  }
  EXPECT_EQ(store_->Get(pid).value().document, v5);
}

TEST_P(StoreContract, FailedTransactionLeavesNothing) {
  std::string pid = PidFromBody("dn", "bcdfghjk");
  Status s = store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.ReservePid(pid));
    TRY(w.Put(NewRecord(pid)));
    return Fail(ErrorCode::kInvalid, "row 2 is broken", "dòng 2 bị lỗi");
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message_en, "row 2 is broken");
  EXPECT_EQ(store_->Get(pid).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->Write([&](StoreWriter& w) { return w.ReservePid(pid); }));  // never issued
}

TEST_P(StoreContract, ListFiltersAndPagesInCreationOrder) {
  std::vector<std::string> relics;
  for (int i = 0; i < 7; ++i) {
    std::string body = "bcdfghj" + std::string(1, kPidAlphabet[static_cast<size_t>(i)]);
    relics.push_back(Create(body, "relic", {{"kind", "relic"}, {"level", i % 2 ? "national" : "provincial"},
                                            {"place", "dak mil"}}));
  }
  Create("zzzzzzzz", "intangible", {{"kind", "intangible"}, {"level", "national"}});
  ListQuery q;
  q.filters = {{"kind", "relic"}};
  q.limit = 3;
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    RecordPage p = store_->List(q).value();
    for (const StoredRecord& r : p.records) seen.push_back(r.pid);
    if (p.next_cursor.empty()) break;
    q.cursor = p.next_cursor;
  }
  EXPECT_EQ(seen, relics);

  ListQuery national;
  national.filters = {{"level", "national"}};
  EXPECT_EQ(store_->List(national).value().records.size(), 4u);  // 3 relics + 1 intangible
  national.filters.push_back({"kind", "relic"});
  EXPECT_EQ(store_->List(national).value().records.size(), 3u);  // AND across fields
  ListQuery either;
  either.filters = {{"kind", "relic"}, {"kind", "intangible"}};
  EXPECT_EQ(store_->List(either).value().records.size(), 8u);  // OR within a field
  ListQuery bad;
  bad.cursor = "'; DROP TABLE records; --";
  EXPECT_EQ(store_->List(bad).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(store_->Count(RecordClass::kItem).value(), 8u);
}

TEST_P(StoreContract, UpdatesReplaceFilterTerms) {
  std::string pid = Create("bcdfghjk", "relic", {{"level", "provincial"}});
  Status s = store_->Write([&](StoreWriter& w) -> Status {
    RecordWrite rw = NewRecord(pid, "relic", {{"level", "national"}});
    rw.action = RevisionAction::kUpdate;
    TRY(w.Put(rw));
    return Ok();
  });
  ASSERT_TRUE(s);
  ListQuery q;
  q.filters = {{"level", "provincial"}};
  EXPECT_TRUE(store_->List(q).value().records.empty());
  q.filters = {{"level", "national"}};
  EXPECT_EQ(store_->List(q).value().records.size(), 1u);
  // Written again with the same terms (an edit of the text only): still found by them.
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    RecordWrite rw = NewRecord(pid, "relic", {{"level", "national"}});
    rw.action = RevisionAction::kUpdate;
    rw.document["note"] = "sửa chữ";
    TRY(w.Put(rw));
    return Ok();
  }));
  EXPECT_EQ(store_->List(q).value().records.size(), 1u);
  // Deleted: found by none.
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    RecordWrite rw = NewRecord(pid, "relic", {});
    rw.action = RevisionAction::kDelete;
    rw.reason = "trùng";
    TRY(w.Put(rw));
    return Ok();
  }));
  q.include_deleted = true;
  EXPECT_TRUE(store_->List(q).value().records.empty());
}

TEST_P(StoreContract, EveryOneOfManyTermsIsFoundAndReplaced) {
  // A record with many terms (a record of the province has about 14) is found by each of them,
  // a repeated term is kept once, and an update replaces them all.
  for (size_t count : {1u, 8u, 9u, 17u}) {
    std::vector<FilterTerm> terms;
    for (size_t i = 0; i < count; ++i) terms.push_back({"place", "xa-" + std::to_string(i)});
    terms.push_back({"place", "xa-0"});  // a repeat is kept once
    const std::string body = "bcdfg" + std::string(1, "hjkmn"[count % 5]) + std::string(1, "pqrst"[count % 4]) + "w";
    const std::string pid = Create(body, "relic", terms);
    for (size_t i = 0; i < count; ++i) {
      ListQuery q;
      q.filters = {{"place", "xa-" + std::to_string(i)}};
      std::vector<std::string> found;
      const RecordPage page = store_->List(q).value();
      for (const StoredRecord& r : page.records) found.push_back(r.pid);
      EXPECT_NE(std::find(found.begin(), found.end(), pid), found.end()) << count << " terms, term " << i;
    }
    Status s = store_->Write([&](StoreWriter& w) -> Status {
      RecordWrite rw = NewRecord(pid, "relic", {{"place", "moi"}});
      rw.action = RevisionAction::kUpdate;
      TRY(w.Put(rw));
      return Ok();
    });
    ASSERT_TRUE(s);
    ListQuery last;
    last.filters = {{"place", "xa-" + std::to_string(count - 1)}};
    const RecordPage after = store_->List(last).value();
    for (const StoredRecord& r : after.records) EXPECT_NE(r.pid, pid) << count;
  }
  ListQuery moved;
  moved.filters = {{"place", "moi"}};
  EXPECT_EQ(store_->List(moved).value().records.size(), 4u);
}

TEST_P(StoreContract, ConcurrentReadersAndWritersLoseNothing) {
  std::string pid = Create("bcdfghjk");
  std::atomic<int> successes{0};
  std::atomic<bool> reader_failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        for (;;) {
          int64_t seen = store_->Get(pid).value().revision;
          json doc = {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", std::to_string(seen)}}}}};
          auto r = Change(pid, RevisionAction::kUpdate, seen, doc);
          if (r) {
            ++successes;
            break;
          }
          if (r.error().code != ErrorCode::kPreconditionFailed) return;
        }
      }
    });
  }
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (!store_->Get(pid) || !store_->List(ListQuery{})) reader_failed = true;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_FALSE(reader_failed);
  EXPECT_EQ(successes, 100);
  EXPECT_EQ(store_->Get(pid).value().revision, 101);
  EXPECT_EQ(store_->History(pid).value().size(), 101u);
}

TEST_P(StoreContract, ListChangesOrdersByLastChangeWithTombstonesAndKeyset) {
  // A few milliseconds between writes, so that every change has its own updated_at.
  auto pause = [] { std::this_thread::sleep_for(std::chrono::milliseconds(3)); };
  std::vector<std::string> pids;
  for (const char* body : {"bcdfghjk", "cdfghjkm", "dfghjkmn", "fghjkmnp"}) {
    pids.push_back(Create(body));
    pause();
  }
  CreateOrganisation("ghjkmnpq");
  pause();
  // The first record is edited and the second deleted: both move to the end, in that order.
  ASSERT_TRUE(Change(pids[0], RevisionAction::kUpdate, 1));
  pause();
  ASSERT_TRUE(Change(pids[1], RevisionAction::kDelete, 1));

  auto pids_of = [](const std::vector<StoredRecord>& records) {
    std::vector<std::string> out;
    for (const StoredRecord& r : records) out.push_back(r.pid);
    return out;
  };
  ChangeQuery q;
  std::vector<StoredRecord> all = store_->ListChanges(q).value();
  EXPECT_EQ(pids_of(all), (std::vector<std::string>{pids[2], pids[3], pids[0], pids[1]}))
      << "items only, oldest change first, the tombstone included";
  ASSERT_EQ(all.size(), 4u);
  EXPECT_TRUE(all[3].deleted);
  EXPECT_EQ(all[2].revision, 2);

  // Pages by keyset: nothing lost, nothing repeated.
  q.limit = 3;
  std::vector<StoredRecord> first = store_->ListChanges(q).value();
  ASSERT_EQ(first.size(), 3u);
  q.after_updated_at = first.back().updated_at;
  q.after_pid = first.back().pid;
  std::vector<StoredRecord> second = store_->ListChanges(q).value();
  EXPECT_EQ(pids_of(second), std::vector<std::string>{pids[1]});

  // Bounds: from is inclusive, before exclusive.
  ChangeQuery bounded;
  bounded.from = all[1].updated_at;
  bounded.before = all[3].updated_at;
  EXPECT_EQ(pids_of(store_->ListChanges(bounded).value()), (std::vector<std::string>{pids[3], pids[0]}));

  ChangeQuery orgs;
  orgs.cls = RecordClass::kOrganisation;
  EXPECT_EQ(store_->ListChanges(orgs).value().size(), 1u);
}

TEST_P(StoreContract, LatestChangeGrowsWithEveryRecordChange) {
  int64_t start = store_->LatestChange().value();
  std::string pid = Create("bcdfghjk");
  int64_t created = store_->LatestChange().value();
  EXPECT_GT(created, start);
  ASSERT_TRUE(Change(pid, RevisionAction::kUpdate, 1));
  int64_t updated = store_->LatestChange().value();
  EXPECT_GT(updated, created);
  EXPECT_EQ(store_->LatestChange().value(), updated) << "reading changes nothing";
  ASSERT_TRUE(Change(pid, RevisionAction::kDelete, 2));
  EXPECT_GT(store_->LatestChange().value(), updated);
}

TEST_P(StoreContract, CountLiveChangesAndSkipLiveWith) {
  auto pause = [] { std::this_thread::sleep_for(std::chrono::milliseconds(3)); };
  const std::vector<FilterTerm> open = {{"status", "published"}, {"visibility", "public"}};
  Create("bcdfghjk", "relic", {{"status", "published"}, {"visibility", "public"}, {"level", "national"}});
  pause();
  std::string b = Create("cdfghjkm", "relic", {{"status", "published"}, {"visibility", "restricted"}});
  pause();
  std::string c = Create("dfghjkmn", "artifact", {{"status", "published"}, {"visibility", "public"}});
  pause();
  std::string d = Create("fghjkmnp", "relic", {{"status", "published"}, {"visibility", "public"}, {"level", "provincial"}});
  pause();
  ASSERT_TRUE(Change(d, RevisionAction::kDelete, 1));

  ChangeQuery q;
  EXPECT_EQ(store_->CountLiveChanges(q, {}).value(), 3u) << "live items, the tombstone not";
  EXPECT_EQ(store_->CountLiveChanges(q, open).value(), 2u);
  std::vector<FilterTerm> national = open;
  national.push_back({"level", "national"});
  EXPECT_EQ(store_->CountLiveChanges(q, national).value(), 1u);
  std::vector<FilterTerm> any_level = open;
  any_level.push_back({"level", ""});
  EXPECT_EQ(store_->CountLiveChanges(q, any_level).value(), 1u) << "a value of the field, any one";
  ChangeQuery later;
  later.from = store_->Get(c).value().updated_at;
  EXPECT_EQ(store_->CountLiveChanges(later, open).value(), 1u) << "from is inclusive";

  // The complement: records that are not live with both terms, in change order.
  q.skip_live_with = open;
  std::vector<StoredRecord> rest = store_->ListChanges(q).value();
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].pid, b);
  EXPECT_EQ(rest[1].pid, d);
  EXPECT_TRUE(rest[1].deleted);
  q.limit = 1;
  q.after_updated_at = rest[0].updated_at;
  q.after_pid = rest[0].pid;
  EXPECT_EQ(store_->ListChanges(q).value().at(0).pid, d) << "the keyset still applies";
}

// ChangeQuery::set_filter leaves out exactly the live records having the public terms and not
// the set's: every record the OAI-PMH list of the set shows (HarvestView::Classify and InSet:
// public ones in the set, tombstones and withdrawn ones whose last public version was in it)
// is still returned, in change order, page after page.
// Also the first-revision rule (ChangeQuery::skip_first_revisions_without), over the same records.
TEST_P(StoreContract, SetFilterKeepsWhatASetListShowsAndLeavesOutLivePublicRecordsOutsideIt) {
  auto pause = [] { std::this_thread::sleep_for(std::chrono::milliseconds(3)); };
  auto doc = [](const std::string& kind, const std::string& level,
                const std::string& status = "published", const std::string& visibility = "public") {
    json d = {{"kind", kind},
              {"names", {{{"lang", "vi"}, {"value", "Di tích " + level}}}},
              {"status", status},
              {"visibility", visibility}};
    if (!level.empty()) d["recognitions"] = json::array({{{"level", level}}});
    if (level == "national") d["places"] = json::array({{{"commune_2025_code", "24853"}}});
    return d;
  };
  int next_body = 0;
  // Creates a record through each document in turn ("" = delete it), with the terms the
  // catalogue would index, and returns its pid.
  auto record = [&](const std::vector<json>& versions) {
    const std::string body = std::string("bcdfgh") + kPidAlphabet[10 + next_body / 19] +
                             kPidAlphabet[10 + next_body % 19];
    ++next_body;
    const std::string pid = PidFromBody("dn", body);
    for (size_t i = 0; i < versions.size(); ++i) {
      Status s = store_->Write([&](StoreWriter& w) -> Status {
        if (i == 0) TRY(w.ReservePid(pid));
        RecordWrite rw = NewRecord(pid, versions[0].value("kind", "relic"));
        rw.action = i == 0                  ? RevisionAction::kCreate
                    : versions[i].is_null() ? RevisionAction::kDelete
                                            : RevisionAction::kUpdate;
        if (!versions[i].is_null()) {
          rw.document = versions[i];
          rw.terms = Catalogue::TermsOf(versions[i]);
        }
        TRY(w.Put(rw));
        return Ok();
      });
      EXPECT_TRUE(s) << s.error().Describe();
      pause();
    }
    return pid;
  };
  const json gone;                                                        // a deletion
  record({doc("relic", "national")});                                     // public, in
  record({doc("relic", "provincial")});                                   // public, out
  record({doc("relic", "")});                                             // public, no level
  record({doc("artifact", "national_treasure")});                         // public, other kind
  record({doc("relic", "national"), gone});                               // tombstone, was in
  record({doc("relic", "provincial"), gone});                             // tombstone, was out
  record({doc("relic", "national"), doc("relic", "national", "draft")});  // withdrawn to draft
  record({doc("relic", "provincial"), doc("relic", "provincial", "draft")});
  record({doc("relic", "national"), doc("relic", "national", "published", "restricted")});
  record({doc("relic", "provincial"), doc("relic", "provincial", "published", "restricted")});
  record({doc("relic", "national", "draft")});                     // never public
  record({doc("relic", "national", "draft"), gone});               // never public, deleted
  record({doc("relic", "provincial"), doc("relic", "national")});  // moved into the set
  record({doc("relic", "national"), doc("relic", "provincial")});  // moved out of it
  // Withdrawn while in the set, then published again outside it: public, so out.
  record({doc("relic", "national"), doc("relic", "national", "draft"), doc("relic", "provincial")});
  record({doc("relic", "national"), doc("relic", "provincial", "draft")});  // withdrawn, was in
  ASSERT_EQ(next_body, 16);

  interop::HarvestView view(*store_);
  ChangeQuery all;
  all.limit = 1000;
  const std::vector<StoredRecord> every = store_->ListChanges(all).value();
  ASSERT_EQ(every.size(), 16u);
  auto pids_of = [](const std::vector<StoredRecord>& records) {
    std::vector<std::string> out;
    for (const StoredRecord& r : records) out.push_back(r.pid);
    return out;
  };
  size_t sets_with_members = 0;
  for (const std::string set :
       {"level:national", "level", "level:provincial", "level:special_national", "kind",
        "kind:relic", "kind:artifact", "commune", "commune:24853", "commune:11111"}) {
    SCOPED_TRACE(set);
    ChangeQuery q = all;
    q.set_filter = interop::HarvestView::SetFilter(set);
    ASSERT_FALSE(q.set_filter.in_set.empty());
    const std::vector<std::string> filtered = pids_of(store_->ListChanges(q).value());
    // What the rule says, record by record, and what the set's list shows.
    std::vector<std::string> expected, shown;
    for (const StoredRecord& r : every) {
      std::set<std::pair<std::string, std::string>> terms;
      for (const FilterTerm& t : Catalogue::TermsOf(r.document)) terms.emplace(t.field, t.value);
      auto has = [&](const FilterTerm& t) {
        for (const auto& [field, value] : terms) {
          if (field == t.field && (t.value.empty() || value == t.value)) return true;
        }
        return false;
      };
      const bool live_public =
          !r.deleted && has({"status", "published"}) && has({"visibility", "public"});
      const bool in_set = std::all_of(q.set_filter.in_set.begin(), q.set_filter.in_set.end(), has);
      if (!live_public || in_set) expected.push_back(r.pid);
      interop::HarvestRecord h = view.Classify(r).value();
      if (h.exposure != interop::Exposure::kNeverPublic &&
          interop::HarvestView::InSet(h.sets, set)) {
        shown.push_back(r.pid);
      }
      if (h.exposure == interop::Exposure::kPublic && !interop::HarvestView::InSet(h.sets, set)) {
        EXPECT_EQ(std::find(filtered.begin(), filtered.end(), r.pid), filtered.end())
            << r.pid << ": a live public record outside the set is left out";
      }
    }
    EXPECT_EQ(filtered, expected);
    for (const std::string& pid : shown) {
      EXPECT_NE(std::find(filtered.begin(), filtered.end(), pid), filtered.end())
          << pid << " is shown in the set";
    }
    if (!shown.empty()) ++sets_with_members;
    // Pages by keyset return the same records.
    q.limit = 2;
    std::vector<std::string> paged;
    for (int guard = 0; guard < 20; ++guard) {
      std::vector<StoredRecord> page = store_->ListChanges(q).value();
      for (const StoredRecord& r : page) paged.push_back(r.pid);
      if (page.size() < q.limit) break;
      q.after_updated_at = page.back().updated_at;
      q.after_pid = page.back().pid;
    }
    EXPECT_EQ(paged, filtered);
  }
  EXPECT_EQ(sets_with_members, 8u) << "level:special_national and commune:11111 are empty";
  // The set filter of the whole list (or of a set no record can be in) is empty: no filter.
  EXPECT_TRUE(interop::HarvestView::SetFilter("").in_set.empty());
  EXPECT_TRUE(interop::HarvestView::SetFilter("region:north").in_set.empty());
  // A set filter that a record lacking the public terms meets anyway changes nothing for it.
  ChangeQuery hidden_only = all;
  hidden_only.skip_live_with = interop::HarvestView::PublicTerms();
  hidden_only.set_filter = interop::HarvestView::SetFilter("level:national");
  EXPECT_EQ(store_->ListChanges(hidden_only).value().size(), 9u)
      << "the tombstones and hidden records";

  // Live records at their first revision without the public terms are left out: exactly the
  // draft created as a draft. Every record a harvester is told of stays.
  ChangeQuery once_hidden = all;
  once_hidden.skip_first_revisions_without = interop::HarvestView::PublicTerms();
  const std::vector<std::string> kept = pids_of(store_->ListChanges(once_hidden).value());
  std::vector<std::string> left_out;
  for (const StoredRecord& r : every) {
    const bool is_kept = std::find(kept.begin(), kept.end(), r.pid) != kept.end();
    if (!is_kept) left_out.push_back(r.pid);
    if (view.Classify(r).value().exposure != interop::Exposure::kNeverPublic) {
      EXPECT_TRUE(is_kept) << r.pid << " is told to harvesters";
    }
    if (!r.deleted && r.revision == 1 && r.document.value("status", "") == "draft") {
      EXPECT_FALSE(is_kept) << r.pid << " was created hidden and never changed";
    }
  }
  EXPECT_EQ(left_out.size(), 1u);
  // With the other filters, and by keyset pages, the same rule.
  once_hidden.skip_live_with = interop::HarvestView::PublicTerms();
  EXPECT_EQ(store_->ListChanges(once_hidden).value().size(), 8u)
      << "the tombstones and hidden records, less the one never changed";
  once_hidden.limit = 3;
  size_t paged = 0;
  for (int guard = 0; guard < 10; ++guard) {
    std::vector<StoredRecord> page = store_->ListChanges(once_hidden).value();
    paged += page.size();
    if (page.size() < once_hidden.limit) break;
    once_hidden.after_updated_at = page.back().updated_at;
    once_hidden.after_pid = page.back().pid;
  }
  EXPECT_EQ(paged, 8u);
}

TEST_P(StoreContract, ForEachWalksAClassInCreationOrderDeletedRecordsIncluded) {
  std::vector<std::string> made;
  for (const char* body : {"bcdfghjk", "cdfghjkm", "dfghjkmn", "fghjkmnp", "ghjkmnpq"}) made.push_back(Create(body));
  // Deleted records sit in another part of the class's index: the walk still interleaves them.
  ASSERT_TRUE(Change(made[0], RevisionAction::kDelete, 1));
  ASSERT_TRUE(Change(made[3], RevisionAction::kDelete, 1));
  CreateOrganisation("hjkmnpqr");

  std::vector<std::pair<std::string, bool>> walked;
  ASSERT_TRUE(store_->ForEach(RecordClass::kItem, [&](const StoredRecord& r) -> Status {
    walked.emplace_back(r.pid, r.deleted);
    return Ok();
  }));
  EXPECT_EQ(walked, (std::vector<std::pair<std::string, bool>>{
                        {made[0], true}, {made[1], false}, {made[2], false}, {made[3], true}, {made[4], false}}));
  size_t organisations = 0;
  ASSERT_TRUE(store_->ForEach(RecordClass::kOrganisation, [&](const StoredRecord&) -> Status {
    ++organisations;
    return Ok();
  }));
  EXPECT_EQ(organisations, 1u);
  // A callback's error ends the walk and is returned.
  size_t seen = 0;
  Status stopped = store_->ForEach(RecordClass::kItem, [&](const StoredRecord&) -> Status {
    if (++seen == 2) return Fail(ErrorCode::kConflict, "stop", "dừng");
    return Ok();
  });
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, ErrorCode::kConflict);
  EXPECT_EQ(seen, 2u);
}

TEST_P(StoreContract, ListTermValuesOfLiveRecordsOfAClassHavingTerms) {
  const std::vector<FilterTerm> open = {{"status", "published"}, {"visibility", "public"}};
  auto with = [&](std::vector<FilterTerm> terms, const std::string& commune) {
    terms.insert(terms.end(), open.begin(), open.end());
    terms.push_back({"commune_code", commune});
    return terms;
  };
  std::string a = Create("bcdfghjk", "relic", with({{"level", "national"}}, "24853"));
  Create("cdfghjkm", "relic", {{"status", "published"}, {"visibility", "restricted"}, {"commune_code", "11111"}});
  std::string c = Create("dfghjkmn", "artifact", with({}, "24853"));
  std::string d = Create("fghjkmnp", "relic", with({{"level", "provincial"}}, "22222"));
  ASSERT_TRUE(Change(d, RevisionAction::kDelete, 1));
  CreateOrganisation("ghjkmnpq", with({}, "33333"));

  auto values = [&](RecordClass cls, const std::string& field, const std::vector<FilterTerm>& all_of) {
    std::vector<TermValue> found = store_->ListTermValues(cls, field, all_of).value();
    std::vector<std::string> out;
    for (const TermValue& v : found) out.push_back(v.value);
    return out;
  };
  // Not the restricted item's code, nor the deleted one's, nor the organisation's.
  EXPECT_EQ(values(RecordClass::kItem, "commune_code", open), (std::vector<std::string>{"24853"}));
  EXPECT_EQ(values(RecordClass::kItem, "commune_code", {}), (std::vector<std::string>{"11111", "24853"}));
  EXPECT_EQ(values(RecordClass::kItem, "level", open), (std::vector<std::string>{"national"}));
  EXPECT_EQ(values(RecordClass::kOrganisation, "commune_code", open), (std::vector<std::string>{"33333"}));
  EXPECT_TRUE(values(RecordClass::kItem, "no_such_field", open).empty());
  std::vector<FilterTerm> artifacts = open;
  artifacts.push_back({"kind", ""});
  EXPECT_TRUE(values(RecordClass::kItem, "commune_code", artifacts).empty())
      << "no record here has a kind term";
  // The pid given is one of the records that hold the value.
  const std::string holder = store_->ListTermValues(RecordClass::kItem, "commune_code", open).value().at(0).pid;
  EXPECT_TRUE(holder == a || holder == c) << holder;
}

TEST_P(StoreContract, SettingsAndTokens) {
  EXPECT_FALSE(store_->GetSetting("pid_namespace").value().has_value());
  ASSERT_TRUE(store_->Write([](StoreWriter& w) { return w.PutSetting("pid_namespace", "dn"); }));
  EXPECT_EQ(store_->GetSetting("pid_namespace").value().value(), "dn");
  ASSERT_TRUE(store_->Write([](StoreWriter& w) { return w.PutToken("abc", "init"); }));
  EXPECT_EQ(store_->FindToken("abc").value().value(), "init");
  EXPECT_FALSE(store_->FindToken("abd").value().has_value());
}

// Another process (here: another store over the same database) writes; this one's searches
// see every change at once, with nothing stale left over.
TEST_P(StoreContract, SearchSeesCommittedWritesOfOtherInstances) {
  std::unique_ptr<MetadataStore> other = GetParam().open(dir_);
  auto search_for = [&](const std::string& text) {
    SearchRequest q;
    q.query = search::ParseQuery(text).value();
    q.public_only = false;
    SearchResult r = store_->Search(q).value();
    std::vector<std::string> pids;
    for (const StoredRecord& h : r.hits) pids.push_back(h.pid);
    EXPECT_EQ(r.total, pids.size());
    return pids;
  };
  auto named = [&](RecordWrite w, const std::string& name) {
    w.search.folded[0] = search::FoldedText(name);
    w.search.exact[0] = search::ExactText(name);
    return w;
  };
  std::string pid = PidFromBody("dn", "other");
  EXPECT_TRUE(search_for("dray").empty());  // the engine is loaded (empty) before the write
  ASSERT_TRUE(other->Write([&](StoreWriter& w) -> Status {
    TRY(w.ReservePid(pid));
    TRY(w.Put(named(NewRecord(pid), "Thác Dray Sáp")));
    return Ok();
  }));
  EXPECT_EQ(search_for("dray sap"), std::vector<std::string>{pid});
  RecordWrite rename = named(NewRecord(pid), "Thác Gia Long");
  rename.action = RevisionAction::kUpdate;
  ASSERT_TRUE(other->Write([&](StoreWriter& w) -> Status {
    TRY(w.Put(rename));
    return Ok();
  }));
  EXPECT_TRUE(search_for("dray").empty());
  EXPECT_EQ(search_for("gia long"), std::vector<std::string>{pid});
  RecordWrite remove = NewRecord(pid);
  remove.action = RevisionAction::kDelete;
  ASSERT_TRUE(other->Write([&](StoreWriter& w) -> Status {
    TRY(w.Put(remove));
    return Ok();
  }));
  EXPECT_TRUE(search_for("gia long").empty());
  // A rolled-back write is never seen.
  Status failed = other->Write([&](StoreWriter& w) -> Status {
    std::string p2 = PidFromBody("dn", "rolled back");
    TRY(w.ReservePid(p2));
    TRY(w.Put(named(NewRecord(p2), "Bon Bu Prăng")));
    return Fail(ErrorCode::kInvalid, "stop", "dừng");
  });
  EXPECT_FALSE(failed);
  EXPECT_TRUE(search_for("bu prang").empty());
}

MediaAsset Media(const std::string& id, const std::string& record_pid) {
  MediaAsset m;
  m.id = id;
  m.record_pid = record_pid;
  m.role = "master";
  m.format = "jpeg";
  m.media_type = "image/jpeg";
  m.size = 1234;
  m.sha512 = std::string(128, 'a');
  m.sha256 = std::string(64, 'b');
  m.original_name = "Nhà ngục.jpg";
  m.ocfl_version = "v2";
  m.logical_path = "media/" + id + ".jpg";
  m.caption_vi = "Cổng chính";
  m.caption_en = "Main gate";
  m.creator = "Bảo tàng tỉnh";
  m.date = "2024-05";
  m.licence = "cc_by_4_0";
  m.rights_holder = "Sở VHTTDL";
  m.technical = {{"width", 6000}};
  m.author = "tester";
  return m;
}

TEST_P(StoreContract, MediaAssetsBelongToLiveRecordsAndKeepEveryField) {
  std::string pid = Create("bcdfghjk");
  const std::string first = PidFromBody("dn", "23456789"), second = PidFromBody("dn", "3456789b");
  Status s = store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.ReservePid(first));
    TRY(w.ReservePid(second));
    TRY(w.PutMedia(Media(first, pid)));
    MediaAsset restricted = Media(second, pid);
    restricted.visibility = "restricted";
    restricted.role = "page_scan";
    return w.PutMedia(restricted);
  });
  ASSERT_TRUE(s) << s.error().Describe();
  MediaAsset got = store_->GetMedia(first).value();
  MediaAsset want = Media(first, pid);
  want.created_at = got.created_at;
  EXPECT_EQ(got.created_at.size(), 24u);
  for (auto [a, b] : {std::pair{&got.id, &want.id},
                      {&got.record_pid, &want.record_pid},
                      {&got.role, &want.role},
                      {&got.format, &want.format},
                      {&got.media_type, &want.media_type},
                      {&got.sha512, &want.sha512},
                      {&got.sha256, &want.sha256},
                      {&got.original_name, &want.original_name},
                      {&got.ocfl_version, &want.ocfl_version},
                      {&got.logical_path, &want.logical_path},
                      {&got.caption_vi, &want.caption_vi},
                      {&got.caption_en, &want.caption_en},
                      {&got.creator, &want.creator},
                      {&got.date, &want.date},
                      {&got.licence, &want.licence},
                      {&got.rights_holder, &want.rights_holder},
                      {&got.visibility, &want.visibility},
                      {&got.author, &want.author}}) {
    EXPECT_EQ(*a, *b);
  }
  EXPECT_EQ(got.size, 1234);
  EXPECT_EQ(got.technical, json({{"width", 6000}}));

  std::vector<MediaAsset> list = store_->ListMedia(pid).value();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, first);
  EXPECT_EQ(list[1].id, second);
  EXPECT_EQ(list[1].visibility, "restricted");
  EXPECT_TRUE(store_->ListMedia(PidFromBody("dn", "00000000")).value().empty());
  EXPECT_EQ(store_->GetMedia(PidFromBody("dn", "00000000")).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, MediaNeedsAReservedIdAndALiveRecord) {
  std::string pid = Create("bcdfghjk");
  const std::string id = PidFromBody("dn", "23456789");
  auto put = [&](const MediaAsset& m, bool reserve) {
    return store_->Write([&](StoreWriter& w) -> Status {
      if (reserve) TRY(w.ReservePid(m.id));
      return w.PutMedia(m);
    });
  };
  EXPECT_EQ(put(Media(id, pid), false).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(put(Media(id, PidFromBody("dn", "00000000")), true).error().code, ErrorCode::kNotFound);
  // The failed transaction released nothing: the id can still be reserved and used.
  ASSERT_TRUE(put(Media(id, pid), true));
  EXPECT_EQ(put(Media(id, pid), false).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(Change(pid, RevisionAction::kDelete, 1));
  EXPECT_EQ(put(Media(PidFromBody("dn", "3456789b"), pid), true).error().code, ErrorCode::kGone);
  EXPECT_EQ(store_->ListMedia(pid).value().size(), 1u);
}

// Accounts, sessions, tokens, sign-in failures and the audit log (auth/).
TEST_P(StoreContract, AccountsKeepTheirGrantsAndLoginsAreUnique) {
  std::optional<Account> admin = store_->FindAccount("admin").value();
  ASSERT_TRUE(admin.has_value()) << "the built-in administrator";
  EXPECT_EQ(admin->id, 1);
  ASSERT_EQ(admin->grants.size(), 1u);
  EXPECT_EQ(admin->grants[0].role, "administrator");

  Account a{0, "lan", "Nguyễn Thị Lan", "$argon2id$x", "", false,
            {{"unit_editor", "dn-aaaaaaaa1"}, {"reviewer", ""}}};
  int64_t id = 0;
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    id = TRY(w.PutAccount(a));
    return Ok();
  }));
  std::optional<Account> got = store_->GetAccount(id).value();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->display_name, "Nguyễn Thị Lan");
  EXPECT_FALSE(got->created_at.empty());
  EXPECT_EQ(got->grants.size(), 2u);

  Status dup = store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.PutAccount(a));
    return Ok();
  });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);

  got->grants = {{"curator", ""}};
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.PutAccount(*got));
    return Ok();
  }));
  std::optional<Account> again = store_->FindAccount("lan").value();
  ASSERT_EQ(again->grants.size(), 1u) << "grants are replaced whole";
  EXPECT_EQ(store_->ListAccounts().value().size(), 2u);
  EXPECT_FALSE(store_->FindAccount("nobody").value().has_value());
}

TEST_P(StoreContract, SubmissionsAreKeptWithTheirHistoryAndQueuedByRoleAndUnit) {
  const std::string a = Create("sub-a"), b = Create("sub-b"), c = Create("sub-c", "intangible");
  Account person{0, "contrib", "Người đóng góp", "", "", false, {{"contributor", ""}}, "c@example.vn"};
  int64_t contributor = 0;
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    contributor = TRY(w.PutAccount(person));
    return Ok();
  }));
  EXPECT_EQ(store_->GetAccount(contributor).value()->email, "c@example.vn");
  auto put = [&](const std::string& pid, const std::string& kind, const std::string& unit,
                 const std::string& role) {
    Submission s;
    s.type = "correction";
    s.record_pid = pid;
    s.kind = kind;
    s.unit = unit;
    s.contributor_id = contributor;
    s.state = "in_review";
    s.awaiting_role = role;
    s.proposal = {{"area_m2", 5}};
    s.rights = {{"licence", "cc0_1_0"}, {"attribution", "Tên tôi chọn"}};
    s.history = json::array({{{"action", "submit"}}});
    int64_t id = 0;
    Status st = store_->Write([&](StoreWriter& w) -> Status {
      id = TRY(w.PutSubmission(s));
      return Ok();
    });
    EXPECT_TRUE(st) << st.error().Describe();
    return id;
  };
  int64_t s1 = put(a, "relic", "dn-aaaaaaaa1", "reviewer");
  int64_t s2 = put(b, "relic", "dn-bbbbbbbb2", "unit_editor");
  int64_t s3 = put(c, "intangible", "dn-aaaaaaaa1", "curator");
  Submission got = store_->GetSubmission(s1).value();
  EXPECT_EQ(got.record_pid, a);
  EXPECT_EQ(got.proposal["area_m2"], 5);
  EXPECT_EQ(got.rights["attribution"], "Tên tôi chọn");
  EXPECT_FALSE(got.created_at.empty());
  EXPECT_EQ(store_->GetSubmission(999).error().code, ErrorCode::kNotFound);

  got.state = "accepted";
  got.history.push_back({{"action", "approve"}});
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.PutSubmission(got));
    EXPECT_EQ(w.GetSubmission(s1).value().history.size(), 2u);
    return Ok();
  }));
  EXPECT_EQ(store_->GetSubmission(s1).value().state, "accepted");

  auto ids = [&](SubmissionQuery q) {
    std::vector<int64_t> out;
    std::vector<Submission> found = store_->ListSubmissions(q).value();
    for (const Submission& s : found) out.push_back(s.id);
    return out;
  };
  SubmissionQuery q;
  q.contributor_id = contributor;
  EXPECT_EQ(ids(q), (std::vector<int64_t>{s1, s2, s3}));
  q.state = "in_review";
  EXPECT_EQ(ids(q), (std::vector<int64_t>{s2, s3}));
  q.actable = {{"unit_editor", "dn-aaaaaaaa1"}};
  EXPECT_TRUE(ids(q).empty()) << "a unit editor of A: not B's";
  q.actable = {{"unit_editor", "dn-bbbbbbbb2"}, {"curator", ""}};
  EXPECT_EQ(ids(q), (std::vector<int64_t>{s2, s3}));
  q.kind = "intangible";
  EXPECT_EQ(ids(q), (std::vector<int64_t>{s3}));
  q = {};
  q.unit = "dn-aaaaaaaa1";
  q.after_id = s1;
  EXPECT_EQ(ids(q), (std::vector<int64_t>{s3}));
  q = {};
  q.created_before = "2000-01-01T00:00:00.000Z";
  EXPECT_TRUE(ids(q).empty());
  q = {};
  q.limit = 1;
  EXPECT_EQ(ids(q), (std::vector<int64_t>{s1}));
}

TEST_P(StoreContract, NotificationsUsageRequestsSecondFactorsAndErasure) {
  const std::string pid = Create("usage");
  Account person{0, "lan", "Lan", "", "", false, {{"curator", ""}}, "lan@example.vn"};
  int64_t id = 0, n1 = 0, n2 = 0, req = 0;
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    id = TRY(w.PutAccount(person));
    n1 = TRY(w.PutNotification({0, id, 0, "review.approve", "one", "một", "", ""}));
    n2 = TRY(w.PutNotification({0, id, 7, "review.accept", "two", "hai", "", ""}));
    UsageRequest r;
    r.record_pid = pid;
    r.account_id = id;
    r.name = "Lan";
    r.email = "lan@example.vn";
    r.purpose = "in sách";
    req = TRY(w.PutUsageRequest(r));
    TRY(w.PutSecondFactor({id, "SECRET", false, 0, ""}));
    TRY(w.PutSession({"hash1", id, "csrf", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "::1"}));
    TRY(w.PutLoginFailure("login:lan", "2026-01-01T00:00:00.000Z"));
    return Ok();
  }));
  std::vector<Notification> all = store_->ListNotifications(id, NotificationFilter::kAll, 10).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, n2) << "newest first";
  EXPECT_EQ(all[0].text_vi, "hai");
  int64_t marked = 0;
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    marked = TRY(w.MarkNotificationsRead(id, n1, "2026-01-02T00:00:00.000Z"));
    return Ok();
  }));
  EXPECT_EQ(marked, 1);
  std::vector<Notification> unread = store_->ListNotifications(id, NotificationFilter::kUnread, 10).value();
  ASSERT_EQ(unread.size(), 1u);
  EXPECT_EQ(unread[0].id, n2);

  UsageRequest r = store_->GetUsageRequest(req).value();
  EXPECT_EQ(r.state, "open");
  r.state = "granted";
  r.answer = "đồng ý";
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.PutUsageRequest(r));
    return Ok();
  }));
  UsageRequestQuery uq;
  uq.state = "granted";
  EXPECT_EQ(store_->ListUsageRequests(uq).value().size(), 1u);
  uq.state = "open";
  EXPECT_TRUE(store_->ListUsageRequests(uq).value().empty());

  std::optional<SecondFactor> f = store_->GetSecondFactor(id).value();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->secret, "SECRET");
  EXPECT_FALSE(f->confirmed);
  EXPECT_EQ(store_->ListSessions(id).value().size(), 1u);

  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status { return w.EraseAccountData(id, "lan"); }));
  EXPECT_TRUE(store_->ListNotifications(id, NotificationFilter::kAll, 10).value().empty());
  EXPECT_FALSE(store_->GetSecondFactor(id).value());
  EXPECT_TRUE(store_->ListSessions(id).value().empty());
  EXPECT_TRUE(store_->LoginFailuresSince("login:lan", "").value().empty());
  UsageRequest kept = store_->GetUsageRequest(req).value();
  EXPECT_EQ(kept.name, "");
  EXPECT_EQ(kept.email, "");
  EXPECT_EQ(kept.answer, "đồng ý") << "the request and its answer are kept";
}

TEST_P(StoreContract, SessionsTokensAndFailures) {
  Session s{"hash1", 1, "csrf", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "10.0.0.1"};
  ApiToken t{0, "thash", 1, "script", "read", "", "2027-01-01T00:00:00.000Z", false};
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.PutSession(s));
    t.id = TRY(w.PutApiToken(t));
    TRY(w.PutLoginFailure("login:lan", "2026-01-01T00:00:01.000Z"));
    TRY(w.PutLoginFailure("login:lan", "2026-01-01T00:00:02.000Z"));
    return w.PutLoginFailure("address:10.0.0.1", "2026-01-01T00:00:02.000Z");
  }));
  EXPECT_EQ(store_->FindSession("hash1").value()->csrf_token, "csrf");
  EXPECT_EQ(store_->FindApiToken("thash").value()->scope, "read");
  EXPECT_EQ(store_->ListApiTokens(1).value().size(), 1u);
  EXPECT_EQ(store_->LoginFailuresSince("login:lan", "2026-01-01T00:00:02.000Z").value().size(), 1u);
  Status not_mine = store_->Write([&](StoreWriter& w) { return w.RevokeApiToken(2, t.id); });
  EXPECT_EQ(not_mine.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.RevokeApiToken(1, t.id));
    TRY(w.DeleteSessionsOf(1));
    return w.ClearLoginFailures("login:lan");
  }));
  EXPECT_TRUE(store_->FindApiToken("thash").value()->revoked);
  EXPECT_FALSE(store_->FindSession("hash1").value().has_value());
  EXPECT_TRUE(store_->LoginFailuresSince("login:lan", "").value().empty());
  EXPECT_EQ(store_->LoginFailuresSince("address:10.0.0.1", "").value().size(), 1u);
}

TEST_P(StoreContract, AuditEntriesAreKeptInOrderAndFiltered) {
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    EXPECT_FALSE(w.LastAuditEntry().value().has_value());
    return Ok();
  }));
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
      return w.PutAuditEntry({i, "2026-01-0" + std::to_string(i) + "T00:00:00.000Z",
                              i == 2 ? "lan" : "admin", i == 3 ? "auth.login" : "record.update",
                              "dn-x", "", "{}", "p" + std::to_string(i), "h" + std::to_string(i)});
    }));
  }
  std::vector<AuditEntry> all;
  ASSERT_TRUE(store_->ForEachAudit([&](const AuditEntry& e) -> Status {
    all.push_back(e);
    return Ok();
  }));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].hash, "h3");
  AuditQuery q;
  q.action = "record.";
  EXPECT_EQ(store_->ListAudit(q).value().size(), 2u);
  q = {};
  q.actor = "lan";
  EXPECT_EQ(store_->ListAudit(q).value().at(0).seq, 2);
  q = {};
  q.from = "2026-01-02T00:00:00.000Z";
  q.limit = 1;
  EXPECT_EQ(store_->ListAudit(q).value().at(0).seq, 2);
  q.after_seq = 2;
  EXPECT_EQ(store_->ListAudit(q).value().at(0).seq, 3);
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    EXPECT_EQ(w.LastAuditEntry().value()->seq, 3);
    return Ok();
  }));
  // Entries appended in one transaction: each is the last one at once (an import appends one
  // per record), and a transaction that rolls back leaves the last one as it was.
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    for (int i = 4; i <= 5; ++i) {
      TRY(w.PutAuditEntry({i, "2026-01-0" + std::to_string(i) + "T00:00:00.000Z", "admin",
                           "record.create", "dn-y", "", "{}", "h" + std::to_string(i - 1),
                           "h" + std::to_string(i)}));
      EXPECT_EQ(w.LastAuditEntry().value()->seq, i);
      EXPECT_EQ(w.LastAuditEntry().value()->hash, "h" + std::to_string(i));
    }
    return Ok();
  }));
  EXPECT_FALSE(store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.PutAuditEntry(
        {6, "2026-01-06T00:00:00.000Z", "admin", "record.create", "dn-y", "", "{}", "h5", "h6"}));
    return Fail(ErrorCode::kConflict, "stop", "dừng");
  }));
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    EXPECT_EQ(w.LastAuditEntry().value()->seq, 5);
    return Ok();
  }));
}

// Background jobs (migration 6): queued once per asset and kind, taken oldest runnable first,
// never before their next attempt, their outcome kept.
// The curators' page lists commercial-use requests newest first, paged by id, and counts them.
TEST_P(StoreContract, UsageRequestsNewestFirstAndCounted) {
  const std::string a = Create("usagea");
  const std::string b = Create("usageb");
  std::vector<int64_t> made;
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    for (int i = 0; i < 5; ++i) {
      UsageRequest r;
      r.record_pid = i % 2 == 0 ? a : b;
      r.name = "Người " + std::to_string(i);
      r.email = "n@example.vn";
      r.purpose = "in lịch";
      if (i == 1) r.state = "granted";
      made.push_back(TRY(w.PutUsageRequest(r)));
    }
    return Ok();
  }));
  auto ids = [&](const UsageRequestQuery& q, int64_t before) {
    std::vector<int64_t> out;
    std::vector<UsageRequest> list = store_->ListUsageRequestsNewestFirst(q, before).value();
    for (const UsageRequest& r : list) out.push_back(r.id);
    return out;
  };
  UsageRequestQuery q;
  EXPECT_EQ(ids(q, 0), (std::vector<int64_t>{made[4], made[3], made[2], made[1], made[0]}));
  q.limit = 2;
  EXPECT_EQ(ids(q, 0), (std::vector<int64_t>{made[4], made[3]}));
  EXPECT_EQ(ids(q, made[3]), (std::vector<int64_t>{made[2], made[1]}));
  EXPECT_EQ(ids(q, made[1]), (std::vector<int64_t>{made[0]}));
  q = {};
  q.state = "open";
  q.record_pid = a;
  EXPECT_EQ(ids(q, 0), (std::vector<int64_t>{made[4], made[2], made[0]}));
  q.state = "granted";
  EXPECT_TRUE(ids(q, 0).empty());
  EXPECT_EQ(store_->CountUsageRequests("open").value(), 4);
  EXPECT_EQ(store_->CountUsageRequests("granted").value(), 1);
  EXPECT_EQ(store_->CountUsageRequests("refused").value(), 0);
  EXPECT_EQ(store_->CountUsageRequests("").value(), 5);
}

TEST_P(StoreContract, JobsAreQueuedClaimedAndFinished) {
  std::string pid = Create("bcdfghjk");
  const std::string a = PidFromBody("dn", "23456789"), b = PidFromBody("dn", "3456789b");
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.ReservePid(a));
    TRY(w.ReservePid(b));
    TRY(w.PutMedia(Media(a, pid)));
    return w.PutMedia(Media(b, pid));
  }));
  int64_t first = 0, again = 0, second = 0;
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    first = TRY(w.EnqueueJob("derive", a));
    again = TRY(w.EnqueueJob("derive", a));  // still queued: the same job
    second = TRY(w.EnqueueJob("derive", b));
    return Ok();
  }));
  EXPECT_EQ(first, again);
  EXPECT_NE(first, second);
  // Jobs only for assets that exist; nothing written when refused.
  Status unknown = store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.EnqueueJob("derive", PidFromBody("dn", "00000000")));
    return Ok();
  });
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);

  Job got = store_->GetJob(first).value();
  EXPECT_EQ(got.kind, "derive");
  EXPECT_EQ(got.media_id, a);
  EXPECT_EQ(got.state, "queued");
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.created_at.size(), 24u);
  EXPECT_EQ(store_->GetJob(999999).error().code, ErrorCode::kNotFound);

  auto claim = [&](const std::string& now) {
    std::optional<Job> out;
    EXPECT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
      out = TRY(w.ClaimJob("host:1", now));
      return Ok();
    }));
    return out;
  };
  // Nothing is runnable before it was queued.
  EXPECT_FALSE(claim("2000-01-01T00:00:00.000Z"));
  std::optional<Job> j = claim("9999-01-01T00:00:00.000Z");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->id, first);
  EXPECT_EQ(j->state, "running");
  EXPECT_EQ(j->attempts, 1);
  EXPECT_EQ(j->worker, "host:1");
  // A retry later: not runnable until then.
  j->state = "queued";
  j->next_attempt_at = "5000-01-01T00:00:00.000Z";
  j->last_error = "disk full / đĩa đầy";
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) { return w.UpdateJob(*j); }));
  std::optional<Job> k = claim("4000-01-01T00:00:00.000Z");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->id, second);
  EXPECT_FALSE(claim("4000-01-01T00:00:00.000Z"));
  std::optional<Job> retry = claim("6000-01-01T00:00:00.000Z");
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->id, first);
  EXPECT_EQ(retry->attempts, 2);
  EXPECT_EQ(retry->last_error, "disk full / đĩa đầy");
  retry->state = "done";
  retry->last_error.clear();
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) { return w.UpdateJob(*retry); }));

  // Listing: newest first, by state and by media, in pages.
  std::vector<Job> all = store_->ListJobs({}).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, second);
  EXPECT_EQ(store_->ListJobs({.state = "done"}).value().size(), 1u);
  EXPECT_EQ(store_->ListJobs({.state = "running"}).value().at(0).id, second);
  EXPECT_EQ(store_->ListJobs({.media_id = a}).value().at(0).id, first);
  EXPECT_EQ(store_->ListJobs({.before_id = second}).value().at(0).id, first);
  EXPECT_EQ(store_->ListJobs({.limit = 1}).value().size(), 1u);
  // A done job is not reused: asking again queues a new one.
  int64_t third = 0;
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    third = TRY(w.EnqueueJob("derive", a));
    return Ok();
  }));
  EXPECT_NE(third, first);
  Job unknown_job;
  unknown_job.id = 424242;
  unknown_job.state = "done";
  EXPECT_EQ(store_->Write([&](StoreWriter& w) { return w.UpdateJob(unknown_job); }).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListAllMedia().value().size(), 2u);
}

// Record versions for the preservation store (migration 10): a job may name a record; it is
// reused while queued like any job, and still only existing identifiers are accepted.
TEST_P(StoreContract, JobsMayNameARecord) {
  std::string pid = Create("bcdfghjk");
  int64_t first = 0, again = 0;
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    first = TRY(w.EnqueueJob("record_version", pid));
    again = TRY(w.EnqueueJob("record_version", pid));
    return Ok();
  }));
  EXPECT_EQ(first, again);
  Job got = store_->GetJob(first).value();
  EXPECT_EQ(got.kind, "record_version");
  EXPECT_EQ(got.media_id, pid);
  EXPECT_EQ(store_->ListJobs({.media_id = pid}).value().size(), 1u);
  Status unknown = store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.EnqueueJob("record_version", PidFromBody("dn", "00000000")));
    return Ok();
  });
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  // A job queued in a transaction that rolls back is gone with it.
  Status rolled_back = store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.EnqueueJob("other", pid));
    return Fail(ErrorCode::kConflict, "stop", "dừng");
  });
  EXPECT_FALSE(rolled_back);
  EXPECT_EQ(store_->ListJobs({}).value().size(), 1u);
  // A record made in the same transaction gets its job without the look-ups; it is an
  // ordinary queued job, reused by the next EnqueueJob while it waits.
  std::string fresh;
  int64_t made = 0, reused = 0;
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    fresh = PidFromBody("dn", "cdfghjkm");
    TRY(w.ReservePid(fresh));
    TRY(w.Put(NewRecord(fresh, "relic", {})));
    made = TRY(w.EnqueueJobForNew("record_version", fresh));
    reused = TRY(w.EnqueueJob("record_version", fresh));
    return Ok();
  }));
  EXPECT_EQ(made, reused);
  Job queued = store_->GetJob(made).value();
  EXPECT_EQ(queued.state, "queued");
  EXPECT_EQ(queued.media_id, fresh);
  EXPECT_EQ(store_->ListJobs({.media_id = fresh}).value().size(), 1u);
}

// The "media" facet: the kinds of an item's public media, in its search row from the moment a
// file is recorded, its other terms kept; restricted media are not counted.
TEST_P(StoreContract, TheMediaFacetFollowsTheRecordsPublicMedia) {
  std::string pid = Create("bcdfghjk", "relic", {{"level", "national"}});
  auto media_of = [&]() {
    SearchRequest q;
    q.public_only = false;
    q.facet_fields = {"media", "level"};
    SearchResult r = store_->Search(q).value();
    std::set<std::string> values;
    for (const FacetCount& f : r.facets["media"]) values.insert(f.value + "=" + std::to_string(f.count));
    for (const FacetCount& f : r.facets["level"]) values.insert("level:" + f.value);
    return values;
  };
  EXPECT_EQ(media_of(), (std::set<std::string>{"level:national"}));
  const std::string a = PidFromBody("dn", "23456789"), b = PidFromBody("dn", "3456789b"),
                    c = PidFromBody("dn", "456789bc");
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.ReservePid(a));
    TRY(w.ReservePid(b));
    TRY(w.ReservePid(c));
    TRY(w.PutMedia(Media(a, pid)));
    MediaAsset video = Media(b, pid);
    video.media_type = "video/mp4";
    video.visibility = "restricted";
    TRY(w.PutMedia(video));
    MediaAsset pano = Media(c, pid);
    pano.role = "panorama";
    return w.PutMedia(pano);
  }));
  // The record's own terms are kept beside them.
  EXPECT_EQ(media_of(), (std::set<std::string>{"image=1", "360=1", "level:national"}));
  SearchRequest filtered;
  filtered.public_only = false;
  filtered.filters = {{"media", "360"}};
  EXPECT_EQ(store_->Search(filtered).value().total, 1u);
  // An edit of the record (here without any term of its own) keeps them.
  ASSERT_TRUE(Change(pid, RevisionAction::kUpdate, std::nullopt));
  EXPECT_EQ(media_of(), (std::set<std::string>{"image=1", "360=1"}));
}

// Contributed media are held (counted nowhere public) until their review publishes them: the
// visibility changes in place and the "media" facet follows it in the same transaction.
TEST_P(StoreContract, HeldMediaJoinTheFacetWhenPublished) {
  std::string pid = Create("bcdfghjk", "relic", {{"level", "national"}});
  auto media_of = [&]() {
    SearchRequest q;
    q.public_only = false;
    q.facet_fields = {"media"};
    SearchResult r = store_->Search(q).value();
    std::set<std::string> values;
    for (const FacetCount& f : r.facets["media"]) values.insert(f.value);
    return values;
  };
  const std::string a = PidFromBody("dn", "23456789");
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.ReservePid(a));
    MediaAsset held = Media(a, pid);
    held.visibility = "held";
    return w.PutMedia(held);
  }));
  EXPECT_TRUE(media_of().empty());
  EXPECT_EQ(store_->GetMedia(a).value().visibility, "held");
  // A failed transaction changes nothing.
  Status failed = store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.SetMediaVisibility(a, "public"));
    return Fail(ErrorCode::kConflict, "stop", "dừng");
  });
  EXPECT_FALSE(failed);
  EXPECT_EQ(store_->GetMedia(a).value().visibility, "held");
  EXPECT_TRUE(media_of().empty());
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) { return w.SetMediaVisibility(a, "public"); }));
  EXPECT_EQ(store_->GetMedia(a).value().visibility, "public");
  EXPECT_EQ(media_of(), (std::set<std::string>{"image"}));
  Status unknown = store_->Write(
      [&](StoreWriter& w) { return w.SetMediaVisibility(PidFromBody("dn", "00000000"), "public"); });
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, WriteBulkCommitsOrRollsBackAsWriteDoes) {
  // Readers used before, as the importing process's catalogue uses them when it starts.
  const std::string before = Create("bcdfghjk");
  ASSERT_TRUE(store_->Get(before));
  const std::string kept = PidFromBody("dn", "cdfghjkm"), dropped = PidFromBody("dn", "dfghjkmn");
  Status failed = store_->WriteBulk([&](StoreWriter& w) -> Status {
    TRY(w.ReservePid(dropped));
    TRY(w.Put(NewRecord(dropped)));
    return Fail(ErrorCode::kConflict, "import not committed", "không ghi dữ liệu nhập");
  });
  EXPECT_FALSE(failed);
  EXPECT_EQ(store_->Get(dropped).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->WriteBulk([&](StoreWriter& w) -> Status {
    TRY(w.ReservePid(kept));
    TRY(w.Put(NewRecord(kept)));
    return Ok();
  }));
  EXPECT_EQ(store_->Get(kept).value().document["names"][0]["value"], "Tên " + kept);
  EXPECT_EQ(store_->Count(RecordClass::kItem).value(), 2u);
  // And the store goes on as before: another write, and reads that see all three.
  const std::string after = Create("fghjkmnp");
  EXPECT_EQ(store_->Count(RecordClass::kItem).value(), 3u);
  EXPECT_TRUE(store_->Get(after));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& p) { return p.param.name; });

TEST(SqliteStore, ReopensAnExistingDatabase) {
  TempDir dir;
  std::string pid = PidFromBody("dn", "bcdfghjk");
  {
    auto store = OpenSqliteStore(dir.File("s.db")).value();
    ASSERT_TRUE(store->Write([&](StoreWriter& w) -> Status {
      TRY(w.ReservePid(pid));
      RecordWrite rw;
      rw.pid = pid;
      rw.kind = "relic";
      rw.document = {{"kind", "relic"}};
      TRY(w.Put(rw));
      return Ok();
    }));
  }
  auto again = OpenSqliteStore(dir.File("s.db"));
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)->Get(pid));
}

// Harvest state: a source and what each of its records became, kept with the records in one
// transaction (a failed page leaves neither).
TEST_P(StoreContract, KeepsHarvestSourcesAndTheirRecords) {
  HarvestSource source{"http://a.example/oai", "kind:relic", "disan", "", "", "", "", ""};
  EXPECT_FALSE(store_->GetHarvestSource(source.url, source.set, source.format).value());
  const std::string pid = Create("hrv00001");
  HarvestedRecord record{"oai:a.example:dn-x", pid, "2025-07-01T08:00:00Z", false};
  // A record of an unknown source is refused.
  Status unknown =
      store_->Write([&](StoreWriter& w) { return w.PutHarvestedRecord(source, record); });
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);

  source.run_from = "2025-06-01T00:00:00Z";
  source.run_response_date = "2025-07-02T00:00:00Z";
  source.resumption_token = "token-1";
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    TRY(w.PutHarvestSource(source));
    return w.PutHarvestedRecord(source, record);
  }));
  std::optional<HarvestSource> stored =
      store_->GetHarvestSource(source.url, source.set, source.format).value();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->resumption_token, "token-1");
  EXPECT_EQ(stored->run_from, "2025-06-01T00:00:00Z");
  EXPECT_EQ(stored->run_response_date, "2025-07-02T00:00:00Z");
  EXPECT_EQ(stored->last_response_date, "");
  EXPECT_FALSE(stored->updated_at.empty());
  // Another set of the same URL is another source.
  EXPECT_FALSE(store_->GetHarvestSource(source.url, "", source.format).value());

  // A failed transaction keeps neither the new state nor the record.
  Status failed = store_->Write([&](StoreWriter& w) -> Status {
    HarvestSource next = source;
    next.resumption_token = "";
    next.last_response_date = "2025-07-02T00:00:00Z";
    TRY(w.PutHarvestSource(next));
    TRY(w.PutHarvestedRecord(source, {record.oai_identifier, pid, "2025-07-03T00:00:00Z", true}));
    return Fail(ErrorCode::kInvalid, "page refused", "trang bị từ chối");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(
      store_->GetHarvestSource(source.url, source.set, source.format).value()->resumption_token,
      "token-1");
  std::optional<HarvestedRecord> got;
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    got = TRY(w.GetHarvestedRecord(source, record.oai_identifier));
    return Ok();
  }));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->pid, pid);
  EXPECT_EQ(got->datestamp, "2025-07-01T08:00:00Z");
  EXPECT_FALSE(got->deleted);

  // Replacing both, and a pid never issued refused.
  ASSERT_TRUE(store_->Write([&](StoreWriter& w) -> Status {
    source.resumption_token = "";
    source.last_response_date = "2025-07-02T00:00:00Z";
    TRY(w.PutHarvestSource(source));
    TRY(w.PutHarvestedRecord(source, {record.oai_identifier, pid, "2025-07-03T00:00:00Z", true}));
    got = TRY(w.GetHarvestedRecord(source, record.oai_identifier));
    return Ok();
  }));
  EXPECT_TRUE(got->deleted);
  EXPECT_EQ(got->datestamp, "2025-07-03T00:00:00Z");
  EXPECT_EQ(
      store_->GetHarvestSource(source.url, source.set, source.format).value()->last_response_date,
      "2025-07-02T00:00:00Z");
  Status never = store_->Write([&](StoreWriter& w) {
    return w.PutHarvestedRecord(source,
                                {"oai:a.example:other", PidFromBody("dn", "nvrnvrnv"), "x", false});
  });
  ASSERT_FALSE(never);
  EXPECT_EQ(never.error().code, ErrorCode::kInvalid);
}

// A bulk write of one relic, noting whether the WAL file existed while it ran.
Status BulkWriteOneRelic(MetadataStore& store, const std::string& path, const std::string& pid,
                         bool& wal_during) {
  return store.WriteBulk([&](StoreWriter& w) -> Status {
    wal_during = std::filesystem::exists(path + "-wal");
    TRY(w.ReservePid(pid));
    RecordWrite r;
    r.pid = pid;
    r.kind = "relic";
    r.document = {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", "Đình Đắk Mil"}}}}};
    r.author = "tester";
    r.reason = "import";
    TRY(w.Put(r));
    return Ok();
  });
}

TEST(SqliteStore, ABulkWriteAloneSkipsTheWalAndComesBackToIt) {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto store = OpenSqliteStore(path).value();
  ASSERT_TRUE(store->Count(RecordClass::kItem));  // an idle reader in the pool
  EXPECT_EQ(testing::JournalMode(path), "wal");
  const std::string pid = PidFromBody("dn", "bcdfghjk");
  bool wal_during = true;
  ASSERT_TRUE(BulkWriteOneRelic(*store, path, pid, wal_during));
  EXPECT_FALSE(wal_during) << "nobody else had the database open: no WAL during the import";
  EXPECT_EQ(testing::JournalMode(path), "wal");
  EXPECT_EQ(store->Get(pid).value().document["names"][0]["value"], "Đình Đắk Mil");
  EXPECT_FALSE(std::filesystem::exists(path + "-journal"));
}

TEST(SqliteStore, ABulkWriteBesideAnotherConnectionStaysInTheWal) {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto store = OpenSqliteStore(path).value();
  // Another process's connection (a running server), open and having read.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "SELECT count(*) FROM records", nullptr, nullptr, nullptr),
            SQLITE_OK);
  const std::string pid = PidFromBody("dn", "bcdfghjk");
  bool wal_during = false;
  ASSERT_TRUE(BulkWriteOneRelic(*store, path, pid, wal_during));
  EXPECT_TRUE(wal_during) << "the other connection keeps the database in WAL mode";
  int64_t count = -1;
  sqlite3_exec(
      other, "SELECT count(*) FROM records",
      [](void* out, int, char** values, char**) {
        *static_cast<int64_t*>(out) = std::stoll(values[0]);
        return 0;
      },
      &count, nullptr);
  EXPECT_EQ(count, 1);
  sqlite3_close(other);
  EXPECT_EQ(testing::JournalMode(path), "wal");
}

TEST(SqliteStore, RefusesFilesItCannotUnderstand) {
  TempDir dir;
  {
    std::ofstream(dir.File("junk.db")) << std::string(8192, 'x');
  }
  auto junk = OpenSqliteStore(dir.File("junk.db"));
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().code, ErrorCode::kCorrupt);

  { auto store = OpenSqliteStore(dir.File("new.db")).value(); }
  sqlite3* db = nullptr;
  sqlite3_open(dir.File("new.db").c_str(), &db);
  sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (999, 'future')", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto future = OpenSqliteStore(dir.File("new.db"));
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(future.error().message_en.find("newer"), std::string::npos);

  auto missing_dir = OpenSqliteStore(dir.File("no/such/dir/s.db"));
  ASSERT_FALSE(missing_dir);
  EXPECT_EQ(missing_dir.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace disan
