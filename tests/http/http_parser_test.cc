// The request grammar of the server (http_parser.h): well-formed heads, every refusal, and
// chunked bodies fed byte by byte.
#include "http/http_parser.h"

#include <gtest/gtest.h>

namespace disan::http {
namespace {

struct Parsed {
  ParseOutcome outcome;
  RequestHead head;
  size_t consumed = 0;
  ParseError error;
};

Parsed Parse(std::string_view bytes, size_t max = 64 * 1024) {
  Parsed p;
  p.outcome = ParseRequestHead(bytes, max, p.head, p.consumed, p.error);
  return p;
}

TEST(HttpParserTest, ParsesARequestHead) {
  std::string text =
      "GET /api/v1/items?kind=relic&q=%C4%91%E1%BA%AFk+m%C3%ADl&kind=artifact HTTP/1.1\r\n"
      "Host: x\r\nAccept: a\r\naccept: b\r\nX-Empty:\r\n\r\nNEXT";
  Parsed p = Parse(text);
  ASSERT_EQ(p.outcome, ParseOutcome::kDone) << p.error.message_en;
  EXPECT_EQ(p.consumed, text.size() - 4);
  EXPECT_EQ(p.head.method, "GET");
  EXPECT_EQ(p.head.path, "/api/v1/items");
  EXPECT_EQ(p.head.raw_query, "kind=relic&q=%C4%91%E1%BA%AFk+m%C3%ADl&kind=artifact");
  EXPECT_EQ(p.head.query.count("kind"), 2u);
  EXPECT_EQ(p.head.query.find("q")->second, "đắk míl");
  EXPECT_EQ(p.head.headers.at("ACCEPT"), "a, b");
  EXPECT_EQ(p.head.headers.at("x-empty"), "");
  EXPECT_TRUE(p.head.keep_alive);
  EXPECT_EQ(p.head.framing, BodyFraming::kNone);
}

TEST(HttpParserTest, DecodesThePathButNotItsPlus) {
  Parsed p = Parse("GET /di-s%E1%BA%A3n/a+b%2Fc HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(p.outcome, ParseOutcome::kDone);
  EXPECT_EQ(p.head.path, "/di-sản/a+b/c");
  EXPECT_EQ(PercentDecode("%zz%4", false), "%zz%4");  // malformed escapes stay as sent
  EXPECT_EQ(Parse("GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n").outcome, ParseOutcome::kError);
}

TEST(HttpParserTest, WaitsForTheWholeHead) {
  std::string text = "POST /api/v1/items HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n";
  for (size_t n = 0; n < text.size(); ++n) {
    EXPECT_EQ(Parse(text.substr(0, n)).outcome, ParseOutcome::kIncomplete) << n;
  }
  Parsed p = Parse(text);
  ASSERT_EQ(p.outcome, ParseOutcome::kDone);
  EXPECT_EQ(p.head.framing, BodyFraming::kLength);
  EXPECT_EQ(p.head.content_length, 5u);
}

TEST(HttpParserTest, ConnectionAndExpect) {
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n").head.keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n").head.keep_alive);
  EXPECT_TRUE(Parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").head.keep_alive);
  EXPECT_TRUE(
      Parse("PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n").head.expect_continue);
  Parsed chunked = Parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_EQ(chunked.outcome, ParseOutcome::kDone);
  EXPECT_EQ(chunked.head.framing, BodyFraming::kChunked);
  Parsed absolute = Parse("GET http://example.org/healthz?x=1 HTTP/1.1\r\nHost: example.org\r\n\r\n");
  ASSERT_EQ(absolute.outcome, ParseOutcome::kDone);
  EXPECT_EQ(absolute.head.path, "/healthz");
  EXPECT_EQ(absolute.head.raw_query, "x=1");
}

TEST(HttpParserTest, RefusesMalformedAndHostileHeads) {
  struct Case {
    const char* text;
    int status;
    const char* names;  // a word the English message must contain
  };
  const Case cases[] = {
      {"GET /\r\n\r\n", 400, "request line"},
      {"GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line"},
      {"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400, "request line"},
      {"G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "method"},
      {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "2.0"},
      {"GET / HTTX/1.1\r\nHost: x\r\n\r\n", 400, "HTTP/1.1"},
      {"GET nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 400, "'/'"},
      {"GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400, "OPTIONS"},
      {"GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "control"},
      {"GET / HTTP/1.1\r\n\r\n", 400, "Host"},
      {"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400, "Host"},
      {"GET / HTTP/1.1\r\nHost: x\r\n Folded: yes\r\n\r\n", 400, "folding"},
      {"GET / HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n", 400, "':'"},
      {"GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400, "Bad Name"},
      {"GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n", 400, "control"},
      {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, "Content-Length"},
      {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n", 400, "Content-Length"},
      {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400,
       "Content-Length"},
      {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400,
       "Content-Length"},
      {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
       "both"},
      {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "gzip"},
      {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n",
       501, "Transfer-Encoding"},
  };
  for (const Case& c : cases) {
    Parsed p = Parse(c.text);
    ASSERT_EQ(p.outcome, ParseOutcome::kError) << c.text;
    EXPECT_EQ(p.error.status, c.status) << c.text;
    EXPECT_NE(p.error.message_en.find(c.names), std::string::npos) << c.text << " → " << p.error.message_en;
    EXPECT_FALSE(p.error.message_vi.empty()) << c.text;
  }
  // A bare LF is refused before the head is complete.
  EXPECT_EQ(Parse("GET / HTTP/1.1\nHost: x\n").outcome, ParseOutcome::kError);
  EXPECT_EQ(Parse(std::string("GET / HTTP/1.1\r\nX: \0", 21)).outcome, ParseOutcome::kError);
  // Two identical Content-Lengths are one.
  EXPECT_EQ(Parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n").outcome,
            ParseOutcome::kDone);
}

TEST(HttpParserTest, OversizedHeadsGet431WhetherCompleteOrNot) {
  std::string big = "GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(2000, 'a');
  Parsed incomplete = Parse(big, 1024);
  ASSERT_EQ(incomplete.outcome, ParseOutcome::kError);
  EXPECT_EQ(incomplete.error.status, 431);
  Parsed complete = Parse(big + "\r\n\r\n", 1024);
  ASSERT_EQ(complete.outcome, ParseOutcome::kError);
  EXPECT_EQ(complete.error.status, 431);
  EXPECT_EQ(Parse(big + "\r\n\r\n", 4096).outcome, ParseOutcome::kDone);
  // Long URLs: 414, as soon as the request line is known to be too long.
  std::string url = "GET /oai?x=" + std::string(kMaxTargetBytes + 64, 'a');
  EXPECT_EQ(Parse(url).error.status, 414);
  EXPECT_EQ(Parse(url + " HTTP/1.1\r\nHost: x\r\n\r\n").error.status, 414);
  EXPECT_EQ(Parse("GET /oai?x=" + std::string(8000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n").outcome,
            ParseOutcome::kDone);
}

std::string Decode(ChunkedDecoder& d, std::string_view in, bool byte_by_byte, size_t* used = nullptr) {
  std::string out;
  auto sink = [&](const char* p, size_t n) {
    out.append(p, n);
    return true;
  };
  size_t total = 0;
  if (byte_by_byte) {
    for (size_t i = 0; i < in.size() && !d.done() && !d.failed(); ++i) total += d.Feed(in.substr(i, 1), sink);
  } else {
    total = d.Feed(in, sink);
  }
  if (used) *used = total;
  return out;
}

TEST(HttpParserTest, DecodesChunkedBodiesInAnyPieces) {
  const std::string body = "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\nGET";
  for (bool bytewise : {false, true}) {
    ChunkedDecoder d;
    size_t used = 0;
    EXPECT_EQ(Decode(d, body, bytewise, &used), "Wikipedia in \r\n\r\nchunks.");
    EXPECT_TRUE(d.done());
    EXPECT_EQ(used, body.size() - 3);  // the next request is left alone
  }
}

TEST(HttpParserTest, RefusesMalformedChunks) {
  for (const char* bad : {"x\r\n", "4\r\nWikiXX", "4\nWiki\r\n", "ffffffffffffffffff\r\n", "\r\n",
                          "0\r\nX: 1\n\r\n", "4;\n"}) {
    ChunkedDecoder d;
    Decode(d, bad, false);
    EXPECT_TRUE(d.failed()) << bad;
  }
  ChunkedDecoder endless;
  Decode(endless, "0\r\n" + std::string(20000, 'x'), false);
  EXPECT_TRUE(endless.failed());  // trailers are bounded
}

TEST(HttpParserTest, ASinkThatStopsStopsTheDecoder) {
  ChunkedDecoder d;
  size_t calls = 0;
  d.Feed("2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n", [&](const char*, size_t) { return ++calls < 1; });
  EXPECT_TRUE(d.stopped());
  EXPECT_EQ(calls, 1u);
}

}  // namespace
}  // namespace disan::http
