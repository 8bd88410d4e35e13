// The one place that turns errors into HTTP answers: RFC 9457 problem documents.
#pragma once

#include <string>

#include "core/error.h"
#include "http/http_types.h"

namespace disan::http {

int StatusFor(ErrorCode code);

// A problem+json response for `error`; `instance` is the request path.
Response ProblemResponse(const Error& error, const std::string& instance);
// For answers decided by the HTTP layer itself (405, 415, 428, ...).
Response ProblemResponse(int status, const std::string& en, const std::string& vi,
                         const std::string& instance);

}  // namespace disan::http
