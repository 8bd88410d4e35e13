// IIIF Image API 3.0 and jobs handlers (iiif_routes.h).
#include "http/iiif_routes.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/pid.h"
#include "http/problem.h"
#include "media/iiif/image_service.h"
#include "media/jobs.h"
#include "media/media_service.h"

namespace disan::http {
namespace {

using media::iiif::IiifAnswer;
using nlohmann::json;

constexpr const char* kProfileLink = "<http://iiif.io/api/image/3/level2.json>;rel=\"profile\"";

void Cors(Response& r) { r.SetHeader("Access-Control-Allow-Origin", "*"); }

Response IiifProblem(const Error& e, const Request& req, int status = 0) {
  Response r = ProblemResponse(e, req.path, json::object(), status);
  Cors(r);
  return r;
}

std::optional<Response> NoImages(const Context& ctx, const Request& req) {
  if (ctx.services.iiif) return std::nullopt;
  Response r = ProblemResponse(503, "this server serves no IIIF images (no media store)",
                               "máy chủ này không phục vụ ảnh IIIF (không có kho tệp)", req.path);
  Cors(r);
  return r;
}

// A media id from the path: anything that is not a well-formed identifier is unknown (404),
// so that "../", encoded slashes and other tricks learn nothing.
std::optional<std::string> MediaId(const Request& req) {
  Result<std::string> id = ParsePid(req.params.at("id"));
  if (!id) return std::nullopt;
  return *id;
}

Response UnknownId(const Request& req) {
  std::string shown = req.params.count("id") ? req.params.at("id").substr(0, 80) : "";
  return IiifProblem(Error{ErrorCode::kNotFound,
                           "no image with identifier '" + shown + "'",
                           "không có ảnh với mã '" + shown + "'",
                           {{"id", "unknown", "no such image", "không có ảnh này"}}},
                     req);
}

Response Render(const IiifAnswer& a, const Request& req) {
  Response r;
  Cors(r);
  r.SetHeader("ETag", a.etag);
  r.SetHeader("Cache-Control", a.is_public ? "public, max-age=86400" : "private, no-cache");
  r.SetHeader("Link", kProfileLink);
  if (a.not_modified) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = a.media_type;
  r.body = a.body;
  (void)req;
  return r;
}

std::string ServiceId(const Request& req, Context& ctx, const std::string& id) {
  return SiteUrl(req, ctx.services) + "/iiif/3/" + id;
}

Response BaseRedirect(const Request& req, Context& ctx) {
  if (auto none = NoImages(ctx, req)) return *none;
  std::optional<std::string> id = MediaId(req);
  if (!id) return UnknownId(req);
  if (!ctx.media) return UnknownId(req);
  if (Result<MediaAsset> asset = ctx.media->Get(*id, ctx.actor); !asset) {
    return IiifProblem(asset.error(), req);
  }
  Response r;
  r.status = 303;
  Cors(r);
  r.SetHeader("Location", ServiceId(req, ctx, *id) + "/info.json");
  r.body = "";
  return r;
}

Response Info(const Request& req, Context& ctx) {
  if (auto none = NoImages(ctx, req)) return *none;
  std::optional<std::string> id = MediaId(req);
  if (!id) return UnknownId(req);
  Result<IiifAnswer> a = ctx.services.iiif->Info(
      *id, ServiceId(req, ctx, *id), req.Header("If-None-Match").value_or(""), ctx.actor);
  if (!a) {
    Response r = IiifProblem(a.error(), req);
    if (r.status == 503) r.SetHeader("Retry-After", "5");
    return r;
  }
  Response r = Render(*a, req);
  // JSON-LD when asked for, else plain JSON (IIIF Image API 3.0, 5.1).
  if (!a->not_modified &&
      req.Header("Accept").value_or("").find("application/ld+json") == std::string::npos)
    r.content_type = "application/json";
  return r;
}

Response Image(const Request& req, Context& ctx) {
  if (auto none = NoImages(ctx, req)) return *none;
  std::optional<std::string> id = MediaId(req);
  if (!id) return UnknownId(req);
  media::iiif::Parsed<IiifAnswer> a = ctx.services.iiif->Image(
      *id, req.params.at("region"), req.params.at("size"), req.params.at("rotation"),
      req.params.at("quality"), req.Header("If-None-Match").value_or(""), ctx.actor);
  if (!a) {
    using media::iiif::RefusalKind;
    int status = a.error().kind == RefusalKind::kBadRequest    ? 400
                 : a.error().kind == RefusalKind::kUnsupported ? 501
                                                               : 0;
    Response r = IiifProblem(a.error().error, req, status);
    if (r.status == 503) r.SetHeader("Retry-After", "5");
    return r;
  }
  Response r = Render(*a, req);
  r.SetHeader("Link", "<" + ServiceId(req, ctx, *id) + "/" + a->canonical + ">;rel=\"canonical\"");
  return r;
}

Response MediaThumbnail(const Request& req, Context& ctx) {
  if (auto none = NoImages(ctx, req)) return *none;
  std::optional<std::string> id = MediaId(req);
  if (!id) return UnknownId(req);
  Result<IiifAnswer> a =
      ctx.services.iiif->Thumbnail(*id, req.Header("If-None-Match").value_or(""), ctx.actor);
  if (!a) return IiifProblem(a.error(), req);
  return Render(*a, req);
}

json RenderJob(const Job& j) {
  // A record version names the item, not a media asset.
  const bool record = j.kind == media::kRecordVersionJob;
  const std::string subject = record ? "record" : "media";
  return {{"id", j.id},
          {"kind", j.kind},
          {subject, j.media_id},
          {"state", j.state},
          {"attempts", j.attempts},
          {"next_attempt_at", j.next_attempt_at},
          {"last_error", j.last_error},
          {"worker", j.worker},
          {"created_at", j.created_at},
          {"updated_at", j.updated_at},
          {"links",
           {{"self", "/api/v1/jobs/" + std::to_string(j.id)},
            {subject, (record ? "/api/v1/items/" : "/api/v1/media/") + j.media_id}}}};
}

std::optional<int64_t> WholeNumber(const std::string& s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0 || s.size() > 18)
    return std::nullopt;
  return v;
}

Response ListJobs(const Request& req, Context& ctx) {
  JobQuery q;
  std::vector<FieldError> errors;
  if (auto state = req.Query("state")) {
    if (*state == "queued" || *state == "running" || *state == "done" || *state == "failed")
      q.state = *state;
    else
      errors.push_back({"state", "unknown_term", "must be queued, running, done or failed",
                        "phải là queued, running, done hoặc failed"});
  }
  if (auto m = req.Query("media")) {
    Result<std::string> id = ParsePid(*m);
    if (id)
      q.media_id = *id;
    else
      errors.push_back({"media", "pid", id.error().message_en, id.error().message_vi});
  }
  if (auto b = req.Query("before")) {
    std::optional<int64_t> v = WholeNumber(*b);
    if (v)
      q.before_id = *v;
    else
      errors.push_back({"before", "type", "must be a job id", "phải là mã tác vụ"});
  }
  if (auto l = req.Query("limit")) {
    std::optional<int64_t> v = WholeNumber(*l);
    if (v && *v >= 1 && *v <= 500)
      q.limit = static_cast<size_t>(*v);
    else
      errors.push_back({"limit", "range", "must be a whole number from 1 to 500",
                        "phải là số nguyên từ 1 đến 500"});
  }
  if (!errors.empty()) {
    return ProblemResponse(Error{ErrorCode::kInvalid, errors[0].path + ": " + errors[0].message_en,
                                 errors[0].path + ": " + errors[0].message_vi, errors},
                           req.path);
  }
  Result<std::vector<Job>> jobs = ctx.catalogue.store().ListJobs(q);
  if (!jobs) return ProblemResponse(jobs.error(), req.path);
  json items = json::array();
  for (const Job& j : *jobs) items.push_back(RenderJob(j));
  json body = {{"jobs", std::move(items)}};
  if (jobs->size() == q.limit && !jobs->empty()) {
    body["next"] = "/api/v1/jobs?before=" + std::to_string(jobs->back().id) +
                   "&limit=" + std::to_string(q.limit) +
                   (q.state.empty() ? "" : "&state=" + q.state) +
                   (q.media_id.empty() ? "" : "&media=" + q.media_id);
  }
  return JsonResponse(body);
}

Response GetJob(const Request& req, Context& ctx) {
  std::optional<int64_t> id = WholeNumber(req.params.at("id"));
  if (!id) {
    return ProblemResponse(Error{ErrorCode::kNotFound,
                                 "no job '" + req.params.at("id").substr(0, 40) + "'",
                                 "không có tác vụ '" + req.params.at("id").substr(0, 40) + "'",
                                 {{"id", "unknown", "not a job id", "không phải mã tác vụ"}}},
                           req.path);
  }
  Result<Job> job = ctx.catalogue.store().GetJob(*id);
  if (!job) return ProblemResponse(job.error(), req.path);
  return JsonResponse(RenderJob(*job));
}

}  // namespace

void AddIiifRoutes(std::vector<Route>& r) {
  r.push_back({"GET", "/iiif/3/{id}", Access::kPublic, BaseRedirect});
  r.push_back({"GET", "/iiif/3/{id}/info.json", Access::kPublic, Info});
  r.push_back({"GET", "/iiif/3/{id}/{region}/{size}/{rotation}/{quality}", Access::kPublic, Image});
  r.push_back({"GET", "/api/v1/media/{id}/thumbnail", Access::kPublic, MediaThumbnail});
  r.push_back({"GET", "/api/v1/jobs", Access::kToken, ListJobs});
  r.push_back({"GET", "/api/v1/jobs/{id}", Access::kToken, GetJob});
}

}  // namespace disan::http
