#include "http/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "http/problem.h"
#include "http/routes.h"

namespace disan::http {

struct HttpServer::Impl {
  Impl(Catalogue& c, ServerOptions o)
      : catalogue(c),
        options(std::move(o)),
        oai(c, options.oai),
        changes(c),
        services{c, oai, changes, options.public_url} {}

  Catalogue& catalogue;
  ServerOptions options;
  interop::OaiProvider oai;
  interop::ChangeFeed changes;
  Services services;
  httplib::Server server;
  // Stop() may come before Run() has started listening (a signal right after start-up);
  // these make the request stick instead of being lost.
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> run_entered{false};
  std::atomic<bool> run_returned{false};
};

namespace {

Request FromHttplib(const httplib::Request& in) {
  Request out;
  out.method = in.method;
  out.path = in.path;
  if (size_t q = in.target.find('?'); q != std::string::npos) out.raw_query = in.target.substr(q + 1);
  for (const auto& [k, v] : in.params) out.query.emplace(k, v);
  for (const auto& [k, v] : in.headers) out.headers.emplace(k, v);
  out.body = in.body;
  return out;
}

void ToHttplib(const Response& in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [k, v] : in.headers) out.set_header(k, v);
  if (!in.body.empty() || in.status != 304) out.set_content(in.body, in.content_type);
}

}  // namespace

HttpServer::HttpServer(Catalogue& catalogue, ServerOptions options)
    : impl_(new Impl(catalogue, std::move(options))) {
  httplib::Server& s = impl_->server;
  const int threads = impl_->options.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_payload_max_length(impl_->options.max_body_bytes);
  // cpp-httplib also sets SO_REUSEPORT, which lets a second server bind a port in use and
  // silently share its connections; SO_REUSEADDR alone keeps restarts quick.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.set_keep_alive_max_count(10000);
  // Without it every answer waits ~40 ms for the client's delayed ACK (headers and body go
  // out in separate writes).
  s.set_tcp_nodelay(true);
  s.set_read_timeout(30, 0);
  auto handle = [this](const httplib::Request& in, httplib::Response& out) {
    Request req = FromHttplib(in);
    Response resp;
    try {
      resp = Dispatch(req, impl_->services);
    } catch (const std::exception& e) {
      resp = ProblemResponse(500, std::string("internal error: ") + e.what(),
                             std::string("lỗi nội bộ: ") + e.what(), req.path);
    }
    resp.SetHeader("X-Content-Type-Options", "nosniff");
    ToHttplib(resp, out);
  };
  for (const char* pattern : {".*"}) {
    s.Get(pattern, handle);
    s.Post(pattern, handle);
    s.Put(pattern, handle);
    s.Patch(pattern, handle);
    s.Delete(pattern, handle);
    s.Options(pattern, handle);
  }
  // Answers httplib produces itself (413 for big bodies, 400 for broken requests) still come
  // back as problem documents.
  s.set_error_handler([](const httplib::Request& in, httplib::Response& out) {
    if (!out.body.empty()) return;
    Response resp;
    if (out.status == 413) {
      resp = ProblemResponse(413, "the request body is larger than the server accepts",
                             "nội dung yêu cầu lớn hơn mức máy chủ chấp nhận", in.path);
    } else {
      resp = ProblemResponse(out.status, "the request could not be handled",
                             "không xử lý được yêu cầu", in.path);
    }
    ToHttplib(resp, out);
  });
}

HttpServer::~HttpServer() { Stop(); }

Result<int> HttpServer::Bind() {
  int port = impl_->options.port;
  const std::string& host = impl_->options.host;
  if (port == 0) {
    port = impl_->server.bind_to_any_port(host);
  } else if (!impl_->server.bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    std::string where = host + ":" + std::to_string(impl_->options.port);
    return Fail(ErrorCode::kUnavailable, "cannot listen on " + where + " (address in use?)",
                "không lắng nghe được trên " + where + " (địa chỉ đang được dùng?)");
  }
  return port;
}

Status HttpServer::Run() {
  impl_->run_entered = true;
  if (impl_->stop_requested) {
    impl_->run_returned = true;
    return Ok();
  }
  bool ok = impl_->server.listen_after_bind();
  impl_->run_returned = true;
  if (!ok && !impl_->stop_requested) {
    return Fail(ErrorCode::kUnavailable, "the server stopped unexpectedly",
                "máy chủ dừng bất thường");
  }
  return Ok();
}

void HttpServer::Stop() {
  if (!impl_) return;
  impl_->stop_requested = true;
  if (impl_->run_entered) {
    while (!impl_->server.is_running() && !impl_->run_returned) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  impl_->server.stop();
}

}  // namespace disan::http
