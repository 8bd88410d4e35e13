#include "core/error.h"

namespace disan {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kGone: return "gone";
    case ErrorCode::kInvalid: return "invalid";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kPreconditionFailed: return "precondition_failed";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Error::Describe() const {
  std::string out = message_en;
  if (!message_vi.empty() && message_vi != message_en) out += " / " + message_vi;
  for (const FieldError& f : fields) {
    out += "\n  " + f.path + ": " + f.message_en;
    if (!f.message_vi.empty()) out += " / " + f.message_vi;
  }
  return out;
}

}  // namespace disan
