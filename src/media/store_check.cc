// The database's media rows against the OCFL objects (store_check.h).
#include "media/store_check.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace disan::media {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

Result<MediaCheckReport> CheckMediaInStore(MetadataStore& store, preservation::StorageRoot& ocfl) {
  MediaCheckReport report;
  std::vector<MediaAsset> all = TRY(store.ListAllMedia());
  std::map<std::string, std::optional<preservation::Inventory>> inventories;
  auto bad = [&](const MediaAsset& a, const std::string& en, const std::string& vi) {
    report.findings.push_back({preservation::Severity::kError,
                               ocfl.ObjectPath(a.record_pid) + "/" + a.logical_path, "",
                               "media " + a.id + " of " + a.record_pid + ": " + en,
                               "tệp " + a.id + " của " + a.record_pid + ": " + vi});
  };
  for (const MediaAsset& a : all) {
    ++report.assets;
    auto it = inventories.find(a.record_pid);
    if (it == inventories.end()) {
      Result<preservation::Inventory> inv = ocfl.ReadInventory(a.record_pid);
      it = inventories
               .emplace(a.record_pid, inv ? std::optional<preservation::Inventory>(*inv)
                                          : std::optional<preservation::Inventory>())
               .first;
    }
    if (!it->second) {
      bad(a, "the catalogue lists it but the item has no readable OCFL object",
          "danh mục có ghi nhận nhưng di sản không có đối tượng OCFL đọc được");
      continue;
    }
    const preservation::Inventory& inv = *it->second;
    const auto& state = inv.HeadVersion().state;
    auto in_state = state.find(a.logical_path);
    if (in_state == state.end()) {
      bad(a, "its file is not in the head version (" + inv.head + ") of the object",
          "tệp không có trong phiên bản mới nhất (" + inv.head + ") của đối tượng");
      continue;
    }
    if (Lower(in_state->second) != Lower(a.sha512)) {
      bad(a,
          "the catalogue's sha512 " + a.sha512.substr(0, 16) + "… differs from the store's " +
              in_state->second.substr(0, 16) + "…",
          "sha512 trong danh mục " + a.sha512.substr(0, 16) + "… khác với trong kho " +
              in_state->second.substr(0, 16) + "…");
      continue;
    }
    const std::string content = inv.ContentPathOf(in_state->second);
    auto fixity = inv.fixity.find("sha256");
    if (fixity != inv.fixity.end()) {
      for (const auto& [digest, paths] : fixity->second) {
        if (std::find(paths.begin(), paths.end(), content) != paths.end() &&
            Lower(digest) != Lower(a.sha256)) {
          bad(a, "the catalogue's sha256 differs from the store's fixity block",
              "sha256 trong danh mục khác với khối fixity của kho");
        }
      }
    }
    Result<std::filesystem::path> path = ocfl.FilePath(a.record_pid, a.logical_path);
    struct stat st {};
    if (!path || stat(path->c_str(), &st) != 0) {
      bad(a, "its content file is missing", "thiếu tệp nội dung");
    } else if (static_cast<int64_t>(st.st_size) != a.size) {
      bad(a,
          "the catalogue says " + std::to_string(a.size) + " bytes, the store holds " +
              std::to_string(st.st_size),
          "danh mục ghi " + std::to_string(a.size) + " byte, kho giữ " +
              std::to_string(st.st_size));
    }
  }
  return report;
}

Result<preservation::Findings> FindOrphanObjects(MetadataStore& store,
                                                 preservation::StorageRoot& ocfl,
                                                 const std::vector<std::string>& object_ids) {
  const std::vector<MediaAsset> media = TRY(store.ListAllMedia());
  std::set<std::string> media_items;
  for (const MediaAsset& a : media) media_items.insert(a.record_pid);
  preservation::Findings findings;
  for (const std::string& id : object_ids) {
    if (media_items.contains(id)) continue;
    // Tombstones count: a deleted record's object is kept on purpose.
    if (TRY(store.CurrentRevision(id)) != 0) continue;
    findings.push_back({preservation::Severity::kWarning, ocfl.ObjectPath(id), "",
                        "object " + id +
                            " is named by no record and no media row (left by an "
                            "interrupted import?)",
                        "đối tượng " + id +
                            " không được bản ghi hay tệp nào nhắc đến (do một "
                            "lần nhập bị gián đoạn để lại?)"});
  }
  return findings;
}

}  // namespace disan::media
