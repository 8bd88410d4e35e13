// The Range request header for GET (RFC 9110, section 14), one range at a time: what part of a
// representation of `size` bytes to send. A pure function, no I/O; thread-safe.
//
// Only the "bytes" unit and a single range are served: "bytes=0-499", "bytes=500-" and the
// suffix form "bytes=-500". A header that is malformed, names another unit or asks for several
// ranges is ignored (the whole representation is sent with 200, which RFC 9110 allows: a
// server MAY ignore Range). A well-formed single range that starts at or past the end, a range
// whose last byte comes before its first, and a zero-length suffix are unsatisfiable (416).
// Numbers too large for 64 bits are read as "past any end" rather than wrapping around.
#pragma once

#include <cstdint>
#include <string_view>

namespace disan::http {

struct ByteRangeAnswer {
  enum class Kind { kWhole, kPartial, kUnsatisfiable } kind = Kind::kWhole;
  uint64_t first = 0;   // the first byte to send (kPartial)
  uint64_t length = 0;  // how many bytes (kPartial); the whole size for kWhole
};

ByteRangeAnswer ResolveByteRange(std::string_view range_header, uint64_t size);

}  // namespace disan::http
