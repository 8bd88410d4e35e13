#include "preservation/validator.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "core/text.h"
#include "preservation/digest.h"
#include "preservation/inventory.h"
#include "preservation/layout.h"
#include "preservation/storage_root.h"
#include "preservation/sync_io.h"

namespace disan::preservation {

namespace fs = std::filesystem;
using nlohmann::json;

size_t ValidationReport::Errors() const {
  return static_cast<size_t>(std::count_if(findings.begin(), findings.end(), [](const Finding& f) {
    return f.severity == Severity::kError;
  }));
}

size_t ValidationReport::Warnings() const { return findings.size() - Errors(); }

namespace {

constexpr int kMaxDepth = 64;

// The entries of a directory, sorted by name so that reports come out in a stable order.
std::vector<fs::directory_entry> Entries(const fs::path& dir, std::error_code& ec) {
  std::vector<fs::directory_entry> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) out.push_back(e);
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  return out;
}

class Validator {
 public:
  Validator(fs::path root, const ValidateOptions& options)
      : root_(std::move(root)), options_(options) {}

  ValidationReport Run() {
    std::error_code ec;
    if (!fs::is_directory(root_, ec)) {
      Error(root_, "E069", "the storage root does not exist or is not a directory",
            "thư mục gốc lưu trữ không tồn tại hoặc không phải thư mục");
      return std::move(report_);
    }
    CheckRootDeclaration();
    CheckLayout();
    for (const fs::directory_entry& e : Entries(root_, ec)) {
      std::string name = e.path().filename().string();
      if (e.is_symlink(ec)) {
        Error(e.path(), "", "symbolic links are not allowed in a storage root",
              "không được có liên kết tượng trưng trong kho");
      } else if (e.is_directory(ec)) {
        if (name == "extensions") {
          CheckRootExtensions(e.path());
        } else {
          WalkHierarchy(e.path(), 1);
        }
      }
      // Other files at the top are allowed and ignored (E087).
    }
    if (ec)
      Error(root_, "", "cannot list the storage root: " + ec.message(),
            "không liệt kê được thư mục gốc: " + ec.message());
    return std::move(report_);
  }

 private:
  std::string Rel(const fs::path& p) const {
    std::string r = p.lexically_relative(root_).generic_string();
    return r == "." ? "" : r;
  }
  void Add(Severity severity, const fs::path& p, std::string code, std::string en, std::string vi) {
    report_.findings.push_back({severity, Rel(p), std::move(code), std::move(en), std::move(vi)});
  }
  void Error(const fs::path& p, std::string code, std::string en, std::string vi) {
    Add(Severity::kError, p, std::move(code), std::move(en), std::move(vi));
  }
  void Warning(const fs::path& p, std::string code, std::string en, std::string vi) {
    Add(Severity::kWarning, p, std::move(code), std::move(en), std::move(vi));
  }
  // Findings of ParseInventory, placed at the file they came from.
  void AddAll(const fs::path& file, const Findings& findings) {
    for (const Finding& f : findings) Add(f.severity, file, f.code, f.message_en, f.message_vi);
  }

  void CheckRootDeclaration() {
    std::error_code ec;
    std::vector<std::string> declarations;
    for (const fs::directory_entry& e : Entries(root_, ec)) {
      std::string name = e.path().filename().string();
      if (name.starts_with("0=")) declarations.push_back(name);
    }
    const fs::path expected = root_ / std::string(kRootDeclaration);
    if (declarations.empty()) {
      Error(expected, "E076", "the conformance declaration 0=ocfl_1.1 is missing",
            "thiếu tệp khai báo tuân thủ 0=ocfl_1.1");
      return;
    }
    if (declarations.size() > 1) {
      Error(root_, "E076", "there is more than one conformance declaration (0=...)",
            "có nhiều hơn một tệp khai báo tuân thủ (0=...)");
    }
    if (std::find(declarations.begin(), declarations.end(), std::string(kRootDeclaration)) ==
        declarations.end()) {
      Error(root_ / declarations.front(), "E079",
            "declares '" + declarations.front() + "', not 0=ocfl_1.1",
            "khai báo '" + declarations.front() + "', không phải 0=ocfl_1.1");
      return;
    }
    Result<std::string> text = ReadFileBounded(expected, 1024);
    if (!text || *text != "ocfl_1.1\n") {
      Error(expected, "E080", "must contain exactly 'ocfl_1.1' and a newline",
            "phải chứa đúng 'ocfl_1.1' và một dấu xuống dòng");
    }
  }

  void CheckLayout() {
    const fs::path file = root_ / "ocfl_layout.json";
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      Warning(file, "", "there is no ocfl_layout.json, so where objects sit cannot be checked",
              "không có ocfl_layout.json nên không kiểm tra được vị trí các đối tượng");
      return;
    }
    Result<std::string> text = ReadFileBounded(file, 1 << 20);
    json j = text ? json::parse(*text, nullptr, false) : json();
    if (!text || j.is_discarded() || !j.is_object() || !j.contains("extension") ||
        !j["extension"].is_string() || !j.contains("description") ||
        !j["description"].is_string()) {
      Error(file, "E070", "must be a JSON object with the strings 'extension' and 'description'",
            "phải là đối tượng JSON có các chuỗi 'extension' và 'description'");
      return;
    }
    if (j["extension"] != std::string(kLayoutExtension)) {
      Warning(file, "",
              "the layout " + j["extension"].get<std::string>() +
                  " is not known here, so where objects sit is not checked",
              "bố cục " + j["extension"].get<std::string>() +
                  " không được hỗ trợ nên không kiểm tra vị trí đối tượng");
      return;
    }
    const fs::path config = root_ / "extensions" / std::string(kLayoutExtension) / "config.json";
    json c = json::object();
    if (fs::exists(config, ec)) {
      Result<std::string> ct = ReadFileBounded(config, 1 << 20);
      c = ct ? json::parse(*ct, nullptr, false) : json();
    }
    Result<HashedNTupleLayout> layout = HashedNTupleLayout::FromConfig(c);
    if (!layout) {
      Error(config, "", layout.error().message_en, layout.error().message_vi);
      return;
    }
    layout_ = *layout;
  }

  void CheckRootExtensions(const fs::path& dir) {
    std::error_code ec;
    for (const fs::directory_entry& e : Entries(dir, ec)) {
      std::string name = e.path().filename().string();
      if (e.is_symlink(ec) || !e.is_directory(ec)) {
        Error(e.path(), "E112", "the extensions directory may only hold extension directories",
              "thư mục extensions chỉ được chứa các thư mục phần mở rộng");
      } else if (name == kStagingExtension) {
        for (const fs::directory_entry& s : Entries(e.path(), ec)) {
          std::string entry = s.path().filename().string();
          if (entry == "lock" || StagingEntryInProgress(entry)) continue;
          Warning(s.path(), "",
                  "left over from an interrupted write; it is safe to delete (disan removes it "
                  "when it next opens the store)",
                  "còn sót lại từ một lần ghi bị gián đoạn; có thể xóa an toàn (disan tự xóa khi "
                  "mở kho lần sau)");
        }
      }
    }
  }

  void WalkHierarchy(const fs::path& dir, int depth) {
    std::error_code ec;
    std::vector<fs::directory_entry> entries = Entries(dir, ec);
    if (ec) {
      Error(dir, "", "cannot list: " + ec.message(), "không liệt kê được: " + ec.message());
      return;
    }
    // An object root: declared as one, or holding an inventory (whose declaration is lost).
    for (const fs::directory_entry& e : entries) {
      std::string name = e.path().filename().string();
      if (name.starts_with("0=ocfl_object_") || name == "inventory.json") {
        CheckObject(dir);
        return;
      }
    }
    if (entries.empty()) {
      Error(dir, "E073", "empty directory in the storage hierarchy",
            "thư mục rỗng trong cây lưu trữ");
      return;
    }
    if (depth > kMaxDepth) {
      Error(dir, "", "the storage hierarchy is nested too deeply", "cây lưu trữ lồng quá sâu");
      return;
    }
    for (const fs::directory_entry& e : entries) {
      if (e.is_symlink(ec)) {
        Error(e.path(), "", "symbolic links are not allowed in a storage root",
              "không được có liên kết tượng trưng trong kho");
      } else if (e.is_directory(ec)) {
        WalkHierarchy(e.path(), depth + 1);
      } else {
        Error(e.path(), "E084", "a file in the storage hierarchy that belongs to no object",
              "tệp trong cây lưu trữ không thuộc đối tượng nào");
      }
    }
  }

  void CheckObject(const fs::path& dir) {
    ++report_.objects;
    if (options_.progress) options_.progress(Rel(dir));
    std::error_code ec;
    std::vector<fs::directory_entry> entries = Entries(dir, ec);
    std::vector<std::string> declarations;
    std::map<int, std::string> versions_on_disk;
    std::set<std::string> names;
    for (const fs::directory_entry& e : entries) {
      std::string name = e.path().filename().string();
      names.insert(name);
      if (name.starts_with("0=")) declarations.push_back(name);
      if (e.is_symlink(ec)) {
        Error(e.path(), "", "symbolic links are not allowed in an object",
              "không được có liên kết tượng trưng trong đối tượng");
        continue;
      }
      int n = VersionNumber(name);
      if (n > 0 && e.is_directory(ec)) versions_on_disk[n] = name;
    }
    if (declarations.size() != 1) {
      Error(dir, "E003",
            "an object must have exactly one conformance declaration (0=ocfl_object_1.1)",
            "đối tượng phải có đúng một tệp khai báo tuân thủ (0=ocfl_object_1.1)");
    }
    if (!names.count(std::string(kObjectDeclaration))) {
      Error(dir, "E006", "the object does not declare OCFL 1.1 (0=ocfl_object_1.1)",
            "đối tượng không khai báo OCFL 1.1 (0=ocfl_object_1.1)");
    } else {
      Result<std::string> text = ReadFileBounded(dir / std::string(kObjectDeclaration), 1024);
      if (!text || *text != kObjectDeclarationText) {
        Error(dir / std::string(kObjectDeclaration), "E007",
              "must contain exactly 'ocfl_object_1.1' and a newline",
              "phải chứa đúng 'ocfl_object_1.1' và một dấu xuống dòng");
      }
    }

    const fs::path inventory_file = dir / "inventory.json";
    Result<std::string> bytes = ReadFileBounded(inventory_file, kMaxInventoryBytes);
    if (!bytes) {
      Error(inventory_file, "E063",
            "the object has no readable inventory.json: " + bytes.error().message_en,
            "đối tượng không có inventory.json đọc được: " + bytes.error().message_vi);
      return;
    }
    Findings findings;
    Result<Inventory> parsed = ParseInventory(*bytes, findings);
    AddAll(inventory_file, findings);
    if (!parsed) return;
    const Inventory& inv = *parsed;
    report_.object_ids.push_back(inv.id);
    const std::string sidecar_name = "inventory.json." + inv.digest_algorithm;
    CheckSidecarFile(dir / sidecar_name, *bytes, inv.digest_algorithm);

    for (const fs::directory_entry& e : entries) {
      std::string name = e.path().filename().string();
      bool allowed = name == kObjectDeclaration || name == "inventory.json" ||
                     name == sidecar_name ||
                     ((name == "logs" || name == "extensions") && e.is_directory(ec)) ||
                     (VersionNumber(name) > 0 && e.is_directory(ec));
      if (!allowed && !name.starts_with("0=")) {
        Error(e.path(), "E001",
              e.is_directory(ec) ? "unexpected directory in the object"
                                 : "unexpected file in the object",
              e.is_directory(ec) ? "thư mục không được phép trong đối tượng"
                                 : "tệp không được phép trong đối tượng");
      }
    }
    if (layout_) {
      std::string expected = layout_->ObjectPath(inv.id);
      if (expected != Rel(dir)) {
        Error(dir, "E083",
              "object '" + inv.id + "' belongs at " + expected + " by the storage layout",
              "theo bố cục lưu trữ, đối tượng '" + inv.id + "' phải nằm tại " + expected);
      }
    }

    std::map<std::string, int> inventory_versions;
    for (const auto& [n, named] : inv.versions) inventory_versions[named.first] = n;
    for (const auto& [n, name] : versions_on_disk) {
      if (inventory_versions.count(name)) continue;
      if (n == inv.HeadNumber() + 1 && versions_on_disk.rbegin()->first == n) {
        Error(dir / name, "E040",
              "a complete version the root inventory does not list yet (an interrupted write); "
              "'disan fsck --repair' completes it",
              "phiên bản đầy đủ mà bản kiểm kê gốc chưa ghi nhận (lần ghi bị gián đoạn); 'disan "
              "fsck --repair' sẽ hoàn tất");
      } else {
        Error(dir / name, "E001", "a version directory that the inventory does not describe",
              "thư mục phiên bản không có trong bản kiểm kê");
      }
    }
    for (const auto& [n, named] : inv.versions) {
      if (!names.count(named.first)) {
        Error(dir / named.first, "E010", "the version directory is missing",
              "thiếu thư mục phiên bản");
        continue;
      }
      CheckVersionDirectory(dir, named.first, inv, *bytes);
    }
    CheckContent(dir, inv);
  }

  void CheckSidecarFile(const fs::path& sidecar, const std::string& inventory_bytes,
                        const std::string& algorithm) {
    Result<std::string> text = ReadFileBounded(sidecar, 4096);
    if (!text) {
      Error(sidecar, "E058", "the inventory's digest sidecar is missing or unreadable",
            "thiếu hoặc không đọc được tệp chuỗi băm kèm bản kiểm kê");
      return;
    }
    auto [en, vi] = CheckSidecar(*text, inventory_bytes, algorithm);
    if (!en.empty()) Error(sidecar, en.starts_with("the sidecar must") ? "E061" : "E060", en, vi);
  }

  void CheckVersionDirectory(const fs::path& object, const std::string& name,
                             const Inventory& root_inv, const std::string& root_bytes) {
    const fs::path vdir = object / name;
    std::error_code ec;
    const std::string sidecar_name = "inventory.json." + root_inv.digest_algorithm;
    for (const fs::directory_entry& e : Entries(vdir, ec)) {
      std::string entry = e.path().filename().string();
      if (e.is_symlink(ec)) {
        Error(e.path(), "", "symbolic links are not allowed in an object",
              "không được có liên kết tượng trưng trong đối tượng");
      } else if (e.is_directory(ec)) {
        if (entry != root_inv.ContentDirectory()) {
          Warning(e.path(), "W002", "a directory other than the content directory in a version",
                  "thư mục khác thư mục nội dung trong một phiên bản");
        }
      } else if (entry != "inventory.json" && entry != sidecar_name) {
        Error(e.path(), "E015", "unexpected file in a version directory",
              "tệp không được phép trong thư mục phiên bản");
      }
    }
    const fs::path file = vdir / "inventory.json";
    if (!fs::exists(file, ec)) {
      Warning(file, "W010", "the version directory has no copy of its inventory",
              "thư mục phiên bản không có bản sao bản kiểm kê");
      return;
    }
    Result<std::string> bytes = ReadFileBounded(file, kMaxInventoryBytes);
    if (!bytes) {
      Error(file, "E033", bytes.error().message_en, bytes.error().message_vi);
      return;
    }
    if (name == root_inv.head && *bytes != root_bytes) {
      Error(file, "E064", "the newest version's inventory differs from the object's inventory.json",
            "bản kiểm kê của phiên bản mới nhất khác inventory.json của đối tượng");
    }
    Findings findings;
    Result<Inventory> parsed = ParseInventory(*bytes, findings);
    AddAll(file, findings);
    if (!parsed) return;
    CheckSidecarFile(vdir / ("inventory.json." + parsed->digest_algorithm), *bytes,
                     parsed->digest_algorithm);
    if (parsed->head != name) {
      Error(file, "E040", "this copy's head is '" + parsed->head + "', not '" + name + "'",
            "head của bản sao này là '" + parsed->head + "', không phải '" + name + "'");
    }
    for (const auto& [n, named] : parsed->versions) {
      auto it = root_inv.versions.find(n);
      if (it == root_inv.versions.end() || it->second.second.state != named.second.state) {
        Error(
            file, "E066",
            "version " + named.first + " has a different state here than in the object's inventory",
            "phiên bản " + named.first + " ở đây có trạng thái khác với bản kiểm kê của đối tượng");
      } else if (!(it->second.second == named.second)) {
        Warning(file, "W011",
                "version " + named.first + " has a different date, message or user here",
                "phiên bản " + named.first + " ở đây có ngày, thông điệp hoặc người tạo khác");
      }
    }
  }

  // Files on disk against the manifest, and every digest.
  void CheckContent(const fs::path& object, const Inventory& inv) {
    std::error_code ec;
    // Content path -> the digests it must have: (algorithm, lowercase digest).
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> expected;
    for (const auto& [digest, paths] : inv.manifest) {
      for (const std::string& p : paths)
        expected[p].push_back({inv.digest_algorithm, AsciiLower(digest)});
    }
    for (const auto& [algorithm, block] : inv.fixity) {
      for (const auto& [digest, paths] : block) {
        for (const std::string& p : paths) expected[p].push_back({algorithm, AsciiLower(digest)});
      }
    }
    std::set<std::string> on_disk;
    for (const auto& [n, named] : inv.versions) {
      const fs::path content = object / named.first / inv.ContentDirectory();
      if (!fs::is_directory(content, ec)) continue;
      CollectContent(object, content, on_disk);
    }
    for (const std::string& p : on_disk) {
      if (!expected.count(p)) {
        Error(object / p, "E023", "a content file that the manifest does not list",
              "tệp nội dung không có trong manifest");
      }
    }
    for (const auto& [p, digests] : expected) {
      if (!on_disk.count(p)) {
        Error(object / p, "E092", "listed in the manifest but missing",
              "có trong manifest nhưng bị thiếu");
        continue;
      }
      CheckDigests(object / p, digests, inv.digest_algorithm);
    }
  }

  void CollectContent(const fs::path& object, const fs::path& dir, std::set<std::string>& out) {
    std::error_code ec;
    std::vector<fs::directory_entry> entries = Entries(dir, ec);
    if (entries.empty()) {
      Error(dir, "E024", "empty directory inside a version's content",
            "thư mục rỗng trong nội dung của một phiên bản");
      return;
    }
    for (const fs::directory_entry& e : entries) {
      if (e.is_symlink(ec)) {
        Error(e.path(), "", "symbolic links are not allowed in an object",
              "không được có liên kết tượng trưng trong đối tượng");
      } else if (e.is_directory(ec)) {
        CollectContent(object, e.path(), out);
      } else if (e.is_regular_file(ec)) {
        out.insert(e.path().lexically_relative(object).generic_string());
      } else {
        Error(e.path(), "", "not a regular file", "không phải tệp thông thường");
      }
    }
  }

  void CheckDigests(const fs::path& file,
                    const std::vector<std::pair<std::string, std::string>>& digests,
                    const std::string& content_algorithm) {
    std::map<std::string, Hasher> hashers;
    for (const auto& [algorithm, digest] : digests) {
      if (!hashers.count(algorithm)) {
        if (std::optional<Hasher> h = Hasher::ForAlgorithm(algorithm))
          hashers.emplace(algorithm, std::move(*h));
      }
    }
    Fd fd(open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) {
      Error(file, "", std::string("cannot read: ") + std::strerror(errno),
            std::string("không đọc được: ") + std::strerror(errno));
      return;
    }
    std::vector<char> buffer(kCopyBufferSize);
    for (;;) {
      ssize_t n = read(fd.get(), buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Error(file, "", std::string("cannot read: ") + std::strerror(errno),
              std::string("không đọc được: ") + std::strerror(errno));
        return;
      }
      if (n == 0) break;
      for (auto& [algorithm, h] : hashers) h.Update(buffer.data(), static_cast<size_t>(n));
      report_.bytes += static_cast<uint64_t>(n);
    }
    ++report_.files;
    std::map<std::string, std::string> actual;
    for (auto& [algorithm, h] : hashers) actual[algorithm] = h.FinishHex();
    for (const auto& [algorithm, digest] : digests) {
      auto it = actual.find(algorithm);
      if (it == actual.end() || it->second == digest) continue;
      bool content = algorithm == content_algorithm;
      Error(file, content ? "E092" : "E093",
            "the content does not match its " + algorithm +
                (content ? " digest in the manifest" : " fixity digest") + " (expected " + digest +
                ", found " + it->second + ")",
            "nội dung không khớp chuỗi băm " + algorithm +
                (content ? " trong manifest" : " trong khối fixity") + " (cần " + digest +
                ", thực tế " + it->second + ")");
    }
  }

  fs::path root_;
  const ValidateOptions& options_;
  ValidationReport report_;
  std::optional<HashedNTupleLayout> layout_;
};

}  // namespace

ValidationReport ValidateStorageRoot(const fs::path& root, const ValidateOptions& options) {
  return Validator(root, options).Run();
}

}  // namespace disan::preservation
