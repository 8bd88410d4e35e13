// Error and Result: how every fallible call in Disan reports failure.
//
// Expected failures (bad input, missing record, stale write) are values, never exceptions.
// An Error carries a small code that the HTTP layer maps to a status, a message fit to show a
// person in English and Vietnamese, and optional field-level details (the JSON path of the
// offending field and what is wrong with it).
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace disan {

enum class ErrorCode {
  kNotFound,            // no such record or resource
  kGone,                // it existed and was deleted (tombstone)
  kInvalid,             // input is malformed or fails validation
  kConflict,            // state does not allow this change (duplicate, wrong lifecycle state)
  kPreconditionFailed,  // optimistic concurrency: the caller's version is stale
  kTooLarge,            // input exceeds a configured limit
  kUnauthenticated,     // credentials missing or wrong
  kForbidden,           // authenticated but not allowed
  kUnavailable,         // a resource is busy or temporarily unreachable; retrying may help
  kCorrupt,             // stored data failed an integrity check
  kInternal,            // a bug or an unexpected failure of a dependency
};

std::string_view ErrorCodeName(ErrorCode code);

// One problem with one field of an input document.
struct FieldError {
  std::string path;        // JSON pointer into the input, e.g. "/names/0/lang", or "row 7, name_vi"
  std::string problem;     // machine-readable keyword, e.g. "required", "unknown_term"
  std::string message_en;
  std::string message_vi;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message_en;
  std::string message_vi;
  std::vector<FieldError> fields;

  // "message_en / message_vi", the one-line form used by the CLI and logs.
  std::string Describe() const;
};

template <typename T>
using Result = std::expected<T, Error>;

using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string en, std::string vi) {
  return std::unexpected(Error{code, std::move(en), std::move(vi), {}});
}

inline std::unexpected<Error> Fail(Error e) { return std::unexpected(std::move(e)); }

inline Status Ok() { return {}; }

}  // namespace disan

// TRY(expr): evaluates a Result or Status; on failure returns its error from the enclosing
// function, otherwise yields the value (void for Status). Uses a GNU statement expression,
// which g++ and clang both support.
#define DISAN_CONCAT_INNER(a, b) a##b
#define DISAN_CONCAT(a, b) DISAN_CONCAT_INNER(a, b)
#define TRY(expr)                                                      \
  ({                                                                   \
    auto&& DISAN_CONCAT(try_result_, __LINE__) = (expr);               \
    if (!DISAN_CONCAT(try_result_, __LINE__))                          \
      return std::unexpected(std::move(DISAN_CONCAT(try_result_, __LINE__)).error()); \
    std::move(DISAN_CONCAT(try_result_, __LINE__)).value();            \
  })
