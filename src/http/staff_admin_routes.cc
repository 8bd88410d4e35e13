// Handlers of the user management pages: read the form, call auth::Accounts (which checks the
// grants and writes the audit log in the same transaction as the change), render the page.
// The routes ask the permission table for account.list / account.manage, so only
// administrators reach them.
#include "http/staff_admin_routes.h"

#include <algorithm>

#include "auth/accounts.h"
#include "core/pid.h"
#include "core/text.h"
#include "http/portal_routes.h"
#include "http/problem.h"
#include "http/staff_page.h"

namespace disan::http {
namespace {

using nlohmann::json;
using portal::Lang;
using namespace staff;  // the helpers every staff page shares (staff_page.h)

// Roles an administrator hands out from these pages (the public role is everybody's).
constexpr auth::Role kGrantable[] = {auth::Role::kAdministrator, auth::Role::kCurator,
                                     auth::Role::kUnitEditor, auth::Role::kReviewer,
                                     auth::Role::kContributor};

std::string UserPath(const std::string& login) {
  return std::string(kStaffUsersPath) + "/" + PercentEncode(login);
}

auth::Acting ActingOf(const Request& req, const Context& ctx) {
  return {ctx.actor.name, req.remote_address};
}

// The organisations (units), by PID, with their names in `lang`.
std::vector<std::pair<std::string, std::string>> Units(Context& ctx, Lang lang) {
  std::vector<std::pair<std::string, std::string>> out;
  ListFilters all;
  all.limit = Catalogue::kMaxPageSize;
  if (Result<RecordPage> orgs = ctx.catalogue.List(RecordClass::kOrganisation, all, ctx.actor)) {
    for (const StoredRecord& r : orgs->records) {
      if (r.deleted) continue;
      std::string name = portal::DisplayName(r.document, lang);
      out.emplace_back(r.pid, name.empty() ? r.pid : name);
    }
  }
  return out;
}

std::string UnitName(const std::vector<std::pair<std::string, std::string>>& units,
                     const std::string& pid) {
  for (const auto& [p, name] : units)
    if (p == pid) return name;
  return pid;
}

json RoleChoices(Lang lang, const std::string& chosen) {
  json out = json::array();
  for (auth::Role r : kGrantable) {
    std::string name(auth::RoleName(r));
    out.push_back(
        {{"value", name}, {"label", Tr(lang, "staff_role_" + name)}, {"selected", name == chosen}});
  }
  return out;
}

json UnitChoices(const std::vector<std::pair<std::string, std::string>>& units,
                 const std::string& chosen) {
  json out = json::array();
  for (const auto& [pid, name] : units)
    out.push_back({{"value", pid}, {"label", name}, {"selected", pid == chosen}});
  return out;
}

json GrantRows(const Account& a, const std::vector<std::pair<std::string, std::string>>& units,
               Lang lang) {
  json out = json::array();
  for (const RoleGrant& g : a.grants) {
    out.push_back({{"role", g.role},
                   {"role_label", Tr(lang, "staff_role_" + g.role)},
                   {"unit", g.unit},
                   {"unit_name", g.unit.empty() ? "" : UnitName(units, g.unit)}});
  }
  return out;
}

json BaseModel(const portal::PageRequest& p, Context& ctx, const std::string& title) {
  json model = portal::CommonModel(p, title, Tr(p.lang, "staff_users_intro"));
  model["signed_in_as"] = ctx.actor.name;
  model["csrf"] = CsrfOf(ctx);
  return model;
}

// ---- The list of accounts, and the new-account form ----

struct ListInput {
  std::string role, unit;                               // the filters ("" = any)
  std::string login, display_name, new_role, new_unit;  // the new-account form, as typed
};

Response UsersPage(int status, const Request& req, Context& ctx, json message, const ListInput& in,
                   json created_link = nullptr) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  json model = BaseModel(p, ctx, Tr(lang, "staff_users_title"));
  model["message"] = std::move(message);
  model["reset_link"] = std::move(created_link);
  const auto units = Units(ctx, lang);
  json rows = json::array();
  std::map<std::string, int> members;
  Result<std::vector<Account>> accounts = ctx.catalogue.store().ListAccounts();
  if (!accounts) {
    status = StatusFor(accounts.error().code);
    model["message"] = ErrorMessage(lang, accounts.error());
  } else {
    for (const Account& a : *accounts) {
      for (const RoleGrant& g : a.grants)
        if (!g.unit.empty()) ++members[g.unit];
      bool match = true;
      if (!in.role.empty() || !in.unit.empty()) {
        match = std::any_of(a.grants.begin(), a.grants.end(), [&](const RoleGrant& g) {
          return (in.role.empty() || g.role == in.role) && (in.unit.empty() || g.unit == in.unit);
        });
      }
      if (!match) continue;
      rows.push_back({{"login", a.login},
                      {"href", UserPath(a.login)},
                      {"display_name", a.display_name},
                      {"roles", GrantRows(a, units, lang)},
                      {"disabled", a.disabled},
                      {"created", a.created_at.substr(0, 10)}});
    }
  }
  model["accounts"] = rows;
  model["filter_roles"] = RoleChoices(lang, in.role);
  model["filter_units"] = UnitChoices(units, in.unit);
  model["new_roles"] = RoleChoices(lang, in.new_role.empty() ? "reviewer" : in.new_role);
  model["new_units"] = UnitChoices(units, in.new_unit);
  model["new_login"] = in.login;
  model["new_display_name"] = in.display_name;
  json unit_rows = json::array();
  for (const auto& [pid, name] : units) {
    unit_rows.push_back({{"name", name},
                         {"pid", pid},
                         {"members", std::to_string(members[pid])},
                         {"href", std::string(kStaffUsersPath) + "?unit=" + PercentEncode(pid)}});
  }
  model["units"] = unit_rows;
  return StaffPage(status, "staff_users", std::move(model), req, ctx, p);
}

// The list filters: a known role, a unit's PID.
Result<ListInput> FiltersOf(const Request& req) {
  ListInput in;
  in.role = req.Query("role").value_or("");
  if (!in.role.empty()) {
    std::optional<auth::Role> r = auth::ParseRole(in.role);
    if (!r || *r == auth::Role::kPublic) {
      return Fail(workflow::FieldInvalid(
          "role", "unknown_term",
          "is not a role (administrator, curator, unit_editor, reviewer, contributor)",
          "không phải vai trò (administrator, curator, unit_editor, reviewer, contributor)"));
    }
  }
  if (std::string unit = req.Query("unit").value_or(""); !unit.empty()) {
    Result<std::string> pid = ParsePid(unit);
    if (!pid) {
      return Fail(
          workflow::FieldInvalid("unit", "pid", pid.error().message_en, pid.error().message_vi));
    }
    in.unit = *pid;
  }
  return in;
}

Response GetUsers(const Request& req, Context& ctx) {
  Result<ListInput> in = FiltersOf(req);
  if (!in) {
    Lang lang = PortalPageRequest(req, ctx.services).lang;
    return UsersPage(422, req, ctx, ErrorMessage(lang, in.error()), {});
  }
  return UsersPage(200, req, ctx, nullptr, *in);
}

// The link a person opens to set a password; shown once.
json ResetLink(const Request& req, Context& ctx, const std::string& token) {
  auto hours = std::chrono::duration_cast<std::chrono::hours>(
                   ctx.services.accounts->settings().reset_link_lifetime)
                   .count();
  return {{"url", SiteUrl(req, ctx.services) + std::string(kStaffResetPath) + "?token=" + token},
          {"hours", std::to_string(hours)}};
}

Response PostUsers(const Request& req, Context& ctx) {
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  Result<Form> form = FormOf(req);
  if (!form)
    return UsersPage(FormStatus(form.error()), req, ctx, ErrorMessage(lang, form.error()), {});
  ListInput in;
  in.login = FieldOf(*form, "login").substr(0, 64);
  in.display_name = FieldOf(*form, "display_name").substr(0, 200);
  in.new_role = FieldOf(*form, "role").substr(0, 64);
  in.new_unit = FieldOf(*form, "unit").substr(0, 200);
  if (!PostAllowed(ctx, *form))
    return UsersPage(400, req, ctx, ErrorMessage(lang, StaleForm()), in);
  if (!ctx.services.accounts) {
    return UsersPage(
        503, req, ctx,
        Message(lang, "error", "this server has no accounts", "máy chủ này không có tài khoản"),
        in);
  }
  auth::Accounts& accounts = *ctx.services.accounts;
  // Province-wide roles take no unit (the unit list offers one for unit editors).
  std::vector<RoleGrant> grants = {{in.new_role, in.new_role == "unit_editor" ? in.new_unit : ""}};
  Result<Account> a = accounts.Create(in.login, in.display_name, "", grants, ActingOf(req, ctx));
  if (!a) return UsersPage(StatusFor(a.error().code), req, ctx, ErrorMessage(lang, a.error()), in);
  // The account has no password yet: the one-time link lets the person choose one.
  Result<std::string> token = accounts.IssueResetToken(a->login, ActingOf(req, ctx));
  if (!token)
    return UsersPage(StatusFor(token.error().code), req, ctx, ErrorMessage(lang, token.error()),
                     {});
  return UsersPage(201, req, ctx,
                   Message(lang, "ok", "Account '" + a->login + "' is created.",
                           "Đã tạo tài khoản '" + a->login + "'."),
                   {}, ResetLink(req, ctx, *token));
}

// ---- One account ----

Response UserPage(int status, const Request& req, Context& ctx, const std::string& login,
                  json message, json reset_link = nullptr) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  json model = BaseModel(p, ctx, Tr(lang, "staff_user_title") + ": " + login.substr(0, 64));
  model["message"] = std::move(message);
  model["reset_link"] = std::move(reset_link);
  Result<std::optional<Account>> found =
      ctx.services.accounts ? ctx.catalogue.store().FindAccount(login)
                            : Result<std::optional<Account>>(std::optional<Account>());
  if (!found || !*found) {
    if (!found) {
      model["message"] = ErrorMessage(lang, found.error());
    } else if (model["message"].is_null()) {
      model["message"] = Message(lang, "error", "no account '" + login.substr(0, 64) + "'",
                                 "không có tài khoản '" + login.substr(0, 64) + "'");
    }
    return StaffPage(found ? 404 : StatusFor(found.error().code), "staff_user", std::move(model),
                     req, ctx, p);
  }
  const Account& a = **found;
  const auto units = Units(ctx, lang);
  model["account"] = {{"login", a.login},       {"display_name", a.display_name},
                      {"email", a.email},       {"created", a.created_at.substr(0, 16)},
                      {"disabled", a.disabled}, {"password_set", !a.password_hash.empty()}};
  model["action"] = UserPath(a.login);
  model["grants"] = GrantRows(a, units, lang);
  model["roles"] = RoleChoices(lang, "");
  model["unit_choices"] = UnitChoices(units, "");
  std::optional<SecondFactor> factor =
      ctx.catalogue.store().GetSecondFactor(a.id).value_or(std::nullopt);
  model["has_second_factor"] = factor.has_value();
  model["second_factor_confirmed"] = factor && factor->confirmed;
  model["self"] = a.login == ctx.actor.name;
  AuditQuery q;
  q.target = a.login;
  q.limit = 1000;
  json audit = json::array();
  if (Result<std::vector<AuditEntry>> entries = ctx.catalogue.store().ListAudit(q)) {
    size_t from = entries->size() > 20 ? entries->size() - 20 : 0;
    for (size_t i = entries->size(); i-- > from;) {
      const AuditEntry& e = (*entries)[i];
      audit.push_back({{"at", e.at.substr(0, 16)}, {"actor", e.actor}, {"action", e.action}});
    }
  }
  model["audit"] = audit;
  return StaffPage(status, "staff_user", std::move(model), req, ctx, p);
}

Response GetUser(const Request& req, Context& ctx) {
  return UserPage(200, req, ctx, req.params.at("login"), nullptr);
}

Response PostUser(const Request& req, Context& ctx) {
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  const std::string login = req.params.at("login");
  Result<Form> form = FormOf(req);
  if (!form)
    return UserPage(FormStatus(form.error()), req, ctx, login, ErrorMessage(lang, form.error()));
  if (!PostAllowed(ctx, *form))
    return UserPage(400, req, ctx, login, ErrorMessage(lang, StaleForm()));
  if (!ctx.services.accounts) {
    return UserPage(
        503, req, ctx, login,
        Message(lang, "error", "this server has no accounts", "máy chủ này không có tài khoản"));
  }
  auth::Accounts& accounts = *ctx.services.accounts;
  const auth::Acting by = ActingOf(req, ctx);
  const std::string action = FieldOf(*form, "do");
  auto fail = [&](const Error& e) {
    return UserPage(StatusFor(e.code), req, ctx, login, ErrorMessage(lang, e));
  };
  auto done = [&](const std::string& en, const std::string& vi) {
    return UserPage(200, req, ctx, login, Message(lang, "ok", en, vi));
  };
  if (action == "grant" || action == "revoke") {
    std::optional<Account> a = ctx.catalogue.store().FindAccount(login).value_or(std::nullopt);
    if (!a) return UserPage(404, req, ctx, login, nullptr);
    RoleGrant g{FieldOf(*form, "role"), FieldOf(*form, "unit")};
    if (g.role != "unit_editor") g.unit.clear();  // province-wide roles take no unit
    std::vector<RoleGrant> grants = a->grants;
    auto same = [&](const RoleGrant& x) { return x.role == g.role && x.unit == g.unit; };
    if (action == "grant") {
      if (std::none_of(grants.begin(), grants.end(), same)) grants.push_back(g);
    } else {
      std::erase_if(grants, same);
    }
    Result<Account> changed = accounts.SetGrants(login, grants, by);
    if (!changed) return fail(changed.error());
    return action == "grant" ? done("The role is granted.", "Đã cấp vai trò.")
                             : done("The role is revoked.", "Đã thu hồi vai trò.");
  }
  if (action == "disable" || action == "enable") {
    Result<Account> changed = accounts.SetDisabled(login, action == "disable", by);
    if (!changed) return fail(changed.error());
    return action == "disable" ? done("The account is disabled; its sessions have ended.",
                                      "Đã khóa tài khoản; các phiên đăng nhập đã kết thúc.")
                               : done("The account is enabled again.", "Đã mở lại tài khoản.");
  }
  if (action == "reset_link") {
    Result<std::string> token = accounts.IssueResetToken(login, by);
    if (!token) return fail(token.error());
    return UserPage(200, req, ctx, login,
                    Message(lang, "ok", "A one-time password-reset link is issued.",
                            "Đã cấp liên kết đặt lại mật khẩu dùng một lần."),
                    ResetLink(req, ctx, *token));
  }
  if (action == "reset_totp") {
    if (Status s = accounts.ResetSecondFactor(login, by); !s) return fail(s.error());
    return done("The second factor is removed; the person sets it up again after signing in.",
                "Đã gỡ xác thực hai bước; người dùng thiết lập lại sau khi đăng nhập.");
  }
  return fail(workflow::FieldInvalid(
      "do", "unknown_term",
      "is not an action (grant, revoke, disable, enable, reset_link, reset_totp)",
      "không phải thao tác (grant, revoke, disable, enable, reset_link, reset_totp)"));
}

}  // namespace

void AddStaffAdminRoutes(std::vector<Route>& routes) {
  using auth::Action;
  const std::string users(kStaffUsersPath);
  routes.push_back({"GET", users, Access::Of(Action::kListAccounts), GetUsers});
  routes.push_back({"POST", users, Access::Of(Action::kManageAccounts), PostUsers});
  routes.push_back({"GET", users + "/{login}", Access::Of(Action::kListAccounts), GetUser});
  routes.push_back({"POST", users + "/{login}", Access::Of(Action::kManageAccounts), PostUser});
}

}  // namespace disan::http
