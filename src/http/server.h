// HttpServer: serves the route table over HTTP/1.1. The only file that knows cpp-httplib.
//
// Start() binds and returns the bound port (port 0 picks a free one); Run() blocks until
// Stop() is called from another thread or a signal handler.
#pragma once

#include <memory>
#include <string>

#include "catalogue/catalogue.h"
#include "interop/oai_provider.h"

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
  int threads = 64;                 // keep-alive connections each hold one while open
  // The root URL clients reach this server at ("https://disan.example.org"), used in OAI-PMH
  // and feed documents; "" = "http://" + each request's Host header.
  std::string public_url;
  interop::OaiSettings oai;
  media::iiif::ImageService* iiif = nullptr;  // serves /iiif/3/...; nullptr: those answer 503
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
