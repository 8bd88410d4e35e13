#include "interop/oai_request.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "core/text.h"

namespace disan::interop {
namespace {

constexpr size_t kMaxPairs = 32;
constexpr size_t kMaxBytes = 4096;

bool IsUnreservedMark(char c) {
  return c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' ||
         c == '(' || c == ')';
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// metadataPrefixType: [A-Za-z0-9\-_\.!~\*'\(\)]+
bool IsMetadataPrefix(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return IsAsciiAlnum(c) || IsUnreservedMark(c); });
}

// What xs:anyURI and the oai-identifier syntax can hold: printable ASCII without spaces or
// the characters URIs exclude.
bool IsUriLike(std::string_view text) {
  if (text.empty() || text.size() > 512) return false;
  for (char c : text) {
    if (c <= 0x20 || c >= 0x7F) return false;
    if (c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' || c == '\\' ||
        c == '^' || c == '`') {
      return false;
    }
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool Digits(std::string_view text, size_t at, size_t count, int& value) {
  value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

std::string Format(int64_t seconds, const char* suffix) {
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t rest = seconds - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld%s", static_cast<long long>(y), m, d,
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60), suffix);
  return buf;
}

struct VerbGrammar {
  std::set<std::string> required;
  std::set<std::string> optional;
  bool takes_token = false;
};

const std::map<OaiVerb, VerbGrammar>& Grammars() {
  static const std::map<OaiVerb, VerbGrammar> grammars = {
      {OaiVerb::kIdentify, {{}, {}, false}},
      {OaiVerb::kListMetadataFormats, {{}, {"identifier"}, false}},
      {OaiVerb::kListSets, {{}, {}, true}},
      {OaiVerb::kGetRecord, {{"identifier", "metadataPrefix"}, {}, false}},
      {OaiVerb::kListIdentifiers, {{"metadataPrefix"}, {"from", "until", "set"}, true}},
      {OaiVerb::kListRecords, {{"metadataPrefix"}, {"from", "until", "set"}, true}},
  };
  return grammars;
}

}  // namespace

std::string_view OaiErrorCodeName(OaiErrorCode code) {
  switch (code) {
    case OaiErrorCode::kBadArgument: return "badArgument";
    case OaiErrorCode::kBadResumptionToken: return "badResumptionToken";
    case OaiErrorCode::kBadVerb: return "badVerb";
    case OaiErrorCode::kCannotDisseminateFormat: return "cannotDisseminateFormat";
    case OaiErrorCode::kIdDoesNotExist: return "idDoesNotExist";
    case OaiErrorCode::kNoRecordsMatch: return "noRecordsMatch";
    case OaiErrorCode::kNoMetadataFormats: return "noMetadataFormats";
    case OaiErrorCode::kNoSetHierarchy: return "noSetHierarchy";
  }
  return "badArgument";
}

std::unexpected<OaiError> OaiFail(OaiErrorCode code, std::string_view en, std::string_view vi) {
  return std::unexpected(OaiError{code, std::string(en) + " / " + std::string(vi)});
}

std::string_view OaiVerbName(OaiVerb verb) {
  switch (verb) {
    case OaiVerb::kIdentify: return "Identify";
    case OaiVerb::kListMetadataFormats: return "ListMetadataFormats";
    case OaiVerb::kListSets: return "ListSets";
    case OaiVerb::kGetRecord: return "GetRecord";
    case OaiVerb::kListIdentifiers: return "ListIdentifiers";
    case OaiVerb::kListRecords: return "ListRecords";
  }
  return "Identify";
}

std::optional<OaiVerb> ParseOaiVerb(std::string_view name) {
  for (OaiVerb v : {OaiVerb::kIdentify, OaiVerb::kListMetadataFormats, OaiVerb::kListSets,
                    OaiVerb::kGetRecord, OaiVerb::kListIdentifiers, OaiVerb::kListRecords}) {
    if (OaiVerbName(v) == name) return v;
  }
  return std::nullopt;
}

std::optional<UtcDatetime> ParseUtcDatetime(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() != 10 && text.size() != 20) return std::nullopt;
  if (!Digits(text, 0, 4, y) || text[4] != '-' || !Digits(text, 5, 2, mo) || text[7] != '-' ||
      !Digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  static const int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > kDaysIn[mo - 1] || (mo == 2 && d == 29 && !leap)) {
    return std::nullopt;
  }
  UtcDatetime out;
  out.granularity = Granularity::kDay;
  if (text.size() == 20) {
    if (text[10] != 'T' || !Digits(text, 11, 2, h) || text[13] != ':' || !Digits(text, 14, 2, mi) ||
        text[16] != ':' || !Digits(text, 17, 2, s) || text[19] != 'Z' || h > 23 || mi > 59 || s > 59) {
      return std::nullopt;
    }
    out.granularity = Granularity::kSeconds;
  }
  out.seconds = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                h * 3600 + mi * 60 + s;
  return out;
}

std::string FormatUtcDatetime(int64_t seconds) { return Format(seconds, "Z"); }

std::string FormatStoreTime(int64_t seconds) { return Format(seconds, ".000Z"); }

bool IsSetSpec(std::string_view text) {
  if (text.empty() || text.size() > 200) return false;
  bool segment_empty = true;
  for (char c : text) {
    if (c == ':') {
      if (segment_empty) return false;
      segment_empty = true;
    } else if (IsAsciiAlnum(c) || IsUnreservedMark(c)) {
      segment_empty = false;
    } else {
      return false;
    }
  }
  return !segment_empty;
}

OaiResult<Arguments> ParseFormEncoded(std::string_view text) {
  if (text.size() > kMaxBytes) {
    return OaiFail(OaiErrorCode::kBadArgument,
                   "the request's arguments are longer than " + std::to_string(kMaxBytes) + " bytes",
                   "các tham số của yêu cầu dài quá " + std::to_string(kMaxBytes) + " byte");
  }
  Arguments out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    if (out.size() == kMaxPairs) {
      return OaiFail(OaiErrorCode::kBadArgument, "the request has too many arguments",
                     "yêu cầu có quá nhiều tham số");
    }
    size_t eq = pair.find('=');
    std::optional<std::string> key = Decode(pair.substr(0, eq));
    std::optional<std::string> value =
        eq == std::string_view::npos ? std::optional<std::string>("") : Decode(pair.substr(eq + 1));
    if (!key || !value) {
      return OaiFail(OaiErrorCode::kBadArgument, "an argument has a malformed %-escape",
                     "một tham số có mã %-escape sai");
    }
    for (const std::string* s : {&*key, &*value}) {
      bool control = std::any_of(s->begin(), s->end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
      });
      if (!IsValidUtf8(*s) || control) {
        return OaiFail(OaiErrorCode::kBadArgument,
                       "an argument is not UTF-8 text or holds control characters",
                       "một tham số không phải văn bản UTF-8 hoặc chứa ký tự điều khiển");
      }
    }
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

OaiResult<OaiRequest> ParseOaiRequest(const Arguments& arguments) {
  OaiRequest request;
  request.arguments = arguments;
  std::vector<std::string> verbs;
  for (const auto& [key, value] : arguments) {
    if (key == "verb") verbs.push_back(value);
  }
  if (verbs.empty()) {
    return OaiFail(OaiErrorCode::kBadVerb, "the verb argument is missing", "thiếu tham số verb");
  }
  if (verbs.size() > 1) {
    return OaiFail(OaiErrorCode::kBadVerb, "the verb argument is repeated", "tham số verb bị lặp lại");
  }
  std::optional<OaiVerb> verb = ParseOaiVerb(verbs[0]);
  if (!verb) {
    return OaiFail(OaiErrorCode::kBadVerb, "'" + verbs[0] + "' is not an OAI-PMH verb",
                   "'" + verbs[0] + "' không phải một verb của OAI-PMH");
  }
  request.verb = *verb;
  const VerbGrammar& grammar = Grammars().at(*verb);
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : arguments) {
    if (key == "verb") continue;
    bool known = grammar.required.count(key) || grammar.optional.count(key) ||
                 (grammar.takes_token && key == "resumptionToken");
    if (!known) {
      return OaiFail(OaiErrorCode::kBadArgument,
                     std::string(OaiVerbName(*verb)) + " does not take the argument '" + key + "'",
                     std::string(OaiVerbName(*verb)) + " không nhận tham số '" + key + "'");
    }
    if (!values.emplace(key, value).second) {
      return OaiFail(OaiErrorCode::kBadArgument, "the argument '" + key + "' is repeated",
                     "tham số '" + key + "' bị lặp lại");
    }
    if (value.empty()) {
      return OaiFail(OaiErrorCode::kBadArgument, "the argument '" + key + "' is empty",
                     "tham số '" + key + "' để trống");
    }
  }
  if (values.count("resumptionToken")) {
    if (values.size() > 1) {
      return OaiFail(OaiErrorCode::kBadArgument,
                     "resumptionToken is an exclusive argument: send it with the verb only",
                     "resumptionToken là tham số độc quyền: chỉ gửi kèm verb");
    }
    request.resumption_token = values["resumptionToken"];
    return request;
  }
  for (const std::string& key : grammar.required) {
    if (!values.count(key)) {
      return OaiFail(OaiErrorCode::kBadArgument,
                     std::string(OaiVerbName(*verb)) + " needs the argument '" + key + "'",
                     std::string(OaiVerbName(*verb)) + " cần tham số '" + key + "'");
    }
  }
  if (auto it = values.find("metadataPrefix"); it != values.end()) {
    if (!IsMetadataPrefix(it->second)) {
      return OaiFail(OaiErrorCode::kBadArgument,
                     "metadataPrefix may hold only letters, digits and - _ . ! ~ * ' ( )",
                     "metadataPrefix chỉ được chứa chữ, số và - _ . ! ~ * ' ( )");
    }
    request.metadata_prefix = it->second;
  }
  if (auto it = values.find("set"); it != values.end()) {
    if (!IsSetSpec(it->second)) {
      return OaiFail(OaiErrorCode::kBadArgument, "'" + it->second + "' is not a setSpec",
                     "'" + it->second + "' không phải một setSpec");
    }
    request.set = it->second;
  }
  if (auto it = values.find("identifier"); it != values.end()) {
    if (!IsUriLike(it->second)) {
      return OaiFail(OaiErrorCode::kBadArgument, "the identifier is not a URI",
                     "identifier không phải một URI");
    }
    request.identifier = it->second;
  }
  for (const char* name : {"from", "until"}) {
    auto it = values.find(name);
    if (it == values.end()) continue;
    std::optional<UtcDatetime> t = ParseUtcDatetime(it->second);
    if (!t) {
      return OaiFail(OaiErrorCode::kBadArgument,
                     std::string(name) + " must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, not '" + it->second + "'",
                     std::string(name) + " phải có dạng YYYY-MM-DD hoặc YYYY-MM-DDThh:mm:ssZ, không phải '" +
                         it->second + "'");
    }
    (std::string(name) == "from" ? request.from : request.until) = t;
  }
  if (request.from && request.until) {
    if (request.from->granularity != request.until->granularity) {
      return OaiFail(OaiErrorCode::kBadArgument, "from and until must have the same granularity",
                     "from và until phải cùng độ chi tiết thời gian");
    }
    if (request.from->seconds > request.until->seconds) {
      return OaiFail(OaiErrorCode::kBadArgument, "from is later than until", "from muộn hơn until");
    }
  }
  return request;
}

}  // namespace disan::interop
