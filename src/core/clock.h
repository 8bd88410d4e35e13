// The current time as the catalogue writes it.
#pragma once

#include <string>

namespace disan {

// Now, in RFC 3339 UTC with milliseconds: "2026-11-25T18:09:17.123Z". Strings of this form
// sort in time order.
std::string NowRfc3339();

}  // namespace disan
