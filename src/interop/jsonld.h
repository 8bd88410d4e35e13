// Linked data for one public heritage item: a JSON-LD document that describes the item with
// schema.org terms (for the web and search engines) and, on the same node, CIDOC-CRM terms
// shaped as Linked Art does (for the heritage community). See docs/interop.md, "JSON-LD".
//
// The context is inline (no remote context to fetch: deployments may be offline). Names and
// texts carry their BCP 47 language tags, places their WGS84 points (already generalised when
// the record was redacted for the public), licences their URIs. Pure function; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/schema.h"
#include "store/store.h"

namespace disan::interop {

inline constexpr const char* kJsonLdMediaType = "application/ld+json";

// `record` must be a public item already redacted for the public (Catalogue::Get with a
// public actor); `site_url` is the instance's root URL. The item's node is <site_url>/id/<pid>.
nlohmann::json ItemJsonLd(const Schema& schema, const StoredRecord& record,
                          const std::string& site_url);

}  // namespace disan::interop
