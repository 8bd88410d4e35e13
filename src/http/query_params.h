// The one check of a request's query parameters that every list and page shares: only the
// names it takes, each value at most 256 bytes.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "http/http_types.h"

namespace disan::http {

// kInvalid naming the parameter: one not in `names` (which the message lists) nor in `also`
// (accepted but not listed, such as the pages' `lang`), or a value longer than 256 bytes.
Status OnlyParameters(const Request& req, std::initializer_list<std::string_view> names,
                      const std::vector<std::string>& also = {});

}  // namespace disan::http
