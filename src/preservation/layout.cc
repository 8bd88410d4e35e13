#include "preservation/layout.h"

#include "preservation/digest.h"

namespace disan::preservation {

using nlohmann::json;

namespace {

std::unexpected<Error> BadConfig(const std::string& key, const std::string& en,
                                 const std::string& vi) {
  return Fail(Error{ErrorCode::kCorrupt,
                    "the storage layout configuration is not valid: " + key + " " + en,
                    "cấu hình bố cục lưu trữ không hợp lệ: " + key + " " + vi,
                    {{key, "invalid", en, vi}}});
}

}  // namespace

Result<HashedNTupleLayout> HashedNTupleLayout::FromConfig(const json& config) {
  if (!config.is_object())
    return BadConfig("config.json", "must be a JSON object", "phải là đối tượng JSON");
  HashedNTupleLayout layout;
  if (config.contains("extensionName") &&
      config["extensionName"] != std::string(kLayoutExtension)) {
    return BadConfig("extensionName", "must be " + std::string(kLayoutExtension),
                     "phải là " + std::string(kLayoutExtension));
  }
  if (config.contains("digestAlgorithm")) {
    if (!config["digestAlgorithm"].is_string() ||
        Hasher::HexLength(config["digestAlgorithm"].get<std::string>()) == 0) {
      return BadConfig("digestAlgorithm", "must be an OCFL digest algorithm (sha256, sha512, ...)",
                       "phải là thuật toán băm OCFL (sha256, sha512, ...)");
    }
    layout.digest_algorithm = config["digestAlgorithm"].get<std::string>();
  }
  for (auto [key, field] : {std::pair{"tupleSize", &layout.tuple_size},
                            std::pair{"numberOfTuples", &layout.number_of_tuples}}) {
    if (!config.contains(key)) continue;
    if (!config[key].is_number_integer() || config[key].get<int64_t>() < 0 ||
        config[key].get<int64_t>() > 32) {
      return BadConfig(key, "must be a whole number from 0 to 32", "phải là số nguyên từ 0 đến 32");
    }
    *field = config[key].get<int>();
  }
  if (config.contains("shortObjectRoot")) {
    if (!config["shortObjectRoot"].is_boolean()) {
      return BadConfig("shortObjectRoot", "must be true or false", "phải là true hoặc false");
    }
    layout.short_object_root = config["shortObjectRoot"].get<bool>();
  }
  size_t hex = Hasher::HexLength(layout.digest_algorithm);
  size_t used =
      static_cast<size_t>(layout.tuple_size) * static_cast<size_t>(layout.number_of_tuples);
  if ((layout.tuple_size == 0) != (layout.number_of_tuples == 0)) {
    return BadConfig("tupleSize", "and numberOfTuples must both be 0 or both be positive",
                     "và numberOfTuples phải cùng bằng 0 hoặc cùng dương");
  }
  if (used > hex || (layout.short_object_root && used == hex)) {
    return BadConfig("numberOfTuples", "times tupleSize is longer than the digest allows",
                     "nhân tupleSize dài hơn độ dài chuỗi băm cho phép");
  }
  return layout;
}

json HashedNTupleLayout::ToConfig() const {
  return {{"extensionName", std::string(kLayoutExtension)},
          {"digestAlgorithm", digest_algorithm},
          {"tupleSize", tuple_size},
          {"numberOfTuples", number_of_tuples},
          {"shortObjectRoot", short_object_root}};
}

std::string HashedNTupleLayout::ObjectPath(std::string_view id) const {
  Hasher h = *Hasher::ForAlgorithm(digest_algorithm);
  h.Update(id.data(), id.size());
  std::string digest = h.FinishHex();
  std::string path;
  size_t pos = 0;
  for (int i = 0; i < number_of_tuples; ++i) {
    path += digest.substr(pos, static_cast<size_t>(tuple_size));
    path += '/';
    pos += static_cast<size_t>(tuple_size);
  }
  path += short_object_root ? digest.substr(pos) : digest;
  return path;
}

}  // namespace disan::preservation
