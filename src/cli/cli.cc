#include "cli/cli.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <thread>

#include "catalogue/exporter.h"
#include "auth/audit_log.h"
#include "auth/permissions.h"
#include "auth/secret_box.h"
#include "catalogue/importer.h"
#include "cli/build_info.h"
#include "cli/user_command.h"
#include "cli/bag_cli.h"
#include "cli/harvest_cli.h"
#include "core/pid.h"
#include "cli/jobs_cli.h"
#include "http/server.h"
#include "media/iiif/image_service.h"
#include "media/jobs.h"
#include "media/store_check.h"
#include "media/media_service.h"
#include "preservation/storage_root.h"
#include "preservation/validator.h"
#include "store/sqlite/sqlite_store.h"
#include "workflow/record_audit.h"

#ifndef DISAN_DEMO_CSV
#define DISAN_DEMO_CSV "data/demo/daknong-heritage.csv"
#endif

namespace disan::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDatabaseFile = "disan.db";
constexpr const char* kPreservationDir = "ocfl";  // the OCFL storage root inside the data directory
constexpr const char* kDefaultNamespace = "dn";

struct Options {
  std::string data_dir;
  std::string listen = "127.0.0.1:8080";
  std::string ns = kDefaultNamespace;
  std::string file;
  std::string format = "jsonl";
  std::string output;
  std::string encoding;
  std::string mapping;
  bool dry_run = false;
  bool valid_rows_only = false;
  bool repair = false;
  uint64_t max_upload = uint64_t{1} << 40;
  std::string pid;
  std::vector<std::string> files;
  media::MediaInput media;
  size_t max_body = 1 << 20;
  int threads = 16;
  std::string public_url;
  interop::OaiSettings oai;
  std::string login;
  std::string role;
  std::string unit;
  interop::harvest::HarvestOptions harvest;
  double harvest_timeout = 60;
  std::string harvest_every = "1h";
  BagCliOptions bag;
  std::string static_dir;  // the portal's browser assets ("" = the build's static/)
  std::string tile_url;    // the portal map's tiles ("" = none: markers over a blank base)
  int64_t max_image_pixels = int64_t{1} << 30;
  uint64_t iiif_cache_mb = 512;
  media::iiif::Limits iiif_limits{10000, 10000, 40'000'000};
  bool all = false;
  std::vector<std::string> media_ids;
  std::string job_state;
  std::vector<std::string> harvest_sources;  // serve --harvest, repeatable
  bool harvest_status = false;               // harvest --status
};

// The harvest options shared by `disan harvest` and `disan serve --harvest`.
void HarvestOptionsOf(Options& o) {
  o.harvest.fetch.timeout =
      std::chrono::milliseconds(static_cast<int64_t>(o.harvest_timeout * 1000));
}

constexpr const char* kDerivativesDir = "derivatives";  // DATA/derivatives/<media id>/
constexpr const char* kIiifCacheDir = "cache/iiif";     // DATA/cache/iiif/

// An opened data directory: the store, the catalogue over it, the preservation store and the
// media service over both.
struct Instance {
  std::unique_ptr<MetadataStore> store;
  std::unique_ptr<Catalogue> catalogue;
  std::unique_ptr<preservation::StorageRoot> ocfl;
  std::unique_ptr<media::MediaService> media;
  std::shared_ptr<const auth::SecretBox> secret_box;  // DIR/secret.key (TOTP secrets)
};

// The data directory's key (made 0600 when missing); second factors stored in the clear
// before sealing existed are sealed now, and a key that does not open the sealed ones is
// refused here, before anything runs.
Result<std::shared_ptr<const auth::SecretBox>> OpenSecretBox(const std::string& dir,
                                                            MetadataStore& store) {
  auto box = TRY(auth::SecretBox::OpenKeyFile(fs::path(dir) / auth::SecretBox::kKeyFileName));
  TRY(auth::SealSecondFactors(store, *box));
  return box;
}

Result<std::unique_ptr<preservation::StorageRoot>> OpenPreservation(const std::string& dir) {
  // Data directories made before the preservation store existed get an empty one.
  return preservation::StorageRoot::Open(fs::path(dir) / kPreservationDir,
                                         preservation::StorageRoot::OpenMode::kCreateIfMissing);
}

Result<Instance> OpenInstance(const std::string& dir) {
  fs::path db = fs::path(dir) / kDatabaseFile;
  if (!fs::exists(db)) {
    return Fail(ErrorCode::kNotFound,
                dir + " is not a Disan data directory (run 'disan init " + dir + "' first)",
                dir + " không phải thư mục dữ liệu Disan (hãy chạy 'disan init " + dir + "' trước)");
  }
  Instance inst;
  inst.store = TRY(OpenSqliteStore(db.string()));
  inst.secret_box = TRY(OpenSecretBox(dir, *inst.store));
  std::optional<std::string> ns = TRY(inst.store->GetSetting("pid_namespace"));
  inst.catalogue = std::make_unique<Catalogue>(*inst.store, Schema::Builtin(), ns.value_or(kDefaultNamespace));
  workflow::AuditRecordChanges(*inst.catalogue);
  media::PreserveRecordChanges(*inst.catalogue);
  // A migration that changed what the search index holds asks for its rows to be rebuilt.
  if (TRY(inst.store->GetSetting("search_reindex_required")).value_or("0") == "1") {
    std::cerr << "rebuilding the search index after an upgrade / dựng lại chỉ mục tìm kiếm sau khi nâng cấp\n";
    TRY(inst.catalogue->Reindex());
  }
  return inst;
}

// Opens the preservation store and the media service, for the commands that write media (the
// others never touch DIR/ocfl, so they also work on a copy of the database alone).
Status OpenMedia(Instance& inst, const std::string& dir, const media::MediaOptions& options) {
  inst.ocfl = TRY(OpenPreservation(dir));
  inst.media = std::make_unique<media::MediaService>(*inst.catalogue, *inst.ocfl, options);
  return Ok();
}

Result<std::string> Init(const std::string& dir, const std::string& ns) {
  TRY(ValidatePidNamespace(ns));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable, "cannot create " + dir + ": " + ec.message(),
                "không tạo được thư mục " + dir + ": " + ec.message());
  }
  if (fs::exists(fs::path(dir) / kDatabaseFile)) {
    return Fail(ErrorCode::kConflict, dir + " already holds a Disan database",
                dir + " đã có cơ sở dữ liệu Disan");
  }
  auto store = TRY(OpenSqliteStore((fs::path(dir) / kDatabaseFile).string()));
  TRY(store->Write([&](StoreWriter& w) { return w.PutSetting("pid_namespace", ns); }));
  TRY(OpenSecretBox(dir, *store));
  TRY(OpenPreservation(dir));
  Catalogue catalogue(*store, Schema::Builtin(), ns);
  std::string token = TRY(catalogue.IssueToken("init"));
  TRY(auth::AppendAudit(*store, {"cli:init", "token.create", "admin", "",
                                 {{"label", "init"}, {"scope", "write"}, {"account", "admin"}}}));
  return token;
}

Result<std::pair<std::string, int>> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  auto bad = [&] {
    return Fail(ErrorCode::kInvalid, "--listen must be HOST:PORT, e.g. 127.0.0.1:8080, not '" + listen + "'",
                "--listen phải có dạng HOST:PORT, ví dụ 127.0.0.1:8080, không phải '" + listen + "'");
  };
  if (colon == std::string::npos || colon == 0) return bad();
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) return bad();
  } catch (...) {
    return bad();
  }
  if (port < 0 || port > 65535) return bad();
  return std::make_pair(host, port);
}

Status Serve(Instance& inst, const Options& o) {
  auto [host, port] = TRY(ParseListen(o.listen));
  TRY(OpenMedia(inst, o.data_dir, media::MediaOptions{o.max_upload, o.max_image_pixels}));
  // Derivatives are made by a worker thread from the jobs in the database.
  media::Derivatives derivatives(fs::path(o.data_dir) / kDerivativesDir);
  media::JobRunner jobs(*inst.store, *inst.ocfl, derivatives, {o.max_image_pixels});
  media::iiif::IiifOptions iiif;
  iiif.limits = o.iiif_limits;
  iiif.cache_dir = fs::path(o.data_dir) / kIiifCacheDir;
  iiif.cache_bytes = o.iiif_cache_mb << 20;
  media::iiif::ImageService images(*inst.media, derivatives, iiif);
  inst.media->SetJobListener([&jobs] { jobs.Notify(); });
  http::ServerOptions so;
  so.host = host;
  so.port = port;
  so.max_body_bytes = o.max_body;
  so.threads = o.threads;
  so.public_url = o.public_url;
  so.oai = o.oai;
  so.static_dir = o.static_dir;
  so.tile_url = o.tile_url;
  if (!o.tile_url.empty() && !std::regex_match(o.tile_url, std::regex(R"(https?://[^\s"'<>]+)"))) {
    return Fail(ErrorCode::kInvalid, "--tile-url must be an http:// or https:// URL template, not '" + o.tile_url + "'",
                "--tile-url phải là mẫu địa chỉ http:// hoặc https://, không phải '" + o.tile_url + "'");
  }
  so.iiif = &images;
  so.secret_box = inst.secret_box;
  TRY(interop::ValidateOaiSettings(so.oai));
  if (!o.public_url.empty() && !std::regex_match(o.public_url, std::regex(R"(https?://[^\s"'<>]+)"))) {
    return Fail(ErrorCode::kInvalid, "--public-url must be an http:// or https:// URL, not '" + o.public_url + "'",
                "--public-url phải là địa chỉ http:// hoặc https://, không phải '" + o.public_url + "'");
  }
  // The scheduled harvests (each --harvest, and DATA/harvest-sources.txt) are checked before
  // the server starts.
  std::vector<ScheduledHarvest> sources;
  {
    Options defaults = o;
    HarvestOptionsOf(defaults);
    ScheduledHarvest fallback{defaults.harvest, std::chrono::seconds(3600)};
    fs::path file = fs::path(o.data_dir) / kHarvestSourcesFile;
    std::error_code ec;
    if (!o.harvest_sources.empty() || fs::exists(file, ec)) {
      fallback.every = TRY(ParseInterval(o.harvest_every));
    }
    for (const std::string& spec : o.harvest_sources) {
      sources.push_back(TRY(ParseHarvestSource(spec, fallback)));
    }
    for (ScheduledHarvest& s : TRY(ReadHarvestSources(file, fallback)))
      sources.push_back(std::move(s));
  }
  http::HttpServer server(*inst.catalogue, so, inst.media.get());
  // Signals are taken by a thread of our own, so Stop() never runs inside a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  int bound = TRY(server.Bind());
  std::unique_ptr<HarvestSchedule> schedule;
  if (!sources.empty()) {
    schedule = std::make_unique<HarvestSchedule>(*inst.catalogue, std::move(sources));
  }
  std::cout << "listening on http://" << (host.find(':') != std::string::npos ? "[" + host + "]" : host)
            << ":" << bound << std::endl;
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.Stop();
  });
  // The search index is built while the server already answers; a search that comes first
  // waits for it.
  std::atomic<bool> stopping{false};
  std::thread warm([&] {
    auto start = std::chrono::steady_clock::now();
    if (inst.store->PrepareSearch(stopping)) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cerr << "search index ready in " << std::fixed << std::setprecision(1) << seconds
                << " s / chỉ mục tìm kiếm sẵn sàng sau " << seconds << " giây" << std::endl;
    }
  });
  jobs.Start();
  Status result = server.Run();
  schedule.reset();
  jobs.Stop();
  stopping = true;
  warm.join();
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return result;
}

Status PrintReport(const ImportReport& r, const Options& o) {
  for (const ImportProblem& p : r.warnings) std::cerr << "warning: " << p.Describe() << "\n";
  for (const ImportProblem& p : r.errors) std::cerr << "error: " << p.Describe() << "\n";
  if (r.error_count > r.errors.size() || r.warning_count > r.warnings.size()) {
    std::cerr << "(only the first " << r.errors.size() << " errors and " << r.warnings.size()
              << " warnings are listed)\n";
  }
  std::cerr << "read " << r.rows << " rows (" << r.format << ", " << EncodingName(r.encoding) << "), "
            << r.error_count << " errors, " << r.warning_count << " warnings\n";
  if (o.dry_run) {
    std::cout << (r.errors.empty() ? "dry run: all rows are valid; nothing written\n"
                                   : "dry run: nothing written\n");
  } else if (r.committed) {
    std::cout << "imported " << r.imported << " records\n";
  }
  if (!r.errors.empty()) {
    std::string n = std::to_string(r.error_count);
    std::string verdict = r.committed ? "imported the valid rows; " + n + " rows refused"
                                      : "nothing imported: " + n + " rows have errors (see above)";
    std::string verdict_vi = r.committed ? "đã nhập các dòng hợp lệ; " + n + " dòng bị từ chối"
                                         : "không nhập gì: " + n + " dòng có lỗi (xem ở trên)";
    return Fail(ErrorCode::kInvalid, verdict, verdict_vi);
  }
  return Ok();
}

Status Import(Instance& inst, const Options& o) {
  ImportOptions io;
  if (!o.encoding.empty()) io.encoding = TRY(ParseEncodingName(o.encoding));
  io.run = o.dry_run ? ImportRun::kDryRun : ImportRun::kWrite;
  io.mode = o.valid_rows_only ? ImportMode::kValidRowsOnly : ImportMode::kAllOrNothing;
  if (!o.mapping.empty()) {
    std::ifstream in(o.mapping);
    io.mapping = nlohmann::json::parse(in, nullptr, false);
    if (!in || io.mapping.is_discarded() || !io.mapping.is_object()) {
      return Fail(ErrorCode::kInvalid, "the mapping file " + o.mapping + " is not a JSON object",
                  "tệp ánh xạ cột " + o.mapping + " không phải đối tượng JSON");
    }
  }
  io.progress = [](size_t rows) { std::cerr << "\r" << rows << " rows…" << std::flush; };
  Actor actor{"cli:import", Audience::kStaff};
  ImportReport report = TRY(ImportFile(*inst.catalogue, o.file, io, actor));
  if (report.rows >= 1000) std::cerr << "\n";
  return PrintReport(report, o);
}

Status Export(Instance& inst, const Options& o) {
  ExportFormat format;
  if (o.format == "jsonl") format = ExportFormat::kJsonLines;
  else if (o.format == "csv") format = ExportFormat::kCsv;
  else return Fail(ErrorCode::kInvalid, "--format must be csv or jsonl", "--format phải là csv hoặc jsonl");
  // The whole catalogue, restricted records included, leaves a trace in the audit log.
  const char* user = std::getenv("USER");
  TRY(auth::AppendAudit(*inst.store, {std::string("cli:") + (user ? user : "?"), "export." + o.format,
                                      o.output.empty() ? "(standard output)" : o.output, "",
                                      {{"format", o.format}}}));
  if (o.output.empty()) return ExportCatalogue(*inst.catalogue, format, std::cout);
  std::string tmp = o.output + ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Fail(ErrorCode::kUnavailable, "cannot write " + tmp, "không ghi được " + tmp);
    TRY(ExportCatalogue(*inst.catalogue, format, out));
    out.flush();
    if (!out) return Fail(ErrorCode::kUnavailable, "cannot write " + tmp, "không ghi được " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, o.output, ec);
  if (ec) return Fail(ErrorCode::kUnavailable, "cannot write " + o.output, "không ghi được " + o.output);
  return Ok();
}

std::string Plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string HumanSize(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

// Checks the preservation store; with --repair first completes interrupted writes and removes
// what they left in the staging area.
Status Fsck(const Options& o) {
  if (!fs::exists(fs::path(o.data_dir) / kDatabaseFile)) {
    return Fail(ErrorCode::kNotFound, o.data_dir + " is not a Disan data directory",
                o.data_dir + " không phải thư mục dữ liệu Disan");
  }
  const fs::path root = fs::path(o.data_dir) / kPreservationDir;
  preservation::ValidationReport report = preservation::ValidateStorageRoot(root);
  if (o.repair && report.Errors() > 0) {
    auto opened =
        preservation::StorageRoot::Open(root, preservation::StorageRoot::OpenMode::kExisting);
    if (opened) {
      for (const std::string& id : report.object_ids) {
        Result<bool> repaired = (*opened)->Repair(id);
        if (repaired && *repaired) {
          std::cout << "repaired: " << (root / (*opened)->ObjectPath(id)).string()
                    << ": completed an interrupted write / đã hoàn tất một lần ghi bị gián đoạn\n";
        }
      }
      report = preservation::ValidateStorageRoot(root);
    }
  }
  for (const preservation::Finding& f : report.findings) {
    std::cout << (f.severity == preservation::Severity::kError ? "error: " : "warning: ")
              << (f.path.empty() ? root : root / f.path).string() << ": " << f.message_en << " / "
              << f.message_vi;
    if (!f.code.empty()) std::cout << " [" << f.code << "]";
    std::cout << "\n";
  }
  // The catalogue's media list against the store: each listed file where it says, with its
  // digests and size (the validator above checked the bytes against the inventories).
  size_t media_errors = 0, media_checked = 0, orphan_warnings = 0;
  if (auto opened = preservation::StorageRoot::Open(root, preservation::StorageRoot::OpenMode::kExisting)) {
    auto db = OpenSqliteStore((fs::path(o.data_dir) / kDatabaseFile).string());
    if (!db) return std::unexpected(db.error());
    media::MediaCheckReport listed = TRY(media::CheckMediaInStore(**db, **opened));
    media_checked = listed.assets;
    for (const preservation::Finding& f : listed.findings) {
      std::cout << "error: " << (root / f.path).string() << ": " << f.message_en << " / "
                << f.message_vi << "\n";
      ++media_errors;
    }
    // Objects nothing in the catalogue names: warnings, they lose nothing by staying.
    preservation::Findings orphans =
        TRY(media::FindOrphanObjects(**db, **opened, report.object_ids));
    for (const preservation::Finding& f : orphans) {
      std::cout << "warning: " << (root / f.path).string() << ": " << f.message_en << " / "
                << f.message_vi << "\n";
    }
    orphan_warnings = orphans.size();
  }
  const size_t errors = report.Errors() + media_errors;
  std::cout << "checked " << Plural(media_checked, "catalogue media row") << " against the store\n";
  std::cout << "checked " << Plural(report.objects, "object") << ", "
            << Plural(report.files, "file") << ", " << HumanSize(report.bytes) << ": "
            << Plural(errors, "error") << ", "
            << Plural(report.Warnings() + orphan_warnings, "warning") << "\n";
  if (errors > 0) {
    return Fail(ErrorCode::kCorrupt,
                "the preservation store has " + Plural(errors, "error") + " (listed above)",
                "kho lưu trữ bảo quản có " + std::to_string(errors) + " lỗi (liệt kê ở trên)");
  }
  return Ok();
}

// Sends one file through the media service, reporting progress on standard error.
Result<MediaAsset> AddMediaFile(Instance& inst, const std::string& pid, const std::string& file,
                                const media::MediaInput& input, const Actor& actor) {
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::string reason = std::strerror(errno);
    return Fail(ErrorCode::kNotFound, "cannot read " + file + ": " + reason,
                "không đọc được " + file + " (" + reason + ")");
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st;
  uint64_t total = fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  media::Upload upload = TRY(inst.media->BeginUpload());
  // On a terminal one line is redrawn; otherwise (a log) a line every tenth, for big files.
  const bool tty = isatty(STDERR_FILENO) != 0;
  const bool report = tty || total >= (uint64_t{8} << 20);
  int last_tenth = 0;
  auto last_draw = std::chrono::steady_clock::now();
  std::vector<char> buffer(1 << 20);
  uint64_t done = 0;
  for (;;) {
    ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string reason = std::strerror(errno);
      return Fail(ErrorCode::kUnavailable, "cannot read " + file + ": " + reason,
                  "không đọc được " + file + " (" + reason + ")");
    }
    if (n == 0) break;
    TRY(upload.Write(buffer.data(), static_cast<size_t>(n)));
    done += static_cast<uint64_t>(n);
    if (!report || total == 0) continue;
    int percent = static_cast<int>(std::min<uint64_t>(100, done * 100 / total));
    auto now = std::chrono::steady_clock::now();
    if (tty && (now - last_draw > std::chrono::milliseconds(100) || done == total)) {
      std::cerr << "\r" << file << ": " << percent << "% (" << HumanSize(done) << " of "
                << HumanSize(total) << ")" << std::flush;
      last_draw = now;
    } else if (!tty && percent / 10 > last_tenth) {
      last_tenth = percent / 10;
      std::cerr << file << ": " << percent << "% (" << HumanSize(done) << " of " << HumanSize(total)
                << ")\n"
                << std::flush;
    }
  }
  if (tty && report) std::cerr << "\n";
  return inst.media->Add(pid, std::move(upload), input, actor);
}

// Adds every file to the item; one line per added file on standard output: "<media id>\t<file>".
Status AddMedia(Instance& inst, const Options& o) {
  const Actor actor{"cli:media", Audience::kStaff};
  Result<std::string> pid = ParsePid(o.pid);
  if (!pid)
    return Fail(ErrorCode::kInvalid, "PID: " + pid.error().message_en,
                "PID: " + pid.error().message_vi);
  // Refuse a typo in the last file name before anything is stored.
  for (const std::string& file : o.files) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec) || access(file.c_str(), R_OK) != 0) {
      return Fail(ErrorCode::kNotFound, file + " is not a readable file; nothing was added",
                  file + " không phải tệp đọc được; chưa thêm tệp nào");
    }
  }
  media::MediaInput base = TRY(inst.media->Prepare(*pid, o.media, actor));
  size_t failed = 0;
  for (const std::string& file : o.files) {
    media::MediaInput input = base;
    input.filename = fs::path(file).filename().string();
    Result<MediaAsset> added = AddMediaFile(inst, *pid, file, input, actor);
    if (added) {
      std::cout << added->id << "\t" << file << std::endl;
    } else {
      ++failed;
      std::cerr << "disan media add: " << file << ": " << added.error().Describe() << "\n";
    }
  }
  if (failed > 0) {
    return Fail(ErrorCode::kInvalid,
                std::to_string(failed) + " of " + std::to_string(o.files.size()) +
                    " files were not added (see above)",
                std::to_string(failed) + " trên " + std::to_string(o.files.size()) +
                    " tệp không được thêm (xem ở trên)");
  }
  return Ok();
}

Status Demo(const Options& o) {
  if (!fs::exists(fs::path(o.data_dir) / kDatabaseFile)) {
    std::string token = TRY(Init(o.data_dir, o.ns));
    std::cout << "created " << o.data_dir << "; API token (shown once): " << token << std::endl;
    Instance inst = TRY(OpenInstance(o.data_dir));
    Options io = o;
    io.file = o.file.empty() ? DISAN_DEMO_CSV : o.file;
    TRY(Import(inst, io));
  }
  Instance inst = TRY(OpenInstance(o.data_dir));
  return Serve(inst, o);
}

struct Command {
  const char* name;
  const char* help;
  std::function<void(CLI::App&, Options&)> options;
  std::function<Status(Options&)> run;
  const char* group = nullptr;  // `disan media add`, `disan user add`, `disan bag export`...
};

const char* GroupHelp(const std::string& group) {
  if (group == "media") return "Media files of heritage items: add";
  if (group == "user") return "Accounts: add, reset-link";
  if (group == "audit") return "The tamper-evident audit log: verify";
  if (group == "bag")
    return "BagIt (RFC 8493) packages of items with their media: export, verify, import";
  return "";
}

void DataOption(CLI::App& app, Options& o) {
  app.add_option("--data", o.data_dir, "Data directory (holds disan.db)")->required();
}

// How the server names itself to the outside: OAI-PMH and the change feed (docs/interop.md).
void PublishingOptions(CLI::App& app, Options& o) {
  app.add_option("--public-url", o.public_url,
                 "Root URL clients reach this server at, e.g. https://disan.example.org (default: http:// + Host)");
  app.add_option("--oai-repository-id", o.oai.repository_id,
                 "OAI-PMH repository identifier, a domain name you control (identifiers are oai:ID:pid; "
                 "default disan.localhost)");
  app.add_option("--oai-repository-name", o.oai.repository_name, "OAI-PMH repositoryName (default Disan)");
  app.add_option("--oai-admin-email", o.oai.admin_emails, "OAI-PMH adminEmail (repeat for several)");
  app.add_option("--tile-url", o.tile_url,
                 "Portal map tiles, e.g. https://tiles.example.org/{z}/{x}/{y}.png (default: none, "
                 "markers over a blank base, works offline)");
  app.add_option("--static-dir", o.static_dir,
                 "Folder of the portal's bundled browser assets (default: the build's static/)");
}

// Images declaring more pixels are refused at upload and never decoded.
void ImageOptions(CLI::App& app, Options& o) {
  app.add_option("--max-image-pixels", o.max_image_pixels,
                 "Largest image accepted, in pixels (default 1073741824)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"init", "Create a data directory and print its first API token",
       [](CLI::App& app, Options& o) {
         app.add_option("dir", o.data_dir, "Directory to create")->required();
         app.add_option("--namespace", o.ns, "Identifier namespace of the issuing authority (default dn)");
       },
       [](Options& o) -> Status {
         std::string token = TRY(Init(o.data_dir, o.ns));
         std::cout << "created " << o.data_dir << "\nAPI token (shown once, keep it safe): " << token << "\n";
         return Ok();
       }},
      {"serve", "Serve the API and pages over HTTP",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("--listen", o.listen, "HOST:PORT (port 0 picks a free port)");
         app.add_option("--max-body", o.max_body, "Largest request body in bytes (default 1 MiB)");
         app.add_option("--threads", o.threads, "Requests served at once (default 16; idle connections need none)")->check(CLI::Range(1, 1024));
         PublishingOptions(app, o);
         app.add_option("--max-upload", o.max_upload,
                        "Largest media file in bytes (default 1 TiB)");
         app.add_option("--harvest", o.harvest_sources,
                        "Harvest this OAI-PMH source at start and then every --harvest-every; "
                        "repeatable; 'URL [set=S] [format=F] [every=1h]' (also one a line in "
                        "DATA/harvest-sources.txt); one harvest runs at a time");
         app.add_option("--harvest-every", o.harvest_every,
                        "How often to harvest: 30m, 1h, 1d (default 1h)");
         app.add_option("--harvest-set", o.harvest.set, "setSpec to harvest (default: everything)");
         app.add_option("--harvest-format", o.harvest.format, "disan (default) or oai_dc");
         ImageOptions(app, o);
         app.add_option("--iiif-cache-mb", o.iiif_cache_mb,
                        "Bound of the on-disk cache of IIIF images in MiB (default 512; 0 = none)");
         app.add_option("--iiif-max-width", o.iiif_limits.max_width, "IIIF maxWidth (default 10000)")
             ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
         app.add_option("--iiif-max-height", o.iiif_limits.max_height, "IIIF maxHeight (default 10000)")
             ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
         app.add_option("--iiif-max-area", o.iiif_limits.max_area, "IIIF maxArea in pixels (default 40000000)")
             ->check(CLI::Range(int64_t{1}, int64_t{1} << 36));
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         return Serve(inst, o);
       }},
      {"import", "Import records from CSV or JSON Lines (all or nothing)",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("file", o.file, "CSV or JSON Lines file")->required();
         app.add_option("--encoding", o.encoding,
                        "utf-8, utf-16, windows-1258, tcvn3 or vni (default: detect)");
         app.add_option("--mapping", o.mapping, "JSON file mapping the spreadsheet's columns to ours");
         app.add_flag("--dry-run", o.dry_run, "Validate only; write nothing");
         app.add_flag("--valid-rows-only", o.valid_rows_only, "Import the valid rows even if others fail");
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         return Import(inst, o);
       }},
      {"export", "Export all records as JSON Lines or CSV",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("--format", o.format, "jsonl or csv (default jsonl)");
         app.add_option("--output", o.output, "File to write (default: standard output)");
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         return Export(inst, o);
       }},
      {"harvest", "Harvest an OAI-PMH repository into this instance (incremental, resumable)",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("url", o.harvest.url,
                        "Base URL of the OAI-PMH repository, e.g. https://host/oai");
         app.add_flag("--status", o.harvest_status,
                      "Show each source's last run and result instead of harvesting");
         app.add_option("--set", o.harvest.set, "setSpec to harvest (default: everything)");
         app.add_option("--format", o.harvest.format,
                        "disan (lossless, between Disans; default) or oai_dc (any repository)");
         app.add_option("--timeout", o.harvest_timeout,
                        "Seconds to wait for each answer (default 60)")
             ->check(CLI::Range(0.01, 3600.0));
         app.add_option("--max-pages", o.harvest.max_pages,
                        "Stop after this many pages (the next run resumes)");
         app.add_flag("--restart", o.harvest.restart,
                      "Forget the token of an interrupted run and start that run again");
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         if (o.harvest_status) {
           if (!o.harvest.url.empty()) {
             return Fail(ErrorCode::kInvalid, "--status takes no URL",
                         "--status không nhận địa chỉ URL");
           }
           return PrintHarvestStatus(*inst.store, std::cout);
         }
         if (o.harvest.url.empty()) {
           return Fail(ErrorCode::kInvalid, "give the repository's base URL (or --status)",
                       "hãy cho địa chỉ gốc của kho (hoặc --status)");
         }
         HarvestOptionsOf(o);
         o.harvest.progress = [](const std::string& line) { std::cerr << line << "\n"; };
         return RunHarvest(*inst.catalogue, o.harvest);
       }},
      {"version", "Print the version and the commit this binary was built from",
       [](CLI::App&, Options&) {},
       [](Options&) -> Status {
         std::cout << "disan " << BuildVersion() << " (" << BuildCommit() << ")\n";
         return Ok();
       }},
      {"reindex", "Rebuild the search index and filter terms from the records",
       [](CLI::App& app, Options& o) { DataOption(app, o); },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         size_t n = TRY(inst.catalogue->Reindex());
         std::cout << "reindexed " << n << " records\n";
         return Ok();
       }},
      {"fsck", "Check the preservation store: structure, inventories and every file's digests",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_flag("--repair", o.repair,
                      "First complete interrupted writes and remove what they left behind");
       },
       Fsck},
      {"add", "Add files to a heritage item; prints '<media id><TAB><file>' for each",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("pid", o.pid, "Identifier of the heritage item")->required();
         app.add_option("files", o.files, "Files to add (their type is read from their content)")
             ->required();
         app.add_option("--role", o.media.role,
                        "master (default), access_copy, page_scan, panorama, model_3d, recording");
         app.add_option("--caption-vi", o.media.caption_vi, "Caption in Vietnamese");
         app.add_option("--caption-en", o.media.caption_en, "Caption in English");
         app.add_option("--creator", o.media.creator,
                        "Who made the file (photographer, scanner operator)");
         app.add_option("--date", o.media.date, "When it was made: YYYY, YYYY-MM or YYYY-MM-DD");
         app.add_option("--licence", o.media.licence, "Licence id (default: the item's)");
         app.add_option("--rights-holder", o.media.rights_holder,
                        "Rights holder (default: the item's)");
         app.add_option("--visibility", o.media.visibility, "public (default) or restricted");
         ImageOptions(app, o);
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         TRY(OpenMedia(inst, o.data_dir, media::MediaOptions{uint64_t{1} << 40, o.max_image_pixels}));
         return AddMedia(inst, o);
       },
       "media"},
      {"jobs", "List the background jobs (derivatives), newest first",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("--state", o.job_state, "Only jobs in this state: queued, running, done, failed");
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         return PrintJobs(*inst.store, o.job_state, std::cout);
       }},
      {"derive", "Make (again) the derivatives of media now: pyramid and thumbnail of each image",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_flag("--all", o.all, "Every media asset");
         app.add_option("media", o.media_ids, "Media identifiers");
         ImageOptions(app, o);
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         TRY(OpenMedia(inst, o.data_dir, {}));
         media::Derivatives derivatives(fs::path(o.data_dir) / kDerivativesDir);
         media::JobRunner runner(*inst.store, *inst.ocfl, derivatives, {o.max_image_pixels});
         return DeriveNow(*inst.store, runner, o.all, o.media_ids, std::cout, std::cerr);
       }},
      {"add", "Create an account; its password is read from standard input",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("login", o.login, "Login: 2-64 of a-z 0-9 . _ - @")->required();
         app.add_option("--role", o.role,
                        "administrator, curator, unit_editor, reviewer or contributor")
             ->required();
         app.add_option("--unit", o.unit, "PID of the organisation (required for unit_editor)");
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         return AddUser(*inst.store, o.login, o.role, o.unit, std::cin, std::cout);
       },
       "user"},
      {"reset-link", "Print a one-time password-reset token for an account (valid 24 hours)",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("login", o.login, "Login of the account (the first one is 'admin')")->required();
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         return IssueResetLink(*inst.store, o.login, std::cout);
       },
       "user"},
      {"verify", "Check the audit log's hash chain; exits non-zero naming the first broken entry",
       [](CLI::App& app, Options& o) { DataOption(app, o); },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         return VerifyAuditLog(*inst.store, std::cout);
       },
       "audit"},
      {"permissions", "Print the permission table as Markdown (docs/permissions.md)",
       [](CLI::App&, Options&) {},
       [](Options&) -> Status {
         std::cout << auth::PermissionsMarkdown();
         return Ok();
       }},
      {"export", "Write a BagIt bag of one item, a set or everything, with the media files",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("--pid", o.bag.selection.pid, "One heritage item");
         app.add_option("--set", o.bag.selection.set,
                        "The items of an OAI-PMH set: kind:relic, level:national, commune:24853");
         app.add_flag("--all", o.bag.selection.all, "Every record");
         app.add_option("--output", o.bag.output, "The bag directory to create (must not exist)")
             ->required();
         app.add_option("--source-organization", o.bag.source_organisation,
                        "Source-Organization of bag-info.txt");
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         inst.ocfl = TRY(OpenPreservation(o.data_dir));
         return BagExport(*inst.catalogue, *inst.ocfl, o.bag);
       },
       "bag"},
      {"verify", "Check a bag: manifests, digests, paths; names every bad file",
       [](CLI::App& app, Options& o) {
         app.add_option("bag", o.bag.bag, "The bag directory")->required();
       },
       [](Options& o) -> Status { return BagVerify(o.bag); }, "bag"},
      {"import", "Verify a bag, then restore its records and media files (all records or none)",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("bag", o.bag.bag, "The bag directory")->required();
       },
       [](Options& o) -> Status {
         Instance inst = TRY(OpenInstance(o.data_dir));
         TRY(OpenMedia(inst, o.data_dir, {}));
         return BagImport(*inst.catalogue, *inst.media, o.bag);
       },
       "bag"},
      {"demo", "Create DIR with the Đắk Nông demo data if it is new, then serve it",
       [](CLI::App& app, Options& o) {
         DataOption(app, o);
         app.add_option("--listen", o.listen, "HOST:PORT (port 0 picks a free port)");
         app.add_option("--file", o.file, "Demo CSV (default: the bundled data/demo file)");
         PublishingOptions(app, o);
       },
       Demo},
  };
  return commands;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"Disan: cultural heritage catalogue / cơ sở dữ liệu di sản văn hóa", "disan"};
  app.require_subcommand(1);
  // A file too big for the process's limits is an error to report, not a reason to die.
  signal(SIGXFSZ, SIG_IGN);
  Options options;
  std::vector<std::pair<CLI::App*, const Command*>> subs;
  std::map<std::string, CLI::App*> groups;
  for (const Command& c : Commands()) {
    CLI::App* parent = &app;
    if (c.group) {
      CLI::App*& group = groups[c.group];
      if (!group) {
        group = app.add_subcommand(c.group, GroupHelp(c.group));
        group->require_subcommand(1);
      }
      parent = group;
    }
    CLI::App* sub = parent->add_subcommand(c.name, c.help);
    c.options(*sub, options);
    subs.emplace_back(sub, &c);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (auto& [sub, command] : subs) {
    if (!sub->parsed()) continue;
    try {
      Status s = command->run(options);
      if (!s) {
        std::cerr << "disan " << (command->group ? std::string(command->group) + " " : "")
                  << command->name << ": " << s.error().Describe() << "\n";
        return 1;
      }
      return 0;
    } catch (const std::exception& e) {
      std::cerr << "disan " << command->name << ": " << e.what() << "\n";
      return 2;
    }
  }
  return 1;
}

}  // namespace disan::cli
