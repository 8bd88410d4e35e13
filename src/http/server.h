// HttpServer: serves the route table over HTTP/1.1 (server.cc; the grammar is http_parser.h).
//
// A pool of worker threads shares one epoll set. Each connection is armed one-shot, so the
// worker that takes an event owns the connection until it re-arms it: it reads, parses, runs
// the handler inline and writes the answer, with no hand-off between threads. An idle
// keep-alive connection holds no thread, so thousands of browsers can stay connected while a
// few threads serve whoever is asking right now.
//
// Bind() binds and returns the bound port (port 0 picks a free one); Run() blocks until
// Stop() is called from another thread (Stop() only sets a flag and writes an eventfd).
#pragma once

#include <memory>
#include <string>

#include "catalogue/catalogue.h"
#include "interop/oai_provider.h"

namespace disan::auth {
class SecretBox;
}

namespace disan::media {
class MediaService;
namespace iiif {
class ImageService;
}
}

namespace disan::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  // Larger bodies get 413, except uploads (MediaOptions::max_file_bytes limits those).
  size_t max_body_bytes = 1 << 20;
  int threads = 16;                 // requests handled at once (idle connections hold none)
  int read_timeout_seconds = 30;    // a request or a keep-alive connection idle this long ends
  size_t max_head_bytes = 64 * 1024;  // request line and headers; larger heads get 431
  int max_connections = 10000;      // more get 503 at once
  // The root URL clients reach this server at ("https://disan.example.org"), used in OAI-PMH
  // and feed documents; "" = "http://" + each request's Host header.
  std::string public_url;
  interop::OaiSettings oai;
  // The portal (docs/portal.md): where the bundled browser assets are ("" = the build's
  // static/ folder) and the map tile URL template ("" = no tiles: markers over a blank base).
  std::string static_dir;
  std::string tile_url;
  media::iiif::ImageService* iiif = nullptr;  // serves /iiif/3/...; nullptr: those answer 503
  // URLs per sitemap file (past them /sitemap.xml is an index) and items of the catalogue page
  // shown whole (past them it goes by kind and page): the defaults; tests lower them.
  size_t sitemap_urls = 50000;
  size_t catalogue_rows = 2000;
  // Seals the TOTP secrets at rest (the data directory's key file); nullptr: no second factor
  // can be enrolled.
  std::shared_ptr<const auth::SecretBox> secret_box;
};

class HttpServer {
 public:
  // `media` serves the media routes; without it they answer 503.
  HttpServer(Catalogue& catalogue, ServerOptions options, media::MediaService* media = nullptr);
  ~HttpServer();

  // Binds the socket. Returns the port, or kUnavailable when it cannot bind.
  Result<int> Bind();
  // Serves until Stop(). Call after Bind().
  Status Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace disan::http
