// What a record's licence allows, for the layers that show it (the portal's item page) and
// those that act on it (workflow: commercial-use requests). Licence ids are the terms of
// schema/vocabularies/licences.json.
#pragma once

#include <string_view>

namespace disan {

// True when commercial use of the item needs the rights holder's permission: all rights
// reserved, or a non-commercial licence. Such items take commercial-use requests.
inline bool CommercialUseNeedsPermission(std::string_view licence) {
  if (licence == "rs_inc" || licence == "rs_inc_edu" || licence == "commercial") return true;
  return licence.find("_nc") != std::string_view::npos || licence.starts_with("rs_noc_nc") ||
         licence.starts_with("rs_inc_nc");
}

}  // namespace disan
