#include "interop/harvest/harvester.h"

#include <chrono>
#include <thread>

#include "core/bounded_queue.h"
#include "core/pid.h"
#include "interop/harvest/dc_mapping.h"
#include "interop/harvest/oai_response.h"

namespace disan::interop::harvest {
namespace {

using nlohmann::json;

const Actor kHarvester{"harvest", Audience::kStaff};

}  // namespace

Status CheckHarvestOptions(const HarvestOptions& o) {
  TRY(ValidateBaseUrl(o.url));
  if (o.format != "oai_dc" && o.format != "disan") {
    return Fail(ErrorCode::kInvalid, "--format must be oai_dc or disan, not '" + o.format + "'",
                "--format phải là oai_dc hoặc disan, không phải '" + o.format + "'");
  }
  for (char c : o.set) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '<' || c == '>' || c == '&') {
      return Fail(ErrorCode::kInvalid, "--set is not a setSpec: '" + o.set + "'",
                  "--set không phải một setSpec: '" + o.set + "'");
    }
  }
  return Ok();
}

namespace {

// Fetches and parses one response; an OAI-PMH error other than those the caller expects is
// an error naming the code and the source's message.
Result<OaiResponse> Ask(const HarvestOptions& o,
                        const std::vector<std::pair<std::string, std::string>>& arguments) {
  std::string url = RequestUrl(o.url, arguments);
  std::string body = TRY(Fetch(url, o.fetch));
  return ParseOaiResponse(body, o.format);
}

std::unexpected<Error> OaiError(const OaiResponse& r) {
  std::string message = r.error_message.substr(0, 300);
  return Fail(ErrorCode::kInvalid,
              "the source answered with the OAI-PMH error " + r.error_code + ": " + message,
              "nguồn trả lời bằng lỗi OAI-PMH " + r.error_code + ": " + message);
}

// `from` for a repository of the given granularity.
std::string FromAt(const std::string& response_date, const std::string& granularity) {
  if (granularity == "YYYY-MM-DD") return response_date.substr(0, 10);
  return response_date;
}

// The document to store: the source's own (disan) or a mapping of its Dublin Core, with the
// source named by a legacy identifier. `source_pid` is the source's pid (disan format);
// `unmapped` counts what has no field here. Reads the store (references) but writes nothing,
// so the fetch thread can run it while the previous page is written.
Result<json> BuildDocument(Catalogue& catalogue, const HarvestOptions& o, const OaiRecord& r,
                           std::string& source_pid, std::map<std::string, size_t>& unmapped) {
  auto live = [&](const std::string& pid) {
    Result<StoredRecord> found = catalogue.store().Get(pid);
    return found && !found->deleted;
  };
  json d;
  if (o.format == "disan") {
    d = json::parse(r.disan_json, nullptr, false);
    if (d.is_discarded() || !d.is_object()) {
      return Fail(ErrorCode::kInvalid, "its disan:json is not a JSON object",
                  "disan:json của nó không phải đối tượng JSON");
    }
    if (d.value("class", "item") != "item") {
      return Fail(ErrorCode::kInvalid, "it is not a heritage item", "nó không phải bản ghi di sản");
    }
    if (d.contains("pid") && d["pid"].is_string()) {
      source_pid = ParsePid(d["pid"].get<std::string>()).value_or("");
    }
    for (const char* f :
         {"pid", "class", "revision", "created_at", "updated_at", "deleted", "links"}) {
      d.erase(f);
    }
    // References to organisations and areas this instance does not hold cannot be kept.
    if (d.contains("custodian") && d["custodian"].is_string() &&
        !live(d["custodian"].get<std::string>())) {
      d.erase("custodian");
      ++unmapped["custodian (not held here)"];
    }
    if (d.contains("areas") && d["areas"].is_array()) {
      json kept = json::array();
      for (const json& a : d["areas"]) {
        if (a.is_string() && live(a.get<std::string>()))
          kept.push_back(a);
        else
          ++unmapped["areas (not held here)"];
      }
      if (kept.empty())
        d.erase("areas");
      else
        d["areas"] = kept;
    }
  } else {
    DcMapping mapped = MapDublinCore(catalogue.schema(), r.dc);
    for (const std::string& u : mapped.unmapped) ++unmapped[u];
    d = std::move(mapped.document);
  }
  json legacy = json::array();
  if (d.contains("legacy_ids") && d["legacy_ids"].is_array()) {
    for (const json& l : d["legacy_ids"]) {
      bool ours = l.is_object() && l.value("scheme", "") == kOaiIdentifierScheme &&
                  l.value("issuer", "") == o.url;
      if (!ours) legacy.push_back(l);
    }
  }
  legacy.push_back({{"scheme", kOaiIdentifierScheme}, {"value", r.identifier}, {"issuer", o.url}});
  d["legacy_ids"] = legacy;
  return d;
}

// A record of a page as the fetch thread leaves it: its document and, for a record that may
// be new here, its creation prepared (Catalogue::PrepareCreate: validation, filter terms, the
// search document), with the source's pid when it has one.
struct PreparedRecord {
  Result<json> document = json();
  std::string source_pid;
  std::map<std::string, size_t> unmapped;
  std::optional<Result<Catalogue::PreparedCreate>> create;
};

// The longest resumption token kept (the source's state stores the next one).
constexpr size_t kMaxTokenSize = 4000;

struct FetchedPage {
  OaiResponse response;
  std::string sent_token;               // the resumption token that asked for it ("" = first)
  std::vector<PreparedRecord> records;  // one per response.records
};

// Builds and prepares the records of a fetched page; writes nothing.
void PreparePage(Catalogue& catalogue, const HarvestOptions& o, FetchedPage& page) {
  page.records.reserve(page.response.records.size());
  for (const OaiRecord& r : page.response.records) {
    PreparedRecord p;
    if (!r.deleted) {
      p.document = BuildDocument(catalogue, o, r, p.source_pid, p.unmapped);
      if (p.document) {
        // The creation keeps the source's pid; the document itself is stored without it.
        json& document = *p.document;
        if (!p.source_pid.empty()) document["pid"] = p.source_pid;
        p.create = catalogue.PrepareCreate(RecordClass::kItem, document, InputLeniency::kStrict);
        document.erase("pid");
      }
    }
    page.records.push_back(std::move(p));
  }
}

// The fetch and prepare stages of a harvest (see Harvest). The fetch stage follows the
// resumption tokens on its own and stops after a page that ends the run: an OAI-PMH error, no
// token, a token the writer will refuse (too long, the same again), or the last page wanted.
// Destroying the pipeline stops both stages and waits for them (a request in flight ends
// within the fetch timeout).
class Pipeline {
 public:
  Pipeline(Catalogue& catalogue, const HarvestOptions& o,
           std::vector<std::pair<std::string, std::string>> first)
      : fetched_(2), prepared_(2) {
    fetch_ = std::jthread([this, &o, first = std::move(first)] { FetchAll(o, first); });
    prepare_ = std::jthread([this, &catalogue, &o] { PrepareAll(catalogue, o); });
  }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  ~Pipeline() {
    fetched_.Close();
    prepared_.Close();
  }

  // The next page, if it is prepared already: nullopt when it is not (yet).
  std::optional<Result<FetchedPage>> TryNext() { return prepared_.TryPop(); }

  // The next page in order, or the error that ended a stage.
  Result<FetchedPage> Next() {
    std::optional<Result<FetchedPage>> page = prepared_.Pop();
    if (!page) {
      return Fail(ErrorCode::kInternal, "the harvest stopped fetching pages",
                  "quá trình thu thập đã ngừng tải trang");
    }
    return std::move(*page);
  }

 private:
  static std::unexpected<Error> Thrown(const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("harvest failed: ") + e.what(),
                std::string("thu thập thất bại: ") + e.what());
  }

  void FetchAll(const HarvestOptions& o,
                std::vector<std::pair<std::string, std::string>> arguments) {
    std::string sent_token;
    for (size_t pages = 1;; ++pages) {
      Result<FetchedPage> page = FetchedPage{};
      try {
        if (Result<OaiResponse> response = Ask(o, arguments))
          page->response = std::move(*response);
        else
          page = std::unexpected(response.error());
      } catch (const std::exception& e) {
        page = Thrown(e);
      }
      std::string token;
      if (page) {
        page->sent_token = sent_token;
        if (page->response.error_code.empty()) token = page->response.resumption_token.value_or("");
      }
      const bool last = token.empty() || token.size() > kMaxTokenSize || token == sent_token ||
                        (o.max_pages != 0 && pages >= o.max_pages);
      if (!fetched_.Push(std::move(page)) || last) break;
      arguments = {{"verb", "ListRecords"}, {"resumptionToken", token}};
      sent_token = std::move(token);
    }
    fetched_.Close();  // after the last page: the prepare stage drains it, then ends
  }

  void PrepareAll(Catalogue& catalogue, const HarvestOptions& o) {
    while (std::optional<Result<FetchedPage>> page = fetched_.Pop()) {
      if (*page) {
        try {
          PreparePage(catalogue, o, **page);
        } catch (const std::exception& e) {
          *page = Thrown(e);
        }
      }
      if (!prepared_.Push(std::move(*page))) break;
    }
    prepared_.Close();
  }

  BoundedQueue<Result<FetchedPage>> fetched_, prepared_;
  std::jthread fetch_, prepare_;  // last: joined first, while the queues still exist
};

// The source's state once a page is written, and the token that follows it ("" = the list
// ends with this page).
struct PageState {
  HarvestSource next;
  std::string token;
};

// What a fetched page means for the run: the error that ends it (an OAI-PMH error, a token
// too long or the same again), or the source's state after the page.
Result<PageState> CheckPage(const FetchedPage& fetched, const HarvestSource& source,
                            const HarvestReport& report) {
  const OaiResponse& page = fetched.response;
  const bool empty_list = page.error_code == "noRecordsMatch";
  if (!page.error_code.empty() && !empty_list) {
    std::unexpected<Error> e = OaiError(page);
    if (page.error_code == "badResumptionToken" && report.resumed && report.pages == 0) {
      e.error().message_en += " (the saved token of an interrupted run; run again with --restart)";
      e.error().message_vi +=
          " (mã tiếp tục của lần chạy bị gián đoạn; hãy chạy lại với --restart)";
    }
    return e;
  }
  PageState s{source, empty_list ? "" : page.resumption_token.value_or("")};
  if (s.next.run_response_date.empty()) s.next.run_response_date = page.response_date;
  if (s.token.size() > kMaxTokenSize) {
    const std::string most = std::to_string(kMaxTokenSize);
    return Fail(ErrorCode::kInvalid,
                "the source's resumption token is longer than " + most + " characters",
                "mã tiếp tục (resumptionToken) của nguồn dài hơn " + most + " ký tự");
  }
  if (s.token.empty()) {
    s.next.last_response_date = s.next.run_response_date;
    s.next.run_from.clear();
    s.next.run_response_date.clear();
  }
  if (!s.token.empty() && s.token == fetched.sent_token) {
    return Fail(ErrorCode::kInvalid, "the source gave the same resumption token again (a loop)",
                "nguồn trả lại đúng mã tiếp tục vừa gửi (vòng lặp)");
  }
  s.next.resumption_token = s.token;
  return s;
}

// A transaction of a harvest takes pages until it holds this many records or has run this
// long (see Harvest).
constexpr size_t kGroupRecords = 1000;
constexpr std::chrono::milliseconds kGroupTime{500};

class PageWriter {
 public:
  PageWriter(Catalogue& catalogue, StoreWriter& w, const HarvestSource& source,
             HarvestReport& report)
      : catalogue_(catalogue), w_(w), source_(source), report_(report) {}

  Status Apply(const OaiRecord& r, PreparedRecord& p) {
    std::optional<HarvestedRecord> known = TRY(w_.GetHarvestedRecord(source_, r.identifier));
    if (r.deleted) {
      if (!known) return Ok();  // never had it: nothing to remove
      Result<bool> removed =
          catalogue_.DeleteIn(w_, known->pid, kHarvester, "deleted at the source " + source_.url);
      if (!removed && removed.error().code != ErrorCode::kNotFound)
        return std::unexpected(removed.error());
      if (removed && *removed) ++report_.deleted;
      return w_.PutHarvestedRecord(source_, {r.identifier, known->pid, r.datestamp, true});
    }
    for (const auto& [element, count] : p.unmapped) report_.unmapped[element] += count;
    if (!p.document) return Refused(r, p.document.error());
    const std::string reason = "harvested from " + source_.url;
    std::string pid;
    if (known) {
      pid = known->pid;
      Result<std::optional<RevisionAction>> done =
          catalogue_.UpsertIn(w_, RecordClass::kItem, pid, *p.document, kHarvester, reason);
      if (!done) return Refused(r, done.error());
      if (!*done)
        ++report_.unchanged;
      else if (**done == RevisionAction::kRestore)
        ++report_.restored;
      else
        ++report_.updated;
    } else {
      // A new record keeps the source's pid when no record here has it; the creation prepared
      // by the prepare thread is used when it still fits (it carries that pid, or a minted one;
      // a pid held here already is refused by CreatePrepared as a conflict). (A document that
      // was built always has its creation prepared.)
      Result<std::string> created =
          *p.create ? catalogue_.CreatePrepared(w_, **p.create, kHarvester, reason)
                    : std::unexpected(p.create->error());
      if (!created && created.error().code == ErrorCode::kConflict) {
        created = catalogue_.CreateIn(w_, RecordClass::kItem, *p.document, InputLeniency::kStrict,
                                      kHarvester, reason);
      }
      if (!created) return Refused(r, created.error());
      pid = *created;
      ++report_.created;
    }
    return w_.PutHarvestedRecord(source_, {r.identifier, pid, r.datestamp, false});
  }

 private:
  // A record that fails validation is reported and skipped; the page goes on. Anything else
  // (the store failing) fails the page.
  Status Refused(const OaiRecord& r, const Error& e) {
    if (e.code != ErrorCode::kInvalid && e.code != ErrorCode::kConflict) return std::unexpected(e);
    ++report_.refused;
    if (report_.problems.size() < 100) {
      std::string line = r.identifier + ": " + e.Describe();
      for (size_t i = 0; i < e.fields.size() && i < 3; ++i) {
        line += "; " + e.fields[i].path + ": " + e.fields[i].message_en;
      }
      report_.problems.push_back(line);
    }
    return Ok();
  }

  Catalogue& catalogue_;
  StoreWriter& w_;
  const HarvestSource& source_;
  HarvestReport& report_;
};

}  // namespace

Result<HarvestReport> Harvest(Catalogue& catalogue, const HarvestOptions& o) {
  TRY(CheckHarvestOptions(o));
  MetadataStore& store = catalogue.store();
  HarvestSource source = TRY(store.GetHarvestSource(o.url, o.set, o.format))
                             .value_or(HarvestSource{o.url, o.set, o.format, "", "", "", "", ""});
  if (o.restart) source.resumption_token.clear();
  HarvestReport report;
  std::vector<std::pair<std::string, std::string>> arguments;
  if (!source.resumption_token.empty()) {
    report.resumed = true;
    report.from = source.run_from;
    arguments = {{"verb", "ListRecords"}, {"resumptionToken", source.resumption_token}};
  } else {
    // Identify first: it proves the URL is an OAI-PMH repository and gives the granularity
    // of `from`.
    OaiResponse identify = TRY(Ask(o, {{"verb", "Identify"}}));
    if (!identify.error_code.empty()) return OaiError(identify);
    if (identify.granularity.empty()) {
      return Fail(ErrorCode::kInvalid, "the source's Identify answer has no granularity",
                  "câu trả lời Identify của nguồn không có granularity");
    }
    report.from = source.last_response_date.empty()
                      ? ""
                      : FromAt(source.last_response_date, identify.granularity);
    source.run_from = report.from;
    source.run_response_date.clear();
    arguments = {{"verb", "ListRecords"}, {"metadataPrefix", o.format}};
    if (!o.set.empty()) arguments.push_back({"set", o.set});
    if (!report.from.empty()) arguments.push_back({"from", report.from});
  }
  // Three stages, each on a thread of its own, with two pages at most waiting between them:
  // the responses are fetched and parsed (following the resumption tokens), their records are
  // prepared (documents built, creations validated and indexed), and this thread writes them.
  // A transaction takes the pages that are ready, each with the source's state after it, up
  // to kGroupRecords records or kGroupTime: a commit costs about what writing a hundred
  // records does, so one a page would be a third of the work, and a transaction never waits
  // for the network. A page fetched or prepared ahead is used only when the pages before it
  // committed; a page that ends the run with an error is never written, and those before it
  // in its transaction are committed first.
  Pipeline pipeline(catalogue, o, arguments);
  for (;;) {
    FetchedPage first = TRY(pipeline.Next());
    PageState first_state = TRY(CheckPage(first, source, report));
    HarvestReport counted = report;
    HarvestSource written = source;
    std::vector<std::string> progress;
    bool end = false;
    std::optional<Error> stopped;  // met after pages of this transaction were written
    const auto started = std::chrono::steady_clock::now();
    TRY(store.Write([&](StoreWriter& w) -> Status {
      FetchedPage* page = &first;
      PageState state = std::move(first_state);
      FetchedPage more;
      size_t records = 0;
      for (;;) {
        TRY(w.PutHarvestSource(state.next));
        PageWriter writer(catalogue, w, state.next, counted);
        const std::vector<OaiRecord>& list = page->response.records;
        for (size_t i = 0; i < list.size(); ++i) TRY(writer.Apply(list[i], page->records[i]));
        written = state.next;
        records += list.size();
        ++counted.pages;
        progress.push_back("page " + std::to_string(counted.pages) + ": " +
                           std::to_string(list.size()) + " records");
        if (state.token.empty()) {
          end = true;
          return Ok();
        }
        if ((o.max_pages != 0 && counted.pages >= o.max_pages) || records >= kGroupRecords ||
            std::chrono::steady_clock::now() - started >= kGroupTime) {
          return Ok();
        }
        std::optional<Result<FetchedPage>> ready = pipeline.TryNext();
        if (!ready) return Ok();  // not prepared yet: commit rather than wait holding the lock
        if (!*ready) {
          stopped = ready->error();
          return Ok();
        }
        Result<PageState> checked = CheckPage(**ready, written, counted);
        if (!checked) {
          stopped = checked.error();
          return Ok();
        }
        more = std::move(**ready);
        page = &more;
        state = std::move(*checked);
      }
    }));
    report = std::move(counted);
    source = std::move(written);
    if (o.progress) {
      for (const std::string& line : progress) o.progress(line);
    }
    if (stopped) return std::unexpected(std::move(*stopped));
    if (end) {
      report.complete = true;
      return report;
    }
    if (o.max_pages != 0 && report.pages >= o.max_pages) return report;
  }
}

}  // namespace disan::interop::harvest
