#include "interop/harvest_view.h"

#include <optional>
#include <set>

#include "catalogue/catalogue.h"
#include "core/json_member.h"

namespace disan::interop {
namespace {

using nlohmann::json;

bool PublicDocument(const json& document) { return Catalogue::IsPublicDocument(document); }

// Records read from the store per query while counting what is not counted from the index.
constexpr size_t kCountBatch = 500;

// The filter term field (Catalogue::TermsOf) of a set family of SetsOf: "kind", "level" and
// "commune" (the 2025 commune code).
std::optional<std::string> SetField(std::string_view family) {
  if (family == "kind" || family == "level") return std::string(family);
  if (family == "commune") return std::string("commune_code");
  return std::nullopt;
}

}  // namespace

const std::vector<FilterTerm>& HarvestView::PublicTerms() {
  static const std::vector<FilterTerm> terms = {{"status", "published"}, {"visibility", "public"}};
  return terms;
}

std::optional<std::vector<FilterTerm>> HarvestView::SetTerms(const std::string& set) {
  if (set.empty()) return std::vector<FilterTerm>{};
  const size_t colon = set.find(':');
  std::optional<std::string> field = SetField(set.substr(0, colon));
  if (!field) return std::nullopt;
  return std::vector<FilterTerm>{{*field, colon == std::string::npos ? "" : set.substr(colon + 1)}};
}

ChangeQuery::SetFilter HarvestView::SetFilter(const std::string& set) {
  std::optional<std::vector<FilterTerm>> terms = SetTerms(set);
  if (!terms || terms->empty()) return {};
  return {PublicTerms(), std::move(*terms)};
}

Result<int64_t> HarvestView::CountListed(const std::string& from, const std::string& before,
                                         const std::string& set) {
  std::optional<std::vector<FilterTerm>> set_terms = SetTerms(set);
  if (!set_terms) return 0;
  ChangeQuery q;
  q.from = from;
  q.before = before;
  std::vector<FilterTerm> all_of = PublicTerms();
  all_of.insert(all_of.end(), set_terms->begin(), set_terms->end());
  auto total = static_cast<int64_t>(TRY(store_.CountLiveChanges(q, all_of)));
  // The rest: tombstones and hidden records that had a revision before, each classified
  // (withdrawn ones are listed, with the sets of their last public version).
  q.skip_live_with = PublicTerms();
  q.skip_first_revisions_without = PublicTerms();
  q.limit = kCountBatch;
  for (;;) {
    std::vector<StoredRecord> batch = TRY(store_.ListChanges(q));
    if (batch.empty()) break;
    q.after_updated_at = batch.back().updated_at;
    q.after_pid = batch.back().pid;
    const size_t read = batch.size();
    for (StoredRecord& stored : batch) {
      HarvestRecord r = TRY(Classify(std::move(stored)));
      if (r.exposure == Exposure::kNeverPublic) continue;
      if (set.empty() || InSet(r.sets, set)) ++total;
    }
    if (read < q.limit) break;
  }
  return total;
}

std::vector<std::string> HarvestView::SetsOf(const json& d) {
  std::set<std::string> sets;
  if (!d.is_object()) return {};
  if (d.contains("kind") && d["kind"].is_string()) sets.insert("kind:" + d["kind"].get<std::string>());
  for (const json& r : ListOf(d, "recognitions")) {
    if (r.is_object() && r.contains("level") && r["level"].is_string()) {
      sets.insert("level:" + r["level"].get<std::string>());
    }
  }
  for (const json& p : ListOf(d, "places")) {
    if (p.is_object() && p.contains("commune_2025_code") && p["commune_2025_code"].is_string()) {
      sets.insert("commune:" + p["commune_2025_code"].get<std::string>());
    }
  }
  std::vector<std::string> out;
  for (const std::string& s : sets) {
    if (IsSetSpec(s)) out.push_back(s);
  }
  return out;
}

bool HarvestView::InSet(const std::vector<std::string>& sets, std::string_view set) {
  for (const std::string& s : sets) {
    if (s == set || (s.size() > set.size() && s.starts_with(set) && s[set.size()] == ':')) return true;
  }
  return false;
}

std::string HarvestView::Datestamp(const std::string& updated_at) {
  return updated_at.size() >= 19 ? updated_at.substr(0, 19) + "Z" : updated_at;
}

Result<HarvestRecord> HarvestView::Classify(StoredRecord record) {
  HarvestRecord out;
  out.datestamp = Datestamp(record.updated_at);
  if (record.cls != RecordClass::kItem) {
    out.record = std::move(record);
    return out;
  }
  if (!record.deleted && Catalogue::IsPublic(record)) {
    out.exposure = Exposure::kPublic;
    out.sets = SetsOf(record.document);
    Catalogue::RedactForPublic(record);
    out.record = std::move(record);
    return out;
  }
  // A tombstone keeps the document it had when deleted: if that was public, so was the record.
  if (record.deleted && PublicDocument(record.document)) {
    out.exposure = Exposure::kWithdrawn;
    out.sets = SetsOf(record.document);
    out.record = std::move(record);
    return out;
  }
  // The record's own document is its newest snapshot (of a tombstone: the one it had when
  // deleted), checked above; a record with no older snapshot was never public, and most hidden
  // records are such drafts, so their history need not be read.
  const int64_t newest_snapshot = record.deleted ? record.revision - 1 : record.revision;
  if (newest_snapshot <= 1) {
    out.record = std::move(record);
    return out;
  }
  std::vector<Revision> history = TRY(store_.History(record.pid));
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->action == RevisionAction::kDelete) continue;
    Revision full = TRY(store_.GetRevision(record.pid, it->number));
    if (PublicDocument(full.snapshot)) {
      out.exposure = Exposure::kWithdrawn;
      out.sets = SetsOf(full.snapshot);
      break;
    }
  }
  out.record = std::move(record);
  return out;
}

Result<bool> HarvestView::WasPublicBefore(const StoredRecord& record) {
  for (int64_t n = 1; n < record.revision; ++n) {
    Revision r = TRY(store_.GetRevision(record.pid, n));
    if (r.action != RevisionAction::kDelete && PublicDocument(r.snapshot)) return true;
  }
  return false;
}

}  // namespace disan::interop
