// Request and Response as the routes see them: plain structs, free of any HTTP library type,
// so handlers can be called from tests without a socket.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace disan::http {

struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};

struct Request {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> query;
  std::string raw_query;  // the target after '?', undecoded (for protocols with their own rules)
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::map<std::string, std::string> params;  // from the route pattern, e.g. {pid}
  std::string body;
  std::string remote_address;  // the client's IP address as the socket saw it

  // For routes that stream their body (Body::kStreamed in routes.h) the server leaves `body`
  // empty and sets this instead: it reads the body piece by piece into `sink` until the end, or
  // until `sink` returns false (the rest is then read and dropped, so that the connection stays
  // usable). Returns false when the client did not send the whole body. Callable once. Whatever
  // the handler does not read, the server reads and drops after it returns.
  using BodySink = std::function<bool(const char* data, size_t size)>;
  std::function<bool(const BodySink& sink)> read_body;

  std::optional<std::string> Header(std::string_view name) const;
  std::optional<std::string> Query(const std::string& name) const;
  std::vector<std::string> QueryAll(const std::string& name) const;
};

// A body sent straight from an open file (media delivery): `length` bytes from `offset`, with
// sendfile(2), never read into memory. Owns `fd`: it is closed with the last copy.
struct FileBody {
  FileBody(int file, uint64_t from, uint64_t bytes) : fd(file), offset(from), length(bytes) {}
  ~FileBody();
  FileBody(const FileBody&) = delete;
  FileBody& operator=(const FileBody&) = delete;
  const int fd;
  const uint64_t offset;
  const uint64_t length;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // A body too large to hold (exports): when set, `body` is ignored and the server sends what
  // `stream` writes, chunked, as it writes it. `stream` runs after the handler has returned,
  // so it must own or outlive everything it uses; it returns false to break the connection
  // when it fails half-way (the status line is already sent).
  using ChunkWriter = std::function<bool(std::string_view bytes)>;
  std::function<bool(const ChunkWriter& write)> stream;
  // A body read from a file (FileBody): when set, `body` and `stream` are ignored and the
  // server sends file->length bytes with Content-Length.
  std::shared_ptr<const FileBody> file;

  void SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace disan::http
