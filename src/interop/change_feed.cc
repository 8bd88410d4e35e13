#include "interop/change_feed.h"

#include "core/pid.h"
#include "interop/resumption_token.h"
#include "search/index_document.h"

namespace disan::interop {
namespace {

using nlohmann::json;

constexpr const char* kContext = "https://www.w3.org/ns/activitystreams";

std::string PageUrl(const std::string& site_url, const std::string& cursor, size_t limit) {
  return site_url + "/api/v1/changes?cursor=" + cursor + "&limit=" + std::to_string(limit);
}

std::string EncodeCursor(const StoredRecord& r) { return EncodeBase64Url(r.updated_at + " " + r.pid); }

std::unexpected<Error> BadCursor() {
  return Fail(Error{ErrorCode::kInvalid, "the cursor is not one this feed gave out",
                    "con trỏ trang không do nguồn thay đổi này cấp",
                    {{"cursor", "invalid", "use 'start' or the cursor of a page's next link",
                      "dùng 'start' hoặc con trỏ trong liên kết next của một trang"}}});
}

}  // namespace

Result<json> ChangeFeed::Collection(const std::string& site_url) {
  // Every activity of the feed is an item OAI-PMH lists, and the other way round: counted the
  // same way, from the index but for the hidden records (reading every record took a minute at
  // a million records).
  const int64_t total = TRY(view_.CountListed("", "", ""));
  return json{{"@context", kContext},
              {"id", site_url + "/api/v1/changes"},
              {"type", "OrderedCollection"},
              {"summary", "Changes to the public heritage items of this catalogue, oldest first"},
              {"totalItems", total},
              {"first", PageUrl(site_url, kStart, kDefaultPageSize)}};
}

Result<json> ChangeFeed::Page(const std::string& cursor, size_t limit, const std::string& site_url) {
  ChangeQuery q;
  if (cursor != kStart) {
    std::optional<std::string> text = cursor.size() <= 200 ? DecodeBase64Url(cursor) : std::nullopt;
    size_t space = text ? text->find(' ') : std::string::npos;
    if (space != 24) return BadCursor();
    q.after_updated_at = text->substr(0, space);
    q.after_pid = text->substr(space + 1);
    Result<std::string> pid = ParsePid(q.after_pid);
    if (!pid || *pid != q.after_pid || q.after_updated_at[23] != 'Z') return BadCursor();
  }
  limit = std::clamp<size_t>(limit, 1, kMaxPageSize);
  q.limit = std::max(limit, size_t{50});
  q.skip_first_revisions_without = HarvestView::PublicTerms();
  json items = json::array();
  std::string last;
  while (items.size() < limit) {
    std::vector<StoredRecord> batch = TRY(catalogue_.store().ListChanges(q));
    for (StoredRecord& stored : batch) {
      q.after_updated_at = stored.updated_at;
      q.after_pid = stored.pid;
      if (items.size() == limit) break;
      HarvestRecord h = TRY(view_.Classify(std::move(stored)));
      if (h.exposure == Exposure::kNeverPublic) continue;
      const StoredRecord& r = h.record;
      std::string type = "Delete";
      json object = {{"id", site_url + "/id/" + r.pid}};
      if (h.exposure == Exposure::kPublic) {
        type = TRY(view_.WasPublicBefore(r)) ? "Update" : "Create";
        object["type"] = "Object";
        object["name"] = search::PreferredName(r.document);
        object["url"] = site_url + "/api/v1/items/" + r.pid;
      } else {
        object["type"] = "Tombstone";
        object["formerType"] = "Object";
        object["deleted"] = r.updated_at;
      }
      items.push_back({{"id", site_url + "/api/v1/items/" + r.pid + "/revisions/" + std::to_string(r.revision)},
                       {"type", type},
                       {"endTime", r.updated_at},
                       {"object", std::move(object)}});
      last = EncodeCursor(r);
    }
    if (batch.size() < q.limit) break;
  }
  json page = {{"@context", kContext},
               {"id", PageUrl(site_url, cursor, limit)},
               {"type", "OrderedCollectionPage"},
               {"partOf", site_url + "/api/v1/changes"},
               {"orderedItems", std::move(items)}};
  if (!last.empty()) page["next"] = PageUrl(site_url, last, limit);
  return page;
}

}  // namespace disan::interop
