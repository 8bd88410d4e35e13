#include "preservation/inventory.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "core/text.h"
#include "preservation/digest.h"

namespace disan::preservation {

using nlohmann::json;

namespace {

bool IsHex(std::string_view s, size_t length) {
  return s.size() == length && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

// Collects findings about one inventory document.
class Checker {
 public:
  explicit Checker(Findings& findings) : findings_(findings) {}

  void Error(const char* code, std::string en, std::string vi) {
    findings_.push_back({Severity::kError, "", code, std::move(en), std::move(vi)});
    ++errors_;
  }
  void Warning(const char* code, std::string en, std::string vi) {
    findings_.push_back({Severity::kWarning, "", code, std::move(en), std::move(vi)});
  }
  size_t errors() const { return errors_; }

 private:
  Findings& findings_;
  size_t errors_ = 0;
};

// Paths in one block must be unique and none may be a directory of another ("a" and "a/b").
void CheckNonConflicting(const std::vector<std::string>& paths, const char* code,
                         const std::string& where, Checker& check) {
  std::set<std::string> all(paths.begin(), paths.end());
  if (all.size() != paths.size()) {
    check.Error(code, where + " lists a path more than once",
                where + " liệt kê một đường dẫn nhiều lần");
  }
  for (const std::string& p : all) {
    for (size_t slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) {
      if (all.count(p.substr(0, slash))) {
        check.Error(
            code,
            where + ": '" + p.substr(0, slash) + "' is both a file and a directory of '" + p + "'",
            where + ": '" + p.substr(0, slash) + "' vừa là tệp vừa là thư mục chứa '" + p + "'");
      }
    }
  }
}

}  // namespace

bool IsSafePath(std::string_view path) {
  if (path.empty() || path.size() > 1024 || !IsValidUtf8(path)) return false;
  if (path.front() == '/' || path.back() == '/') return false;
  for (char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  size_t start = 0;
  for (;;) {
    size_t end = path.find('/', start);
    std::string_view element =
        path.substr(start, end == std::string_view::npos ? end : end - start);
    if (element.empty() || element == "." || element == ".." || element.size() > 255) return false;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

int VersionNumber(std::string_view name) {
  if (name.size() < 2 || name.size() > 11 || name[0] != 'v') return 0;
  int64_t n = 0;
  for (char c : name.substr(1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n > 0 && n < (1 << 30) ? static_cast<int>(n) : 0;
}

bool IsRfc3339(std::string_view text) {
  static const std::regex pattern(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, pattern)) return false;
  auto num = [&](int i) { return std::stoi(m[i].str()); };
  return num(2) >= 1 && num(2) <= 12 && num(3) >= 1 && num(3) <= 31 && num(4) <= 23 &&
         num(5) <= 59 && num(6) <= 60;
}

std::string Inventory::ContentPathOf(std::string_view digest) const {
  auto it = manifest.find(std::string(digest));
  if (it != manifest.end() && !it->second.empty()) return it->second.front();
  std::string want = AsciiLower(digest);
  for (const auto& [d, paths] : manifest) {
    if (AsciiLower(d) == want && !paths.empty()) return paths.front();
  }
  return "";
}

std::string Inventory::Serialize() const {
  json j = json::object();
  j["id"] = id;
  j["type"] = type;
  j["digestAlgorithm"] = digest_algorithm;
  j["head"] = head;
  if (!content_directory.empty()) j["contentDirectory"] = content_directory;
  j["manifest"] = json::object();
  for (const auto& [digest, paths] : manifest) j["manifest"][digest] = paths;
  j["versions"] = json::object();
  for (const auto& [number, named] : versions) {
    const auto& [name, v] = named;
    json state = json::object();
    for (const auto& [path, digest] : v.state) state[digest].push_back(path);
    json version = {{"created", v.created}, {"state", state}};
    if (!v.message.empty()) version["message"] = v.message;
    if (!v.user_name.empty()) {
      version["user"] = {{"name", v.user_name}};
      if (!v.user_address.empty()) version["user"]["address"] = v.user_address;
    }
    j["versions"][name] = std::move(version);
  }
  if (!fixity.empty()) {
    j["fixity"] = json::object();
    for (const auto& [algorithm, block] : fixity) {
      j["fixity"][algorithm] = json::object();
      for (const auto& [digest, paths] : block) j["fixity"][algorithm][digest] = paths;
    }
  }
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<Inventory> ParseInventory(std::string_view text, Findings& findings) {
  Checker check(findings);
  auto invalid = [&] {
    return Fail(ErrorCode::kCorrupt, "the inventory is not valid",
                "bản kiểm kê (inventory) không hợp lệ");
  };
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    check.Error("E033", "not a JSON object (is the file truncated or damaged?)",
                "không phải đối tượng JSON (tệp bị cắt cụt hoặc hỏng?)");
    return invalid();
  }
  static const std::set<std::string> kKeys = {
      "id",     "type",     "digestAlgorithm", "head", "contentDirectory",
      "fixity", "manifest", "versions"};
  for (const auto& [key, value] : j.items()) {
    if (!kKeys.count(key)) {
      check.Error("E102", "unknown key '" + key + "'", "khóa không được phép '" + key + "'");
    }
  }
  Inventory inv;
  auto string_key = [&](const char* key, std::string& out) {
    if (!j.contains(key) || !j[key].is_string() || j[key].get_ref<const std::string&>().empty()) {
      check.Error("E036", std::string("'") + key + "' is missing or not a string",
                  std::string("thiếu khóa '") + key + "' hoặc không phải chuỗi");
      return false;
    }
    out = j[key].get<std::string>();
    return true;
  };
  string_key("id", inv.id);
  if (string_key("type", inv.type) && inv.type != kInventoryType) {
    check.Error("E038", "type must be " + std::string(kInventoryType) + ", not '" + inv.type + "'",
                "type phải là " + std::string(kInventoryType) + ", không phải '" + inv.type + "'");
  }
  if (string_key("digestAlgorithm", inv.digest_algorithm)) {
    if (inv.digest_algorithm == "sha256") {
      check.Warning("W004", "digestAlgorithm should be sha512", "digestAlgorithm nên là sha512");
    } else if (inv.digest_algorithm != "sha512") {
      check.Error(
          "E025", "digestAlgorithm must be sha512 or sha256, not '" + inv.digest_algorithm + "'",
          "digestAlgorithm phải là sha512 hoặc sha256, không phải '" + inv.digest_algorithm + "'");
      return invalid();
    }
  }
  string_key("head", inv.head);
  if (j.contains("contentDirectory")) {
    const json& cd = j["contentDirectory"];
    if (!cd.is_string() || cd.get_ref<const std::string&>().find('/') != std::string::npos ||
        cd.get_ref<const std::string&>().empty()) {
      check.Error("E017", "contentDirectory must be a directory name without '/'",
                  "contentDirectory phải là tên thư mục không chứa '/'");
    } else if (cd == "." || cd == "..") {
      check.Error("E018", "contentDirectory must not be '.' or '..'",
                  "contentDirectory không được là '.' hoặc '..'");
    } else {
      inv.content_directory = cd.get<std::string>();
    }
  }
  const size_t digest_length = Hasher::HexLength(inv.digest_algorithm);

  // Versions first: content paths are checked against them.
  std::map<int, std::string> names;
  if (!j.contains("versions") || !j["versions"].is_object()) {
    check.Error("E044", "'versions' is missing or not an object",
                "thiếu 'versions' hoặc không phải đối tượng");
  } else {
    std::set<size_t> name_lengths;
    bool padded = false;
    for (const auto& [name, value] : j["versions"].items()) {
      int n = VersionNumber(name);
      if (n == 0) {
        check.Error("E046", "'" + name + "' is not a version directory name (v1, v2, ...)",
                    "'" + name + "' không phải tên thư mục phiên bản (v1, v2, ...)");
        continue;
      }
      names[n] = name;
      name_lengths.insert(name.size());
      padded = padded || name[1] == '0';
    }
    if (padded && name_lengths.size() > 1) {
      check.Error("E013", "version names mix zero-padded and other forms",
                  "tên phiên bản lẫn dạng có và không có số 0 đệm");
    }
    int expected = 1;
    for (const auto& [n, name] : names) {
      if (n != expected) {
        check.Error("E010",
                    "versions are not continuous: v" + std::to_string(expected) + " is missing",
                    "các phiên bản không liên tục: thiếu v" + std::to_string(expected));
        break;
      }
      ++expected;
    }
    if (names.empty()) {
      check.Error("E008", "there is no version", "không có phiên bản nào");
    } else if (!inv.head.empty() && inv.head != names.rbegin()->second) {
      check.Error(
          "E040",
          "head is '" + inv.head + "' but the newest version is '" + names.rbegin()->second + "'",
          "head là '" + inv.head + "' nhưng phiên bản mới nhất là '" + names.rbegin()->second +
              "'");
    }
  }
  std::map<std::string, int> number_of;  // version name -> number
  for (const auto& [n, name] : names) number_of[name] = n;

  // The manifest: digest -> content paths under a version's content directory.
  std::map<std::string, std::string> manifest_lower;  // lowercase digest -> digest as written
  std::map<std::string, int> first_version_of;  // lowercase digest -> lowest version holding it
  if (!j.contains("manifest") || !j["manifest"].is_object()) {
    check.Error("E106", "'manifest' is missing or not an object",
                "thiếu 'manifest' hoặc không phải đối tượng");
  } else {
    std::vector<std::string> all_paths;
    for (const auto& [digest, paths] : j["manifest"].items()) {
      if (!IsHex(digest, digest_length)) {
        check.Error("E096",
                    "manifest key '" + digest + "' is not a " + inv.digest_algorithm + " digest",
                    "khóa manifest '" + digest + "' không phải chuỗi băm " + inv.digest_algorithm);
        continue;
      }
      if (!manifest_lower.emplace(AsciiLower(digest), digest).second) {
        check.Error("E096", "digest " + digest + " appears twice in the manifest (ignoring case)",
                    "chuỗi băm " + digest +
                        " xuất hiện hai lần trong manifest (không phân biệt hoa thường)");
      }
      if (!paths.is_array() || paths.empty()) {
        check.Error("E092",
                    "manifest entry " + digest + " must be a non-empty array of content paths",
                    "mục manifest " + digest + " phải là mảng đường dẫn nội dung không rỗng");
        continue;
      }
      std::vector<std::string>& out = inv.manifest[digest];
      for (const json& p : paths) {
        if (!p.is_string() || !IsSafePath(p.get_ref<const std::string&>())) {
          check.Error(
              "E099", "manifest entry " + digest + " holds an unsafe content path " + p.dump(),
              "mục manifest " + digest + " chứa đường dẫn nội dung không an toàn " + p.dump());
          continue;
        }
        const std::string& path = p.get_ref<const std::string&>();
        size_t slash = path.find('/');
        std::string version = path.substr(0, slash);
        std::string prefix = version + "/" + inv.ContentDirectory() + "/";
        if (!number_of.count(version) || !path.starts_with(prefix) ||
            path.size() == prefix.size()) {
          check.Error("E042",
                      "content path '" + path + "' is not inside a version's content directory",
                      "đường dẫn nội dung '" + path +
                          "' không nằm trong thư mục nội dung của một phiên bản");
          continue;
        }
        int& first = first_version_of.try_emplace(AsciiLower(digest), number_of[version]).first->second;
        first = std::min(first, number_of[version]);
        out.push_back(path);
        all_paths.push_back(path);
      }
    }
    CheckNonConflicting(all_paths, "E101", "the manifest", check);
  }

  // Each version's metadata and logical state.
  std::set<std::string> referenced;  // lowercase digests used by some state
  if (j.contains("versions") && j["versions"].is_object()) {
    for (const auto& [n, name] : names) {
      const json& v = j["versions"][name];
      const std::string where = "version " + name;
      if (!v.is_object()) {
        check.Error("E047", where + " is not an object", where + " không phải đối tượng");
        continue;
      }
      Version version;
      if (!v.contains("created") || !v["created"].is_string() ||
          !IsRfc3339(v["created"].get_ref<const std::string&>())) {
        check.Error("E049", where + ": 'created' must be an RFC 3339 date-time with a time zone",
                    where + ": 'created' phải là thời điểm RFC 3339 có múi giờ");
      } else {
        version.created = v["created"].get<std::string>();
      }
      if (!v.contains("message")) {
        check.Warning("W007", where + " has no message", where + " không có message");
      } else if (!v["message"].is_string()) {
        check.Error("E094", where + ": 'message' must be a string",
                    where + ": 'message' phải là chuỗi");
      } else {
        version.message = v["message"].get<std::string>();
      }
      if (!v.contains("user")) {
        check.Warning("W007", where + " has no user", where + " không có user");
      } else if (!v["user"].is_object() || !v["user"].contains("name") ||
                 !v["user"]["name"].is_string()) {
        check.Error("E054", where + ": 'user' must be an object with a 'name' string",
                    where + ": 'user' phải là đối tượng có chuỗi 'name'");
      } else {
        version.user_name = v["user"]["name"].get<std::string>();
        if (v["user"].contains("address") && v["user"]["address"].is_string()) {
          version.user_address = v["user"]["address"].get<std::string>();
        }
      }
      if (!v.contains("state") || !v["state"].is_object()) {
        check.Error("E048", where + ": 'state' is missing or not an object",
                    where + ": thiếu 'state' hoặc không phải đối tượng");
      } else {
        std::vector<std::string> logical;
        for (const auto& [digest, paths] : v["state"].items()) {
          auto known = manifest_lower.find(AsciiLower(digest));
          if (known == manifest_lower.end() || known->second != digest) {
            check.Error("E050", where + ": state digest " + digest + " is not in the manifest",
                        where + ": chuỗi băm " + digest + " trong state không có trong manifest");
            continue;
          }
          referenced.insert(known->first);
          auto first = first_version_of.find(known->first);
          if (first != first_version_of.end() && first->second > n) {
            check.Error("E050",
                        where + ": state digest " + digest + " is only stored by a later version",
                        where + ": chuỗi băm " + digest + " chỉ được lưu ở một phiên bản sau");
          }
          if (!paths.is_array() || paths.empty()) {
            check.Error("E048", where + ": state entry " + digest + " must be a non-empty array",
                        where + ": mục state " + digest + " phải là mảng không rỗng");
            continue;
          }
          for (const json& p : paths) {
            if (!p.is_string() || !IsSafePath(p.get_ref<const std::string&>())) {
              check.Error("E052", where + ": unsafe logical path " + p.dump(),
                          where + ": đường dẫn logic không an toàn " + p.dump());
              continue;
            }
            logical.push_back(p.get<std::string>());
            version.state[p.get<std::string>()] = digest;
          }
        }
        CheckNonConflicting(logical, "E095", where, check);
      }
      inv.versions[n] = {name, std::move(version)};
    }
  }
  for (const auto& [lower, digest] : manifest_lower) {
    if (!referenced.count(lower)) {
      check.Error("E107", "manifest digest " + digest + " is not used by any version",
                  "chuỗi băm " + digest + " trong manifest không được phiên bản nào dùng");
    }
  }

  if (j.contains("fixity")) {
    if (!j["fixity"].is_object()) {
      check.Error("E111", "'fixity' must be an object", "'fixity' phải là đối tượng");
    } else {
      std::set<std::string> content_paths;
      for (const auto& [d, paths] : inv.manifest) content_paths.insert(paths.begin(), paths.end());
      for (const auto& [algorithm, block] : j["fixity"].items()) {
        size_t length = Hasher::HexLength(algorithm);
        if (length == 0) {
          check.Warning(
              "E028", "fixity algorithm '" + algorithm + "' is not supported and was not checked",
              "thuật toán fixity '" + algorithm + "' không được hỗ trợ và không được kiểm tra");
          continue;
        }
        if (!block.is_object()) {
          check.Error("E057", "fixity block " + algorithm + " must be an object",
                      "khối fixity " + algorithm + " phải là đối tượng");
          continue;
        }
        std::set<std::string> seen;
        auto& out = inv.fixity[algorithm];
        for (const auto& [digest, paths] : block.items()) {
          if (!IsHex(digest, length) || !paths.is_array()) {
            check.Error(
                "E057",
                "fixity " + algorithm + ": '" + digest + "' is not a digest with an array of paths",
                "fixity " + algorithm + ": '" + digest +
                    "' không phải chuỗi băm kèm mảng đường dẫn");
            continue;
          }
          if (!seen.insert(AsciiLower(digest)).second) {
            check.Error(
                "E097",
                "fixity " + algorithm + ": digest " + digest + " appears twice (ignoring case)",
                "fixity " + algorithm + ": chuỗi băm " + digest + " xuất hiện hai lần");
          }
          for (const json& p : paths) {
            if (!p.is_string() || !content_paths.count(p.get<std::string>())) {
              check.Error(
                  "E057",
                  "fixity " + algorithm + " names " + p.dump() + ", which is not in the manifest",
                  "fixity " + algorithm + " nêu " + p.dump() + ", không có trong manifest");
              continue;
            }
            out[digest].push_back(p.get<std::string>());
          }
        }
      }
    }
  }
  if (check.errors() > 0) return invalid();
  return inv;
}

std::string SidecarFor(std::string_view inventory_bytes) {
  return Sha512Hex(inventory_bytes) + "  inventory.json\n";
}

std::pair<std::string, std::string> CheckSidecar(std::string_view sidecar,
                                                 std::string_view inventory_bytes,
                                                 std::string_view algorithm) {
  std::string_view s = sidecar;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  size_t ws = s.find_first_of(" \t");
  size_t name = ws == std::string_view::npos ? ws : s.find_first_not_of(" \t", ws);
  if (ws == std::string_view::npos || name == std::string_view::npos ||
      s.substr(name) != "inventory.json" || !IsHex(s.substr(0, ws), Hasher::HexLength(algorithm))) {
    return {"the sidecar must read '<" + std::string(algorithm) + " digest> inventory.json'",
            "tệp kèm phải có dạng '<chuỗi băm " + std::string(algorithm) + "> inventory.json'"};
  }
  std::optional<Hasher> h = Hasher::ForAlgorithm(algorithm);
  h->Update(inventory_bytes.data(), inventory_bytes.size());
  std::string actual = h->FinishHex();
  if (AsciiLower(s.substr(0, ws)) != actual) {
    return {"inventory.json does not match its sidecar digest (sidecar " +
                std::string(s.substr(0, ws)) + ", inventory.json " + actual + ")",
            "inventory.json không khớp chuỗi băm trong tệp kèm (tệp kèm " +
                std::string(s.substr(0, ws)) + ", inventory.json " + actual + ")"};
  }
  return {};
}

}  // namespace disan::preservation
