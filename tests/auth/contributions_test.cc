// The pure parsers of what contributors and reviewers send (workflow/contributions.h), the
// licences that take commercial-use requests, and the review steps of schema/review.json.
#include "workflow/contributions.h"

#include <gtest/gtest.h>

#include "workflow/review.h"

namespace disan {
namespace {

using nlohmann::json;

json Rights() {
  return {{"licence", "rs_inc"}, {"rights_holder", "Buôn Bu Nor"}, {"attribution", "Y Sơn"}};
}

// The first field an error names.
std::string FieldOf(const Error& e) { return e.fields.empty() ? "" : e.fields[0].path; }

TEST(Contributions, RightsNeedAChosenLicenceAHolderAndAName) {
  Result<workflow::Rights> ok = workflow::ParseRights(Rights(), workflow::ConsentRule::kOptional);
  ASSERT_TRUE(ok) << ok.error().Describe();
  EXPECT_EQ(ok->licence, "rs_inc");
  EXPECT_FALSE(ok->consent);
  for (const char* field : {"licence", "rights_holder", "attribution"}) {
    json j = Rights();
    j.erase(field);
    Result<workflow::Rights> r = workflow::ParseRights(j, workflow::ConsentRule::kOptional);
    ASSERT_FALSE(r);
    EXPECT_EQ(FieldOf(r.error()), field);
    EXPECT_FALSE(r.error().fields[0].message_vi.empty());
  }
  json odd = Rights();
  odd["licence"] = "cc_by_nd_4_0";  // a real licence, but not one contributors choose
  EXPECT_EQ(FieldOf(workflow::ParseRights(odd, workflow::ConsentRule::kOptional).error()),
            "licence");
  // NFC: a decomposed name is stored composed.
  json nfd = Rights();
  nfd["attribution"] = "Y So\xcc\x9bn";
  EXPECT_EQ(workflow::ParseRights(nfd, workflow::ConsentRule::kOptional)->attribution, "Y Sơn");
  json control = Rights();
  control["attribution"] = "Y\x01Sơn";
  EXPECT_EQ(FieldOf(workflow::ParseRights(control, workflow::ConsentRule::kOptional).error()),
            "attribution");
  // Reasons may break lines; names may not.
  EXPECT_TRUE(workflow::ParseReviewAction({{"action", "reject"}, {"reason", "dòng 1\ndòng 2"}}));
  control["attribution"] = "Y\nSơn";
  EXPECT_FALSE(workflow::ParseRights(control, workflow::ConsentRule::kOptional));
}

TEST(Contributions, IntangibleHeritageNeedsConsent) {
  EXPECT_EQ(FieldOf(workflow::ParseRights(Rights(), workflow::ConsentRule::kRequired).error()),
            "consent");
  json j = Rights();
  j["consent"] = {
      {"who", "Nghệ nhân Điểu Klứt"}, {"date", "2026-04-30"}, {"document_media", "dn-4kq8zx2bv"}};
  Result<workflow::Rights> r = workflow::ParseRights(j, workflow::ConsentRule::kRequired);
  ASSERT_TRUE(r) << r.error().Describe();
  EXPECT_EQ(r->consent->document_media, "dn-4kq8zx2bv");
  for (const auto& [key, value, field] : std::vector<std::tuple<std::string, json, std::string>>{
           {"date", "30/04/2026", "consent/date"},
           {"who", "", "consent/who"},
           {"document_media", "not a pid", "consent/document_media"},
           {"signed", true, "consent/signed"}}) {
    json bad = j;
    bad["consent"][key] = value;
    Result<workflow::Rights> e = workflow::ParseRights(bad, workflow::ConsentRule::kRequired);
    ASSERT_FALSE(e) << key;
    EXPECT_EQ(FieldOf(e.error()), field);
  }
}

TEST(Contributions, CommercialUseNeedsPermissionUnderReservedAndNonCommercialLicences) {
  for (const char* l : {"rs_inc", "cc_by_nc_4_0", "cc_by_nc_sa_4_0", "cc_by_nc_nd_4_0", "rs_inc_nc",
                        "rs_noc_nc", "commercial"})
    EXPECT_TRUE(workflow::CommercialUseNeedsPermission(l)) << l;
  for (const char* l : {"cc0_1_0", "cc_by_4_0", "cc_by_sa_4_0", "pdm_1_0", ""})
    EXPECT_FALSE(workflow::CommercialUseNeedsPermission(l)) << l;
}

TEST(Contributions, ReviewActionsNameWhatIsWrong) {
  EXPECT_TRUE(workflow::ParseReviewAction({{"action", "approve"}}));
  EXPECT_EQ(FieldOf(workflow::ParseReviewAction({{"action", "publish"}}).error()), "action");
  EXPECT_EQ(FieldOf(workflow::ParseReviewAction({{"action", "reject"}}).error()), "reason");
  EXPECT_EQ(
      FieldOf(
          workflow::ParseReviewAction({{"action", "request_changes"}, {"reason", "x"}}).error()),
      "comments");
  json a = {{"action", "request_changes"},
            {"reason", "thiếu nguồn"},
            {"comments", {{{"field", "/names/0/value"}, {"text", "Tên theo văn bản nào?"}}}}};
  Result<workflow::ReviewAction> ok = workflow::ParseReviewAction(a);
  ASSERT_TRUE(ok) << ok.error().Describe();
  EXPECT_EQ(ok->comments[0].field, "/names/0/value");
  a["comments"][0]["text"] = std::string(5000, 't');
  EXPECT_EQ(FieldOf(workflow::ParseReviewAction(a).error()), "comments/0/text");
  a["comments"] = "tên sai";
  EXPECT_EQ(FieldOf(workflow::ParseReviewAction(a).error()), "comments");
}

TEST(Contributions, UseRequestsAndAnswersAreBounded) {
  json ok = {{"name", "B"}, {"email", "b@example.vn"}, {"purpose", "in lịch"}};
  EXPECT_TRUE(workflow::ParseUseRequest(ok));
  for (const char* email : {"b@", "@example.vn", "b@@example.vn", "b c@example.vn", "b@example",
                            "\"b\"@example.vn", "b@example.vn\r\nBcc: x@y.vn"}) {
    json bad = ok;
    bad["email"] = email;
    EXPECT_EQ(FieldOf(workflow::ParseUseRequest(bad).error()), "email") << email;
  }
  EXPECT_EQ(FieldOf(workflow::ParseUseAnswer({{"decision", "grant"}}).error()), "answer");
  EXPECT_TRUE(workflow::ParseUseAnswer({{"decision", "refuse"}, {"answer", "không"}})->granted ==
              false);
}

TEST(ReviewConfig, TheBuiltInStepsAndRefusalOfRolesThatCannotReview) {
  auto config = workflow::ReviewConfig::Builtin();
  EXPECT_EQ(config->StepsFor("relic").roles, (std::vector<std::string>{"reviewer", "curator"}));
  EXPECT_EQ(config->StepsFor("intangible").roles,
            (std::vector<std::string>{"reviewer", "reviewer"}));
  EXPECT_TRUE(config->StepsFor("intangible").distinct_people);
  EXPECT_EQ(config->StepsFor("unknown").roles.size(), 2u);
  EXPECT_FALSE(workflow::ReviewConfig::Parse({{"default", {{"steps", {"contributor"}}}}}));
  EXPECT_FALSE(workflow::ReviewConfig::Parse({{"default", {{"steps", json::array()}}}}));
  EXPECT_TRUE(
      workflow::ReviewConfig::Parse({{"default", {{"steps", {"unit_editor", "curator"}}}}}));
}

}  // namespace
}  // namespace disan
