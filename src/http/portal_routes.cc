// Handlers of the public portal: parse the request, build the page model (portal/pages.h),
// render it (portal/renderer.h). Errors become friendly pages in both languages for browsers.
#include "http/portal_routes.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/pid.h"
#include "core/text.h"
#include "http/problem.h"
#include "http/render_cache.h"
#include "portal/pages.h"
#include "portal/renderer.h"
#include "portal/slug.h"

#ifndef DISAN_STATIC_DIR
#define DISAN_STATIC_DIR "build/static"
#endif

namespace disan::http {

using nlohmann::json;
using portal::Lang;

namespace {

// The root URL of links in pages: the configured one, else the Host the client used when it is
// a plain host[:port] (as routes.cc does for OAI-PMH), so nothing odd is reflected into pages.
std::string SiteOf(const Request& req, const Services& services) {
  std::string url = services.public_url;
  if (url.empty()) {
    std::string host = req.Header("Host").value_or("");
    bool plain =
        !host.empty() && host.size() <= 255 &&
        std::all_of(host.begin(), host.end(), [](unsigned char c) {
          return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
        });
    url = "http://" + (plain ? host : std::string("localhost"));
  }
  while (url.ends_with('/')) url.pop_back();
  return url;
}

std::string StaticDir(const Services& services) {
  return services.static_dir.empty() ? std::string(DISAN_STATIC_DIR) : services.static_dir;
}

// A short version of the bundled assets (sizes and times of the files), appended to their
// URLs so that they can be cached for a year and still change with a new build.
std::string AssetVersion(const std::string& dir) {
  static std::mutex mu;
  static std::map<std::string, std::string> versions;
  std::lock_guard lock(mu);
  auto it = versions.find(dir);
  if (it != versions.end()) return it->second;
  size_t h = 1469598103934665603ull;
  std::error_code ec;
  std::vector<std::string> entries;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    struct stat st {};
    if (stat(e.path().c_str(), &st) == 0) {
      entries.push_back(e.path().filename().string() + ":" + std::to_string(st.st_size) + ":" +
                        std::to_string(st.st_mtime));
    }
  }
  std::sort(entries.begin(), entries.end());
  for (const std::string& s : entries) h = (h ^ std::hash<std::string>{}(s)) * 1099511628211ull;
  std::ostringstream hex;
  hex << std::hex << (h & 0xffffffffull);
  return versions[dir] = hex.str();
}

portal::PageRequest PageRequestOf(const Request& req, const Services& services) {
  portal::PageRequest p;
  p.lang =
      portal::ChooseLang(req.Query("lang"), req.Header("Cookie"), req.Header("Accept-Language"));
  p.site = SiteOf(req, services);
  p.path = req.path;
  p.query = req.query;
  p.tile_url = services.tile_url;
  return p;
}

Response Html(int status, std::string body, const Request& req, const portal::PageRequest& page) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.SetHeader("Content-Language", std::string(portal::LangCode(page.lang)));
  r.SetHeader("Vary", "Accept, Accept-Language, Cookie");
  r.SetHeader("Cache-Control", "no-cache");
  r.SetHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  r.SetHeader(
      "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data: blob: https:; media-src 'self' blob:; "
      "script-src 'self'; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; "
      "connect-src 'self' blob: data:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'");
  // The visible switch (?lang=) is remembered for the pages that follow.
  if (std::optional<std::string> lang = req.Query("lang"); lang && portal::ParseLang(*lang)) {
    r.SetHeader("Set-Cookie", "lang=" + *lang + "; Path=/; Max-Age=31536000; SameSite=Lax");
  }
  return r;
}

json WithAssets(json model, const Services& services) {
  model["v"] = AssetVersion(StaticDir(services));
  model["needs_map"] = model.contains("map") && model["map"].value("has_points", false);
  return model;
}

Response ErrorPage(const Request& req, const Services& services, int status, const std::string& en,
                   const std::string& vi) {
  portal::PageRequest page = PageRequestOf(req, services);
  json model = WithAssets(portal::ErrorModel(page, status, en, vi), services);
  Result<std::string> html = portal::Renderer::Builtin().Page("error", model, page.lang);
  if (!html) {
    return ProblemResponse(status, en, vi, req.path);
  }
  return Html(status, std::move(*html), req, page);
}

Response ErrorPage(const Request& req, const Services& services, const Error& e) {
  int status = StatusFor(e.code);
  std::string en = e.message_en, vi = e.message_vi;
  if (status >= 500) {  // no internals on a public page; the log has them
    en = "the catalogue could not answer; please try again later";
    vi = "danh mục không trả lời được; xin thử lại sau";
  }
  return ErrorPage(req, services, status, en, vi);
}

// Renders `page` with the model `build` makes, or the error page for its error.
template <typename Build>
Response RenderPage(const Request& req, Context& ctx, std::string_view page, Build build) {
  portal::PageRequest p = PageRequestOf(req, ctx.services);
  Result<json> model = build(p);
  if (!model) {
    // Parameters a browser sent: a page for people; API clients get the problem document.
    if (!PrefersHtml(req)) return ProblemResponse(model.error(), req.path);
    return ErrorPage(req, ctx.services, model.error());
  }
  Result<std::string> html =
      portal::Renderer::Builtin().Page(page, WithAssets(std::move(*model), ctx.services), p.lang);
  if (!html) return ErrorPage(req, ctx.services, html.error());
  return Html(200, std::move(*html), req, p);
}

// Pages that count and list over the whole catalogue (home, catalogue, sitemap: tens of
// milliseconds at 100,000 records, or more). The public's copy is kept while no record changes
// (MetadataStore::LatestChange, which every process's writes move) and for at most
// kKeptSeconds, which bounds how long a media change, which that number does not follow, takes
// to show. `make` answers afresh; only the body of its 200 answers is kept, and `answer` makes
// the response again from a kept body.
constexpr int64_t kKeptSeconds = 10;

template <typename Make, typename Answer>
Response Kept(const Request& req, Context& ctx, std::string_view name, Make make, Answer answer) {
  RenderCache* cache = ctx.actor.audience == Audience::kPublic ? ctx.services.render_cache : nullptr;
  std::string key;
  Result<int64_t> latest = cache ? ctx.catalogue.store().LatestChange() : Result<int64_t>(0);
  if (cache && latest && req.raw_query.size() <= 256) {
    portal::PageRequest p = PageRequestOf(req, ctx.services);
    key = std::string(name) + "|" + p.site + "|" + std::string(portal::LangCode(p.lang)) + "|" +
          req.path + "?" + req.raw_query + "|" + (PrefersHtml(req) ? "h" : "j") + "|" +
          std::to_string(std::time(nullptr) / kKeptSeconds);
    if (std::optional<RenderCache::Entry> hit = cache->Find(key, *latest))
      return answer(std::move(hit->body));
  }
  Response r = make();
  if (!key.empty() && r.status == 200) cache->Put(key, RenderCache::Entry{*latest, r.body, ""});
  return r;
}

// A kept portal page (RenderPage's answer).
template <typename Make>
Response KeptPage(const Request& req, Context& ctx, std::string_view name, Make make) {
  return Kept(req, ctx, name, make, [&](std::string body) {
    return Html(200, std::move(body), req, PageRequestOf(req, ctx.services));
  });
}

Response HomePage(const Request& req, Context& ctx) {
  return KeptPage(req, ctx, "home", [&] {
    return RenderPage(req, ctx, "home", [&](const portal::PageRequest& p) {
      return portal::HomeModel(ctx.catalogue, p);
    });
  });
}

Response SearchPage(const Request& req, Context& ctx) {
  return RenderPage(req, ctx, "search", [&](const portal::PageRequest& p) -> Result<json> {
    SearchParams params = TRY(portal::SearchParamsFromQuery(req.query));
    return portal::SearchModel(ctx.catalogue, params, p);
  });
}

// /di-san/{slug}, /to-chuc/{slug}, /khu-vuc/{slug}: the pid at the end decides; any other
// slug than the canonical one gets a permanent redirect to it.
Response RecordPage(RecordClass cls, const Request& req, Context& ctx) {
  const std::string& segment = req.params.at("slug");
  std::optional<std::string> candidate = portal::PidOfSegment(segment);
  Result<std::string> pid =
      candidate ? ParsePid(*candidate) : Result<std::string>(std::unexpected(Error{}));
  if (!pid) {
    return ErrorPage(req, ctx.services, 404, "no heritage record has the address " + req.path,
                     "không có bản ghi di sản nào ở địa chỉ " + req.path);
  }
  Result<StoredRecord> record = ctx.catalogue.Get(cls, *pid, Actor{"portal", Audience::kPublic});
  if (!record) return ErrorPage(req, ctx.services, record.error());
  if (record->deleted) {
    return ErrorPage(
        req, ctx.services, 410,
        "record " + record->pid + " was withdrawn on " + record->updated_at.substr(0, 10),
        "bản ghi " + record->pid + " đã bị rút khỏi danh mục ngày " +
            record->updated_at.substr(0, 10));
  }
  std::string canonical = portal::RecordPath(*record);
  if (canonical != req.path) {
    Response r;
    r.status = 301;
    r.content_type = "text/plain; charset=utf-8";
    std::string target = canonical + (req.raw_query.empty() ? "" : "?" + req.raw_query);
    // The target is built from our own slug and the query as sent; refuse to echo control bytes.
    if (target.find_first_of("\r\n") != std::string::npos) target = canonical;
    r.body = target + "\n";
    r.SetHeader("Location", target);
    return r;
  }
  std::string page = cls == RecordClass::kItem ? "item" : "holder";
  return RenderPage(req, ctx, page, [&](const portal::PageRequest& p) {
    return cls == RecordClass::kItem ? portal::ItemModel(ctx.catalogue, *record, p)
                                     : portal::HolderModel(ctx.catalogue, *record, p);
  });
}

Response CataloguePage(const Request& req, Context& ctx) {
  std::string kind = req.Query("kind").value_or("");
  if (!kind.empty() && !ctx.catalogue.schema().KindVocabulary(RecordClass::kItem).FindId(kind)) {
    Error e{ErrorCode::kInvalid,
            "kind: unknown kind '" + kind.substr(0, 100) + "'",
            "kind: loại không tồn tại '" + kind.substr(0, 100) + "'",
            {{"kind", "unknown_term", "unknown kind", "loại không tồn tại"}}};
    if (!PrefersHtml(req)) return ProblemResponse(e, req.path);
    return ErrorPage(req, ctx.services, e);
  }
  std::string after = req.Query("after").value_or("");
  return KeptPage(req, ctx, "catalogue", [&] {
    return RenderPage(req, ctx, "catalogue", [&](const portal::PageRequest& p) {
      return portal::CatalogueModel(ctx.catalogue, kind, after, p, ctx.services.catalogue_rows);
    });
  });
}

Response OpenDataPage(const Request& req, Context& ctx) {
  return RenderPage(req, ctx, "open_data", [&](const portal::PageRequest& p) -> Result<json> {
    return portal::OpenDataModel(p);
  });
}

Response RobotsTxt(const Request& req, Context& ctx) {
  Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "User-agent: *\nAllow: /\nDisallow: /api/v1/search\nDisallow: /tim-kiem?\n\nSitemap: " +
           SiteOf(req, ctx.services) + "/sitemap.xml\n";
  return r;
}

Response XmlAnswer(std::string body) {
  Response r;
  r.content_type = "application/xml; charset=utf-8";
  r.body = std::move(body);
  return r;
}

Response SitemapFile(const Request& req, Context& ctx, size_t file) {
  return Kept(
      req, ctx, "sitemap",
      [&] {
        Result<std::string> xml = portal::Sitemap(ctx.catalogue, SiteOf(req, ctx.services), file,
                                                  ctx.services.sitemap_urls);
        return xml ? XmlAnswer(std::move(*xml)) : ProblemResponse(xml.error(), req.path);
      },
      XmlAnswer);
}

// /sitemap.xml: every URL, or the index of the files when there are more than one file holds.
Response SitemapXml(const Request& req, Context& ctx) { return SitemapFile(req, ctx, 0); }

// /sitemaps/{n}.xml, n = 1, 2, ...
Response SitemapPart(const Request& req, Context& ctx) {
  const std::string& name = req.params.at("file");
  size_t n = 0;
  bool ok = name.size() > 4 && name.size() <= 12 && name.ends_with(".xml") && name[0] != '0';
  for (size_t i = 0; ok && i + 4 < name.size(); ++i) {
    ok = std::isdigit(static_cast<unsigned char>(name[i])) != 0;
    n = n * 10 + static_cast<size_t>(name[i] - '0');
  }
  if (!ok) {
    return ProblemResponse(404,
                           "no sitemap file " + name.substr(0, 40) + ": files are named 1.xml, 2.xml, ...",
                           "không có tệp sơ đồ trang " + name.substr(0, 40) +
                               ": các tệp có tên 1.xml, 2.xml, ...",
                           req.path);
  }
  return SitemapFile(req, ctx, n);
}

std::string ContentTypeOf(std::string_view name) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kTypes = {
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".json", "application/json; charset=utf-8"},
      {".geojson", "application/geo+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".map", "application/json; charset=utf-8"}};
  for (const auto& [ext, type] : kTypes) {
    if (name.ends_with(ext)) return std::string(type);
  }
  return "application/octet-stream";
}

// /static/{file}: the bundled assets (web/build-assets.mjs puts them in one flat folder).
Response StaticFile(const Request& req, Context& ctx) {
  const std::string& name = req.params.at("file");
  bool ok = !name.empty() && name.size() <= 100 && name.front() != '.' &&
            std::all_of(name.begin(), name.end(), [](unsigned char c) {
              return std::isalnum(c) || c == '.' || c == '-' || c == '_';
            });
  std::string path = StaticDir(ctx.services) + "/" + name;
  std::ifstream in;
  if (ok) in.open(path, std::ios::binary);
  if (!ok || !in || std::filesystem::is_directory(path)) {
    return ProblemResponse(404, "no static file " + name.substr(0, 100),
                           "không có tệp tĩnh " + name.substr(0, 100), req.path);
  }
  std::ostringstream body;
  body << in.rdbuf();
  Response r;
  r.content_type = ContentTypeOf(name);
  r.body = body.str();
  r.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
  return r;
}

}  // namespace

bool PrefersHtml(const Request& req) {
  std::string accept = req.Header("Accept").value_or("");
  return accept.find("text/html") != std::string::npos ||
         accept.find("application/xhtml+xml") != std::string::npos;
}

Response PortalNotFound(const Request& req, Services& services) {
  return ErrorPage(req, services, 404, "there is no page at " + req.path.substr(0, 200),
                   "không có trang nào ở " + req.path.substr(0, 200));
}

portal::PageRequest PortalPageRequest(const Request& req, const Services& services) {
  return PageRequestOf(req, services);
}

Response PortalPage(int status, std::string_view name, json model, const Request& req,
                    const Services& services, const portal::PageRequest& page) {
  Result<std::string> html =
      portal::Renderer::Builtin().Page(name, WithAssets(std::move(model), services), page.lang);
  if (!html) return ErrorPage(req, services, html.error());
  return Html(status, std::move(*html), req, page);
}

void AddPortalRoutes(std::vector<Route>& routes) {
  for (Route& r : routes) {
    if (r.method == "GET" && r.pattern == "/") {
      Handler json_home = r.handler;
      r.handler = [json_home](const Request& req, Context& ctx) {
        return PrefersHtml(req) ? HomePage(req, ctx) : json_home(req, ctx);
      };
      routes.push_back({"GET", "/api/v1", Access::kPublic, json_home});
      break;
    }
  }
  auto record = [](RecordClass cls) -> Handler {
    return [cls](const Request& req, Context& ctx) { return RecordPage(cls, req, ctx); };
  };
  routes.push_back({"GET", std::string(portal::kSearchPath), Access::kPublic, SearchPage});
  routes.push_back({"GET", "/di-san/{slug}", Access::kPublic, record(RecordClass::kItem)});
  routes.push_back({"GET", "/to-chuc/{slug}", Access::kPublic, record(RecordClass::kOrganisation)});
  routes.push_back({"GET", "/khu-vuc/{slug}", Access::kPublic, record(RecordClass::kArea)});
  routes.push_back({"GET", std::string(portal::kCataloguePath), Access::kPublic, CataloguePage});
  routes.push_back({"GET", std::string(portal::kOpenDataPath), Access::kPublic, OpenDataPage});
  routes.push_back({"GET", "/robots.txt", Access::kPublic, RobotsTxt});
  routes.push_back({"GET", "/sitemap.xml", Access::kPublic, SitemapXml});
  routes.push_back({"GET", std::string(portal::kSitemapFilesPath) + "{file}", Access::kPublic,
                    SitemapPart});
  routes.push_back({"GET", "/static/{file}", Access::kPublic, StaticFile});
}

}  // namespace disan::http
