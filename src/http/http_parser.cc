#include "http/http_parser.h"

#include <charconv>

namespace disan::http {
namespace {

// RFC 9110 tchar: the characters of methods and header names.
bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// Field values: visible characters, spaces, tabs and obs-text; no CR, LF, NUL or other controls.
bool IsFieldValueChar(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Whether the comma-separated list `value` holds `token` (case-insensitive).
bool ListHas(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = TrimWhitespace(value.substr(0, comma));
    if (EqualsIgnoreCase(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

ParseOutcome Fail(ParseError& error, int status, std::string en, std::string vi) {
  error = ParseError{status, std::move(en), std::move(vi)};
  return ParseOutcome::kError;
}

ParseOutcome BadRequest(ParseError& error, const std::string& what_en, const std::string& what_vi) {
  return Fail(error, 400, "malformed HTTP request: " + what_en,
              "yêu cầu HTTP sai định dạng: " + what_vi);
}

}  // namespace

std::string PercentDecode(std::string_view s, bool plus_is_space, bool* has_nul) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        char decoded = static_cast<char>(hi * 16 + lo);
        if (decoded == '\0' && has_nul) *has_nul = true;
        out.push_back(decoded);
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

void ParseQueryString(std::string_view raw, std::multimap<std::string, std::string>& out) {
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = PercentDecode(pair.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true);
      out.emplace(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    raw.remove_prefix(amp + 1);
  }
}

ParseOutcome ParseRequestHead(std::string_view bytes, size_t max_head_bytes, RequestHead& head,
                              size_t& consumed, ParseError& error) {
  // Robustness (RFC 9112 2.2): empty lines before the request line are skipped.
  size_t start = 0;
  while (start + 1 < bytes.size() && bytes[start] == '\r' && bytes[start + 1] == '\n') start += 2;
  if (start < bytes.size() && bytes[start] == '\n') ++start;
  size_t end = bytes.find("\r\n\r\n", start);
  size_t first_line = bytes.find("\r\n", start);
  if ((first_line == std::string_view::npos ? bytes.size() - start : first_line - start) >
      kMaxTargetBytes + 32) {
    return Fail(error, 414, "the URL is longer than " + std::to_string(kMaxTargetBytes) + " bytes",
                "URL dài quá " + std::to_string(kMaxTargetBytes) + " byte");
  }
  if (end == std::string_view::npos) {
    if (bytes.size() > max_head_bytes) {
      return Fail(error, 431, "the request head is larger than " + std::to_string(max_head_bytes) + " bytes",
                  "phần đầu yêu cầu lớn hơn " + std::to_string(max_head_bytes) + " byte");
    }
    // A bare LF line ending or a control byte already seen is an error now, not later.
    for (size_t i = start; i < bytes.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(bytes[i]);
      if (c == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
        return BadRequest(error, "a line ends with LF alone (CRLF is required)",
                          "một dòng kết thúc bằng LF thay vì CRLF");
      }
      if (c == 0) return BadRequest(error, "NUL byte in the request head", "có byte NUL trong phần đầu yêu cầu");
    }
    return ParseOutcome::kIncomplete;
  }
  if (end + 4 > max_head_bytes + start) {
    return Fail(error, 431, "the request head is larger than " + std::to_string(max_head_bytes) + " bytes",
                "phần đầu yêu cầu lớn hơn " + std::to_string(max_head_bytes) + " byte");
  }
  std::string_view text = bytes.substr(start, end - start);
  consumed = end + 4;

  // Request line: method SP request-target SP HTTP-version.
  size_t line_end = text.find("\r\n");
  std::string_view line = text.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos ||
      line.find(' ', sp2 + 1) != std::string_view::npos) {
    return BadRequest(error, "the request line is not 'METHOD /path HTTP/1.1'",
                      "dòng yêu cầu không có dạng 'PHƯƠNG-THỨC /đường-dẫn HTTP/1.1'");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (method.empty()) return BadRequest(error, "empty method", "phương thức rỗng");
  for (char c : method) {
    if (!IsTokenChar(static_cast<unsigned char>(c))) {
      return BadRequest(error, "the method has a character not allowed", "phương thức có ký tự không hợp lệ");
    }
  }
  if (version == "HTTP/1.1") {
    head.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    head.minor_version = 0;
  } else if (version.starts_with("HTTP/")) {
    return Fail(error, 505, "HTTP version " + std::string(version.substr(5)) + " is not supported; use HTTP/1.1",
                "không hỗ trợ phiên bản HTTP " + std::string(version.substr(5)) + "; hãy dùng HTTP/1.1");
  } else {
    return BadRequest(error, "the request line does not end with HTTP/1.1",
                      "dòng yêu cầu không kết thúc bằng HTTP/1.1");
  }
  if (target.empty()) return BadRequest(error, "empty request target", "đích yêu cầu rỗng");
  if (target.size() > kMaxTargetBytes) {
    return Fail(error, 414, "the URL is longer than " + std::to_string(kMaxTargetBytes) + " bytes",
                "URL dài quá " + std::to_string(kMaxTargetBytes) + " byte");
  }
  for (char c : target) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return BadRequest(error, "the request target has a control character or a space",
                        "đích yêu cầu có ký tự điều khiển hoặc dấu cách");
    }
  }
  std::string_view origin = target;
  if (origin.starts_with("http://") || origin.starts_with("https://")) {
    // Absolute form (RFC 9112 3.2.2): the path is what follows the authority.
    size_t slash = origin.find('/', origin.find("//") + 2);
    origin = slash == std::string_view::npos ? std::string_view("/") : origin.substr(slash);
  } else if (origin == "*") {
    if (method != "OPTIONS") return BadRequest(error, "'*' is a target only for OPTIONS", "'*' chỉ là đích của OPTIONS");
  } else if (origin.front() != '/') {
    return BadRequest(error, "the request target must start with '/'", "đích yêu cầu phải bắt đầu bằng '/'");
  }
  head.method = std::string(method);
  head.target = std::string(target);
  size_t q = origin.find('?');
  size_t hash = origin.find('#');
  if (hash != std::string_view::npos) origin = origin.substr(0, hash);
  std::string_view raw_path = origin.substr(0, q);
  head.raw_query = q == std::string_view::npos ? "" : std::string(origin.substr(q + 1));
  bool has_nul = false;
  head.path = PercentDecode(raw_path, false, &has_nul);
  if (has_nul) return BadRequest(error, "the path holds an encoded NUL (%00)", "đường dẫn chứa NUL mã hóa (%00)");
  head.query.clear();
  ParseQueryString(head.raw_query, head.query);

  // Header fields.
  head.headers.clear();
  bool saw_length = false, saw_host = false;
  std::string transfer_encoding;
  size_t pos = line_end == std::string_view::npos ? text.size() : line_end + 2;
  while (pos < text.size()) {
    size_t eol = text.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view field = text.substr(pos, eol - pos);
    pos = eol + 2;
    if (field.front() == ' ' || field.front() == '\t') {
      return BadRequest(error, "a header line starts with whitespace (obsolete line folding)",
                        "một dòng tiêu đề bắt đầu bằng khoảng trắng (gấp dòng đã lỗi thời)");
    }
    size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return BadRequest(error, "a header line has no name or no ':'", "một dòng tiêu đề thiếu tên hoặc dấu ':'");
    }
    std::string_view name = field.substr(0, colon);
    for (char c : name) {
      if (!IsTokenChar(static_cast<unsigned char>(c))) {
        return BadRequest(error, "the header name '" + std::string(name.substr(0, 64)) + "' has a character not allowed",
                          "tên tiêu đề '" + std::string(name.substr(0, 64)) + "' có ký tự không hợp lệ");
      }
    }
    std::string_view value = TrimWhitespace(field.substr(colon + 1));
    for (char c : value) {
      if (!IsFieldValueChar(static_cast<unsigned char>(c))) {
        return BadRequest(error, "the header " + std::string(name) + " has a control character",
                          "tiêu đề " + std::string(name) + " có ký tự điều khiển");
      }
    }
    if (EqualsIgnoreCase(name, "Content-Length")) {
      uint64_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc() || p != value.data() + value.size()) {
        return BadRequest(error, "Content-Length is not a number", "Content-Length không phải là số");
      }
      if (saw_length && n != head.content_length) {
        return BadRequest(error, "two different Content-Length headers", "hai tiêu đề Content-Length khác nhau");
      }
      saw_length = true;
      head.content_length = n;
    } else if (EqualsIgnoreCase(name, "Host")) {
      if (saw_host) return BadRequest(error, "more than one Host header", "nhiều hơn một tiêu đề Host");
      saw_host = true;
    } else if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      transfer_encoding += (transfer_encoding.empty() ? "" : ", ") + std::string(value);
    }
    auto [it, inserted] = head.headers.emplace(std::string(name), std::string(value));
    if (!inserted && !EqualsIgnoreCase(name, "Content-Length")) {
      it->second += ", ";
      it->second += value;  // repeated list headers combine (RFC 9110 5.3)
    }
  }
  if (head.minor_version == 1 && !saw_host) {
    return BadRequest(error, "HTTP/1.1 requests need a Host header", "yêu cầu HTTP/1.1 cần tiêu đề Host");
  }
  if (!transfer_encoding.empty()) {
    if (saw_length) {
      return BadRequest(error, "both Content-Length and Transfer-Encoding are set",
                        "có cả Content-Length lẫn Transfer-Encoding");
    }
    if (!EqualsIgnoreCase(TrimWhitespace(transfer_encoding), "chunked")) {
      return Fail(error, 501, "Transfer-Encoding '" + transfer_encoding + "' is not supported; use chunked or Content-Length",
                  "không hỗ trợ Transfer-Encoding '" + transfer_encoding + "'; hãy dùng chunked hoặc Content-Length");
    }
    head.framing = BodyFraming::kChunked;
  } else {
    head.framing = saw_length && head.content_length > 0 ? BodyFraming::kLength : BodyFraming::kNone;
  }
  auto connection = head.headers.find("Connection");
  std::string_view conn = connection == head.headers.end() ? "" : std::string_view(connection->second);
  head.keep_alive = head.minor_version == 1 ? !ListHas(conn, "close") : ListHas(conn, "keep-alive");
  auto expect = head.headers.find("Expect");
  head.expect_continue = head.minor_version == 1 && expect != head.headers.end() &&
                         EqualsIgnoreCase(expect->second, "100-continue");
  return ParseOutcome::kDone;
}

size_t ChunkedDecoder::Feed(std::string_view in, const Sink& sink) {
  constexpr size_t kMaxTrailerBytes = 16 * 1024;
  size_t i = 0;
  while (i < in.size() && state_ != State::kDone && state_ != State::kFailed && !stopped_) {
    char c = in[i];
    switch (state_) {
      case State::kSize: {
        int v = HexValue(c);
        if (v >= 0) {
          if (++size_digits_ > 15) {
            state_ = State::kFailed;
            break;
          }
          remaining_ = remaining_ * 16 + static_cast<uint64_t>(v);
          ++i;
        } else if (size_digits_ > 0 && (c == ';' || c == ' ' || c == '\t')) {
          state_ = State::kSizeExtension;
          ++i;
        } else if (size_digits_ > 0 && c == '\r') {
          state_ = State::kSizeLf;
          ++i;
        } else {
          state_ = State::kFailed;
        }
        break;
      }
      case State::kSizeExtension:
        if (c == '\r') state_ = State::kSizeLf;
        else if (c == '\n' || c == '\0') state_ = State::kFailed;
        ++i;
        break;
      case State::kSizeLf:
        if (c != '\n') {
          state_ = State::kFailed;
          break;
        }
        ++i;
        size_digits_ = 0;
        if (remaining_ == 0) {
          state_ = State::kTrailer;
          trailer_line_ = 0;
        } else {
          state_ = State::kData;
        }
        break;
      case State::kData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size() - i));
        if (!sink(in.data() + i, n)) stopped_ = true;
        i += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        state_ = c == '\r' ? State::kDataLf : State::kFailed;
        if (c == '\r') ++i;
        break;
      case State::kDataLf:
        state_ = c == '\n' ? State::kSize : State::kFailed;
        if (c == '\n') ++i;
        break;
      case State::kTrailer:
        // Trailer fields are read and dropped; an empty line ends the body.
        if (++trailer_bytes_ > kMaxTrailerBytes) {
          state_ = State::kFailed;
          break;
        }
        if (c == '\r') {
          state_ = State::kTrailerLf;
        } else if (c == '\n') {
          state_ = State::kFailed;
        } else {
          ++trailer_line_;
        }
        ++i;
        break;
      case State::kTrailerLf:
        if (c != '\n') {
          state_ = State::kFailed;
          break;
        }
        ++i;
        if (trailer_line_ == 0) {
          state_ = State::kDone;
        } else {
          trailer_line_ = 0;
          state_ = State::kTrailer;
        }
        break;
      case State::kDone:
      case State::kFailed:
        break;
    }
  }
  return i;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    default: return "Status";
  }
}

}  // namespace disan::http
