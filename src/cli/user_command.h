// The account subcommands: `disan user add`, `disan user reset-link`, `disan audit verify`,
// `disan permissions`.
#pragma once

#include <iosfwd>
#include <string>

#include "store/store.h"

namespace disan::cli {

// Creates an account with one role (in `unit` when given), reading its password from the
// first line of `password_in`. Prints the account on `out`.
Status AddUser(MetadataStore& store, const std::string& login, const std::string& role,
               const std::string& unit, std::istream& password_in, std::ostream& out);

// Prints a one-time password-reset token for `login` (for the built-in "admin" account,
// which has no password until one is set this way).
Status IssueResetLink(MetadataStore& store, const std::string& login, std::ostream& out);

// Checks the audit log's hash chain; prints each broken entry and fails (kCorrupt) when any.
Status VerifyAuditLog(MetadataStore& store, std::ostream& out);

}  // namespace disan::cli
