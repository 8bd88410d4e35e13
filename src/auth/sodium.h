// libsodium is initialised once, before its first use in this library.
#pragma once

namespace disan::auth {

// sodium_init is idempotent and thread-safe; a failure means no safe randomness at all, so it
// throws rather than let a caller go on without it.
void EnsureSodium();

}  // namespace disan::auth
