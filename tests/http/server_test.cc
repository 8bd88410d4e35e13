// The HTTP/1.1 server over real loopback sockets: keep-alive and pipelining, idle connections
// that hold no worker, slow and malformed clients, timeouts and the connection limit.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;

// A raw client socket: writes bytes as given, reads whatever comes.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~RawClient() { close(fd_); }
  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    return write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  }
  // Reads until `answers` complete answers (by Content-Length) have arrived, or the peer
  // closes, or 5 s pass.
  std::string ReadAnswers(int answers) {
    std::string got;
    while (CountComplete(got) < answers) {
      char buf[65536];
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  // True when the server closed the connection (read returns 0) within the receive timeout.
  bool ClosedByServer() {
    char buf[1024];
    while (true) {
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  static int CountComplete(const std::string& s) {
    int count = 0;
    size_t pos = 0;
    while (true) {
      size_t end = s.find("\r\n\r\n", pos);
      if (end == std::string::npos) return count;
      size_t length = 0;
      size_t cl = s.find("Content-Length: ", pos);
      if (cl != std::string::npos && cl < end) length = std::stoul(s.substr(cl + 16));
      if (s.size() < end + 4 + length) return count;
      ++count;
      pos = end + 4 + length;
    }
  }
  int fd_ = -1;
  bool connected_ = false;
};

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

http::ServerOptions Options(int threads, int timeout_seconds = 30, int max_connections = 10000) {
  http::ServerOptions o;
  o.threads = threads;
  o.read_timeout_seconds = timeout_seconds;
  o.max_connections = max_connections;
  return o;
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  testing::TestServer server(Options(2));
  RawClient c(server.port);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                     "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string got = c.ReadAnswers(4);
  size_t ok1 = got.find("HTTP/1.1 200"), missing = got.find("HTTP/1.1 404"),
         ok2 = got.find("HTTP/1.1 200", missing), ok3 = got.find("HTTP/1.1 200", ok2 + 1);
  ASSERT_NE(ok1, std::string::npos) << got;
  ASSERT_NE(missing, std::string::npos) << got;
  ASSERT_NE(ok3, std::string::npos) << got;
  EXPECT_LT(ok1, missing);
  // HEAD: the length of the GET body, and no body.
  size_t head_end = got.find("\r\n\r\n", ok2);
  EXPECT_EQ(got.compare(head_end + 4, 12, "HTTP/1.1 200"), 0) << got;
  EXPECT_NE(got.find("Connection: close", ok3), std::string::npos) << got;
  EXPECT_TRUE(c.ClosedByServer());
}

TEST(HttpServerTest, IdleConnectionsHoldNoWorker) {
  // Two workers, two hundred idle keep-alive connections: a new client is still served.
  testing::TestServer server(Options(2));
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<RawClient>(server.port));
    ASSERT_TRUE(idle.back()->connected());
    if (i % 2 == 0) {
      ASSERT_TRUE(idle.back()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
      ASSERT_NE(idle.back()->ReadAnswers(1).find("HTTP/1.1 200"), std::string::npos);
    } else {
      ASSERT_TRUE(idle.back()->Send("GET /heal"));  // half a request line, then silence
    }
  }
  auto reply = testing::SendHttp(server.port, "GET", "/healthz", {}, "");
  EXPECT_EQ(reply.status, 200) << reply;
}

TEST(HttpServerTest, AClientSendingByteByByteIsServed) {
  testing::TestServer server(Options(2));
  json doc = testing::RelicDocument("Thác Đray Sáp");
  std::string body = doc.dump();
  std::string request = "POST /api/v1/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        server.token + "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  RawClient c(server.port);
  for (char ch : request) ASSERT_TRUE(c.Send(std::string_view(&ch, 1)));
  std::string got = c.ReadAnswers(1);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 201")) << got;
  EXPECT_NE(got.find("Thác Đray Sáp"), std::string::npos) << got;
}

TEST(HttpServerTest, ChunkedJsonBodiesAreAccepted) {
  testing::TestServer server(Options(2));
  std::string body = testing::RelicDocument("Bon Bu Prâng").dump();
  std::string chunked;
  for (size_t i = 0; i < body.size(); i += 7) {
    std::string piece = body.substr(i, 7);
    char size[16];
    snprintf(size, sizeof size, "%zx", piece.size());
    chunked += std::string(size) + "\r\n" + piece + "\r\n";
  }
  chunked += "0\r\n\r\n";
  RawClient c(server.port);
  ASSERT_TRUE(c.Send("POST /api/v1/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.token +
                     "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked +
                     "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string got = c.ReadAnswers(2);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 201")) << got;
  EXPECT_EQ(Count(got, "HTTP/1.1 "), 2u) << got;
  // A broken chunk: 400, and the connection ends.
  RawClient bad(server.port);
  ASSERT_TRUE(bad.Send("POST /api/v1/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.token +
                       "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
  std::string refused = bad.ReadAnswers(1);
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 400")) << refused;
  EXPECT_NE(refused.find("chunked"), std::string::npos) << refused;
}

TEST(HttpServerTest, MalformedRequestsGetAProblemAndTheConnectionEnds) {
  testing::TestServer server(Options(2));
  const char* requests[] = {
      "GARBAGE\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\n Folded: yes\r\n\r\n",
      "GET / HTTP/3\r\nHost: x\r\n\r\n",
  };
  for (const char* r : requests) {
    RawClient c(server.port);
    ASSERT_TRUE(c.Send(r));
    std::string got = c.ReadAnswers(1);
    EXPECT_TRUE(got.starts_with("HTTP/1.1 400") || got.starts_with("HTTP/1.1 505")) << got;
    EXPECT_NE(got.find("application/problem+json"), std::string::npos) << got;
    EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;
    EXPECT_TRUE(c.ClosedByServer()) << r;
  }
  RawClient huge(server.port);
  ASSERT_TRUE(huge.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'b')));
  std::string got = huge.ReadAnswers(1);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 431")) << got.substr(0, 200);
  EXPECT_EQ(testing::SendHttp(server.port, "GET", "/healthz", {}, "").status, 200);
}

TEST(HttpServerTest, OversizedJsonBodiesGet413AndTheConnectionStaysUsable) {
  testing::TestServer server(Options(2));
  std::string body(2 << 20, ' ');
  RawClient c(server.port);
  ASSERT_TRUE(c.Send("POST /api/v1/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.token +
                     "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\n\r\n" + body + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string got = c.ReadAnswers(2);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 413")) << got.substr(0, 300);
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got.substr(0, 600);
}

TEST(HttpServerTest, IdleAndStalledConnectionsAreClosedAfterTheTimeout) {
  testing::TestServer server(Options(2, /*timeout_seconds=*/1));
  RawClient idle(server.port), stalled(server.port);
  ASSERT_TRUE(stalled.Send("GET /healthz HTTP/1.1\r\nHo"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(idle.ClosedByServer());
  EXPECT_TRUE(stalled.ClosedByServer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_EQ(testing::SendHttp(server.port, "GET", "/healthz", {}, "").status, 200);
}

TEST(HttpServerTest, ConnectionsPastTheLimitGet503) {
  testing::TestServer server(Options(2, 30, /*max_connections=*/4));
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<RawClient>(server.port));
    ASSERT_TRUE(held.back()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_NE(held.back()->ReadAnswers(1).find("200"), std::string::npos);
  }
  RawClient extra(server.port);
  std::string got = extra.ReadAnswers(1);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 503")) << got;
  EXPECT_NE(got.find("Retry-After"), std::string::npos) << got;
  held.pop_back();  // a connection freed is a place for the next client
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(testing::SendHttp(server.port, "GET", "/healthz", {}, "").status, 200);
}

TEST(HttpServerTest, StopEndsRunWhileClientsAreConnected) {
  auto server = std::make_unique<testing::TestServer>(Options(2));
  RawClient idle(server->port), stalled(server->port);
  ASSERT_TRUE(stalled.Send("POST /api/v1/items HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto start = std::chrono::steady_clock::now();
  server.reset();  // Stop() and join
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace disan

namespace disan {
namespace {

// The public's answers are kept per revision (render_cache.h): every change is seen at once.
TEST(HttpServerTest, CachedPublicReadsFollowEveryChange) {
  testing::TestServer server(Options(2));
  const std::multimap<std::string, std::string> staff = {{"Authorization", "Bearer " + server.token},
                                                         {"Content-Type", "application/json"}};
  auto created = testing::SendHttp(server.port, "POST", "/api/v1/items", staff,
                                   testing::RelicDocument("Đình Bon Jun").dump());
  ASSERT_EQ(created.status, 201) << created;
  const std::string path = "/api/v1/items/" + created.doc["pid"].get<std::string>();
  for (int i = 0; i < 2; ++i) {  // the second answer comes from the cache
    auto read = testing::SendHttp(server.port, "GET", path, {}, "");
    ASSERT_EQ(read.status, 200) << read;
    EXPECT_EQ(read.doc["names"][0]["value"], "Đình Bon Jun");
    EXPECT_EQ(read.Header("ETag"), "\"r1\"");
    auto same = testing::SendHttp(server.port, "GET", path, {{"If-None-Match", "\"r1\""}}, "");
    EXPECT_EQ(same.status, 304) << same;
  }
  auto patch = [&](const json& change, const std::string& etag) {
    auto headers = staff;
    headers.erase("Content-Type");
    headers.emplace("Content-Type", "application/merge-patch+json");
    headers.emplace("If-Match", etag);
    return testing::SendHttp(server.port, "PATCH", path, headers, change.dump());
  };
  auto renamed = patch({{"names", {{{"lang", "vi"}, {"value", "Đình làng Bon Jun"}}}}}, "\"r1\"");
  ASSERT_EQ(renamed.status, 200) << renamed;
  auto read = testing::SendHttp(server.port, "GET", path, {}, "");
  EXPECT_EQ(read.doc["names"][0]["value"], "Đình làng Bon Jun") << read;
  EXPECT_EQ(read.Header("ETag"), "\"r2\"");
  ASSERT_EQ(patch({{"visibility", "restricted"}}, "\"r2\"").status, 200);
  EXPECT_EQ(testing::SendHttp(server.port, "GET", path, {}, "").status, 404);
  // Staff still read it, and see the change.
  auto seen = testing::SendHttp(server.port, "GET", path, staff, "");
  EXPECT_EQ(seen.status, 200) << seen;
  EXPECT_EQ(seen.doc["visibility"], "restricted");
  ASSERT_EQ(patch({{"visibility", "public"}}, "\"r3\"").status, 200);
  EXPECT_EQ(testing::SendHttp(server.port, "GET", path, {}, "").status, 200);
  auto deleted = testing::SendHttp(server.port, "DELETE", path + "?reason=test", staff, "");
  ASSERT_EQ(deleted.status, 200) << deleted;
  EXPECT_EQ(testing::SendHttp(server.port, "GET", path, {}, "").status, 410);
}

}  // namespace
}  // namespace disan
