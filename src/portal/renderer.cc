// Mustache rendering: the only file that includes kainjow's mustache.hpp.
#include "portal/renderer.h"

#include <kainjow/mustache.hpp>
#include <regex>
#include <stdexcept>

#include "portal/portal_files.h"

namespace disan::portal {

using nlohmann::json;
namespace mustache = kainjow::mustache;

namespace {

mustache::data ToData(const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      mustache::data out{mustache::data::type::object};
      for (const auto& [k, v] : value.items()) out.set(k, ToData(v));
      return out;
    }
    case json::value_t::array: {
      mustache::data out{mustache::data::type::list};
      for (const json& v : value) out.push_back(ToData(v));
      return out;
    }
    case json::value_t::string:
      // An empty string is false, so that {{#field}}...{{/field}} leaves out empty fields.
      if (value.get_ref<const std::string&>().empty()) return mustache::data{false};
      return mustache::data{value.get<std::string>()};
    case json::value_t::boolean:
      return mustache::data{value.get<bool>()};
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return mustache::data{value.dump()};
    default:
      return mustache::data{false};
  }
}

std::string StemOf(std::string_view path) {
  std::string_view name = path.substr(path.rfind('/') + 1);
  return std::string(name.substr(0, name.rfind('.')));
}

}  // namespace

Result<Renderer> Renderer::Load(const std::vector<EmbeddedFile>& files, Translations translations) {
  Renderer r;
  r.translations_ = std::move(translations);
  for (const EmbeddedFile& f : files) {
    if (!f.path.starts_with("templates/") || !f.path.ends_with(".mustache")) continue;
    std::string source(f.content);
    mustache::mustache check{source};
    if (!check.is_valid()) {
      return Fail(ErrorCode::kCorrupt, std::string(f.path) + ": " + check.error_message(),
                  std::string(f.path) + ": " + check.error_message());
    }
    r.templates_[StemOf(f.path)] = std::move(source);
  }
  if (!r.templates_.contains("layout")) {
    return Fail(ErrorCode::kCorrupt, "templates/layout.mustache is missing",
                "thiếu templates/layout.mustache");
  }
  return r;
}

const Renderer& Renderer::Builtin() {
  static const Renderer builtin = [] {
    Result<Renderer> r = Load(PortalFiles(), Translations::Builtin());
    if (!r) throw std::runtime_error("built-in templates: " + r.error().message_en);
    return std::move(*r);
  }();
  return builtin;
}

Result<std::string> Renderer::Fragment(std::string_view name, json model, Lang lang) const {
  auto it = templates_.find(name);
  if (it == templates_.end()) {
    return Fail(ErrorCode::kInternal, "no template '" + std::string(name) + "'",
                "không có mẫu trang '" + std::string(name) + "'");
  }
  // has_<name> for every list of the model, so that templates can wrap a list in markup.
  if (model.is_object()) {
    std::vector<std::string> flags;
    for (const auto& [key, value] : model.items()) {
      if (value.is_array() && !model.contains("has_" + key)) flags.push_back(key);
    }
    for (const std::string& key : flags) model["has_" + key] = !model[key].empty();
  }
  model["t"] = translations_.Strings(lang);
  model["lang"] = std::string(LangCode(lang));
  mustache::data data = ToData(model);
  for (const auto& [stem, source] : templates_) {
    if (!stem.starts_with('_')) continue;
    const std::string* text = &source;
    data.set(stem, mustache::data{mustache::partial{[text] { return *text; }}});
  }
  mustache::mustache tmpl{it->second};
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) {
    return Fail(ErrorCode::kInternal, "template " + std::string(name) + ": " + tmpl.error_message(),
                "mẫu trang " + std::string(name) + ": " + tmpl.error_message());
  }
  return out;
}

Result<std::string> Renderer::Page(std::string_view name, json model, Lang lang) const {
  std::string content = TRY(Fragment(name, model, lang));
  model["content"] = std::move(content);
  return Fragment("layout", std::move(model), lang);
}

std::set<std::string> TranslationKeysUsed(std::string_view source) {
  static const std::regex kKey(R"(\{\{[{#^/&]?\s*t\.([A-Za-z0-9_]+)\s*\}?\}\})");
  std::set<std::string> keys;
  std::string text(source);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kKey); it != std::sregex_iterator();
       ++it) {
    keys.insert((*it)[1].str());
  }
  return keys;
}

std::string ScriptJson(const json& value) {
  std::string raw = value.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace disan::portal
