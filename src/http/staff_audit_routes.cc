// GET /quan-tri/nhat-ky: the audit log, filtered, 100 entries a page (docs/staff-pages.md).
#include "http/staff_audit_routes.h"

#include "core/text.h"
#include "http/auth_routes.h"
#include "http/portal_routes.h"
#include "http/problem.h"
#include "http/staff_page.h"

namespace disan::http {
namespace {

using nlohmann::json;
using portal::Lang;
using namespace staff;  // the helpers every staff page shares (staff_page.h)

constexpr size_t kMaxFilter = 256;

Response AuditPage(const Request& req, Context& ctx) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  json model = portal::CommonModel(p, Tr(lang, "staff_audit_title"), Tr(lang, "staff_audit_intro"));
  model["signed_in_as"] = ctx.actor.name;
  // The same filters, and refusals, as GET /api/v1/audit; `lang` is the page's own.
  Result<AuditQuery> parsed = AuditQueryOf(req, {"lang"});
  const AuditQuery q = parsed.value_or(AuditQuery{});
  int status = 200;
  json message, rows = json::array();
  if (!parsed) {
    status = StatusFor(parsed.error().code);
    message = ErrorMessage(lang, parsed.error());
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
    if (entries->size() == q.limit) {
      std::string next = std::string(kStaffAuditPath) + "?after=" + std::to_string(entries->back().seq);
      for (const char* f : {"actor", "action", "target", "from", "until", "limit"}) {
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
