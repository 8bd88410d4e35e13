// Page models of the public portal: what each page shows, as JSON for its template.
//
// Each function reads through the catalogue as an anonymous reader (only public records,
// generalised locations kept generalised) and returns the model that web/templates/<page>
// renders. Nothing here knows HTTP: the route file parses requests into PageRequest and
// SearchParams and turns the errors into pages. Thread-safe: no state of its own.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalogue/catalogue.h"
#include "portal/i18n.h"

namespace disan::portal {

// What every page needs to know about the request it answers.
struct PageRequest {
  Lang lang = Lang::kVi;
  std::string site;  // "http://host[:port]" or the configured public URL, without a final '/'
  std::string path;  // the request path, "/tim-kiem"
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::string tile_url;  // map tiles ("https://tile.example/{z}/{x}/{y}.png"); "" = none
};

// The portal's own paths.
inline constexpr std::string_view kSearchPath = "/tim-kiem";
inline constexpr std::string_view kCataloguePath = "/tong-danh-muc";
inline constexpr std::string_view kOpenDataPath = "/du-lieu-mo";

// The canonical path of a record's page: /di-san/<slug>-<pid> (items), /to-chuc/... (an
// organisation), /khu-vuc/... (an area). The slug comes from the Vietnamese preferred name.
std::string RecordPath(const StoredRecord& record);
// The path prefix of a class's pages ("/di-san/").
std::string ClassPrefix(RecordClass cls);

// The name to show in `lang`: in English an English name when there is one; otherwise the
// preferred name, else the first.
std::string DisplayName(const nlohmann::json& document, Lang lang);

// Fields every page has: site, canonical URL, language switch, navigation, title.
nlohmann::json CommonModel(const PageRequest& req, const std::string& title,
                           const std::string& description);

// The facet filters and other search parameters a portal search URL carries.
Result<SearchParams> SearchParamsFromQuery(const std::multimap<std::string, std::string>& query);

Result<nlohmann::json> HomeModel(Catalogue& catalogue, const PageRequest& req);
Result<nlohmann::json> SearchModel(Catalogue& catalogue, const SearchParams& params,
                                   const PageRequest& req);
Result<nlohmann::json> ItemModel(Catalogue& catalogue, const StoredRecord& record,
                                 const PageRequest& req);
// An organisation or area page: the record and the items it holds or contains.
Result<nlohmann::json> HolderModel(Catalogue& catalogue, const StoredRecord& record,
                                   const PageRequest& req);
// The complete public catalogue (Tổng danh mục), grouped by kind and recognition level and
// sorted by name with the Vietnamese collation; `kind` limits it to one kind ("" = all).
//
// A catalogue of at most `max_rows` items is one page (a province's real catalogue: hundreds).
// A longer one shows, without a kind, the counts by kind and level with a link to each kind;
// with a kind, `max_rows` items at a time in name order from `after` (a search cursor), each
// page grouped by level, with a link to the next.
inline constexpr size_t kCatalogueRows = 2000;
Result<nlohmann::json> CatalogueModel(Catalogue& catalogue, const std::string& kind,
                                      const std::string& after, const PageRequest& req,
                                      size_t max_rows = kCatalogueRows);
nlohmann::json OpenDataModel(const PageRequest& req);
// A friendly error page (404, 500, 422): what happened, in the page's language and the other.
nlohmann::json ErrorModel(const PageRequest& req, int status, const std::string& detail_en,
                          const std::string& detail_vi);
// The sitemap (sitemaps.org 0.9) of the portal's pages and every public record's page, in a
// fixed order (pages, items by name, organisations, areas). File 0 is /sitemap.xml: all the URLs
// when there are at most `per_file` (the protocol's limit is 50,000), else a sitemap index of
// the files /sitemaps/{n}.xml, n = 1.., each holding the next `per_file` URLs. A file past the
// last is kNotFound.
inline constexpr std::string_view kSitemapFilesPath = "/sitemaps/";
inline constexpr size_t kSitemapUrls = 50000;
Result<std::string> Sitemap(Catalogue& catalogue, const std::string& site, size_t file = 0,
                            size_t per_file = kSitemapUrls);

}  // namespace disan::portal
