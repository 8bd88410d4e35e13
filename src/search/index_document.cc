#include "search/index_document.h"

#include <unicode/coll.h>
#include <unicode/locid.h>

#include <cmath>
#include <memory>
#include <tuple>

#include "core/json_member.h"
#include "search/vietnamese.h"

namespace disan::search {

using nlohmann::json;

namespace {

void Add(std::string& column, const std::string& text) {
  if (text.empty()) return;
  if (!column.empty()) column += '\n';
  column += text;
}

void AddTermLabels(const Schema& schema, std::string_view vocabulary, const json& value,
                   std::string& column) {
  const Vocabulary* v = schema.FindVocabulary(vocabulary);
  if (v == nullptr || !value.is_string()) return;
  if (const Term* t = v->FindId(value.get_ref<const std::string&>())) {
    Add(column, t->label_vi);
    Add(column, t->label_en);
  }
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string PreferredName(const json& d) {
  const json& names = ListOf(d, "names");
  for (const json& n : names) {
    if (n.value("preferred", false)) return Str(n, "value");
  }
  for (const json& n : names) {
    if (Str(n, "lang") == "vi") return Str(n, "value");
  }
  return names.empty() ? "" : Str(names[0], "value");
}

std::string CollationKey(std::string_view text) {
  // Collators are not safe to share between threads; each thread keeps its own.
  thread_local std::unique_ptr<icu::Collator> collator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> c(icu::Collator::createInstance(icu::Locale("vi"), status));
    if (U_FAILURE(status)) c.reset();
    return c;
  }();
  if (!collator) return std::string(text);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  int32_t length = collator->getSortKey(u, nullptr, 0);
  std::string key(static_cast<size_t>(length), '\0');
  collator->getSortKey(u, reinterpret_cast<uint8_t*>(key.data()), length);
  if (!key.empty() && key.back() == '\0') key.pop_back();
  return key;
}

SearchDocument BuildSearchDocument(const Schema& schema, std::string_view pid, const json& d) {
  std::string raw[4];
  for (const json& n : ListOf(d, "names")) Add(raw[0], Str(n, "value"));
  Add(raw[1], std::string(pid));
  for (const json& l : ListOf(d, "legacy_ids")) Add(raw[1], Str(l, "value"));
  for (const json& t : ListOf(d, "description")) Add(raw[2], Str(t, "value"));

  std::string& other = raw[3];
  AddTermLabels(schema, "kinds", MemberOf(d, "kind"), other);
  static constexpr std::pair<const char*, const char*> kTypeVocabularies[] = {
      {"relic_type", "relic_types"}, {"artifact_type", "artifact_types"},
      {"intangible_type", "intangible_types"}, {"documentary_type", "documentary_types"}};
  for (const auto& [field, vocabulary] : kTypeVocabularies) {
    AddTermLabels(schema, vocabulary, MemberOf(d, field), other);
  }
  for (const json& e : ListOf(d, "ethnic_groups")) AddTermLabels(schema, "ethnic_groups", e, other);
  std::string recognition_date;
  for (const json& r : ListOf(d, "recognitions")) {
    AddTermLabels(schema, "recognition_levels", MemberOf(r, "level"), other);
    Add(other, Str(r, "decision"));
    std::string date = Str(r, "date");
    if (date.empty() && r.contains("year")) date = std::to_string(r["year"].get<int64_t>());
    if (!date.empty() && (recognition_date.empty() || date < recognition_date)) recognition_date = date;
  }
  const bool generalised = Str(d, "location_precision") == "generalised";
  std::optional<double> lat, lon;
  for (const json& p : ListOf(d, "places")) {
    for (const char* f : {"commune_2025", "commune_old", "district_old", "province_2025", "province_old"}) {
      Add(other, Str(p, f));
    }
    if (!generalised) Add(other, Str(p, "address"));
    if (!lat && p.contains("point")) {
      lat = p["point"]["lat"].get<double>();
      lon = p["point"]["lon"].get<double>();
    }
  }
  if (generalised && lat) {
    lat = std::round(*lat * 10) / 10;
    lon = std::round(*lon * 10) / 10;
  }
  if (d.contains("dating")) Add(other, Str(d["dating"], "text"));
  for (const json& c : ListOf(d, "communities")) {
    if (c.is_string()) Add(other, c.get<std::string>());
  }
  for (const json& p : ListOf(d, "practitioners")) Add(other, Str(p, "name"));
  for (const json& m : ListOf(d, "materials")) {
    if (m.is_string()) Add(other, m.get<std::string>());
  }

  SearchDocument doc;
  for (int i = 0; i < 4; ++i) {
    std::tie(doc.folded[i], doc.exact[i]) = FoldedAndExactText(raw[i]);
  }
  doc.sort_key = CollationKey(PreferredName(d));
  doc.recognition_date = recognition_date;
  doc.lat = lat;
  doc.lon = lon;
  if (d.contains("dating")) {
    if (d["dating"].contains("from_year")) doc.year_from = d["dating"]["from_year"].get<int64_t>();
    if (d["dating"].contains("to_year")) doc.year_to = d["dating"]["to_year"].get<int64_t>();
  }
  doc.is_public = Str(d, "visibility") != "restricted" &&
                  (Str(d, "status").empty() || Str(d, "status") == "published");
  return doc;
}

}  // namespace disan::search
