#include "catalogue/catalogue.h"

#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <set>
#include <thread>
#include <tuple>

#include "auth/credentials.h"
#include "core/bounded_queue.h"
#include "core/json_member.h"
#include "core/json_text.h"
#include "core/parallel.h"
#include "core/pid.h"
#include "core/text.h"
#include "search/query.h"

namespace disan {

using nlohmann::json;

namespace {

// Fields the system owns; clients may send them back as they read them, but they are not
// part of the validated document.
constexpr std::string_view kSystemFields[] = {"pid",        "class",   "revision", "created_at",
                                              "updated_at", "deleted", "links"};

json WithoutSystemFields(const json& input) {
  if (!input.is_object()) return input;
  json out = input;
  for (std::string_view f : kSystemFields) out.erase(std::string(f));
  return out;
}


// Legacy numbers are compared without separators: "PTH.TĐ.01", "PTH-TĐ-01" and "pth td 01"
// are the same number.
std::string LegacyKey(const std::string& value) {
  std::string key;
  for (char c : Fold(value)) {
    if (c != ' ') key += c;
  }
  return key;
}

std::unexpected<Error> NotFound(const std::string& pid) {
  return Fail(ErrorCode::kNotFound, "no record with identifier " + pid,
              "không có bản ghi với mã định danh " + pid);
}

std::string ClassLabelVi(RecordClass cls) {
  switch (cls) {
    case RecordClass::kItem: return "di sản";
    case RecordClass::kOrganisation: return "tổ chức";
    case RecordClass::kArea: return "khu vực";
  }
  return "";
}

}  // namespace

Catalogue::Catalogue(MetadataStore& store, std::shared_ptr<const Schema> schema,
                     std::string pid_namespace)
    : store_(store), schema_(std::move(schema)), namespace_(std::move(pid_namespace)) {}

bool Catalogue::IsPublic(const StoredRecord& r) { return IsPublicDocument(r.document); }

bool Catalogue::IsPublicDocument(const json& document) {
  return document.value("visibility", "public") == "public" &&
         document.value("status", "published") == "published";
}

void Catalogue::RedactForPublic(StoredRecord& r) { RedactDocument(r.document); }

namespace {

// schema/record.json labels the record's own note "Ghi chú nội bộ / Internal note": it is
// for staff only (notes inside names, places, recognitions and sources are public).
constexpr const char* kStaffOnlyMember = "note";

}  // namespace

Catalogue::PublicMember Catalogue::PublicMemberAsStored(std::string_view key,
                                                        std::string_view value) {
  if (key == kStaffOnlyMember) return PublicMember::kHidden;
  // IsPublicDocument's and RedactDocument's members, in the only spellings that need nothing.
  if (key == "visibility")
    return value == "\"public\"" ? PublicMember::kShown : PublicMember::kNeedsParsing;
  if (key == "status")
    return value == "\"published\"" ? PublicMember::kShown : PublicMember::kNeedsParsing;
  if (key == "location_precision") {
    return value == "\"exact\"" ? PublicMember::kShown : PublicMember::kNeedsParsing;
  }
  return PublicMember::kShown;
}

void Catalogue::RedactDocument(json& document, bool generalised) {
  if (!document.is_object()) return;
  document.erase(kStaffOnlyMember);
  generalised = generalised || document.value("location_precision", "exact") == "generalised";
  if (!generalised || !document.contains("places")) return;
  for (json& p : document["places"]) {
    p.erase("address");
    if (p.contains("point")) {
      for (const char* f : {"lat", "lon"}) {
        p["point"][f] = std::round(p["point"][f].get<double>() * 10) / 10;
      }
    }
  }
}

const std::vector<std::string>& Catalogue::FacetFields() {
  static const std::vector<std::string> fields = {"kind", "type", "level", "commune", "district",
                                                  "ethnic", "period", "custodian", "area", "licence",
                                                  "media"};
  return fields;
}

std::vector<FilterTerm> Catalogue::TermsOf(const json& d) {
  std::vector<FilterTerm> terms;
  terms.reserve(32);
  auto add = [&](const char* field, const json& v) {
    if (v.is_string() && !v.get_ref<const std::string&>().empty()) {
      terms.push_back({field, v.get<std::string>()});
    }
  };
  add("kind", MemberOf(d, "kind"));
  add("status", MemberOf(d, "status"));
  add("visibility", MemberOf(d, "visibility"));
  add("custodian", MemberOf(d, "custodian"));
  for (const json& r : ListOf(d, "recognitions")) add("level", MemberOf(r, "level"));
  for (const json& e : ListOf(d, "ethnic_groups")) add("ethnic", e);
  for (const json& a : ListOf(d, "areas")) add("area", a);
  for (const json& p : ListOf(d, "places")) {
    for (const char* f : {"province_2025", "commune_2025", "province_old", "district_old",
                          "commune_old", "province_2025_code", "commune_2025_code",
                          "province_old_code"}) {
      if (p.contains(f)) add("place", Fold(p[f].get<std::string>()));
    }
    // As written, for facets: the 2025 commune and the pre-2025 district.
    add("commune", MemberOf(p, "commune_2025"));
    add("district", MemberOf(p, "district_old"));
    // The code, for OAI-PMH's commune sets (listed and counted from the index).
    add("commune_code", MemberOf(p, "commune_2025_code"));
  }
  for (const char* f : {"relic_type", "artifact_type", "intangible_type", "documentary_type"}) {
    add("type", MemberOf(d, f));
  }
  add("licence", MemberOf(d, "licence"));
  // Centuries the dating overlaps, e.g. "1901..2000" (at most 30, for coarse datings).
  if (d.contains("dating") && (d["dating"].contains("from_year") || d["dating"].contains("to_year"))) {
    const json& dating = d["dating"];
    int64_t from = dating.value("from_year", dating.value("to_year", int64_t{0}));
    int64_t to = dating.value("to_year", from);
    auto century = [](int64_t y) { return y > 0 ? (y - 1) / 100 : -((-y) / 100) - 1; };
    for (int64_t c = century(from), n = 0; c <= century(to) && n < 30; ++c, ++n) {
      add("period", std::to_string(c * 100 + 1) + ".." + std::to_string(c * 100 + 100));
    }
  }
  for (const json& l : ListOf(d, "legacy_ids")) {
    add("legacy", LegacyKey(l.value("value", "")));
  }
  // In (field, value) order, each once.
  auto key = [](const FilterTerm& t) { return std::tie(t.field, t.value); };
  std::sort(terms.begin(), terms.end(),
            [&](const FilterTerm& a, const FilterTerm& b) { return key(a) < key(b); });
  terms.erase(
      std::unique(terms.begin(), terms.end(),
                  [&](const FilterTerm& a, const FilterTerm& b) { return key(a) == key(b); }),
      terms.end());
  return terms;
}

Status Catalogue::CheckRefs(StoreWriter& writer, const std::vector<RecordRef>& refs) {
  std::vector<FieldError> problems;
  for (const RecordRef& ref : refs) {
    Result<StoreWriter::RefTarget> target = writer.GetRefTarget(ref.pid);
    std::string want(RecordClassName(ref.target));
    if (!target || target->cls != ref.target) {
      problems.push_back({ref.path, "reference",
                          "no " + want + " with identifier " + ref.pid,
                          "không có " + ClassLabelVi(ref.target) + " với mã định danh " + ref.pid});
    } else if (target->deleted) {
      problems.push_back({ref.path, "reference", "the " + want + " " + ref.pid + " was deleted",
                          ClassLabelVi(ref.target) + " " + ref.pid + " đã bị xóa"});
    }
  }
  if (!problems.empty()) {
    return Fail(Error{ErrorCode::kInvalid, "the record refers to records that do not exist",
                      "bản ghi tham chiếu đến bản ghi không tồn tại", std::move(problems)});
  }
  return Ok();
}

Result<Validated> Catalogue::ValidateWithRefs(StoreWriter& writer, RecordClass cls,
                                              const json& input, InputLeniency leniency) {
  Validated v = TRY(schema_->Validate(cls, input, leniency, kSystemFields));
  TRY(CheckRefs(writer, v.refs));
  return v;
}

Result<Catalogue::PreparedCreate> Catalogue::PrepareCreate(RecordClass cls, const json& input,
                                                           InputLeniency leniency) const {
  return PrepareCreate(cls, json(input), leniency);
}

Result<Catalogue::PreparedCreate> Catalogue::PrepareCreate(RecordClass cls, json&& input,
                                                           InputLeniency leniency) const {
  PreparedCreate p;
  p.cls = cls;
  // Validation takes the system fields out of `input`: the pid given is read first.
  std::optional<json> given;
  if (input.is_object()) {
    if (auto it = input.find("pid"); it != input.end()) given = *it;
  }
  p.validated = TRY(schema_->Validate(cls, std::move(input), leniency, kSystemFields));
  if (given) {
    if (!given->is_string()) {
      return Fail(Error{ErrorCode::kInvalid, "pid must be a string", "pid phải là chuỗi ký tự",
                        {{"/pid", "type", "must be a string", "phải là chuỗi ký tự"}}});
    }
    Result<std::string> parsed = ParsePid(given->get<std::string>());
    if (!parsed) {
      return Fail(Error{ErrorCode::kInvalid, parsed.error().message_en, parsed.error().message_vi,
                        {{"/pid", "pid", parsed.error().message_en, parsed.error().message_vi}}});
    }
    p.pid = *parsed;
    p.pid_given = true;
  } else {
    p.pid = MintPid(namespace_);
  }
  p.terms = TermsOf(p.validated.document);
  p.search = search::BuildSearchDocument(*schema_, p.pid, p.validated.document);
  p.document_text = DumpJson(p.validated.document);
  return p;
}

Result<std::string> Catalogue::CreatePrepared(StoreWriter& writer, PreparedCreate& p,
                                              const Actor& actor, const std::string& reason) {
  TRY(CheckRefs(writer, p.validated.refs));
  if (p.pid_given) {
    TRY(writer.ReservePid(p.pid));
  } else {
    // 29^8 identifiers: a collision is rare, but a minted PID is never reused, so retry (the
    // search document carries the pid, so it is built again).
    for (int attempt = 0;; ++attempt) {
      Status reserved = writer.ReservePid(p.pid);
      if (reserved) break;
      if (reserved.error().code != ErrorCode::kConflict || attempt == 10) {
        return std::unexpected(reserved.error());
      }
      p.pid = MintPid(namespace_);
      p.search = search::BuildSearchDocument(*schema_, p.pid, p.validated.document);
    }
  }
  RecordWrite w;
  w.pid = p.pid;
  w.cls = p.cls;
  w.kind = p.validated.document["kind"].get<std::string>();
  w.action = RevisionAction::kCreate;
  w.terms = std::move(p.terms);
  w.search = std::move(p.search);
  w.document = std::move(p.validated.document);
  w.document_text = std::move(p.document_text);
  w.author = actor.name;
  w.reason = reason;
  // However this ends, the parts go back to `p`: its owner frees them.
  struct GiveBack {
    RecordWrite& w;
    PreparedCreate& p;
    ~GiveBack() {
      p.terms = std::move(w.terms);
      p.search = std::move(w.search);
      p.validated.document = std::move(w.document);
      p.document_text = std::move(w.document_text);
    }
  } give_back{w, p};
  RecordChange change{RevisionAction::kCreate, p.cls, w.pid, nullptr, &w.document};
  if (actor.authorise) TRY(actor.authorise(change));
  TRY(writer.Put(w));
  if (observer_) TRY(observer_(writer, change, actor, reason));
  return w.pid;
}

Result<std::string> Catalogue::CreateIn(StoreWriter& writer, RecordClass cls, const json& input,
                                        InputLeniency leniency, const Actor& actor,
                                        const std::string& reason) {
  PreparedCreate p = TRY(PrepareCreate(cls, input, leniency));
  return CreatePrepared(writer, p, actor, reason);
}

Result<std::optional<RevisionAction>> Catalogue::UpsertIn(StoreWriter& writer, RecordClass cls,
                                                          const std::string& pid, const json& input,
                                                          const Actor& actor,
                                                          const std::string& reason) {
  Result<StoredRecord> current = writer.Get(pid);
  if (!current && current.error().code != ErrorCode::kNotFound)
    return std::unexpected(current.error());
  if (!current) {
    json with_pid = WithoutSystemFields(input);
    if (with_pid.is_object()) with_pid["pid"] = pid;
    TRY(CreateIn(writer, cls, with_pid, InputLeniency::kStrict, actor, reason));
    return std::optional<RevisionAction>(RevisionAction::kCreate);
  }
  if (current->cls != cls) {
    return Fail(ErrorCode::kConflict,
                "identifier " + pid + " names a " + std::string(RecordClassName(current->cls)) +
                    " here, not a " + std::string(RecordClassName(cls)),
                "mã định danh " + pid + " ở đây là " + ClassLabelVi(current->cls) +
                    ", không phải " + ClassLabelVi(cls));
  }
  Validated v =
      TRY(ValidateWithRefs(writer, cls, input, InputLeniency::kStrict));
  if (!current->deleted && v.document == current->document) return std::optional<RevisionAction>();
  RecordWrite write;
  write.pid = pid;
  write.cls = cls;
  write.action = current->deleted ? RevisionAction::kRestore : RevisionAction::kUpdate;
  write.expected_revision = current->revision;
  write.kind = v.document["kind"].get<std::string>();
  write.terms = TermsOf(v.document);
  write.search = search::BuildSearchDocument(*schema_, pid, v.document);
  write.document = std::move(v.document);
  write.author = actor.name;
  write.reason = reason;
  RecordChange change{write.action, cls, pid, &*current, &write.document};
  if (actor.authorise) TRY(actor.authorise(change));
  TRY(writer.Put(write));
  if (observer_) TRY(observer_(writer, change, actor, reason));
  return std::optional<RevisionAction>(write.action);
}

Result<bool> Catalogue::DeleteIn(StoreWriter& writer, const std::string& pid, const Actor& actor,
                                 const std::string& reason) {
  StoredRecord current = TRY(writer.Get(pid));
  if (current.deleted) return false;
  RecordWrite write;
  write.pid = pid;
  write.cls = current.cls;
  write.kind = current.kind;
  write.action = RevisionAction::kDelete;
  write.expected_revision = current.revision;
  write.author = actor.name;
  write.reason = reason;
  RecordChange change{RevisionAction::kDelete, current.cls, pid, &current, nullptr};
  if (actor.authorise) TRY(actor.authorise(change));
  TRY(writer.Put(write));
  if (observer_) TRY(observer_(writer, change, actor, reason));
  return true;
}

Result<StoredRecord> Catalogue::Get(RecordClass cls, const std::string& pid, const Actor& actor) {
  StoredRecord r = TRY(store_.Get(pid));
  if (r.cls != cls) return NotFound(pid);
  if (actor.audience == Audience::kPublic) {
    if (!IsPublic(r)) return NotFound(pid);
    RedactForPublic(r);
  }
  return r;
}

Result<MetadataStore::StoredText> Catalogue::GetStoredText(RecordClass cls,
                                                           const std::string& pid) {
  MetadataStore::StoredText t = TRY(store_.GetText(pid));
  if (t.record.cls != cls) return NotFound(pid);
  return t;
}

Result<RecordPage> Catalogue::List(RecordClass cls, const ListFilters& f, const Actor& actor) {
  ListQuery q;
  q.cls = cls;
  q.cursor = f.cursor;
  q.limit = std::min(std::max<size_t>(f.limit, 1), kMaxPageSize);
  for (const std::string& v : f.kinds) q.filters.push_back({"kind", v});
  for (const std::string& v : f.levels) q.filters.push_back({"level", v});
  for (const std::string& v : f.places) q.filters.push_back({"place", Fold(v)});
  for (const std::string& v : f.custodians) q.filters.push_back({"custodian", ParsePid(v).value_or(v)});
  for (const std::string& v : f.ethnic_groups) q.filters.push_back({"ethnic", v});
  for (const std::string& v : f.areas) q.filters.push_back({"area", ParsePid(v).value_or(v)});
  if (actor.audience == Audience::kPublic) {
    q.filters.push_back({"visibility", "public"});
    q.filters.push_back({"status", "published"});
  }
  RecordPage page = TRY(store_.List(q));
  if (actor.audience == Audience::kPublic) {
    for (StoredRecord& r : page.records) RedactForPublic(r);
  }
  return page;
}

Result<SearchPage> Catalogue::Search(const SearchParams& p, const Actor& actor) {
  search::ParsedQuery query = TRY(search::ParseQuery(p.q));
  SearchRequest request;
  request.cls = RecordClass::kItem;
  request.query = query;
  // An identifier typed as the query finds its record first: a PID, or a legacy number.
  if (Result<std::string> pid = ParsePid(p.q)) request.pinned_pids.push_back(*pid);
  if (!Trim(p.q).empty()) {
    ListQuery legacy;
    legacy.filters = {{"legacy", LegacyKey(p.q)}};
    legacy.limit = 10;
    if (Result<RecordPage> found = store_.List(legacy)) {
      for (const StoredRecord& r : found->records) request.pinned_pids.push_back(r.pid);
    }
  }
  for (const auto& [field, values] : p.filters) {
    for (const std::string& v : values) {
      std::string value = v;
      if (field == "place") value = Fold(v);
      if (field == "custodian" || field == "area") value = ParsePid(v).value_or(v);
      request.filters.push_back({field, value});
    }
  }
  request.public_only = actor.audience == Audience::kPublic;
  request.bbox = p.bbox;
  request.near = p.near;
  request.year_from = p.year_from;
  request.year_to = p.year_to;
  request.sort = p.sort;
  request.cursor = p.cursor;
  request.limit = std::min(std::max<size_t>(p.limit, 1), kMaxPageSize);
  if (p.facets) request.facet_fields = FacetFields();
  SearchResult found = TRY(store_.Search(request));
  SearchPage page;
  page.total = found.total;
  page.facets = std::move(found.facets);
  page.next_cursor = found.next_cursor;
  page.spelling = found.spelling;
  std::vector<std::string> terms = search::HighlightTerms(query);
  for (StoredRecord& r : found.hits) {
    if (actor.audience == Audience::kPublic) RedactForPublic(r);
    std::string text;
    for (const json& d : r.document.value("description", json::array())) {
      if (d.value("lang", "") == "vi" || text.empty()) text = d.value("value", "");
    }
    page.hits.push_back({std::move(r), terms.empty() ? "" : search::Snippet(text, terms)});
  }
  return page;
}

Result<std::vector<std::pair<std::string, std::string>>> Catalogue::Suggest(const std::string& typed,
                                                                            size_t limit,
                                                                            const Actor& actor,
                                                                            RecordClass cls) {
  search::ParsedQuery query = TRY(search::ParseQuery(typed));
  std::vector<std::pair<std::string, std::string>> out;
  if (query.empty()) return out;
  SearchRequest request;
  request.cls = cls;
  request.query = std::move(query);
  request.last = search::LastWord::kPrefix;
  request.names_only = true;
  request.public_only = actor.audience == Audience::kPublic;
  request.limit = std::min<size_t>(std::max<size_t>(limit, 1), 20);
  SearchResult found = TRY(store_.Search(request));
  for (const StoredRecord& r : found.hits) out.emplace_back(r.pid, search::PreferredName(r.document));
  return out;
}

namespace {

// One record's index entries, derived by a reindex worker.
struct Reindexed {
  std::string pid;
  std::vector<FilterTerm> terms;
  search::SearchDocument search;
};

constexpr size_t kReindexBatch = 64;

}  // namespace

// Records are read on one thread, their filter terms and search documents derived on one
// worker per core, and written on this one: at a million records the derivation is most of
// the time. The order does not matter: each row gets the next seq as it is written.
Result<size_t> Catalogue::Reindex() {
  size_t n = 0;
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    BoundedQueue<std::vector<StoredRecord>> read(4);
    BoundedQueue<Result<std::vector<Reindexed>>> derived(4);
    const size_t workers = PipelineWorkers();
    std::atomic<size_t> running{workers};
    Status reading;
    std::vector<std::jthread> threads;
    // However this ends (an error, an exception, even in starting a thread), the queues are
    // closed before the threads are joined (declared after them, so destroyed first).
    struct Release {
      BoundedQueue<std::vector<StoredRecord>>& read;
      BoundedQueue<Result<std::vector<Reindexed>>>& derived;
      void operator()() {
        read.Close();
        derived.Close();
      }
      ~Release() { (*this)(); }
    } release{read, derived};
    threads.emplace_back([&] {
      std::vector<StoredRecord> batch;
      auto hand_over = [&]() -> Status {
        if (!batch.empty() && !read.Push(std::move(batch)))
          return Fail(ErrorCode::kInternal, "reindex stopped", "đã dừng dựng lại chỉ mục");
        batch = {};
        return Ok();
      };
      for (RecordClass cls : {RecordClass::kItem, RecordClass::kOrganisation, RecordClass::kArea}) {
        // Reads stream from a reader connection while the writer rewrites (WAL allows both).
        reading = store_.ForEach(cls, [&](const StoredRecord& r) -> Status {
          batch.push_back(r);
          return batch.size() >= kReindexBatch ? hand_over() : Ok();
        });
        if (!reading) break;
      }
      if (reading) reading = hand_over();
      read.Close();
    });
    for (size_t i = 0; i < workers; ++i) {
      threads.emplace_back([&] {
        while (std::optional<std::vector<StoredRecord>> batch = read.Pop()) {
          Result<std::vector<Reindexed>> out = std::vector<Reindexed>();
          try {
            out->reserve(batch->size());
            for (const StoredRecord& r : *batch) {
              // A deleted record's row becomes a removal; nothing to derive.
              if (r.deleted) out->push_back({r.pid, {}, {}});
              else out->push_back({r.pid, TermsOf(r.document), search::BuildSearchDocument(*schema_, r.pid, r.document)});
            }
          } catch (const std::exception& e) {
            out = Fail(ErrorCode::kInternal, std::string("reindex failed: ") + e.what(),
                       std::string("dựng lại chỉ mục thất bại: ") + e.what());
          }
          if (!derived.Push(std::move(out))) break;
        }
        if (--running == 0) derived.Close();
      });
    }
    while (std::optional<Result<std::vector<Reindexed>>> batch = derived.Pop()) {
      if (!*batch) return std::unexpected(batch->error());
      for (const Reindexed& r : **batch) {
        TRY(w.Reindex(r.pid, r.terms, r.search));
        ++n;
      }
    }
    release();
    for (std::jthread& t : threads) t.join();
    TRY(reading);
    return w.PutSetting("search_reindex_required", "0");
  }));
  return n;
}

Result<StoredRecord> Catalogue::Create(RecordClass cls, const json& input, const Actor& actor,
                                       const std::string& reason) {
  if (input.is_object() && input.contains("pid")) {
    return Fail(Error{ErrorCode::kInvalid, "the identifier is assigned by Disan",
                      "mã định danh do hệ thống cấp",
                      {{"/pid", "read_only", "must not be sent when creating a record",
                        "không được gửi khi tạo bản ghi"}}});
  }
  std::string pid;
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    pid = TRY(CreateIn(w, cls, input, InputLeniency::kStrict, actor, reason));
    return Ok();
  }));
  return store_.Get(pid);
}

Result<StoredRecord> Catalogue::Update(
    RecordClass cls, const std::string& pid,
    const std::function<Result<json>(const StoredRecord&)>& next, RevisionAction action,
    std::optional<int64_t> expected_revision, const Actor& actor, const std::string& reason) {
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    TRY(UpdateIn(w, cls, pid, next, action, expected_revision, actor, reason));
    return Ok();
  }));
  return store_.Get(pid);
}

Result<int64_t> Catalogue::UpdateIn(
    StoreWriter& w, RecordClass cls, const std::string& pid,
    const std::function<Result<json>(const StoredRecord&)>& next, RevisionAction action,
    std::optional<int64_t> expected_revision, const Actor& actor, const std::string& reason) {
  StoredRecord current = TRY(w.Get(pid));
  if (current.cls != cls) return NotFound(pid);
  if (current.deleted && action == RevisionAction::kUpdate) {
    return Fail(ErrorCode::kGone, "record " + pid + " was deleted: " + current.delete_reason,
                "bản ghi " + pid + " đã bị xóa: " + current.delete_reason);
  }
  if (current.deleted && action == RevisionAction::kDelete) {
    return Fail(ErrorCode::kGone, "record " + pid + " is already deleted",
                "bản ghi " + pid + " đã bị xóa trước đó");
  }
  RecordWrite write;
  write.pid = pid;
  write.cls = cls;
  write.action = action;
  write.expected_revision = expected_revision;
  write.author = actor.name;
  write.reason = reason;
  write.kind = current.kind;
  if (action != RevisionAction::kDelete) {
    json input = TRY(next(current));
    Validated v = TRY(ValidateWithRefs(w, cls, input, InputLeniency::kStrict));
    write.kind = v.document["kind"].get<std::string>();
    write.terms = TermsOf(v.document);
    write.search = search::BuildSearchDocument(*schema_, pid, v.document);
    write.document = std::move(v.document);
  }
  RecordChange change{action, cls, pid, &current,
                      action == RevisionAction::kDelete ? nullptr : &write.document};
  if (actor.authorise) TRY(actor.authorise(change));
  int64_t revision = TRY(w.Put(write));
  if (observer_) TRY(observer_(w, change, actor, reason));
  return revision;
}

Result<StoredRecord> Catalogue::Replace(RecordClass cls, const std::string& pid, const json& input,
                                        int64_t expected_revision, const Actor& actor,
                                        const std::string& reason) {
  if (input.is_object() && input.contains("pid") && input["pid"] != pid) {
    return Fail(Error{ErrorCode::kInvalid, "the body's pid differs from the URL's",
                      "pid trong nội dung khác với pid trong địa chỉ",
                      {{"/pid", "read_only", "must be " + pid + " or absent",
                        "phải là " + pid + " hoặc bỏ trống"}}});
  }
  // The lifecycle state is not part of what an editor sends: a document without one keeps
  // the record's (it would otherwise fall back to the schema's default).
  return Update(
      cls, pid,
      [&](const StoredRecord& current) -> Result<json> {
        json doc = input;
        if (doc.is_object() && !doc.contains("status") && current.document.contains("status")) {
          doc["status"] = current.document["status"];
        }
        return doc;
      },
      RevisionAction::kUpdate, expected_revision, actor, reason);
}

Result<StoredRecord> Catalogue::Patch(RecordClass cls, const std::string& pid, const json& patch,
                                      int64_t expected_revision, const Actor& actor,
                                      const std::string& reason) {
  if (!patch.is_object()) {
    return Fail(ErrorCode::kInvalid, "a merge patch must be a JSON object",
                "bản vá (merge patch) phải là đối tượng JSON");
  }
  return Update(
      cls, pid,
      [&](const StoredRecord& current) -> Result<json> {
        json doc = current.document;
        doc.merge_patch(WithoutSystemFields(patch));
        return doc;
      },
      RevisionAction::kUpdate, expected_revision, actor, reason);
}

Result<StoredRecord> Catalogue::Delete(RecordClass cls, const std::string& pid,
                                       std::optional<int64_t> expected_revision,
                                       const Actor& actor, const std::string& reason) {
  if (Trim(reason).empty()) {
    return Fail(Error{ErrorCode::kInvalid, "a reason is required to delete a record",
                      "cần nêu lý do khi xóa bản ghi",
                      {{"reason", "required", "is required", "là trường bắt buộc"}}});
  }
  return Update(cls, pid, nullptr, RevisionAction::kDelete, expected_revision, actor, reason);
}

Result<StoredRecord> Catalogue::Restore(RecordClass cls, const std::string& pid, int64_t revision,
                                        std::optional<int64_t> expected_revision,
                                        const Actor& actor, const std::string& reason) {
  Revision old = TRY(GetRevision(cls, pid, revision, actor));
  std::string why = reason.empty() ? "restore revision " + std::to_string(revision) : reason;
  return Update(cls, pid, [&](const StoredRecord&) -> Result<json> { return old.snapshot; },
                RevisionAction::kRestore, expected_revision, actor, why);
}

Result<std::vector<Revision>> Catalogue::History(RecordClass cls, const std::string& pid,
                                                 const Actor& actor) {
  TRY(Get(cls, pid, actor));
  return store_.History(pid);
}

Result<Revision> Catalogue::GetRevision(RecordClass cls, const std::string& pid, int64_t number,
                                        const Actor& actor) {
  StoredRecord current = TRY(Get(cls, pid, actor));
  Revision revision = TRY(store_.GetRevision(pid, number));
  // An old revision may predate the site being marked sensitive: the current marking counts.
  if (actor.audience == Audience::kPublic) {
    RedactDocument(revision.snapshot,
                   current.document.value("location_precision", "exact") == "generalised");
  }
  return revision;
}

Result<std::vector<FieldChange>> Catalogue::Diff(RecordClass cls, const std::string& pid,
                                                 int64_t from, int64_t to, const Actor& actor) {
  Revision a = TRY(GetRevision(cls, pid, from, actor));
  Revision b = TRY(GetRevision(cls, pid, to, actor));
  return DiffRecords(a.snapshot, b.snapshot);
}

Result<std::string> Catalogue::IssueToken(const std::string& label) {
  unsigned char random[24];
  if (RAND_bytes(random, sizeof random) != 1) {
    return Fail(ErrorCode::kInternal, "no randomness for a token", "không tạo được mã truy cập");
  }
  static const char* alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
  std::string token = "disan_";
  for (unsigned char r : random) token += alphabet[r % 32];
  TRY(store_.Write([&](StoreWriter& w) { return w.PutToken(auth::HashSecret(token), label); }));
  return token;
}

Result<std::optional<std::string>> Catalogue::CheckToken(const std::string& token) {
  if (token.empty() || token.size() > 200) return std::optional<std::string>();
  return store_.FindToken(auth::HashSecret(token));
}

}  // namespace disan
