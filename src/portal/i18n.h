// The portal's two languages: which one a request gets, and the strings of each.
//
// Every user-facing string of a page comes from web/i18n/{vi,en}.json (flat objects of
// key -> text). Translations are immutable after loading, so one instance serves all threads.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/schema_files.h"

namespace disan::portal {

enum class Lang { kVi, kEn };

std::string_view LangCode(Lang lang);  // "vi", "en"
std::optional<Lang> ParseLang(std::string_view code);
Lang OtherLang(Lang lang);

// The language of a page: an explicit ?lang= wins, then the "lang" cookie (set when the
// visitor used the switch), then the first of vi/en in Accept-Language by q-value; Vietnamese
// when nothing says otherwise. Malformed or hostile headers are ignored, never an error.
Lang ChooseLang(const std::optional<std::string>& query_lang,
                const std::optional<std::string>& cookie_header,
                const std::optional<std::string>& accept_language);

class Translations {
 public:
  // Reads i18n/vi.json and i18n/en.json from `files`. kCorrupt when one is missing, is not a
  // flat object of strings, or a key is present in one language and not the other.
  static Result<Translations> Load(const std::vector<EmbeddedFile>& files);
  // The translations compiled into this binary. Throws on a broken build (a start-up bug).
  static const Translations& Builtin();

  // All strings of a language as a JSON object (key -> text).
  const nlohmann::json& Strings(Lang lang) const { return lang == Lang::kVi ? vi_ : en_; }
  // One string; the key itself when missing (the tests make sure none is).
  std::string Get(Lang lang, const std::string& key) const;

 private:
  nlohmann::json vi_;
  nlohmann::json en_;
};

}  // namespace disan::portal
