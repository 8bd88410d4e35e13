// Derivatives through the real program: `disan media add` queues jobs, `disan jobs` lists them,
// `disan derive` makes them now, and `disan serve` runs what was queued while it was down.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "support/images.h"
#include "support/test_support.h"

namespace disan {
namespace {

using testing::Lines;
using testing::RunDisan;
using testing::ShellQuote;

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

class JobsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.File("data");
    testing::CommandResult init = RunDisan("init " + ShellQuote(data_));
    ASSERT_EQ(init.status, 0) << init.output;
    std::smatch m;
    ASSERT_TRUE(
        std::regex_search(init.output, m, std::regex("API token[^\\n]*: (disan_[a-z0-9]+)")));
    token_ = m[1];
    testing::WriteFile(tmp_.File("item.jsonl"), testing::RelicDocument().dump() + "\n");
    ASSERT_EQ(RunDisan("import --data " + ShellQuote(data_) + " " + ShellQuote(tmp_.File("item.jsonl"))).status,
              0);
    item_ = testing::ParseJsonLines(RunDisan("export --data " + ShellQuote(data_), false).output)
                .at(0)
                .at("pid");
  }

  // Adds files; returns their media ids in order.
  std::vector<std::string> Add(const std::vector<std::pair<std::string, std::string>>& files) {
    std::string args;
    for (const auto& [name, bytes] : files) {
      testing::WriteFile(tmp_.File(name), bytes);
      args += " " + ShellQuote(tmp_.File(name));
    }
    testing::CommandResult r =
        RunDisan("media add --data " + ShellQuote(data_) + " " + item_ + args, false);
    EXPECT_EQ(r.status, 0) << r.output;
    std::vector<std::string> ids;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);) ids.push_back(line.substr(0, line.find('\t')));
    return ids;
  }

  testing::TempDir tmp_;
  std::string data_, token_, item_;
};

TEST_F(JobsCliTest, DeriveMakesEveryImagesDerivativesAndReportsTheBrokenOnes) {
  std::string jpeg = testing::PictureJpeg(1200, 800);
  std::vector<std::string> ids =
      Add({{"good.jpg", jpeg}, {"cut.jpg", jpeg.substr(0, jpeg.size() / 3)}});
  ASSERT_EQ(ids.size(), 2u);
  testing::CommandResult jobs = RunDisan("jobs --data " + ShellQuote(data_), false);
  ASSERT_EQ(jobs.status, 0) << jobs.output;
  EXPECT_NE(jobs.output.find(ids[0]), std::string::npos);
  EXPECT_EQ(std::regex_search(jobs.output, std::regex("\tqueued\tderive\t")), true) << jobs.output;
  EXPECT_EQ(RunDisan("jobs --data " + ShellQuote(data_) + " --state sleeping").status, 1);

  testing::CommandResult all = RunDisan("derive --data " + ShellQuote(data_) + " --all", false);
  EXPECT_EQ(all.status, 1) << all.output;  // one failed
  EXPECT_NE(all.output.find(ids[0] + "\tok"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find(ids[1] + "\tfailed: "), std::string::npos) << all.output;
  EXPECT_TRUE(fs::exists(fs::path(data_) / "derivatives" / ids[0] / "pyramid.tif"));
  EXPECT_TRUE(fs::exists(fs::path(data_) / "derivatives" / ids[0] / "thumbnail.jpg"));
  EXPECT_FALSE(fs::exists(fs::path(data_) / "derivatives" / ids[1]));

  // Deleted derivatives come back; progress goes to standard error.
  fs::remove_all(fs::path(data_) / "derivatives");
  testing::CommandResult one = RunDisan("derive --data " + ShellQuote(data_) + " " + ids[0]);
  EXPECT_EQ(one.status, 0) << one.output;
  EXPECT_NE(one.output.find("[1/1] " + ids[0]), std::string::npos) << one.output;
  EXPECT_TRUE(fs::exists(fs::path(data_) / "derivatives" / ids[0] / "pyramid.tif"));
  // Bad arguments.
  EXPECT_EQ(RunDisan("derive --data " + ShellQuote(data_)).status, 1);
  EXPECT_EQ(RunDisan("derive --data " + ShellQuote(data_) + " ../x").status, 1);
  EXPECT_EQ(RunDisan("derive --data " + ShellQuote(data_) + " --all " + ids[0]).status, 1);
}

TEST_F(JobsCliTest, ServeRunsTheJobsQueuedWhileItWasDown) {
  std::vector<std::string> ids = Add({{"a.jpg", testing::PictureJpeg(800, 600)}});
  ASSERT_EQ(ids.size(), 1u);
  testing::BackgroundCommand server(ShellQuote(testing::DisanBin()) + " serve --data " + ShellQuote(data_) +
                                    " --listen 127.0.0.1:0");
  std::optional<std::string> line = server.WaitForLine("listening on http://", 30s);
  ASSERT_TRUE(line) << server.output();
  int port = std::stoi(line->substr(line->rfind(':') + 1));
  std::string state;
  for (int i = 0; i < 600 && state != "done"; ++i) {
    testing::HttpReply r = testing::SendHttp(port, "GET", "/api/v1/jobs?media=" + ids[0],
                                             {{"Authorization", "Bearer " + token_}}, "");
    if (r.status == 200 && !r.doc["jobs"].empty()) state = r.doc["jobs"][0]["state"];
    if (state != "done") std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(state, "done");
  testing::HttpReply info =
      testing::SendHttp(port, "GET", "/iiif/3/" + ids[0] + "/info.json", {}, "");
  EXPECT_EQ(info.status, 200) << info;
  EXPECT_EQ(info.doc["width"], 800);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(30s), 0);
}

}  // namespace
}  // namespace disan
