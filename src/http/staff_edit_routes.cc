// Handlers of the record forms: read the record (or nothing, for a new one), draw the form from
// the schema, and on a post turn the form into the document the catalogue validates and
// writes with the same Catalogue calls as the JSON API (so the same permission checks, the
// same validation, the same revision check). The hidden "revision" field is the form's
// If-Match: a form opened before someone else saved is refused, nothing is written, and the
// page shows what they changed with the person's own input kept.
#include "http/staff_edit_routes.h"

#include <charconv>

#include "core/pid.h"
#include "core/text.h"
#include "http/portal_routes.h"
#include "http/problem.h"
#include "http/staff_form.h"
#include "http/staff_lifecycle_routes.h"
#include "http/staff_page.h"
#include "media/media_service.h"
#include "portal/pages.h"
#include "portal/renderer.h"
#include "workflow/contributions.h"
#include "workflow/lifecycle.h"

namespace disan::http {
namespace {

using nlohmann::json;
using portal::Lang;
using namespace staff;  // the helpers every staff page shares (staff_page.h)

// A record form: every field of a record; below the server's own body limit (1 MiB by
// default) so that a bigger one gets the form again with the message.
constexpr size_t kMaxRecordForm = 768 * 1024;

// What the page shows beside the form.
struct FormState {
  int status = 200;
  json message;                    // a message box, or null
  std::vector<FieldError> errors;  // the catalogue's validation messages
  json changed = json::array();    // a stale form: what the other person changed
  std::string reason;              // the reason for the change, as typed
};

json ErrorSummary(const std::vector<FieldError>& errors, Lang lang) {
  json out = json::array();
  for (const FieldError& e : errors) {
    out.push_back({{"path", e.path},
                   {"href", "#" + InputId(e.path)},
                   {"text", lang == Lang::kVi ? e.message_vi : e.message_en},
                   {"other", lang == Lang::kVi ? e.message_en : e.message_vi},
                   {"other_lang", std::string(portal::LangCode(portal::OtherLang(lang)))}});
  }
  return out;
}

std::string KindLabel(const Schema& schema, RecordClass cls, const std::string& kind, Lang lang) {
  const Term* t = schema.KindVocabulary(cls).FindId(kind);
  return t ? (lang == Lang::kVi ? t->label_vi : t->label_en) : kind;
}

// Where the empty form of a new record of `cls` and `kind` is: items under the new-record path
// directly, organisations and areas under a segment of their own.
constexpr std::string_view kNewOrganisationSegment = "to-chuc";
constexpr std::string_view kNewAreaSegment = "khu-vuc";

std::string NewRecordPath(RecordClass cls, const std::string& kind) {
  std::string base = std::string(kStaffNewRecordPath) + "/";
  if (cls == RecordClass::kOrganisation) base += std::string(kNewOrganisationSegment) + "/";
  if (cls == RecordClass::kArea) base += std::string(kNewAreaSegment) + "/";
  return base + PercentEncode(kind);
}

// Record links typed as names: each "ref" input that is not a PID is looked up among the
// records of its class (the same search as /api/v1/suggest) and replaced by the PID of the one
// record that has exactly that name (NFC, spaces around it ignored). An unknown or ambiguous
// name is an error beside its input, in both languages, and the form keeps what was typed.
std::vector<FieldError> ResolveRecordLinks(Context& ctx, RecordClass cls, const std::string& kind,
                                           json& document) {
  std::vector<FieldError> errors;
  for (const RefInput& ref : RefInputs(ctx.catalogue.schema(), cls, kind, document)) {
    const std::string typed(Trim(ref.text));
    if (typed.empty() || ParsePid(typed)) continue;  // a PID: the catalogue checks its target
    const std::string name = ToNfc(typed).value_or(typed);
    std::vector<std::string> exact;
    if (auto found = ctx.catalogue.Suggest(name, 20, ctx.actor, ref.cls)) {
      for (const auto& [pid, preferred] : *found) {
        Result<StoredRecord> r = ctx.catalogue.store().Get(pid);
        if (!r) continue;
        for (const json& n : r->document.value("names", json::array())) {
          if (n.is_object() && n.value("value", "") == name) {
            exact.push_back(pid);
            break;
          }
        }
      }
    }
    if (exact.size() == 1) {
      document[json::json_pointer(ref.path)] = exact[0];
      continue;
    }
    const std::string shown = name.substr(0, 200);
    const bool none = exact.empty();
    const std::string of_en = std::string(RecordClassName(ref.cls));
    const std::string of_vi = ref.cls == RecordClass::kOrganisation ? "tổ chức"
                               : ref.cls == RecordClass::kArea      ? "khu vực"
                                                                    : "di sản";
    errors.push_back(
        {ref.path, none ? "unknown_name" : "ambiguous_name",
         none ? "no " + of_en + " is named '" + shown +
                    "': type its PID or its exact name (suggestions appear as you type)"
              : std::to_string(exact.size()) + " records (" + of_en + ") are named '" + shown +
                    "': type the PID of the one you mean",
         none ? "không có " + of_vi + " nào tên '" + shown +
                    "': hãy nhập mã PID hoặc đúng tên (gợi ý hiện ra khi gõ)"
              : "có " + std::to_string(exact.size()) + " bản ghi (" + of_vi + ") tên '" + shown +
                    "': hãy nhập mã PID của bản ghi bạn muốn"});
  }
  return errors;
}

// The form refused for its record links: 422, the messages beside the inputs.
FormState RecordLinkErrors(Lang lang, std::vector<FieldError> errors, std::string reason) {
  FormState state;
  state.status = 422;
  const std::string n = std::to_string(errors.size());
  state.message = Message(lang, "error",
                          "Nothing was saved: " + n + " record link(s) name no single record.",
                          "Chưa lưu: " + n + " liên kết bản ghi không chỉ đúng một bản ghi.");
  state.errors = std::move(errors);
  state.reason = std::move(reason);
  return state;
}

// The linked record's name beside each record link of the form (staff see every record).
void NameRecordLinks(Context& ctx, json& rows, Lang lang) {
  for (json& row : rows) {
    if (!row.contains("ref_class")) continue;
    const std::string value = row.value("value", "");
    if (value.empty() || !ParsePid(value)) continue;
    if (Result<StoredRecord> r = ctx.catalogue.store().Get(value); r && !r->deleted) {
      row["ref_name"] = portal::DisplayName(r->document, lang);
    }
  }
}

// The media section of an item's form: its files and the upload form the script drives.
json MediaModel(Context& ctx, const StoredRecord& record) {
  json out = {{"upload_url", "/api/v1/items/" + record.pid + "/media"},
              {"max_bytes", ctx.media ? std::to_string(ctx.media->max_file_bytes()) : "0"},
              {"available", ctx.media != nullptr},
              {"may_upload",
               auth::Allows(ctx.principal, auth::Action::kAddMedia, workflow::TargetOf(record))}};
  json files = json::array();
  if (ctx.media) {
    if (Result<std::vector<MediaAsset>> list = ctx.media->List(record.pid, ctx.actor)) {
      for (const MediaAsset& a : *list) {
        files.push_back({{"id", a.id},
                         {"name", a.original_name.empty() ? a.id : a.original_name},
                         {"media_type", a.media_type},
                         {"size", std::to_string(a.size)},
                         {"role", a.role}});
      }
    }
  }
  out["has_files"] = !files.empty();
  out["files"] = files;
  return out;
}

// The form page: `record` is the stored record (nullptr for a new one), `document` what the
// inputs show (the stored document, or what the person sent), `revision` the hidden field.
Response FormPage(const Request& req, Context& ctx, RecordClass cls, const std::string& kind,
                  const StoredRecord* record, const json& document, int64_t revision,
                  FormState state) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  const Schema& schema = ctx.catalogue.schema();
  std::string name = record ? portal::DisplayName(record->document, lang) : "";
  if (record && name.empty()) name = record->pid;
  std::string title = record
                          ? Tr(lang, "staff_edit_title") + ": " + name
                          : Tr(lang, "staff_new_title") + ": " + KindLabel(schema, cls, kind, lang);
  json model = portal::CommonModel(p, title, Tr(lang, "staff_edit_intro"));
  model["signed_in_as"] = ctx.actor.name;
  model["csrf"] = CsrfOf(ctx);
  model["heading"] = title;
  model["message"] = std::move(state.message);
  model["kind_label"] = KindLabel(schema, cls, kind, lang);
  model["action"] = record ? StaffEditPath(record->pid) : NewRecordPath(cls, kind);
  model["is_new"] = record == nullptr;
  model["revision"] = std::to_string(revision);
  model["reason"] = state.reason;
  model["rows"] = FormRows(schema, cls, kind, document, state.errors, lang);
  NameRecordLinks(ctx, model["rows"], lang);
  model["error_summary"] = ErrorSummary(state.errors, lang);
  model["changed"] = std::move(state.changed);
  if (record) {
    model["pid"] = record->pid;
    model["state"] =
        Tr(lang, "staff_record_state_" + record->document.value("status", "published"));
    if (!record->deleted) model["public_href"] = portal::RecordPath(*record);
    if (cls == RecordClass::kItem && !record->deleted) model["media"] = MediaModel(ctx, *record);
    if (!record->deleted) model["lifecycle"] = StaffLifecycleModel(ctx, *record, lang);
  }
  return StaffPage(state.status, "staff_edit", std::move(model), req, ctx, p);
}

// A page without a form: the error alone.
Response ErrorPage(const Request& req, Context& ctx, const Error& e) {
  const int status = StatusFor(e.code);
  return StaffRecordMessagePage(req, ctx, status == 422 ? 404 : status,
                                ErrorMessage(PortalPageRequest(req, ctx.services).lang, e));
}

Response GetEdit(const Request& req, Context& ctx) {
  Result<StoredRecord> r = StaffRecordOf(req, ctx);
  if (!r) return ErrorPage(req, ctx, r.error());
  FormState state;
  Lang lang = PortalPageRequest(req, ctx.services).lang;
  if (req.Query("saved")) {
    state.message = Message(lang, "ok", "The record is saved.", "Đã lưu bản ghi.");
  } else if (req.Query("moved")) {
    state.message = Message(
        lang, "ok",
        "The record is now " +
            Tr(Lang::kEn, "staff_record_state_" + r->document.value("status", "published")) + ".",
        "Bản ghi đã chuyển sang trạng thái " +
            Tr(Lang::kVi, "staff_record_state_" + r->document.value("status", "published")) + ".");
  } else if (req.Query("created")) {
    state.message = r->cls == RecordClass::kItem
                        ? Message(lang, "ok", "The record is created as a draft.",
                                  "Đã tạo bản ghi ở trạng thái nháp.")
                        : Message(lang, "ok", "The record is created.", "Đã tạo bản ghi.");
  }
  const std::string kind = r->document.value("kind", "");
  return FormPage(req, ctx, r->cls, kind, &*r, r->document, r->revision, std::move(state));
}

// The document to write: the form's fields, and whatever the stored record has that the form
// does not show (its status, its kind), as it is.
json MergedDocument(const Schema& schema, const StoredRecord& stored, const std::string& kind,
                    const json& from_form) {
  json body = from_form;
  std::vector<std::string> shown = FormFieldNames(schema, stored.cls, kind);
  for (const auto& [k, v] : stored.document.items()) {
    if (std::find(shown.begin(), shown.end(), k) == shown.end()) body[k] = v;
  }
  return body;
}

Response PostEdit(const Request& req, Context& ctx) {
  Result<StoredRecord> stored = StaffRecordOf(req, ctx);
  if (!stored) return ErrorPage(req, ctx, stored.error());
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  const Schema& schema = ctx.catalogue.schema();
  const RecordClass cls = stored->cls;
  const std::string kind = stored->document.value("kind", "");
  FormState state;
  Result<Form> form = FormOf(req, kMaxRecordForm);
  if (!form) {
    state.status = FormStatus(form.error());
    state.message = ErrorMessage(lang, form.error());
    return FormPage(req, ctx, cls, kind, &*stored, stored->document, stored->revision,
                    std::move(state));
  }
  const json typed = DocumentFromForm(schema, cls, kind, *form);
  state.reason = FieldOf(*form, "reason").substr(0, 2000);
  Result<int64_t> revision = StaffFormRevision(*form);
  if (!PostAllowed(ctx, *form) || !revision) {
    const Error& e = !revision ? revision.error() : StaleForm();
    state.status = !revision ? 422 : 400;
    state.message = ErrorMessage(lang, e);
    return FormPage(req, ctx, cls, kind, &*stored, typed, revision.value_or(stored->revision),
                    std::move(state));
  }
  json sent = typed;
  if (std::vector<FieldError> links = ResolveRecordLinks(ctx, cls, kind, sent); !links.empty()) {
    return FormPage(req, ctx, cls, kind, &*stored, typed, *revision,
                    RecordLinkErrors(lang, std::move(links), state.reason));
  }
  Result<StoredRecord> saved =
      ctx.catalogue.Replace(cls, stored->pid, MergedDocument(schema, *stored, kind, sent),
                            *revision, ctx.actor, state.reason);
  if (saved) return SeeOther(StaffEditPath(stored->pid) + "?saved=1");
  const Error& e = saved.error();
  if (e.code == ErrorCode::kPreconditionFailed) {
    // Someone saved since the form was opened: nothing is written; show what they changed,
    // keep this person's input, and let a second save be a conscious one.
    state.status = 409;
    const std::string from = std::to_string(*revision);
    const std::string to = std::to_string(stored->revision);
    state.message = Message(
        lang, "error",
        "Someone else saved this record after you opened the form (revision " + from + " → " + to +
            "). Nothing was saved. Their changes are listed below and your input is kept: "
            "check it and save again to replace their version.",
        "Người khác đã lưu bản ghi này sau khi bạn mở biểu mẫu (phiên bản " + from + " → " + to +
            "). Chưa có gì được lưu. Các thay đổi của họ ở bên dưới và nội dung bạn nhập vẫn được "
            "giữ: hãy kiểm tra rồi lưu lại để thay bản của họ.");
    if (Result<std::vector<FieldChange>> diff =
            ctx.catalogue.Diff(cls, stored->pid, *revision, stored->revision, ctx.actor)) {
      for (const FieldChange& c : *diff) {
        state.changed.push_back(
            {{"path", c.path}, {"before", ValueText(c.before)}, {"after", ValueText(c.after)}});
      }
    }
    return FormPage(req, ctx, cls, kind, &*stored, sent, stored->revision, std::move(state));
  }
  state.status = StatusFor(e.code);
  state.message = ErrorMessage(lang, e);
  state.errors = e.fields;
  return FormPage(req, ctx, cls, kind, &*stored, sent, *revision, std::move(state));
}

// ---- New records ----

Response NewRecordChooser(const Request& req, Context& ctx) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  json model = portal::CommonModel(p, Tr(lang, "staff_new_title"), Tr(lang, "staff_new_intro"));
  model["signed_in_as"] = ctx.actor.name;
  model["csrf"] = CsrfOf(ctx);
  // One list per class of record: heritage items, organisations, areas.
  json classes = json::array();
  for (auto [cls, heading] : {std::pair{RecordClass::kItem, "staff_new_items"},
                              {RecordClass::kOrganisation, "staff_new_organisations"},
                              {RecordClass::kArea, "staff_new_areas"}}) {
    json kinds = json::array();
    for (const Term& t : ctx.catalogue.schema().KindVocabulary(cls).terms) {
      kinds.push_back({{"href", NewRecordPath(cls, t.id)},
                       {"label", lang == Lang::kVi ? t.label_vi : t.label_en}});
    }
    classes.push_back({{"heading", Tr(lang, heading)},
                       {"id", "new-" + std::string(RecordClassName(cls))},
                       {"kinds", kinds}});
  }
  model["classes"] = classes;
  return StaffPage(200, "staff_new", std::move(model), req, ctx, p);
}

// The class a new-record path names: items have no segment of their own.
Result<RecordClass> ClassOf(const Request& req) {
  auto it = req.params.find("class");
  if (it == req.params.end()) return RecordClass::kItem;
  if (it->second == kNewOrganisationSegment) return RecordClass::kOrganisation;
  if (it->second == kNewAreaSegment) return RecordClass::kArea;
  return Fail(ErrorCode::kNotFound,
              "'" + it->second.substr(0, 64) + "' is not a class of record (to-chuc, khu-vuc)",
              "'" + it->second.substr(0, 64) + "' không phải loại bản ghi (to-chuc, khu-vuc)");
}

Result<std::string> KindOf(const Request& req, const Schema& schema, RecordClass cls) {
  const std::string& kind = req.params.at("kind");
  const Vocabulary& kinds = schema.KindVocabulary(cls);
  if (!kinds.FindId(kind)) {
    std::string list;
    for (const Term& t : kinds.terms) list += (list.empty() ? "" : ", ") + t.id;
    return Fail(ErrorCode::kNotFound,
                "'" + kind.substr(0, 64) + "' is not a kind of " +
                    std::string(RecordClassName(cls)) + " (" + list + ")",
                "'" + kind.substr(0, 64) + "' không phải loại hợp lệ (" + list + ")");
  }
  return kind;
}

Response GetNew(const Request& req, Context& ctx) {
  Result<RecordClass> cls = ClassOf(req);
  if (!cls) return ErrorPage(req, ctx, cls.error());
  Result<std::string> kind = KindOf(req, ctx.catalogue.schema(), *cls);
  if (!kind) return ErrorPage(req, ctx, kind.error());
  return FormPage(req, ctx, *cls, *kind, nullptr, json::object(), 0, {});
}

// Creates the record: an item as a draft (the lifecycle publishes it); an organisation or an
// area with the schema's default state, as POST /api/v1/organisations and /areas do (the
// lifecycle moves items only).
Response PostNew(const Request& req, Context& ctx) {
  Result<RecordClass> cls = ClassOf(req);
  if (!cls) return ErrorPage(req, ctx, cls.error());
  Result<std::string> kind = KindOf(req, ctx.catalogue.schema(), *cls);
  if (!kind) return ErrorPage(req, ctx, kind.error());
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  FormState state;
  Result<Form> form = FormOf(req, kMaxRecordForm);
  if (!form) {
    state.status = FormStatus(form.error());
    state.message = ErrorMessage(lang, form.error());
    return FormPage(req, ctx, *cls, *kind, nullptr, json::object(), 0, std::move(state));
  }
  json sent = DocumentFromForm(ctx.catalogue.schema(), *cls, *kind, *form);
  state.reason = FieldOf(*form, "reason").substr(0, 2000);
  if (!PostAllowed(ctx, *form)) {
    state.status = 400;
    state.message = ErrorMessage(lang, StaleForm());
    return FormPage(req, ctx, *cls, *kind, nullptr, sent, 0, std::move(state));
  }
  json body = sent;
  if (std::vector<FieldError> links = ResolveRecordLinks(ctx, *cls, *kind, body); !links.empty()) {
    return FormPage(req, ctx, *cls, *kind, nullptr, sent, 0,
                    RecordLinkErrors(lang, std::move(links), state.reason));
  }
  body["kind"] = *kind;
  if (*cls == RecordClass::kItem) body["status"] = "draft";
  Result<StoredRecord> created = ctx.catalogue.Create(*cls, body, ctx.actor, state.reason);
  if (created) return SeeOther(StaffEditPath(created->pid) + "?created=1");
  state.status = StatusFor(created.error().code);
  state.message = ErrorMessage(lang, created.error());
  state.errors = created.error().fields;
  return FormPage(req, ctx, *cls, *kind, nullptr, sent, 0, std::move(state));
}

}  // namespace

Response StaffRecordMessagePage(const Request& req, Context& ctx, int status, json message) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  json model = portal::CommonModel(p, Tr(p.lang, "staff_edit_title"), "");
  model["signed_in_as"] = ctx.actor.name;
  model["csrf"] = CsrfOf(ctx);
  model["heading"] = Tr(p.lang, "staff_edit_title");
  model["message"] = std::move(message);
  return StaffPage(status, "staff_edit", std::move(model), req, ctx, p);
}

Response StaffRecordErrorPage(const Request& req, Context& ctx, const Error& error) {
  return ErrorPage(req, ctx, error);
}

Response StaffRecordPage(const Request& req, Context& ctx, const StoredRecord& record, int status,
                         json message) {
  if (!auth::Allows(ctx.principal, auth::Action::kEditRecord, workflow::TargetOf(record))) {
    return StaffRecordMessagePage(req, ctx, status, std::move(message));
  }
  FormState state;
  state.status = status;
  state.message = std::move(message);
  return FormPage(req, ctx, record.cls, record.document.value("kind", ""), &record, record.document,
                  record.revision, std::move(state));
}

std::string StaffEditPath(const std::string& pid) {
  return std::string(kStaffRecordPrefix) + pid + std::string(kStaffEditSuffix);
}

Result<StoredRecord> StaffRecordOf(const Request& req, Context& ctx) {
  Result<std::string> pid = ParsePid(req.params.at("pid"));
  if (!pid) {
    return Fail(
        workflow::FieldInvalid("pid", "pid", pid.error().message_en, pid.error().message_vi));
  }
  StoredRecord raw = TRY(ctx.catalogue.store().Get(*pid));
  StoredRecord r = TRY(ctx.catalogue.Get(raw.cls, *pid, ctx.actor));
  if (r.deleted) {
    return Fail(ErrorCode::kGone, "record " + r.pid + " was deleted",
                "bản ghi " + r.pid + " đã bị xóa");
  }
  return r;
}

Result<int64_t> StaffFormRevision(const Form& form) {
  const std::string text = FieldOf(form, "revision");
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 1) {
    return Fail(workflow::FieldInvalid(
        "revision", "revision", "the form lacks the revision it was opened at; reload the page",
        "biểu mẫu thiếu số phiên bản lúc mở; hãy tải lại trang"));
  }
  return v;
}

void AddStaffEditRoutes(std::vector<Route>& routes) {
  using auth::Action;
  const std::string edit =
      std::string(kStaffRecordPrefix) + "{pid}" + std::string(kStaffEditSuffix);
  const std::string fresh = std::string(kStaffNewRecordPath);
  routes.push_back({"GET", fresh, Access::Of(Action::kCreateRecord), NewRecordChooser});
  routes.push_back({"GET", fresh + "/{kind}", Access::Of(Action::kCreateRecord), GetNew});
  routes.push_back({"POST", fresh + "/{kind}", Access::Of(Action::kCreateRecord), PostNew});
  routes.push_back({"GET", fresh + "/{class}/{kind}", Access::Of(Action::kCreateRecord), GetNew});
  routes.push_back({"POST", fresh + "/{class}/{kind}", Access::Of(Action::kCreateRecord), PostNew});
  routes.push_back({"GET", edit, Access::Of(Action::kEditRecord), GetEdit});
  routes.push_back({"POST", edit, Access::Of(Action::kEditRecord), PostEdit});
}

}  // namespace disan::http
