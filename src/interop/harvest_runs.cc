#include "interop/harvest_runs.h"

#include <algorithm>

namespace disan::interop {
namespace {

using nlohmann::json;

constexpr const char* kRunIndex = "harvest_run_sources";

std::string RunKey(const HarvestRun& r) { return "harvest_run " + r.url + " " + r.set + " " + r.format; }

json ParseIndex(const std::optional<std::string>& text) {
  if (!text) return json::array();
  json index = json::parse(*text, nullptr, false);
  return index.is_array() ? index : json::array();
}

}  // namespace

Status PutHarvestRun(MetadataStore& store, const HarvestRun& run) {
  json entry = {{"url", run.url},         {"set", run.set}, {"format", run.format},
                {"started", run.started}, {"finished", run.finished}, {"ok", run.ok}};
  if (run.ok) {
    entry["complete"] = run.complete;
    entry["summary"] = run.summary;
  } else {
    entry["error"] = {{"en", run.error_en}, {"vi", run.error_vi}};
  }
  const std::string key = RunKey(run);
  return store.Write([&](StoreWriter& w) -> Status {
    json index = ParseIndex(TRY(w.GetSetting(kRunIndex)));
    if (std::find(index.begin(), index.end(), json(key)) == index.end()) {
      index.push_back(key);
      TRY(w.PutSetting(kRunIndex, index.dump()));
    }
    return w.PutSetting(key, entry.dump());
  });
}

Result<std::vector<HarvestRun>> HarvestRuns(MetadataStore& store) {
  std::vector<HarvestRun> runs;
  for (const json& key : ParseIndex(TRY(store.GetSetting(kRunIndex)))) {
    if (!key.is_string()) continue;
    std::optional<std::string> text = TRY(store.GetSetting(key.get<std::string>()));
    if (!text) continue;
    json e = json::parse(*text, nullptr, false);
    if (!e.is_object()) continue;
    HarvestRun r;
    auto str = [&](const json& o, const char* name) {
      auto it = o.find(name);
      return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    r.url = str(e, "url");
    r.set = str(e, "set");
    r.format = str(e, "format");
    r.started = str(e, "started");
    r.finished = str(e, "finished");
    auto flag = [&](const char* name) {
      auto it = e.find(name);
      return it != e.end() && it->is_boolean() && it->get<bool>();
    };
    r.ok = flag("ok");
    r.complete = flag("complete");
    r.summary = str(e, "summary");
    if (e.contains("error") && e["error"].is_object()) {
      r.error_en = str(e["error"], "en");
      r.error_vi = str(e["error"], "vi");
    }
    if (std::optional<HarvestSource> state = TRY(store.GetHarvestSource(r.url, r.set, r.format))) {
      r.next_from = state->last_response_date;
      r.resumes = !state->resumption_token.empty();
    }
    runs.push_back(std::move(r));
  }
  return runs;
}

json HarvestRunJson(const HarvestRun& r) {
  json last = {{"started", r.started}, {"finished", r.finished}, {"ok", r.ok}};
  if (r.ok) {
    last["complete"] = r.complete;
    last["summary"] = r.summary;
  } else {
    last["error"] = {{"en", r.error_en}, {"vi", r.error_vi}};
  }
  return {{"source", {{"url", r.url}, {"set", r.set}, {"format", r.format}}},
          {"last_run", last},
          {"next_from", r.next_from},
          {"resumes", r.resumes}};
}

}  // namespace disan::interop
