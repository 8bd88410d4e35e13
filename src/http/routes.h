// The route table: every URL Disan answers, with the handler and whether it needs a token.
// Handlers are thin: parse the request, call a service, render the outcome.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalogue/catalogue.h"
#include "http/http_types.h"
#include "interop/change_feed.h"
#include "interop/oai_provider.h"

namespace disan::media {
class MediaService;
namespace iiif {
class ImageService;
}
}

namespace disan::http {

enum class Access { kPublic, kToken };

// The services handlers call, and how this server is reached from outside.
struct Services {
  Catalogue& catalogue;
  interop::OaiProvider& oai;
  interop::ChangeFeed& changes;
  std::string public_url;  // "https://host[/prefix]"; "" = "http://" + the request's Host
  media::MediaService* media = nullptr;  // nullptr: the media routes answer 503
  media::iiif::ImageService* iiif = nullptr;  // nullptr: the IIIF routes answer 503
};

// How the server hands a request's body to the handler: read whole into Request::body (up to
// ServerOptions::max_body_bytes), or streamed through Request::read_body (file uploads).
enum class Body { kBuffered, kStreamed };

struct Context {
  Catalogue& catalogue;
  Actor actor;
  Services& services;
  media::MediaService* media = nullptr;  // nullptr: the media routes answer 503
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

// The root URL documents link to: the configured public URL, else http:// + a plain Host.
std::string SiteUrl(const Request& req, const Services& services);

// The OpenAPI 3.1 document (openapi.cc).
const std::string& OpenApiDocument();

}  // namespace disan::http
