#include "interop/harvest_view.h"

#include <set>

#include "catalogue/catalogue.h"
#include "core/json_member.h"

namespace disan::interop {
namespace {

using nlohmann::json;

bool PublicDocument(const json& document) { return Catalogue::IsPublicDocument(document); }

}  // namespace

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
