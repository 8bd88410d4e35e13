#include "http/query_params.h"

#include <algorithm>

#include "workflow/contributions.h"

namespace disan::http {

Status OnlyParameters(const Request& req, std::initializer_list<std::string_view> names,
                      const std::vector<std::string>& also) {
  for (const auto& [name, value] : req.query) {
    const bool known = std::find(names.begin(), names.end(), name) != names.end() ||
                       std::find(also.begin(), also.end(), name) != also.end();
    if (!known) {
      std::string list;
      for (std::string_view n : names) list += (list.empty() ? "" : ", ") + std::string(n);
      return Fail(workflow::FieldInvalid(name.substr(0, 64), "unknown_parameter",
                                         "is not a parameter here (" + list + ")",
                                         "không phải tham số ở đây (" + list + ")"));
    }
    if (value.size() > 256) {
      return Fail(workflow::FieldInvalid(name.substr(0, 64), "too_long", "is longer than 256 bytes",
                                         "dài quá 256 byte"));
    }
  }
  return Ok();
}

}  // namespace disan::http
