// Where each object lives under the storage root: the OCFL community extension
// 0004-hashed-n-tuple-storage-layout. The object identifier (UTF-8) is hashed, the lowercase hex
// digest is cut into `number_of_tuples` directories of `tuple_size` characters, and the object
// root is named after the whole digest (or its remainder with short_object_root):
//   dn-4kq8zx2bv -> 9f8/6d0/81e/9f86d081e...  (sha256, 3 tuples of 3, the defaults)
// Directory names only ever hold [0-9a-f], whatever the identifier contains. Pure; no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/error.h"

namespace disan::preservation {

inline constexpr std::string_view kLayoutExtension = "0004-hashed-n-tuple-storage-layout";

struct HashedNTupleLayout {
  std::string digest_algorithm = "sha256";
  int tuple_size = 3;
  int number_of_tuples = 3;
  bool short_object_root = false;

  // Reads extensions/0004-hashed-n-tuple-storage-layout/config.json; missing keys take the
  // defaults. kCorrupt (naming the key) for values the extension does not allow.
  static Result<HashedNTupleLayout> FromConfig(const nlohmann::json& config);
  nlohmann::json ToConfig() const;

  // The object root directory relative to the storage root, '/'-separated.
  std::string ObjectPath(std::string_view id) const;
};

}  // namespace disan::preservation
