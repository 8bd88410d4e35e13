// Sound and video with the real ffprobe and ffmpeg (Debian package ffmpeg; the tests fail
// without it): the bounded subprocess runner (time limit, output limit, missing tool, a
// reader that stops it), technical metadata of files made here, poster frames and waveforms,
// and damaged or hostile recordings, which are preserved but whose jobs fail with the reason.
#include "media/derive/av.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <optional>
#include <atomic>
#include <vips/vips8>

#include "media/jobs.h"
#include "media/media_service.h"
#include "support/test_support.h"

namespace disan::media {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(RunToolTest, ToolsAreBoundedInTimeAndOutput) {
  ToolRun echo;
  echo.argv = {"printf", "%s", "xin chào"};
  Result<ToolResult> ok = RunTool(echo);
  ASSERT_TRUE(ok) << ok.error().Describe();
  EXPECT_EQ(ok->exit_status, 0);
  EXPECT_EQ(ok->output, "xin chào");

  ToolRun slow;
  slow.argv = {"sleep", "30"};
  slow.timeout_seconds = 1;
  Result<ToolResult> stopped = RunTool(slow);
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, ErrorCode::kInvalid);
  EXPECT_NE(stopped.error().message_en.find("longer than 1 s"), std::string::npos);
  EXPECT_NE(stopped.error().message_vi.find("quá 1 giây"), std::string::npos);

  ToolRun chatty;
  chatty.argv = {"yes", "đắk nông"};
  chatty.max_output = 4096;
  Result<ToolResult> flooded = RunTool(chatty);
  ASSERT_FALSE(flooded);
  EXPECT_NE(flooded.error().message_en.find("more than 4096 bytes"), std::string::npos);

  size_t seen = 0;
  ToolRun streamed;
  streamed.argv = {"yes"};
  streamed.sink = [&](const char*, size_t n) {
    seen += n;
    return seen < 100000;
  };
  EXPECT_FALSE(RunTool(streamed));
  EXPECT_GE(seen, 100000u);

  ToolRun missing;
  missing.argv = {"no-such-tool-disan"};
  Result<ToolResult> absent = RunTool(missing);
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(absent.error().message_en.find("install the ffmpeg package"), std::string::npos);

  ToolRun failing;
  failing.argv = {"sh", "-c", "echo lỗi >&2; exit 3"};
  Result<ToolResult> three = RunTool(failing);
  ASSERT_TRUE(three);
  EXPECT_EQ(three->exit_status, 3);
  EXPECT_EQ(three->errors, "lỗi\n");
}

// A server told to stop kills the tool its job thread waits for, rather than waiting for it
// (a 2 GB recording's waveform takes minutes on a busy machine); other threads' tools run on.
TEST(RunToolTest, AStopRequestKillsTheToolThisThreadRuns) {
  std::atomic<bool> stop{false};
  StopToolsWhen([&] { return stop.load(); });
  std::thread asker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  std::optional<Result<ToolResult>> elsewhere;
  std::thread other([&] {
    ToolRun brief;
    brief.argv = {"sh", "-c", "sleep 2; printf xong"};
    elsewhere = RunTool(brief);
  });
  ToolRun slow;
  slow.argv = {"sleep", "30"};
  Result<ToolResult> stopped = RunTool(slow);
  asker.join();
  other.join();
  StopToolsWhen({});
  ASSERT_FALSE(stopped) << "sleep 30 ran to its end";
  EXPECT_EQ(stopped.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(stopped.error().message_en.find("the server is stopping"), std::string::npos);
  EXPECT_NE(stopped.error().message_vi.find("máy chủ đang dừng"), std::string::npos);
  ASSERT_TRUE(*elsewhere) << elsewhere->error().Describe();
  EXPECT_EQ((*elsewhere)->output, "xong");
}

TEST(WaveformTest, PeaksAreCentredBarsAndSilenceIsALine) {
  std::vector<unsigned char> px = DrawWaveform({1.0f, 0.5f, 0.0f, 2.0f}, 11);
  ASSERT_EQ(px.size(), 4u * 11 * 3);
  auto dark = [&](int x, int y) { return px[(static_cast<size_t>(y) * 4 + x) * 3] < 128; };
  for (int y = 0; y < 11; ++y) {
    EXPECT_TRUE(dark(0, y)) << y;  // full height
    EXPECT_TRUE(dark(3, y)) << y;  // a peak above 1 is clamped
    EXPECT_EQ(dark(1, y), y >= 2 && y <= 8) << y;
    EXPECT_EQ(dark(2, y), y == 5) << y;  // silence: the centre line only
  }
}

class AvTest : public ::testing::Test {
 protected:
  std::string Make(const std::string& args, const std::string& name) {
    std::string out = db_.dir.File(name);
    testing::CommandResult r =
        testing::RunCommand("ffmpeg -nostdin -hide_banner -v error " + args + " -y " + out);
    EXPECT_EQ(r.status, 0) << "ffmpeg is required (Debian package ffmpeg): " << r.output;
    return out;
  }

  testing::TestCatalogue db_;
  Derivatives derivatives_{db_.dir.path() / "derivatives"};
};

TEST_F(AvTest, ProbesSoundAndVideoAndMakesTheirPictures) {
  std::string wav = Make("-f lavfi -i sine=frequency=440:duration=2.5 -ac 2", "a.wav");
  Result<json> sound = ProbeAv(wav);
  ASSERT_TRUE(sound) << sound.error().Describe();
  EXPECT_NEAR((*sound)["duration"].get<double>(), 2.5, 0.01);
  EXPECT_EQ((*sound)["channels"], 2);
  EXPECT_EQ((*sound)["audio_codec"], "pcm_s16le");
  EXPECT_FALSE(sound->contains("width"));
  ASSERT_TRUE(MakeTimeBased(derivatives_, "dn-sound", wav, *sound));
  vips::VImage wave = vips::VImage::new_from_file(WaveformPath(derivatives_, "dn-sound").c_str());
  EXPECT_EQ(wave.width(), kWaveformWidth);
  EXPECT_EQ(wave.height(), kWaveformHeight);
  EXPECT_FALSE(fs::exists(PosterPath(derivatives_, "dn-sound")));

  std::string webm =
      Make("-f lavfi -i testsrc=size=1280x720:rate=5:duration=3 -c:v libvpx -b:v 200k", "v.webm");
  Result<json> video = ProbeAv(webm);
  ASSERT_TRUE(video) << video.error().Describe();
  EXPECT_EQ((*video)["width"], 1280);
  EXPECT_EQ((*video)["height"], 720);
  EXPECT_NEAR((*video)["duration"].get<double>(), 3.0, 0.3);
  // Without a duration in hand, the picture step probes again.
  ASSERT_TRUE(MakeTimeBased(derivatives_, "dn-video", webm, json::object()));
  vips::VImage poster = vips::VImage::new_from_file(PosterPath(derivatives_, "dn-video").c_str());
  EXPECT_EQ(poster.width(), kPosterWidth);
  EXPECT_NEAR(poster.height(), 225, 1);  // 400 × 720 / 1280, made even
  // No temporary directory is left behind.
  for (const auto& e : fs::directory_iterator(derivatives_.root()))
    EXPECT_FALSE(e.path().filename().string().starts_with(".")) << e.path();
}

TEST_F(AvTest, DamagedRecordingsArePreservedAndTheirJobsFailWithTheReason) {
  std::string item =
      db_.catalogue->Create(RecordClass::kItem, testing::RelicDocument(), db_.staff, "t")->pid;
  std::string mp4 =
      Make("-f lavfi -i testsrc=size=320x240:rate=10:duration=2 -c:v mpeg4 -f mp4", "whole.mp4");
  std::string bytes = testing::ReadFile(mp4);
  // The first 2 kB: still an MP4 to libmagic, not decodable.
  Result<Upload> up = db_.media->BeginUpload();
  ASSERT_TRUE(up);
  ASSERT_TRUE(up->Write(bytes.data(), 2048));
  Result<MediaInput> in = db_.media->Prepare(item, {}, db_.staff);
  Result<MediaAsset> a = db_.media->Add(item, std::move(*up), *in, db_.staff);
  ASSERT_TRUE(a) << a.error().Describe();
  EXPECT_EQ(a->technical["readable"], false) << a->technical;
  EXPECT_FALSE(a->technical["problem"]["vi"].get<std::string>().empty());
  JobRunner runner(*db_.store, *db_.ocfl, derivatives_, {50'000'000});
  EXPECT_TRUE(runner.RunOne().value());
  JobQuery q;
  q.media_id = a->id;
  Job job = db_.store->ListJobs(q).value().at(0);
  EXPECT_EQ(job.state, "failed");  // at once: a damaged file does not mend
  EXPECT_EQ(job.attempts, 1);
  EXPECT_NE(job.last_error.find("could not be decoded"), std::string::npos) << job.last_error;
  EXPECT_FALSE(fs::exists(derivatives_.Dir(a->id)));
  // The master itself is kept, byte for byte.
  EXPECT_EQ(testing::ReadFile(db_.media->ContentPath(*a)->string()), bytes.substr(0, 2048));

  // A file name that looks like an option or another protocol is only ever a file.
  std::string odd = db_.dir.File("-i concat:x.wav");
  fs::copy_file(Make("-f lavfi -i sine=duration=1", "b.wav"), odd);
  Result<json> probed = ProbeAv(odd);
  ASSERT_TRUE(probed) << probed.error().Describe();
  EXPECT_NEAR((*probed)["duration"].get<double>(), 1.0, 0.01);
}

}  // namespace
}  // namespace disan::media
