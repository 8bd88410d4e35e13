#include "interop/harvest/oai_fetch.h"

#include <httplib.h>

#include <cstdio>
#include <regex>
#include <set>

namespace disan::interop::harvest {
namespace {

struct Url {
  std::string origin;  // scheme://host[:port]
  std::string target;  // /path?query
};

Result<Url> SplitUrl(const std::string& url) {
  static const std::regex re(R"(^(https?://[^/?#\s]+)([^#\s]*)$)", std::regex::icase);
  std::smatch m;
  if (url.size() > 8192 || !std::regex_match(url, m, re)) {
    return Fail(ErrorCode::kInvalid, "not an http:// or https:// URL: " + url.substr(0, 200),
                "không phải địa chỉ http:// hoặc https://: " + url.substr(0, 200));
  }
  Url u{m[1].str(), m[2].str()};
  if (u.target.empty()) u.target = "/";
  return u;
}

std::string Encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Resolves a Location header against the URL that sent it.
std::string Resolve(const Url& from, const std::string& location) {
  if (location.starts_with("http://") || location.starts_with("https://")) return location;
  if (location.starts_with("//"))
    return from.origin.substr(0, from.origin.find(':')) + ":" + location;
  if (location.starts_with("/")) return from.origin + location;
  std::string path = from.target.substr(0, from.target.find('?'));
  return from.origin + path.substr(0, path.rfind('/') + 1) + location;
}

std::string Seconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

}  // namespace

Status ValidateBaseUrl(const std::string& url) {
  Url u = TRY(SplitUrl(url));
  if (u.target.find('?') != std::string::npos) {
    return Fail(ErrorCode::kInvalid, "an OAI-PMH base URL has no query string: " + url,
                "địa chỉ gốc OAI-PMH không có phần truy vấn (?): " + url);
  }
  return Ok();
}

std::string RequestUrl(const std::string& base_url,
                       const std::vector<std::pair<std::string, std::string>>& arguments) {
  std::string out = base_url;
  char separator = '?';
  for (const auto& [k, v] : arguments) {
    out += separator;
    out += Encode(k) + "=" + Encode(v);
    separator = '&';
  }
  return out;
}

Result<std::string> Fetch(const std::string& url, const FetchOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  std::set<std::string> seen;
  std::string current = url;
  for (int hop = 0;; ++hop) {
    if (!seen.insert(current).second) {
      return Fail(ErrorCode::kInvalid, "the source redirects in a loop (" + current + ")",
                  "nguồn chuyển hướng vòng tròn (" + current + ")");
    }
    if (hop > options.max_redirects) {
      return Fail(
          ErrorCode::kInvalid,
          "the source redirected more than " + std::to_string(options.max_redirects) + " times",
          "nguồn chuyển hướng quá " + std::to_string(options.max_redirects) + " lần");
    }
    Url u = TRY(SplitUrl(current));
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) left = std::chrono::microseconds(1);
    httplib::Client client(u.origin);
    client.set_follow_location(false);
    client.set_connection_timeout(std::chrono::duration_cast<std::chrono::seconds>(left).count(),
                                  static_cast<long>(left.count() % 1000000));
    client.set_read_timeout(std::chrono::duration_cast<std::chrono::seconds>(left).count(),
                            static_cast<long>(left.count() % 1000000));
    client.set_write_timeout(std::chrono::duration_cast<std::chrono::seconds>(left).count(),
                             static_cast<long>(left.count() % 1000000));
    std::string body;
    bool too_big = false, too_slow = false;
    httplib::Result res =
        client.Get(u.target, httplib::Headers{{"Accept", "text/xml, application/xml"}},
                   [&](const char* data, size_t length) {
                     if (body.size() + length > options.max_bytes) {
                       too_big = true;
                       return false;
                     }
                     if (std::chrono::steady_clock::now() > deadline) {
                       too_slow = true;
                       return false;
                     }
                     body.append(data, length);
                     return true;
                   });
    if (too_big) {
      return Fail(
          ErrorCode::kInvalid,
          "the answer of " + current + " is larger than " + std::to_string(options.max_bytes) +
              " bytes",
          "câu trả lời của " + current + " lớn hơn " + std::to_string(options.max_bytes) + " byte");
    }
    if (!res) {
      httplib::Error e = res.error();
      if (too_slow || e == httplib::Error::Read || e == httplib::Error::ConnectionTimeout) {
        return Fail(ErrorCode::kUnavailable,
                    current + " did not answer within " + Seconds(options.timeout) + " s",
                    current + " không trả lời trong " + Seconds(options.timeout) + " giây");
      }
      return Fail(ErrorCode::kUnavailable, "cannot reach " + current + ": " + httplib::to_string(e),
                  "không kết nối được " + current + ": " + httplib::to_string(e));
    }
    if (res->status >= 300 && res->status < 400 && res->has_header("Location")) {
      current = Resolve(u, res->get_header_value("Location"));
      continue;
    }
    if (res->status != 200) {
      return Fail(ErrorCode::kUnavailable,
                  current + " answered HTTP " + std::to_string(res->status),
                  current + " trả lời mã HTTP " + std::to_string(res->status));
    }
    return body;
  }
}

}  // namespace disan::interop::harvest
