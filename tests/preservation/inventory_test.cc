// Inventory parsing: every OCFL 1.1 rule that protects readers from a damaged or hostile
// inventory, and the sidecar format.
#include "preservation/inventory.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "preservation/digest.h"

namespace disan::preservation {
namespace {

using nlohmann::json;

const std::string kEmpty512 = Sha512Hex("");
const std::string kHello512 = Sha512Hex("hello");

json Valid() {
  return {
      {"id", "dn-4kq8zx2bv"},
      {"type", "https://ocfl.io/1.1/spec/#inventory"},
      {"digestAlgorithm", "sha512"},
      {"head", "v2"},
      {"manifest", {{kHello512, {"v1/content/a.txt"}}, {kEmpty512, {"v2/content/media/b.txt"}}}},
      {"versions",
       {{"v1",
         {{"created", "2025-06-01T08:30:00Z"},
          {"message", "first"},
          {"user", {{"name", "test"}}},
          {"state", {{kHello512, {"a.txt"}}}}}},
        {"v2",
         {{"created", "2025-06-02T08:30:00.123+07:00"},
          {"message", "second"},
          {"user", {{"name", "test"}}},
          {"state", {{kHello512, {"a.txt", "copy.txt"}}, {kEmpty512, {"media/b.txt"}}}}}}}},
      {"fixity",
       {{"sha256",
         {{"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
           {"v1/content/a.txt"}}}}}}};
}

// The codes of the error findings for `doc`.
std::vector<std::string> ErrorCodes(const json& doc) {
  Findings findings;
  Result<Inventory> r = ParseInventory(doc.dump(), findings);
  std::vector<std::string> codes;
  for (const Finding& f : findings) {
    if (f.severity == Severity::kError) {
      codes.push_back(f.code);
      EXPECT_FALSE(f.message_en.empty());
      EXPECT_FALSE(f.message_vi.empty());
    }
  }
  EXPECT_EQ(r.has_value(), codes.empty()) << doc;
  return codes;
}

bool Has(const std::vector<std::string>& codes, const std::string& code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

TEST(Inventory, ParsesAValidInventoryAndSerializesItBack) {
  Findings findings;
  Result<Inventory> inv = ParseInventory(Valid().dump(), findings);
  ASSERT_TRUE(inv) << inv.error().Describe();
  EXPECT_TRUE(findings.empty());
  EXPECT_EQ(inv->id, "dn-4kq8zx2bv");
  EXPECT_EQ(inv->head, "v2");
  EXPECT_EQ(inv->HeadNumber(), 2);
  EXPECT_EQ(inv->HeadVersion().state.at("copy.txt"), kHello512);
  EXPECT_EQ(inv->HeadVersion().state.at("media/b.txt"), kEmpty512);
  EXPECT_EQ(inv->ContentPathOf(kHello512), "v1/content/a.txt");
  EXPECT_EQ(inv->versions.at(1).second.user_name, "test");

  std::string text = inv->Serialize();
  EXPECT_EQ(json::parse(text), Valid());
  Findings again;
  Result<Inventory> round = ParseInventory(text, again);
  ASSERT_TRUE(round);
  EXPECT_EQ(round->Serialize(), text);
}

TEST(Inventory, RefusesMalformedDocuments) {
  EXPECT_TRUE(Has(ErrorCodes(json::array()), "E033"));
  Findings findings;
  EXPECT_FALSE(ParseInventory("{\"id\": \"x\", ", findings));  // truncated
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings[0].code, "E033");
  findings.clear();
  EXPECT_FALSE(ParseInventory("", findings));

  json unknown = Valid();
  unknown["extra"] = 1;
  EXPECT_TRUE(Has(ErrorCodes(unknown), "E102"));
  json no_id = Valid();
  no_id.erase("id");
  EXPECT_TRUE(Has(ErrorCodes(no_id), "E036"));
  json type = Valid();
  type["type"] = "https://ocfl.io/1.0/spec/#inventory";
  EXPECT_TRUE(Has(ErrorCodes(type), "E038"));
  json md5 = Valid();
  md5["digestAlgorithm"] = "md5";
  EXPECT_TRUE(Has(ErrorCodes(md5), "E025"));
  json head = Valid();
  head["head"] = "v1";
  EXPECT_TRUE(Has(ErrorCodes(head), "E040"));
  json gap = Valid();
  gap["versions"]["v3"] = gap["versions"]["v2"];
  gap["versions"].erase("v2");
  gap["head"] = "v3";
  EXPECT_TRUE(Has(ErrorCodes(gap), "E010"));
  json version_name = Valid();
  version_name["versions"]["version3"] = json::object();
  EXPECT_TRUE(Has(ErrorCodes(version_name), "E046"));
  json created = Valid();
  created["versions"]["v1"]["created"] = "1 June 2025";
  EXPECT_TRUE(Has(ErrorCodes(created), "E049"));
  json no_zone = Valid();
  no_zone["versions"]["v1"]["created"] = "2025-06-01T08:30:00";
  EXPECT_TRUE(Has(ErrorCodes(no_zone), "E049"));
  json user = Valid();
  user["versions"]["v1"]["user"] = {{"address", "mailto:a@b"}};
  EXPECT_TRUE(Has(ErrorCodes(user), "E054"));
  json message = Valid();
  message["versions"]["v1"]["message"] = 5;
  EXPECT_TRUE(Has(ErrorCodes(message), "E094"));
}

TEST(Inventory, RefusesDigestsThatDoNotAddUp) {
  json short_digest = Valid();
  short_digest["manifest"]["abc"] = {"v1/content/x"};
  EXPECT_TRUE(Has(ErrorCodes(short_digest), "E096"));

  json twice = Valid();
  std::string upper = kHello512;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  twice["manifest"][upper] = {"v1/content/other.txt"};
  EXPECT_TRUE(Has(ErrorCodes(twice), "E096"));

  json not_in_manifest = Valid();
  not_in_manifest["versions"]["v2"]["state"][Sha512Hex("x")] = {"x.txt"};
  EXPECT_TRUE(Has(ErrorCodes(not_in_manifest), "E050"));

  json unused = Valid();
  unused["manifest"][Sha512Hex("x")] = {"v2/content/x.txt"};
  EXPECT_TRUE(Has(ErrorCodes(unused), "E107"));

  json later = Valid();  // v1 may not use content that only v2 stores
  later["versions"]["v1"]["state"][kEmpty512] = {"early.txt"};
  EXPECT_TRUE(Has(ErrorCodes(later), "E050"));

  json fixity = Valid();
  fixity["fixity"]["sha256"]["2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"] = {
      "v9/content/nowhere"};
  EXPECT_TRUE(Has(ErrorCodes(fixity), "E057"));
  json fixity_type = Valid();
  fixity_type["fixity"] = "sha256";
  EXPECT_TRUE(Has(ErrorCodes(fixity_type), "E111"));
}

TEST(Inventory, RefusesPathsThatLeaveTheObject) {
  for (std::string bad : {"../../etc/passwd", "v1/content/../../../etc/passwd", "/etc/passwd",
                          "v1/content//a", "v1/content/./a", "v1/content/a/", "v1/content/\x01",
                          "v1/a.txt", "v9/content/a.txt", "v1/content"}) {
    json doc = Valid();
    doc["manifest"][kHello512] = {bad};
    std::vector<std::string> codes = ErrorCodes(doc);
    EXPECT_TRUE(Has(codes, "E099") || Has(codes, "E042")) << bad;
  }
  for (std::string bad : {"../x", "/x", "a//b", "a/./b", "a/", ".."}) {
    json doc = Valid();
    doc["versions"]["v2"]["state"][kEmpty512] = {bad};
    EXPECT_TRUE(Has(ErrorCodes(doc), "E052")) << bad;
  }
  json conflict = Valid();  // "media" would be a file and a directory
  conflict["versions"]["v2"]["state"][kHello512] = {"a.txt", "media"};
  EXPECT_TRUE(Has(ErrorCodes(conflict), "E095"));
  json content_dir = Valid();
  content_dir["contentDirectory"] = "../x";
  EXPECT_TRUE(Has(ErrorCodes(content_dir), "E017"));
  content_dir["contentDirectory"] = "..";
  EXPECT_TRUE(Has(ErrorCodes(content_dir), "E018"));
}

TEST(Inventory, SafePathsAndVersionNames) {
  EXPECT_TRUE(IsSafePath("record.json"));
  EXPECT_TRUE(IsSafePath("media/dn-4kq8zx2bv.jpg"));
  EXPECT_TRUE(IsSafePath("ảnh/Đắk Mil.jpg"));
  EXPECT_FALSE(IsSafePath(""));
  EXPECT_FALSE(IsSafePath(std::string(1025, 'a')));
  EXPECT_FALSE(IsSafePath(std::string(256, 'a')));
  EXPECT_FALSE(IsSafePath(std::string("a\0b", 3)));
  EXPECT_FALSE(IsSafePath("\xff\xfe"));
  EXPECT_FALSE(IsSafePath("a\nb"));

  EXPECT_EQ(VersionNumber("v1"), 1);
  EXPECT_EQ(VersionNumber("v12"), 12);
  EXPECT_EQ(VersionNumber("v003"), 3);
  EXPECT_EQ(VersionNumber("v0"), 0);
  EXPECT_EQ(VersionNumber("v"), 0);
  EXPECT_EQ(VersionNumber("x1"), 0);
  EXPECT_EQ(VersionNumber("v1a"), 0);
  EXPECT_EQ(VersionNumber("v99999999999"), 0);

  EXPECT_TRUE(IsRfc3339("2025-06-01T08:30:00Z"));
  EXPECT_TRUE(IsRfc3339("2025-06-01T08:30:00.5-05:00"));
  EXPECT_FALSE(IsRfc3339("2025-13-01T08:30:00Z"));
  EXPECT_FALSE(IsRfc3339("2025-06-01 08:30:00Z"));
}

TEST(Inventory, SidecarNamesTheDigestAndTheFile) {
  std::string bytes = Valid().dump(2);
  std::string sidecar = SidecarFor(bytes);
  EXPECT_EQ(sidecar, Sha512Hex(bytes) + "  inventory.json\n");
  EXPECT_TRUE(CheckSidecar(sidecar, bytes, "sha512").first.empty());
  EXPECT_TRUE(CheckSidecar(Sha512Hex(bytes) + "\tinventory.json", bytes, "sha512").first.empty());
  std::string upper = Sha512Hex(bytes);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(CheckSidecar(upper + " inventory.json\n", bytes, "sha512").first.empty());

  auto [en, vi] = CheckSidecar(sidecar, bytes + " ", "sha512");
  EXPECT_NE(en.find("does not match"), std::string::npos) << en;
  EXPECT_FALSE(vi.empty());
  EXPECT_NE(CheckSidecar(Sha512Hex(bytes), bytes, "sha512").first.find("must read"),
            std::string::npos);
  EXPECT_NE(CheckSidecar(Sha512Hex(bytes) + " other.json", bytes, "sha512").first.find("must read"),
            std::string::npos);
  EXPECT_NE(CheckSidecar("abc inventory.json", bytes, "sha512").first.find("must read"),
            std::string::npos);
}

}  // namespace
}  // namespace disan::preservation
