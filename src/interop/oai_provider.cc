#include "interop/oai_provider.h"

#include <openssl/rand.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <regex>

#include "core/json_member.h"
#include "core/parallel.h"
#include "core/pid.h"
#include "interop/metadata_formats.h"
#include "interop/xml.h"

namespace disan::interop {
namespace {

using nlohmann::json;

constexpr std::string_view kOaiNamespace = "http://www.openarchives.org/OAI/2.0/";
constexpr std::string_view kOaiSchema = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd";
constexpr std::string_view kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::string_view kOaiIdentifierNamespace = "http://www.openarchives.org/OAI/2.0/oai-identifier";
constexpr std::string_view kOaiIdentifierSchema = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd";

std::string Hex(const unsigned char* bytes, size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 15];
  }
  return out;
}

}  // namespace

struct OaiProvider::Context {
  std::string site_url;
  std::string base_url;
  int64_t now = 0;
  OaiRequest request;

  // The whole response around `body`. Arguments are echoed in <request> unless the request
  // itself was faulty (badVerb, badArgument), as section 3.2 requires.
  std::string Envelope(const std::string& body, bool echo) const {
    XmlBuilder x;
    x.Declaration();
    x.Start("OAI-PMH", {{"xmlns", std::string(kOaiNamespace)},
                        {"xmlns:xsi", std::string(kXsiNamespace)},
                        {"xsi:schemaLocation", std::string(kOaiNamespace) + " " + std::string(kOaiSchema)}});
    x.Newline().Element("responseDate", FormatUtcDatetime(now)).Newline();
    XmlBuilder::Attributes attributes;
    if (echo) {
      for (const auto& [key, value] : request.arguments) attributes.emplace_back(key, value);
    }
    x.Element("request", base_url, attributes).Newline();
    x.Raw(body);
    x.End("OAI-PMH").Newline();
    return x.Take();
  }

  std::string Error(const OaiError& e, bool echo = true) const {
    bool faulty = e.code == OaiErrorCode::kBadVerb || e.code == OaiErrorCode::kBadArgument;
    XmlBuilder x;
    x.Element("error", e.message, {{"code", std::string(OaiErrorCodeName(e.code))}}).Newline();
    return Envelope(x.str(), echo && !faulty);
  }
};

Status ValidateOaiSettings(const OaiSettings& s) {
  static const std::regex kDomain(R"([a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+)");
  static const std::regex kEmail(R"([^\s@]+@([^\s@.]+\.)+[^\s@.]+)");
  if (!std::regex_match(s.repository_id, kDomain)) {
    return Fail(ErrorCode::kInvalid,
                "the OAI repository identifier '" + s.repository_id + "' must be a domain name, e.g. sovhtt.lamdong.gov.vn",
                "mã kho OAI '" + s.repository_id + "' phải là một tên miền, ví dụ sovhtt.lamdong.gov.vn");
  }
  if (s.admin_emails.empty()) {
    return Fail(ErrorCode::kInvalid, "the OAI provider needs an administrator's e-mail address",
                "nhà cung cấp OAI cần địa chỉ thư điện tử của người quản trị");
  }
  for (const std::string& e : s.admin_emails) {
    if (!std::regex_match(e, kEmail)) {
      return Fail(ErrorCode::kInvalid, "'" + e + "' is not an e-mail address",
                  "'" + e + "' không phải địa chỉ thư điện tử");
    }
  }
  if (s.repository_name.empty() || s.page_size < 1 || s.page_size > 1000 || s.token_lifetime_seconds < 1) {
    return Fail(ErrorCode::kInvalid, "the OAI settings are out of range (name, page size 1-1000, token lifetime)",
                "cấu hình OAI nằm ngoài giới hạn (tên, cỡ trang 1-1000, thời hạn token)");
  }
  return Ok();
}

OaiProvider::OaiProvider(Catalogue& catalogue, OaiSettings settings)
    : catalogue_(catalogue), view_(catalogue.store()), settings_(std::move(settings)) {}

std::string OaiProvider::OaiIdentifier(const std::string& pid) const {
  return "oai:" + settings_.repository_id + ":" + pid;
}

std::optional<std::string> OaiProvider::PidOf(const std::string& identifier) const {
  std::string prefix = "oai:" + settings_.repository_id + ":";
  if (!identifier.starts_with(prefix)) return std::nullopt;
  std::string pid = identifier.substr(prefix.size());
  Result<std::string> parsed = ParsePid(pid);
  // Identifiers are compared exactly: only the canonical spelling names a record.
  if (!parsed || *parsed != pid) return std::nullopt;
  return pid;
}

Result<std::string> OaiProvider::TokenKey() {
  std::lock_guard lock(key_mutex_);
  if (!token_key_.empty()) return token_key_;
  MetadataStore& store = catalogue_.store();
  std::optional<std::string> key = TRY(store.GetSetting(kTokenKeySetting));
  if (!key) {
    TRY(store.Write([&](StoreWriter& w) -> Status {
      // The write transaction excludes other writers, other processes included: if one of
      // them created the key meanwhile, it is visible now and is kept.
      key = TRY(store.GetSetting(kTokenKeySetting));
      if (key) return Ok();
      unsigned char random[32];
      if (RAND_bytes(random, sizeof random) != 1) {
        return Fail(ErrorCode::kInternal, "no randomness for the OAI token key",
                    "không tạo được khóa cho resumptionToken");
      }
      key = Hex(random, sizeof random);
      return w.PutSetting(kTokenKeySetting, *key);
    }));
  }
  token_key_ = *key;
  return token_key_;
}

Result<std::string> OaiProvider::Handle(const OaiResult<Arguments>& arguments, const std::string& site_url) {
  Context c;
  c.site_url = site_url;
  c.base_url = site_url + "/oai";
  c.now = static_cast<int64_t>(std::time(nullptr));
  if (!arguments) return c.Error(arguments.error(), false);
  OaiResult<OaiRequest> request = ParseOaiRequest(*arguments);
  if (!request) return c.Error(request.error(), false);
  c.request = std::move(*request);
  switch (c.request.verb) {
    case OaiVerb::kIdentify: return Identify(c);
    case OaiVerb::kListMetadataFormats: return ListMetadataFormats(c);
    case OaiVerb::kListSets: return ListSets(c);
    case OaiVerb::kGetRecord: return GetRecord(c);
    case OaiVerb::kListIdentifiers:
    case OaiVerb::kListRecords: return ListRecords(c);
  }
  return c.Error({OaiErrorCode::kBadVerb, "unknown verb"}, false);
}

Result<std::string> OaiProvider::Identify(Context& c) {
  ChangeQuery oldest;
  oldest.limit = 1;
  std::vector<StoredRecord> first = TRY(catalogue_.store().ListChanges(oldest));
  std::string earliest = first.empty() ? FormatUtcDatetime(c.now) : HarvestView::Datestamp(first[0].updated_at);
  XmlBuilder x;
  x.Start("Identify").Newline();
  x.Element("repositoryName", settings_.repository_name).Newline();
  x.Element("baseURL", c.base_url).Newline();
  x.Element("protocolVersion", "2.0").Newline();
  for (const std::string& e : settings_.admin_emails) x.Element("adminEmail", e).Newline();
  x.Element("earliestDatestamp", earliest).Newline();
  x.Element("deletedRecord", "persistent").Newline();
  x.Element("granularity", "YYYY-MM-DDThh:mm:ssZ").Newline();
  x.Start("description");
  x.Start("oai-identifier", {{"xmlns", std::string(kOaiIdentifierNamespace)},
                             {"xmlns:xsi", std::string(kXsiNamespace)},
                             {"xsi:schemaLocation", std::string(kOaiIdentifierNamespace) + " " +
                                                        std::string(kOaiIdentifierSchema)}});
  x.Element("scheme", "oai");
  x.Element("repositoryIdentifier", settings_.repository_id);
  x.Element("delimiter", ":");
  x.Element("sampleIdentifier", OaiIdentifier(PidFromBody(catalogue_.pid_namespace(), "4kq8zx2b")));
  x.End("oai-identifier");
  x.End("description").Newline();
  x.End("Identify").Newline();
  return c.Envelope(x.str(), true);
}

Result<OaiResult<HarvestRecord>> OaiProvider::FindRecord(const std::string& identifier) {
  auto unknown = [&]() -> OaiResult<HarvestRecord> {
    return OaiFail(OaiErrorCode::kIdDoesNotExist,
                   "'" + identifier + "' is not the identifier of an item in this repository",
                   "'" + identifier + "' không phải định danh của một di sản trong kho này");
  };
  std::optional<std::string> pid = PidOf(identifier);
  if (!pid) return unknown();
  Result<StoredRecord> stored = catalogue_.store().Get(*pid);
  if (!stored) {
    if (stored.error().code == ErrorCode::kNotFound) return unknown();
    return std::unexpected(stored.error());
  }
  HarvestRecord record = TRY(view_.Classify(std::move(*stored)));
  if (record.exposure == Exposure::kNeverPublic) return unknown();
  return OaiResult<HarvestRecord>(std::move(record));
}

Result<std::string> OaiProvider::ListMetadataFormats(Context& c) {
  // Every item that may be mentioned at all is available in every format (a deleted one as a
  // header with status="deleted"), so noMetadataFormats never arises.
  if (c.request.identifier) {
    OaiResult<HarvestRecord> found = TRY(FindRecord(*c.request.identifier));
    if (!found) return c.Error(found.error());
  }
  XmlBuilder x;
  x.Start("ListMetadataFormats").Newline();
  for (const MetadataFormat& f : MetadataFormats(c.base_url)) {
    x.Start("metadataFormat");
    x.Element("metadataPrefix", f.prefix);
    x.Element("schema", f.schema);
    x.Element("metadataNamespace", f.name_space);
    x.End("metadataFormat").Newline();
  }
  x.End("ListMetadataFormats").Newline();
  return c.Envelope(x.str(), true);
}

Result<std::string> OaiProvider::ListSets(Context& c) {
  if (c.request.resumption_token) {
    // The whole set list fits in one response, so no token was ever issued for it.
    return c.Error(OaiFail(OaiErrorCode::kBadResumptionToken, "ListSets never issues a resumptionToken",
                           "ListSets không cấp resumptionToken").error());
  }
  // setSpec -> name: the three families, always (so the list is never empty), and every set
  // a public item is in now.
  std::map<std::string, std::string> names = {
      {"kind", "Loại di sản / Heritage kind"},
      {"level", "Cấp xếp hạng, ghi danh / Recognition level"},
      {"commune", "Xã, phường (mã 2025) / Commune (2025 code)"}};
  const Schema& schema = catalogue_.schema();
  auto label = [&](std::string_view vocabulary, const std::string& id) {
    const Vocabulary* v = schema.FindVocabulary(vocabulary);
    const Term* t = v ? v->FindId(id) : nullptr;
    return t ? t->label_vi + " / " + t->label_en : id;
  };
  // Each value of the three term fields that a live public item holds, from the index (reading
  // every record took 7 s at 100,000 records: BENCHMARKS (g)).
  for (const char* family : {"kind", "level", "commune"}) {
    const std::string field = HarvestView::SetTerms(family)->front().field;
    for (const TermValue& v : TRY(catalogue_.store().ListTermValues(RecordClass::kItem, field,
                                                                    HarvestView::PublicTerms()))) {
      const std::string spec = std::string(family) + ":" + v.value;
      if (!IsSetSpec(spec)) continue;
      if (field == "kind") {
        names[spec] = label("kinds", v.value);
      } else if (field == "level") {
        names[spec] = label("recognition_levels", v.value);
      } else {
        // The commune's name as one public item holding the code writes it (the first in the
        // store's order, the oldest). An item deleted since it was found leaves the code alone.
        Result<StoredRecord> holder = catalogue_.store().Get(v.pid);
        if (!holder && holder.error().code != ErrorCode::kNotFound) return std::unexpected(holder.error());
        std::string commune;
        if (holder) {
          for (const json& p : ListOf(holder->document, "places")) {
            if (StringOf(p, "commune_2025_code") == v.value) commune = StringOf(p, "commune_2025");
          }
        }
        names[spec] = commune.empty() ? v.value : commune + " (" + v.value + ")";
      }
    }
  }
  XmlBuilder x;
  x.Start("ListSets").Newline();
  for (const auto& [spec, name] : names) {
    x.Start("set").Element("setSpec", spec).Element("setName", name).End("set").Newline();
  }
  x.End("ListSets").Newline();
  return c.Envelope(x.str(), true);
}

namespace {

void WriteHeader(XmlBuilder& x, const HarvestRecord& r, const std::string& identifier) {
  XmlBuilder::Attributes status;
  if (r.exposure != Exposure::kPublic) status.push_back({"status", "deleted"});
  x.Start("header", status);
  x.Element("identifier", identifier);
  x.Element("datestamp", r.datestamp);
  for (const std::string& s : r.sets) x.Element("setSpec", s);
  x.End("header");
}

}  // namespace

Result<std::string> OaiProvider::GetRecord(Context& c) {
  const std::string& prefix = *c.request.metadata_prefix;
  if (!IsMetadataFormat(prefix)) {
    return c.Error(OaiFail(OaiErrorCode::kCannotDisseminateFormat,
                           "this repository has no metadata format '" + prefix + "' (see ListMetadataFormats)",
                           "kho không có định dạng siêu dữ liệu '" + prefix + "' (xem ListMetadataFormats)").error());
  }
  OaiResult<HarvestRecord> found = TRY(FindRecord(*c.request.identifier));
  if (!found) return c.Error(found.error());
  XmlBuilder x;
  x.Start("GetRecord").Start("record");
  WriteHeader(x, *found, *c.request.identifier);
  if (found->exposure == Exposure::kPublic) {
    x.Start("metadata");
    if (prefix == "oai_dc") WriteDublinCore(x, catalogue_.schema(), found->record, c.site_url);
    else WriteDisanRecord(x, found->record, c.site_url, c.base_url);
    x.End("metadata");
  }
  x.End("record").End("GetRecord").Newline();
  return c.Envelope(x.str(), true);
}

// The records of one page, from the state's position; with count_all, also the size of the
// whole list (HarvestView::CountListed: a page of a million-record list must not read a million
// records). The store leaves out the live public records outside the set (ChangeQuery::
// set_filter), so a page of a sparse set reads its own records and the hidden ones only; InSet
// stays the final word on what the page holds.
Result<OaiProvider::Scan> OaiProvider::ScanList(const ResumptionState& s, size_t want,
                                                bool count_all) {
  Scan scan;
  if (count_all) {
    // Counted first: a list that holds nothing (a set no public item is in) is answered from
    // its count, where looking for its first page would read every record.
    scan.total = TRY(view_.CountListed(s.from, s.before, s.set));
    if (scan.total == 0) return scan;
  }
  ChangeQuery q;
  q.from = s.from;
  q.before = s.before;
  q.after_updated_at = s.after_updated_at;
  q.after_pid = s.after_pid;
  q.limit = std::max<size_t>(want, 50);
  q.set_filter = HarvestView::SetFilter(s.set);
  q.skip_first_revisions_without = HarvestView::PublicTerms();
  for (;;) {
    std::vector<StoredRecord> batch = TRY(catalogue_.store().ListChanges(q));
    if (batch.empty()) break;
    // The keyset of the next batch, taken before the records are moved out below (a moved-from
    // key would restart the scan from the first record, for ever).
    const std::string last_updated_at = batch.back().updated_at, last_pid = batch.back().pid;
    const size_t read = batch.size();
    for (StoredRecord& stored : batch) {
      HarvestRecord r = TRY(view_.Classify(std::move(stored)));
      if (r.exposure == Exposure::kNeverPublic) continue;
      if (!s.set.empty() && !HarvestView::InSet(r.sets, s.set)) continue;
      scan.records.push_back(std::move(r));
      if (scan.records.size() == want) return scan;
    }
    if (read < q.limit) break;
    q.after_updated_at = last_updated_at;
    q.after_pid = last_pid;
  }
  return scan;
}

Result<std::string> OaiProvider::ListRecords(Context& c) {
  const OaiRequest& req = c.request;
  ResumptionState state;
  bool first = !req.resumption_token;
  if (req.resumption_token) {
    std::string key = TRY(TokenKey());
    OaiResult<ResumptionState> decoded = DecodeResumptionToken(*req.resumption_token, key, c.now);
    if (!decoded) return c.Error(decoded.error());
    if (decoded->verb != req.verb) {
      return c.Error(OaiFail(OaiErrorCode::kBadResumptionToken,
                             "this resumptionToken belongs to " + std::string(OaiVerbName(decoded->verb)),
                             "resumptionToken này thuộc về " + std::string(OaiVerbName(decoded->verb))).error());
    }
    state = std::move(*decoded);
  } else {
    if (!IsMetadataFormat(*req.metadata_prefix)) {
      return c.Error(OaiFail(OaiErrorCode::kCannotDisseminateFormat,
                             "this repository has no metadata format '" + *req.metadata_prefix + "' (see ListMetadataFormats)",
                             "kho không có định dạng siêu dữ liệu '" + *req.metadata_prefix + "' (xem ListMetadataFormats)").error());
    }
    state.verb = req.verb;
    state.metadata_prefix = *req.metadata_prefix;
    state.set = req.set.value_or("");
    // from and until are inclusive at their granularity: until=2025-07-01 takes the whole day.
    if (req.from) state.from = FormatStoreTime(req.from->seconds);
    if (req.until) {
      state.before = FormatStoreTime(req.until->seconds + (req.until->granularity == Granularity::kDay ? 86400 : 1));
    }
  }
  const size_t page = settings_.page_size;
  Scan scan = TRY(ScanList(state, page + 1, first));
  if (scan.records.empty()) {
    return c.Error(OaiFail(OaiErrorCode::kNoRecordsMatch,
                           first ? "no records match these arguments"
                                 : "the rest of this list has meanwhile left it (its records changed after until)",
                           first ? "không có bản ghi nào khớp các tham số này"
                                 : "phần còn lại của danh sách đã thay đổi và không còn khớp").error());
  }
  bool more = scan.records.size() > page;
  if (more) scan.records.pop_back();
  const int64_t sent = static_cast<int64_t>(scan.records.size());
  // The size is counted when the list starts; records changed during the harvest come again
  // at its end, so the estimate grows when the list outruns it (section 3.5 allows revising it).
  int64_t total = first ? scan.total : state.complete_list_size;
  total = std::max(total, state.cursor + sent + (more ? 1 : 0));

  const bool records = req.verb == OaiVerb::kListRecords;
  const char* element = records ? "ListRecords" : "ListIdentifiers";
  // Each record is written on its own, on every core (a page is a hundred independent
  // renderings), then joined in order.
  std::vector<std::string> written(scan.records.size());
  ParallelFor(scan.records.size(), 16, [&](size_t i) {
    const HarvestRecord& r = scan.records[i];
    XmlBuilder one;
    if (records) one.Start("record");
    WriteHeader(one, r, OaiIdentifier(r.record.pid));
    if (records && r.exposure == Exposure::kPublic) {
      one.Start("metadata");
      if (state.metadata_prefix == "oai_dc") WriteDublinCore(one, catalogue_.schema(), r.record, c.site_url);
      else WriteDisanRecord(one, r.record, c.site_url, c.base_url);
      one.End("metadata");
    }
    if (records) one.End("record");
    one.Newline();
    written[i] = one.Take();
  });
  XmlBuilder x;
  x.Start(element).Newline();
  for (const std::string& w : written) x.Raw(w);
  XmlBuilder::Attributes token_attributes = {{"completeListSize", std::to_string(total)},
                                             {"cursor", std::to_string(state.cursor)}};
  if (more) {
    ResumptionState next = state;
    next.after_updated_at = scan.records.back().record.updated_at;
    next.after_pid = scan.records.back().record.pid;
    next.cursor = state.cursor + sent;
    next.complete_list_size = total;
    next.expires = c.now + settings_.token_lifetime_seconds;
    std::string key = TRY(TokenKey());
    token_attributes.insert(token_attributes.begin(), {"expirationDate", FormatUtcDatetime(next.expires)});
    x.Element("resumptionToken", EncodeResumptionToken(next, key), token_attributes).Newline();
  } else if (!first) {
    // The response that completes a list sent in parts carries an empty token (section 3.5).
    x.Empty("resumptionToken", token_attributes).Newline();
  }
  x.End(element).Newline();
  return c.Envelope(x.str(), true);
}

}  // namespace disan::interop
