// The 0004-hashed-n-tuple-storage-layout mapping, checked against the extension's own examples.
#include "preservation/layout.h"

#include <gtest/gtest.h>

namespace disan::preservation {
namespace {

using nlohmann::json;

TEST(HashedNTupleLayout, DefaultsMatchTheExtensionsFirstExample) {
  HashedNTupleLayout layout;
  EXPECT_EQ(layout.ObjectPath("object-01"),
            "3c0/ff4/240/3c0ff4240c1e116dba14c7627f2319b58aa3d77606d0d90dfc6161608ac987d4");
  EXPECT_EQ(layout.ObjectPath("..hor/rib:le-$id"),
            "487/326/d8c/487326d8c2a3c0b885e23da1469b4d6671fd4e76978924b4443e9e3c316cda6d");
  EXPECT_EQ(layout.ToConfig(), json({{"extensionName", "0004-hashed-n-tuple-storage-layout"},
                                     {"digestAlgorithm", "sha256"},
                                     {"tupleSize", 3},
                                     {"numberOfTuples", 3},
                                     {"shortObjectRoot", false}}));
}

TEST(HashedNTupleLayout, ConfiguredLikeTheSecondAndThirdExamples) {
  auto md5 = HashedNTupleLayout::FromConfig({{"digestAlgorithm", "md5"},
                                             {"tupleSize", 2},
                                             {"numberOfTuples", 15},
                                             {"shortObjectRoot", true}});
  ASSERT_TRUE(md5) << md5.error().Describe();
  EXPECT_EQ(md5->ObjectPath("object-01"), "ff/75/53/44/92/48/5e/ab/b3/9f/86/35/67/28/88/4e");
  EXPECT_EQ(md5->ObjectPath("..hor/rib:le-$id"), "08/31/97/66/fb/6c/29/35/dd/17/5b/94/26/77/17/e0");

  auto flat = HashedNTupleLayout::FromConfig({{"tupleSize", 0}, {"numberOfTuples", 0}});
  ASSERT_TRUE(flat) << flat.error().Describe();
  EXPECT_EQ(flat->ObjectPath("object-01"),
            "3c0ff4240c1e116dba14c7627f2319b58aa3d77606d0d90dfc6161608ac987d4");
}

TEST(HashedNTupleLayout, RefusesConfigurationsTheExtensionForbidsNamingTheKey) {
  struct Case {
    json config;
    std::string key;
  };
  for (const Case& c : std::vector<Case>{
           {{{"digestAlgorithm", "crc32"}}, "digestAlgorithm"},
           {{{"digestAlgorithm", 7}}, "digestAlgorithm"},
           {{{"tupleSize", 33}}, "tupleSize"},
           {{{"tupleSize", -1}}, "tupleSize"},
           {{{"tupleSize", "3"}}, "tupleSize"},
           {{{"numberOfTuples", 3.5}}, "numberOfTuples"},
           {{{"tupleSize", 0}, {"numberOfTuples", 3}}, "tupleSize"},
           {{{"tupleSize", 32}, {"numberOfTuples", 3}}, "numberOfTuples"},
           {{{"tupleSize", 16}, {"numberOfTuples", 4}, {"shortObjectRoot", true}},
            "numberOfTuples"},
           {{{"shortObjectRoot", "yes"}}, "shortObjectRoot"},
           {{{"extensionName", "0002-flat-direct-storage-layout"}}, "extensionName"},
           {json::array(), "config.json"},
       }) {
    auto r = HashedNTupleLayout::FromConfig(c.config);
    ASSERT_FALSE(r) << c.config;
    EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
    ASSERT_EQ(r.error().fields.size(), 1u) << c.config;
    EXPECT_EQ(r.error().fields[0].path, c.key) << c.config;
    EXPECT_FALSE(r.error().message_vi.empty());
  }
}

}  // namespace
}  // namespace disan::preservation
