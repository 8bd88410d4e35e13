#include "catalogue/catalogue.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <set>

#include "core/pid.h"
#include "core/text.h"

namespace disan {

using nlohmann::json;

namespace {

// Fields the system owns; clients may send them back as they read them, but they are not
// part of the validated document.
constexpr const char* kSystemFields[] = {"pid", "class", "revision", "created_at", "updated_at",
                                         "deleted", "links"};

json WithoutSystemFields(const json& input) {
  if (!input.is_object()) return input;
  json out = input;
  for (const char* f : kSystemFields) out.erase(f);
  return out;
}

std::string Sha256Hex(const std::string& s) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(s.data(), s.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
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

bool Catalogue::IsPublic(const StoredRecord& r) {
  return r.document.value("visibility", "public") == "public" &&
         r.document.value("status", "published") == "published";
}

std::vector<FilterTerm> Catalogue::TermsOf(const json& d) {
  std::set<std::pair<std::string, std::string>> terms;
  auto add = [&](const std::string& field, const json& v) {
    if (v.is_string() && !v.get_ref<const std::string&>().empty()) {
      terms.emplace(field, v.get<std::string>());
    }
  };
  add("kind", d.value("kind", json()));
  add("status", d.value("status", json()));
  add("visibility", d.value("visibility", json()));
  add("custodian", d.value("custodian", json()));
  for (const json& r : d.value("recognitions", json::array())) add("level", r.value("level", json()));
  for (const json& e : d.value("ethnic_groups", json::array())) add("ethnic", e);
  for (const json& a : d.value("areas", json::array())) add("area", a);
  for (const json& p : d.value("places", json::array())) {
    for (const char* f : {"province_2025", "commune_2025", "province_old", "district_old",
                          "commune_old", "province_2025_code", "commune_2025_code",
                          "province_old_code"}) {
      if (p.contains(f)) add("place", Fold(p[f].get<std::string>()));
    }
  }
  for (const json& l : d.value("legacy_ids", json::array())) {
    add("legacy", Fold(l.value("value", "")));
  }
  std::vector<FilterTerm> out;
  for (const auto& [f, v] : terms) out.push_back({f, v});
  return out;
}

Result<Validated> Catalogue::ValidateWithRefs(StoreWriter& writer, RecordClass cls,
                                              const json& input, InputLeniency leniency) {
  Validated v = TRY(schema_->Validate(cls, input, leniency));
  std::vector<FieldError> problems;
  for (const RecordRef& ref : v.refs) {
    Result<StoredRecord> target = writer.Get(ref.pid);
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
  return v;
}

Result<std::string> Catalogue::CreateIn(StoreWriter& writer, RecordClass cls, const json& input,
                                        InputLeniency leniency, const Actor& actor,
                                        const std::string& reason) {
  Validated v = TRY(ValidateWithRefs(writer, cls, WithoutSystemFields(input), leniency));
  std::string pid;
  if (input.is_object() && input.contains("pid")) {
    if (!input["pid"].is_string()) {
      return Fail(Error{ErrorCode::kInvalid, "pid must be a string", "pid phải là chuỗi ký tự",
                        {{"/pid", "type", "must be a string", "phải là chuỗi ký tự"}}});
    }
    Result<std::string> parsed = ParsePid(input["pid"].get<std::string>());
    if (!parsed) {
      return Fail(Error{ErrorCode::kInvalid, parsed.error().message_en, parsed.error().message_vi,
                        {{"/pid", "pid", parsed.error().message_en, parsed.error().message_vi}}});
    }
    pid = *parsed;
    TRY(writer.ReservePid(pid));
  } else {
    // 29^8 identifiers: a collision is rare, but a minted PID is never reused, so retry.
    for (int attempt = 0;; ++attempt) {
      pid = MintPid(namespace_);
      Status reserved = writer.ReservePid(pid);
      if (reserved) break;
      if (reserved.error().code != ErrorCode::kConflict || attempt == 10) {
        return std::unexpected(reserved.error());
      }
    }
  }
  RecordWrite w;
  w.pid = pid;
  w.cls = cls;
  w.kind = v.document["kind"].get<std::string>();
  w.action = RevisionAction::kCreate;
  w.terms = TermsOf(v.document);
  w.document = std::move(v.document);
  w.author = actor.name;
  w.reason = reason;
  TRY(writer.Put(w));
  return pid;
}

Result<StoredRecord> Catalogue::Get(RecordClass cls, const std::string& pid, const Actor& actor) {
  StoredRecord r = TRY(store_.Get(pid));
  if (r.cls != cls) return NotFound(pid);
  if (actor.audience == Audience::kPublic && !IsPublic(r)) return NotFound(pid);
  return r;
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
  return store_.List(q);
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
      Validated v = TRY(ValidateWithRefs(w, cls, WithoutSystemFields(input), InputLeniency::kStrict));
      write.kind = v.document["kind"].get<std::string>();
      write.terms = TermsOf(v.document);
      write.document = std::move(v.document);
    }
    TRY(w.Put(write));
    return Ok();
  }));
  return store_.Get(pid);
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
  return Update(cls, pid, [&](const StoredRecord&) -> Result<json> { return input; },
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
  TRY(Get(cls, pid, actor));
  return store_.GetRevision(pid, number);
}

Result<std::vector<FieldChange>> Catalogue::Diff(RecordClass cls, const std::string& pid,
                                                 int64_t from, int64_t to, const Actor& actor) {
  Revision a = TRY(GetRevision(cls, pid, from, actor));
  Revision b = TRY(store_.GetRevision(pid, to));
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
  TRY(store_.Write([&](StoreWriter& w) { return w.PutToken(Sha256Hex(token), label); }));
  return token;
}

Result<std::optional<std::string>> Catalogue::CheckToken(const std::string& token) {
  if (token.empty() || token.size() > 200) return std::optional<std::string>();
  return store_.FindToken(Sha256Hex(token));
}

}  // namespace disan
