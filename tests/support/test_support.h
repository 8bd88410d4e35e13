// Helpers shared by the test binaries: temporary directories, a catalogue over a real SQLite
// file, a real server on a free loopback port, and running the real `disan` program.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "catalogue/catalogue.h"
#include "http/server.h"
#include "media/media_service.h"
#include "preservation/storage_root.h"
#include "store/store.h"

namespace disan::testing {

// A fresh directory under the system temp dir, removed when the object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A catalogue over a new SQLite database in a temp dir, namespace "dn", with a preservation
// store in dir/ocfl and the media service over both.
struct TestCatalogue {
  TestCatalogue();
  TempDir dir;
  std::unique_ptr<MetadataStore> store;
  std::unique_ptr<Catalogue> catalogue;
  std::unique_ptr<preservation::StorageRoot> ocfl;
  std::unique_ptr<media::MediaService> media;
  Actor staff{"test", Audience::kStaff};
};

// TestCatalogue plus an HttpServer on 127.0.0.1:<free port>, running until destroyed.
struct TestServer : TestCatalogue {
  explicit TestServer(size_t max_body_bytes = 1 << 20,
                      uint64_t max_upload_bytes = uint64_t{1} << 40);
  // With these options; the address is always 127.0.0.1 on a free port.
  explicit TestServer(http::ServerOptions options, uint64_t max_upload_bytes = uint64_t{1} << 40);
  ~TestServer();
  int port = 0;
  std::string token;  // a valid API token
  std::unique_ptr<http::HttpServer> server;
  std::thread thread;
};

// Runs a shell command, returning its exit status and what it printed on stdout (and stderr
// when merge_stderr).
struct CommandResult {
  int status = -1;
  std::string output;
};
CommandResult RunCommand(const std::string& command, bool merge_stderr = true);
// `s` as one word for sh: in single quotes, with its own single quotes escaped.
std::string ShellQuote(const std::string& s);
// Runs `disan ARGS` (ARGS already quoted), bounded by timeout(1) at 120 s, well below ctest's
// limit, so that a hung command fails its test with its output instead of hanging the suite.
CommandResult RunDisan(const std::string& args, bool with_stderr = true);
// The lines of `s`, without their newlines.
std::vector<std::string> Lines(const std::string& s);

std::string Fixture(const std::string& name);  // absolute path under tests/fixtures
std::string DisanBin();
std::string SourceDir();
std::string ReadFile(const std::string& path);
// The journal mode ("wal", "delete") of the SQLite database at `path`, as a new raw connection
// sees it (opening it rolls back a hot journal first).
std::string JournalMode(const std::string& path);

// One HTTP answer, reduced to what the tests look at.
struct HttpReply {
  int status = -1;  // -1: no answer at all (connection failed)
  std::multimap<std::string, std::string> headers;
  std::string body;
  nlohmann::json doc;  // the body parsed as JSON; discarded (is_discarded()) when it is not JSON

  std::string Header(const std::string& name) const;
  bool HasHeader(const std::string& name) const;
  // An RFC 9457 document with status, title and both detail languages.
  bool IsProblem() const;
  // errors[] names `pointer`, with an English and a Vietnamese explanation.
  bool NamesParameter(const std::string& pointer) const;
};
std::ostream& operator<<(std::ostream& os, const HttpReply& r);

// Sends one request over real HTTP to 127.0.0.1:port.
HttpReply SendHttp(int port, const std::string& method, const std::string& path,
                   std::multimap<std::string, std::string> headers, const std::string& body);

// A record's `names`: one preferred name.
nlohmann::json Name(const std::string& value, const std::string& lang = "vi");

// A minimal valid relic document.
nlohmann::json RelicDocument(const std::string& name_vi = "Nhà ngục Đắk Mil");

// A shell command started in the background (`exec`ed, so pid() is the program itself), with its
// standard output and error readable line by line. Killed with SIGKILL if still running when
// destroyed, so a test that fails half-way leaves no process behind.
class BackgroundCommand {
 public:
  explicit BackgroundCommand(const std::string& command);
  ~BackgroundCommand();
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;

  pid_t pid() const { return pid_; }
  // Reads output until a line (ended by '\n' or '\r') containing `needle` has been read;
  // returns that line, or nullopt
  // when the program closes its output or `timeout` passes first.
  std::optional<std::string> WaitForLine(std::string_view needle,
                                         std::chrono::milliseconds timeout);
  // Sends `sig` to the program.
  void Signal(int sig);
  // Waits for the program to exit: its exit status, or -1 when a signal ended it or it is still
  // running after `timeout` (it is then killed).
  int Wait(std::chrono::milliseconds timeout);
  // Everything read so far.
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
  size_t scanned_ = 0;  // output_ before this offset holds no unreported complete line
};

// Parses JSON Lines (one JSON value a line; blank lines skipped). Throws on a malformed line.
std::vector<nlohmann::json> ParseJsonLines(const std::string& text);

// Writes `content` to `path` byte for byte.
void WriteFile(const std::string& path, const std::string& content);

}  // namespace disan::testing
