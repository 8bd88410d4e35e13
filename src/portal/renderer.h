// Renders portal pages from the Mustache templates in web/templates/ (kainjow Mustache).
//
// A page is templates/<name>.mustache rendered with its model, placed into
// templates/layout.mustache as {{{content}}}. Templates named _*.mustache are partials
// ({{> _facets}}). Every model gets `t`, the strings of the page's language, `lang`, and
// has_<name> (true when not empty) for each of its top-level lists. Empty strings are false
// (so a section around a field disappears with it); numbers are text (so 0 is true).
// {{name}} escapes HTML; the templates use {{{...}}} only for text that is already safe
// (rendered content, search snippets, JSON made safe for <script> by ScriptJson).
// Immutable after loading: one instance serves all threads.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/schema_files.h"
#include "portal/i18n.h"

namespace disan::portal {

class Renderer {
 public:
  // Parses every template of `files` once to check it. kCorrupt when one does not parse.
  static Result<Renderer> Load(const std::vector<EmbeddedFile>& files, Translations translations);
  // The templates and translations compiled into this binary. Throws on a broken build.
  static const Renderer& Builtin();

  // The whole HTML document of page `name` with `model`. kInternal when the template is
  // missing or fails to render.
  Result<std::string> Page(std::string_view name, nlohmann::json model, Lang lang) const;

  // Renders one template (no layout), for fragments such as sitemap.xml.
  Result<std::string> Fragment(std::string_view name, nlohmann::json model, Lang lang) const;

  const Translations& translations() const { return translations_; }
  // Template name -> source, for the tests that check every {{t.key}} is translated.
  const std::map<std::string, std::string, std::less<>>& templates() const { return templates_; }

 private:
  std::map<std::string, std::string, std::less<>> templates_;
  Translations translations_;
};

// Every key used as {{t.key}} (or {{{t.key}}}, or a section of it) in `source`.
std::set<std::string> TranslationKeysUsed(std::string_view source);

// JSON to embed inside <script type="application/ld+json"> or "application/json": '<', '>'
// and '&' are written as \u escapes so no string can close the script element.
std::string ScriptJson(const nlohmann::json& value);

}  // namespace disan::portal
