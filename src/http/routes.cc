#include "http/routes.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "core/pid.h"
#include "core/text.h"
#include "http/auth_routes.h"
#include "http/review_routes.h"
#include "http/staff_routes.h"
#include "http/staff_edit_routes.h"
#include "http/staff_lifecycle_routes.h"
#include "http/staff_admin_routes.h"
#include "http/staff_audit_routes.h"
#include "http/staff_contribution_routes.h"
#include "http/portal_use_routes.h"
#include "http/staff_account_routes.h"
#include "http/content_digest.h"
#include "http/interop_routes.h"
#include "http/portal_routes.h"
#include "http/iiif_routes.h"
#include "http/presentation_routes.h"
#include "http/problem.h"
#include "http/record_text.h"
#include "interop/metadata_formats.h"
#include "media/media_service.h"
#include "portal/pages.h"
#include "auth/audit_log.h"
#include "auth/credentials.h"
#include "workflow/lifecycle.h"

namespace disan::http {

using auth::Action;
using nlohmann::json;

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  int c = strncasecmp(a.data(), b.data(), std::min(a.size(), b.size()));
  return c != 0 ? c < 0 : a.size() < b.size();
}

std::optional<std::string> Request::Header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::optional<std::string> Request::Query(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::vector<std::string> Request::QueryAll(const std::string& name) const {
  std::vector<std::string> out;
  auto [b, e] = query.equal_range(name);
  for (auto it = b; it != e; ++it) {
    for (std::string& v : SplitTrimmed(it->second, ",")) out.push_back(std::move(v));
  }
  return out;
}

// The root URL documents link to: the configured one, else the Host the client used (when it
// is a plain host[:port], so that nothing odd is reflected into documents).
std::string SiteUrl(const Request& req, const Services& services) {
  std::string url = services.public_url;
  if (url.empty()) {
    std::string host = req.Header("Host").value_or("");
    bool plain = !host.empty() && host.size() <= 255 &&
                 std::all_of(host.begin(), host.end(), [](unsigned char c) {
                   return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
                 });
    url = "http://" + (plain ? host : std::string("localhost"));
  }
  while (url.ends_with('/')) url.pop_back();
  return url;
}

namespace {

constexpr size_t kMaxJsonDepth = 64;

Response Json(const json& body, int status = 200) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

std::string ETagFor(const StoredRecord& r) { return "\"r" + std::to_string(r.revision) + "\""; }

std::string CollectionOf(RecordClass cls) {
  switch (cls) {
    case RecordClass::kItem: return "items";
    case RecordClass::kOrganisation: return "organisations";
    case RecordClass::kArea: return "areas";
  }
  return "items";
}

// Takes the record by value: a caller done with it moves it in, and its document becomes the
// answer without a copy of every value (a GET that misses the render cache).
json RenderRecord(StoredRecord r, const Schema& schema) {
  json out = r.document.is_object() ? std::move(r.document) : json::object();
  // The document's own "pid" and "class", if it had any, win, as they always did.
  auto licence = out.find("licence");
  json envelope =
      RecordEnvelope(r, CollectionOf(r.cls), schema, licence != out.end() ? &*licence : nullptr,
                     out.contains("pid"), out.contains("class"));
  for (auto& [key, value] : envelope.items()) out[key] = std::move(value);
  return out;
}

Response RecordResponse(StoredRecord r, const Schema& schema, const std::string& path,
                        int status = 200) {
  if (r.deleted) {
    Error e{ErrorCode::kGone, "record " + r.pid + " was deleted on " + r.updated_at + ": " +
                                  r.delete_reason,
            "bản ghi " + r.pid + " đã bị xóa ngày " + r.updated_at + ": " + r.delete_reason, {}};
    json tombstone = {{"pid", r.pid}, {"deleted_at", r.updated_at}, {"reason", r.delete_reason},
                      {"revision", r.revision}};
    return ProblemResponse(e, path, {{"tombstone", tombstone}});
  }
  const std::string etag = ETagFor(r);
  const int64_t revision = r.revision;
  Response resp = Json(RenderRecord(std::move(r), schema), status);
  resp.SetHeader("ETag", etag);
  resp.SetHeader("Last-Modified-Revision", std::to_string(revision));
  return resp;
}

// 415 unless the body is declared as JSON (or as a merge patch where one is expected).
std::optional<Response> WrongMediaType(const Request& req, bool merge_patch) {
  std::string type = req.Header("Content-Type").value_or("");
  std::string base(Trim(type.substr(0, type.find(';'))));
  for (char& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (base == "application/json" || (merge_patch && base == "application/merge-patch+json")) {
    return std::nullopt;
  }
  std::string want = merge_patch ? "application/merge-patch+json" : "application/json";
  return ProblemResponse(415, "the body must be sent as " + want + ", not '" + type + "'",
                         "nội dung phải gửi dưới dạng " + want + ", không phải '" + type + "'",
                         req.path);
}

// Parses a JSON body, refusing malformed text and hostile nesting.
Result<json> ParseBody(const Request& req) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < req.body.size(); ++i) {
    char c = req.body[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return Fail(ErrorCode::kInvalid, "the JSON body is nested deeper than 64 levels",
                    "nội dung JSON lồng sâu quá 64 cấp");
      }
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    }
  }
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    return Fail(ErrorCode::kInvalid, "the body is not valid JSON", "nội dung không phải JSON hợp lệ");
  }
  return body;
}

Result<int64_t> ParseInt(const std::string& s, const char* name) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) {
    return Fail(Error{ErrorCode::kInvalid, std::string(name) + " must be a whole number",
                      std::string(name) + " phải là số nguyên",
                      {{name, "type", "'" + s + "' is not a whole number",
                        "'" + s + "' không phải số nguyên"}}});
  }
  return v;
}

// If-Match: "r3" (or W/"r3", or *). Missing on an edit: 428, so no edit is ever made blind.
Result<std::optional<int64_t>> ExpectedRevision(const Request& req) {
  std::optional<std::string> h = req.Header("If-Match");
  if (!h) return std::optional<int64_t>();
  std::string v(Trim(*h));
  if (v == "*") return std::optional<int64_t>();
  if (v.starts_with("W/")) v = v.substr(2);
  if (v.size() >= 4 && v.front() == '"' && v.back() == '"' && v[1] == 'r') {
    Result<int64_t> n = ParseInt(v.substr(2, v.size() - 3), "If-Match");
    if (n) return std::optional<int64_t>(*n);
  }
  return Fail(ErrorCode::kInvalid, "If-Match must be an ETag as sent by GET, e.g. \"r3\"",
              "If-Match phải là ETag như GET trả về, ví dụ \"r3\"");
}

std::string ReasonOf(const Request& req) {
  return req.Query("reason").value_or(req.Header("X-Change-Reason").value_or(""));
}

Result<std::string> PidParam(const Request& req) {
  Result<std::string> pid = ParsePid(req.params.at("pid"));
  if (!pid) {
    Error e = pid.error();
    e.fields.push_back({"pid", "pid", e.message_en, e.message_vi});
    return Fail(std::move(e));
  }
  return pid;
}

#define OR_PROBLEM(expr)                                              \
  ({                                                                  \
    auto&& r_ = (expr);                                               \
    if (!r_) return ProblemResponse(r_.error(), req.path);            \
    std::move(r_).value();                                            \
  })

Response ListRecords(RecordClass cls, const Request& req, Context& ctx) {
  ListFilters f;
  f.kinds = req.QueryAll("kind");
  f.levels = req.QueryAll("level");
  f.places = req.QueryAll("place");
  f.custodians = req.QueryAll("custodian");
  f.ethnic_groups = req.QueryAll("ethnic_group");
  f.areas = req.QueryAll("area");
  f.cursor = req.Query("cursor").value_or("");
  if (auto l = req.Query("limit")) {
    int64_t limit = OR_PROBLEM(ParseInt(*l, "limit"));
    if (limit < 1 || limit > static_cast<int64_t>(Catalogue::kMaxPageSize)) {
      return ProblemResponse(Error{ErrorCode::kInvalid, "limit must be between 1 and 500",
                                   "limit phải từ 1 đến 500",
                                   {{"limit", "range", "must be between 1 and 500", "phải từ 1 đến 500"}}},
                             req.path);
    }
    f.limit = static_cast<size_t>(limit);
  }
  const Schema& schema = ctx.catalogue.schema();
  for (const std::string& k : f.kinds) {
    if (!schema.KindVocabulary(cls).FindId(k)) {
      return ProblemResponse(Error{ErrorCode::kInvalid, "unknown kind '" + k + "'",
                                   "loại không tồn tại '" + k + "'",
                                   {{"kind", "unknown_term", "unknown kind '" + k + "'",
                                     "loại không tồn tại '" + k + "'"}}},
                             req.path);
    }
  }
  RecordPage page = OR_PROBLEM(ctx.catalogue.List(cls, f, ctx.actor));
  json items = json::array();
  for (StoredRecord& r : page.records) items.push_back(RenderRecord(std::move(r), schema));
  json out = {{"items", std::move(items)}};
  if (!page.next_cursor.empty()) {
    std::string next = "/api/v1/" + CollectionOf(cls) + "?cursor=" + page.next_cursor +
                       "&limit=" + std::to_string(f.limit);
    for (const auto& [k, v] : req.query) {
      if (k != "cursor" && k != "limit") next += "&" + PercentEncode(k) + "=" + PercentEncode(v);
    }
    out["next_cursor"] = page.next_cursor;
    out["next"] = next;
  }
  return Json(out);
}

// If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"r3" matches "r3"; "*" and
// comma-separated lists are allowed.
bool NoneMatchHits(const std::string& header, const std::string& etag) {
  for (std::string tag : SplitTrimmed(header, ",")) {
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag = tag.substr(2);
    if (tag == etag) return true;
  }
  return false;
}

Response NotModified(const std::string& etag) {
  Response not_modified;
  not_modified.status = 304;
  not_modified.SetHeader("ETag", etag);
  return not_modified;
}

// A record's answer already printed: from the render cache or the stored text.
Response RecordAnswer(std::string body, const std::string& etag, int64_t revision) {
  Response resp;
  resp.body = std::move(body);
  resp.SetHeader("ETag", etag);
  resp.SetHeader("Last-Modified-Revision", std::to_string(revision));
  return resp;
}

Response GetRecord(RecordClass cls, const Request& req, Context& ctx) {
  std::string pid = OR_PROBLEM(PidParam(req));
  // The public's answers are kept per revision (render_cache.h).
  RenderCache* cache = ctx.actor.audience == Audience::kPublic ? ctx.services.render_cache : nullptr;
  const std::string key = cache ? std::string(RecordClassName(cls)) + "/" + pid : "";
  if (cache && cache->Has(key)) {
    Result<int64_t> revision = ctx.catalogue.CurrentRevision(pid);
    if (revision && *revision > 0) {
      if (std::optional<RenderCache::Entry> hit = cache->Find(key, *revision)) {
        if (auto inm = req.Header("If-None-Match"); inm && NoneMatchHits(*inm, hit->etag)) {
          return NotModified(hit->etag);
        }
        return RecordAnswer(std::move(hit->body), hit->etag, *revision);
      }
    }
  }
  if (cache) {
    // The public's answer from the stored text, without parsing it (record_text.h); what it
    // does not take goes the parsed way below.
    Result<MetadataStore::StoredText> stored = ctx.catalogue.GetStoredText(cls, pid);
    if (stored) {
      if (std::optional<std::string> body = RenderPublicText(
              stored->record, stored->document, CollectionOf(cls), ctx.catalogue.schema())) {
        const std::string etag = ETagFor(stored->record);
        cache->Put(key, {stored->record.revision, *body, etag});
        if (auto inm = req.Header("If-None-Match"); inm && NoneMatchHits(*inm, etag)) {
          return NotModified(etag);
        }
        return RecordAnswer(std::move(*body), etag, stored->record.revision);
      }
    }
  }
  StoredRecord r = OR_PROBLEM(ctx.catalogue.Get(cls, pid, ctx.actor));
  if (!r.deleted) {
    if (auto inm = req.Header("If-None-Match"); inm && NoneMatchHits(*inm, ETagFor(r))) {
      return NotModified(ETagFor(r));
    }
  }
  const int64_t revision = r.revision;
  const std::string etag = ETagFor(r);
  Response resp = RecordResponse(std::move(r), ctx.catalogue.schema(), req.path);
  if (cache && resp.status == 200) cache->Put(key, {revision, resp.body, etag});
  return resp;
}

Response CreateRecord(RecordClass cls, const Request& req, Context& ctx) {
  if (auto wrong = WrongMediaType(req, false)) return *wrong;
  json body = OR_PROBLEM(ParseBody(req));
  StoredRecord r = OR_PROBLEM(ctx.catalogue.Create(cls, body, ctx.actor, ReasonOf(req)));
  Response resp = RecordResponse(r, ctx.catalogue.schema(), req.path, 201);
  resp.SetHeader("Location", "/api/v1/" + CollectionOf(cls) + "/" + r.pid);
  return resp;
}

Response EditRecord(RecordClass cls, bool patch, const Request& req, Context& ctx) {
  std::string pid = OR_PROBLEM(PidParam(req));
  if (!req.Header("If-Match")) {
    return ProblemResponse(428,
                           "send If-Match with the ETag you read, so that nobody's edit is lost",
                           "hãy gửi If-Match với ETag đã đọc, để không ghi đè sửa đổi của người khác",
                           req.path);
  }
  std::optional<int64_t> expected = OR_PROBLEM(ExpectedRevision(req));
  if (auto wrong = WrongMediaType(req, patch)) return *wrong;
  json body = OR_PROBLEM(ParseBody(req));
  int64_t rev = expected.value_or(-1);
  Result<StoredRecord> r;
  if (!expected) {
    StoredRecord current = OR_PROBLEM(ctx.catalogue.Get(cls, pid, ctx.actor));
    rev = current.revision;
  }
  r = patch ? ctx.catalogue.Patch(cls, pid, body, rev, ctx.actor, ReasonOf(req))
            : ctx.catalogue.Replace(cls, pid, body, rev, ctx.actor, ReasonOf(req));
  return RecordResponse(OR_PROBLEM(std::move(r)), ctx.catalogue.schema(), req.path);
}

Response DeleteRecord(RecordClass cls, const Request& req, Context& ctx) {
  std::string pid = OR_PROBLEM(PidParam(req));
  std::optional<int64_t> expected = OR_PROBLEM(ExpectedRevision(req));
  std::string reason = ReasonOf(req);
  if (!req.body.empty()) {
    if (auto wrong = WrongMediaType(req, false)) return *wrong;
    json body = OR_PROBLEM(ParseBody(req));
    if (body.is_object() && body.contains("reason") && body["reason"].is_string()) {
      reason = body["reason"].get<std::string>();
    }
  }
  StoredRecord r = OR_PROBLEM(ctx.catalogue.Delete(cls, pid, expected, ctx.actor, reason));
  return Json({{"pid", r.pid}, {"deleted", true}, {"revision", r.revision},
               {"reason", r.delete_reason}, {"deleted_at", r.updated_at}});
}

json RenderRevision(const Revision& v) {
  json out = {{"number", v.number}, {"action", RevisionActionName(v.action)},
              {"author", v.author}, {"reason", v.reason}, {"at", v.at}};
  if (!v.snapshot.is_null()) out["snapshot"] = v.snapshot;
  return out;
}

Response ListRevisions(RecordClass cls, const Request& req, Context& ctx) {
  std::string pid = OR_PROBLEM(PidParam(req));
  std::vector<Revision> revisions = OR_PROBLEM(ctx.catalogue.History(cls, pid, ctx.actor));
  json out = json::array();
  for (const Revision& v : revisions) out.push_back(RenderRevision(v));
  return Json({{"pid", pid}, {"revisions", out}});
}

Response GetRevision(RecordClass cls, const Request& req, Context& ctx) {
  std::string pid = OR_PROBLEM(PidParam(req));
  int64_t n = OR_PROBLEM(ParseInt(req.params.at("n"), "revision"));
  Revision v = OR_PROBLEM(ctx.catalogue.GetRevision(cls, pid, n, ctx.actor));
  return Json(RenderRevision(v));
}

Response DiffRevisions(RecordClass cls, const Request& req, Context& ctx) {
  std::string pid = OR_PROBLEM(PidParam(req));
  auto from_s = req.Query("from");
  auto to_s = req.Query("to");
  if (!from_s || !to_s) {
    return ProblemResponse(Error{ErrorCode::kInvalid, "from and to revisions are required",
                                 "cần tham số from và to (số phiên bản)",
                                 {{from_s ? "to" : "from", "required", "is required",
                                   "là tham số bắt buộc"}}},
                           req.path);
  }
  int64_t from = OR_PROBLEM(ParseInt(*from_s, "from"));
  int64_t to = OR_PROBLEM(ParseInt(*to_s, "to"));
  std::vector<FieldChange> changes = OR_PROBLEM(ctx.catalogue.Diff(cls, pid, from, to, ctx.actor));
  json out = json::array();
  for (const FieldChange& c : changes) {
    out.push_back({{"path", c.path}, {"before", c.before}, {"after", c.after}});
  }
  return Json({{"pid", pid}, {"from", from}, {"to", to}, {"changes", out}});
}

Response RestoreRevision(RecordClass cls, const Request& req, Context& ctx) {
  std::string pid = OR_PROBLEM(PidParam(req));
  int64_t n = OR_PROBLEM(ParseInt(req.params.at("n"), "revision"));
  std::optional<int64_t> expected = OR_PROBLEM(ExpectedRevision(req));
  StoredRecord r = OR_PROBLEM(ctx.catalogue.Restore(cls, pid, n, expected, ctx.actor, ReasonOf(req)));
  return RecordResponse(r, ctx.catalogue.schema(), req.path);
}

Response ResolvePid(const Request& req, Context& ctx) {
  Result<std::string> pid = ParsePid(req.params.at("pid"));
  // A mistyped identifier in a resolver URL is a bad request (400), not a bad document.
  if (!pid) return ProblemResponse(pid.error(), req.path, json::object(), 400);
  Result<StoredRecord> found = std::unexpected(Error{});
  for (RecordClass cls : {RecordClass::kItem, RecordClass::kOrganisation, RecordClass::kArea}) {
    found = ctx.catalogue.Get(cls, *pid, ctx.actor);
    if (found || found.error().code != ErrorCode::kNotFound) break;
  }
  StoredRecord r = OR_PROBLEM(std::move(found));
  std::string target = "/api/v1/" + CollectionOf(r.cls) + "/" + r.pid;
  if (r.cls == RecordClass::kItem && !r.deleted && WantsJsonLd(req))
    return ItemJsonLdResponse(r.pid, req, ctx);
  std::string accept = req.Header("Accept").value_or("");
  if (accept.find("application/json") != std::string::npos || r.deleted) {
    Response resp = RecordResponse(r, ctx.catalogue.schema(), req.path);
    resp.SetHeader("Content-Location", target);
    return resp;
  }
  // Everyone else (a browser, a link checker, curl) is sent to the record's page.
  const std::string page = portal::RecordPath(r);
  Response resp;
  resp.status = 303;
  resp.content_type = "text/plain; charset=utf-8";
  resp.body = page + "\n";
  resp.SetHeader("Location", page);
  resp.SetHeader("Link", "<" + target + ">; rel=\"alternate\"; type=\"application/json\"");
  return resp;
}

json VocabularyJson(const Vocabulary& v) {
  json terms = json::array();
  for (const Term& t : v.terms) {
    json term = {{"id", t.id}, {"label", {{"vi", t.label_vi}, {"en", t.label_en}}}};
    if (!t.code.empty()) term["code"] = t.code;
    if (!t.uri.empty()) term["uri"] = t.uri;
    if (!t.maps_to.empty()) term["maps_to"] = t.maps_to;
    if (!t.aliases.empty()) term["aliases"] = t.aliases;
    terms.push_back(std::move(term));
  }
  return {{"id", v.id}, {"label", {{"vi", v.label_vi}, {"en", v.label_en}}}, {"terms", terms}};
}

Response ListVocabularies(const Request&, Context& ctx) {
  json out = json::array();
  for (const auto& [id, v] : ctx.catalogue.schema().vocabularies()) {
    out.push_back({{"id", id}, {"label", {{"vi", v.label_vi}, {"en", v.label_en}}},
                   {"terms", v.terms.size()}, {"href", "/api/v1/vocabularies/" + id}});
  }
  return Json({{"vocabularies", out}});
}

Response GetVocabulary(const Request& req, Context& ctx) {
  const std::string& id = req.params.at("id");
  const Vocabulary* v = ctx.catalogue.schema().FindVocabulary(id);
  if (!v) {
    return ProblemResponse(Error{ErrorCode::kNotFound, "no vocabulary '" + id + "'",
                                 "không có danh mục '" + id + "'", {}},
                           req.path);
  }
  return Json(VocabularyJson(*v));
}

Response GetSchema(const Request&, Context& ctx) { return Json(ctx.catalogue.schema().record_schema()); }

Response GetOpenApi(const Request&, Context&) {
  Response r;
  r.body = OpenApiDocument();
  r.content_type = "application/vnd.oai.openapi+json;version=3.1; charset=utf-8";
  return r;
}

Response Home(const Request&, Context& ctx) {
  json counts;
  for (RecordClass cls : {RecordClass::kItem, RecordClass::kOrganisation, RecordClass::kArea}) {
    Result<size_t> n = ctx.catalogue.store().Count(cls);
    counts[CollectionOf(cls)] = n ? *n : 0;
  }
  return Json({{"name", "Disan"},
               {"description", {{"vi", "Cơ sở dữ liệu di sản văn hóa"}, {"en", "Cultural heritage database"}}},
               {"counts", counts},
               {"links", {{"items", "/api/v1/items"}, {"openapi", "/api/v1/openapi.json"},
                          {"vocabularies", "/api/v1/vocabularies"}, {"schema", "/api/v1/schema"}}}});
}

std::unexpected<Error> BadParameter(const std::string& name, const std::string& en, const std::string& vi) {
  return Fail(Error{ErrorCode::kInvalid, name + ": " + en, name + ": " + vi, {{name, "invalid", en, vi}}});
}

Result<std::vector<double>> Numbers(const std::string& name, const std::string& text, size_t count) {
  std::vector<double> out;
  for (const std::string& part : SplitTrimmed(text, ",")) {
    double v = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || end != part.data() + part.size() || !std::isfinite(v)) break;
    out.push_back(v);
  }
  if (out.size() != count) {
    return BadParameter(name, "must be " + std::to_string(count) + " comma-separated numbers",
                        "phải gồm " + std::to_string(count) + " số cách nhau bởi dấu phẩy");
  }
  return out;
}

Result<SearchParams> ParseSearchParams(const Request& req) {
  SearchParams p;
  p.q = req.Query("q").value_or("");
  static const std::vector<std::pair<std::string, std::string>> kFilters = {
      {"kind", "kind"}, {"type", "type"}, {"level", "level"}, {"commune", "commune"},
      {"district", "district"}, {"place", "place"}, {"ethnic_group", "ethnic"},
      {"custodian", "custodian"}, {"area", "area"}, {"licence", "licence"}, {"period", "period"},
      {"media", "media"}};
  for (const auto& [param, field] : kFilters) {
    // Facet values may contain commas ("Xã Quảng Phú, ..."), so repeat the parameter for OR.
    auto [b, e] = req.query.equal_range(param);
    for (auto it = b; it != e; ++it) {
      if (!it->second.empty()) p.filters[field].push_back(it->second);
    }
  }
  if (auto bbox = req.Query("bbox")) {
    std::vector<double> v = TRY(Numbers("bbox", *bbox, 4));  // GeoJSON order: lon,lat,lon,lat
    if (v[1] > v[3] || v[0] > v[2] || v[1] < -90 || v[3] > 90 || v[0] < -180 || v[2] > 180) {
      return BadParameter("bbox", "must be min_lon,min_lat,max_lon,max_lat within WGS84 bounds",
                          "phải là kinh_độ_nhỏ,vĩ_độ_nhỏ,kinh_độ_lớn,vĩ_độ_lớn trong giới hạn WGS84");
    }
    p.bbox = BoundingBox{v[1], v[0], v[3], v[2]};
  }
  if (auto near = req.Query("near")) {
    std::vector<double> v = TRY(Numbers("near", *near, 3));  // lat,lon,km
    if (v[0] < -90 || v[0] > 90 || v[1] < -180 || v[1] > 180 || v[2] <= 0 || v[2] > 20000) {
      return BadParameter("near", "must be lat,lon,km with 0 < km <= 20000",
                          "phải là vĩ_độ,kinh_độ,km với 0 < km <= 20000");
    }
    p.near = Circle{v[0], v[1], v[2]};
  }
  for (const char* name : {"year_from", "year_to"}) {
    if (auto y = req.Query(name)) {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(y->data(), y->data() + y->size(), v);
      if (ec != std::errc() || end != y->data() + y->size() || v < -3000000 || v > 9999) {
        return BadParameter(name, "must be a year (negative for BCE)", "phải là một năm (số âm cho trước Công nguyên)");
      }
      (std::string(name) == "year_from" ? p.year_from : p.year_to) = v;
    }
  }
  if (auto sort = req.Query("sort")) {
    static const std::map<std::string, SearchSort> kSorts = {
        {"relevance", SearchSort::kRelevance}, {"name", SearchSort::kName},
        {"recognised", SearchSort::kRecognised}, {"changed", SearchSort::kChanged}};
    auto it = kSorts.find(*sort);
    if (it == kSorts.end()) {
      return BadParameter("sort", "must be relevance, name, recognised or changed",
                          "phải là relevance, name, recognised hoặc changed");
    }
    p.sort = it->second;
  }
  p.cursor = req.Query("cursor").value_or("");
  if (auto l = req.Query("limit")) {
    int64_t limit = TRY(ParseInt(*l, "limit"));
    if (limit < 1 || limit > 100) return BadParameter("limit", "must be between 1 and 100", "phải từ 1 đến 100");
    p.limit = static_cast<size_t>(limit);
  }
  p.facets = req.Query("facets").value_or("true") != "false";
  return p;
}

// Labels for facet values that are vocabulary terms.
json FacetLabel(const Schema& schema, const std::string& field, const std::string& value) {
  static const std::map<std::string, std::vector<std::string>> kVocabularies = {
      {"kind", {"kinds"}}, {"level", {"recognition_levels"}}, {"ethnic", {"ethnic_groups"}},
      {"licence", {"licences"}},
      {"type", {"relic_types", "artifact_types", "intangible_types", "documentary_types"}}};
  auto it = kVocabularies.find(field);
  if (it == kVocabularies.end()) return json();
  for (const std::string& id : it->second) {
    if (const Vocabulary* v = schema.FindVocabulary(id)) {
      if (const Term* t = v->FindId(value)) return {{"vi", t->label_vi}, {"en", t->label_en}};
    }
  }
  return json();
}

Response Search(const Request& req, Context& ctx) {
  SearchParams p = OR_PROBLEM(ParseSearchParams(req));
  SearchPage page = OR_PROBLEM(ctx.catalogue.Search(p, ctx.actor));
  json items = json::array();
  for (SearchHitView& h : page.hits) {
    json item = RenderRecord(std::move(h.record), ctx.catalogue.schema());
    if (!h.snippet.empty()) item["snippet"] = h.snippet;
    items.push_back(std::move(item));
  }
  json out = {{"total", page.total}, {"items", std::move(items)}};
  if (!page.spelling.empty()) out["spelling"] = page.spelling;
  if (p.facets) {
    json facets = json::object();
    static const std::map<std::string, std::string> kParamOf = {{"ethnic", "ethnic_group"}};
    for (const std::string& field : Catalogue::FacetFields()) {
      json values = json::array();
      for (const FacetCount& f : page.facets[field]) {
        json v = {{"value", f.value}, {"count", f.count}};
        json label = FacetLabel(ctx.catalogue.schema(), field, f.value);
        if (!label.is_null()) v["label"] = label;
        values.push_back(std::move(v));
      }
      auto param = kParamOf.find(field);
      facets[param == kParamOf.end() ? field : param->second] = std::move(values);
    }
    out["facets"] = std::move(facets);
  }
  if (!page.next_cursor.empty()) {
    std::string next = "/api/v1/search?cursor=" + page.next_cursor;
    for (const auto& [k, v] : req.query) {
      if (k != "cursor") next += "&" + PercentEncode(k) + "=" + PercentEncode(v);
    }
    out["next_cursor"] = page.next_cursor;
    out["next"] = next;
  }
  return Json(out);
}

Response Suggest(const Request& req, Context& ctx) {
  size_t limit = 10;
  if (auto l = req.Query("limit")) {
    int64_t n = OR_PROBLEM(ParseInt(*l, "limit"));
    if (n < 1 || n > 20) {
      return ProblemResponse(BadParameter("limit", "must be between 1 and 20", "phải từ 1 đến 20").error(), req.path);
    }
    limit = static_cast<size_t>(n);
  }
  // class: which records to suggest (the staff forms' record links); items by default.
  RecordClass cls = RecordClass::kItem;
  if (auto c = req.Query("class")) {
    if (*c == "organisation") {
      cls = RecordClass::kOrganisation;
    } else if (*c == "area") {
      cls = RecordClass::kArea;
    } else if (*c != "item") {
      return ProblemResponse(
          BadParameter("class", "must be item, organisation or area",
                       "phải là item, organisation hoặc area")
              .error(),
          req.path);
    }
  }
  auto suggestions =
      OR_PROBLEM(ctx.catalogue.Suggest(req.Query("q").value_or(""), limit, ctx.actor, cls));
  json out = json::array();
  for (const auto& [pid, name] : suggestions) out.push_back({{"pid", pid}, {"name", name}});
  return Json({{"suggestions", out}});
}

Response Health(const Request&, Context&) { return Json({{"status", "ok"}}); }


// OAI-PMH (docs/interop.md): arguments from the query of a GET or the form body of a POST,
// decoded by the protocol's own rules (repeated arguments must stay visible); every protocol
// answer, errors included, is 200 with XML.
Response Oai(const Request& req, Context& ctx) {
  interop::OaiResult<interop::Arguments> arguments;
  if (req.method == "POST") {
    std::string type = req.Header("Content-Type").value_or("");
    std::string base(Trim(type.substr(0, type.find(';'))));
    std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) { return std::tolower(c); });
    arguments = base == "application/x-www-form-urlencoded"
                    ? interop::ParseFormEncoded(req.body)
                    : interop::OaiFail(interop::OaiErrorCode::kBadArgument,
                                       "POST arguments must be sent as application/x-www-form-urlencoded",
                                       "tham số POST phải gửi dưới dạng application/x-www-form-urlencoded");
  } else {
    arguments = interop::ParseFormEncoded(req.raw_query);
  }
  std::string xml = OR_PROBLEM(ctx.services.oai.Handle(arguments, SiteUrl(req, ctx.services)));
  Response r;
  r.content_type = "text/xml; charset=utf-8";
  r.body = std::move(xml);
  return r;
}

Response OaiSchema(const Request&, Context&) {
  Response r;
  r.content_type = "application/xml; charset=utf-8";
  r.body = interop::DisanXsd();
  return r;
}

// The Activity Streams change feed: without a cursor the collection, with one a page.
Response Changes(const Request& req, Context& ctx) {
  std::string site = SiteUrl(req, ctx.services);
  json out;
  if (auto cursor = req.Query("cursor")) {
    size_t limit = interop::ChangeFeed::kDefaultPageSize;
    if (auto l = req.Query("limit")) {
      int64_t n = OR_PROBLEM(ParseInt(*l, "limit"));
      if (n < 1 || n > static_cast<int64_t>(interop::ChangeFeed::kMaxPageSize)) {
        return ProblemResponse(BadParameter("limit", "must be between 1 and 500", "phải từ 1 đến 500").error(),
                               req.path);
      }
      limit = static_cast<size_t>(n);
    }
    out = OR_PROBLEM(ctx.services.changes.Page(*cursor, limit, site));
  } else {
    out = OR_PROBLEM(ctx.services.changes.Collection(site));
  }
  Response r = Json(out);
  r.content_type = "application/activity+json; charset=utf-8";
  return r;
}

// ---------------------------------------------------------------------------------------------
// Media

// The description MediaService keeps (media/<id>.json), plus where the bytes are and links.
json RenderMedia(const MediaAsset& a, const Schema& schema) {
  json out = media::MediaService::Describe(a);
  out["preservation"] = {{"object", a.record_pid}, {"version", a.ocfl_version}, {"path", a.logical_path}};
  out["links"] = {{"self", "/api/v1/media/" + a.id}, {"record", "/api/v1/items/" + a.record_pid}};
  if (!a.licence.empty()) AddLicenceLink(out["links"], schema, a.licence);
  return out;
}

std::optional<Response> NoMediaService(const Context& ctx, const Request& req) {
  if (ctx.media) return std::nullopt;
  return ProblemResponse(
      503, "this server keeps no media files (it was started without a preservation store)",
      "máy chủ này không lưu tệp đa phương tiện (khởi động không có kho lưu trữ bảo quản)",
      req.path);
}

// The upload's description comes in the query string; every parameter is known and given once.
Result<media::MediaInput> MediaInputFromQuery(const Request& req) {
  static const std::map<std::string, std::string media::MediaInput::*> kFields = {
      {"role", &media::MediaInput::role},
      {"caption_vi", &media::MediaInput::caption_vi},
      {"caption_en", &media::MediaInput::caption_en},
      {"creator", &media::MediaInput::creator},
      {"date", &media::MediaInput::date},
      {"licence", &media::MediaInput::licence},
      {"rights_holder", &media::MediaInput::rights_holder},
      {"visibility", &media::MediaInput::visibility},
      {"filename", &media::MediaInput::filename}};
  media::MediaInput input;
  std::vector<FieldError> errors;
  std::set<std::string> seen;
  for (const auto& [key, value] : req.query) {
    std::string name = key.substr(0, 64);
    auto field = kFields.find(key);
    if (field == kFields.end()) {
      errors.push_back(
          {name, "unknown_parameter",
           "is not a parameter of an upload (role, caption_vi, caption_en, creator, date, licence, "
           "rights_holder, visibility, filename)",
           "không phải tham số của việc tải lên (role, caption_vi, caption_en, creator, date, "
           "licence, "
           "rights_holder, visibility, filename)"});
    } else if (!seen.insert(key).second) {
      errors.push_back({name, "repeated", "is given more than once", "được gửi nhiều lần"});
    } else {
      input.*(field->second) = value;
    }
  }
  if (!errors.empty()) {
    return Fail(Error{ErrorCode::kInvalid, errors[0].path + ": " + errors[0].message_en,
                      errors[0].path + ": " + errors[0].message_vi, std::move(errors)});
  }
  return input;
}

// Feeds the body to `sink`, streamed when the server streams it.
bool ReadBody(const Request& req, const Request::BodySink& sink) {
  if (req.read_body) return req.read_body(sink);
  return req.body.empty() || sink(req.body.data(), req.body.size());
}

Response UploadMediaWith(const Request& req, Context& ctx, const MediaAdder& add) {
  if (auto none = NoMediaService(ctx, req)) return *none;
  std::string pid = OR_PROBLEM(PidParam(req));
  media::MediaInput input = OR_PROBLEM(MediaInputFromQuery(req));
  // RFC 9530: what the client says the file's digests are.
  std::map<std::string, std::string> sent;
  std::string digest_field;
  for (const char* field : {"Content-Digest", "Repr-Digest"}) {
    std::optional<std::string> value = req.Header(field);
    if (!value) continue;
    if (digest_field.empty()) digest_field = field;
    ContentDigest d = OR_PROBLEM(ParseContentDigest(*value, field));
    for (const auto& [algorithm, hex] : d.hex) {
      auto [it, inserted] = sent.emplace(algorithm, hex);
      if (!inserted && it->second != hex) {
        return ProblemResponse(Error{ErrorCode::kInvalid,
                                     "Content-Digest and Repr-Digest disagree",
                                     "Content-Digest và Repr-Digest không khớp nhau",
                                     {{field, "conflict", "disagrees with Content-Digest",
                                       "không khớp Content-Digest"}}},
                               req.path);
      }
    }
  }
  // Everything that can be refused is refused before the file is read.
  input = OR_PROBLEM(ctx.media->Prepare(pid, input, ctx.actor));
  if (std::optional<std::string> length = req.Header("Content-Length")) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), n);
    if (ec == std::errc() && end == length->data() + length->size() &&
        n > ctx.media->max_file_bytes()) {
      std::string limit = std::to_string(ctx.media->max_file_bytes());
      return ProblemResponse(Error{ErrorCode::kTooLarge,
                                   "the file is larger than the limit of " + limit + " bytes",
                                   "tệp lớn hơn giới hạn " + limit + " byte",
                                   {{"file", "too_large", "larger than " + limit + " bytes",
                                     "lớn hơn " + limit + " byte"}}},
                             req.path);
    }
  }
  media::Upload upload = OR_PROBLEM(ctx.media->BeginUpload());
  Status written = Ok();
  bool complete = ReadBody(req, [&](const char* data, size_t size) {
    written = upload.Write(data, size);
    return written.has_value();
  });
  if (!written) return ProblemResponse(written.error(), req.path);
  if (!complete) {
    return ProblemResponse(
        400, "the upload ended before the whole file arrived; nothing was stored",
        "việc tải lên dừng trước khi nhận đủ tệp; không có gì được lưu", req.path);
  }
  preservation::Digests got = OR_PROBLEM(upload.Finish());
  const std::map<std::string, std::string> computed = {{"sha-256", got.sha256},
                                                       {"sha-512", got.sha512}};
  for (const auto& [algorithm, hex] : sent) {
    if (computed.at(algorithm) == hex) continue;
    std::string en = "the file does not match the " + algorithm + " digest sent in " +
                     digest_field + "; nothing was stored (sent " + hex + ", computed " +
                     computed.at(algorithm) + ")";
    std::string vi = "tệp không khớp chuỗi băm " + algorithm + " gửi trong " + digest_field +
                     "; không có gì được lưu (đã gửi " + hex + ", tính được " +
                     computed.at(algorithm) + ")";
    return ProblemResponse(
        Error{ErrorCode::kInvalid, en, vi, {{digest_field, "digest_mismatch", en, vi}}}, req.path,
        {{"sent_digest", FormatContentDigest(sent)},
         {"computed_digest", FormatContentDigest(computed)}});
  }
  MediaAsset asset = OR_PROBLEM(add ? add(std::move(upload), input)
                                    : ctx.media->Add(pid, std::move(upload), input, ctx.actor));
  Response resp = Json(RenderMedia(asset, ctx.catalogue.schema()), 201);
  resp.SetHeader("Location", "/api/v1/media/" + asset.id);
  return resp;
}

Response UploadMedia(const Request& req, Context& ctx) { return UploadMediaWith(req, ctx, {}); }

Response ListItemMedia(const Request& req, Context& ctx) {
  if (auto none = NoMediaService(ctx, req)) return *none;
  std::string pid = OR_PROBLEM(PidParam(req));
  std::vector<MediaAsset> assets = OR_PROBLEM(ctx.media->List(pid, ctx.actor));
  json items = json::array();
  for (const MediaAsset& a : assets) items.push_back(RenderMedia(a, ctx.catalogue.schema()));
  return Json({{"pid", pid}, {"media", std::move(items)}});
}

Response GetMedia(const Request& req, Context& ctx) {
  if (auto none = NoMediaService(ctx, req)) return *none;
  Result<std::string> id = ParsePid(req.params.at("id"));
  if (!id) {
    Error e = id.error();
    e.fields.push_back({"id", "pid", e.message_en, e.message_vi});
    return ProblemResponse(e, req.path);
  }
  MediaAsset asset = OR_PROBLEM(ctx.media->Get(*id, ctx.actor));
  return Json(RenderMedia(asset, ctx.catalogue.schema()));
}

void AddCollection(std::vector<Route>& routes, RecordClass cls) {
  const std::string base = "/api/v1/" + CollectionOf(cls);
  auto bind = [cls](Response (*fn)(RecordClass, const Request&, Context&)) -> Handler {
    return [cls, fn](const Request& req, Context& ctx) { return fn(cls, req, ctx); };
  };
  routes.push_back({"GET", base, Access::kPublic, bind(ListRecords)});
  routes.push_back({"POST", base, Access::Of(Action::kCreateRecord), bind(CreateRecord)});
  routes.push_back({"GET", base + "/{pid}", Access::kPublic, bind(GetRecord)});
  routes.push_back({"PUT", base + "/{pid}", Access::Of(Action::kEditRecord),
                    [cls](const Request& r, Context& c) { return EditRecord(cls, false, r, c); }});
  routes.push_back({"PATCH", base + "/{pid}", Access::Of(Action::kEditRecord),
                    [cls](const Request& r, Context& c) { return EditRecord(cls, true, r, c); }});
  routes.push_back({"DELETE", base + "/{pid}", Access::Of(Action::kDeleteRecord), bind(DeleteRecord)});
  routes.push_back({"GET", base + "/{pid}/revisions", Access::kPublic, bind(ListRevisions)});
  routes.push_back({"GET", base + "/{pid}/revisions/{n}", Access::kPublic, bind(GetRevision)});
  routes.push_back({"POST", base + "/{pid}/revisions/{n}/restore", Access::Of(Action::kEditRecord),
                    bind(RestoreRevision)});
  routes.push_back({"GET", base + "/{pid}/diff", Access::kPublic, bind(DiffRevisions)});
}

// Calls fn(segment) for each segment of a path ("/a/b" -> "a", "b"; "/" -> "").
template <typename Fn>
void ForEachSegment(std::string_view path, Fn&& fn) {
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    fn(path.substr(start, end - start));
    start = end + 1;
  }
}

// A route's pattern, split once: each segment is a literal, a capture ("{pid}"), or a capture
// with a fixed suffix ("{pid}.jsonld").
struct PatternSegment {
  std::string_view literal;  // literal segment, or the capture's suffix
  std::string_view name;     // the capture's name; empty for a literal
};
struct CompiledRoute {
  const Route* route;
  std::vector<PatternSegment> segments;
};

const std::vector<CompiledRoute>& CompiledRoutes();

// The route for `method` and `path`: the first whose pattern matches the path and whose method
// is the request's (HEAD runs GET's); the methods of every pattern that matches the path go to
// `allowed`, and the first match's captures to `params`, when given.
constexpr size_t kMaxSegments = 16;  // more than any pattern has (CompiledRoutes checks)

const Route* FindRoute(std::string_view method, std::string_view path,
                       std::map<std::string, std::string>* params,
                       std::vector<std::string>* allowed) {
  std::string_view segments[kMaxSegments];
  size_t count = 0;
  bool too_deep = false;
  ForEachSegment(path, [&](std::string_view s) {
    if (count < kMaxSegments)
      segments[count++] = s;
    else
      too_deep = true;
  });
  if (too_deep) return nullptr;  // no route has that many segments
  const Route* found = nullptr;
  for (const CompiledRoute& compiled : CompiledRoutes()) {
    if (compiled.segments.size() != count) continue;
    bool match = true;
    for (size_t i = 0; i < count && match; ++i) {
      const PatternSegment& p = compiled.segments[i];
      if (p.name.empty()) {
        match = p.literal == segments[i];
      } else {
        match = segments[i].size() > p.literal.size() && segments[i].ends_with(p.literal);
      }
    }
    if (!match) continue;
    const Route& route = *compiled.route;
    if (allowed) allowed->push_back(route.method);
    if (found || !(route.method == method || (method == "HEAD" && route.method == "GET"))) continue;
    found = &route;
    if (!params) continue;
    params->clear();
    for (size_t i = 0; i < count; ++i) {
      const PatternSegment& p = compiled.segments[i];
      if (!p.name.empty()) {
        (*params)[std::string(p.name)] =
            std::string(segments[i].substr(0, segments[i].size() - p.literal.size()));
      }
    }
    if (!allowed) break;
  }
  return found;
}

}  // namespace

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> r = {
        {"GET", "/", Access::kPublic, Home},
        {"GET", "/healthz", Access::kPublic, Health},
        {"GET", "/id/{pid}", Access::kPublic, ResolvePid},
        {"GET", "/api/v1/openapi.json", Access::kPublic, GetOpenApi},
        {"GET", "/api/v1/schema", Access::kPublic, GetSchema},
        {"GET", "/api/v1/vocabularies", Access::kPublic, ListVocabularies},
        {"GET", "/api/v1/vocabularies/{id}", Access::kPublic, GetVocabulary},
        {"GET", "/api/v1/search", Access::kPublic, Search},
        {"GET", "/api/v1/suggest", Access::kPublic, Suggest},
        {"GET", "/api/v1/changes", Access::kPublic, Changes},
        {"GET", "/oai", Access::kPublic, Oai},
        {"POST", "/oai", Access::kPublic, Oai},
        {"GET", "/oai/schemas/disan.xsd", Access::kPublic, OaiSchema},
    };
    AddInteropRoutes(r);  // before the items' collection: /api/v1/items/{pid}.jsonld
    AddCollection(r, RecordClass::kItem);
    r.push_back(
        {"POST", "/api/v1/items/{pid}/media", Access::Of(Action::kAddMedia), UploadMedia, Body::kStreamed});
    r.push_back({"GET", "/api/v1/items/{pid}/media", Access::kPublic, ListItemMedia});
    r.push_back({"GET", "/api/v1/media/{id}", Access::kPublic, GetMedia});
    AddCollection(r, RecordClass::kOrganisation);
    AddCollection(r, RecordClass::kArea);
    AddAuthRoutes(r);
    AddPortalRoutes(r);
    AddPresentationRoutes(r);  // before AddIiifRoutes: /iiif/3/collections is not an image
    AddIiifRoutes(r);
    AddReviewRoutes(r);
    AddStaffRoutes(r);
    AddStaffEditRoutes(r);
    AddStaffLifecycleRoutes(r);
    AddStaffAdminRoutes(r);
    AddStaffAuditRoutes(r);
    AddStaffContributionRoutes(r);
    AddPortalUseRoutes(r);
    AddStaffAccountRoutes(r);
    return r;
  }();
  return routes;
}

std::string PublicSiteUrl(const Request& req, const Services& services) {
  return SiteUrl(req, services);
}

Result<SearchParams> ParseSearchQuery(const Request& req) { return ParseSearchParams(req); }

namespace {

const std::vector<CompiledRoute>& CompiledRoutes() {
  static const std::vector<CompiledRoute> compiled = [] {
    std::vector<CompiledRoute> out;
    for (const Route& route : Routes()) {
      CompiledRoute c{&route, {}};
      ForEachSegment(route.pattern, [&](std::string_view s) {
        size_t close = s.find('}');
        if (s.starts_with('{') && close != std::string_view::npos) {
          c.segments.push_back({s.substr(close + 1), s.substr(1, close - 1)});
        } else {
          c.segments.push_back({s, {}});
        }
      });
      if (c.segments.size() > kMaxSegments) std::abort();  // FindRoute could never match it
      out.push_back(std::move(c));
    }
    return out;
  }();
  return compiled;
}

}  // namespace

const Route* MatchRoute(Request& req, std::vector<std::string>& allowed) {
  std::map<std::string, std::string> params;
  const Route* found = FindRoute(req.method, req.path, &params, &allowed);
  if (found) req.params = std::move(params);
  return found;
}

Body BodyOf(const Request& req) {
  const Route* route = FindRoute(req.method, req.path, nullptr, nullptr);
  return route ? route->body : Body::kBuffered;
}

Response JsonResponse(const json& body, int status) { return Json(body, status); }
std::string RenderRecordText(StoredRecord r, const Schema& schema) {
  return Json(RenderRecord(std::move(r), schema)).body;
}
Response UploadItemMedia(const Request& req, Context& ctx, const MediaAdder& add) {
  return UploadMediaWith(req, ctx, add);
}

Result<json> ParseJsonBody(const Request& req) {
  if (std::optional<Response> wrong = WrongMediaType(req, false)) {
    std::string type = req.Header("Content-Type").value_or("");
    return Fail(Error{ErrorCode::kInvalid, "the body must be sent as application/json",
                      "nội dung phải gửi dưới dạng application/json",
                      {{"Content-Type", "media_type", "must be application/json, not '" +
                                                          type.substr(0, 100) + "'",
                        "phải là application/json, không phải '" + type.substr(0, 100) + "'"}}});
  }
  return ParseBody(req);
}

namespace {

constexpr const char* kSessionCookie = "disan_session";

// The value of cookie `name`, or "" (RFC 6265: "a=b; c=d").
std::string CookieValue(const Request& req, std::string_view name) {
  std::string header = req.Header("Cookie").value_or("");
  for (const std::string& part : SplitTrimmed(header, ";")) {
    size_t eq = part.find('=');
    if (eq != std::string::npos && std::string_view(part).substr(0, eq) == name) {
      return part.substr(eq + 1);
    }
  }
  return "";
}

bool ChangesState(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// The origin browsers send for pages of this server: the public URL's, or the Host's.
std::string OwnOrigin(const Request& req, const Services& services) {
  if (!services.public_url.empty()) {
    size_t scheme = services.public_url.find("://");
    size_t path = services.public_url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return services.public_url.substr(0, path);
  }
  return "http://" + req.Header("Host").value_or("");
}

// A request authenticated by its cookie may change something only when it comes from our own
// pages: an X-CSRF-Token header equal to the session's, or a same-origin Origin or
// Sec-Fetch-Site. Requests with a bearer token are exempt (browsers never add one by themselves).
bool CsrfSafe(const Request& req, const Services& services, const auth::Authenticated& who) {
  if (std::optional<std::string> token = req.Header("X-CSRF-Token")) {
    return auth::ConstantTimeEquals(*token, who.csrf_token);
  }
  if (std::optional<std::string> origin = req.Header("Origin")) {
    return *origin == OwnOrigin(req, services);
  }
  if (std::optional<std::string> site = req.Header("Sec-Fetch-Site")) return *site == "same-origin";
  return false;
}

// The lifecycle state and unit of the record a route's path names ({pid}); kNone when the path
// names none, or one that does not exist (the handler then answers 404).
auth::Target TargetOfPath(const Request& req, const Route& route, Catalogue& catalogue) {
  auto it = req.params.find("pid");
  if (it == req.params.end() || !auth::IsAboutRecord(route.access.action)) return {};
  Result<std::string> pid = ParsePid(it->second);
  if (!pid) return {};
  Result<StoredRecord> record = catalogue.store().Get(*pid);
  if (!record) return {};
  return workflow::TargetOf(*record);
}

std::optional<Response> Refuse(const Error& e, const Request& req) {
  return ProblemResponse(e, req.path);
}

// Routing, authentication and the permission table: the answer when the request goes no
// further, else nullopt with `route` and the context's actor and principal set.
std::optional<Response> Admit(Request& req, Services& services, const Route*& route, Context& ctx) {
  std::vector<std::string> allowed;
  route = MatchRoute(req, allowed);
  if (!route) {
    if (!allowed.empty()) {
      std::string allow;
      for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      Response r = ProblemResponse(405, "method " + req.method + " is not allowed here; use " + allow,
                                   "không dùng được phương thức " + req.method + " ở đây; hãy dùng " + allow,
                                   req.path);
      r.SetHeader("Allow", allow);
      return r;
    }
    return ProblemResponse(404, "nothing at " + req.path, "không có gì tại " + req.path, req.path);
  }
  const Action action = route->access.action;
  std::string authorization = req.Header("Authorization").value_or("");
  std::string cookie = CookieValue(req, kSessionCookie);
  if ((!authorization.empty() || !cookie.empty()) && !services.accounts) {
    return ProblemResponse(503, "this server cannot check credentials",
                           "máy chủ này không kiểm tra được thông tin đăng nhập", req.path);
  }
  if (!authorization.empty()) {
    if (!authorization.starts_with("Bearer ")) {
      return ProblemResponse(401, "send 'Authorization: Bearer TOKEN'",
                             "hãy gửi 'Authorization: Bearer TOKEN'", req.path);
    }
    Result<std::optional<auth::Authenticated>> who =
        services.accounts->FromBearer(std::string(Trim(authorization.substr(7))));
    if (!who) return ProblemResponse(who.error(), req.path);
    if (!*who) {
      return ProblemResponse(401, "the API token is not valid, has expired or was revoked",
                             "mã truy cập API không hợp lệ, đã hết hạn hoặc đã bị thu hồi",
                             req.path);
    }
    ctx.who = std::move(*who);
  } else if (!cookie.empty()) {
    Result<std::optional<auth::Authenticated>> who = services.accounts->FromCookie(cookie);
    if (!who) return ProblemResponse(who.error(), req.path);
    if (*who) {
      ctx.who = std::move(*who);
      if (ChangesState(req.method) && !CsrfSafe(req, services, *ctx.who)) {
        return ProblemResponse(
            403,
            "refused: a request signed in by cookie that changes something must come from this "
            "site (same Origin) or carry the session's X-CSRF-Token header",
            "từ chối: yêu cầu thay đổi dữ liệu dùng cookie đăng nhập phải đến từ chính trang này "
            "(cùng Origin) hoặc kèm tiêu đề X-CSRF-Token của phiên",
            req.path);
      }
    } else if (!auth::Allows(auth::Principal{}, action, {})) {
      return ProblemResponse(401, "your session has ended; sign in again",
                             "phiên làm việc đã hết hạn; hãy đăng nhập lại", req.path);
    }
  }
  ctx.principal = ctx.who ? ctx.who->principal : auth::Principal{};
  const auth::Target target = TargetOfPath(req, *route, services.catalogue);
  if (!auth::Allows(ctx.principal, action, target)) {
    return Refuse(auth::Refusal(ctx.principal, action, target), req);
  }
  ctx.actor.name = ctx.who ? ctx.who->actor_name : "anonymous";
  ctx.actor.audience = auth::Allows(ctx.principal, Action::kReadUnpublished, {}) ? Audience::kStaff
                                                                                 : Audience::kPublic;
  ctx.actor.authorise = [principal = ctx.principal](const RecordChange& change) {
    return workflow::AuthoriseChange(principal, change);
  };
  ctx.actor.address = req.remote_address;
  return std::nullopt;
}

// Refusals are audited: who tried what, where from.
void AuditRefusal(const Request& req, const Services& services, const Context& ctx,
                  const Response& resp) {
  if ((resp.status != 401 && resp.status != 403) || !services.accounts) return;
  if (resp.status == 401 && !ChangesState(req.method)) return;  // reads by the public: noise
  nlohmann::json problem = json::parse(resp.body, nullptr, false);
  std::string detail = problem.is_object() ? problem.value("detail", "") : "";
  (void)auth::AppendAudit(services.catalogue.store(),
                          {ctx.who ? ctx.who->actor_name : "anonymous", "access.denied",
                           req.method + " " + req.path, req.remote_address,
                           {{"status", resp.status}, {"detail", detail}}});
}

}  // namespace

Response Dispatch(Request& req, Services& services) {
  const Route* route = nullptr;
  Context ctx{services.catalogue, Actor{}, services, services.media};
  std::optional<Response> refused = Admit(req, services, route, ctx);
  // A browser that follows a dead link gets the portal's page, not a problem document.
  if (refused && refused->status == 404 && !route && PrefersHtml(req)) {
    return PortalNotFound(req, services);
  }
  // A browser not signed in that opens a staff page goes to the sign-in page.
  if (refused && refused->status == 401 && route && req.method == "GET" && PrefersHtml(req) &&
      IsStaffPage(*route)) {
    AuditRefusal(req, services, ctx, *refused);
    return StaffSignInRedirect(req);
  }
  if (refused && refused->status == 403 && route && req.method == "GET" && PrefersHtml(req) &&
      IsStaffPage(*route)) {
    AuditRefusal(req, services, ctx, *refused);
    return StaffRefusalPage(req, services, *refused);
  }
  Response resp = refused ? std::move(*refused) : route->handler(req, ctx);
  AuditRefusal(req, services, ctx, resp);
  return resp;
}

std::optional<Response> Preflight(Request& req, Services& services, size_t max_body_bytes) {
  const Route* route = nullptr;
  Context ctx{services.catalogue, Actor{}, services, services.media};
  if (std::optional<Response> refused = Admit(req, services, route, ctx)) {
    AuditRefusal(req, services, ctx, *refused);
    return refused;
  }
  uint64_t limit = max_body_bytes;
  if (route->body == Body::kStreamed)
    limit = services.media ? services.media->max_file_bytes() : std::numeric_limits<uint64_t>::max();
  if (std::optional<std::string> length = req.Header("Content-Length")) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), n);
    if (ec == std::errc() && end == length->data() + length->size() && n > limit) {
      return ProblemResponse(
          413,
          "the request body is larger than the server accepts (" + std::to_string(limit) +
              " bytes)",
          "nội dung yêu cầu lớn hơn mức máy chủ chấp nhận (" + std::to_string(limit) + " byte)",
          req.path);
    }
  }
  return std::nullopt;
}

}  // namespace disan::http
