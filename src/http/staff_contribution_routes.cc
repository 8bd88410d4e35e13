#include "http/staff_contribution_routes.h"

#include "core/pid.h"
#include "http/portal_routes.h"
#include "http/staff_page.h"
#include "media/media_service.h"
#include "portal/pages.h"
#include "workflow/contributions.h"

namespace disan::http {
namespace {

using nlohmann::json;
using portal::Lang;
using namespace staff;  // the helpers every staff page shares (staff_page.h)

Response ContributionPage(const Request& req, Context& ctx) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  json model = portal::CommonModel(p, Tr(lang, "staff_contribute_title"),
                                   Tr(lang, "staff_contribute_intro"));
  model["signed_in_as"] = ctx.actor.name;
  model["csrf"] = CsrfOf(ctx);
  // Only a published item takes files this way; anything else is not found, as in the API.
  Result<std::string> pid = ParsePid(req.params.at("pid"));
  Result<StoredRecord> record =
      pid ? ctx.catalogue.Get(RecordClass::kItem, *pid, Actor{ctx.actor.name, Audience::kPublic})
          : Result<StoredRecord>(std::unexpected(pid.error()));
  if (!record || record->deleted) {
    model["message"] = Message(lang, "error", "There is no published heritage item " +
                                                  req.params.at("pid").substr(0, 64) + ".",
                               "Không có hiện vật đã công bố " +
                                   req.params.at("pid").substr(0, 64) + ".");
    return StaffPage(404, "staff_contribute", std::move(model), req, ctx, p);
  }
  model["item"] = {{"pid", record->pid},
                   {"name", portal::DisplayName(record->document, lang)},
                   {"public_href", portal::RecordPath(*record)}};
  model["upload_url"] = "/api/v1/items/" + record->pid + "/media-contributions";
  model["max_bytes"] = ctx.media ? std::to_string(ctx.media->max_file_bytes()) : "0";
  model["available"] = ctx.media != nullptr;
  json licences = json::array();
  for (std::string_view id : workflow::kContributionLicences) {
    json l = workflow::LicenceJson(ctx.catalogue.schema(), id);
    std::string label = l.value("label", json::object())
                            .value(lang == Lang::kVi ? "vi" : "en", std::string(id));
    licences.push_back({{"id", std::string(id)}, {"label", label}});
  }
  model["licences"] = licences;
  return StaffPage(200, "staff_contribute", std::move(model), req, ctx, p);
}

}  // namespace

void AddStaffContributionRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/quan-tri/ban-ghi/{pid}/gui-tep",
                    Access::Of(auth::Action::kContribute), ContributionPage});
}

}  // namespace disan::http
