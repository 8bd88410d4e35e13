// RenderPublicText: the envelope spliced into the stored document's text (record_text.h).
#include "http/record_text.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "catalogue/catalogue.h"

namespace disan::http {

using nlohmann::json;

void AddLicenceLink(json& links, const Schema& schema, const json& licence) {
  if (!licence.is_string()) return;
  const Vocabulary* v = schema.FindVocabulary("licences");
  const Term* t = v ? v->FindId(licence.get<std::string>()) : nullptr;
  if (t && !t->uri.empty()) links["licence"] = t->uri;
}

namespace {

// The end of the string whose opening quote is at p, past its closing quote; nullptr when it
// does not close or holds a raw control character (dump() escapes those).
const char* SkipString(const char* p, const char* end) {
  for (++p; p < end; ++p) {
    if (static_cast<unsigned char>(*p) < 0x20) return nullptr;
    if (*p == '\\') {
      if (++p >= end) return nullptr;
    } else if (*p == '"') {
      return p + 1;
    }
  }
  return nullptr;
}

// A number, true, false or null as dump() prints them.
bool IsScalar(std::string_view token) {
  if (token == "true" || token == "false" || token == "null") return true;
  if (token.empty()) return false;
  return std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  });
}

// The end of the scalar that starts at p: up to the next delimiter.
const char* ScalarEnd(const char* p, const char* end) {
  while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ':') ++p;
  return p;
}

// The end of the JSON value that starts at p (compact text: no whitespace between tokens, as
// dump() prints); nullptr when it is not one. Brackets must match and scalars look like
// JSON's. Not a full parser: the text is the store's own, and anything odd is refused.
const char* SkipValue(const char* p, const char* end) {
  if (p >= end) return nullptr;
  if (*p == '"') return SkipString(p, end);
  if (*p != '{' && *p != '[') {
    const char* scalar_end = ScalarEnd(p, end);
    return IsScalar(std::string_view(p, static_cast<size_t>(scalar_end - p))) ? scalar_end
                                                                              : nullptr;
  }
  std::string open;  // the brackets not yet closed
  while (p < end) {
    const char c = *p;
    if (c == '"') {
      p = SkipString(p, end);
      if (!p) return nullptr;
    } else if (c == '{' || c == '[') {
      open += c;
      ++p;
    } else if (c == '}' || c == ']') {
      if (open.empty() || open.back() != (c == '}' ? '{' : '[')) return nullptr;
      open.pop_back();
      ++p;
      if (open.empty()) return p;
    } else if (c == ',' || c == ':') {
      ++p;
    } else {
      const char* scalar_end = ScalarEnd(p, end);
      if (!IsScalar(std::string_view(p, static_cast<size_t>(scalar_end - p)))) return nullptr;
      p = scalar_end;
    }
  }
  return nullptr;
}

struct Member {
  std::string_view key;    // without quotes; never escaped (the caller checks)
  std::string_view value;  // the value's text
};

// The top-level members of a compact object, in text order; nullopt for anything else.
std::optional<std::vector<Member>> Members(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  if (text.size() < 2 || *p != '{' || end[-1] != '}') return std::nullopt;
  std::vector<Member> out;
  out.reserve(32);
  ++p;
  if (*p == '}') return p + 1 == end ? std::optional(std::move(out)) : std::nullopt;
  while (p < end) {
    if (*p != '"') return std::nullopt;
    const char* key_end = SkipString(p, end);
    if (!key_end) return std::nullopt;
    std::string_view key(p + 1, static_cast<size_t>(key_end - p - 2));
    if (key.find('\\') != std::string_view::npos) return std::nullopt;
    if (key_end >= end || *key_end != ':') return std::nullopt;
    const char* value = key_end + 1;
    const char* value_end = SkipValue(value, end);
    if (!value_end || value_end >= end) return std::nullopt;
    out.push_back({key, std::string_view(value, static_cast<size_t>(value_end - value))});
    if (*value_end == '}')
      return value_end + 1 == end ? std::optional(std::move(out)) : std::nullopt;
    if (*value_end != ',') return std::nullopt;
    p = value_end + 1;
  }
  return std::nullopt;
}

}  // namespace

json RecordEnvelope(const StoredRecord& record, std::string_view collection, const Schema& schema,
                    const json* licence, bool has_pid, bool has_class) {
  json out = json::object();
  if (!has_pid) out["pid"] = record.pid;
  if (!has_class) out["class"] = RecordClassName(record.cls);
  out["revision"] = record.revision;
  out["created_at"] = record.created_at;
  out["updated_at"] = record.updated_at;
  const std::string self = "/api/v1/" + std::string(collection) + "/" + record.pid;
  out["links"] = {{"self", self}, {"id", "/id/" + record.pid}, {"revisions", self + "/revisions"}};
  if (licence) AddLicenceLink(out["links"], schema, *licence);
  return out;
}

std::optional<std::string> RenderPublicText(const StoredRecord& record, std::string_view document,
                                            std::string_view collection, const Schema& schema) {
  if (record.deleted) return std::nullopt;
  std::optional<std::vector<Member>> members = Members(document);
  if (!members) return std::nullopt;
  std::vector<Member> kept;
  kept.reserve(members->size() + 6);
  bool has_pid = false, has_class = false;
  std::optional<json> licence;
  for (size_t i = 0; i < members->size(); ++i) {
    const Member& m = (*members)[i];
    if (i > 0 && !((*members)[i - 1].key < m.key)) return std::nullopt;  // not as dump() prints
    switch (Catalogue::PublicMemberAsStored(m.key, m.value)) {
      case Catalogue::PublicMember::kNeedsParsing:
        return std::nullopt;
      case Catalogue::PublicMember::kHidden:
        continue;
      case Catalogue::PublicMember::kShown:
        break;
    }
    if (m.key == "licence") {
      licence = json::parse(m.value, nullptr, false);
      if (licence->is_discarded()) return std::nullopt;
    }
    has_pid = has_pid || m.key == "pid";
    has_class = has_class || m.key == "class";
    kept.push_back(m);
  }
  // The envelope's members replace the document's own of the same names, as in RenderRecord.
  const json envelope =
      RecordEnvelope(record, collection, schema, licence ? &*licence : nullptr, has_pid, has_class);
  std::erase_if(kept, [&](const Member& m) { return envelope.contains(m.key); });
  std::vector<std::string> printed;
  printed.reserve(envelope.size());  // no reallocation: `kept` points into these
  for (const auto& [key, value] : envelope.items()) {
    printed.push_back(value.dump(-1, ' ', false, json::error_handler_t::replace));
    kept.push_back({key, printed.back()});
  }
  std::sort(kept.begin(), kept.end(),
            [](const Member& a, const Member& b) { return a.key < b.key; });

  std::string out;
  size_t size = 2;
  for (const Member& m : kept) size += m.key.size() + m.value.size() + 4;
  out.reserve(size);
  out += '{';
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    out += kept[i].key;
    out += "\":";
    out += kept[i].value;
  }
  out += '}';
  return out;
}

}  // namespace disan::http
