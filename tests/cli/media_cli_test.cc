// Media through the real program: `disan media add`, and uploads to a `disan serve` child,
// including the 2 GB upload whose server memory is read from /proc, a process killed in the
// middle of a file, and a disk that fills up.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "core/pid.h"
#include "preservation/digest.h"
#include "preservation/storage_root.h"
#include "support/media_samples.h"
#include "support/test_support.h"

namespace disan {
namespace {

using testing::Lines;
using testing::RunDisan;
using testing::ShellQuote;

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

std::string Bin() { return ShellQuote(testing::DisanBin()); }

// A peak resident set size, from /proc/<pid>/status ("VmHWM: 12345 kB"), in KiB.
long PeakKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  }
  return -1;
}

// A data directory with one heritage item, created through the real program.
class MediaCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.File("data");
    testing::CommandResult init = RunDisan("init " + ShellQuote(data_));
    ASSERT_EQ(init.status, 0) << init.output;
    std::smatch m;
    ASSERT_TRUE(
        std::regex_search(init.output, m, std::regex("API token[^\\n]*: (disan_[a-z0-9]+)")))
        << init.output;
    token_ = m[1];
    json doc = testing::RelicDocument();
    doc["licence"] = "cc_by_nc_4_0";
    testing::WriteFile(tmp_.File("item.jsonl"), doc.dump() + "\n");
    testing::CommandResult import =
        RunDisan("import --data " + ShellQuote(data_) + " " + ShellQuote(tmp_.File("item.jsonl")));
    ASSERT_EQ(import.status, 0) << import.output;
    testing::CommandResult exported = RunDisan("export --data " + ShellQuote(data_), false);
    item_ = testing::ParseJsonLines(exported.output).at(0).at("pid");
  }

  std::string File(const std::string& name, const std::string& content) {
    std::string path = tmp_.File(name);
    testing::WriteFile(path, content);
    return path;
  }

  // A WAV file of `size` bytes whose samples are a hole in the file (nothing is written).
  std::string SparseWav(const std::string& name, uint64_t size) {
    std::string path =
        File(name,
             testing::WavHeader(static_cast<uint32_t>(std::min<uint64_t>(size - 44, 0xffffffffu))));
    fs::resize_file(path, size);
    return path;
  }

  testing::CommandResult Add(const std::string& files, const std::string& flags = "",
                             bool with_stderr = false) {
    return RunDisan("media add --data " + ShellQuote(data_) + " " + item_ + " " + files +
                     (flags.empty() ? "" : " " + flags),
                 with_stderr);
  }

  std::unique_ptr<preservation::StorageRoot> Store() {
    return std::move(*preservation::StorageRoot::Open(
        fs::path(data_) / "ocfl", preservation::StorageRoot::OpenMode::kExisting));
  }

  // Starts `disan serve` (after `prefix`, e.g. a ulimit) and returns its port, 0 on failure.
  int Serve(std::unique_ptr<testing::BackgroundCommand>& server, const std::string& prefix = "") {
    std::string command = Bin() + " serve --data " + ShellQuote(data_) + " --listen 127.0.0.1:0";
    server = std::make_unique<testing::BackgroundCommand>(
        prefix.empty() ? command : "sh -c " + ShellQuote(prefix + " && exec " + command));
    std::optional<std::string> line = server->WaitForLine("listening on http://", 30s);
    if (!line) {
      ADD_FAILURE() << server->output();
      return 0;
    }
    return std::stoi(line->substr(line->rfind(':') + 1));
  }

  testing::TempDir tmp_;
  std::string data_;
  std::string token_;
  std::string item_;
};

TEST_F(MediaCliTest, AddsEveryFileAndPrintsOneLinePerFile) {
  std::string jpeg = File("cổng chính.jpg", testing::SampleJpeg());
  std::string pdf = File("lý lịch.pdf", testing::SamplePdf());
  std::string glb = File("tượng.glb", testing::SampleGlb());
  testing::CommandResult r = Add(ShellQuote(jpeg) + " " + ShellQuote(pdf) + " " + ShellQuote(glb),
                                 "--caption-vi 'Ảnh tư liệu' --date 2023");
  ASSERT_EQ(r.status, 0) << r.output;
  std::vector<std::string> lines = Lines(r.output);
  ASSERT_EQ(lines.size(), 3u) << r.output;
  std::vector<std::string> ids;
  for (size_t i = 0; i < 3; ++i) {
    size_t tab = lines[i].find('\t');
    ASSERT_NE(tab, std::string::npos) << lines[i];
    ids.push_back(lines[i].substr(0, tab));
    EXPECT_TRUE(ParsePid(ids.back())) << lines[i];
    EXPECT_EQ(lines[i].substr(tab + 1), std::vector<std::string>({jpeg, pdf, glb})[i]);
  }
  // Each file is a version of the item's object, described as asked and licensed like the item.
  auto store = Store();
  preservation::Inventory inv = *store->ReadInventory(item_);
  EXPECT_EQ(inv.head, "v3");
  json described = json::parse(*store->ReadSmallFile(item_, "media/" + ids[1] + ".json"));
  EXPECT_EQ(described["format"], "pdf");
  EXPECT_EQ(described["original_name"], "lý lịch.pdf");
  EXPECT_EQ(described["caption"]["vi"], "Ảnh tư liệu");
  EXPECT_EQ(described["date"], "2023");
  EXPECT_EQ(described["licence"], "cc_by_nc_4_0");
  EXPECT_EQ(testing::ReadFile(store->FilePath(item_, "media/" + ids[2] + ".glb")->string()),
            testing::SampleGlb());
  testing::CommandResult fsck = RunDisan("fsck --data " + ShellQuote(data_));
  EXPECT_EQ(fsck.status, 0) << fsck.output;
  // Three files, three descriptions, and the unchanged record.json stored once.
  EXPECT_NE(fsck.output.find("checked 1 object, 7 files"), std::string::npos) << fsck.output;
}

TEST_F(MediaCliTest, RefusesBadFilesButKeepsTheGoodOnes) {
  std::string good = File("good.png", testing::SamplePng());
  std::string evil = File("evil.jpg", testing::SampleElf());
  testing::CommandResult r = Add(ShellQuote(good) + " " + ShellQuote(evil));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(Lines(r.output).size(), 1u) << r.output;  // stdout: the good file only
  testing::CommandResult both = Add(ShellQuote(good) + " " + ShellQuote(evil), "", true);
  EXPECT_NE(both.output.find(evil + ": the file is application/x-executable"), std::string::npos)
      << both.output;
  EXPECT_NE(both.output.find("1 of 2 files were not added"), std::string::npos) << both.output;
  EXPECT_EQ(RunDisan("fsck --data " + ShellQuote(data_)).status, 0);
}

TEST_F(MediaCliTest, AMissingFileOrABadDescriptionAddsNothing) {
  std::string good = File("good.png", testing::SamplePng());
  for (const std::string& args :
       {ShellQuote(good) + " " + ShellQuote(tmp_.File("missing.jpg")), ShellQuote(good) + " --date 'ngày 5'",
        ShellQuote(good) + " --role poster", ShellQuote(good) + " --licence mine",
        ShellQuote(good) + " --visibility hidden",
        ShellQuote(good) + " --caption-vi " + std::string(2001, 'a'),
        ShellQuote(good) + " --creator $(printf '\\377\\376')"}) {
    testing::CommandResult r = Add(args, "", true);
    EXPECT_EQ(r.status, 1) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(" / "), std::string::npos) << r.output;  // English / Vietnamese
  }
  testing::CommandResult unknown = RunDisan("media add --data " + ShellQuote(data_) + " " +
                                         PidFromBody("dn", "23456789") + " " + ShellQuote(good));
  EXPECT_EQ(unknown.status, 1) << unknown.output;
  testing::CommandResult malformed =
      RunDisan("media add --data " + ShellQuote(data_) + " dn-nope " + ShellQuote(good));
  EXPECT_EQ(malformed.status, 1) << malformed.output;
  EXPECT_NE(malformed.output.find("PID"), std::string::npos) << malformed.output;
  EXPECT_FALSE(Store()->ReadInventory(item_));
}

TEST_F(MediaCliTest, ReportsProgressOfBigFilesOnStandardError) {
  std::string wav = SparseWav("long.wav", 40 << 20);
  testing::CommandResult r = Add(ShellQuote(wav), "--role recording", true);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(wav + ": 50% (20.0 MiB of 40.0 MiB)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(wav + ": 100%"), std::string::npos) << r.output;
  testing::CommandResult quiet = Add(ShellQuote(wav), "--role recording");  // stdout alone: the id line
  ASSERT_EQ(quiet.status, 0);
  EXPECT_EQ(Lines(quiet.output).size(), 1u) << quiet.output;
}

TEST_F(MediaCliTest, AKilledAddLeavesThePreviousVersionIntact) {
  std::string first = File("first.jpg", testing::SampleJpeg());
  ASSERT_EQ(Add(ShellQuote(first)).status, 0);
  std::string big = SparseWav("big.wav", uint64_t{600} << 20);
  {
    testing::BackgroundCommand add(Bin() + " media add --data " + ShellQuote(data_) + " " + item_ + " " +
                                   ShellQuote(big));
    ASSERT_TRUE(add.WaitForLine("10%", 60s)) << add.output();
    add.Signal(SIGKILL);
    add.Wait(10s);
  }
  // Version 1 is whole and readable; what the dead process staged is only debris.
  auto store = Store();
  preservation::Inventory inv = *store->ReadInventory(item_);
  EXPECT_EQ(inv.head, "v1");
  testing::CommandResult fsck = RunDisan("fsck --data " + ShellQuote(data_));
  EXPECT_EQ(fsck.status, 0) << fsck.output;
  // The next run removes the debris (the store is opened afresh) and adds as usual.
  std::string second = File("second.png", testing::SamplePng());
  ASSERT_EQ(Add(ShellQuote(second)).status, 0);
  fsck = RunDisan("fsck --data " + ShellQuote(data_));
  EXPECT_EQ(fsck.status, 0) << fsck.output;
  EXPECT_NE(fsck.output.find(": 0 errors, 0 warnings"), std::string::npos) << fsck.output;
  EXPECT_EQ(Store()->ReadInventory(item_)->head, "v2");
}

TEST_F(MediaCliTest, TwoGigabytesStreamThroughAServerWhoseMemoryStaysFlat) {
  std::unique_ptr<testing::BackgroundCommand> server;
  const int port = Serve(server);
  ASSERT_GT(port, 0);
  const long before = PeakKiB(server->pid());
  ASSERT_GT(before, 0);

  // 2 GiB + a WAV header, generated as it is sent; the client hashes what it sends.
  const uint64_t kSamples = uint64_t{2} << 30;
  const std::string header = testing::WavHeader(static_cast<uint32_t>(kSamples));
  const uint64_t total = header.size() + kSamples;
  std::string block(1 << 20, '\0');
  for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>((i * 2654435761u) >> 24);
  preservation::Hasher sent = *preservation::Hasher::ForAlgorithm("sha256");
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(600, 0);
  client.set_write_timeout(600, 0);
  auto started = std::chrono::steady_clock::now();
  auto r = client.Post(
      ("/api/v1/items/" + item_ + "/media?role=recording&filename=cong-chieng.wav").c_str(),
      {{"Authorization", "Bearer " + token_}}, total,
      [&](size_t offset, size_t length, httplib::DataSink& sink) {
        std::string_view piece;
        if (offset < header.size()) {
          piece = std::string_view(header).substr(offset);
        } else {
          piece =
              std::string_view(block).substr(0, std::min<uint64_t>(block.size(), total - offset));
        }
        piece = piece.substr(0, std::min(piece.size(), length));
        sent.Update(piece.data(), piece.size());
        return sink.write(piece.data(), piece.size());
      },
      "audio/wav");
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  ASSERT_EQ(r->status, 201) << r->body;
  const long after = PeakKiB(server->pid());
  json m = json::parse(r->body);
  EXPECT_EQ(m["size"], total);
  EXPECT_EQ(m["format"], "wav");
  EXPECT_EQ(m["sha256"], sent.FinishHex());
  // The server read 2 GiB through a 1 MiB buffer: its peak memory grew by a few MiB, not by GiB.
  EXPECT_LT(after - before, 64 * 1024)
      << "VmHWM went from " << before << " KiB to " << after << " KiB";
  RecordProperty("upload_seconds", std::to_string(seconds));
  RecordProperty("server_peak_kib", std::to_string(after));
  std::cerr << "2 GiB upload: " << seconds << " s, server VmHWM " << before << " -> " << after
            << " KiB\n";

  auto store = Store();
  fs::path stored = *store->FilePath(item_, m["preservation"]["path"].get<std::string>());
  EXPECT_EQ(fs::file_size(stored), total);
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(30s), 0);
}

TEST_F(MediaCliTest, ADiskThatFillsUpMidUploadStoresNothing) {
  ASSERT_EQ(Add(ShellQuote(File("first.jpg", testing::SampleJpeg()))).status, 0);
  std::unique_ptr<testing::BackgroundCommand> server;
  // Files may not grow past 10 MiB (512-byte blocks): the upload hits the wall half-way.
  const int port = Serve(server, "ulimit -f 20480");
  ASSERT_GT(port, 0);
  std::string body = testing::WavHeader(30 << 20) + std::string(30 << 20, '\x01');
  httplib::Client client("127.0.0.1", port);
  auto r = client.Post(("/api/v1/items/" + item_ + "/media").c_str(),
                       {{"Authorization", "Bearer " + token_}}, body, "audio/wav");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 503) << r->body;
  json problem = json::parse(r->body);
  EXPECT_NE(problem["detail"].get<std::string>().find("no space left"), std::string::npos)
      << r->body;
  EXPECT_NE(problem["detail_vi"].get<std::string>().find("hết dung lượng"), std::string::npos)
      << r->body;
  // The server lives on, the store is as it was, and smaller files still go in.
  auto ok = client.Post(("/api/v1/items/" + item_ + "/media").c_str(),
                        {{"Authorization", "Bearer " + token_}}, testing::SamplePng(), "image/png");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(30s), 0);
  EXPECT_EQ(Store()->ReadInventory(item_)->head, "v2");
  testing::CommandResult fsck = RunDisan("fsck --data " + ShellQuote(data_));
  EXPECT_EQ(fsck.status, 0) << fsck.output;
  EXPECT_NE(fsck.output.find(": 0 errors, 0 warnings"), std::string::npos) << fsck.output;
}

}  // namespace
}  // namespace disan
