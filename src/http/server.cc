#include "http/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <limits>
#include <set>
#include <thread>

#include "http/problem.h"
#include "http/routes.h"

namespace disan::http {

struct HttpServer::Impl {
  Impl(Catalogue& c, ServerOptions o, media::MediaService* m)
      : catalogue(c),
        options(std::move(o)),
        oai(c, options.oai),
        changes(c),
        services{c, oai, changes, options.public_url, m, options.iiif} {}

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

Response TooLarge(const std::string& path) {
  return ProblemResponse(413, "the request body is larger than the server accepts",
                         "nội dung yêu cầu lớn hơn mức máy chủ chấp nhận", path);
}

std::string Lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Reads and drops whatever of the body is left. cpp-httplib offers no way to close a
// connection from a handler, and an unread body would be parsed as the next request.
void Drain(const httplib::Request& in, const httplib::ContentReader& reader) {
  auto discard = [](const char*, size_t) { return true; };
  if (in.is_multipart_form_data()) {
    reader([](const httplib::MultipartFormData&) { return true; }, discard);
  } else {
    reader(discard);
  }
}

}  // namespace

HttpServer::HttpServer(Catalogue& catalogue, ServerOptions options, media::MediaService* media)
    : impl_(new Impl(catalogue, std::move(options), media)) {
  httplib::Server& s = impl_->server;
  const int threads = impl_->options.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  // Bodies are read by the handlers below, which keep their own limits: max_body_bytes for
  // buffered bodies, the media service's for uploads. cpp-httplib's own limit would stop
  // uploads, so it is lifted.
  s.set_payload_max_length(std::numeric_limits<size_t>::max());
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
  auto dispatch = [this](Request& req) {
    Response resp;
    try {
      resp = Dispatch(req, impl_->services);
    } catch (const std::exception& e) {
      resp = ProblemResponse(500, std::string("internal error: ") + e.what(),
                             std::string("lỗi nội bộ: ") + e.what(), req.path);
    }
    resp.SetHeader("X-Content-Type-Options", "nosniff");
    return resp;
  };
  auto handle = [dispatch](const httplib::Request& in, httplib::Response& out) {
    Request req = FromHttplib(in);
    ToHttplib(dispatch(req), out);
  };
  // Methods that carry a body: it is read here (never by cpp-httplib into memory on its own).
  auto handle_body = [this, dispatch](const httplib::Request& in, httplib::Response& out,
                                      const httplib::ContentReader& reader) {
    Request req = FromHttplib(in);
    // Compressed bodies are refused, and read as they are: decoding them only to drop them
    // would let a small request cost gigabytes of inflating.
    std::string encoding = Lowercase(in.get_header_value("Content-Encoding"));
    if (!encoding.empty() && encoding != "identity") {
      const_cast<httplib::Request&>(in).headers.erase("Content-Encoding");
      Drain(in, reader);
      ToHttplib(
          ProblemResponse(
              415,
              "compressed request bodies (Content-Encoding: " + encoding + ") are not accepted",
              "không nhận nội dung yêu cầu đã nén (Content-Encoding: " + encoding + ")", req.path),
          out);
      return;
    }
    if (in.is_multipart_form_data()) {
      Drain(in, reader);
      ToHttplib(
          ProblemResponse(
              415,
              "multipart/form-data is not accepted: send the document or file itself as the body",
              "không nhận multipart/form-data: hãy gửi chính tài liệu hoặc tệp làm nội dung yêu "
              "cầu",
              req.path),
          out);
      return;
    }
    if (BodyOf(req) == Body::kStreamed) {
      bool used = false;
      req.read_body = [&](const Request::BodySink& sink) {
        if (used) return false;
        used = true;
        bool keep = true;
        return reader([&](const char* data, size_t size) {
          if (keep) keep = sink(data, size);
          return true;
        });
      };
      Response resp = dispatch(req);
      if (!used) Drain(in, reader);
      ToHttplib(resp, out);
      return;
    }
    const size_t limit = impl_->options.max_body_bytes;
    bool too_large = in.has_header("Content-Length") &&
                     in.get_header_value<uint64_t>("Content-Length") > static_cast<uint64_t>(limit);
    bool complete = reader([&](const char* data, size_t size) {
      if (!too_large && req.body.size() + size > limit) {
        too_large = true;
        req.body = std::string();
      }
      if (!too_large) req.body.append(data, size);
      return true;
    });
    if (too_large) {
      ToHttplib(TooLarge(req.path), out);
    } else if (!complete) {
      ToHttplib(ProblemResponse(400, "the request body was cut short or malformed",
                                "nội dung yêu cầu bị cắt cụt hoặc sai định dạng", req.path),
                out);
    } else {
      ToHttplib(dispatch(req), out);
    }
  };
  for (const char* pattern : {".*"}) {
    s.Get(pattern, handle);
    s.Post(pattern, handle_body);
    s.Put(pattern, handle_body);
    s.Patch(pattern, handle_body);
    s.Delete(pattern, handle_body);
    s.Options(pattern, handle);
  }
  // A client that asks before sending a body (Expect: 100-continue, as curl does for big
  // uploads) is refused at once when the headers are enough to refuse it, instead of after
  // sending gigabytes that would be dropped.
  s.set_expect_100_continue_handler([this](const httplib::Request& in, httplib::Response& out) {
    Request req = FromHttplib(in);
    std::optional<Response> refused;
    std::string encoding = Lowercase(in.get_header_value("Content-Encoding"));
    if ((!encoding.empty() && encoding != "identity") || in.is_multipart_form_data()) {
      refused = ProblemResponse(415, "compressed and multipart request bodies are not accepted",
                                "không nhận nội dung yêu cầu đã nén hoặc dạng multipart", req.path);
    } else {
      refused = Preflight(req, impl_->services, impl_->options.max_body_bytes);
    }
    if (!refused) return 100;
    refused->SetHeader("X-Content-Type-Options", "nosniff");
    ToHttplib(*refused, out);
    return refused->status;
  });
  // Methods nobody routes (cpp-httplib would read a PRI request's body into memory).
  s.set_pre_routing_handler([](const httplib::Request& in, httplib::Response& out) {
    static const std::set<std::string> kMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                   "PATCH", "DELETE", "OPTIONS"};
    if (kMethods.count(in.method)) return httplib::Server::HandlerResponse::Unhandled;
    ToHttplib(ProblemResponse(501, "method " + in.method + " is not supported",
                              "không hỗ trợ phương thức " + in.method, in.path),
              out);
    return httplib::Server::HandlerResponse::Handled;
  });
  // Answers httplib produces itself (413 for big bodies, 400 for broken requests) still come
  // back as problem documents.
  s.set_error_handler([](const httplib::Request& in, httplib::Response& out) {
    if (!out.body.empty()) return;
    Response resp;
    if (out.status == 413) {
      resp = TooLarge(in.path);
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
