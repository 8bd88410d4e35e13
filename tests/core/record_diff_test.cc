#include "core/record_diff.h"

#include <gtest/gtest.h>

namespace disan {
namespace {

using nlohmann::json;

TEST(RecordDiff, ReportsChangedAddedAndRemovedFields) {
  json a = {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", "A"}}}}, {"note", "x"}};
  json b = {{"kind", "relic"},
            {"names", {{{"lang", "vi"}, {"value", "B"}}, {{"lang", "en"}, {"value", "E"}}}},
            {"relic_type", "historical"}};
  auto changes = DiffRecords(a, b);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].path, "/names/0/value");
  EXPECT_EQ(changes[0].before, "A");
  EXPECT_EQ(changes[0].after, "B");
  EXPECT_EQ(changes[1].path, "/names/1");
  EXPECT_TRUE(changes[1].before.is_null());
  EXPECT_EQ(changes[2].path, "/note");
  EXPECT_TRUE(changes[2].after.is_null());
  EXPECT_EQ(changes[3].path, "/relic_type");
}

TEST(RecordDiff, IdenticalDocumentsHaveNoChanges) {
  json a = {{"kind", "relic"}, {"names", {{{"lang", "vi"}, {"value", "A"}}}}};
  EXPECT_TRUE(DiffRecords(a, a).empty());
}

TEST(RecordDiff, EscapesPointerCharacters) {
  auto changes = DiffRecords(json{{"a/b", 1}}, json{{"a/b", 2}});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].path, "/a~1b");
}

}  // namespace
}  // namespace disan
