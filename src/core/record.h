// Record classes: the three kinds of top-level record Disan keeps. Heritage items are what the
// catalogue is about; organisations (museums, relic management boards) hold items; areas (the
// UNESCO Global Geopark) contain them. All three share identifiers, revisions and the store.
#pragma once

#include <optional>
#include <string_view>

namespace disan {

enum class RecordClass { kItem, kOrganisation, kArea };

std::string_view RecordClassName(RecordClass cls);  // "item", "organisation", "area"
std::optional<RecordClass> ParseRecordClass(std::string_view name);

}  // namespace disan
