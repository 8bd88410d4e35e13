// The single-range grammar of the Range header (RFC 9110, 14): satisfiable ranges, suffixes,
// ranges clipped at the end, unsatisfiable ones, and everything that is ignored (malformed,
// other units, several ranges), including numbers too large for 64 bits.
#include "http/byte_range.h"

#include <gtest/gtest.h>

namespace disan::http {
namespace {

using Kind = ByteRangeAnswer::Kind;

void ExpectPartial(std::string_view header, uint64_t size, uint64_t first, uint64_t length) {
  ByteRangeAnswer a = ResolveByteRange(header, size);
  EXPECT_EQ(a.kind, Kind::kPartial) << header;
  EXPECT_EQ(a.first, first) << header;
  EXPECT_EQ(a.length, length) << header;
}

TEST(ByteRangeTest, SatisfiableRanges) {
  ExpectPartial("bytes=0-499", 1000, 0, 500);
  ExpectPartial("bytes=500-999", 1000, 500, 500);
  ExpectPartial("bytes=500-", 1000, 500, 500);
  ExpectPartial("bytes=999-999", 1000, 999, 1);
  ExpectPartial("bytes=-200", 1000, 800, 200);
  ExpectPartial("bytes=0-0", 1, 0, 1);
  ExpectPartial("BYTES = 10-19 ", 1000, 10, 10);
  // A last byte past the end is clipped to the end; a suffix longer than the file is all of it.
  ExpectPartial("bytes=900-5000", 1000, 900, 100);
  ExpectPartial("bytes=-5000", 1000, 0, 1000);
  ExpectPartial("bytes=0-99999999999999999999999999", 1000, 0, 1000);
  ExpectPartial("bytes=-99999999999999999999999999", 1000, 0, 1000);
}

TEST(ByteRangeTest, UnsatisfiableRanges) {
  for (const char* h : {"bytes=1000-", "bytes=1000-2000", "bytes=5-4", "bytes=-0",
                        "bytes=99999999999999999999999-", "bytes=18446744073709551615-"}) {
    EXPECT_EQ(ResolveByteRange(h, 1000).kind, Kind::kUnsatisfiable) << h;
  }
  EXPECT_EQ(ResolveByteRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ResolveByteRange("bytes=-10", 0).kind, Kind::kUnsatisfiable);
}

TEST(ByteRangeTest, MalformedOtherUnitsAndSeveralRangesAreIgnored) {
  for (const char* h : {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=1-2-3", "bytes=+1-2",
                        "bytes=0x10-20", "items=0-10", "bytes=0-1,5-6", "bytes=0-1, -5",
                        "bytes=1 0-20", "bytes=-1-2", "bytes=\x01-\x02", "bytes=１-２"}) {
    ByteRangeAnswer a = ResolveByteRange(h, 1000);
    EXPECT_EQ(a.kind, Kind::kWhole) << h;
    EXPECT_EQ(a.length, 1000u) << h;
  }
  std::string long_header = "bytes=" + std::string(100000, '9') + "-";
  EXPECT_EQ(ResolveByteRange(long_header, 1000).kind, Kind::kUnsatisfiable);
}

}  // namespace
}  // namespace disan::http
