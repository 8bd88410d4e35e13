#include "cli/harvest_cli.h"

#include <iostream>
#include <regex>

namespace disan::cli {

using interop::harvest::HarvestOptions;
using interop::harvest::HarvestReport;

Status RunHarvest(Catalogue& catalogue, const HarvestOptions& options) {
  HarvestReport r = TRY(interop::harvest::Harvest(catalogue, options));
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

HarvestSchedule::HarvestSchedule(Catalogue& catalogue, HarvestOptions options,
                                 std::chrono::seconds every)
    : catalogue_(catalogue),
      options_(std::move(options)),
      every_(every),
      thread_([this] { Loop(); }) {}

HarvestSchedule::~HarvestSchedule() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void HarvestSchedule::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    Result<HarvestReport> r = interop::harvest::Harvest(catalogue_, options_);
    if (r) {
      std::cerr << "harvest " << options_.url << ": " << r->created << " created, " << r->updated
                << " updated, " << r->deleted << " deleted, " << r->refused << " refused"
                << std::endl;
    } else {
      std::cerr << "harvest " << options_.url
                << " failed / thu thập thất bại: " << r.error().Describe() << std::endl;
    }
    lock.lock();
    wake_.wait_for(lock, every_, [this] { return stopping_; });
  }
}

}  // namespace disan::cli
