#include "support/test_support.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

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
}

TestServer::TestServer(size_t max_body_bytes) {
  auto t = catalogue->IssueToken("test");
  if (!t) throw std::runtime_error(t.error().Describe());
  token = *t;
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.max_body_bytes = max_body_bytes;
  options.threads = 8;
  server = std::make_unique<http::HttpServer>(*catalogue, options);
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

std::string SourceDir() { return DISAN_SOURCE_DIR; }
std::string DisanBin() { return DISAN_BIN; }
std::string Fixture(const std::string& name) { return SourceDir() + "/tests/fixtures/" + name; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json RelicDocument(const std::string& name_vi) {
  return {{"kind", "relic"},
          {"names", {{{"lang", "vi"}, {"value", name_vi}, {"preferred", true}}}},
          {"relic_type", "historical"},
          {"recognitions", {{{"level", "national"}, {"decision", "10/2005/QĐ-BVHTT"}, {"date", "2005-03-17"}}}},
          {"places", {{{"commune_old", "Đắk Lao"}, {"district_old", "Đắk Mil"}, {"province_old", "Đắk Nông"}}}}};
}

}  // namespace disan::testing
