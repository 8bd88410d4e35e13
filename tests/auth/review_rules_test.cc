// The review's own rules under a configuration other than the built-in one, against a real
// SQLite catalogue: a step taken by unit editors is open only to editors of the record's unit
// (not of another unit, whatever the submission's id), and "distinct_people": false lets one
// person take two steps but never the same step twice.
#include <gtest/gtest.h>

#include "support/test_support.h"
#include "workflow/review.h"

namespace disan {
namespace {

using nlohmann::json;

class ReviewRules : public ::testing::Test, protected testing::TestCatalogue {
 protected:
  void SetUp() override {
    unit_a_ = Organisation("Bảo tàng tỉnh Đắk Nông");
    unit_b_ = Organisation("Ban quản lý di tích Đắk Mil");
  }

  std::string Organisation(const std::string& name) {
    Result<StoredRecord> r = catalogue->Create(
        RecordClass::kOrganisation,
        {{"kind", "museum"}, {"names", {{{"lang", "vi"}, {"value", name}, {"preferred", true}}}}},
        staff, "test");
    EXPECT_TRUE(r) << r.error().Describe();
    return r ? r->pid : "";
  }

  // Account 1 (the built-in administrator row) stands for the contributor: submissions refer
  // to an account that exists. The people acting have other ids.
  static workflow::Person Someone(int64_t id, const std::string& role,
                                  const std::string& unit = "") {
    workflow::Person p;
    p.principal = auth::Principal{id, "p" + std::to_string(id), {{role, unit}}};
    p.actor = Actor{"p" + std::to_string(id), Audience::kStaff};
    return p;
  }

  workflow::Review With(const json& config) {
    auto parsed = workflow::ReviewConfig::Parse(config);
    EXPECT_TRUE(parsed) << parsed.error().Describe();
    return workflow::Review(*catalogue, *parsed);
  }

  Submission Submit(workflow::Review& review, const std::string& unit) {
    workflow::Person contributor = Someone(1, "contributor");
    json record = testing::RelicDocument("Di tích của đơn vị");
    record["custodian"] = unit;
    json body = {{"record", record},
                 {"licence", "cc0_1_0"},
                 {"rights_holder", "Cộng đồng"},
                 {"attribution", "Người gửi"}};
    Result<Submission> s = review.SubmitNewItem(contributor, body);
    EXPECT_TRUE(s) << s.error().Describe();
    return s.value_or(Submission{});
  }

  std::string unit_a_, unit_b_;
};

TEST_F(ReviewRules, AUnitEditorsStepIsOpenOnlyToEditorsOfTheRecordsUnit) {
  workflow::Review review =
      With({{"default", {{"steps", {"unit_editor", "curator"}}, {"distinct_people", true}}}});
  Submission of_b = Submit(review, unit_b_);
  ASSERT_EQ(of_b.unit, unit_b_);
  ASSERT_EQ(of_b.awaiting_role, "unit_editor");
  const workflow::ReviewAction approve{workflow::Decision::kApprove, "", {}};

  workflow::Person editor_a = Someone(7, "unit_editor", unit_a_);
  Result<Submission> refused = review.Act(editor_a, of_b.id, approve);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kForbidden);
  EXPECT_NE(refused.error().message_en.find(unit_b_), std::string::npos)
      << refused.error().Describe();
  EXPECT_FALSE(review.Read(editor_a, of_b.id)) << "not even readable by id";
  workflow::SubmissionPage none = review.Queue(editor_a, {}).value();
  EXPECT_TRUE(none.submissions.empty());

  workflow::Person editor_b = Someone(8, "unit_editor", unit_b_);
  ASSERT_EQ(review.Queue(editor_b, {}).value().submissions.size(), 1u);
  Result<Submission> taken = review.Act(editor_b, of_b.id, approve);
  ASSERT_TRUE(taken) << taken.error().Describe();
  EXPECT_EQ(taken->awaiting_role, "curator");
  // Nothing was written by the refusal: one approval in the history.
  size_t approvals = 0;
  for (const json& e : taken->history) approvals += e["action"] == "approve";
  EXPECT_EQ(approvals, 1u);
}

TEST_F(ReviewRules, WithoutDistinctPeopleOnePersonTakesTwoStepsButNoStepTwice) {
  workflow::Review review = With(
      {{"default", {{"steps", {"reviewer", "reviewer", "curator"}}, {"distinct_people", false}}}});
  Submission s = Submit(review, unit_a_);
  workflow::Person reviewer = Someone(9, "reviewer");
  const workflow::ReviewAction approve{workflow::Decision::kApprove, "", {}};
  ASSERT_TRUE(review.Act(reviewer, s.id, approve));
  Result<Submission> second = review.Act(reviewer, s.id, approve);
  ASSERT_TRUE(second) << second.error().Describe();
  EXPECT_EQ(second->step, 2);
  // The contributor never acts, whatever roles they hold.
  workflow::Person contributor_as_curator = Someone(1, "curator");
  Result<Submission> own = review.Act(contributor_as_curator, s.id, approve);
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().code, ErrorCode::kForbidden);
  Result<Submission> done = review.Act(Someone(10, "curator"), s.id, approve);
  ASSERT_TRUE(done) << done.error().Describe();
  EXPECT_EQ(done->state, "accepted");
  EXPECT_EQ(catalogue->Get(RecordClass::kItem, s.record_pid, Actor{}).value().document["status"],
            "published");
}

}  // namespace
}  // namespace disan
