// The route table: every URL Disan answers, with the handler and whether it needs a token.
// Handlers are thin: parse the request, call a service, render the outcome.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "auth/permissions.h"
#include "catalogue/catalogue.h"
#include "http/http_types.h"
#include "http/render_cache.h"
#include "interop/change_feed.h"
#include "interop/oai_provider.h"

namespace disan::media {
class MediaService;
class Upload;
struct MediaInput;
namespace iiif {
class ImageService;
}
}

namespace disan::http {

// What a route asks the permission table (auth/permissions.h) before its handler runs: the
// action it performs. For a route whose path names a record ({pid}), the table is asked about
// that record's lifecycle state and unit. kPublic and kToken are the two spellings routes used
// before accounts existed: "anyone may read" and "a write by staff".
struct Access {
  auth::Action action;
  static const Access kPublic;
  static const Access kToken;
  static constexpr Access Of(auth::Action a) { return Access{a}; }
  friend constexpr bool operator==(const Access&, const Access&) = default;
};
inline constexpr Access Access::kPublic{auth::Action::kReadPublic};
inline constexpr Access Access::kToken{auth::Action::kStaffWrite};

// The services handlers call, and how this server is reached from outside.
struct Services {
  Catalogue& catalogue;
  interop::OaiProvider& oai;
  interop::ChangeFeed& changes;
  std::string public_url;  // "https://host[/prefix]"; "" = "http://" + the request's Host
  media::MediaService* media = nullptr;  // nullptr: the media routes answer 503
  RenderCache* render_cache = nullptr;   // nullptr: every read renders afresh
  auth::Accounts* accounts = nullptr;    // nullptr: nobody can sign in (only public reads)
  std::string static_dir;  // the portal's bundled browser assets; "" = the build's static/
  std::string tile_url;    // the portal map's tile URL template; "" = no tiles (offline)
  media::iiif::ImageService* iiif = nullptr;  // nullptr: the IIIF routes answer 503
  size_t sitemap_urls = 50000;    // URLs per sitemap file (portal::kSitemapUrls; tests lower it)
  size_t catalogue_rows = 2000;   // items of the one-page catalogue (portal::kCatalogueRows)
};

// How the server hands a request's body to the handler: read whole into Request::body (up to
// ServerOptions::max_body_bytes), or streamed through Request::read_body (file uploads).
enum class Body { kBuffered, kStreamed };

struct Context {
  Catalogue& catalogue;
  Actor actor;
  Services& services;
  media::MediaService* media = nullptr;  // nullptr: the media routes answer 503
  std::optional<auth::Authenticated> who;  // the signed-in person; nullopt = the public
  auth::Principal principal;               // who->principal, or the anonymous public
};

using Handler = std::function<Response(const Request&, Context&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/items/{pid}"; a {name} segment captures one path segment
  Access access;
  Handler handler;
  Body body = Body::kBuffered;
};

const std::vector<Route>& Routes();

// Finds the route for a request and fills req.params. Returns nullptr when no pattern
// matches; sets `allowed` to the methods of patterns that match the path (for 405).
const Route* MatchRoute(Request& req, std::vector<std::string>& allowed);

// How the body of `req` is to be read: that of the route it matches; kBuffered when none does.
Body BodyOf(const Request& req);

// Runs the whole pipeline for one request: routing, authentication, handler, errors.
Response Dispatch(Request& req, Services& services);

// For a request that waits for "100 Continue" before sending its body: the answer to give at
// once when its headers alone doom it (no route, no or a bad token, a declared length over
// the limit that would apply); nullopt to let the body come.
std::optional<Response> Preflight(Request& req, Services& services, size_t max_body_bytes);

// For handlers in other route files: a JSON answer, and a JSON request body (declared as
// application/json, nested at most 64 deep, well formed) or the problem to answer instead.
Response JsonResponse(const nlohmann::json& body, int status = 200);
// The body of GET /api/v1/{collection}/{pid} for `r` as it is given (redact it first for the
// public): the parsed way, which RenderPublicText (record_text.h) must agree with.
std::string RenderRecordText(StoredRecord r, const Schema& schema);
Result<nlohmann::json> ParseJsonBody(const Request& req);
// The root URL documents link to: the configured public URL, else http:// + a plain Host.
std::string SiteUrl(const Request& req, const Services& services);

// The streamed upload of POST /api/v1/items/{pid}/media (req.params["pid"] names the item), for
// route files whose own rule decides who may upload to which item (review_routes.cc: a
// contributor to the draft of their own submission). `add` records the received file in place
// of MediaService::Add (a contributor's held file: MediaService::AddHeld).
using MediaAdder =
    std::function<Result<MediaAsset>(media::Upload upload, const media::MediaInput& input)>;
Response UploadItemMedia(const Request& req, Context& ctx, const MediaAdder& add = {});

// The OpenAPI 3.1 document (openapi.cc).
const std::string& OpenApiDocument();

// For route files beside this one (interop_routes.cc): the root URL documents link to, and
// the parameters of GET /api/v1/search, checked (a kInvalid error names the parameter).
std::string PublicSiteUrl(const Request& req, const Services& services);
Result<SearchParams> ParseSearchQuery(const Request& req);

}  // namespace disan::http
