// The self-service pages over real HTTP (docs/review.md, docs/accounts.md,
// docs/staff-pages.md): the item page's link and the commercial-use request form, the
// curators' list with its answers, registration, and "my account". Each page's happy path,
// CSRF refusals, escaping, oversized and malformed posts writing nothing, and who may reach
// what.
#include <ctime>

#include "auth/self_service.h"
#include "auth/totp.h"
#include "staff/staff_fixture.h"
#include "workflow/review.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

constexpr const char* kScript = "<script>alert(1)</script>";

class SelfServicePages : public testing::StaffPagesTest {
 protected:
  // A published item with `licence`; its PID.
  std::string PublishedItem(const std::string& licence,
                            const std::string& name = "Nhà ngục Đắk Mil") {
    json doc = testing::RelicDocument(name);
    doc["status"] = "published";
    doc["licence"] = licence;
    HttpReply r = Admin("POST", "/api/v1/items", doc);
    EXPECT_EQ(r.status, 201) << r;
    return r.doc.is_object() ? r.doc.value("pid", "") : "";
  }

  // The item's public page, following the redirect to its canonical slug.
  HttpReply ItemPage(const std::string& pid) const {
    HttpReply r = Page("/di-san/" + pid);
    if (r.status == 301) r = Page(r.Header("Location"));
    return r;
  }

  // A form page and what a browser sends back with it: the cookie header and the token.
  struct Opened {
    HttpReply page;
    std::string cookies;
    std::string token;
  };
  Opened Open(const std::string& path, const std::string& session = "") const {
    Opened o{Page(path, session), session, ""};
    if (std::optional<std::string> c = SetCookie(o.page, "disan_form"))
      o.cookies = (session.empty() ? "" : session + "; ") + "disan_form=" + *c;
    o.token = FormToken(o.page.body);
    return o;
  }

  json UsageRequests(const std::string& query = "") const {
    HttpReply r = Admin("GET", "/api/v1/usage-requests" + query);
    EXPECT_EQ(r.status, 200) << r;
    return r.doc.is_object() ? r.doc["requests"] : json::array();
  }

  static Form UseForm(const std::string& token) {
    return {{"csrf_token", token},
            {"name", "Trần Thị Hoa"},
            {"organisation", "Công ty Du lịch Đắk Nông"},
            {"email", "hoa@example.vn"},
            {"purpose", "In ảnh trên bưu thiếp bán cho du khách"}};
  }

  bool AccountExists(const std::string& login) const {
    HttpReply r = Admin("GET", "/api/v1/accounts");
    for (const json& a : r.doc["accounts"])
      if (a["login"] == login) return true;
    return false;
  }
};

TEST_F(SelfServicePages, ItemPageLinksToTheFormOnlyWhenTheLicenceNeedsPermission) {
  const std::string closed = PublishedItem("rs_inc");
  const std::string nc = PublishedItem("cc_by_nc_4_0", "Sử thi Ót N'rông");
  const std::string open = PublishedItem("cc_by_4_0", "Thác Dray Sáp");
  for (const std::string& pid : {closed, nc}) {
    HttpReply r = ItemPage(pid);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_NE(r.body.find("href=\"/xin-phep-su-dung/" + pid + "\""), std::string::npos);
    EXPECT_NE(r.body.find("Xin phép sử dụng thương mại"), std::string::npos);
  }
  HttpReply en = Page("/di-san/" + closed + "?lang=en");
  if (en.status == 301) en = Page(en.Header("Location"));
  EXPECT_NE(en.body.find("Request commercial use"), std::string::npos);
  HttpReply free = ItemPage(open);
  ASSERT_EQ(free.status, 200) << free;
  EXPECT_EQ(free.body.find("/xin-phep-su-dung/"), std::string::npos);
  // The form of an item that needs no permission says so, and offers no form.
  HttpReply form = Page("/xin-phep-su-dung/" + open);
  EXPECT_EQ(form.status, 409) << form;
  EXPECT_EQ(form.body.find("name=\"purpose\""), std::string::npos);
  EXPECT_NE(form.body.find("không cần gửi đề nghị"), std::string::npos);
  EXPECT_NE(form.body.find("no request is needed"), std::string::npos);
  EXPECT_EQ(Page("/xin-phep-su-dung/dn-4kq8zx2bv").status, 404);
  EXPECT_EQ(Page("/xin-phep-su-dung/not-a-pid").status, 422);
}

TEST_F(SelfServicePages, AnonymousRequestIsKeptAndConfirmedWithItsNumber) {
  const std::string pid = PublishedItem("rs_inc");
  Opened o = Open("/xin-phep-su-dung/" + pid);
  ASSERT_EQ(o.page.status, 200) << o.page;
  EXPECT_EQ(o.page.Header("Cache-Control"), "no-store");
  ASSERT_FALSE(o.token.empty());
  EXPECT_NE(o.cookies.find(o.token), std::string::npos) << "double submit";
  HttpReply r = Post("/xin-phep-su-dung/" + pid, Encode(UseForm(o.token)), o.cookies);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  json list = UsageRequests();
  ASSERT_EQ(list.size(), 1u);
  const std::string id = std::to_string(list[0]["id"].get<int64_t>());
  EXPECT_EQ(list[0]["record"], pid);
  EXPECT_EQ(list[0]["name"], "Trần Thị Hoa");
  EXPECT_EQ(list[0]["organisation"], "Công ty Du lịch Đắk Nông");
  EXPECT_EQ(list[0]["state"], "open");
  EXPECT_NE(r.body.find("#" + id), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("hoa@example.vn"), std::string::npos) << "says where the answer goes";
  EXPECT_NE(r.body.find("Chuyên viên Sở sẽ xem xét"), std::string::npos);
  EXPECT_EQ(r.body.find("name=\"purpose\""), std::string::npos) << "no second form";
  EXPECT_FALSE(AuditEntries("usage.request").empty());
}

TEST_F(SelfServicePages, RequestsWithoutTheTokenOrFromAnotherSiteWriteNothing) {
  const std::string pid = PublishedItem("rs_inc");
  Opened o = Open("/xin-phep-su-dung/" + pid);
  const std::string path = "/xin-phep-su-dung/" + pid;
  Form no_token = UseForm("");
  no_token.erase(no_token.begin());
  EXPECT_EQ(Post(path, Encode(no_token), o.cookies).status, 400);
  EXPECT_EQ(Post(path, Encode(UseForm(o.token)), "").status, 400) << "token without its cookie";
  EXPECT_EQ(Post(path, Encode(UseForm("f_" + std::string(32, 'a'))), o.cookies).status, 400);
  std::multimap<std::string, std::string> h = {
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Accept", "text/html"},
      {"Cookie", o.cookies},
      {"Origin", "https://evil.example"}};
  HttpReply other = testing::SendHttp(server_.port, "POST", path, h, Encode(UseForm(o.token)));
  EXPECT_EQ(other.status, 403) << other;
  EXPECT_NE(other.body.find("từ một trang khác"), std::string::npos);
  EXPECT_NE(other.body.find("from another site"), std::string::npos);
  HttpReply stale = Post(path, Encode(no_token), o.cookies);
  EXPECT_NE(stale.body.find("biểu mẫu đã hết hạn"), std::string::npos);
  EXPECT_NE(stale.body.find("the form has expired"), std::string::npos);
  EXPECT_NE(stale.body.find("value=\"Trần Thị Hoa\""), std::string::npos) << "typed values kept";
  EXPECT_TRUE(UsageRequests().empty());

  // Signed in: the session's token, and the pipeline refuses another Origin.
  CreateAccount("contributor", "contributor");
  const std::string session = SignIn("contributor");
  Opened mine = Open(path, session);
  EXPECT_EQ(Post(path, Encode(UseForm(o.token)), session).status, 400) << "not the session's";
  EXPECT_EQ(Post(path, Encode(UseForm(mine.token)), session, false).status, 403);
  EXPECT_TRUE(UsageRequests().empty());
  EXPECT_EQ(Post(path, Encode(UseForm(mine.token)), session).status, 201);
  EXPECT_EQ(UsageRequests().size(), 1u);
}

TEST_F(SelfServicePages, MalformedAndOversizedRequestsAreRefusedInBothLanguages) {
  const std::string pid = PublishedItem("rs_inc");
  const std::string path = "/xin-phep-su-dung/" + pid;
  Opened o = Open(path);
  // A bad address: the field named in both languages, the typed values kept (escaped).
  Form bad = With(UseForm(o.token), "email", kScript);
  bad = With(bad, "purpose", std::string("tờ rơi ") + kScript);
  HttpReply r = Post(path, Encode(bad), o.cookies);
  EXPECT_EQ(r.status, 422) << r;
  EXPECT_NE(r.body.find("email"), std::string::npos);
  EXPECT_NE(r.body.find("phải là địa chỉ thư điện tử"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("must be an e-mail address"), std::string::npos);
  EXPECT_NE(r.body.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_EQ(r.body.find(kScript), std::string::npos) << "escaped";
  EXPECT_NE(r.body.find("&lt;script&gt;"), std::string::npos) << "kept";
  EXPECT_NE(r.body.find("value=\"Trần Thị Hoa\""), std::string::npos);
  // A missing purpose.
  HttpReply missing = Post(path, Encode(With(UseForm(o.token), "purpose", "  ")), o.cookies);
  EXPECT_EQ(missing.status, 422) << missing;
  EXPECT_NE(missing.body.find("purpose"), std::string::npos);
  // Over 16 KiB, and not a form at all.
  HttpReply big =
      Post(path, Encode(With(UseForm(o.token), "purpose", std::string(17 * 1024, 'x'))), o.cookies);
  EXPECT_EQ(big.status, 413) << big;
  EXPECT_NE(big.body.find("biểu mẫu lớn hơn"), std::string::npos);
  EXPECT_NE(big.body.find("the form is larger than"), std::string::npos);
  HttpReply json_body = Post(path, R"({"name":"x"})", o.cookies, true, "application/json");
  EXPECT_EQ(json_body.status, 415) << json_body;
  EXPECT_NE(json_body.body.find("application/x-www-form-urlencoded"), std::string::npos);
  EXPECT_TRUE(UsageRequests().empty());
}

TEST_F(SelfServicePages, ThrottledRequestsSayWhenToTryAgain) {
  const std::string pid = PublishedItem("rs_inc");
  const std::string path = "/xin-phep-su-dung/" + pid;
  CreateAccount("contributor", "contributor");
  const std::string session = SignIn("contributor");
  Opened o = Open(path, session);
  for (int i = 0; i < workflow::kMaxUseRequestsPerAccountPerHour; ++i)
    ASSERT_EQ(Post(path, Encode(UseForm(o.token)), session).status, 201) << i;
  HttpReply r = Post(path, Encode(UseForm(o.token)), session);
  EXPECT_EQ(r.status, 429) << r;
  EXPECT_FALSE(r.Header("Retry-After").empty());
  EXPECT_NE(r.body.find("hãy thử lại sau " + r.Header("Retry-After") + " giây"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("try again in " + r.Header("Retry-After") + " seconds"), std::string::npos);
  EXPECT_NE(r.body.find("value=\"Trần Thị Hoa\""), std::string::npos);
  EXPECT_EQ(UsageRequests().size(),
            static_cast<size_t>(workflow::kMaxUseRequestsPerAccountPerHour));
}

TEST_F(SelfServicePages, CuratorsListAndAnswerRequestsOnce) {
  const std::string pid = PublishedItem("rs_inc");
  const std::string path = "/xin-phep-su-dung/" + pid;
  CreateAccount("contributor", "contributor");
  CreateAccount("curator", "curator");
  // One request from a signed-in contributor, one anonymous with <script> in every field.
  const std::string asker = SignIn("contributor");
  Opened mine = Open(path, asker);
  ASSERT_EQ(Post(path, Encode(UseForm(mine.token)), asker).status, 201);
  Opened o = Open(path);
  Form hostile = {{"csrf_token", o.token},
                  {"name", kScript},
                  {"organisation", kScript},
                  {"email", "x@example.vn"},
                  {"purpose", kScript}};
  ASSERT_EQ(Post(path, Encode(hostile), o.cookies).status, 201);
  json list = UsageRequests();
  ASSERT_EQ(list.size(), 2u);
  const std::string first = std::to_string(list[0]["id"].get<int64_t>());
  const std::string second = std::to_string(list[1]["id"].get<int64_t>());

  // Who may reach the list.
  HttpReply anonymous = Page("/quan-tri/de-nghi-su-dung");
  EXPECT_EQ(anonymous.status, 303) << anonymous;
  EXPECT_TRUE(anonymous.Header("Location").starts_with("/dang-nhap?next="));
  EXPECT_EQ(Send("GET", "/quan-tri/de-nghi-su-dung").status, 401);
  EXPECT_EQ(Page("/quan-tri/de-nghi-su-dung", asker).status, 403);
  const std::string curator = SignIn("curator");
  HttpReply page = Page("/quan-tri/de-nghi-su-dung", curator);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.Header("Cache-Control"), "no-store");
  EXPECT_EQ(page.body.find(kScript), std::string::npos) << "escaped";
  EXPECT_NE(page.body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(page.body.find("Trần Thị Hoa"), std::string::npos);
  EXPECT_LT(page.body.find("#" + second), page.body.find("#" + first)) << "newest first";
  EXPECT_NE(page.body.find("href=\"/di-san/"), std::string::npos) << "the item's link";
  const std::string token = FormToken(page.body);

  // A contributor cannot answer; a refusal needs its reason; a curator answers once.
  const std::string answer = "/quan-tri/de-nghi-su-dung/" + first;
  EXPECT_EQ(Post(answer, Encode({{"csrf_token", FormToken(mine.page.body)}, {"decision", "grant"}}),
                 asker)
                .status,
            403);
  EXPECT_EQ(Post(answer, Encode({{"decision", "grant"}}), curator).status, 400);
  EXPECT_EQ(
      Post(answer, Encode({{"csrf_token", token}, {"decision", "grant"}}), curator, false).status,
      403);
  HttpReply no_reason =
      Post(answer, Encode({{"csrf_token", token}, {"decision", "refuse"}}), curator);
  EXPECT_EQ(no_reason.status, 422) << no_reason;
  EXPECT_NE(no_reason.body.find("answer"), std::string::npos);
  EXPECT_EQ(
      Post(answer, Encode({{"csrf_token", token}, {"decision", "maybe"}, {"answer", "?"}}), curator)
          .status,
      422);
  EXPECT_EQ(UsageRequests("?state=open").size(), 2u) << "nothing answered yet";
  HttpReply granted = Post(
      answer, Encode({{"csrf_token", token}, {"decision", "grant"}, {"answer", kScript}}), curator);
  ASSERT_EQ(granted.status, 200) << granted;
  EXPECT_NE(granted.body.find("Đã chấp thuận đề nghị số " + first), std::string::npos);
  EXPECT_NE(granted.body.find("Request #" + first + " is granted"), std::string::npos);
  EXPECT_EQ(granted.body.find(kScript), std::string::npos);
  HttpReply again =
      Post(answer, Encode({{"csrf_token", token}, {"decision", "refuse"}, {"answer", "không"}}),
           curator);
  EXPECT_EQ(again.status, 409) << again;
  EXPECT_NE(again.body.find("đã được trả lời"), std::string::npos) << again.body;
  EXPECT_NE(again.body.find("already answered"), std::string::npos);
  json answered = UsageRequests("?state=granted");
  ASSERT_EQ(answered.size(), 1u);
  EXPECT_EQ(answered[0]["answered_by"], "curator");

  // Answered requests show who answered when; the filters narrow the list.
  HttpReply granted_list = Page("/quan-tri/de-nghi-su-dung?state=granted", curator);
  ASSERT_EQ(granted_list.status, 200);
  EXPECT_NE(granted_list.body.find("curator, 20"), std::string::npos) << granted_list.body;
  EXPECT_EQ(granted_list.body.find("#" + second), std::string::npos);
  EXPECT_EQ(Page("/quan-tri/de-nghi-su-dung?item=" + pid, curator).status, 200);
  EXPECT_EQ(Page("/quan-tri/de-nghi-su-dung?state=later", curator).status, 422);
  EXPECT_EQ(Page("/quan-tri/de-nghi-su-dung?nope=1", curator).status, 422);

  // The requester who was signed in is told in the site.
  HttpReply notes = Send("GET", "/api/v1/notifications", nullptr, "", {{"Cookie", asker}});
  ASSERT_EQ(notes.status, 200) << notes;
  ASSERT_FALSE(notes.doc["notifications"].empty());
  EXPECT_EQ(notes.doc["notifications"][0]["event"], "usage.grant");

  // The dashboard counts the open ones for curators only.
  HttpReply dashboard = Page("/quan-tri", curator);
  EXPECT_NE(dashboard.body.find("href=\"/quan-tri/de-nghi-su-dung?state=open\""),
            std::string::npos);
  EXPECT_NE(dashboard.body.find("<strong>1</strong>"), std::string::npos);
  EXPECT_EQ(Page("/quan-tri", asker).body.find("/quan-tri/de-nghi-su-dung"), std::string::npos);

  // An answer given on a filtered list shows the same list again.
  HttpReply open_list = Page("/quan-tri/de-nghi-su-dung?state=open", curator);
  EXPECT_NE(open_list.body.find("action=\"/quan-tri/de-nghi-su-dung/" + second + "?state"),
            std::string::npos)
      << open_list.body;
  HttpReply refused =
      Post("/quan-tri/de-nghi-su-dung/" + second + "?state=open",
           Encode({{"csrf_token", token}, {"decision", "refuse"}, {"answer", "Mục đích chưa rõ"}}),
           curator);
  ASSERT_EQ(refused.status, 200) << refused;
  EXPECT_NE(refused.body.find("Đã từ chối đề nghị số " + second), std::string::npos);
  EXPECT_NE(refused.body.find("<option value=\"open\" selected>"), std::string::npos);
  EXPECT_EQ(refused.body.find("id=\"usage-" + first + "\""), std::string::npos);
  EXPECT_EQ(UsageRequests("?state=refused").size(), 1u);
}

TEST_F(SelfServicePages, TheListsMailLinkCarriesOnlyTheAddressAndHiddenItemsAreNotLinked) {
  const std::string pid = PublishedItem("rs_inc");
  const std::string path = "/xin-phep-su-dung/" + pid;
  CreateAccount("curator", "curator");
  Opened o = Open(path);
  Form form = With(UseForm(o.token), "email", "hoa@example.vn?cc=ke.gian%40example.com&body=chuyen-tien");
  ASSERT_EQ(Post(path, Encode(form), o.cookies).status, 201);
  const std::string curator = SignIn("curator");
  HttpReply page = Page("/quan-tri/de-nghi-su-dung", curator);
  ASSERT_EQ(page.status, 200) << page;
  // Percent-encoded, the "?cc=" is part of the address a mail program is given, not a header.
  EXPECT_NE(page.body.find("href=\"mailto:hoa%40example.vn%3Fcc%3Dke.gian%2540example.com%26body%3Dchuyen-tien\""),
            std::string::npos)
      << page.body;
  EXPECT_EQ(page.body.find("mailto:hoa@example.vn?cc"), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/di-san/"), std::string::npos) << "a published item is linked";
  // Withdrawn, the item has no public page: the list names it without a link.
  HttpReply withdrawn = Admin("POST", "/api/v1/items/" + pid + "/transitions",
                              {{"to", "withdrawn"}, {"reason", "Tạm ngừng công bố"}});
  ASSERT_EQ(withdrawn.status, 200) << withdrawn;
  page = Page("/quan-tri/de-nghi-su-dung", curator);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.body.find("href=\"/di-san/"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find(pid), std::string::npos);
}

TEST_F(SelfServicePages, TheCuratorsListPagesNewestFirst) {
  const std::string pid = PublishedItem("rs_inc");
  // More requests than a page holds, written straight into the store (the form is throttled).
  ASSERT_TRUE(server_.store->Write([&](StoreWriter& w) -> Status {
    for (int i = 1; i <= 55; ++i) {
      UsageRequest r;
      r.record_pid = pid;
      r.name = "Người đề nghị " + std::to_string(i);
      r.email = "n" + std::to_string(i) + "@example.vn";
      r.purpose = "in lịch";
      TRY(w.PutUsageRequest(r));
    }
    return Ok();
  }));
  CreateAccount("curator", "curator");
  const std::string curator = SignIn("curator");
  HttpReply first = Page("/quan-tri/de-nghi-su-dung?state=open", curator);
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_NE(first.body.find("Người đề nghị 55 ·"), std::string::npos);
  EXPECT_NE(first.body.find("Người đề nghị 6 ·"), std::string::npos);
  EXPECT_EQ(first.body.find("Người đề nghị 5 ·"), std::string::npos) << "50 a page";
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      first.body, m,
      std::regex(
          R"re(href="/quan-tri/de-nghi-su-dung\?state=open&amp;before(?:=|&#x3D;)(\d+)")re")))
      << first.body;
  HttpReply second = Page("/quan-tri/de-nghi-su-dung?state=open&before=" + m[1].str(), curator);
  ASSERT_EQ(second.status, 200) << second;
  EXPECT_NE(second.body.find("Người đề nghị 5 ·"), std::string::npos);
  EXPECT_NE(second.body.find("Người đề nghị 1 ·"), std::string::npos);
  EXPECT_EQ(second.body.find("Người đề nghị 6 ·"), std::string::npos);
  EXPECT_EQ(Page("/quan-tri/de-nghi-su-dung?before=x", curator).status, 422);
}

TEST_F(SelfServicePages, RegistrationSignsTheContributorIn) {
  Opened login = Open("/dang-nhap");
  EXPECT_NE(login.page.body.find("href=\"/dang-ky\""), std::string::npos);
  Opened o = Open("/dang-ky");
  ASSERT_EQ(o.page.status, 200) << o.page;
  EXPECT_EQ(o.page.Header("Cache-Control"), "no-store");
  Form form = {{"csrf_token", o.token},          {"login", "hoa.tran"},
               {"display_name", "Trần Thị Hoa"}, {"email", "hoa@example.vn"},
               {"password", testing::kPassword}, {"confirm_password", testing::kPassword}};
  HttpReply r = Post("/dang-ky", Encode(form), o.cookies);
  ASSERT_EQ(r.status, 303) << r;
  EXPECT_EQ(r.Header("Location"), "/quan-tri/tai-khoan?welcome=1");
  std::optional<std::string> session = SetCookie(r, "disan_session");
  ASSERT_TRUE(session && !session->empty());
  const std::string cookie = "disan_session=" + *session;
  HttpReply account = Page(r.Header("Location"), cookie);
  ASSERT_EQ(account.status, 200) << account;
  EXPECT_NE(account.body.find("Chào mừng"), std::string::npos);
  EXPECT_NE(account.body.find("hoa@example.vn"), std::string::npos);
  HttpReply who = Send("GET", "/api/v1/auth/session", nullptr, "", {{"Cookie", cookie}});
  ASSERT_EQ(who.status, 200);
  EXPECT_EQ(who.doc["roles"], json::array({{{"role", "contributor"}}}));
  EXPECT_FALSE(AuditEntries("account.register").empty());

  // The same login again: refused, the field named, the typed values kept.
  Opened again = Open("/dang-ky");
  HttpReply taken = Post("/dang-ky", Encode(With(form, "csrf_token", again.token)), again.cookies);
  EXPECT_EQ(taken.status, 409) << taken;
  EXPECT_NE(taken.body.find("value=\"hoa.tran\""), std::string::npos);
}

TEST_F(SelfServicePages, BadRegistrationsCreateNoAccount) {
  Opened o = Open("/dang-ky");
  Form form = {{"csrf_token", o.token},          {"login", "lan"},
               {"display_name", kScript},        {"email", "lan@example.vn"},
               {"password", testing::kPassword}, {"confirm_password", testing::kPassword}};
  HttpReply mismatch =
      Post("/dang-ky", Encode(With(form, "confirm_password", "khác hẳn 2026 nhé")), o.cookies);
  EXPECT_EQ(mismatch.status, 422) << mismatch;
  EXPECT_NE(mismatch.body.find("hai mật khẩu khác nhau"), std::string::npos);
  EXPECT_NE(mismatch.body.find("the two passwords differ"), std::string::npos);
  EXPECT_EQ(mismatch.body.find(kScript), std::string::npos);
  EXPECT_NE(mismatch.body.find("value=\"&lt;script&gt;"), std::string::npos);
  HttpReply short_pw =
      Post("/dang-ky", Encode(With(With(form, "password", "ngắn"), "confirm_password", "ngắn")),
           o.cookies);
  EXPECT_EQ(short_pw.status, 422) << short_pw;
  HttpReply bad_login = Post("/dang-ky", Encode(With(form, "login", kScript)), o.cookies);
  EXPECT_EQ(bad_login.status, 422) << bad_login;
  EXPECT_EQ(bad_login.body.find(kScript), std::string::npos);
  HttpReply bad_email = Post("/dang-ky", Encode(With(form, "email", "không phải thư")), o.cookies);
  EXPECT_EQ(bad_email.status, 422) << bad_email;
  EXPECT_EQ(Post("/dang-ky", Encode(With(form, "csrf_token", "")), o.cookies).status, 400);
  std::multimap<std::string, std::string> h = {
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Cookie", o.cookies},
      {"Origin", "https://evil.example"}};
  EXPECT_EQ(testing::SendHttp(server_.port, "POST", "/dang-ky", h, Encode(form)).status, 403);
  HttpReply big =
      Post("/dang-ky", Encode(With(form, "display_name", std::string(9 * 1024, 'x'))), o.cookies);
  EXPECT_EQ(big.status, 413) << big;
  EXPECT_NE(big.body.find("biểu mẫu lớn hơn"), std::string::npos);
  EXPECT_EQ(Post("/dang-ky", "login=lan", o.cookies, true, "text/plain").status, 415);
  EXPECT_FALSE(AccountExists("lan"));
  EXPECT_TRUE(AuditEntries("account.register").empty());
}

TEST_F(SelfServicePages, RegistrationsAreThrottledPerAddress) {
  for (int i = 0; i <= auth::kMaxRegistrationsPerHour; ++i) {
    Opened o = Open("/dang-ky");
    const std::string login = "nguoi" + std::to_string(i);
    HttpReply r = Post("/dang-ky",
                       Encode({{"csrf_token", o.token},
                               {"login", login},
                               {"email", login + "@example.vn"},
                               {"password", testing::kPassword},
                               {"confirm_password", testing::kPassword}}),
                       o.cookies);
    if (i < auth::kMaxRegistrationsPerHour) {
      EXPECT_EQ(r.status, 303) << i << r;
      continue;
    }
    EXPECT_EQ(r.status, 429) << r;
    EXPECT_FALSE(r.Header("Retry-After").empty());
    EXPECT_NE(r.body.find("quá nhiều lượt đăng ký"), std::string::npos);
    EXPECT_NE(r.body.find("too many registrations"), std::string::npos);
    EXPECT_FALSE(AccountExists(login));
  }
}

TEST_F(SelfServicePages, MyAccountDownloadsTokensPasswordAndDeletion) {
  CreateAccount("contributor", "contributor");
  EXPECT_EQ(Page("/quan-tri/tai-khoan").status, 303) << "not signed in: to the sign-in page";
  std::string session = SignIn("contributor");
  HttpReply page = Page("/quan-tri/tai-khoan", session);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.Header("Cache-Control"), "no-store");
  EXPECT_NE(page.body.find("href=\"/quan-tri/tai-khoan\""), std::string::npos) << "staff bar";
  EXPECT_EQ(page.body.find("totp_enrol"), std::string::npos) << "no second factor for contributors";
  const std::string token = FormToken(page.body);

  // My data: the same JSON as the API's export, as an attachment.
  HttpReply data = Page("/quan-tri/tai-khoan/du-lieu", session);
  ASSERT_EQ(data.status, 200) << data;
  EXPECT_NE(data.Header("Content-Disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(data.Header("Cache-Control"), "no-store");
  ASSERT_TRUE(data.doc.is_object()) << data.body;
  HttpReply api = Send("GET", "/api/v1/auth/export", nullptr, "", {{"Cookie", session}});
  EXPECT_EQ(data.doc["profile"], api.doc["profile"]);

  // A token: shown once, listed, revoked.
  const std::string account = "/quan-tri/tai-khoan";
  EXPECT_EQ(Post(account, Encode({{"do", "token"}, {"label", "x"}}), session).status, 400);
  EXPECT_EQ(Post(account, Encode({{"csrf_token", token}, {"do", "token"}, {"label", "x"}}), session,
                 false)
                .status,
            403);
  HttpReply made = Post(account,
                        Encode({{"csrf_token", token},
                                {"do", "token"},
                                {"label", kScript},
                                {"scope", "write"},
                                {"expires", "2027-01-01"}}),
                        session);
  ASSERT_EQ(made.status, 201) << made;
  EXPECT_EQ(made.body.find(kScript), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(made.body, m, std::regex(R"re(<code id="new-token">([^<]+)</code>)re")))
      << made.body;
  const std::string secret = m[1].str();
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, secret).status, 200);
  EXPECT_EQ(Page(account, session).body.find(secret), std::string::npos) << "shown once";
  HttpReply tokens = Send("GET", "/api/v1/auth/tokens", nullptr, secret);
  ASSERT_EQ(tokens.doc["tokens"].size(), 1u);
  EXPECT_EQ(tokens.doc["tokens"][0]["expires_at"], "2027-01-01T00:00:00.000Z");
  const std::string id = std::to_string(tokens.doc["tokens"][0]["id"].get<int64_t>());
  EXPECT_EQ(
      Post(account,
           Encode({{"csrf_token", token}, {"do", "token"}, {"label", "y"}, {"scope", "admin"}}),
           session)
          .status,
      422);
  EXPECT_EQ(
      Post(account, Encode({{"csrf_token", token}, {"do", "revoke"}, {"id", id}}), session).status,
      200);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, secret).status, 401);
  EXPECT_EQ(Post(account, Encode({{"csrf_token", token}, {"do", "nonsense"}}), session).status,
            422);
  EXPECT_EQ(Post(account, std::string(17 * 1024, 'x'), session).status, 413);

  // Password: the same rules as the API; a change signs out everywhere.
  HttpReply weak = Post(account,
                        Encode({{"csrf_token", token},
                                {"do", "password"},
                                {"current_password", testing::kPassword},
                                {"new_password", "ngắn"},
                                {"confirm_password", "ngắn"}}),
                        session);
  EXPECT_EQ(weak.status, 422) << weak;
  HttpReply wrong = Post(account,
                         Encode({{"csrf_token", token},
                                 {"do", "password"},
                                 {"current_password", "không đúng chút nào"},
                                 {"new_password", "mật khẩu mới đủ dài 2027"},
                                 {"confirm_password", "mật khẩu mới đủ dài 2027"}}),
                         session);
  EXPECT_TRUE(wrong.status == 401 || wrong.status == 403) << wrong;
  HttpReply changed = Post(account,
                           Encode({{"csrf_token", token},
                                   {"do", "password"},
                                   {"current_password", testing::kPassword},
                                   {"new_password", "mật khẩu mới đủ dài 2027"},
                                   {"confirm_password", "mật khẩu mới đủ dài 2027"}}),
                           session);
  ASSERT_EQ(changed.status, 200) << changed;
  EXPECT_EQ(SetCookie(changed, "disan_session"), "");
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, "", {{"Cookie", session}}).status, 401);

  // Deletion: the password confirms; the account's data is erased and its session ends.
  session = SignIn("contributor", "mật khẩu mới đủ dài 2027");
  const std::string token2 = FormToken(Page(account, session).body);
  HttpReply refused = Post(
      account, Encode({{"csrf_token", token2}, {"do", "delete"}, {"password", testing::kPassword}}),
      session);
  EXPECT_EQ(refused.status, 403) << refused;
  EXPECT_TRUE(AccountExists("contributor"));
  HttpReply deleted = Post(
      account,
      Encode({{"csrf_token", token2}, {"do", "delete"}, {"password", "mật khẩu mới đủ dài 2027"}}),
      session);
  ASSERT_EQ(deleted.status, 200) << deleted;
  EXPECT_NE(deleted.body.find("Đã xóa tài khoản"), std::string::npos);
  EXPECT_EQ(SetCookie(deleted, "disan_session"), "");
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, "", {{"Cookie", session}}).status, 401);
  EXPECT_FALSE(AccountExists("contributor"));
}

TEST_F(SelfServicePages, StaffTurnTheirSecondFactorOnAndOff) {
  CreateAccount("curator", "curator");
  const std::string session = SignIn("curator");
  const std::string account = "/quan-tri/tai-khoan";
  HttpReply page = Page(account, session);
  ASSERT_NE(page.body.find("value=\"totp_enrol\""), std::string::npos);
  const std::string token = FormToken(page.body);
  EXPECT_EQ(
      Post(account,
           Encode(
               {{"csrf_token", token}, {"do", "totp_enrol"}, {"password", "không đúng chút nào"}}),
           session)
          .status,
      403);
  HttpReply enrol =
      Post(account,
           Encode({{"csrf_token", token}, {"do", "totp_enrol"}, {"password", testing::kPassword}}),
           session);
  ASSERT_EQ(enrol.status, 201) << enrol;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(enrol.body, m,
                                std::regex(R"re(<code id="totp-secret">([A-Z2-7]+)</code>)re")))
      << enrol.body;
  EXPECT_NE(enrol.body.find("otpauth://totp/Disan:curator"), std::string::npos);
  const std::string key = auth::Base32Decode(m[1].str()).value_or("");
  const int64_t step = auth::TotpStep(std::time(nullptr));
  HttpReply on = Post(
      account,
      Encode({{"csrf_token", token}, {"do", "totp_confirm"}, {"code", auth::TotpCode(key, step)}}),
      session);
  ASSERT_EQ(on.status, 200) << on;
  EXPECT_NE(on.body.find("id=\"recovery-codes\""), std::string::npos);
  EXPECT_NE(Page(account, session).body.find("value=\"totp_disable\""), std::string::npos);
  HttpReply off = Post(account,
                       Encode({{"csrf_token", token},
                               {"do", "totp_disable"},
                               {"password", testing::kPassword},
                               {"code", auth::TotpCode(key, step + 1)}}),
                       session);
  EXPECT_EQ(off.status, 200) << off;
  EXPECT_NE(Page(account, session).body.find("value=\"totp_enrol\""), std::string::npos);
}

}  // namespace
}  // namespace disan
