// Content-based type detection on real files: every accepted format is recognised whatever the
// file is called, and everything else is refused with the detected type named.
#include "media/media_type.h"

#include <gtest/gtest.h>

#include "support/media_samples.h"
#include "support/test_support.h"

namespace disan::media {
namespace {

// Detects the type of `content` written to a file called `name`.
Result<const MediaFormat*> Detect(const std::string& content,
                                  const std::string& name = "upload.bin") {
  testing::TempDir dir;
  testing::WriteFile(dir.File(name), content);
  return DetectFormat(dir.File(name));
}

TEST(MediaType, RecognisesEveryAcceptedFormatFromItsContent) {
  struct Case {
    std::string content;
    std::string format;
  };
  for (const Case& c : std::vector<Case>{
           {testing::SampleJpeg(), "jpeg"},
           {testing::SampleTiff(), "tiff"},
           {testing::SampleBigTiff(), "tiff"},
           {testing::SamplePng(), "png"},
           {testing::SampleWebp(), "webp"},
           {testing::SampleJp2(), "jp2"},
           {testing::SampleJ2k(), "j2k"},
           {testing::SamplePdf(), "pdf"},
           {testing::SampleWav(), "wav"},
           {testing::SampleFlac(), "flac"},
           {testing::SampleMp3(), "mp3"},
           {testing::SampleMp4(), "mp4"},
           {testing::SampleWebm(), "webm"},
           {testing::SampleGlb(), "glb"},
           {testing::SampleGltf(), "gltf"},
           {testing::SampleObj(), "obj"},
           {testing::SamplePly(), "ply"},
       }) {
    // The name never matters: every file is called .exe here.
    Result<const MediaFormat*> f = Detect(c.content, "named-wrongly.exe");
    ASSERT_TRUE(f) << c.format << ": " << f.error().Describe();
    EXPECT_EQ((*f)->id, c.format);
    EXPECT_NE(FindFormat(c.format), nullptr);
  }
  // A PNG that declares 100,000 x 100,000 pixels is still a PNG; decoding limits are the
  // derivative maker's business, and nothing here decodes it.
  Result<const MediaFormat*> bomb = Detect(testing::SamplePng(100000, 100000));
  ASSERT_TRUE(bomb);
  EXPECT_EQ((*bomb)->id, "png");
}

TEST(MediaType, RefusesOtherFilesNamingWhatTheyAre) {
  struct Case {
    std::string content;
    std::string name;
    std::string named;  // a part of the detected type the message must show
  };
  for (const Case& c : std::vector<Case>{
           {testing::SampleElf(), "photo.jpg", "application/x-executable"},
           {testing::SamplePe(), "scan.tif", "application/vnd.microsoft.portable-executable"},
           {testing::SampleZip(), "model.glb", "application/zip"},
           {testing::SampleHtml(), "page.pdf", "text/html"},
           {testing::SampleSvg(), "image.png", "image/svg+xml"},
           {"just some notes\nin plain text\n", "notes.obj", "text/plain"},
           {"{\"name\": \"not a model\", \"asset\": {\"generator\": \"x\"}}", "model.gltf",
            "application/json"},
           {"[1, 2, 3]", "model.gltf", "application/json"},
       }) {
    Result<const MediaFormat*> f = Detect(c.content, c.name);
    ASSERT_FALSE(f) << c.name << " was taken as " << (*f)->id;
    const Error& e = f.error();
    EXPECT_EQ(e.code, ErrorCode::kInvalid);
    EXPECT_NE(e.message_en.find(c.named), std::string::npos) << e.message_en;
    EXPECT_NE(e.message_vi.find(c.named), std::string::npos) << e.message_vi;
    EXPECT_NE(e.message_en.find("JPEG, TIFF"), std::string::npos) << e.message_en;
    ASSERT_EQ(e.fields.size(), 1u);
    EXPECT_EQ(e.fields[0].path, "file");
    EXPECT_EQ(e.fields[0].problem, "unsupported_type");
  }
  Result<const MediaFormat*> empty = Detect("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().fields[0].problem, "empty");
  EXPECT_EQ(DetectFormat("/nonexistent/file").error().code, ErrorCode::kUnavailable);
}

TEST(MediaType, TextFormatsAreCheckedBeyondTheirFirstLine) {
  // OBJ with a line that is not an OBJ statement is plain text.
  ASSERT_FALSE(Detect(testing::SampleObj() + "rm -rf /\n"));
  // OBJ without a single vertex is not a model.
  ASSERT_FALSE(Detect("# only a comment\no Empty\n"));
  // glTF whose asset names another major version.
  ASSERT_FALSE(Detect("{\"asset\": {\"version\": \"1.0\"}}"));
  // Deeply nested JSON is refused without trouble.
  ASSERT_FALSE(Detect(std::string(100000, '[') + std::string(100000, ']')));
  // A glTF file bigger than what is read is judged by its start.
  std::string big = "{\"asset\": {\"version\": \"2.0\"}, \"buffers\": [{\"uri\": \"data:,";
  big += std::string(3 << 20, 'A') + "\"}]}";
  Result<const MediaFormat*> f = Detect(big);
  ASSERT_TRUE(f) << f.error().Describe();
  EXPECT_EQ((*f)->id, "gltf");
}

TEST(MediaType, ClassifyIsPureAndTotal) {
  EXPECT_EQ((*ClassifyContent({"image/jpeg", "JPEG image data"}, "\xff\xd8\xff"))->id, "jpeg");
  EXPECT_EQ((*ClassifyContent({"audio/x-flac", ""}, "fLaC"))->id, "flac");
  EXPECT_EQ((*ClassifyContent({"text/plain", "PLY model, ASCII"}, "ply\n"))->id, "ply");
  EXPECT_FALSE(ClassifyContent({"text/plain", "PLY model, ASCII"}, "not ply"));
  EXPECT_FALSE(ClassifyContent({"application/octet-stream", "data"}, std::string(10, '\0')));
  EXPECT_FALSE(ClassifyContent({"inode/x-empty", "empty"}, ""));
  EXPECT_FALSE(ClassifyContent({"image/jpeg", ""}, ""));
  // Every accepted format has a distinct id and an extension.
  std::set<std::string_view> ids;
  for (const MediaFormat& f : AcceptedFormats()) {
    EXPECT_TRUE(ids.insert(f.id).second) << f.id;
    EXPECT_FALSE(f.extension.empty());
  }
}

}  // namespace
}  // namespace disan::media
