// Language choice and the translation files.
#include "portal/i18n.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "core/text.h"
#include "portal/portal_files.h"

namespace disan::portal {

using nlohmann::json;

std::string_view LangCode(Lang lang) { return lang == Lang::kVi ? "vi" : "en"; }

std::optional<Lang> ParseLang(std::string_view code) {
  if (code == "vi") return Lang::kVi;
  if (code == "en") return Lang::kEn;
  return std::nullopt;
}

Lang OtherLang(Lang lang) { return lang == Lang::kVi ? Lang::kEn : Lang::kVi; }

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The value of cookie `name` in a Cookie header, if any.
std::optional<std::string> CookieValue(std::string_view header, std::string_view name) {
  for (const std::string& part : SplitTrimmed(header.substr(0, 8192), ";")) {
    size_t eq = part.find('=');
    if (eq != std::string::npos && Trim(std::string_view(part).substr(0, eq)) == name) {
      return std::string(Trim(std::string_view(part).substr(eq + 1)));
    }
  }
  return std::nullopt;
}

// The best of vi/en in an Accept-Language header ("en-GB,en;q=0.9,vi;q=0.8").
std::optional<Lang> FromAcceptLanguage(std::string_view header) {
  std::optional<Lang> best;
  double best_q = 0;
  for (const std::string& range : SplitTrimmed(header.substr(0, 4096), ",")) {
    std::vector<std::string> parts = SplitTrimmed(range, ";");
    if (parts.empty()) continue;
    std::string tag = Lower(parts[0]);
    std::optional<Lang> lang = ParseLang(tag.substr(0, tag.find('-')));
    if (!lang) continue;
    double q = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      std::string_view p = parts[i];
      if (p.starts_with("q=")) {
        double v = 0;
        auto [end, ec] = std::from_chars(p.data() + 2, p.data() + p.size(), v);
        q = (ec == std::errc() && end == p.data() + p.size() && v >= 0 && v <= 1) ? v : 0;
      }
    }
    if (q > best_q) {
      best_q = q;
      best = lang;
    }
  }
  return best;
}

Result<json> ReadStrings(const std::vector<EmbeddedFile>& files, std::string_view path) {
  for (const EmbeddedFile& f : files) {
    if (f.path != path) continue;
    json j = json::parse(f.content, nullptr, false);
    if (!j.is_object()) {
      return Fail(ErrorCode::kCorrupt, std::string(path) + " is not a JSON object",
                  std::string(path) + " không phải đối tượng JSON");
    }
    for (const auto& [key, value] : j.items()) {
      if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
        return Fail(ErrorCode::kCorrupt,
                    std::string(path) + ": '" + key + "' is not a non-empty string",
                    std::string(path) + ": '" + key + "' không phải chuỗi khác rỗng");
      }
    }
    return j;
  }
  return Fail(ErrorCode::kCorrupt, std::string(path) + " is missing",
              "thiếu tệp " + std::string(path));
}

}  // namespace

Lang ChooseLang(const std::optional<std::string>& query_lang,
                const std::optional<std::string>& cookie_header,
                const std::optional<std::string>& accept_language) {
  if (query_lang) {
    if (std::optional<Lang> l = ParseLang(*query_lang)) return *l;
  }
  if (cookie_header) {
    if (std::optional<std::string> v = CookieValue(*cookie_header, "lang")) {
      if (std::optional<Lang> l = ParseLang(*v)) return *l;
    }
  }
  if (accept_language) {
    if (std::optional<Lang> l = FromAcceptLanguage(*accept_language)) return *l;
  }
  return Lang::kVi;
}

Result<Translations> Translations::Load(const std::vector<EmbeddedFile>& files) {
  Translations t;
  t.vi_ = TRY(ReadStrings(files, "i18n/vi.json"));
  t.en_ = TRY(ReadStrings(files, "i18n/en.json"));
  for (const auto& [a, b, name] :
       {std::tuple{&t.vi_, &t.en_, "en"}, std::tuple{&t.en_, &t.vi_, "vi"}}) {
    for (const auto& [key, value] : a->items()) {
      if (!b->contains(key)) {
        return Fail(ErrorCode::kCorrupt, "i18n/" + std::string(name) + ".json lacks '" + key + "'",
                    "i18n/" + std::string(name) + ".json thiếu '" + key + "'");
      }
    }
  }
  return t;
}

const Translations& Translations::Builtin() {
  static const Translations builtin = [] {
    Result<Translations> t = Load(PortalFiles());
    if (!t) throw std::runtime_error("built-in translations: " + t.error().message_en);
    return std::move(*t);
  }();
  return builtin;
}

std::string Translations::Get(Lang lang, const std::string& key) const {
  const json& strings = Strings(lang);
  auto it = strings.find(key);
  return it == strings.end() ? key : it->get<std::string>();
}

}  // namespace disan::portal
