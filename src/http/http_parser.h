// The HTTP/1.1 request grammar the server accepts (RFC 9112), as pure functions over bytes, so
// that every malformed, hostile and oversized form is unit-tested without a socket.
//
// What is refused, and why: obsolete line folding, whitespace before a header's colon, bare CR,
// NUL and other control bytes (request smuggling and header injection); both Content-Length and
// Transfer-Encoding, conflicting Content-Lengths, and any transfer coding but "chunked" (the
// length of the body would be ambiguous); request heads over the configured size (431) and
// URLs over kMaxTargetBytes (414).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "http/http_types.h"

namespace disan::http {

enum class BodyFraming { kNone, kLength, kChunked };

struct RequestHead {
  std::string method;
  std::string target;  // as sent
  std::string path;    // percent-decoded
  std::string raw_query;
  std::multimap<std::string, std::string> query;  // decoded, '+' as space
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  int minor_version = 1;  // HTTP/1.0 or HTTP/1.1
  bool keep_alive = true;
  bool expect_continue = false;
  BodyFraming framing = BodyFraming::kNone;
  uint64_t content_length = 0;
};

// Why a request cannot be read: the status to answer with, in both languages.
struct ParseError {
  int status = 400;
  std::string message_en;
  std::string message_vi;
};

enum class ParseOutcome { kIncomplete, kDone, kError };

// Longer request targets get 414 (no route or protocol of ours needs more).
constexpr size_t kMaxTargetBytes = 8192;

// Parses the request head at the start of `bytes`. kDone sets `head` and `consumed` (the bytes
// of the head, blank line included); kIncomplete means more bytes are needed (and none of those
// present is wrong yet); kError sets `error`. Heads longer than `max_head_bytes` are kError 431.
ParseOutcome ParseRequestHead(std::string_view bytes, size_t max_head_bytes, RequestHead& head,
                              size_t& consumed, ParseError& error);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). Malformed escapes are kept as
// they are. Sets *has_nul when a %00 was decoded.
std::string PercentDecode(std::string_view s, bool plus_is_space, bool* has_nul = nullptr);

// Splits "a=1&b=2&a=3" into decoded pairs.
void ParseQueryString(std::string_view raw, std::multimap<std::string, std::string>& out);

// Decodes a chunked body incrementally: feed it whatever bytes arrived, it hands the data to
// `sink` and says how many input bytes it used. Trailers are read and dropped.
class ChunkedDecoder {
 public:
  using Sink = std::function<bool(const char* data, size_t size)>;

  // Consumes from `in`; returns the bytes used. Stops at the end of the body (done()), on a
  // malformed chunk (failed()), when `sink` returns false (stopped()), or when `in` runs out.
  size_t Feed(std::string_view in, const Sink& sink);
  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }
  bool stopped() const { return stopped_; }

 private:
  enum class State { kSize, kSizeExtension, kSizeLf, kData, kDataCr, kDataLf, kTrailer, kTrailerLf, kDone, kFailed };
  State state_ = State::kSize;
  uint64_t remaining_ = 0;
  int size_digits_ = 0;
  size_t trailer_line_ = 0;
  size_t trailer_bytes_ = 0;
  bool stopped_ = false;
};

// "HTTP/1.1 404 Not Found": the reason phrase of a status.
std::string_view ReasonPhrase(int status);

}  // namespace disan::http
