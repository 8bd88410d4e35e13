// The change feed: W3C Activity Streams 2.0 for clients that follow changes without OAI-PMH.
//
// An OrderedCollection of activities, oldest first, one per heritage item at its latest
// change (the shape of the IIIF Change Discovery API's level 1): Create for an item whose
// current version is the first the public could see, Update for a later one, Delete for an
// item that was public and is no longer (deleted, withdrawn, restricted). Items never public
// never appear. The same rule as the OAI-PMH provider (harvest_view.h).
//
// Pages follow an opaque cursor, the position (time of change, pid) of the last activity
// read. An item that changes again moves to the end, so a client that keeps the `next` of
// its last page and fetches it later receives exactly what changed since; an empty page has
// no `next` (fetch the same URL again later).
// Thread-safe: no state of its own.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "catalogue/catalogue.h"
#include "interop/harvest_view.h"

namespace disan::interop {

class ChangeFeed {
 public:
  static constexpr size_t kDefaultPageSize = 100;
  static constexpr size_t kMaxPageSize = 500;
  // The cursor of the first page.
  static constexpr const char* kStart = "start";

  explicit ChangeFeed(Catalogue& catalogue) : catalogue_(catalogue), view_(catalogue.store()) {}

  // The OrderedCollection: totalItems and a link to the first page. `site_url` is the root
  // URL ids are made from.
  Result<nlohmann::json> Collection(const std::string& site_url);
  // The OrderedCollectionPage after `cursor` (kStart or a page's next). kInvalid, naming the
  // cursor parameter, when the cursor is malformed.
  Result<nlohmann::json> Page(const std::string& cursor, size_t limit, const std::string& site_url);

 private:
  Catalogue& catalogue_;
  HarvestView view_;
};

}  // namespace disan::interop
