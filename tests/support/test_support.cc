#include "support/test_support.h"

#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "auth/secret_box.h"
#include "store/sqlite/sqlite_store.h"

namespace disan::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("disan-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TestCatalogue::TestCatalogue() {
  auto s = OpenSqliteStore(dir.File("disan.db"));
  if (!s) throw std::runtime_error(s.error().Describe());
  store = std::move(*s);
  catalogue = std::make_unique<Catalogue>(*store, Schema::Builtin(), "dn");
  auto root = preservation::StorageRoot::Open(
      dir.path() / "ocfl", preservation::StorageRoot::OpenMode::kCreateIfMissing);
  if (!root) throw std::runtime_error(root.error().Describe());
  ocfl = std::move(*root);
  media = std::make_unique<media::MediaService>(*catalogue, *ocfl);
}

namespace {
http::ServerOptions WithBodyLimit(size_t max_body_bytes) {
  http::ServerOptions options;
  options.max_body_bytes = max_body_bytes;
  return options;
}
}  // namespace

TestServer::TestServer(size_t max_body_bytes, uint64_t max_upload_bytes)
    : TestServer(WithBodyLimit(max_body_bytes), max_upload_bytes) {}

TestServer::TestServer(http::ServerOptions options, uint64_t max_upload_bytes) {
  media = std::make_unique<media::MediaService>(*catalogue, *ocfl,
                                                media::MediaOptions{max_upload_bytes});
  auto t = catalogue->IssueToken("test");
  if (!t) throw std::runtime_error(t.error().Describe());
  token = *t;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 8;
  if (!options.secret_box) {
    auto box = auth::SecretBox::OpenKeyFile(dir.path() / auth::SecretBox::kKeyFileName);
    if (!box) throw std::runtime_error(box.error().Describe());
    options.secret_box = *box;
  }
  server = std::make_unique<http::HttpServer>(*catalogue, options, media.get());
  auto bound = server->Bind();
  if (!bound) throw std::runtime_error(bound.error().Describe());
  port = *bound;
  thread = std::thread([this] { (void)server->Run(); });
}

TestServer::~TestServer() {
  server->Stop();
  thread.join();
}

CommandResult RunCommand(const std::string& command, bool merge_stderr) {
  CommandResult result;
  std::string full = command + (merge_stderr ? " 2>&1" : "");
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CommandResult RunDisan(const std::string& args, bool with_stderr) {
  return RunCommand("timeout 120 " + ShellQuote(DisanBin()) + " " + args +
                        (with_stderr ? "" : " 2>/dev/null"),
                    with_stderr);
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string SourceDir() { return DISAN_SOURCE_DIR; }
std::string DisanBin() { return DISAN_BIN; }
std::string Fixture(const std::string& name) { return SourceDir() + "/tests/fixtures/" + name; }

std::string JournalMode(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  std::string mode;
  sqlite3_exec(
      db, "PRAGMA journal_mode",
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) = values[0] ? values[0] : "";
        return 0;
      },
      &mode, nullptr);
  sqlite3_close(db);
  return mode;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string HttpReply::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

bool HttpReply::HasHeader(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return true;
  }
  return false;
}

bool HttpReply::IsProblem() const {
  return Header("Content-Type").starts_with("application/problem+json") && doc.is_object() &&
         doc.value("status", 0) == status && doc.contains("title") && doc.contains("detail") &&
         doc.contains("detail_vi");
}

bool HttpReply::NamesParameter(const std::string& pointer) const {
  if (!doc.is_object() || !doc.contains("errors") || !doc["errors"].is_array()) return false;
  return std::any_of(doc["errors"].begin(), doc["errors"].end(), [&](const nlohmann::json& e) {
    return e.value("pointer", "") == pointer && !e.value("detail", "").empty() &&
           !e.value("detail_vi", "").empty();
  });
}

std::ostream& operator<<(std::ostream& os, const HttpReply& r) {
  return os << "HTTP " << r.status << "\n" << r.body;
}

HttpReply SendHttp(int port, const std::string& method, const std::string& path,
                   std::multimap<std::string, std::string> headers, const std::string& body) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  for (auto& [k, v] : headers) req.headers.emplace(k, v);
  req.body = body;
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5);
  c.set_read_timeout(20);
  c.set_write_timeout(20);
  httplib::Result res = c.send(req);
  HttpReply r;
  if (!res) return r;
  r.status = res->status;
  for (const auto& [k, v] : res->headers) r.headers.emplace(k, v);
  r.body = res->body;
  r.doc = nlohmann::json::parse(r.body, nullptr, false);
  return r;
}

nlohmann::json Name(const std::string& value, const std::string& lang) {
  return nlohmann::json::array({{{"lang", lang}, {"value", value}, {"preferred", true}}});
}

nlohmann::json RelicDocument(const std::string& name_vi) {
  return {{"kind", "relic"},
          {"names", Name(name_vi)},
          {"relic_type", "historical"},
          {"recognitions", {{{"level", "national"}, {"decision", "10/2005/QĐ-BVHTT"}, {"date", "2005-03-17"}}}},
          {"places", {{{"commune_old", "Đắk Lao"}, {"district_old", "Đắk Mil"}, {"province_old", "Đắk Nông"}}}}};
}

BackgroundCommand::BackgroundCommand(const std::string& command) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::string script = "exec " + command;
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  fd_ = fds[0];
}

BackgroundCommand::~BackgroundCommand() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (fd_ >= 0) close(fd_);
}

std::optional<std::string> BackgroundCommand::WaitForLine(std::string_view needle,
                                                          std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    size_t end;
    // A progress line ends in '\r' when the program rewrites it in place.
    while ((end = output_.find_first_of("\r\n", scanned_)) != std::string::npos) {
      std::string line = output_.substr(scanned_, end - scanned_);
      scanned_ = end + 1;
      if (line.find(needle) != std::string::npos) return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || fd_ < 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready <= 0) continue;
    char buf[4096];
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n <= 0) {
      close(fd_);
      fd_ = -1;
      return std::nullopt;
    }
    output_.append(buf, static_cast<size_t>(n));
  }
}

void BackgroundCommand::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int BackgroundCommand::Wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      return -1;
    }
    // Keep draining output so that the program never blocks on a full pipe.
    if (fd_ >= 0) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) > 0) {
        char buf[4096];
        ssize_t n = read(fd_, buf, sizeof buf);
        if (n > 0) {
          output_.append(buf, static_cast<size_t>(n));
        } else {
          close(fd_);
          fd_ = -1;
        }
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<nlohmann::json> ParseJsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace disan::testing
