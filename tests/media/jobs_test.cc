// Uploads of images through the media service record their technical metadata and queue a
// derivation job in the same transaction; the job runner makes the derivatives, fails damaged
// images at once with their error kept, retries with backoff, and takes back jobs left running
// by a process that died.
#include "media/jobs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "media/media_service.h"
#include "support/images.h"
#include "support/media_samples.h"
#include "support/test_support.h"

namespace disan::media {
namespace {

using nlohmann::json;

class JobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = std::make_unique<MediaService>(*db_.catalogue, *db_.ocfl,
                                              MediaOptions{uint64_t{1} << 30, 50'000'000});
    item_ =
        db_.catalogue->Create(RecordClass::kItem, testing::RelicDocument(), db_.staff, "test")->pid;
  }

  Result<MediaAsset> AddBytes(const std::string& bytes) {
    Upload upload = TRY(service_->BeginUpload());
    TRY(upload.Write(bytes.data(), bytes.size()));
    return service_->Add(item_, std::move(upload), {}, db_.staff);
  }

  std::vector<Job> JobsOf(const std::string& media) {
    JobQuery q;
    q.media_id = media;
    return db_.store->ListJobs(q).value();
  }

  testing::TestCatalogue db_;
  std::unique_ptr<MediaService> service_;
  std::string item_;
  Derivatives derivatives_{db_.dir.path() / "derivatives"};
  JobRunner runner_{*db_.store, *db_.ocfl, derivatives_, {50'000'000}};
};

TEST_F(JobsTest, AnUploadedImageGetsItsTechnicalMetadataAndADerivationJob) {
  MediaAsset a = *AddBytes(testing::PictureJpeg(1600, 800));
  EXPECT_EQ(a.technical["width"], 1600);
  EXPECT_EQ(a.technical["height"], 800);
  EXPECT_EQ(a.technical["panorama_candidate"], false);  // 2:1 but under 2000 px wide
  EXPECT_EQ(db_.store->GetMedia(a.id)->technical, a.technical);
  std::vector<Job> jobs = JobsOf(a.id);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].state, "queued");
  EXPECT_FALSE(derivatives_.Has(a.id));

  ASSERT_TRUE(runner_.RunOne().value());
  EXPECT_FALSE(runner_.RunOne().value());  // nothing else to do
  Job done = db_.store->GetJob(jobs[0].id).value();
  EXPECT_EQ(done.state, "done");
  EXPECT_EQ(done.attempts, 1);
  EXPECT_EQ(done.worker, ThisWorker());
  EXPECT_TRUE(derivatives_.Has(a.id));

  // Derivatives can be deleted and made again from the preserved master.
  ASSERT_TRUE(derivatives_.Remove(a.id));
  ASSERT_TRUE(runner_.Derive(*db_.store->GetMedia(a.id)));
  EXPECT_TRUE(derivatives_.Has(a.id));
}

TEST_F(JobsTest, TheBombIsRefusedAtUploadAndNothingIsStored) {
  Result<MediaAsset> r = AddBytes(testing::BombPng(100000, 100000));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(r.error().fields.at(0).path, "file");
  EXPECT_TRUE(db_.store->ListMedia(item_).value().empty());
  EXPECT_TRUE(db_.store->ListJobs({}).value().empty());
  EXPECT_FALSE(db_.ocfl->ReadInventory(item_));
}

TEST_F(JobsTest, ADamagedImageIsPreservedButItsJobFailsAtOnceWithItsError) {
  std::string jpeg = testing::PictureJpeg(800, 600);
  MediaAsset truncated = *AddBytes(jpeg.substr(0, jpeg.size() / 3));
  EXPECT_EQ(truncated.technical["width"], 800);  // the header is intact
  MediaAsset unreadable = *AddBytes(testing::SampleJpeg());
  EXPECT_EQ(unreadable.technical["readable"], false);
  EXPECT_FALSE(unreadable.technical["problem"]["vi"].get<std::string>().empty());
  while (runner_.RunOne().value()) {
  }
  for (const MediaAsset* a : {&truncated, &unreadable}) {
    std::vector<Job> jobs = JobsOf(a->id);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].state, "failed") << a->id;
    EXPECT_EQ(jobs[0].attempts, 1);  // not retried: it cannot get better
    EXPECT_NE(jobs[0].last_error.find(" / "), std::string::npos) << jobs[0].last_error;
    EXPECT_FALSE(derivatives_.Has(a->id));
  }
}

TEST_F(JobsTest, AJobThatMayRecoverIsRetriedWithBackoff) {
  MediaAsset a = *AddBytes(testing::PictureJpeg(300, 200));
  // The derivatives directory cannot be made: a file stands where it should be.
  testing::WriteFile((db_.dir.path() / "blocked").string(), "x");
  Derivatives blocked(db_.dir.path() / "blocked" / "derivatives");
  JobRunner runner(*db_.store, *db_.ocfl, blocked, {});
  ASSERT_TRUE(runner.RunOne().value());
  Job j = JobsOf(a.id).at(0);
  EXPECT_EQ(j.state, "queued");
  EXPECT_EQ(j.attempts, 1);
  EXPECT_GT(j.next_attempt_at, Rfc3339After(5));
  EXPECT_LT(j.next_attempt_at, Rfc3339After(15));
  EXPECT_FALSE(j.last_error.empty());
  EXPECT_FALSE(runner.RunOne().value());  // not before its next attempt
  // At the last attempt it fails for good.
  j.attempts = kMaxAttempts - 1;
  j.next_attempt_at = Rfc3339After(0);
  ASSERT_TRUE(db_.store->Write([&](StoreWriter& w) { return w.UpdateJob(j); }));
  ASSERT_TRUE(runner.RunOne().value());
  EXPECT_EQ(JobsOf(a.id).at(0).state, "failed");
}

TEST_F(JobsTest, JobsLeftRunningByADeadProcessAreQueuedAgain) {
  MediaAsset a = *AddBytes(testing::PictureJpeg(300, 200));
  MediaAsset b = *AddBytes(testing::PictureJpeg(300, 200));
  // A process that took both jobs and died.
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  std::string me = ThisWorker();
  std::string host = me.substr(0, me.rfind(':'));
  std::vector<Job> jobs = db_.store->ListJobs({}).value();
  ASSERT_EQ(jobs.size(), 2u);
  jobs[0].state = jobs[1].state = "running";
  jobs[0].worker = host + ":" + std::to_string(child);
  jobs[1].worker = "another-host:1";  // not ours to judge
  for (const Job& j : jobs)
    ASSERT_TRUE(db_.store->Write([&](StoreWriter& w) { return w.UpdateJob(j); }));
  EXPECT_EQ(runner_.Recover().value(), 1u);
  EXPECT_EQ(db_.store->GetJob(jobs[0].id)->state, "queued");
  EXPECT_EQ(db_.store->GetJob(jobs[1].id)->state, "running");
  ASSERT_TRUE(runner_.RunOne().value());
  EXPECT_EQ(db_.store->GetJob(jobs[0].id)->state, "done");
  (void)a;
  (void)b;
}

TEST_F(JobsTest, TheWorkerThreadRunsQueuedJobsWhenWoken) {
  service_->SetJobListener([this] { runner_.Notify(); });
  runner_.Start();
  MediaAsset a = *AddBytes(testing::PictureJpeg(500, 400));
  std::string state;
  for (int i = 0; i < 600 && state != "done"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    state = JobsOf(a.id).at(0).state;
  }
  // The worker runs below the priority of the threads answering requests (docs/iiif.md):
  // one thread of this process has a higher nice value than the test's own.
  const int own = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  if (own >= 19) GTEST_SKIP() << "the test itself runs at the lowest priority";
  int lowest = own;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    // After "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    // utime stime cutime cstime priority nice ... (proc(5)); nice is the 17th field after it.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    for (int i = 0; i < 17 && rest >> field; ++i) {
    }
    if (!field.empty()) lowest = std::max(lowest, std::stoi(field));
  }
  runner_.Stop();
  EXPECT_EQ(state, "done");
  EXPECT_TRUE(derivatives_.Has(a.id));
  EXPECT_GT(lowest, own) << "the job thread runs at the request threads' priority";
}

}  // namespace
}  // namespace disan::media
