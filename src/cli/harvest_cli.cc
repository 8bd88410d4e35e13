#include "cli/harvest_cli.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "core/clock.h"
#include "interop/harvest_runs.h"

namespace disan::cli {

using interop::harvest::HarvestOptions;
using interop::harvest::HarvestReport;
using nlohmann::json;

namespace {

constexpr size_t kMaxSourceSpec = 4096;
constexpr size_t kMaxSourcesFile = size_t{1} << 20;
constexpr size_t kMaxSources = 100;

std::string Counts(const HarvestReport& r) {
  return std::to_string(r.pages) + " pages, " + std::to_string(r.created) + " created, " +
         std::to_string(r.updated) + " updated, " + std::to_string(r.restored) + " restored, " +
         std::to_string(r.deleted) + " deleted, " + std::to_string(r.unchanged) + " unchanged, " +
         std::to_string(r.refused) + " refused";
}

std::unexpected<Error> BadSource(const std::string& en, const std::string& vi) {
  return Fail(ErrorCode::kInvalid, "harvest source: " + en, "nguồn thu thập: " + vi);
}

}  // namespace

Status RunHarvest(Catalogue& catalogue, const HarvestOptions& options) {
  std::string started = NowRfc3339();
  Result<HarvestReport> outcome = interop::harvest::Harvest(catalogue, options);
  Status recorded = RecordHarvestRun(catalogue.store(), options, started, outcome);
  if (!recorded) {
    std::cerr << "warning: the run was not recorded / không ghi lại được lần chạy: "
              << recorded.error().Describe() << "\n";
  }
  HarvestReport r = TRY(std::move(outcome));
  for (const std::string& p : r.problems) std::cerr << "refused: " << p << "\n";
  for (const auto& [element, count] : r.unmapped) {
    std::cerr << "not mapped / không ánh xạ được: " << element << " ×" << count << "\n";
  }
  std::cout << (r.complete ? "harvested " : "harvested part of ") << options.url
            << (options.set.empty() ? "" : " set " + options.set) << " (" << options.format << ", "
            << (r.resumed        ? "resumed"
                : r.from.empty() ? "full"
                                 : "from " + r.from)
            << "): " << r.pages << " pages, " << r.created << " created, " << r.updated
            << " updated, " << r.restored << " restored, " << r.deleted << " deleted, "
            << r.unchanged << " unchanged, " << r.refused << " refused\n";
  if (!r.complete) {
    std::cout << "stopped after " << r.pages
              << " pages; the next run resumes / lần chạy sau sẽ tiếp tục\n";
  }
  if (r.refused > 0) {
    std::string n = std::to_string(r.refused);
    return Fail(ErrorCode::kInvalid,
                n + " records were refused (listed above); the others were harvested",
                n + " bản ghi bị từ chối (liệt kê ở trên); các bản ghi khác đã được thu thập");
  }
  return Ok();
}

Result<std::chrono::seconds> ParseInterval(const std::string& text) {
  static const std::regex re(R"(^([0-9]{1,6})([smhd])$)");
  std::smatch m;
  if (std::regex_match(text, m, re)) {
    int64_t n = std::stoll(m[1].str());
    int64_t unit = m[2] == "s" ? 1 : m[2] == "m" ? 60 : m[2] == "h" ? 3600 : 86400;
    if (n * unit >= 60) return std::chrono::seconds(n * unit);
  }
  return Fail(
      ErrorCode::kInvalid,
      "--harvest-every must be like 30m, 1h or 1d (at least 1 minute), not '" + text + "'",
      "--harvest-every phải có dạng 30m, 1h hoặc 1d (ít nhất 1 phút), không phải '" + text + "'");
}

Result<ScheduledHarvest> ParseHarvestSource(const std::string& spec,
                                            const ScheduledHarvest& defaults) {
  if (spec.size() > kMaxSourceSpec) {
    return BadSource("longer than " + std::to_string(kMaxSourceSpec) + " bytes",
                     "dài hơn " + std::to_string(kMaxSourceSpec) + " byte");
  }
  for (unsigned char c : spec) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return BadSource("contains control characters", "chứa ký tự điều khiển");
    }
  }
  ScheduledHarvest s = defaults;
  s.options.url.clear();
  std::istringstream words(spec);
  std::string word;
  while (words >> word) {
    if (s.options.url.empty()) {
      s.options.url = word;
      continue;
    }
    size_t eq = word.find('=');
    std::string key = word.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : word.substr(eq + 1);
    if (eq != std::string::npos && key == "set") {
      s.options.set = value;
    } else if (eq != std::string::npos && key == "format") {
      s.options.format = value;
    } else if (eq != std::string::npos && key == "every") {
      Result<std::chrono::seconds> every = ParseInterval(value);
      if (!every) {
        return BadSource(
            "every=" + value.substr(0, 40) + " is not like 30m, 1h or 1d (at least 1 minute)",
            "every=" + value.substr(0, 40) + " không có dạng 30m, 1h hoặc 1d (ít nhất 1 phút)");
      }
      s.every = *every;
    } else {
      std::string w = word.substr(0, 60);
      return BadSource("'" + w + "' is none of set=…, format=…, every=…",
                       "'" + w + "' không phải set=…, format=… hay every=…");
    }
  }
  if (s.options.url.empty()) return BadSource("no URL", "thiếu địa chỉ URL");
  Status checked = interop::harvest::CheckHarvestOptions(s.options);
  if (!checked) {
    return BadSource(checked.error().message_en, checked.error().message_vi);
  }
  return s;
}

Result<std::vector<ScheduledHarvest>> ReadHarvestSources(const std::filesystem::path& file,
                                                         const ScheduledHarvest& defaults) {
  std::vector<ScheduledHarvest> sources;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return sources;
  std::string name = file.string();
  if (!std::filesystem::is_regular_file(file, ec) ||
      std::filesystem::file_size(file, ec) > kMaxSourcesFile) {
    return Fail(ErrorCode::kInvalid, name + " is not a file of at most 1 MiB",
                name + " không phải tệp tối đa 1 MiB");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail(ErrorCode::kUnavailable, "cannot read " + name, "không đọc được " + name);
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    Result<ScheduledHarvest> s = ParseHarvestSource(line, defaults);
    if (!s) {
      return Fail(ErrorCode::kInvalid,
                  name + " line " + std::to_string(n) + ": " + s.error().message_en,
                  name + " dòng " + std::to_string(n) + ": " + s.error().message_vi);
    }
    if (sources.size() == kMaxSources) {
      return Fail(ErrorCode::kInvalid,
                  name + " names more than " + std::to_string(kMaxSources) + " sources",
                  name + " có hơn " + std::to_string(kMaxSources) + " nguồn");
    }
    sources.push_back(std::move(*s));
  }
  return sources;
}

Status RecordHarvestRun(MetadataStore& store, const HarvestOptions& o, const std::string& started,
                        const Result<HarvestReport>& outcome) {
  interop::HarvestRun run;
  run.url = o.url;
  run.set = o.set;
  run.format = o.format;
  run.started = started;
  run.finished = NowRfc3339();
  run.ok = outcome.has_value();
  if (outcome) {
    run.complete = outcome->complete;
    run.summary = Counts(*outcome);
  } else {
    run.error_en = outcome.error().message_en;
    run.error_vi = outcome.error().message_vi;
  }
  return interop::PutHarvestRun(store, run);
}

Status PrintHarvestStatus(MetadataStore& store, std::ostream& out) {
  std::vector<interop::HarvestRun> runs = TRY(interop::HarvestRuns(store));
  if (runs.empty()) {
    out << "no harvest has run here yet / chưa có lần thu thập nào\n";
    return Ok();
  }
  for (const interop::HarvestRun& r : runs) {
    out << r.url << (r.set.empty() ? "" : " set=" + r.set) << " format=" << r.format << "\n";
    out << "  last run / lần chạy cuối: " << r.started << " – " << r.finished << ": ";
    if (r.ok) {
      out << (r.complete ? "ok, " : "ok (part of the list), ") << r.summary << "\n";
    } else {
      out << "failed / thất bại: " << r.error_en << " / " << r.error_vi << "\n";
    }
    if (!r.next_from.empty()) {
      out << "  next run asks from / lần sau thu thập từ: " << r.next_from << "\n";
    }
    if (r.resumes) {
      out << "  an interrupted run resumes at the next run / lần chạy dở sẽ tiếp tục ở lần sau\n";
    }
  }
  return Ok();
}

HarvestSchedule::HarvestSchedule(Catalogue& catalogue, std::vector<ScheduledHarvest> sources)
    : catalogue_(catalogue), sources_(std::move(sources)), thread_([this] { Loop(); }) {}

HarvestSchedule::~HarvestSchedule() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void HarvestSchedule::Loop() {
  using Clock = std::chrono::steady_clock;
  std::vector<Clock::time_point> due(sources_.size(), Clock::now());
  std::unique_lock lock(mutex_);
  while (!stopping_ && !sources_.empty()) {
    for (size_t i = 0; i < sources_.size() && !stopping_; ++i) {
      if (due[i] > Clock::now()) continue;
      lock.unlock();
      const HarvestOptions& options = sources_[i].options;
      std::string started = NowRfc3339();
      Result<HarvestReport> r = interop::harvest::Harvest(catalogue_, options);
      Status recorded = RecordHarvestRun(catalogue_.store(), options, started, r);
      std::string what = options.url + (options.set.empty() ? "" : " set " + options.set);
      if (r) {
        std::cerr << "harvest " << what << ": " << r->created << " created, " << r->updated
                  << " updated, " << r->deleted << " deleted, " << r->refused << " refused"
                  << std::endl;
      } else {
        std::cerr << "harvest " << what << " failed / thu thập thất bại: " << r.error().Describe()
                  << std::endl;
      }
      if (!recorded) {
        std::cerr << "harvest " << what << ": the run was not recorded / không ghi lại được: "
                  << recorded.error().Describe() << std::endl;
      }
      due[i] = Clock::now() + sources_[i].every;
      lock.lock();
    }
    wake_.wait_until(lock, *std::min_element(due.begin(), due.end()), [this] { return stopping_; });
  }
}

}  // namespace disan::cli
