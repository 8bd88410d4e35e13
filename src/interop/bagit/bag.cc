#include "interop/bagit/bag.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "core/pid.h"
#include "interop/harvest_view.h"
#include "media/media_type.h"
#include "preservation/digest.h"

namespace disan::interop::bagit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const Actor kBagger{"cli:bag", Audience::kStaff};
constexpr const char* kRecordsFile = "data/records.jsonl";
constexpr size_t kMaxManifestLines = 10'000'000;

std::unexpected<Error> Unavailable(const std::string& what, const fs::path& p) {
  return Fail(ErrorCode::kUnavailable, "cannot " + what + " " + p.string(),
              "không thể " + what + " " + p.string());
}

// Paths in manifests: CR, LF and % percent-encoded (RFC 8493, 2.1.3).
std::string EncodePath(const std::string& p) {
  std::string out;
  for (char c : p) {
    if (c == '%')
      out += "%25";
    else if (c == '\n')
      out += "%0A";
    else if (c == '\r')
      out += "%0D";
    else
      out += c;
  }
  return out;
}

std::string DecodePath(const std::string& p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    std::string code = p[i] == '%' && i + 2 < p.size() ? p.substr(i + 1, 2) : "";
    if (code == "25")
      out += '%';
    else if (code == "0A" || code == "0a")
      out += '\n';
    else if (code == "0D" || code == "0d")
      out += '\r';
    else {
      out += p[i];
      continue;
    }
    i += 2;
  }
  return out;
}

Result<std::string> Sha256File(const fs::path& file, uint64_t* size = nullptr) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Unavailable("read", file);
  preservation::Hasher h = *preservation::Hasher::ForAlgorithm("sha256");
  std::vector<char> buffer(1 << 20);
  uint64_t total = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize n = in.gcount();
    if (n > 0) {
      h.Update(buffer.data(), static_cast<size_t>(n));
      total += static_cast<uint64_t>(n);
    }
  }
  if (in.bad()) return Unavailable("read", file);
  if (size) *size = total;
  return h.FinishHex();
}

Status WriteText(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) return Unavailable("write", file);
  return Ok();
}

// Copies `from` to `to`, returning the SHA-256 and SHA-512 of what was copied.
Result<preservation::Digests> CopyFile(const fs::path& from, const fs::path& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) return Unavailable("read", from);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  if (!out) return Unavailable("write", to);
  preservation::DigestPair digests;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize n = in.gcount();
    if (n > 0) {
      digests.Update(buffer.data(), static_cast<size_t>(n));
      out.write(buffer.data(), n);
    }
  }
  out.flush();
  if (in.bad() || !out) return Unavailable("copy", from);
  return digests.Finish();
}

std::string Today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

json RecordLine(const StoredRecord& r) {
  json line = json::object();
  line["pid"] = r.pid;
  line["class"] = RecordClassName(r.cls);
  for (const auto& [k, v] : r.document.items()) line[k] = v;
  return line;
}

// A relative path of a manifest that stays inside the bag: not absolute, no "." or ".."
// segment, no backslash, no NUL. The reason in both languages when it does not.
std::optional<std::pair<std::string, std::string>> UnsafePath(const std::string& p) {
  if (p.empty()) return std::make_pair(std::string("an empty path"), std::string("đường dẫn rỗng"));
  if (p.front() == '/' || p.find('\\') != std::string::npos || p.find('\0') != std::string::npos) {
    return std::make_pair(std::string("an absolute or non-portable path"),
                          std::string("đường dẫn tuyệt đối hoặc không khả chuyển"));
  }
  std::stringstream parts(p);
  std::string seg;
  while (std::getline(parts, seg, '/')) {
    if (seg.empty() || seg == "." || seg == ".." || seg == "~") {
      return std::make_pair(std::string("a path that escapes the bag"),
                            std::string("đường dẫn thoát ra ngoài túi"));
    }
  }
  return std::nullopt;
}

// True when every component of `rel` under `root` is a real directory or (the last) a
// regular file: no symbolic link anywhere.
bool PlainPath(const fs::path& root, const std::string& rel) {
  fs::path at = root;
  std::stringstream parts(rel);
  std::string seg;
  std::vector<std::string> segs;
  while (std::getline(parts, seg, '/')) segs.push_back(seg);
  for (size_t i = 0; i < segs.size(); ++i) {
    at /= segs[i];
    struct stat st;
    if (lstat(at.c_str(), &st) != 0) return false;
    bool last = i + 1 == segs.size();
    if (last ? !S_ISREG(st.st_mode) : !S_ISDIR(st.st_mode)) return false;
  }
  return true;
}

struct ManifestEntry {
  std::string digest;
  std::string path;
};

// Reads a manifest; problems for unreadable lines.
std::vector<ManifestEntry> ReadManifest(const fs::path& bag, const std::string& name,
                                        std::vector<BagProblem>& problems) {
  std::vector<ManifestEntry> out;
  std::ifstream in(bag / name, std::ios::binary);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (n > kMaxManifestLines) {
      problems.push_back({name, "has more than 10,000,000 lines", "có hơn 10.000.000 dòng"});
      break;
    }
    size_t space = line.find_first_of(" \t");
    size_t path_start =
        space == std::string::npos ? std::string::npos : line.find_first_not_of(" \t", space);
    std::string digest = line.substr(0, space);
    bool hex = digest.size() == 64 && std::all_of(digest.begin(), digest.end(), [](char c) {
                 return std::isxdigit(static_cast<unsigned char>(c));
               });
    if (path_start == std::string::npos || !hex) {
      problems.push_back({name, "line " + std::to_string(n) + " is not '<sha256> <path>'",
                          "dòng " + std::to_string(n) + " không có dạng '<sha256> <đường dẫn>'"});
      continue;
    }
    std::transform(digest.begin(), digest.end(), digest.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    out.push_back({digest, DecodePath(line.substr(path_start))});
  }
  return out;
}

// Checks the entries of one manifest against the files; fills `listed`.
void CheckEntries(const fs::path& bag, const std::string& manifest,
                  const std::vector<ManifestEntry>& entries, bool payload,
                  std::set<std::string>& listed, BagCheck& check) {
  for (const ManifestEntry& e : entries) {
    if (auto unsafe = UnsafePath(e.path)) {
      check.problems.push_back(
          {e.path, manifest + " names " + unsafe->first, manifest + " ghi " + unsafe->second});
      continue;
    }
    if (payload != e.path.starts_with("data/")) {
      check.problems.push_back({e.path,
                                payload ? "a payload manifest names a file outside data/"
                                        : "a tag manifest names a payload file",
                                payload ? "bảng kê dữ liệu ghi một tệp ngoài data/"
                                        : "bảng kê thẻ ghi một tệp dữ liệu"});
      continue;
    }
    if (!listed.insert(e.path).second) {
      check.problems.push_back(
          {e.path, "is listed twice in " + manifest, "được ghi hai lần trong " + manifest});
      continue;
    }
    if (!PlainPath(bag, e.path)) {
      std::error_code ec;
      bool exists = fs::exists(fs::symlink_status(bag / e.path, ec));
      check.problems.push_back(
          {e.path,
           exists ? "is not a plain file inside the bag (a symbolic link or a directory)"
                  : "is missing",
           exists ? "không phải tệp thường trong túi (liên kết tượng trưng hoặc thư mục)"
                  : "bị thiếu"});
      continue;
    }
    uint64_t size = 0;
    Result<std::string> digest = Sha256File(bag / e.path, &size);
    if (!digest) {
      check.problems.push_back({e.path, digest.error().message_en, digest.error().message_vi});
    } else if (*digest != e.digest) {
      check.problems.push_back({e.path,
                                "has SHA-256 " + *digest + ", the manifest says " + e.digest,
                                "có SHA-256 " + *digest + ", bảng kê ghi " + e.digest});
    } else if (payload) {
      check.summary.bytes += size;
    }
  }
}

}  // namespace

Result<BagSummary> ExportBag(Catalogue& catalogue, preservation::StorageRoot& ocfl,
                             const BagSelection& sel, const fs::path& output,
                             const std::string& source_organisation) {
  MetadataStore& store = catalogue.store();
  std::error_code ec;
  if (fs::exists(fs::symlink_status(output, ec))) {
    return Fail(ErrorCode::kConflict, output.string() + " already exists",
                output.string() + " đã tồn tại");
  }
  // The records: the selected items, then what they refer to.
  std::vector<StoredRecord> items;
  if (!sel.pid.empty()) {
    std::string pid = TRY(ParsePid(sel.pid));
    StoredRecord r = TRY(catalogue.Get(RecordClass::kItem, pid, kBagger));
    if (r.deleted)
      return Fail(ErrorCode::kGone, "record " + pid + " was deleted",
                  "bản ghi " + pid + " đã bị xóa");
    items.push_back(std::move(r));
  } else {
    TRY(store.ForEach(RecordClass::kItem, [&](const StoredRecord& r) -> Status {
      if (!r.deleted && (sel.all || HarvestView::InSet(HarvestView::SetsOf(r.document), sel.set)))
        items.push_back(r);
      return Ok();
    }));
    if (items.empty() && !sel.all) {
      return Fail(ErrorCode::kInvalid, "no item is in the set " + sel.set,
                  "không có di sản nào thuộc tập " + sel.set);
    }
  }
  std::vector<StoredRecord> context;  // organisations and areas, parents before children
  std::set<std::string> seen;
  std::function<Status(const std::string&)> add_ref = [&](const std::string& pid) -> Status {
    if (pid.empty() || !seen.insert(pid).second) return Ok();
    Result<StoredRecord> r = store.Get(pid);
    if (!r || r->deleted) return Ok();
    for (const char* f : {"parent", "manager"}) TRY(add_ref(r->document.value(f, "")));
    for (const json& a : r->document.value("areas", json::array())) {
      if (a.is_string()) TRY(add_ref(a.get<std::string>()));
    }
    context.push_back(*r);
    return Ok();
  };
  if (sel.all) {
    for (RecordClass cls : {RecordClass::kOrganisation, RecordClass::kArea}) {
      TRY(store.ForEach(cls, [&](const StoredRecord& r) -> Status { return add_ref(r.pid); }));
    }
  }
  for (const StoredRecord& r : items) {
    TRY(add_ref(r.document.value("custodian", "")));
    for (const json& a : r.document.value("areas", json::array())) {
      if (a.is_string()) TRY(add_ref(a.get<std::string>()));
    }
  }

  const fs::path part = output.string() + ".part";
  fs::remove_all(part, ec);
  struct Cleanup {
    fs::path path;
    bool keep = false;
    ~Cleanup() {
      std::error_code e;
      if (!keep) fs::remove_all(path, e);
    }
  } cleanup{part};
  fs::create_directories(part / "data" / "media", ec);
  if (ec) return Unavailable("create", part);

  BagSummary summary;
  std::vector<ManifestEntry> manifest;
  {
    std::ofstream out(part / kRecordsFile, std::ios::binary);
    for (const std::vector<StoredRecord>* list : {&context, &items}) {
      for (const StoredRecord& r : *list) {
        out << RecordLine(r).dump() << '\n';
        ++summary.records;
      }
    }
    out.flush();
    if (!out) return Unavailable("write", part / kRecordsFile);
  }
  uint64_t size = 0;
  manifest.push_back({TRY(Sha256File(part / kRecordsFile, &size)), kRecordsFile});
  summary.bytes += size;
  for (const StoredRecord& r : items) {
    std::vector<MediaAsset> assets = TRY(store.ListMedia(r.pid));
    // A contributor's file still under review (docs/review.md) is not part of the item yet.
    std::erase_if(assets, [](const MediaAsset& a) { return a.visibility == "held"; });
    if (assets.empty()) continue;
    preservation::Inventory inventory = TRY(ocfl.ReadInventory(r.pid));
    fs::path dir = part / "data" / "media" / r.pid;
    fs::create_directories(dir, ec);
    if (ec) return Unavailable("create", dir);
    for (const MediaAsset& a : assets) {
      std::string content = inventory.ContentPathOf(a.sha512);
      if (content.empty()) {
        return Fail(ErrorCode::kCorrupt,
                    "media " + a.id + " of " + r.pid + " is missing from the preservation store",
                    "tệp " + a.id + " của " + r.pid + " không có trong kho bảo quản");
      }
      std::string name = a.id + "." + (a.format.empty() ? "bin" : a.format);
      preservation::Digests d =
          TRY(CopyFile(ocfl.path() / ocfl.ObjectPath(r.pid) / content, dir / name));
      if (d.sha512 != a.sha512) {
        return Fail(ErrorCode::kCorrupt,
                    "media " + a.id + " of " + r.pid +
                        " no longer has its recorded digest (run disan fsck)",
                    "tệp " + a.id + " của " + r.pid +
                        " không còn đúng mã băm đã ghi (hãy chạy disan fsck)");
      }
      std::string rel = "data/media/" + r.pid + "/" + name;
      manifest.push_back({d.sha256, rel});
      summary.bytes += d.size;
      ++summary.files;
      std::string description = media::MediaService::Describe(a).dump() + "\n";
      TRY(WriteText(part / (rel.substr(0, rel.rfind('.')) + ".json"), description));
      std::string json_rel = "data/media/" + r.pid + "/" + a.id + ".json";
      manifest.push_back({TRY(Sha256File(part / json_rel)), json_rel});
      summary.bytes += description.size();
    }
  }
  std::string manifest_text;
  for (const ManifestEntry& e : manifest)
    manifest_text += e.digest + "  " + EncodePath(e.path) + "\n";
  TRY(WriteText(part / "manifest-sha256.txt", manifest_text));
  TRY(WriteText(part / "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"));
  std::string selection = !sel.pid.empty() ? "item " + sel.pid
                          : sel.all        ? "all records"
                                           : "set " + sel.set;
  std::string info = "Bag-Software-Agent: Disan\nBagging-Date: " + Today() +
                     "\nPayload-Oxum: " + std::to_string(summary.bytes) + "." +
                     std::to_string(manifest.size()) +
                     "\nExternal-Description: Disan heritage records (" + selection + "), " +
                     std::to_string(summary.records) + " records, " +
                     std::to_string(summary.files) + " media files\n";
  if (!source_organisation.empty())
    info = "Source-Organization: " + source_organisation + "\n" + info;
  TRY(WriteText(part / "bag-info.txt", info));
  std::string tags;
  for (const char* f : {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"}) {
    tags += TRY(Sha256File(part / f)) + "  " + f + "\n";
  }
  TRY(WriteText(part / "tagmanifest-sha256.txt", tags));
  fs::rename(part, output, ec);
  if (ec) return Unavailable("rename into place", output);
  cleanup.keep = true;
  return summary;
}

BagCheck VerifyBag(const fs::path& bag) {
  BagCheck check;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(bag, ec))) {
    check.problems.push_back({"", "is not a directory", "không phải thư mục"});
    return check;
  }
  std::ifstream declaration(bag / "bagit.txt", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(declaration)), std::istreambuf_iterator<char>());
  if (!PlainPath(bag, "bagit.txt") || text.find("BagIt-Version: ") == std::string::npos) {
    check.problems.push_back({"bagit.txt", "is missing or does not declare BagIt-Version",
                              "bị thiếu hoặc không khai báo BagIt-Version"});
    return check;
  }
  if (!PlainPath(bag, "manifest-sha256.txt")) {
    check.problems.push_back({"manifest-sha256.txt", "is missing (Disan bags use SHA-256)",
                              "bị thiếu (túi Disan dùng SHA-256)"});
    return check;
  }
  std::set<std::string> payload, tags;
  std::vector<ManifestEntry> entries = ReadManifest(bag, "manifest-sha256.txt", check.problems);
  CheckEntries(bag, "manifest-sha256.txt", entries, true, payload, check);
  if (PlainPath(bag, "tagmanifest-sha256.txt")) {
    CheckEntries(bag, "tagmanifest-sha256.txt",
                 ReadManifest(bag, "tagmanifest-sha256.txt", check.problems), false, tags, check);
  }
  // Every payload file must be listed, and nothing under data/ may be a link.
  if (!fs::is_directory(fs::symlink_status(bag / "data", ec))) {
    check.problems.push_back({"data", "is missing", "bị thiếu"});
  } else {
    for (auto it = fs::recursive_directory_iterator(bag / "data", fs::directory_options::none, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::string rel = fs::relative(it->path(), bag, ec).generic_string();
      fs::file_status st = it->symlink_status(ec);
      if (fs::is_symlink(st)) {
        check.problems.push_back({rel, "is a symbolic link", "là liên kết tượng trưng"});
      } else if (fs::is_regular_file(st) && !payload.contains(rel)) {
        check.problems.push_back({rel, "is in the payload but not in the manifest",
                                  "nằm trong dữ liệu nhưng không có trong bảng kê"});
      } else if (fs::is_regular_file(st)) {
        ++check.summary.files;
      }
    }
  }
  // Payload-Oxum, when given, must match.
  std::ifstream info(bag / "bag-info.txt", std::ios::binary);
  std::string line;
  while (std::getline(info, line)) {
    if (!line.starts_with("Payload-Oxum:")) continue;
    std::string want = line.substr(13);
    want.erase(0, want.find_first_not_of(" \t"));
    while (!want.empty() && (want.back() == '\r' || want.back() == ' ')) want.pop_back();
    std::string have =
        std::to_string(check.summary.bytes) + "." + std::to_string(check.summary.files);
    if (check.problems.empty() && want != have) {
      check.problems.push_back({"bag-info.txt",
                                "Payload-Oxum is " + want + " but the payload is " + have,
                                "Payload-Oxum là " + want + " nhưng dữ liệu là " + have});
    }
  }
  return check;
}

namespace {

constexpr size_t kMaxRecordLine = size_t{16} << 20;  // one record of records.jsonl
constexpr size_t kMaxDescription = size_t{1} << 20;  // one media description (.json)

// A record of the bag as the pre-flight left it: to create (prepared), or already here with the
// same content (skipped).
struct BagRecord {
  size_t line = 0;
  std::string pid;
  RecordClass cls = RecordClass::kItem;
  std::optional<Catalogue::PreparedCreate> prepared;
};

// A media file of the bag, checked, to be added to a record this import creates.
struct BagMedia {
  std::string pid;
  std::string created_at;
  std::string rel;  // the file, relative to the bag
  media::MediaInput input;
  std::string sha256;
};

// Reads one line of at most `max` bytes (without its "\n"). False at the end of the input;
// `too_long` when the line is longer (the rest of it is skipped).
bool ReadLine(std::streambuf& in, std::string& line, size_t max, bool& too_long) {
  line.clear();
  too_long = false;
  int c = in.sbumpc();
  if (c == std::char_traits<char>::eof()) return false;
  for (; c != std::char_traits<char>::eof() && c != '\n'; c = in.sbumpc()) {
    if (line.size() < max)
      line.push_back(static_cast<char>(c));
    else
      too_long = true;
  }
  return true;
}

std::string Line(size_t n) { return std::string(kRecordsFile) + ":" + std::to_string(n); }

// The problems of an error as lines naming `where` (a file, or a line of records.jsonl).
void AddProblems(std::vector<FieldError>& out, const std::string& where, const std::string& pid,
                 const Error& e) {
  std::string who = pid.empty() ? "" : "record " + pid + ": ";
  std::string who_vi = pid.empty() ? "" : "bản ghi " + pid + ": ";
  if (e.fields.empty()) {
    out.push_back({where, "invalid", who + e.message_en, who_vi + e.message_vi});
    return;
  }
  for (const FieldError& f : e.fields) {
    out.push_back({where, f.problem, who + f.path + " " + f.message_en,
                   who_vi + f.path + " " + f.message_vi});
  }
}

std::unexpected<Error> NothingImported(std::vector<FieldError> problems) {
  std::string n = std::to_string(problems.size());
  std::string first = problems.empty() ? "" : problems[0].path + ": " + problems[0].message_en;
  std::string first_vi = problems.empty() ? "" : problems[0].path + ": " + problems[0].message_vi;
  return Fail(
      Error{ErrorCode::kInvalid,
            "the bag cannot be imported (" + n + " problems, the first: " + first +
                "); nothing was imported",
            "không thể nhập túi (" + n + " lỗi, lỗi đầu tiên: " + first_vi + "); không nhập gì",
            std::move(problems)});
}

// The pre-flight of the records: every line parsed, validated and checked against this
// instance (pids, references) without writing anything.
std::vector<BagRecord> CheckRecords(Catalogue& catalogue, const fs::path& bag,
                                    std::vector<FieldError>& problems) {
  std::vector<BagRecord> records;
  std::map<std::string, RecordClass> in_bag;
  std::ifstream in(bag / kRecordsFile, std::ios::binary);
  std::string text;
  bool too_long = false;
  for (size_t n = 1; ReadLine(*in.rdbuf(), text, kMaxRecordLine, too_long); ++n) {
    if (too_long) {
      problems.push_back({Line(n), "too_long",
                          "the line is longer than " + std::to_string(kMaxRecordLine) + " bytes",
                          "dòng dài quá " + std::to_string(kMaxRecordLine) + " byte"});
      continue;
    }
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty()) continue;
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("pid") || !doc["pid"].is_string()) {
      problems.push_back(
          {Line(n), "syntax", "is not a JSON record with a pid", "không phải bản ghi JSON có pid"});
      continue;
    }
    BagRecord r;
    r.line = n;
    r.pid = doc["pid"].get<std::string>();
    std::optional<RecordClass> cls = ParseRecordClass(doc.value("class", "item"));
    if (!cls) {
      problems.push_back({Line(n), "class", "record " + r.pid + " has an unknown class",
                          "bản ghi " + r.pid + " có lớp không hợp lệ"});
      continue;
    }
    r.cls = *cls;
    if (in_bag.contains(r.pid)) {
      problems.push_back({Line(n), "duplicate", "record " + r.pid + " is in the bag twice",
                          "bản ghi " + r.pid + " có hai lần trong túi"});
      continue;
    }
    Result<StoredRecord> existing = catalogue.store().Get(r.pid);
    if (existing) {
      json mine = doc;
      mine.erase("pid");
      mine.erase("class");
      Result<Validated> v = catalogue.schema().Validate(r.cls, mine);
      if (!v || existing->deleted || v->document != existing->document || existing->cls != r.cls) {
        problems.push_back({Line(n), "conflict",
                            "record " + r.pid + " exists here with other content",
                            "bản ghi " + r.pid + " đã có ở đây với nội dung khác"});
        continue;
      }
      in_bag[r.pid] = r.cls;
      records.push_back(std::move(r));  // the same record: skipped
      continue;
    }
    Result<Catalogue::PreparedCreate> prepared =
        catalogue.PrepareCreate(r.cls, doc, InputLeniency::kStrict);
    if (!prepared) {
      AddProblems(problems, Line(n), r.pid, prepared.error());
      continue;
    }
    // References: to a record earlier in the bag, or to a live record here.
    for (const RecordRef& ref : prepared->validated.refs) {
      auto earlier = in_bag.find(ref.pid);
      bool ok = earlier != in_bag.end() && earlier->second == ref.target;
      if (earlier == in_bag.end()) {
        Result<StoredRecord> here = catalogue.store().Get(ref.pid);
        ok = here && !here->deleted && here->cls == ref.target;
      }
      if (!ok) {
        std::string want(RecordClassName(ref.target));
        problems.push_back({Line(n), "reference",
                            "record " + r.pid + ": " + ref.path + " names " + ref.pid +
                                ", which is no " + want + " of the bag or of this instance",
                            "bản ghi " + r.pid + ": " + ref.path + " tham chiếu " + ref.pid +
                                ", không phải " + want + " trong túi hay ở đây"});
      }
    }
    in_bag[r.pid] = r.cls;
    r.prepared = std::move(*prepared);
    records.push_back(std::move(r));
  }
  if (in.bad()) problems.push_back({kRecordsFile, "read", "cannot be read", "không đọc được"});
  return records;
}

// The pre-flight of the media files: each one described, of a record of the bag, of a type the
// server accepts and fitting its role; each description valid. Only the files of records this
// import creates are kept (a skipped record keeps the files it has here).
std::vector<BagMedia> CheckMedia(media::MediaService& media, const fs::path& bag,
                                 const std::vector<BagRecord>& records,
                                 std::vector<FieldError>& problems) {
  std::map<std::string, const BagRecord*> by_pid;
  for (const BagRecord& r : records) by_pid[r.pid] = &r;
  std::vector<BagMedia> out;
  std::set<std::string> described;
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(bag / "data" / "media", ec))) return out;
  for (auto it = fs::recursive_directory_iterator(bag / "data" / "media", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!fs::is_regular_file(it->symlink_status())) continue;
    std::string rel = fs::relative(it->path(), bag).generic_string();
    if (it->path().extension() != ".json") {
      files.push_back(rel);
      continue;
    }
    auto bad = [&](const std::string& en, const std::string& vi) {
      problems.push_back({rel, "media", en, vi});
    };
    std::string pid = it->path().parent_path().filename().string();
    if (it->path().parent_path().parent_path() != bag / "data" / "media") {
      bad("is not at data/media/<pid>/<media id>.json", "không nằm ở data/media/<pid>/<mã>.json");
      continue;
    }
    if (it->file_size(ec) > kMaxDescription) {
      bad("is larger than " + std::to_string(kMaxDescription) + " bytes",
          "lớn hơn " + std::to_string(kMaxDescription) + " byte");
      continue;
    }
    std::ifstream in(it->path(), std::ios::binary);
    json d = json::parse(in, nullptr, false);
    if (d.is_discarded() || !d.is_object()) {
      bad("is not a JSON media description", "không phải mô tả tệp JSON");
      continue;
    }
    auto text = [&](const char* key) {
      return d.contains(key) && d[key].is_string() ? d[key].get<std::string>() : std::string();
    };
    if (text("record") != pid) {
      bad("describes a file of record '" + text("record").substr(0, 80) + "', not of " + pid,
          "mô tả tệp của bản ghi '" + text("record").substr(0, 80) + "', không phải của " + pid);
      continue;
    }
    const media::MediaFormat* format = media::FindFormat(text("format"));
    std::string file_rel = rel.substr(0, rel.size() - 5) + "." + text("format");
    if (!format || !PlainPath(bag, file_rel)) {
      bad("names a format '" + text("format").substr(0, 40) + "' without its file beside it",
          "ghi định dạng '" + text("format").substr(0, 40) + "' nhưng không có tệp đi kèm");
      continue;
    }
    described.insert(file_rel);
    auto record = by_pid.find(pid);
    if (record == by_pid.end() || record->second->cls != RecordClass::kItem) {
      bad("belongs to " + pid + ", which is no heritage item of the bag",
          "thuộc về " + pid + ", không phải di sản trong túi");
      continue;
    }
    if (!record->second->prepared) continue;  // skipped: already here
    BagMedia m;
    m.pid = pid;
    m.created_at = text("created_at");
    m.rel = file_rel;
    m.sha256 = text("sha256");
    m.input.role = text("role");
    if (d.contains("caption") && d["caption"].is_object()) {
      m.input.caption_vi = d["caption"].value("vi", "");
      m.input.caption_en = d["caption"].value("en", "");
    }
    m.input.creator = text("creator");
    m.input.date = text("date");
    m.input.licence = text("licence");
    m.input.rights_holder = text("rights_holder");
    m.input.visibility = text("visibility");
    m.input.filename = text("original_name");
    Result<media::MediaInput> valid =
        media.ValidateFor(record->second->prepared->validated.document, m.input);
    if (!valid) {
      AddProblems(problems, rel, "", valid.error());
      continue;
    }
    Result<media::MediaService::Inspected> inspected =
        media.Inspect((bag / file_rel).string(), valid->role);
    if (!inspected) {
      AddProblems(problems, file_rel, "", inspected.error());
      continue;
    }
    out.push_back(std::move(m));
  }
  if (ec) problems.push_back({"data/media", "read", "cannot be read", "không đọc được"});
  for (const std::string& f : files) {
    if (!described.contains(f)) {
      problems.push_back({f, "media", "has no description (<media id>.json) beside it",
                          "không có mô tả (<mã>.json) đi kèm"});
    }
  }
  // In the order they were first added (created_at, then the name), not the directory's.
  std::sort(out.begin(), out.end(), [](const BagMedia& x, const BagMedia& y) {
    return std::tie(x.pid, x.created_at, x.rel) < std::tie(y.pid, y.created_at, y.rel);
  });
  return out;
}

Result<media::MediaService::StagedMedia> Stage(media::MediaService& media, const fs::path& bag,
                                               const BagMedia& m) {
  media::Upload upload = TRY(media.BeginUpload());
  std::ifstream bytes(bag / m.rel, std::ios::binary);
  if (!bytes) return Unavailable("read", bag / m.rel);
  std::vector<char> buffer(1 << 20);
  while (bytes) {
    bytes.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (bytes.gcount() > 0) TRY(upload.Write(buffer.data(), static_cast<size_t>(bytes.gcount())));
  }
  if (bytes.bad()) return Unavailable("read", bag / m.rel);
  return media::MediaService::StagedMedia{std::move(upload), m.input, m.sha256};
}

}  // namespace

Result<BagSummary> ImportBag(Catalogue& catalogue, media::MediaService& media,
                             const fs::path& bag) {
  BagCheck check = VerifyBag(bag);
  if (!check.problems.empty()) {
    Error e{ErrorCode::kInvalid,
            "the bag is not valid; nothing was imported",
            "túi không hợp lệ; không nhập gì",
            {}};
    for (const BagProblem& p : check.problems)
      e.fields.push_back({p.path, "bag", p.message_en, p.message_vi});
    return Fail(std::move(e));
  }
  if (!PlainPath(bag, kRecordsFile)) {
    return Fail(ErrorCode::kInvalid,
                "the bag has no data/records.jsonl: it is not a Disan bag; nothing was imported",
                "túi không có data/records.jsonl: đây không phải túi của Disan; không nhập gì");
  }
  // Pre-flight: everything that can be checked before anything is written.
  std::vector<FieldError> problems;
  std::vector<BagRecord> records = CheckRecords(catalogue, bag, problems);
  std::vector<BagMedia> files = CheckMedia(media, bag, records, problems);
  std::map<std::string, std::vector<const BagMedia*>> files_of;
  for (const BagMedia& m : files) files_of[m.pid].push_back(&m);
  for (const auto& [pid, list] : files_of) {
    if (media.HasObject(pid)) {
      problems.push_back(
          {list.front()->rel, "preservation",
           "the preservation store already has an object for " + pid +
               ", which this instance has no record of (left by an interrupted "
               "import? remove ocfl/" +
               media.ObjectPath(pid) + ")",
           "kho bảo quản đã có đối tượng cho " + pid +
               " mà ở đây không có bản ghi (do lần nhập bị gián đoạn? hãy xóa ocfl/" +
               media.ObjectPath(pid) + ")"});
    }
  }
  if (!problems.empty()) return NothingImported(std::move(problems));

  // One transaction for the records and the rows of their files; the files' OCFL versions are
  // committed inside it and removed again when it fails, so that nothing remains of a failure.
  BagSummary summary;
  std::vector<std::string> made_objects;
  std::vector<FieldError> failure;
  const std::string reason = "bag import " + bag.string();
  Status written = catalogue.store().Write([&](StoreWriter& w) -> Status {
    for (BagRecord& r : records) {
      if (!r.prepared) continue;
      Result<std::string> made = catalogue.CreatePrepared(w, *r.prepared, kBagger, reason);
      if (!made) {
        AddProblems(failure, Line(r.line), r.pid, made.error());
        return std::unexpected(made.error());
      }
      ++summary.records;
    }
    for (const BagRecord& r : records) {
      auto list = files_of.find(r.pid);
      if (list == files_of.end()) continue;
      std::vector<media::MediaService::StagedMedia> staged;
      for (const BagMedia* m : list->second) {
        Result<media::MediaService::StagedMedia> s = Stage(media, bag, *m);
        if (!s) {
          AddProblems(failure, m->rel, "", s.error());
          return std::unexpected(s.error());
        }
        staged.push_back(std::move(*s));
      }
      StoredRecord item = TRY(w.Get(r.pid));
      made_objects.push_back(r.pid);
      Result<std::vector<MediaAsset>> added = media.AddAllIn(w, item, std::move(staged), kBagger);
      if (!added) {
        AddProblems(failure, "data/media/" + r.pid, "", added.error());
        return std::unexpected(added.error());
      }
      for (const MediaAsset& a : *added) {
        ++summary.files;
        summary.bytes += static_cast<uint64_t>(a.size);
      }
    }
    return Ok();
  });
  if (!written) {
    Error e = written.error();
    for (const std::string& pid : made_objects) {
      Status discarded = media.DiscardObject(pid);
      if (!discarded) {
        e.message_en += "; and " + discarded.error().message_en;
        e.message_vi += "; và " + discarded.error().message_vi;
      }
    }
    if (failure.empty()) AddProblems(failure, "", "", e);
    e.message_en = "the bag could not be imported: " + e.message_en + "; nothing was imported";
    e.message_vi = "không thể nhập túi: " + e.message_vi + "; không nhập gì";
    e.fields = std::move(failure);
    return Fail(std::move(e));
  }
  return summary;
}

}  // namespace disan::interop::bagit
