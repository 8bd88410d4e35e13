#include "http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "http/http_parser.h"
#include "http/problem.h"
#include "http/routes.h"
#include "media/jobs.h"
#include "workflow/record_audit.h"

namespace disan::http {
namespace {

auth::AuthSettings WithSecretBox(std::shared_ptr<const auth::SecretBox> box) {
  auth::AuthSettings settings;
  settings.secret_box = std::move(box);
  return settings;
}


// Bodies refused or left unread up to this size are read and dropped so that the connection
// stays usable; past it the connection is closed instead.
constexpr uint64_t kMaxDrainBytes = 16 << 20;
constexpr size_t kReadChunk = 256 * 1024;

int64_t NowMs();

// Waits until `fd` is ready for `events`, in slices so that a stop is noticed. False on
// timeout, error or stop.
bool WaitFor(int fd, short events, int timeout_ms, const std::atomic<bool>& stop) {
  for (int waited = 0; waited < timeout_ms && !stop; waited += 250) {
    pollfd p{fd, events, 0};
    int r = poll(&p, 1, std::min(250, timeout_ms - waited));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
  return false;
}

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// The IMF-fixdate of now, formatted once a second per thread.
const std::string& HttpDate() {
  thread_local time_t last = 0;
  thread_local std::string text;
  time_t now = time(nullptr);
  if (now != last) {
    last = now;
    tm t;
    gmtime_r(&now, &t);
    char buf[64];
    strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &t);
    text = buf;
  }
  return text;
}

bool IsKnownMethod(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE" ||
         m == "OPTIONS";
}

std::string Lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Header names and values a handler sets are written without CR, LF or NUL, so no handler can
// split a response however it builds a header.
void AppendClean(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c != '\r' && c != '\n' && c != '\0') out.push_back(c);
  }
}

}  // namespace

// One client connection. Owned by exactly one worker at a time: the socket is registered with
// EPOLLONESHOT, so after an event no other thread sees it until the owner re-arms it.
struct Connection {
  int fd = -1;
  std::string peer;
  std::string in;  // bytes received and not yet used
  bool peer_closed = false;
  // The answer is sent and the write side shut: what the client still sends is read and
  // dropped until it closes, so that the kernel does not reset the connection (and destroy
  // the answer) over unread bytes.
  bool lingering = false;
  // The request whose head has arrived and whose buffered body is still coming.
  std::optional<RequestHead> head;
  bool continue_sent = false;
  std::string body;  // a chunked buffered body being decoded
  ChunkedDecoder chunked;
  // When the sweeper closes the connection if it is still idle (ms, steady clock).
  std::atomic<int64_t> deadline{std::numeric_limits<int64_t>::max()};
};

struct HttpServer::Impl {
  Impl(Catalogue& c, ServerOptions o, media::MediaService* m)
      : catalogue(c),
        options(std::move(o)),
        oai(c, options.oai),
        changes(c),
        services{c, oai, changes, options.public_url, m, &render_cache},
        accounts(c.store(), WithSecretBox(options.secret_box)) {
    services.accounts = &accounts;
    services.static_dir = options.static_dir;
    services.tile_url = options.tile_url;
    services.sitemap_urls = options.sitemap_urls;
    services.catalogue_rows = options.catalogue_rows;
    services.iiif = options.iiif;
    // Every record change, whoever makes it, goes to the audit log with its transaction.
    workflow::AuditRecordChanges(c);
    // ... and every change to a published item queues its new preservation version.
    media::PreserveRecordChanges(c);
  }

  Catalogue& catalogue;
  ServerOptions options;
  RenderCache render_cache;  // before `services`, which points at it
  interop::OaiProvider oai;
  interop::ChangeFeed changes;
  Services services;
  auth::Accounts accounts;

  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  char listen_tag = 0;  // addresses used as epoll tags
  char wake_tag = 0;
  std::mutex connections_mu;
  std::unordered_set<Connection*> connections;
  std::atomic<bool> stop_requested{false};

  void Worker();
  void AcceptAll();
  void Serve(Connection* c);
  // Handles the request at the front of c->in. Returns false when the connection is to be
  // closed, true when it stays (with or without a complete request handled: see c->head).
  bool ServeOne(Connection* c, bool& need_more);
  Response Dispatch(Request& req, int minor_version);
  bool Send(Connection* c, const Response& resp, bool head_only, bool close);
  bool SendRaw(int fd, const char* data, size_t size);
  // Sends a file body with sendfile(2), waiting while the socket is full.
  bool SendFile(int fd, const FileBody& file);
  // Blocking reads for bodies read inside a handler (uploads) and drains: waits up to the
  // read timeout for data. Returns bytes read, 0 at the end of the stream, -1 on error/timeout.
  ssize_t ReadBlocking(int fd, char* buf, size_t size);
  // Reads and drops up to `limit` bytes of the body described by the current head. Returns
  // false when the body could not be dropped whole (the connection must be closed).
  bool DrainBody(Connection* c, const RequestHead& head, uint64_t already, ChunkedDecoder* chunked);
  void Close(Connection* c);
  void Linger(Connection* c);
  void Rearm(Connection* c, int64_t timeout_ms);
};

FileBody::~FileBody() {
  if (fd >= 0) ::close(fd);
}

Response HttpServer::Impl::Dispatch(Request& req, int minor_version) {
  Response resp;
  try {
    resp = http::Dispatch(req, services);
    if (resp.stream && minor_version == 0) {
      // HTTP/1.0 has no chunked bodies: the stream is gathered and sent with its length.
      std::string all;
      if (!resp.stream([&](std::string_view bytes) {
            all.append(bytes);
            return true;
          })) {
        throw std::runtime_error("the answer could not be produced whole");
      }
      resp.body = std::move(all);
      resp.stream = nullptr;
    }
  } catch (const std::exception& e) {
    resp = ProblemResponse(500, std::string("internal error: ") + e.what(),
                           std::string("lỗi nội bộ: ") + e.what(), req.path);
  }
  resp.SetHeader("X-Content-Type-Options", "nosniff");
  return resp;
}

bool HttpServer::Impl::SendRaw(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n > 0) {
      data += n;
      size -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(fd, POLLOUT, options.read_timeout_seconds * 1000, stop_requested)) return false;
      continue;
    }
    return false;
  }
  return true;
}

bool HttpServer::Impl::Send(Connection* c, const Response& resp, bool head_only, bool close) {
  std::string head;
  head.reserve(256 + resp.headers.size() * 48);
  head += "HTTP/1.1 ";
  head += std::to_string(resp.status);
  head += ' ';
  head += ReasonPhrase(resp.status);
  head += "\r\n";
  const bool bodiless = resp.status < 200 || resp.status == 204 || resp.status == 304;
  if (!bodiless || !resp.body.empty()) {
    head += "Content-Type: ";
    AppendClean(head, resp.content_type);
    head += "\r\n";
  }
  // A chunked body has no Content-Length (RFC 9112, 6.3: a sender must not send both).
  if (!bodiless && (resp.file || !resp.stream)) {
    head += "Content-Length: ";
    head += std::to_string(resp.file ? resp.file->length : resp.body.size());
    head += "\r\n";
  }
  for (const auto& [name, value] : resp.headers) {
    AppendClean(head, name);
    head += ": ";
    AppendClean(head, value);
    head += "\r\n";
  }
  head += "Date: ";
  head += HttpDate();
  if (resp.file && !bodiless) {
    // A file body (media delivery): the kernel copies it from the page cache to the socket.
    head += close ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n";
    if (!SendRaw(c->fd, head.data(), head.size())) return false;
    if (head_only) return true;
    return SendFile(c->fd, *resp.file);
  }
  if (resp.stream && !bodiless) {
    // A streamed body (exports): chunked, in pieces of about 64 KiB whatever sizes the
    // writer hands over; a writer that fails half-way breaks the connection, which is how
    // the client learns that the body is incomplete.
    head += "\r\nTransfer-Encoding: chunked";
    head += close ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n";
    if (!SendRaw(c->fd, head.data(), head.size())) return false;
    if (head_only) return true;
    std::string chunk;
    auto flush = [&] {
      if (chunk.empty()) return true;
      char size[24];
      int n = snprintf(size, sizeof size, "%zx\r\n", chunk.size());
      chunk += "\r\n";
      bool ok = SendRaw(c->fd, size, static_cast<size_t>(n)) && SendRaw(c->fd, chunk.data(), chunk.size());
      chunk.clear();
      return ok;
    };
    bool sent = resp.stream([&](std::string_view bytes) {
      chunk.append(bytes);
      return chunk.size() < 64 * 1024 || flush();
    });
    static constexpr char kLast[] = "0\r\n\r\n";
    return sent && flush() && SendRaw(c->fd, kLast, sizeof kLast - 1);
  }
  head += close ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n";
  const bool with_body = !head_only && !bodiless && !resp.body.empty();
  if (!with_body) return SendRaw(c->fd, head.data(), head.size());
  iovec parts[2] = {{head.data(), head.size()},
                    {const_cast<char*>(resp.body.data()), resp.body.size()}};
  ssize_t n;
  do {
    n = writev(c->fd, parts, 2);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
  size_t sent = n < 0 ? 0 : static_cast<size_t>(n);
  if (sent < head.size()) {
    if (!SendRaw(c->fd, head.data() + sent, head.size() - sent)) return false;
    return SendRaw(c->fd, resp.body.data(), resp.body.size());
  }
  sent -= head.size();
  return SendRaw(c->fd, resp.body.data() + sent, resp.body.size() - sent);
}

bool HttpServer::Impl::SendFile(int fd, const FileBody& file) {
  off_t offset = static_cast<off_t>(file.offset);
  uint64_t left = file.length;
  while (left > 0) {
    size_t step = static_cast<size_t>(std::min<uint64_t>(left, size_t{1} << 30));
    ssize_t n = sendfile(fd, file.fd, &offset, step);
    if (n > 0) {
      left -= static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(fd, POLLOUT, options.read_timeout_seconds * 1000, stop_requested)) return false;
      continue;
    }
    return false;  // an error, or the file shrank under us: the client sees a short body
  }
  return true;
}

ssize_t HttpServer::Impl::ReadBlocking(int fd, char* buf, size_t size) {
  while (true) {
    ssize_t n = read(fd, buf, size);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (!WaitFor(fd, POLLIN, options.read_timeout_seconds * 1000, stop_requested)) return -1;
  }
}

bool HttpServer::Impl::DrainBody(Connection* c, const RequestHead& head, uint64_t already,
                                 ChunkedDecoder* chunked) {
  if (head.framing == BodyFraming::kLength) {
    uint64_t left = head.content_length - already;
    if (left > kMaxDrainBytes) return false;
    size_t from_buffer = static_cast<size_t>(std::min<uint64_t>(left, c->in.size()));
    c->in.erase(0, from_buffer);
    left -= from_buffer;
    thread_local std::string buf(kReadChunk, '\0');
    while (left > 0) {
      ssize_t n = ReadBlocking(c->fd, buf.data(), static_cast<size_t>(std::min<uint64_t>(left, buf.size())));
      if (n <= 0) return false;
      left -= static_cast<uint64_t>(n);
    }
    return true;
  }
  if (head.framing == BodyFraming::kChunked) {
    ChunkedDecoder own;
    ChunkedDecoder& d = chunked ? *chunked : own;
    uint64_t dropped = 0;
    auto counted = [&](const char*, size_t n) { return (dropped += n) <= kMaxDrainBytes; };
    size_t used = d.Feed(c->in, counted);
    c->in.erase(0, used);
    thread_local std::string buf(kReadChunk, '\0');
    while (!d.done()) {
      if (d.failed() || d.stopped()) return false;
      ssize_t n = ReadBlocking(c->fd, buf.data(), buf.size());
      if (n <= 0) return false;
      size_t u = d.Feed(std::string_view(buf.data(), static_cast<size_t>(n)), counted);
      if (u < static_cast<size_t>(n)) c->in.append(buf.data() + u, static_cast<size_t>(n) - u);
    }
    return true;
  }
  return true;
}

void HttpServer::Impl::Close(Connection* c) {
  {
    std::lock_guard lock(connections_mu);
    connections.erase(c);
  }
  close(c->fd);
  delete c;
}

void HttpServer::Impl::Linger(Connection* c) {
  if (c->peer_closed || stop_requested) {
    Close(c);
    return;
  }
  shutdown(c->fd, SHUT_WR);
  c->lingering = true;
  c->in.clear();
  Rearm(c, 2000);
}

void HttpServer::Impl::Rearm(Connection* c, int64_t timeout_ms) {
  c->deadline = NowMs() + timeout_ms;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.ptr = c;
  if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) != 0) Close(c);
}

void HttpServer::Impl::AcceptAll() {
  while (!stop_requested) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      break;  // EAGAIN, or out of descriptors: try again at the next event
    }
    int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    auto* c = new Connection;
    c->fd = fd;
    char host[INET6_ADDRSTRLEN] = "";
    if (addr.ss_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, host, sizeof host);
    } else if (addr.ss_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, host, sizeof host);
    }
    c->peer = host;
    bool full;
    {
      std::lock_guard lock(connections_mu);
      full = connections.size() >= static_cast<size_t>(options.max_connections);
      if (!full) connections.insert(c);
    }
    if (full) {
      Response busy = ProblemResponse(503, "the server has too many open connections; try again shortly",
                                      "máy chủ đang có quá nhiều kết nối; hãy thử lại sau giây lát", "/");
      busy.SetHeader("Retry-After", "1");
      Send(c, busy, false, true);
      close(fd);
      delete c;
      continue;
    }
    c->deadline = NowMs() + int64_t{options.read_timeout_seconds} * 1000;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    ev.data.ptr = c;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) Close(c);
  }
}

bool HttpServer::Impl::ServeOne(Connection* c, bool& need_more) {
  need_more = false;
  if (!c->head) {
    RequestHead head;
    size_t consumed = 0;
    ParseError error;
    switch (ParseRequestHead(c->in, options.max_head_bytes, head, consumed, error)) {
      case ParseOutcome::kIncomplete:
        need_more = true;
        return true;
      case ParseOutcome::kError:
        Send(c, ProblemResponse(error.status, error.message_en, error.message_vi, "/"), false, true);
        return false;
      case ParseOutcome::kDone:
        break;
    }
    c->in.erase(0, consumed);
    c->head = std::move(head);
    c->continue_sent = false;
    c->body.clear();
    c->chunked = ChunkedDecoder();
  }
  RequestHead& head = *c->head;
  const bool head_only = head.method == "HEAD";
  bool keep = head.keep_alive;

  Request req;
  req.method = head.method;
  req.path = head.path;
  req.raw_query = head.raw_query;
  req.query = head.query;
  req.headers = head.headers;
  req.remote_address = c->peer;

  // Answers given before the body is read: the body, if any, is then dropped or the
  // connection closed.
  auto refuse = [&](Response resp) {
    resp.SetHeader("X-Content-Type-Options", "nosniff");
    bool stay = keep;
    if (stay && head.framing != BodyFraming::kNone) {
      // A client still waiting for "100 Continue" has sent no body: there is nothing to drop,
      // but it may send it anyway, so the connection ends.
      stay = (!head.expect_continue || c->continue_sent) && DrainBody(c, head, 0, nullptr);
    }
    bool sent = Send(c, resp, head_only, !stay);
    c->head.reset();
    return sent && stay;
  };

  if (!IsKnownMethod(head.method)) {
    return refuse(ProblemResponse(501, "method " + head.method + " is not supported",
                                  "không hỗ trợ phương thức " + head.method, head.path));
  }
  if (head.framing != BodyFraming::kNone) {
    std::string encoding = Lowercase(req.Header("Content-Encoding").value_or(""));
    // Compressed bodies are refused, and read as they are: decoding them only to drop them
    // would let a small request cost gigabytes of inflating.
    if (!encoding.empty() && encoding != "identity") {
      return refuse(ProblemResponse(
          415, "compressed request bodies (Content-Encoding: " + encoding + ") are not accepted",
          "không nhận nội dung yêu cầu đã nén (Content-Encoding: " + encoding + ")", head.path));
    }
    std::string type = Lowercase(req.Header("Content-Type").value_or(""));
    if (type.starts_with("multipart/form-data")) {
      return refuse(ProblemResponse(
          415, "multipart/form-data is not accepted: send the document or file itself as the body",
          "không nhận multipart/form-data: hãy gửi chính tài liệu hoặc tệp làm nội dung yêu cầu",
          head.path));
    }
    // A client that waits for "100 Continue" is refused at once when the headers are enough
    // to refuse it, instead of after sending gigabytes that would be dropped.
    if (head.expect_continue && !c->continue_sent) {
      if (std::optional<Response> refused = Preflight(req, services, options.max_body_bytes)) {
        keep = false;
        return refuse(std::move(*refused));
      }
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      if (!SendRaw(c->fd, kContinue, sizeof kContinue - 1)) return false;
      c->continue_sent = true;
    }
  }

  if (BodyOf(req) == Body::kStreamed) {
    // The handler reads the body itself, as it arrives, straight from the socket.
    uint64_t taken = 0;
    bool used = false, ended = head.framing == BodyFraming::kNone, broken = false;
    ChunkedDecoder decoder;
    req.read_body = [&](const Request::BodySink& sink) {
      if (used) return false;
      used = true;
      bool wanted = true;
      auto give = [&](const char* data, size_t size) {
        if (wanted) wanted = sink(data, size);
        return wanted;
      };
      thread_local std::string buf(kReadChunk, '\0');
      if (head.framing == BodyFraming::kLength) {
        while (taken < head.content_length && wanted) {
          if (!c->in.empty()) {
            size_t n = static_cast<size_t>(std::min<uint64_t>(head.content_length - taken, c->in.size()));
            give(c->in.data(), n);
            c->in.erase(0, n);
            taken += n;
            continue;
          }
          ssize_t n = ReadBlocking(c->fd, buf.data(),
                                   static_cast<size_t>(std::min<uint64_t>(head.content_length - taken, buf.size())));
          if (n <= 0) {
            broken = true;
            return false;
          }
          taken += static_cast<uint64_t>(n);
          give(buf.data(), static_cast<size_t>(n));
        }
        ended = taken == head.content_length;
        return true;
      }
      if (head.framing == BodyFraming::kChunked) {
        size_t used_bytes = decoder.Feed(c->in, give);
        c->in.erase(0, used_bytes);
        while (!decoder.done() && !decoder.failed() && !decoder.stopped()) {
          ssize_t n = ReadBlocking(c->fd, buf.data(), buf.size());
          if (n <= 0) {
            broken = true;
            return false;
          }
          size_t u = decoder.Feed(std::string_view(buf.data(), static_cast<size_t>(n)), give);
          if (u < static_cast<size_t>(n)) c->in.append(buf.data() + u, static_cast<size_t>(n) - u);
        }
        if (decoder.failed()) {
          broken = true;
          return false;
        }
        ended = decoder.done();
        return true;
      }
      return true;
    };
    Response resp = Dispatch(req, head.minor_version);
    bool stay = keep && !broken;
    if (stay && !ended) {
      stay = head.framing == BodyFraming::kLength ? DrainBody(c, head, taken, nullptr)
                                                  : DrainBody(c, head, 0, &decoder);
    }
    bool sent = Send(c, resp, head_only, !stay);
    c->head.reset();
    return sent && stay;
  }

  // Buffered bodies: gathered without blocking the worker, then handed over whole.
  const size_t limit = options.max_body_bytes;
  if (head.framing == BodyFraming::kLength) {
    if (head.content_length > limit) {
      return refuse(ProblemResponse(
          413, "the request body is larger than the server accepts (" + std::to_string(limit) + " bytes)",
          "nội dung yêu cầu lớn hơn mức máy chủ chấp nhận (" + std::to_string(limit) + " byte)",
          head.path));
    }
    if (c->in.size() < head.content_length) {
      need_more = true;
      return true;
    }
    req.body = c->in.substr(0, static_cast<size_t>(head.content_length));
    c->in.erase(0, static_cast<size_t>(head.content_length));
  } else if (head.framing == BodyFraming::kChunked) {
    bool over = false;
    size_t used = c->chunked.Feed(c->in, [&](const char* data, size_t size) {
      if (c->body.size() + size > limit) {
        over = true;
        return false;
      }
      c->body.append(data, size);
      return true;
    });
    c->in.erase(0, used);
    if (over) {
      keep = false;
      return refuse(ProblemResponse(
          413, "the request body is larger than the server accepts (" + std::to_string(limit) + " bytes)",
          "nội dung yêu cầu lớn hơn mức máy chủ chấp nhận (" + std::to_string(limit) + " byte)",
          head.path));
    }
    if (c->chunked.failed()) {
      keep = false;
      return refuse(ProblemResponse(400, "the chunked request body is malformed",
                                    "nội dung yêu cầu dạng chunked sai định dạng", head.path));
    }
    if (!c->chunked.done()) {
      need_more = true;
      return true;
    }
    req.body = std::move(c->body);
    c->body.clear();
  }
  c->deadline = std::numeric_limits<int64_t>::max();
  Response resp = Dispatch(req, head.minor_version);
  bool sent = Send(c, resp, head_only, !keep);
  c->head.reset();
  return sent && keep;
}

void HttpServer::Impl::Serve(Connection* c) {
  thread_local std::string buf(64 * 1024, '\0');
  if (c->lingering) {
    while (true) {
      ssize_t n = read(c->fd, buf.data(), buf.size());
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
        ev.data.ptr = c;
        if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) != 0) Close(c);
        return;  // the deadline set by Linger() still stands
      }
      Close(c);
      return;
    }
  }
  c->deadline = std::numeric_limits<int64_t>::max();
  while (true) {
    ssize_t n = read(c->fd, buf.data(), buf.size());
    if (n > 0) {
      c->in.append(buf.data(), static_cast<size_t>(n));
      if (static_cast<size_t>(n) < buf.size()) break;
      if (c->in.size() > options.max_head_bytes + options.max_body_bytes + buf.size()) break;
      continue;
    }
    if (n == 0) {
      c->peer_closed = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    Close(c);
    return;
  }
  while (!c->in.empty() || c->head) {
    bool need_more = false;
    if (!ServeOne(c, need_more)) {
      Linger(c);
      return;
    }
    if (need_more) break;
    if (stop_requested) {
      Close(c);
      return;
    }
  }
  if (c->peer_closed) {
    Close(c);
    return;
  }
  Rearm(c, int64_t{options.read_timeout_seconds} * 1000);
}

void HttpServer::Impl::Worker() {
  while (!stop_requested) {
    epoll_event ev{};
    int n = epoll_wait(epoll_fd, &ev, 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (n == 0 || stop_requested || ev.data.ptr == &wake_tag) break;
    if (ev.data.ptr == &listen_tag) {
      AcceptAll();
      epoll_event again{};
      again.events = EPOLLIN | EPOLLONESHOT;
      again.data.ptr = &listen_tag;
      epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listen_fd, &again);
      continue;
    }
    Serve(static_cast<Connection*>(ev.data.ptr));
  }
}

HttpServer::HttpServer(Catalogue& catalogue, ServerOptions options, media::MediaService* media)
    : impl_(new Impl(catalogue, std::move(options), media)) {}

HttpServer::~HttpServer() {
  Stop();
  if (impl_->listen_fd >= 0) close(impl_->listen_fd);
  if (impl_->epoll_fd >= 0) close(impl_->epoll_fd);
  if (impl_->wake_fd >= 0) close(impl_->wake_fd);
}

Result<int> HttpServer::Bind() {
  const std::string& host = impl_->options.host;
  const std::string where = host + ":" + std::to_string(impl_->options.port);
  auto fail = [&](const std::string& why_en, const std::string& why_vi) -> Result<int> {
    return Fail(ErrorCode::kUnavailable, "cannot listen on " + where + " (" + why_en + ")",
                "không lắng nghe được trên " + where + " (" + why_vi + ")");
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  std::string port_text = std::to_string(impl_->options.port);
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), port_text.c_str(), &hints, &found) != 0 || !found) {
    return fail("unknown host", "không rõ máy chủ");
  }
  int fd = -1;
  int last_errno = 0;
  for (addrinfo* a = found; a; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    // SO_REUSEADDR keeps restarts quick. SO_REUSEPORT is left off: it would let a second
    // server bind a port in use and silently share its connections.
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1024) == 0) break;
    last_errno = errno;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd < 0) {
    return last_errno == EADDRINUSE ? fail("address in use", "địa chỉ đang được dùng")
                                    : fail(std::strerror(last_errno), std::strerror(last_errno));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  int port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                         : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  impl_->listen_fd = fd;
  impl_->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl_->epoll_fd < 0 || impl_->wake_fd < 0) return fail("epoll", "epoll");
  return port;
}

Status HttpServer::Run() {
  Impl& s = *impl_;
  if (s.listen_fd < 0) {
    return Fail(ErrorCode::kUnavailable, "the server runs only after Bind()", "máy chủ chỉ chạy sau Bind()");
  }
  if (s.stop_requested) return Ok();
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLONESHOT;
  ev.data.ptr = &s.listen_tag;
  epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.listen_fd, &ev);
  epoll_event wake{};
  wake.events = EPOLLIN;  // level-triggered: every worker sees it
  wake.data.ptr = &s.wake_tag;
  epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.wake_fd, &wake);

  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, s.options.threads); ++i) workers.emplace_back([&s] { s.Worker(); });
  // This thread closes connections idle past the read timeout: a shutdown() wakes the owner
  // (or the next worker to see the socket), which then finds the peer gone and closes it.
  while (!s.stop_requested) {
    pollfd p{s.wake_fd, POLLIN, 0};
    poll(&p, 1, 250);
    int64_t now = NowMs();
    std::lock_guard lock(s.connections_mu);
    for (Connection* c : s.connections) {
      if (c->deadline.load() < now) {
        shutdown(c->fd, SHUT_RDWR);
        c->deadline = std::numeric_limits<int64_t>::max();
      }
    }
  }
  for (std::thread& t : workers) t.join();
  std::lock_guard lock(s.connections_mu);
  for (Connection* c : s.connections) {
    close(c->fd);
    delete c;
  }
  s.connections.clear();
  return Ok();
}

void HttpServer::Stop() {
  if (!impl_) return;
  impl_->stop_requested = true;
  if (impl_->wake_fd >= 0) {
    uint64_t one = 1;
    ssize_t ignored = write(impl_->wake_fd, &one, sizeof one);
    (void)ignored;
  }
}

}  // namespace disan::http
