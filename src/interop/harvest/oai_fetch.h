// Fetching OAI-PMH responses over HTTP(S): the harvester's one network call, with a time limit,
// a size limit and redirects followed by hand (a loop or too many is an error). cpp-httplib is
// confined to oai_fetch.cc. Thread-safe: no shared state.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace disan::interop::harvest {

struct FetchOptions {
  std::chrono::milliseconds timeout{60000};  // for the whole answer, connecting included
  size_t max_bytes = size_t{256} << 20;      // a larger answer is refused
  int max_redirects = 5;
};

// Checks that `url` is an absolute http:// or https:// URL without query or fragment (an
// OAI-PMH base URL). kInvalid naming the problem otherwise.
Status ValidateBaseUrl(const std::string& url);

// The URL of a request: the base URL and the arguments, form-encoded.
std::string RequestUrl(const std::string& base_url,
                       const std::vector<std::pair<std::string, std::string>>& arguments);

// GETs `url` and returns the body of the final 200 answer. kUnavailable when the source cannot
// be reached, does not answer in time or answers with an HTTP error; kInvalid for a redirect
// loop, too many redirects or an answer over the size limit.
Result<std::string> Fetch(const std::string& url, const FetchOptions& options);

}  // namespace disan::interop::harvest
