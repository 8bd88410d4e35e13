// The OpenAPI 3.1 description of the JSON API. Written by hand, separately from the route
// table, so that tests/http/openapi_test.cc catches a route nobody documented.
#include <nlohmann/json.hpp>

#include "http/routes.h"

namespace disan::http {
namespace {

using nlohmann::json;

json Param(const std::string& name, const std::string& in, const std::string& description,
           bool required = false, const std::string& type = "string") {
  return {{"name", name}, {"in", in}, {"required", required || in == "path"},
          {"description", description}, {"schema", {{"type", type}}}};
}

json Problem(const std::string& description) {
  return {{"description", description},
          {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

json Ok(const std::string& description, const std::string& ref = "Record") {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/" + ref}}}}}}}};
}

json JsonBody(const std::string& media = "application/json") {
  return {{"required", true},
          {"content", {{media, {{"schema", {{"$ref", "#/components/schemas/RecordInput"}}}}}}}};
}

void AddCollection(json& paths, const std::string& name, const std::string& what) {
  const std::string base = "/api/v1/" + name;
  const json pid = Param("pid", "path", "Persistent identifier (mã định danh), e.g. dn-4kq8zx2bv");
  const json if_match = Param("If-Match", "header", "The ETag from GET (\"r3\"); required for edits", true);
  const json reason = Param("reason", "query", "Why the change is made (kept in the revision)");
  const json secured = json::array({{{"bearerAuth", json::array()}}});
  paths[base]["get"] = {
      {"summary", "List " + what + " with filters and cursor pagination"},
      {"parameters", {Param("kind", "query", "Kind id(s), comma-separated (OR)"),
                      Param("level", "query", "Recognition level id(s) (vocabulary recognition_levels)"),
                      Param("place", "query", "Place name or code, ignoring case and diacritics ('dak mil')"),
                      Param("custodian", "query", "PID of the custodian organisation"),
                      Param("ethnic_group", "query", "Ethnic group id(s)"),
                      Param("area", "query", "PID of an area the record lies in"),
                      Param("cursor", "query", "next_cursor from the previous page"),
                      Param("limit", "query", "Page size, 1-500 (default 50)", false, "integer")}},
      {"responses", {{"200", Ok("A page of records", "Page")}, {"422", Problem("Bad filter")}}}};
  paths[base]["post"] = {
      {"summary", "Create a " + what + " record"}, {"security", secured},
      {"parameters", {reason}}, {"requestBody", JsonBody()},
      {"responses", {{"201", Ok("Created; Location and ETag headers set")},
                     {"401", Problem("No or bad token")}, {"413", Problem("Body too large")},
                     {"415", Problem("Body not declared as application/json")}, {"422", Problem("Validation failed, with field errors")}}}};
  paths[base + "/{pid}"]["get"] = {
      {"summary", "Read one record (ETag = revision)"}, {"parameters", {pid}},
      {"responses", {{"200", Ok("The record")}, {"304", {{"description", "Not modified"}}},
                     {"404", Problem("No such record")}, {"410", Problem("Deleted; the body carries the tombstone")},
                     {"422", Problem("Malformed identifier or failed check character")}}}};
  paths[base + "/{pid}"]["put"] = {
      {"summary", "Replace the record"}, {"security", secured}, {"parameters", {pid, if_match, reason}},
      {"requestBody", JsonBody()},
      {"responses", {{"200", Ok("Updated")}, {"412", Problem("Stale ETag: someone else changed it")},
                     {"428", Problem("If-Match missing")}, {"422", Problem("Validation failed")}}}};
  paths[base + "/{pid}"]["patch"] = {
      {"summary", "Change some fields (JSON Merge Patch, RFC 7396)"}, {"security", secured},
      {"parameters", {pid, if_match, reason}}, {"requestBody", JsonBody("application/merge-patch+json")},
      {"responses", {{"200", Ok("Updated")}, {"412", Problem("Stale ETag")}, {"428", Problem("If-Match missing")}}}};
  paths[base + "/{pid}"]["delete"] = {
      {"summary", "Delete (leaves a tombstone); a reason is required"}, {"security", secured},
      {"parameters", {pid, Param("If-Match", "header", "Optional ETag check"), reason}},
      {"responses", {{"200", {{"description", "Deleted"}}}, {"410", Problem("Already deleted")},
                     {"422", Problem("Reason missing")}}}};
  paths[base + "/{pid}/revisions"]["get"] = {
      {"summary", "Revision history"}, {"parameters", {pid}},
      {"responses", {{"200", {{"description", "Revisions, oldest first"}}}}}};
  paths[base + "/{pid}/revisions/{n}"]["get"] = {
      {"summary", "One revision with its full snapshot"},
      {"parameters", {pid, Param("n", "path", "Revision number", true, "integer")}},
      {"responses", {{"200", {{"description", "The revision"}}}, {"404", Problem("No such revision")}}}};
  paths[base + "/{pid}/revisions/{n}/restore"]["post"] = {
      {"summary", "Make revision n current again, as a new revision"}, {"security", secured},
      {"parameters", {pid, Param("n", "path", "Revision number", true, "integer"), reason}},
      {"responses", {{"200", Ok("Restored")}, {"412", Problem("Stale ETag")}}}};
  paths[base + "/{pid}/diff"]["get"] = {
      {"summary", "Field-by-field differences between two revisions"},
      {"parameters", {pid, Param("from", "query", "Revision", true, "integer"),
                      Param("to", "query", "Revision", true, "integer")}},
      {"responses", {{"200", {{"description", "List of {path, before, after}"}}}}}};
}

void AddMedia(json& paths) {
  const json pid = Param("pid", "path", "Persistent identifier of the heritage item");
  const json secured = json::array({{{"bearerAuth", json::array()}}});
  json upload_params = {
      pid,
      Param("role", "query",
            "master (default), access_copy, page_scan, panorama, model_3d, recording"),
      Param("caption_vi", "query", "Caption in Vietnamese (at most 2000 characters)"),
      Param("caption_en", "query", "Caption in English (at most 2000 characters)"),
      Param("creator", "query", "Who made the file (at most 500 characters)"),
      Param("date", "query", "When it was made: YYYY, YYYY-MM or YYYY-MM-DD"),
      Param("licence", "query", "Licence id (vocabulary licences); default: the item's licence"),
      Param("rights_holder", "query", "Rights holder; default: the item's rights holder"),
      Param("visibility", "query", "public (default) or restricted (never shown to the public)"),
      Param("filename", "query", "The file's name on the uploader's side (kept as a label only)"),
      Param("Content-Digest", "header",
            "RFC 9530 digest of the body, e.g. sha-256=:BASE64:; sha-256 and sha-512 are checked "
            "and a "
            "mismatch stores nothing (422 with sent_digest and computed_digest)"),
      Param("Repr-Digest", "header",
            "RFC 9530 representation digest; checked like Content-Digest")};
  paths["/api/v1/items/{pid}/media"]["post"] = {
      {"summary", "Upload a file (streamed, any size) as a new media asset of the item"},
      {"description",
       "The body is the file itself (not multipart, not compressed). It is streamed to the "
       "preservation "
       "store (OCFL) while its sha-512 and sha-256 are computed, never held in memory. The type "
       "comes from the "
       "content: JPEG, TIFF (BigTIFF), PNG, WebP, JPEG 2000, PDF, WAV, FLAC, MP3, MP4, WebM, "
       "glTF/GLB, OBJ "
       "and PLY are accepted; anything else is refused with the detected type named. The file "
       "becomes a new "
       "version of the item's OCFL object, with its description and the item's record "
       "(docs/preservation.md)."},
      {"security", secured},
      {"parameters", upload_params},
      {"requestBody",
       {{"required", true},
        {"content",
         {{"application/octet-stream",
           {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}}},
      {"responses",
       {{"201", Ok("Created; Location names the media asset", "Media")},
        {"400", Problem("The body ended before the whole file arrived")},
        {"401", Problem("No or bad token")},
        {"404", Problem("No such item")},
        {"410", Problem("The item was deleted")},
        {"413", Problem("The file is larger than the server's limit (serve --max-upload)")},
        {"415", Problem("Multipart or compressed (Content-Encoding) body")},
        {"422",
         Problem(
             "Bad description, bad or mismatching digest, or a file type that is not accepted")},
        {"503", Problem("The disk is full or the store is unavailable; nothing was stored")}}}};
  paths["/api/v1/items/{pid}/media"]["get"] = {
      {"summary", "The item's media assets, oldest first (restricted ones only with a token)"},
      {"parameters", {pid}},
      {"responses",
       {{"200", {{"description", "{pid, media: [Media]}"}}},
        {"404", Problem("No such item")},
        {"410", Problem("The item was deleted")}}}};
  paths["/api/v1/media/{id}"]["get"] = {
      {"summary", "One media asset: description, rights, digests and where it is preserved"},
      {"parameters", {Param("id", "path", "Media identifier (as returned by the upload)")}},
      {"responses",
       {{"200", Ok("The media asset", "Media")},
        {"404", Problem("No such media, or not visible to you")},
        {"422", Problem("Malformed identifier")}}}};
}

// Accounts, sessions, tokens, lifecycle moves and the audit log (docs/accounts.md).
void AddAccountPaths(json& paths) {
  const json secured = json::array({{{"bearerAuth", json::array()}}, {{"sessionCookie", json::array()}}});
  auto body = [](json properties, json required) {
    json schema = {{"type", "object"}, {"properties", properties}, {"required", required}};
    return json{{"required", true}, {"content", {{"application/json", {{"schema", schema}}}}}};
  };
  const json str = {{"type", "string"}};
  const json bad = Problem("Malformed body, naming the field (English and Vietnamese)");
  const json denied = Problem("Not signed in (401) or not allowed by the permission table (403)");
  paths["/api/v1/auth/login"]["post"] = {
      {"summary", "Sign in with a password: a session cookie (HttpOnly, SameSite=Lax, Secure "
                  "behind https) and the same secret as a bearer token for API clients"},
      {"requestBody", body({{"login", str}, {"password", str}, {"totp", str}}, {"login", "password"})},
      {"responses", {{"200", {{"description", "Signed in: token, token_type, expires_at, csrf_token, account"}}},
                     {"401", Problem("Wrong login or password")},
                     {"413", Problem("Body over 8 KiB")}, {"422", bad},
                     {"429", Problem("Too many failed sign-ins; Retry-After says when to try again")}}}};
  paths["/api/v1/auth/logout"]["post"] = {
      {"summary", "End this session"}, {"security", secured},
      {"responses", {{"200", {{"description", "Signed out; the cookie is cleared"}}}, {"401", denied}}}};
  paths["/api/v1/auth/session"]["get"] = {
      {"summary", "Who is signed in: login, roles, how (session or API token), the CSRF token"},
      {"security", secured},
      {"responses", {{"200", {{"description", "The account"}}}, {"401", denied}}}};
  paths["/api/v1/auth/password"]["post"] = {
      {"summary", "Change my password (ends all my sessions)"}, {"security", secured},
      {"requestBody", body({{"current_password", str}, {"new_password", str}},
                           {"current_password", "new_password"})},
      {"responses", {{"200", {{"description", "Changed"}}}, {"401", denied},
                     {"403", Problem("current_password is wrong")}, {"422", bad}}}};
  paths["/api/v1/auth/reset"]["post"] = {
      {"summary", "Set a new password with a one-time reset token issued by an administrator"},
      {"requestBody", body({{"token", str}, {"new_password", str}}, {"token", "new_password"})},
      {"responses", {{"200", {{"description", "Changed; all sessions of the account ended"}}},
                     {"403", Problem("Unknown, used or expired token")}, {"422", bad}}}};
  paths["/api/v1/auth/tokens"]["post"] = {
      {"summary", "Make a personal API token (shown once; stored hashed)"}, {"security", secured},
      {"requestBody", body({{"label", str}, {"scope", {{"type", "string"}, {"enum", {"read", "write"}}}},
                            {"expires_at", str}}, {"label"})},
      {"responses", {{"201", {{"description", "The token, once, with its id, scope and expiry (default 90 days)"}}},
                     {"401", denied}, {"422", bad}}}};
  paths["/api/v1/auth/tokens"]["get"] = {
      {"summary", "My API tokens (never the secrets)"}, {"security", secured},
      {"responses", {{"200", {{"description", "tokens[]"}}}, {"401", denied}}}};
  paths["/api/v1/auth/tokens/{id}"]["delete"] = {
      {"summary", "Revoke one of my API tokens"}, {"security", secured},
      {"parameters", {Param("id", "path", "The token's id", true, "integer")}},
      {"responses", {{"200", {{"description", "Revoked"}}}, {"401", denied},
                     {"404", Problem("No such token of mine")}}}};
  const json grants = {{"type", "array"},
                       {"items", {{"type", "object"},
                                  {"properties", {{"role", str}, {"unit", str}}},
                                  {"required", {"role"}}}}};
  paths["/api/v1/accounts"]["post"] = {
      {"summary", "Create an account (administrators)"}, {"security", secured},
      {"requestBody", body({{"login", str}, {"display_name", str}, {"password", str}, {"roles", grants}},
                           {"login", "roles"})},
      {"responses", {{"201", {{"description", "The account"}}}, {"401", denied}, {"403", denied},
                     {"409", Problem("The login is taken")}, {"422", bad}}}};
  paths["/api/v1/accounts"]["get"] = {
      {"summary", "Accounts and their roles (administrators)"}, {"security", secured},
      {"responses", {{"200", {{"description", "accounts[]"}}}, {"401", denied}, {"403", denied}}}};
  paths["/api/v1/accounts/{login}/roles"]["put"] = {
      {"summary", "Replace an account's roles (administrators; audited)"}, {"security", secured},
      {"parameters", {Param("login", "path", "The account's login")}},
      {"requestBody", body({{"roles", grants}}, {"roles"})},
      {"responses", {{"200", {{"description", "The account"}}}, {"401", denied}, {"403", denied},
                     {"404", Problem("No such account")}, {"422", bad}}}};
  paths["/api/v1/accounts/{login}/reset-link"]["post"] = {
      {"summary", "Issue a one-time password-reset token (administrators; valid 24 hours)"},
      {"security", secured},
      {"parameters", {Param("login", "path", "The account's login")}},
      {"responses", {{"201", {{"description", "The token, once"}}}, {"401", denied}, {"403", denied},
                     {"404", Problem("No such account")}}}};
  paths["/api/v1/items/{pid}/transitions"]["post"] = {
      {"summary", "Move an item through its lifecycle (draft, in_review, published, withdrawn); "
                  "who and why are kept in the revision and the audit log"},
      {"security", secured},
      {"parameters", {Param("pid", "path", "Persistent identifier of the item"),
                      Param("If-Match", "header", "Optional ETag (\"r3\"): refuse if the item changed")}},
      {"requestBody", body({{"to", str}, {"reason", str}}, {"to", "reason"})},
      {"responses", {{"200", {{"description", "pid, status, revision, by, reason, at"}}},
                     {"401", denied}, {"403", denied}, {"404", Problem("No such item")},
                     {"409", Problem("The lifecycle has no such move")},
                     {"412", Problem("The item changed since If-Match")}, {"422", bad}}}};
  paths["/api/v1/audit"]["get"] = {
      {"summary", "The tamper-evident audit log (administrators), oldest first"},
      {"security", secured},
      {"parameters", {Param("actor", "query", "Only entries by this actor"),
                      Param("action", "query", "Only actions starting with this (\"auth.\", \"record.transition\")"),
                      Param("target", "query", "Only entries about this PID, login or path"),
                      Param("from", "query", "Only entries at or after this UTC time"),
                      Param("until", "query", "Only entries before this UTC time"),
                      Param("after", "query", "Only entries after this seq (next_after of the previous page)", false, "integer"),
                      Param("limit", "query", "Page size, 1-1000 (default 100)", false, "integer")}},
      {"responses", {{"200", {{"description", "entries[] with seq, hash and prev_hash"}}},
                     {"401", denied}, {"403", denied}, {"422", bad}}}};
}

// Contributions, their review, notifications, commercial-use requests and self-service
// accounts (http/review_routes.cc, docs/review.md).
void AddReviewPaths(json& paths) {
  const json secured = json::array({{{"bearerAuth", json::array()}}, {{"sessionCookie", json::array()}}});
  auto body = [](json properties, json required) {
    json schema = {{"type", "object"}, {"properties", properties}, {"required", required}};
    return json{{"required", true}, {"content", {{"application/json", {{"schema", schema}}}}}};
  };
  const json str = {{"type", "string"}};
  const json obj = {{"type", "object"}};
  const json bad = Problem("Malformed body or parameter, naming the field (English and Vietnamese)");
  const json big = Problem("Body over the limit of this route");
  const json denied = Problem("Not signed in (401) or not allowed (403): the permission table, "
                              "or the review's rules (own submission, step's role, same person twice)");
  const json id = Param("id", "path", "The submission's id", true, "integer");
  const json licence = {{"type", "string"},
                        {"enum", {"cc0_1_0", "cc_by_4_0", "cc_by_sa_4_0", "cc_by_nc_4_0", "rs_inc"}}};
  const json consent = {{"type", "object"},
                        {"properties", {{"who", str}, {"date", str}, {"document_media", str}}},
                        {"required", {"who", "date"}}};
  const json rights = {{"licence", licence}, {"rights_holder", str}, {"attribution", str},
                       {"consent", consent}};
  json item_body = rights;
  item_body["record"] = obj;
  item_body["note"] = str;
  paths["/api/v1/submissions"]["post"] = {
      {"summary", "Contribute a new item: written as a draft (not public) owned by me, with the "
                  "licence I choose; consent is required for intangible heritage"},
      {"security", secured},
      {"requestBody", body(item_body, {"record", "licence", "rights_holder", "attribution"})},
      {"responses", {{"201", {{"description", "The submission, in review"}}}, {"401", denied},
                     {"403", denied}, {"413", big}, {"422", bad}}}};
  paths["/api/v1/submissions"]["get"] = {
      {"summary", "My submissions, oldest first, with state, steps, comments and diff"},
      {"security", secured},
      {"parameters", {Param("after", "query", "next_after of the previous page", false, "integer"),
                      Param("limit", "query", "Page size, 1-200 (default 50)", false, "integer")}},
      {"responses", {{"200", {{"description", "submissions[], next_after"}}}, {"401", denied}, {"422", bad}}}};
  paths["/api/v1/submissions/{id}"]["get"] = {
      {"summary", "One submission (its contributor, or someone who may review it): licence URI, "
                  "history, comments on fields, and the field-by-field diff against the official record"},
      {"security", secured}, {"parameters", {id}},
      {"responses", {{"200", {{"description", "The submission"}}}, {"401", denied},
                     {"404", Problem("No such submission that I may read")}}}};
  json revise = rights;
  revise["record"] = obj;
  revise["patch"] = obj;
  revise["note"] = str;
  paths["/api/v1/submissions/{id}/revise"]["post"] = {
      {"summary", "Answer a request for changes (contributor): a new record or patch; the review "
                  "starts again at its first step"},
      {"security", secured}, {"parameters", {id}},
      {"requestBody", body(revise, json::array())},
      {"responses", {{"200", {{"description", "The submission, in review again"}}}, {"401", denied},
                     {"404", Problem("No such submission of mine")},
                     {"409", Problem("The submission is not waiting for changes")}, {"413", big},
                     {"422", bad}}}};
  const json comments = {{"type", "array"},
                         {"items", {{"type", "object"},
                                    {"properties", {{"field", str}, {"text", str}}},
                                    {"required", {"field", "text"}}}}};
  paths["/api/v1/submissions/{id}/actions"]["post"] = {
      {"summary", "Act on the submission's current review step (schema/review.json): approve, "
                  "reject with a reason, or request changes with comments on fields. The last "
                  "approval publishes a new item or applies a correction as a new revision"},
      {"security", secured}, {"parameters", {id}},
      {"requestBody", body({{"action", {{"type", "string"}, {"enum", {"approve", "reject", "request_changes"}}}},
                            {"reason", str}, {"comments", comments}}, {"action"})},
      {"responses", {{"200", {{"description", "The submission after the action"}}}, {"401", denied},
                     {"403", denied}, {"404", Problem("No such submission that I may read")},
                     {"409", Problem("The submission is not in review")}, {"413", big}, {"422", bad}}}};
  json correction = rights;
  correction["patch"] = obj;
  correction["reason"] = str;
  paths["/api/v1/items/{pid}/corrections"]["post"] = {
      {"summary", "Propose a correction to a published item: a JSON merge patch held beside the "
                  "official record (the public keeps seeing the official version)"},
      {"security", secured},
      {"parameters", {Param("pid", "path", "Persistent identifier of the item")}},
      {"requestBody", body(correction, {"patch", "reason", "licence", "rights_holder", "attribution"})},
      {"responses", {{"201", {{"description", "The submission, with its diff"}}}, {"401", denied},
                     {"404", Problem("No published item with this identifier")}, {"413", big},
                     {"422", bad}}}};
  paths["/api/v1/review/queue"]["get"] = {
      {"summary", "Submissions in review whose current step I may take, oldest first"},
      {"security", secured},
      {"parameters", {Param("unit", "query", "Only records of this unit (organisation PID)"),
                      Param("kind", "query", "Only this kind (relic, artifact, intangible, documentary)"),
                      Param("older_than_days", "query", "Only submissions older than this many days", false, "integer"),
                      Param("after", "query", "next_after of the previous page", false, "integer"),
                      Param("limit", "query", "Page size, 1-200 (default 50)", false, "integer")}},
      {"responses", {{"200", {{"description", "submissions[], next_after"}}}, {"401", denied},
                     {"403", denied}, {"422", bad}}}};
  paths["/api/v1/notifications"]["get"] = {
      {"summary", "My in-site notifications, newest first"}, {"security", secured},
      {"parameters", {Param("unread", "query", "true: only those not read yet"),
                      Param("limit", "query", "1-200 (default 50)", false, "integer")}},
      {"responses", {{"200", {{"description", "notifications[]"}}}, {"401", denied}, {"422", bad}}}};
  paths["/api/v1/notifications/read"]["post"] = {
      {"summary", "Mark my notifications up to an id read"}, {"security", secured},
      {"requestBody", body({{"up_to", {{"type", "integer"}}}}, {"up_to"})},
      {"responses", {{"200", {{"description", "marked_read"}}}, {"401", denied}, {"422", bad}}}};
  paths["/api/v1/items/{pid}/usage-requests"]["post"] = {
      {"summary", "Ask to use an item commercially (items whose licence needs permission: all "
                  "rights reserved or non-commercial); anyone may ask"},
      {"parameters", {Param("pid", "path", "Persistent identifier of the item")}},
      {"requestBody", body({{"name", str}, {"organisation", str}, {"email", str}, {"purpose", str}},
                           {"name", "email", "purpose"})},
      {"responses", {{"201", {{"description", "The request as kept"}}},
                     {"404", Problem("No published item with this identifier")},
                     {"409", Problem("The item's licence already allows commercial use")},
                     {"413", big}, {"422", bad},
                     {"429", Problem("Too many requests from this account or address in the last hour (Retry-After)")}}}};
  paths["/api/v1/usage-requests"]["get"] = {
      {"summary", "Commercial-use requests and their answers (curators)"}, {"security", secured},
      {"parameters", {Param("state", "query", "open, granted or refused"),
                      Param("item", "query", "Only requests about this item"),
                      Param("after", "query", "next_after of the previous page", false, "integer"),
                      Param("limit", "query", "1-200 (default 50)", false, "integer")}},
      {"responses", {{"200", {{"description", "requests[], next_after"}}}, {"401", denied},
                     {"403", denied}, {"422", bad}}}};
  paths["/api/v1/usage-requests/{id}/answer"]["post"] = {
      {"summary", "Grant or refuse a commercial-use request, once (curators); kept with the request"},
      {"security", secured},
      {"parameters", {Param("id", "path", "The request's id", true, "integer")}},
      {"requestBody", body({{"decision", {{"type", "string"}, {"enum", {"grant", "refuse"}}}}, {"answer", str}},
                           {"decision", "answer"})},
      {"responses", {{"200", {{"description", "The request with its answer"}}}, {"401", denied},
                     {"403", denied}, {"404", Problem("No such request")},
                     {"409", Problem("Already answered")}, {"422", bad}}}};
  paths["/api/v1/submissions/{id}/media"]["post"] = {
      {"summary", "Upload a file (photograph, recording, signed consent document) to the draft of "
                  "my own open new-item submission; the body is the file, described by query "
                  "parameters as POST /api/v1/items/{pid}/media takes them"},
      {"security", secured}, {"parameters", {id}},
      {"requestBody", {{"required", true}, {"content", {{"application/octet-stream", json::object()}}}}},
      {"responses", {{"201", {{"description", "The media asset"}}}, {"401", denied},
                     {"404", Problem("No such submission of mine")},
                     {"409", Problem("Not an open submission of a new item")},
                     {"413", big}, {"422", bad}}}};
  paths["/api/v1/auth/register"]["post"] = {
      {"summary", "Register myself as a contributor (staff roles are never self-assigned; "
                  "5 registrations per address per hour)"},
      {"requestBody", body({{"login", str}, {"display_name", str}, {"email", str}, {"password", str}},
                           {"login", "email", "password"})},
      {"responses", {{"201", {{"description", "The account, holding the contributor role"}}},
                     {"409", Problem("The login is taken")}, {"413", big}, {"422", bad},
                     {"429", Problem("Too many registrations from this address; Retry-After")}}}};
  paths["/api/v1/auth/export"]["get"] = {
      {"summary", "Download everything kept about me (JSON): profile, roles, sessions, tokens, "
                  "second factor (no secrets), submissions, commercial-use requests, notifications"},
      {"security", secured},
      {"responses", {{"200", {{"description", "The data, as an attachment"}}}, {"401", denied}}}};
  paths["/api/v1/auth/account"]["delete"] = {
      {"summary", "Delete my account (password required): sessions and tokens revoked, personal "
                  "data erased; contributions stay credited to the name chosen; audit entries stay"},
      {"security", secured},
      {"requestBody", body({{"password", str}}, {"password"})},
      {"responses", {{"200", {{"description", "Deleted"}}}, {"401", denied},
                     {"403", Problem("Wrong password")},
                     {"409", Problem("Administrators are removed by another administrator")},
                     {"422", bad}}}};
  paths["/api/v1/auth/totp"]["post"] = {
      {"summary", "Enrol a TOTP second factor (staff; RFC 6238, SHA-1, 6 digits, 30 s): the "
                  "secret and otpauth:// URI, shown once"},
      {"security", secured},
      {"requestBody", body({{"password", str}}, {"password"})},
      {"responses", {{"201", {{"description", "secret, otpauth_uri"}}}, {"401", denied},
                     {"403", Problem("Wrong password, or not a staff account")},
                     {"409", Problem("A second factor is already on")}, {"422", bad}}}};
  paths["/api/v1/auth/totp"]["delete"] = {
      {"summary", "Turn my second factor off (password and a fresh code required)"},
      {"security", secured},
      {"requestBody", body({{"password", str}, {"code", str}}, {"password", "code"})},
      {"responses", {{"200", {{"description", "Off"}}}, {"401", denied},
                     {"403", Problem("Wrong password")}, {"409", Problem("No second factor is on")},
                     {"422", bad}}}};
  paths["/api/v1/auth/totp/confirm"]["post"] = {
      {"summary", "Confirm the second factor with a code; from then on sign-in needs "
                  "\"totp\" beside the password, each code accepted once"},
      {"security", secured},
      {"requestBody", body({{"code", str}}, {"code"})},
      {"responses", {{"200", {{"description", "On, with recovery_codes: ten one-time codes, shown once, each accepted as \"totp\" once"}}}, {"401", denied},
                     {"409", Problem("Nothing to confirm")}, {"422", bad}}}};
}

// JSON-LD of items and the CSV / XLSX exports (http/interop_routes.cc, docs/interop.md).
void AddInterop(json& paths) {
  paths["/api/v1/items/{pid}.jsonld"]["get"] = {
      {"summary",
       "Linked data of a public item: schema.org and CIDOC-CRM (Linked Art) terms in JSON-LD"},
      {"description",
       "Also at /id/{pid} with Accept: application/ld+json. Names carry language "
       "tags, places WGS84 points (generalised for sensitive sites), licences URIs."},
      {"parameters", {Param("pid", "path", "Persistent identifier")}},
      {"responses",
       {{"200",
         {{"description", "The item as JSON-LD"},
          {"content", {{"application/ld+json", {{"schema", {{"type", "object"}}}}}}}}},
        {"404", Problem("No such public item")},
        {"410", Problem("Deleted")},
        {"422", Problem("Malformed identifier")}}}};
  json search_params = paths["/api/v1/search"]["get"]["parameters"];
  json export_params = json::array();
  for (const json& p : search_params) {
    if (p["name"] != "cursor" && p["name"] != "limit" && p["name"] != "facets")
      export_params.push_back(p);
  }
  const std::pair<const char*, const char*> formats[] = {
      {"csv", "text/csv"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}};
  for (const auto& [ext, media] : formats) {
    paths[std::string("/api/v1/export.") + ext]["get"] = {
        {"summary",
         std::string("Every public item the search matches (all pages), as ") +
             (std::string(ext) == "csv" ? "CSV (UTF-8 with BOM; reads back with disan import)"
                                        : "an XLSX workbook") +
             ", one column per field under Vietnamese headers"},
        {"parameters", export_params},
        {"responses",
         {{"200",
           {{"description", "The file, streamed"},
            {"content", {{media, {{"schema", {{"type", "string"}}}}}}}}},
          {"422", Problem("Bad query or parameter; for XLSX also more rows than a sheet holds")}}}};
  }
}

// The public portal's pages (docs/portal.md): HTML for people, listed so that every route is
// documented; their query parameters are those of /api/v1/search.
void AddPortal(json& paths) {
  const json html = {{"description", "An HTML page (Vietnamese by default; ?lang=en, the lang cookie or Accept-Language)"},
                     {"content", {{"text/html", {{"schema", {{"type", "string"}}}}}}}};
  const json lang = Param("lang", "query", "vi or en; remembered in the lang cookie");
  const json slug = Param("slug", "path", "A readable name followed by the persistent identifier; only the identifier counts");
  paths["/"]["get"]["description"] =
      "Browsers (Accept: text/html) get the portal's home page; other clients the JSON description, also at /api/v1.";
  paths["/api/v1"]["get"] = {{"summary", "Service description and record counts (JSON)"},
                             {"responses", {{"200", {{"description", "About this instance"}}}}}};
  paths["/tim-kiem"]["get"] = {
      {"summary", "Search page: the same parameters as /api/v1/search, plus view=map"},
      {"parameters", {Param("q", "query", "Query, with or without diacritics"), lang,
                      Param("view", "query", "list (default) or map")}},
      {"responses", {{"200", html}, {"422", Problem("Bad parameter (an HTML page for browsers)")}}}};
  for (const auto& [path, what] : {std::pair{"/di-san/{slug}", "A heritage item's page"},
                                   {"/to-chuc/{slug}", "An organisation's page and the items in its care"},
                                   {"/khu-vuc/{slug}", "An area's page and the items it contains"}}) {
    paths[path]["get"] = {{"summary", what}, {"parameters", {slug, lang}},
                          {"responses", {{"200", html}, {"301", {{"description", "Redirect to the canonical slug"}}},
                                         {"404", {{"description", "No such public record (an HTML page)"}}},
                                         {"410", {{"description", "Withdrawn (an HTML page)"}}}}}};
  }
  paths["/tong-danh-muc"]["get"] = {
      {"summary", "The complete public catalogue (Tổng danh mục) by kind and recognition level, printable"},
      {"parameters", {Param("kind", "query", "Limit to one kind"), lang}},
      {"responses", {{"200", html}, {"422", Problem("Unknown kind")}}}};
  paths["/du-lieu-mo"]["get"] = {{"summary", "Open data: downloads, harvesting, API"}, {"parameters", {lang}},
                                 {"responses", {{"200", html}}}};
  paths["/robots.txt"]["get"] = {{"summary", "Robots exclusion, naming the sitemap"},
                                 {"responses", {{"200", {{"description", "text/plain"}}}}}};
  paths["/sitemap.xml"]["get"] = {
      {"summary", "Sitemap of the portal's pages and every public record; past 50,000 URLs, a "
                  "sitemap index of /sitemaps/{file}"},
      {"responses", {{"200", {{"description", "application/xml (urlset or sitemapindex)"}}}}}};
  paths["/sitemaps/{file}"]["get"] = {
      {"summary", "One file of a sitemap index: the n-th 50,000 URLs"},
      {"parameters", {Param("file", "path", "1.xml, 2.xml, ...")}},
      {"responses", {{"200", {{"description", "application/xml (urlset)"}}},
                     {"404", Problem("No such file")}}}};
  paths["/tong-danh-muc"]["get"]["parameters"].push_back(
      Param("after", "query", "Where the next page of a long kind starts (a link of the page)"));
  paths["/static/{file}"]["get"] = {
      {"summary", "The portal's bundled browser assets (cached for a year; URLs carry a version)"},
      {"parameters", {Param("file", "path", "File name, e.g. leaflet.js")}},
      {"responses", {{"200", {{"description", "The file"}}}, {"404", Problem("No such file")}}}};
}

// The staff pages (http/staff_routes.cc, docs/staff-pages.md): HTML forms, never cached.
void AddStaffPaths(json& paths) {
  const json html = {{"description", "An HTML page (Vietnamese by default; ?lang=en), Cache-Control: no-store"},
                     {"content", {{"text/html", {{"schema", {{"type", "string"}}}}}}}};
  const json form = {{"content", {{"application/x-www-form-urlencoded", {{"schema", {{"type", "object"}}}}}}}};
  const json page_error = {{"description", "The form again with the problem in both languages (an HTML page)"}};
  const json session = json::array({{{"sessionCookie", json::array()}}, {{"bearerAuth", json::array()}}});
  const json id = Param("id", "path", "Submission number");
  paths["/dang-nhap"]["get"] = {{"summary", "Staff sign-in page (or, when signed in, the sign-out form)"},
                                {"responses", {{"200", html}}}};
  paths["/dang-nhap"]["post"] = {
      {"summary", "Sign in from the form: login, password, totp (accounts with a second factor), csrf_token (from the page's disan_form cookie)"},
      {"requestBody", form},
      {"responses", {{"303", {{"description", "Signed in: the session cookie is set"}}}, {"400", page_error},
                     {"401", page_error}, {"413", page_error}, {"429", page_error}}}};
  paths["/dang-xuat"]["post"] = {
      {"summary", "Sign out from the form (csrf_token: the session's)"},
      {"requestBody", form},
      {"security", session},
      {"responses", {{"303", {{"description", "Signed out: the session cookie is cleared"}}}, {"400", page_error},
                     {"401", Problem("Not signed in")}}}};
  paths["/quan-tri"]["get"] = {
      {"summary", "Dashboard: the review queue I may act on (filters unit, kind, older_than_days), my submissions with their comments, my unread notifications"},
      {"security", session},
      {"parameters", {Param("unit", "query", "Organisation PID"), Param("kind", "query", "Heritage kind"),
                      Param("older_than_days", "query", "Waiting longer than this many days (1-36500)")}},
      {"responses", {{"200", html}, {"303", {{"description", "A browser not signed in: to /dang-nhap?next=..."}}},
                     {"401", Problem("Not signed in")}, {"422", page_error}}}};
  paths["/quan-tri/dong-gop/{id}"]["get"] = {
      {"summary", "Review screen of a submission: the field-by-field diff, comments, history and the decision forms"},
      {"security", session}, {"parameters", {id}},
      {"responses", {{"200", html}, {"403", Problem("Not a reviewer")}, {"404", page_error}}}};
  paths["/quan-tri/dong-gop/{id}"]["post"] = {
      {"summary", "Act on a review step from the form: decision (approve, reject, request_changes), reason, comment_field/comment_text pairs, csrf_token"},
      {"security", session}, {"parameters", {id}}, {"requestBody", form},
      {"responses", {{"200", html}, {"400", page_error}, {"403", page_error}, {"409", page_error},
                     {"413", page_error}, {"422", page_error}}}};
}

// The rest of the staff pages (http/staff_edit_routes.cc, http/staff_admin_routes.cc): the
// schema-driven record forms, user and unit management, the password-reset page.
void AddStaffFormPaths(json& paths) {
  const json html = {{"description", "An HTML page (Vietnamese by default; ?lang=en), Cache-Control: no-store"},
                     {"content", {{"text/html", {{"schema", {{"type", "string"}}}}}}}};
  const json form = {{"content", {{"application/x-www-form-urlencoded", {{"schema", {{"type", "object"}}}}}}}};
  const json page_error = {{"description", "The page again with the problem in both languages (an HTML page)"}};
  const json session = json::array({{{"sessionCookie", json::array()}}, {{"bearerAuth", json::array()}}});
  const json pid = Param("pid", "path", "Record PID");
  const json kind = Param("kind", "path", "Heritage kind (relic, artifact, intangible, documentary)");
  const json login = Param("login", "path", "Account login");
  paths["/quan-tri/ban-ghi/{pid}/sua"]["get"] = {
      {"summary", "Edit form of a record, generated from schema/record.json; for items also their media files and the upload form"},
      {"security", session}, {"parameters", {pid}},
      {"responses", {{"200", html}, {"403", Problem("Not allowed to edit this record (its state or unit)")}, {"404", page_error}}}};
  paths["/quan-tri/ban-ghi/{pid}/sua"]["post"] = {
      {"summary", "Save the edit form: one field per JSON pointer (/names/0/value), revision (the form's If-Match), reason, csrf_token"},
      {"security", session}, {"parameters", {pid}}, {"requestBody", form},
      {"responses", {{"303", {{"description", "Saved: to the form again (?saved=1)"}}}, {"400", page_error},
                     {"403", page_error}, {"409", page_error}, {"413", page_error}, {"415", page_error},
                     {"422", page_error}}}};
  paths["/quan-tri/ban-ghi/moi"]["get"] = {
      {"summary", "New record: choose its heritage kind"}, {"security", session},
      {"responses", {{"200", html}, {"403", Problem("Not allowed to create records")}}}};
  paths["/quan-tri/ban-ghi/moi/{kind}"]["get"] = {
      {"summary", "New record form of a heritage kind"}, {"security", session}, {"parameters", {kind}},
      {"responses", {{"200", html}, {"404", page_error}}}};
  paths["/quan-tri/ban-ghi/moi/{kind}"]["post"] = {
      {"summary", "Create a draft record from the form (fields as for the edit form, csrf_token)"},
      {"security", session}, {"parameters", {kind}}, {"requestBody", form},
      {"responses", {{"303", {{"description", "Created: to its edit form (?created=1)"}}}, {"400", page_error},
                     {"403", page_error}, {"413", page_error}, {"422", page_error}}}};
  paths["/quan-tri/nguoi-dung"]["get"] = {
      {"summary", "Accounts with their roles (filters role, unit), the new-account form and the units"},
      {"security", session},
      {"parameters", {Param("role", "query", "Role"), Param("unit", "query", "Organisation PID")}},
      {"responses", {{"200", html}, {"403", Problem("Not an administrator")}, {"422", page_error}}}};
  paths["/quan-tri/nguoi-dung"]["post"] = {
      {"summary", "Create a staff account (login, display_name, role, unit, csrf_token); the page shows its one-time password-reset link"},
      {"security", session}, {"requestBody", form},
      {"responses", {{"201", html}, {"400", page_error}, {"403", page_error}, {"409", page_error}, {"422", page_error}}}};
  paths["/quan-tri/nguoi-dung/{login}"]["get"] = {
      {"summary", "One account: roles, second factor, recent audit entries and the management forms"},
      {"security", session}, {"parameters", {login}},
      {"responses", {{"200", html}, {"403", Problem("Not an administrator")}, {"404", page_error}}}};
  paths["/quan-tri/nguoi-dung/{login}"]["post"] = {
      {"summary", "Change an account: do = grant | revoke (role, unit) | disable | enable | reset_link | reset_totp; csrf_token"},
      {"security", session}, {"parameters", {login}}, {"requestBody", form},
      {"responses", {{"200", html}, {"400", page_error}, {"403", page_error}, {"404", page_error},
                     {"409", page_error}, {"422", page_error}}}};
  paths["/dat-lai-mat-khau"]["get"] = {
      {"summary", "Password-reset page of a one-time link (?token=...)"},
      {"parameters", {Param("token", "query", "The one-time reset token")}},
      {"responses", {{"200", html}}}};
  paths["/dat-lai-mat-khau"]["post"] = {
      {"summary", "Set a new password with the link's token: token, new_password, confirm_password, csrf_token (from the page's disan_form cookie)"},
      {"requestBody", form},
      {"responses", {{"200", html}, {"400", page_error}, {"403", page_error}, {"413", page_error}, {"422", page_error}}}};
}

// The record page's lifecycle and delete forms (http/staff_lifecycle_routes.cc).
// The audit log as a staff page (http/staff_audit_routes.cc).
void AddStaffAuditPaths(json& paths) {
  const json html = {{"description", "The page (text/html)"}};
  const json secured = json::array({{{"bearerAuth", json::array()}}, {{"sessionCookie", json::array()}}});
  paths["/quan-tri/nhat-ky"]["get"] = {
      {"security", secured},
      {"summary", "The audit log for administrators, oldest first, 100 entries a page, filtered "
                  "by actor, action (prefix), target, from and until (dates); ?after=SEQ for the "
                  "next page"},
      {"responses", {{"200", html},
                     {"303", {{"description", "A browser not signed in: to /dang-nhap?next=..."}}},
                     {"403", html},
                     {"422", {{"description", "A bad filter, named on the page in both languages"}}}}}};
}

// The self-service pages (http/portal_use_routes.cc, http/staff_account_routes.cc): the
// commercial-use request form, registration, the curators' list of requests and "my account".
void AddSelfServicePaths(json& paths) {
  const json html = {{"description", "An HTML page (Vietnamese by default; ?lang=en), Cache-Control: no-store"},
                     {"content", {{"text/html", {{"schema", {{"type", "string"}}}}}}}};
  const json form = {{"content", {{"application/x-www-form-urlencoded", {{"schema", {{"type", "object"}}}}}}}};
  const json page_error = {{"description", "The page again with the problem in both languages, the typed values kept (an HTML page)"}};
  const json session = json::array({{{"sessionCookie", json::array()}}, {{"bearerAuth", json::array()}}});
  const json pid = Param("pid", "path", "The item's PID");
  paths["/xin-phep-su-dung/{pid}"]["get"] = {
      {"summary", "The commercial-use request form of a public item whose licence needs permission (409 page when it does not); sets the disan_form cookie when not signed in"},
      {"parameters", {pid}},
      {"responses", {{"200", html}, {"404", page_error}, {"409", page_error}}}};
  paths["/xin-phep-su-dung/{pid}"]["post"] = {
      {"summary", "Send a commercial-use request from the form: name, organisation, email, purpose, csrf_token (the session's, or the disan_form cookie's); the same call as POST /api/v1/items/{pid}/usage-requests; answers a confirmation page naming the request number"},
      {"parameters", {pid}}, {"requestBody", form},
      {"responses", {{"201", html}, {"400", page_error}, {"403", page_error}, {"404", page_error},
                     {"409", page_error}, {"413", page_error}, {"415", page_error}, {"422", page_error},
                     {"429", {{"description", "Too many requests: the page says when to try again (Retry-After)"}}}}}};
  paths["/dang-ky"]["get"] = {{"summary", "Registration form of a contributor"}, {"responses", {{"200", html}}}};
  paths["/dang-ky"]["post"] = {
      {"summary", "Register as a contributor from the form: login, display_name, email, password, confirm_password, csrf_token; the same call as POST /api/v1/auth/register, then signs the person in"},
      {"requestBody", form},
      {"responses", {{"303", {{"description", "Registered and signed in: to /quan-tri/tai-khoan?welcome=1"}}},
                     {"400", page_error}, {"403", page_error}, {"409", page_error}, {"413", page_error},
                     {"415", page_error}, {"422", page_error},
                     {"429", {{"description", "Too many registrations from this address (Retry-After)"}}}}}};
  paths["/quan-tri/de-nghi-su-dung"]["get"] = {
      {"summary", "Commercial-use requests for curators, newest first, 50 a page, with grant / refuse forms"},
      {"security", session},
      {"parameters", {Param("state", "query", "open, granted or refused"), Param("item", "query", "Item PID"),
                      Param("before", "query", "Requests older than this number (the next page)")}},
      {"responses", {{"200", html}, {"303", {{"description", "A browser not signed in: to /dang-nhap?next=..."}}},
                     {"401", Problem("Not signed in")}, {"403", Problem("Not a curator")}, {"422", page_error}}}};
  paths["/quan-tri/de-nghi-su-dung/{id}"]["post"] = {
      {"summary", "Answer a commercial-use request once: decision (grant, refuse), answer (required to refuse), csrf_token; the same call as POST /api/v1/usage-requests/{id}/answer"},
      {"security", session}, {"parameters", {Param("id", "path", "Request number")}}, {"requestBody", form},
      {"responses", {{"200", html}, {"400", page_error}, {"403", page_error}, {"404", page_error},
                     {"409", page_error}, {"413", page_error}, {"415", page_error}, {"422", page_error}}}};
  paths["/quan-tri/tai-khoan"]["get"] = {
      {"summary", "My account: profile, password, my data, personal API tokens, second factor (staff), deletion"},
      {"security", session},
      {"responses", {{"200", html}, {"303", {{"description", "A browser not signed in: to /dang-nhap?next=..."}}},
                     {"401", Problem("Not signed in")}}}};
  paths["/quan-tri/tai-khoan"]["post"] = {
      {"summary", "Change my account: do = password (current_password, new_password, confirm_password) | token (label, scope, expires) | revoke (id) | delete (password) | totp_enrol (password) | totp_confirm (code) | totp_disable (password, code); csrf_token"},
      {"security", session}, {"requestBody", form},
      {"responses", {{"200", html}, {"201", html}, {"400", page_error}, {"403", page_error}, {"404", page_error},
                     {"409", page_error}, {"413", page_error}, {"415", page_error}, {"422", page_error},
                     {"503", page_error}}}};
  paths["/quan-tri/tai-khoan/du-lieu"]["get"] = {
      {"summary", "Download my data: the same JSON as GET /api/v1/auth/export, as an attachment"},
      {"security", session},
      {"responses", {{"200", {{"description", "application/json attachment disan-account.json"}}},
                     {"401", Problem("Not signed in")}}}};
}

// How the harvests into this instance went (http/interop_routes.cc, interop/harvest_runs.h).
void AddHarvestPaths(json& paths) {
  const json secured = json::array({{{"bearerAuth", json::array()}}, {{"sessionCookie", json::array()}}});
  paths["/api/v1/harvests"]["get"] = {
      {"summary", "Each repository harvested into this one (administrators and curators): the "
                  "source, its last run (started, finished, ok, complete, summary or error in "
                  "English and Vietnamese), the datestamp the next run asks from, and whether an "
                  "interrupted list resumes; what `disan harvest --status` prints"},
      {"security", secured},
      {"responses", {{"200", {{"description", "sources[], in the order they first ran"}}},
                     {"422", Problem("A query parameter: the list takes none")},
                     {"401", Problem("Not signed in")},
                     {"403", Problem("Not allowed by the permission table")}}}};
}

void AddStaffLifecyclePaths(json& paths) {
  const json form = {{"content", {{"application/x-www-form-urlencoded", {{"schema", {{"type", "object"}}}}}}}};
  const json page_error = {{"description", "The record page again with the problem in both languages (an HTML page)"}};
  const json session = json::array({{{"sessionCookie", json::array()}}, {{"bearerAuth", json::array()}}});
  const json pid = Param("pid", "path", "Record PID");
  paths["/quan-tri/ban-ghi/{pid}/trang-thai"]["post"] = {
      {"summary", "Move a record in the lifecycle from its page: to (in_review, published, withdrawn, draft), reason (required), revision (the page's If-Match), csrf_token; the same call as POST /api/v1/items/{pid}/transitions"},
      {"security", session}, {"parameters", {pid}}, {"requestBody", form},
      {"responses", {{"303", {{"description", "Moved: to the record's page (?moved=1), or the dashboard when the person may no longer edit it"}}},
                     {"400", page_error}, {"403", page_error}, {"404", page_error}, {"409", page_error},
                     {"410", page_error}, {"413", page_error}, {"415", page_error}, {"422", page_error}}}};
  paths["/quan-tri/ban-ghi/{pid}/xoa"]["post"] = {
      {"summary", "Delete a record (tombstone) from its page: reason (required), revision, csrf_token; the same call as DELETE /api/v1/items/{pid}"},
      {"security", session}, {"parameters", {pid}}, {"requestBody", form},
      {"responses", {{"200", {{"description", "Deleted: a page saying so (HTML)"}}},
                     {"400", page_error}, {"403", page_error}, {"404", page_error}, {"409", page_error},
                     {"410", page_error}, {"413", page_error}, {"415", page_error}, {"422", page_error}}}};
}

// Contributed files for published items, held until review publishes them (review_routes.cc,
// docs/review.md), and the staff pages that go with them.
void AddContributedMediaPaths(json& paths) {
  const json secured = json::array({{{"bearerAuth", json::array()}}, {{"sessionCookie", json::array()}}});
  const json denied = Problem("Not signed in (401) or not allowed (403)");
  const json bad = Problem("Malformed parameter, unknown licence, a file of a type the server does "
                           "not accept or a file name that is not a name (naming the field, in "
                           "English and Vietnamese); nothing is stored");
  json params = json::array({Param("pid", "path", "The published item's PID")});
  for (const char* q : {"licence", "rights_holder", "attribution"})
    params.push_back(Param(q, "query", std::string("The contribution's ") + q, true));
  for (const char* q : {"caption_vi", "caption_en", "creator", "date", "role", "filename", "note"})
    params.push_back(Param(q, "query", std::string("The file's ") + q, false));
  paths["/api/v1/items/{pid}/media-contributions"]["post"] = {
      {"summary", "Contribute a file (photograph, recording) to a published item: the body is the "
                  "file; it is held (not public) until the review steps of the item's kind "
                  "approve and a curator publishes it. Answers the submission."},
      {"security", secured},
      {"parameters", params},
      {"requestBody", {{"required", true}, {"content", {{"application/octet-stream", json::object()}}}}},
      {"responses", {{"201", {{"description", "The submission (type media), with the held file"}}},
                     {"401", denied}, {"403", denied},
                     {"404", Problem("No published item with this PID")},
                     {"413", Problem("The file is larger than the server's limit")},
                     {"422", bad}, {"503", Problem("This server keeps no media files")}}}};
  paths["/quan-tri/ban-ghi/{pid}/gui-tep"]["get"] = {
      {"summary", "The contribution page of a published item: a form (licence, rights holder, "
                  "attribution, captions, note) whose script sends the file to "
                  "POST /api/v1/items/{pid}/media-contributions"},
      {"security", secured}, {"parameters", {Param("pid", "path", "The published item's PID")}},
      {"responses", {{"200", {{"description", "An HTML page"}}}, {"401", denied}, {"403", denied},
                     {"404", {{"description", "The page saying there is no such published item"}}}}}};
  // New organisation and area records from the staff pages (staff_edit_routes.cc).
  const json html = {{"description", "An HTML page"}};
  const json page_error = {{"description", "The form again with the problem in both languages (an HTML page)"}};
  const json session = json::array({{{"sessionCookie", json::array()}}, {{"bearerAuth", json::array()}}});
  const json form = {{"content", {{"application/x-www-form-urlencoded", {{"schema", {{"type", "object"}}}}}}}};
  const json new_params = json::array(
      {Param("class", "path", "to-chuc (organisation) or khu-vuc (area)"),
       Param("kind", "path", "A kind of that class (schema/vocabularies)")});
  paths["/quan-tri/ban-ghi/moi/{class}/{kind}"]["get"] = {
      {"summary", "New organisation or area form of a kind, drawn from the schema as for items"},
      {"security", session}, {"parameters", new_params},
      {"responses", {{"200", html}, {"403", page_error}, {"404", page_error}}}};
  paths["/quan-tri/ban-ghi/moi/{class}/{kind}"]["post"] = {
      {"summary", "Create an organisation or an area from the form (fields as for the edit form, "
                  "csrf_token); the same call as POST /api/v1/organisations or /areas"},
      {"security", session}, {"parameters", new_params}, {"requestBody", form},
      {"responses", {{"303", {{"description", "Created: to its edit form (?created=1)"}}},
                     {"400", page_error}, {"403", page_error}, {"404", page_error},
                     {"413", page_error}, {"415", page_error}, {"422", page_error}}}};
}

// IIIF Image API 3.0, thumbnails and background jobs (http/iiif_routes.cc, docs/iiif.md).
void AddIiif(json& paths) {
  const json id = Param("id", "path", "Media identifier, which is also the IIIF identifier");
  const json image_errors = {
      {"304", {{"description", "Not modified (If-None-Match matched the ETag)"}}},
      {"404", Problem("Unknown identifier, or media not visible to you")},
      {"503", Problem("The access copy is still being made (Retry-After)")}};
  paths["/iiif/3/{id}"]["get"] = {
      {"summary", "IIIF image base URI: redirects (303) to its info.json"},
      {"parameters", {id}},
      {"responses", {{"303", {{"description", "See info.json"}}}, {"404", Problem("Unknown identifier")}}}};
  json info = {{"summary", "IIIF Image API 3.0 image information (level 2): size, tiles, limits"},
               {"parameters", {id}},
               {"responses", image_errors}};
  info["responses"]["200"] = {{"description", "info.json (application/ld+json when asked for)"}};
  paths["/iiif/3/{id}/info.json"]["get"] = info;
  json image = {
      {"summary", "IIIF Image API 3.0 image request"},
      {"description", "region: full, square, x,y,w,h, pct:x,y,w,h; size: max, ^max, w,, ^w,, ,h, ^,h, "
                      "pct:n, ^pct:n, w,h, ^w,h, !w,h, ^!w,h; rotation: 0-360, ! mirrors; quality: "
                      "default, color, gray, bitonal; format: jpg, png, webp. Tile-aligned unchanged "
                      "JPEG requests are answered with the stored tile bytes."},
      {"parameters", {id, Param("region", "path", "full, square, x,y,w,h or pct:x,y,w,h"),
                      Param("size", "path", "max, w,, ,h, pct:n, w,h, !w,h (^ to enlarge)"),
                      Param("rotation", "path", "Degrees clockwise, ! first to mirror"),
                      Param("quality", "path", "quality.format, e.g. default.jpg")}},
      {"responses", image_errors}};
  image["responses"]["200"] = {{"description", "The image (Link rel=canonical and rel=profile)"}};
  image["responses"]["400"] = Problem("Malformed request, region outside the image, zero size, "
                                      "enlarging without ^, or beyond maxWidth/maxHeight/maxArea");
  image["responses"]["501"] = Problem("A IIIF format this server does not make (tif, gif, pdf, jp2)");
  paths["/iiif/3/{id}/{region}/{size}/{rotation}/{quality}"]["get"] = image;
  json thumb = {{"summary", "The 400 px JPEG thumbnail of an image"},
                {"parameters", {id}},
                {"responses", image_errors}};
  thumb["responses"]["200"] = {{"description", "image/jpeg"}};
  paths["/api/v1/media/{id}/thumbnail"]["get"] = thumb;
  const json secured = json::array({{{"bearerAuth", json::array()}}});
  paths["/api/v1/jobs"]["get"] = {
      {"summary", "Background jobs (derivatives), newest first; needs a token"},
      {"security", secured},
      {"parameters", {Param("state", "query", "queued, running, done or failed"),
                      Param("media", "query", "Only the jobs of this media identifier"),
                      Param("before", "query", "Page: jobs with a smaller id", false, "integer"),
                      Param("limit", "query", "1-500 (default 100)", false, "integer")}},
      {"responses", {{"200", {{"description", "{jobs: [Job], next?}"}}},
                     {"401", Problem("No or bad token")},
                     {"422", Problem("Bad parameter")}}}};
  paths["/api/v1/jobs/{id}"]["get"] = {
      {"summary", "One background job: state, attempts, next attempt, last error; needs a token"},
      {"security", secured},
      {"parameters", {Param("id", "path", "Job id", true, "integer")}},
      {"responses", {{"200", {{"description", "The job"}}},
                     {"401", Problem("No or bad token")},
                     {"404", Problem("No such job")}}}};
}

// IIIF Presentation API 3.0 and media files (http/presentation_routes.cc, docs/iiif.md).
void AddPresentation(json& paths) {
  const json cached = {{"304", {{"description", "Not modified (If-None-Match matched the ETag)"}}}};
  json manifest = {
      {"summary", "IIIF Presentation 3.0 manifest of a public heritage item"},
      {"description", "Labels, summary and metadata as vi/en language maps, requiredStatement, "
                      "rights (licence URI), thumbnail, homepage, seeAlso, provider; one Canvas "
                      "per public image (with its ImageService3), sound or video; 3D models and "
                      "PDFs as rendering links. Restricted media are left out."},
      {"parameters", {Param("pid", "path", "Persistent identifier of the item")}},
      {"responses", cached}};
  manifest["responses"]["200"] = {{"description", "application/ld+json (Presentation 3 profile)"}};
  manifest["responses"]["404"] =
      Problem("Unknown, deleted or non-public item, or one without public image, sound or video");
  paths["/iiif/3/manifests/{pid}"]["get"] = manifest;
  json top = {{"summary", "IIIF Presentation 3.0 collection of the collections by kind"},
              {"responses", cached}};
  top["responses"]["200"] = {{"description", "A Collection of four Collections"}};
  paths["/iiif/3/collections"]["get"] = top;
  json kind = {{"summary", "IIIF Presentation 3.0 collection of the public items of one kind"},
               {"parameters", {Param("kind", "path", "relic, artifact, intangible or documentary")}},
               {"responses", cached}};
  kind["responses"]["200"] = {{"description", "A Collection of Manifests (items with a canvas)"}};
  kind["responses"]["404"] = Problem("Unknown kind");
  paths["/iiif/3/collections/{kind}"]["get"] = kind;
  json file = {
      {"summary", "The bytes of a media file, streamed from the preservation store"},
      {"description", "Audio, video, 3D models and PDFs; image originals only under a Creative "
                      "Commons licence (else 403: use IIIF). Single byte ranges (Range: "
                      "bytes=a-b, a-, -n) give 206; several ranges are answered 200 with the "
                      "whole file; a range past the end gives 416. ETag is the SHA-256."},
      {"parameters", {Param("id", "path", "Media identifier"),
                      Param("Range", "header", "bytes=first-last, first- or -suffix"),
                      Param("If-Range", "header", "The ETag: send the range only if unchanged")}},
      {"responses", cached}};
  file["responses"]["200"] = {{"description", "The whole file (Accept-Ranges: bytes)"}};
  file["responses"]["206"] = {{"description", "The requested range (Content-Range)"}};
  file["responses"]["403"] = Problem("An image original whose licence does not allow downloads");
  file["responses"]["404"] = Problem("Unknown identifier, or media not visible to you");
  file["responses"]["416"] = Problem("The range is outside the file");
  paths["/api/v1/media/{id}/file"]["get"] = file;
}

json Build() {
  json paths = json::object();
  paths["/"]["get"] = {{"summary", "Service description and record counts"},
                       {"responses", {{"200", {{"description", "About this instance"}}}}}};
  paths["/healthz"]["get"] = {{"summary", "Liveness check"},
                              {"responses", {{"200", {{"description", "Alive"}}}}}};
  paths["/id/{pid}"]["get"] = {
      {"summary",
       "Resolve a persistent identifier: JSON for Accept: application/json, JSON-LD for "
       "Accept: application/ld+json (items), else a 303 redirect"},
      {"parameters", {Param("pid", "path", "Persistent identifier")}},
      {"responses",
       {{"200", Ok("The record")},
        {"303", {{"description", "Redirect to the record"}}},
        {"400", Problem("Malformed identifier or failed check character")},
        {"404", Problem("Unknown identifier")},
        {"410", Problem("Deleted")}}}};
  paths["/api/v1/openapi.json"]["get"] = {{"summary", "This document"},
                                          {"responses", {{"200", {{"description", "OpenAPI 3.1"}}}}}};
  paths["/api/v1/schema"]["get"] = {{"summary", "Record fields per class and kind (schema/record.json)"},
                                    {"responses", {{"200", {{"description", "The record schema"}}}}}};
  paths["/api/v1/vocabularies"]["get"] = {{"summary", "Controlled vocabularies"},
                                          {"responses", {{"200", {{"description", "Vocabulary list"}}}}}};
  paths["/api/v1/vocabularies/{id}"]["get"] = {
      {"summary", "One vocabulary with its terms (labels in Vietnamese and English)"},
      {"parameters", {Param("id", "path", "Vocabulary id, e.g. recognition_levels")}},
      {"responses", {{"200", {{"description", "The vocabulary"}}}, {"404", Problem("No such vocabulary")}}}};
  paths["/api/v1/search"]["get"] = {
      {"summary", "Search heritage items in Vietnamese, with or without diacritics (docs/search.md)"},
      {"description", "Query language: words are AND-ed and matched without diacritics (\"dak mil\" "
                      "finds \"Đắk Mil\"); a query with diacritics ranks exact spellings first, in "
                      "either tone placement (\"hoà\" = \"hòa\"); adjacent words rank phrase matches "
                      "first; \"quoted phrase\", -exclusion and OR work. A persistent identifier or a "
                      "legacy number typed as the query finds its record first."},
      {"parameters", {Param("q", "query", "Query, e.g. cồng chiêng, \"nhà ngục\" -pháp, hang OR thác"),
                      Param("kind", "query", "Facet filter (repeat for OR)"),
                      Param("type", "query", "Relic/artefact/intangible/documentary type id"),
                      Param("level", "query", "Recognition level id"),
                      Param("commune", "query", "2025 commune as written"),
                      Param("district", "query", "Pre-2025 district as written"),
                      Param("place", "query", "Any place name or code, folded"),
                      Param("ethnic_group", "query", "Ethnic group id"),
                      Param("custodian", "query", "Custodian PID"), Param("area", "query", "Area PID"),
                      Param("licence", "query", "Licence id"),
                      Param("period", "query", "Century bucket as listed in facets, e.g. 1901..2000"),
                      Param("bbox", "query", "min_lon,min_lat,max_lon,max_lat"),
                      Param("near", "query", "lat,lon,km"),
                      Param("year_from", "query", "Dating overlaps from this year", false, "integer"),
                      Param("year_to", "query", "Dating overlaps up to this year", false, "integer"),
                      Param("sort", "query", "relevance (default), name (Vietnamese collation), recognised, changed"),
                      Param("cursor", "query", "next_cursor of the previous page"),
                      Param("limit", "query", "1-100 (default 20)", false, "integer"),
                      Param("facets", "query", "false to skip facet counts")}},
      {"responses", {{"200", {{"description", "{total, items (with snippet), facets, next_cursor, next, spelling (a corrected query when nothing matched)}"}}},
                     {"422", Problem("Bad query or parameter")}}}};
  paths["/api/v1/suggest"]["get"] = {
      {"summary", "Autocomplete: names of items matching what has been typed (last word as a prefix)"},
      {"parameters", {Param("q", "query", "What has been typed, e.g. cong ch"),
                      Param("limit", "query", "1-20 (default 10)", false, "integer"),
                      Param("class", "query", "item (default), organisation or area: the records "
                                              "to suggest (the staff forms' record links)")}},
      {"responses", {{"200", {{"description", "{suggestions: [{pid, name}]}"}}}, {"422", Problem("Bad query")}}}};
  paths["/api/v1/changes"]["get"] = {
      {"summary", "Change feed (W3C Activity Streams 2.0): Create, Update, Delete of public items, oldest first"},
      {"description", "Without a cursor: the OrderedCollection (totalItems, first). With cursor=start or a "
                      "page's next cursor: an OrderedCollectionPage with one activity per item at its latest "
                      "change. An item that stops being public (deleted, withdrawn, restricted) appears as a "
                      "Delete of a Tombstone; items never public never appear. Keep the last page's next URL "
                      "and fetch it later to receive what changed since (docs/interop.md)."},
      {"parameters", {Param("cursor", "query", "start, or the cursor in a page's next link (opaque)"),
                      Param("limit", "query", "Activities per page, 1-500 (default 100)", false, "integer")}},
      {"responses", {{"200", {{"description", "OrderedCollection or OrderedCollectionPage"},
                              {"content", {{"application/activity+json", {{"schema", {{"type", "object"}}}}}}}}},
                     {"422", Problem("Malformed cursor or limit")}}}};
  const json oai_parameters = {
      Param("verb", "query", "Identify, ListMetadataFormats, ListSets, GetRecord, ListIdentifiers or ListRecords", true),
      Param("identifier", "query", "oai:<repository-id>:<pid>"),
      Param("metadataPrefix", "query", "oai_dc or disan"),
      Param("from", "query", "YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (inclusive)"),
      Param("until", "query", "YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (inclusive)"),
      Param("set", "query", "kind:<kind>, level:<recognition level>, commune:<2025 commune code>, or a family"),
      Param("resumptionToken", "query", "From the previous response; exclusive")};
  const json oai_ok = {{"description", "An OAI-PMH 2.0 response; protocol errors are <error> elements, also with 200"},
                       {"content", {{"text/xml", {{"schema", {{"type", "string"}}}}}}}};
  paths["/oai"]["get"] = {
      {"summary", "OAI-PMH 2.0 provider: public heritage items in oai_dc and disan (docs/interop.md)"},
      {"parameters", oai_parameters},
      {"responses", {{"200", oai_ok}}}};
  paths["/oai"]["post"] = {
      {"summary", "OAI-PMH 2.0 provider, arguments in an application/x-www-form-urlencoded body"},
      {"requestBody", {{"required", true},
                       {"content", {{"application/x-www-form-urlencoded", {{"schema", {{"type", "object"}}}}}}}}},
      {"responses", {{"200", oai_ok}}}};
  paths["/oai/schemas/disan.xsd"]["get"] = {
      {"summary", "XML Schema of the disan metadata format (the whole record as JSON in XML)"},
      {"responses", {{"200", {{"description", "The schema"},
                              {"content", {{"application/xml", {{"schema", {{"type", "string"}}}}}}}}}}}};
  AddCollection(paths, "items", "heritage item");
  AddMedia(paths);
  AddInterop(paths);
  AddIiif(paths);
  AddPresentation(paths);
  AddCollection(paths, "organisations", "organisation");
  AddCollection(paths, "areas", "area");
  AddAccountPaths(paths);
  AddPortal(paths);
  AddReviewPaths(paths);
  AddStaffPaths(paths);
  AddStaffFormPaths(paths);
  AddStaffLifecyclePaths(paths);
  AddHarvestPaths(paths);
  AddContributedMediaPaths(paths);
  AddStaffAuditPaths(paths);
  AddSelfServicePaths(paths);

  json doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "Disan API"}, {"version", "1"},
                 {"description", "Cultural heritage catalogue. Errors are RFC 9457 problem documents "
                                 "with 'detail' (English), 'detail_vi' (Vietnamese) and 'errors' "
                                 "(field pointer and problem). Writes need a bearer token."}};
  doc["paths"] = std::move(paths);
  doc["components"]["securitySchemes"]["bearerAuth"] = {{"type", "http"}, {"scheme", "bearer"}};
  doc["components"]["securitySchemes"]["sessionCookie"] = {
      {"type", "apiKey"}, {"in", "cookie"}, {"name", "disan_session"},
      {"description", "From POST /api/v1/auth/login; state-changing requests also need a "
                      "same-origin Origin or the X-CSRF-Token header"}};
  doc["components"]["schemas"]["Problem"] = {
      {"type", "object"},
      {"properties", {{"type", {{"type", "string"}}}, {"title", {{"type", "string"}}},
                      {"status", {{"type", "integer"}}}, {"detail", {{"type", "string"}}},
                      {"detail_vi", {{"type", "string"}}}, {"instance", {{"type", "string"}}},
                      {"errors", {{"type", "array"}, {"items", {{"type", "object"},
                        {"properties", {{"pointer", {{"type", "string"}}}, {"problem", {{"type", "string"}}},
                                        {"detail", {{"type", "string"}}}, {"detail_vi", {{"type", "string"}}}}}}}}}}}};
  doc["components"]["schemas"]["RecordInput"] = {
      {"type", "object"}, {"required", {"kind", "names"}},
      {"description", "Fields per class and kind are listed by GET /api/v1/schema"},
      {"properties", {{"kind", {{"type", "string"}}}, {"names", {{"type", "array"}}}}}};
  json record_props = {{"pid", {{"type", "string"}}}, {"class", {{"type", "string"}}},
                       {"revision", {{"type", "integer"}}}, {"created_at", {{"type", "string"}}},
                       {"updated_at", {{"type", "string"}}}, {"links", {{"type", "object"}}}};
  json all_of = json::array();
  all_of.push_back({{"$ref", "#/components/schemas/RecordInput"}});
  all_of.push_back({{"type", "object"}, {"properties", record_props}});
  doc["components"]["schemas"]["Record"] = {{"allOf", all_of}};
  json caption = {{"type", "object"},
                  {"properties", {{"vi", {{"type", "string"}}}, {"en", {{"type", "string"}}}}}};
  doc["components"]["schemas"]["Media"] = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "string"}}},
        {"record", {{"type", "string"}}},
        {"role", {{"type", "string"}}},
        {"format", {{"type", "string"}}},
        {"media_type", {{"type", "string"}}},
        {"size", {{"type", "integer"}}},
        {"sha512", {{"type", "string"}}},
        {"sha256", {{"type", "string"}}},
        {"original_name", {{"type", "string"}}},
        {"caption", caption},
        {"creator", {{"type", "string"}}},
        {"date", {{"type", "string"}}},
        {"licence", {{"type", "string"}}},
        {"rights_holder", {{"type", "string"}}},
        {"visibility", {{"type", "string"}}},
        {"technical", {{"type", "object"}}},
        {"created_at", {{"type", "string"}}},
        {"author", {{"type", "string"}}},
        {"preservation",
         {{"type", "object"},
          {"description", "OCFL object, version and logical path of the file"}}},
        {"links", {{"type", "object"}}}}}};
  doc["components"]["schemas"]["Page"] = {
      {"type", "object"},
      {"properties", {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Record"}}}}},
                      {"next_cursor", {{"type", "string"}}}, {"next", {{"type", "string"}}}}}};
  return doc;
}

}  // namespace

const std::string& OpenApiDocument() {
  static const std::string doc = Build().dump(2);
  return doc;
}

}  // namespace disan::http
