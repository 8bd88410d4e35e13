#include "http/interop_routes.h"

#include <nlohmann/json.hpp>

#include "auth/audit_log.h"
#include "core/pid.h"
#include "http/problem.h"
#include "interop/harvest_runs.h"
#include "interop/jsonld.h"
#include "interop/tabular_export.h"

namespace disan::http {
namespace {

using nlohmann::json;

// GET /api/v1/items/{pid}.jsonld
Response ItemJsonLd(const Request& req, Context& ctx) {
  Result<std::string> pid = ParsePid(req.params.at("pid"));
  if (!pid) {
    Error e = pid.error();
    e.fields.push_back({"pid", "pid", e.message_en, e.message_vi});
    return ProblemResponse(e, req.path);
  }
  return ItemJsonLdResponse(*pid, req, ctx);
}

// GET /api/v1/export.csv and .xlsx: the search's parameters, every page, as a file.
Response Export(interop::TableFormat format, const Request& req, Context& ctx) {
  Result<SearchParams> params = ParseSearchQuery(req);
  if (!params) return ProblemResponse(params.error(), req.path);
  // A malformed query or cursor fails here, while a problem document can still be sent.
  SearchParams probe = *params;
  probe.limit = 1;
  probe.facets = false;
  probe.cursor.clear();  // every page is exported: a cursor means nothing here
  Result<SearchPage> first = ctx.catalogue.Search(probe, Actor{"", Audience::kPublic});
  if (!first) return ProblemResponse(first.error(), req.path);
  if (format == interop::TableFormat::kXlsx && first->total > interop::kMaxXlsxRows) {
    return ProblemResponse(
        Error{ErrorCode::kInvalid,
              "the search matches more records than an XLSX sheet holds; use export.csv",
              "tìm kiếm khớp nhiều bản ghi hơn sức chứa của trang tính XLSX; hãy dùng export.csv",
              {{"q", "too_many", "matches more than 1,048,575 records",
                "khớp hơn 1.048.575 bản ghi"}}},
        req.path);
  }
  const bool csv = format == interop::TableFormat::kCsv;
  // Every export is in the audit log (issue #6): who, from where, which search, how many rows.
  Status audited = auth::AppendAudit(
      ctx.catalogue.store(),
      {ctx.actor.name,
       csv ? "export.csv" : "export.xlsx",
       req.path,
       req.remote_address,
       {{"query", req.raw_query.substr(0, 1000)}, {"records", first->total}}});
  if (!audited) return ProblemResponse(audited.error(), req.path);
  Response r;
  r.content_type = csv ? "text/csv; charset=utf-8"
                       : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  r.SetHeader("Content-Disposition",
              std::string("attachment; filename=\"disan-di-san.") + (csv ? "csv" : "xlsx") + "\"");
  Catalogue* catalogue = &ctx.catalogue;
  SearchParams p = *params;
  r.stream = [catalogue, p, format](const Response::ChunkWriter& write) {
    return static_cast<bool>(interop::WriteTableExport(*catalogue, p, format, write));
  };
  return r;
}

}  // namespace

bool WantsJsonLd(const Request& req) {
  std::string accept = req.Header("Accept").value_or("");
  size_t ld = accept.find(interop::kJsonLdMediaType);
  if (ld == std::string::npos) return false;
  size_t plain = accept.find("application/json");
  return plain == std::string::npos || ld < plain;
}

Response ItemJsonLdResponse(const std::string& pid, const Request& req, Context& ctx) {
  Result<StoredRecord> r = ctx.catalogue.Get(RecordClass::kItem, pid, Actor{"", Audience::kPublic});
  if (!r) return ProblemResponse(r.error(), req.path);
  if (r->deleted) {
    return ProblemResponse(
        Fail(ErrorCode::kGone, "record " + pid + " was deleted", "bản ghi " + pid + " đã bị xóa")
            .error(),
        req.path);
  }
  Response resp;
  resp.content_type = std::string(interop::kJsonLdMediaType) + "; charset=utf-8";
  resp.body = interop::ItemJsonLd(ctx.catalogue.schema(), *r, PublicSiteUrl(req, ctx.services))
                  .dump(-1, ' ', false, json::error_handler_t::replace);
  resp.SetHeader("Link",
                 "<" + PublicSiteUrl(req, ctx.services) + "/id/" + pid + ">; rel=\"canonical\"");
  resp.SetHeader("Vary", "Accept");
  return resp;
}

namespace {

// GET /api/v1/harvests: each repository harvested into this one and how its last run went,
// what `disan harvest --status` prints. Takes no parameters.
Response ListHarvests(const Request& req, Context& ctx) {
  if (!req.query.empty()) {
    const std::string name = req.query.begin()->first.substr(0, 64);
    const std::string en = "is not a parameter of this list (it takes none)";
    const std::string vi = "không phải tham số của danh sách này (danh sách không nhận tham số)";
    return ProblemResponse(
        Error{ErrorCode::kInvalid, name + ": " + en, name + ": " + vi, {{name, "unknown_parameter", en, vi}}},
        req.path);
  }
  Result<std::vector<interop::HarvestRun>> runs = interop::HarvestRuns(ctx.catalogue.store());
  if (!runs) return ProblemResponse(runs.error(), req.path);
  json sources = json::array();
  for (const interop::HarvestRun& r : *runs) sources.push_back(interop::HarvestRunJson(r));
  Response resp = JsonResponse({{"sources", sources}});
  resp.SetHeader("Cache-Control", "no-store");
  return resp;
}

}  // namespace

void AddInteropRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/harvests", Access::Of(auth::Action::kReadHarvests), ListHarvests});
  routes.push_back({"GET", "/api/v1/items/{pid}.jsonld", Access::kPublic, ItemJsonLd});
  routes.push_back(
      {"GET", "/api/v1/export.csv", Access::kPublic, [](const Request& req, Context& ctx) {
         return Export(interop::TableFormat::kCsv, req, ctx);
       }});
  routes.push_back(
      {"GET", "/api/v1/export.xlsx", Access::kPublic, [](const Request& req, Context& ctx) {
         return Export(interop::TableFormat::kXlsx, req, ctx);
       }});
}

}  // namespace disan::http
