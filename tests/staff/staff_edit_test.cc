// The schema-driven record forms over real HTTP: the inputs come from schema/record.json and
// carry the record's values escaped; a save writes a revision; a stale form is refused with
// what changed and nothing written; the catalogue's validation messages land beside the
// inputs with the input kept; unit editors reach only their unit's records; CSRF, size and
// media-type refusals; new records start as drafts.
#include "staff_fixture.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

constexpr const char* kHostile = "<script>alert('x')</script> Đình \"Bu Nor\" & co";

class StaffEdit : public testing::StaffPagesTest {
 protected:
  void SetUp() override {
    unit_a_ = CreateOrganisation("Bảo tàng tỉnh Đắk Nông");
    unit_b_ = CreateOrganisation("Ban quản lý di tích Đắk Mil");
    CreateAccount("curator", "curator");
    CreateAccount("editor_a", "unit_editor", unit_a_);
    CreateAccount("reviewer", "reviewer");
    pid_ = CreateItem(unit_a_, "published", kHostile);
    other_ = CreateItem(unit_b_, "published", "Thác Trinh Nữ");
    path_ = "/quan-tri/ban-ghi/" + pid_ + "/sua";
  }
  json Record(const std::string& pid) const {
    HttpReply r = Admin("GET", "/api/v1/items/" + pid);
    EXPECT_EQ(r.status, 200) << r;
    return r.doc;
  }
  std::string unit_a_, unit_b_, pid_, other_, path_;
};

TEST_F(StaffEdit, TheFormComesFromTheSchemaEscapedAndNeverCached) {
  std::string session = SignIn("curator");
  HttpReply page = Page(path_, session);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.Header("Cache-Control"), "no-store");
  // Inputs named by JSON pointer, from the schema: a name's value and language, the kind's own
  // vocabulary (relic_type) as a select with Vietnamese labels, a date, a list's empty entry.
  EXPECT_NE(page.body.find("name=\"/names/0/value\""), std::string::npos);
  EXPECT_NE(page.body.find("<select id=\"f-names-0-lang\" name=\"/names/0/lang\""),
            std::string::npos);
  EXPECT_NE(page.body.find("name=\"/relic_type\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"/recognitions/0/date\" value=\"2005-03-17\""),
            std::string::npos);
  EXPECT_NE(page.body.find("name=\"/names/1/value\" value=\"\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"/names/__i__/value\""), std::string::npos);  // template
  EXPECT_EQ(page.body.find("name=\"/artifact_type\""), std::string::npos);      // another kind's
  EXPECT_EQ(page.body.find("name=\"/status\""), std::string::npos);             // the lifecycle's
  EXPECT_NE(page.body.find("name=\"revision\" value=\"1\""), std::string::npos);
  // The hostile name is text, never markup.
  EXPECT_EQ(page.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert("), std::string::npos);
  // The media section of an item, with its upload form and the page's script.
  EXPECT_NE(page.body.find("data-upload=\"/api/v1/items/" + pid_ + "/media\""), std::string::npos);
  EXPECT_NE(page.body.find("<progress"), std::string::npos);
  EXPECT_NE(page.body.find("/static/staff.js"), std::string::npos);
  HttpReply en = Page(path_ + "?lang=en", session);
  EXPECT_NE(en.body.find("Save the record"), std::string::npos);
  EXPECT_NE(page.body.find("Lưu bản ghi"), std::string::npos);
}

TEST_F(StaffEdit, SavingTheFormWritesARevisionAndKeepsWhatItDoesNotShow) {
  std::string session = SignIn("curator");
  HttpReply page = Page(path_, session);
  Form form = FormFields(page.body, path_);
  ASSERT_FALSE(form.empty()) << page.body;
  EXPECT_EQ(FormToken(page.body), FormToken(Page("/dang-nhap", session).body));
  form = With(form, "/names/0/value", "Nhà ngục Đắk Mil <mới>");
  form = With(form, "/names/1/lang", "en");
  form = With(form, "/names/1/value", "Dak Mil Prison");
  form = With(form, "/dating/from_year", "1940");
  form = With(form, "reason", "Thêm tên tiếng Anh");
  HttpReply saved = Post(path_, Encode(form), session);
  ASSERT_EQ(saved.status, 303) << saved;
  EXPECT_EQ(saved.Header("Location"), path_ + "?saved=1");
  json r = Record(pid_);
  EXPECT_EQ(r["revision"], 2);
  EXPECT_EQ(r["names"][0]["value"], "Nhà ngục Đắk Mil <mới>");
  EXPECT_EQ(r["names"][1]["value"], "Dak Mil Prison");
  EXPECT_EQ(r["dating"]["from_year"], 1940);
  EXPECT_EQ(r["status"], "published");  // not in the form: kept
  EXPECT_EQ(r["custodian"], unit_a_);   // in the form: sent back as it was
  EXPECT_EQ(r["recognitions"][0]["date"], "2005-03-17");
  HttpReply again = Page(path_ + "?saved=1", session);
  EXPECT_NE(again.body.find("Đã lưu bản ghi."), std::string::npos);
  EXPECT_NE(again.body.find("name=\"revision\" value=\"2\""), std::string::npos);

  // Entries removed in the browser leave holes in the indices: the list closes up.
  Form holes = FormFields(again.body, path_);
  holes.emplace_back("/names/7/lang", "vi");
  holes.emplace_back("/names/7/value", "Tên thứ ba");
  holes.emplace_back("/names/999999999/value", "chỉ số quá lớn");  // hostile: ignored
  ASSERT_EQ(Post(path_, Encode(holes), session).status, 303);
  r = Record(pid_);
  ASSERT_EQ(r["names"].size(), 3u) << r;
  EXPECT_EQ(r["names"][2]["value"], "Tên thứ ba");
}

TEST_F(StaffEdit, AStaleFormIsRefusedShowsWhatChangedAndOverwritesNothing) {
  std::string session = SignIn("curator");
  Form form = FormFields(Page(path_, session).body, path_);
  // Someone else saves first, through the API.
  HttpReply other = Send("PATCH", "/api/v1/items/" + pid_, {{"dating", {{"text", "thế kỷ XX"}}}},
                         server_.token, {{"If-Match", "\"r1\""}});
  ASSERT_EQ(other.status, 200) << other;
  form = With(form, "/names/0/value", "Bản sửa của tôi");
  HttpReply stale = Post(path_, Encode(form), session);
  EXPECT_EQ(stale.status, 409) << stale;
  EXPECT_NE(stale.body.find("Chưa có gì được lưu"), std::string::npos);
  EXPECT_NE(stale.body.find("Nothing was saved"), std::string::npos);
  EXPECT_NE(stale.body.find("<code>/dating</code>"), std::string::npos);       // what they changed
  EXPECT_NE(stale.body.find("value=\"Bản sửa của tôi\""), std::string::npos);  // input kept
  EXPECT_NE(stale.body.find("name=\"revision\" value=\"2\""), std::string::npos);
  json r = Record(pid_);
  EXPECT_EQ(r["revision"], 2);
  EXPECT_EQ(r["names"][0]["value"], kHostile);
  EXPECT_EQ(r["dating"]["text"], "thế kỷ XX");
}

TEST_F(StaffEdit, ValidationMessagesStandBesideTheFieldsAndTheInputIsKept) {
  std::string session = SignIn("curator");
  Form form = FormFields(Page(path_, session).body, path_);
  form = With(form, "/dating/from_year", "năm 1940");
  form = With(form, "/recognitions/0/date", "2005-02-30");
  form = With(form, "/dating/text", kHostile);
  HttpReply bad = Post(path_, Encode(form), session);
  EXPECT_EQ(bad.status, 422) << bad;
  // Beside the inputs: the catalogue's messages in both languages, the inputs marked.
  EXPECT_NE(bad.body.find("id=\"f-dating-from_year-error\""), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("phải là số nguyên"), std::string::npos);
  EXPECT_NE(bad.body.find("must be an integer"), std::string::npos);
  EXPECT_NE(bad.body.find("id=\"f-recognitions-0-date-error\""), std::string::npos);
  EXPECT_NE(bad.body.find("href=\"#f-dating-from_year\""), std::string::npos);
  EXPECT_NE(bad.body.find("aria-invalid=\"true\""), std::string::npos);
  // What the person typed is still there, escaped.
  EXPECT_NE(bad.body.find("value=\"năm 1940\""), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"2005-02-30\""), std::string::npos);
  EXPECT_EQ(bad.body.find("<script>alert"), std::string::npos);
  EXPECT_EQ(Record(pid_)["revision"], 1);

  // A required field of an entry emptied: the message is beside it.
  Form no_value = With(form, "/names/0/value", "");
  no_value = With(no_value, "/dating/from_year", "");
  no_value = With(no_value, "/recognitions/0/date", "");
  HttpReply unnamed = Post(path_, Encode(no_value), session);
  EXPECT_EQ(unnamed.status, 422) << unnamed;
  EXPECT_NE(unnamed.body.find("href=\"#f-names-0-value\""), std::string::npos);
  EXPECT_NE(unnamed.body.find("là trường bắt buộc"), std::string::npos);
  // A required list emptied: the message is on the list's group.
  Form no_name = no_value;
  std::erase_if(no_name, [](const auto& f) { return f.first.starts_with("/names/"); });
  HttpReply empty = Post(path_, Encode(no_name), session);
  EXPECT_EQ(empty.status, 422) << empty;
  EXPECT_NE(empty.body.find("href=\"#f-names\""), std::string::npos) << empty.body;
  EXPECT_EQ(Record(pid_)["revision"], 1);
}

TEST_F(StaffEdit, AUnitEditorReachesOnlyTheirUnitsRecords) {
  std::string session = SignIn("editor_a");
  HttpReply own = Page(path_, session);
  EXPECT_EQ(own.status, 200) << own;
  const std::string theirs = "/quan-tri/ban-ghi/" + other_ + "/sua";
  HttpReply page = Page(theirs, session);
  EXPECT_EQ(page.status, 403);
  EXPECT_EQ(page.body.find("name=\"/names/0/value\""), std::string::npos);
  Form form = FormFields(own.body, path_);
  HttpReply post = Post(theirs, Encode(form), session);
  EXPECT_EQ(post.status, 403) << post;
  EXPECT_EQ(Record(other_)["revision"], 1);
  // Moving their own record to the other unit is refused by the catalogue's own check.
  HttpReply moved = Post(path_, Encode(With(form, "/custodian", unit_b_)), session);
  EXPECT_EQ(moved.status, 403) << moved;
  EXPECT_EQ(Record(pid_)["custodian"], unit_a_);
  // A reviewer edits nothing.
  EXPECT_EQ(Page(path_, SignIn("reviewer")).status, 403);
  // The public is sent to sign in.
  HttpReply anonymous = Page(path_);
  EXPECT_EQ(anonymous.status, 303);
  EXPECT_EQ(anonymous.Header("Location"), "/dang-nhap?next=" + path_);
}

TEST_F(StaffEdit, PostsWithoutTheTokenOrOfTheWrongShapeAreRefused) {
  std::string session = SignIn("curator");
  Form form = FormFields(Page(path_, session).body, path_);
  form = With(form, "/names/0/value", "Không được lưu");
  Form no_token = form;
  std::erase_if(no_token, [](const auto& f) { return f.first == "csrf_token"; });
  HttpReply missing = Post(path_, Encode(no_token), session);
  EXPECT_EQ(missing.status, 400) << missing;
  EXPECT_NE(missing.body.find("biểu mẫu đã hết hạn"), std::string::npos);
  EXPECT_NE(missing.body.find("value=\"Không được lưu\""), std::string::npos);
  EXPECT_EQ(Post(path_, Encode(With(form, "csrf_token", "x")), session).status, 400);
  EXPECT_EQ(Post(path_, Encode(form), session, false).status, 403);  // another site's post
  HttpReply no_revision = Post(path_, Encode(With(form, "revision", "abc")), session);
  EXPECT_EQ(no_revision.status, 422);
  EXPECT_EQ(Post(path_, Encode(form), session, true, "text/plain").status, 415);
  HttpReply big = Post(path_, Encode(With(form, "/note", std::string(800 * 1024, 'a'))), session);
  EXPECT_EQ(big.status, 413) << big.status;
  EXPECT_EQ(Record(pid_)["revision"], 1);
}

TEST_F(StaffEdit, ANewRecordFormCreatesADraft) {
  std::string session = SignIn("editor_a");
  HttpReply chooser = Page("/quan-tri/ban-ghi/moi", session);
  EXPECT_EQ(chooser.status, 200);
  EXPECT_NE(chooser.body.find("href=\"/quan-tri/ban-ghi/moi/artifact\""), std::string::npos);
  HttpReply page = Page("/quan-tri/ban-ghi/moi/artifact", session);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_NE(page.body.find("name=\"/artifact_type\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"/materials/0\""), std::string::npos);
  EXPECT_EQ(Page("/quan-tri/ban-ghi/moi/%3Cscript%3E", session).status, 404);
  Form form = FormFields(page.body, "/quan-tri/ban-ghi/moi/artifact");
  form = With(form, "/names/0/lang", "vi");
  form = With(form, "/names/0/value", "Chiêng đồng");
  form = With(form, "/materials/0", "đồng");
  form = With(form, "/custodian", unit_a_);
  form = With(form, "/quantity", "3");
  HttpReply created = Post("/quan-tri/ban-ghi/moi/artifact", Encode(form), session);
  ASSERT_EQ(created.status, 303) << created;
  std::string location = created.Header("Location");
  ASSERT_TRUE(location.starts_with("/quan-tri/ban-ghi/")) << location;
  std::string pid = location.substr(18, location.find("/sua") - 18);
  json r = Record(pid);
  EXPECT_EQ(r["status"], "draft");
  EXPECT_EQ(r["kind"], "artifact");
  EXPECT_EQ(r["quantity"], 3);
  EXPECT_EQ(r["materials"][0], "đồng");
  // Invalid: the messages and the input again, nothing created.
  HttpReply bad =
      Post("/quan-tri/ban-ghi/moi/artifact", Encode(With(form, "/quantity", "0")), session);
  EXPECT_EQ(bad.status, 422) << bad;
  EXPECT_NE(bad.body.find("id=\"f-quantity-error\""), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"Chiêng đồng\""), std::string::npos);
  // A draft of another unit is refused.
  HttpReply elsewhere =
      Post("/quan-tri/ban-ghi/moi/artifact", Encode(With(form, "/custodian", unit_b_)), session);
  EXPECT_EQ(elsewhere.status, 403) << elsewhere;
  EXPECT_EQ(Page("/quan-tri/ban-ghi/moi", SignIn("reviewer")).status, 403);
}

}  // namespace
}  // namespace disan
