// The route table: every URL Disan answers, with the handler and whether it needs a token.
// Handlers are thin: parse the request, call a service, render the outcome.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "catalogue/catalogue.h"
#include "http/http_types.h"
#include "interop/change_feed.h"
#include "interop/oai_provider.h"

namespace disan::http {

enum class Access { kPublic, kToken };

// The services handlers call, and how this server is reached from outside.
struct Services {
  Catalogue& catalogue;
  interop::OaiProvider& oai;
  interop::ChangeFeed& changes;
  std::string public_url;  // "https://host[/prefix]"; "" = "http://" + the request's Host
};

struct Context {
  Catalogue& catalogue;
  Actor actor;
  Services& services;
};

using Handler = std::function<Response(const Request&, Context&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/items/{pid}"; a {name} segment captures one path segment
  Access access;
  Handler handler;
};

const std::vector<Route>& Routes();

// Finds the route for a request and fills req.params. Returns nullptr when no pattern
// matches; sets `allowed` to the methods of patterns that match the path (for 405).
const Route* MatchRoute(Request& req, std::vector<std::string>& allowed);

// Runs the whole pipeline for one request: routing, authentication, handler, errors.
Response Dispatch(Request& req, Services& services);

// The OpenAPI 3.1 document (openapi.cc).
const std::string& OpenApiDocument();

}  // namespace disan::http
