// The one place that turns errors into HTTP answers: RFC 9457 problem documents.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/http_types.h"

namespace disan::http {

int StatusFor(ErrorCode code);

// A problem+json response for `error`; `instance` is the request path. `extra` members are
// added to the document (e.g. a tombstone); `status` overrides the code's usual status where
// a protocol asks for another (0 = the usual one).
Response ProblemResponse(const Error& error, const std::string& instance,
                         const nlohmann::json& extra = nlohmann::json::object(), int status = 0);
// For answers decided by the HTTP layer itself (405, 415, 428, ...).
Response ProblemResponse(int status, const std::string& en, const std::string& vi,
                         const std::string& instance);

}  // namespace disan::http
