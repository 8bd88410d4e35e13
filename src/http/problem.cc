#include "http/problem.h"

#include <nlohmann/json.hpp>

namespace disan::http {
namespace {

const char* TitleFor(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 501:
      return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

Response Render(nlohmann::json problem, int status) {
  problem["status"] = status;
  problem["title"] = TitleFor(status);
  Response r;
  r.status = status;
  r.content_type = "application/problem+json; charset=utf-8";
  r.body = problem.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  if (status == 401) r.SetHeader("WWW-Authenticate", "Bearer realm=\"disan\"");
  return r;
}

}  // namespace

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kGone: return 410;
    case ErrorCode::kInvalid: return 422;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPreconditionFailed: return 412;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kCorrupt: return 500;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

Response ProblemResponse(const Error& error, const std::string& instance,
                         const nlohmann::json& extra, int status) {
  if (status == 0) status = StatusFor(error.code);
  nlohmann::json p = extra.is_object() ? extra : nlohmann::json::object();
  p["type"] = "/api/v1/problems/" + std::string(ErrorCodeName(error.code));
  p["detail"] = error.message_en;
  p["detail_vi"] = error.message_vi;
  p["instance"] = instance;
  if (!error.fields.empty()) {
    nlohmann::json errors = nlohmann::json::array();
    for (const FieldError& f : error.fields) {
      errors.push_back({{"pointer", f.path}, {"problem", f.problem}, {"detail", f.message_en},
                        {"detail_vi", f.message_vi}});
    }
    p["errors"] = std::move(errors);
  }
  return Render(std::move(p), status);
}

Response ProblemResponse(int status, const std::string& en, const std::string& vi,
                         const std::string& instance) {
  nlohmann::json p;
  p["type"] = "about:blank";
  p["detail"] = en;
  p["detail_vi"] = vi;
  p["instance"] = instance;
  return Render(std::move(p), status);
}

}  // namespace disan::http
