// GET /quan-tri/nhat-ky: the audit log, filtered, 100 entries a page (docs/staff-pages.md).
#include "http/staff_audit_routes.h"

#include <charconv>

#include "auth/accounts.h"
#include "core/text.h"
#include "http/portal_routes.h"
#include "http/problem.h"
#include "http/staff_page.h"

namespace disan::http {
namespace {

using nlohmann::json;
using portal::Lang;
using namespace staff;  // the helpers every staff page shares (staff_page.h)

constexpr size_t kPage = 100;
constexpr size_t kMaxFilter = 256;

// A refusal of one filter, naming it, in both languages.
json BadFilter(Lang lang, const std::string& field, const std::string& en, const std::string& vi) {
  return Message(lang, "error", field + ": " + en, field + ": " + vi);
}

Response AuditPage(const Request& req, Context& ctx) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  json model = portal::CommonModel(p, Tr(lang, "staff_audit_title"), Tr(lang, "staff_audit_intro"));
  model["signed_in_as"] = ctx.actor.name;
  AuditQuery q;
  q.limit = kPage;
  json message;
  for (const auto& [name, value] : req.query) {
    if (name != "actor" && name != "action" && name != "target" && name != "from" &&
        name != "until" && name != "after" && name != "lang") {
      message = BadFilter(lang, name.substr(0, 64), "is not a filter of this page",
                          "không phải bộ lọc của trang này");
    } else if (value.size() > kMaxFilter) {
      message = BadFilter(lang, name, "is longer than 256 bytes", "dài quá 256 byte");
    }
  }
  q.actor = req.Query("actor").value_or("");
  q.action = req.Query("action").value_or("");
  q.target = req.Query("target").value_or("");
  // Dates as the form's date inputs give them (2026-11-26), or whole UTC times.
  auto bound = [&](const char* name, std::string& out) {
    std::string v = req.Query(name).value_or("");
    if (v.empty()) return;
    std::string when = v.size() == 10 ? v + "T00:00:00.000Z" : v;
    if (!auth::ParseTime(when) && !auth::ParseTime(when.substr(0, 19) + ".000Z")) {
      message = BadFilter(lang, name, "must be a date like 2026-11-26", "phải là ngày dạng 2026-11-26");
      return;
    }
    out = when;
  };
  bound("from", q.from);
  bound("until", q.until);
  if (std::string after = req.Query("after").value_or(""); !after.empty()) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(after.data(), after.data() + after.size(), n);
    if (ec != std::errc() || end != after.data() + after.size() || n < 0) {
      message = BadFilter(lang, "after", "must be a whole number", "phải là số nguyên");
    } else {
      q.after_seq = n;
    }
  }
  int status = 200;
  json rows = json::array();
  if (!message.is_null()) {
    status = 422;
  } else if (Result<std::vector<AuditEntry>> entries = ctx.catalogue.store().ListAudit(q); !entries) {
    status = StatusFor(entries.error().code);
    message = ErrorMessage(lang, entries.error());
  } else {
    for (const AuditEntry& e : *entries) {
      rows.push_back({{"seq", e.seq},
                      {"at", e.at},
                      {"actor", e.actor},
                      {"action", e.action},
                      {"target", e.target},
                      {"address", e.address},
                      {"detail", e.detail.substr(0, 500)},
                      {"hash", e.hash.substr(0, 16)},
                      {"prev_hash", e.prev_hash.substr(0, 16)}});
    }
    if (entries->size() == kPage) {
      std::string next = std::string(kStaffAuditPath) + "?after=" + std::to_string(entries->back().seq);
      for (const char* f : {"actor", "action", "target", "from", "until"}) {
        std::string v = req.Query(f).value_or("");
        if (!v.empty()) next += std::string("&") + f + "=" + PercentEncode(v);
      }
      model["next"] = next;
    }
  }
  model["message"] = std::move(message);
  model["entries"] = rows;
  model["has_entries"] = !rows.empty();
  for (const char* f : {"actor", "action", "target", "from", "until"}) {
    model["filter_" + std::string(f)] = req.Query(f).value_or("").substr(0, kMaxFilter);
  }
  return StaffPage(status, "staff_audit", std::move(model), req, ctx, p);
}

}  // namespace

void AddStaffAuditRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", std::string(kStaffAuditPath), Access::Of(auth::Action::kReadAudit), AuditPage});
}

}  // namespace disan::http
