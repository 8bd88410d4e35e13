// New organisation and area records from the staff pages over real HTTP: the chooser lists
// every class's kinds, the form is drawn from the schema as for items, a post creates the
// record through the catalogue (same validation, same permission check, same audit), with the
// usual refusals: unknown class or kind, no CSRF token, invalid input kept, not allowed.
#include "staff_fixture.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

class StaffNewRecords : public testing::StaffPagesTest {
 protected:
  void SetUp() override {
    unit_ = CreateOrganisation("Bảo tàng tỉnh Đắk Nông");
    CreateAccount("curator", "curator");
    CreateAccount("editor", "unit_editor", unit_);
    session_ = SignIn("curator");
  }
  // The pid of the record an answer 303 leads to ("" when it is not one).
  static std::string CreatedPid(const HttpReply& r) {
    std::string location = r.Header("Location");
    if (!location.starts_with("/quan-tri/ban-ghi/") || location.find("/sua") == std::string::npos)
      return "";
    return location.substr(18, location.find("/sua") - 18);
  }
  std::string unit_, session_;
};

TEST_F(StaffNewRecords, TheChooserListsItemsOrganisationsAndAreas) {
  HttpReply chooser = Page("/quan-tri/ban-ghi/moi", session_);
  ASSERT_EQ(chooser.status, 200) << chooser;
  EXPECT_EQ(chooser.Header("Cache-Control"), "no-store");
  EXPECT_NE(chooser.body.find("href=\"/quan-tri/ban-ghi/moi/relic\""), std::string::npos);
  EXPECT_NE(chooser.body.find("href=\"/quan-tri/ban-ghi/moi/to-chuc/museum\""), std::string::npos);
  EXPECT_NE(chooser.body.find("href=\"/quan-tri/ban-ghi/moi/khu-vuc/national_park\""),
            std::string::npos);
  EXPECT_NE(chooser.body.find("Khu vực"), std::string::npos);
  EXPECT_NE(Page("/quan-tri/ban-ghi/moi?lang=en", session_).body.find("Organisations"),
            std::string::npos);
  EXPECT_EQ(Page("/quan-tri/ban-ghi/moi/to-chuc/relic", session_).status, 404);
  EXPECT_EQ(Page("/quan-tri/ban-ghi/moi/ca-nhan/museum", session_).status, 404);
  EXPECT_EQ(Page("/quan-tri/ban-ghi/moi/khu-vuc/%3Cscript%3E", session_).status, 404);
}

TEST_F(StaffNewRecords, ACuratorCreatesAnOrganisationFromTheSchemaForm) {
  const std::string path = "/quan-tri/ban-ghi/moi/to-chuc/museum";
  HttpReply page = Page(path, session_);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_NE(page.body.find("name=\"/names/0/value\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"/website\""), std::string::npos);  // the class's own field
  EXPECT_NE(page.body.find("name=\"/parent\""), std::string::npos);
  EXPECT_EQ(page.body.find("name=\"/relic_type\""), std::string::npos);
  EXPECT_EQ(page.body.find("name=\"/status\""), std::string::npos);
  Form form = FormFields(page.body, path);
  ASSERT_FALSE(form.empty());
  form = With(form, "/names/0/lang", "vi");
  form = With(form, "/names/0/value", "<script>alert(1)</script> Bảo tàng Đắk Mil");
  form = With(form, "/parent", unit_);

  // Without the form's token nothing is created.
  Form no_token;
  for (const auto& [k, v] : form)
    if (k != "csrf_token") no_token.emplace_back(k, v);
  HttpReply stale = Post(path, Encode(no_token), session_);
  EXPECT_EQ(stale.status, 400) << stale;
  EXPECT_NE(stale.body.find("&lt;script&gt;alert(1)"), std::string::npos) << "input kept";
  // Invalid input: the message beside the input, the input kept, nothing created.
  HttpReply bad = Post(path, Encode(With(form, "/website", "không phải địa chỉ")), session_);
  EXPECT_EQ(bad.status, 422) << bad;
  EXPECT_NE(bad.body.find("id=\"f-website-error\""), std::string::npos) << bad.body;
  EXPECT_EQ(bad.body.find("<script>alert(1)"), std::string::npos);
  const size_t before = AuditEntries("record.create").size();

  HttpReply created = Post(path, Encode(form), session_);
  ASSERT_EQ(created.status, 303) << created;
  const std::string pid = CreatedPid(created);
  ASSERT_FALSE(pid.empty()) << created.Header("Location");
  HttpReply r = Admin("GET", "/api/v1/organisations/" + pid);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.doc["kind"], "museum");
  EXPECT_EQ(r.doc["names"][0]["value"], "<script>alert(1)</script> Bảo tàng Đắk Mil");
  EXPECT_EQ(r.doc["parent"], unit_);
  EXPECT_EQ(AuditEntries("record.create").size(), before + 1);
  HttpReply edit = Page(created.Header("Location"), session_);
  EXPECT_EQ(edit.status, 200);
  EXPECT_NE(edit.body.find("Đã tạo bản ghi."), std::string::npos);
}

TEST_F(StaffNewRecords, ACuratorCreatesAnAreaAndAUnitEditorCannot) {
  const std::string path = "/quan-tri/ban-ghi/moi/khu-vuc/national_park";
  HttpReply page = Page(path, session_);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_NE(page.body.find("name=\"/area_km2\""), std::string::npos);
  Form form = FormFields(page.body, path);
  form = With(form, "/names/0/lang", "vi");
  form = With(form, "/names/0/value", "Vườn quốc gia Tà Đùng");
  form = With(form, "/area_km2", "225,6");  // a Vietnamese decimal comma
  form = With(form, "/manager", unit_);
  HttpReply created = Post(path, Encode(form), session_);
  ASSERT_EQ(created.status, 303) << created;
  HttpReply r = Admin("GET", "/api/v1/areas/" + CreatedPid(created));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.doc["kind"], "national_park");
  EXPECT_DOUBLE_EQ(r.doc["area_km2"].get<double>(), 225.6);
  EXPECT_EQ(r.doc["manager"], unit_);

  // A unit editor creates drafts of their unit's items only: an area is nobody's unit.
  std::string editor = SignIn("editor");
  HttpReply editor_page = Page(path, editor);
  ASSERT_EQ(editor_page.status, 200) << editor_page;
  Form theirs = FormFields(editor_page.body, path);
  theirs = With(theirs, "/names/0/lang", "vi");
  theirs = With(theirs, "/names/0/value", "Khu vực của đơn vị");
  HttpReply refused = Post(path, Encode(theirs), editor);
  EXPECT_EQ(refused.status, 403) << refused;
  EXPECT_EQ(Page("/quan-tri/ban-ghi/moi/khu-vuc/national_park", SignIn("curator")).status, 200);
  EXPECT_EQ(Admin("GET", "/api/v1/areas").doc["items"].size(), 1u);
}

// Record links typed as names (without the browser script): an exact name is resolved to the
// one record of the field's class that has it; an unknown or shared name is refused beside the
// input in both languages, the input kept, nothing written. Suggestions of that class come
// from /api/v1/suggest?class=.
TEST_F(StaffNewRecords, RecordLinksTakeAnExactNameOrAPid) {
  const std::string other = CreateOrganisation("Ban quản lý di tích Đắk Mil");
  const std::string item = CreateItem(unit_, "published", "Nhà ngục Đắk Mil");
  const std::string path = "/quan-tri/ban-ghi/" + item + "/sua";
  HttpReply page = Page(path, session_);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_NE(page.body.find("data-suggest=\"organisation\""), std::string::npos);
  EXPECT_NE(page.body.find("Bảo tàng tỉnh Đắk Nông</span>"), std::string::npos)
      << "the linked record's name beside its PID";
  Form form = FormFields(page.body, path);

  HttpReply saved = Post(path, Encode(With(form, "/custodian", "  Ban quản lý di tích Đắk Mil ")),
                         session_);
  ASSERT_EQ(saved.status, 303) << saved;
  EXPECT_EQ(Admin("GET", "/api/v1/items/" + item).doc["custodian"], other);

  page = Page(path, session_);
  form = FormFields(page.body, path);
  const std::string hostile = "<script>alert(1)</script> Không có";
  HttpReply unknown = Post(path, Encode(With(form, "/custodian", hostile)), session_);
  EXPECT_EQ(unknown.status, 422) << unknown;
  EXPECT_NE(unknown.body.find("id=\"f-custodian-error\""), std::string::npos) << unknown.body;
  EXPECT_NE(unknown.body.find("không có tổ chức nào tên"), std::string::npos);
  EXPECT_NE(unknown.body.find("no organisation is named"), std::string::npos);
  EXPECT_EQ(unknown.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(unknown.body.find("value=\"&lt;script&gt;alert(1)"), std::string::npos)
      << "the input kept, escaped";
  EXPECT_EQ(Admin("GET", "/api/v1/items/" + item).doc["custodian"], other) << "nothing written";

  // Two organisations of one name: the PID is needed.
  CreateOrganisation("Ban quản lý di tích Đắk Mil");
  HttpReply shared = Post(path, Encode(With(form, "/custodian", "Ban quản lý di tích Đắk Mil")),
                          session_);
  EXPECT_EQ(shared.status, 422) << shared;
  EXPECT_NE(shared.body.find("hãy nhập mã PID"), std::string::npos);
  HttpReply by_pid = Post(path, Encode(With(form, "/custodian", unit_)), session_);
  EXPECT_EQ(by_pid.status, 303) << by_pid;
  EXPECT_EQ(Admin("GET", "/api/v1/items/" + item).doc["custodian"], unit_);

  // A new record's links are resolved the same way.
  const std::string fresh = "/quan-tri/ban-ghi/moi/khu-vuc/cultural_space";
  Form area = FormFields(Page(fresh, session_).body, fresh);
  area = With(area, "/names/0/lang", "vi");
  area = With(area, "/names/0/value", "Không gian văn hóa cồng chiêng");
  area = With(area, "/manager", "Bảo tàng tỉnh Đắk Nông");
  HttpReply created = Post(fresh, Encode(area), session_);
  ASSERT_EQ(created.status, 303) << created;
  EXPECT_EQ(Admin("GET", "/api/v1/areas/" + CreatedPid(created)).doc["manager"], unit_);

  // The suggestions the script shows.
  HttpReply suggested = Send("GET", "/api/v1/suggest?class=organisation&q=b%E1%BA%A3o%20t%C3%A0");
  ASSERT_EQ(suggested.status, 200) << suggested;
  ASSERT_EQ(suggested.doc["suggestions"].size(), 1u) << suggested;
  EXPECT_EQ(suggested.doc["suggestions"][0]["pid"], unit_);
  EXPECT_EQ(Send("GET", "/api/v1/suggest?class=person&q=a").status, 422);
  EXPECT_EQ(Send("GET", "/api/v1/suggest?q=b%E1%BA%A3o%20t%C3%A0").doc["suggestions"].size(), 0u)
      << "items by default";
}

}  // namespace
}  // namespace disan
