#include "interop/xml.h"

#include <cstdint>

#include "core/text.h"

namespace disan::interop {
namespace {

// XML 1.0, production [2] Char.
bool IsXmlChar(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

// Copies the well-formed UTF-8 sequences of allowed characters; drops everything else.
std::string KeepXmlChars(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char b = s[i];
    if (b < 0x80) {
      if (IsXmlChar(b)) out += static_cast<char>(b);
      ++i;
      continue;
    }
    size_t length = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 0;
    if (b > 0xF4) length = 0;
    if (length == 0 || i + length > n) {
      ++i;
      continue;
    }
    uint32_t c = b & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
    bool ok = true;
    for (size_t k = 1; k < length; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      c = (c << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms and surrogates are ill-formed UTF-8.
    if (ok && ((length == 3 && c < 0x800) || (length == 4 && c < 0x10000) ||
               (c >= 0xD800 && c <= 0xDFFF))) {
      ok = false;
    }
    if (!ok) {
      ++i;
      continue;
    }
    if (IsXmlChar(c)) out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

// Whether `text` is printable ASCII with tab and newline only: nothing to drop, already NFC.
// Most identifiers, dates, codes and URLs are; they skip the copies XmlSafe makes.
bool PlainAscii(std::string_view text) {
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x80 || (b < 0x20 && b != '\t' && b != '\n')) return false;
  }
  return true;
}

// Appends `text` escaped for `context` to `out`, in runs between the characters replaced.
void AppendEscaped(std::string& out, std::string_view text, XmlContext context) {
  std::string holder;
  std::string_view safe = text;
  if (!PlainAscii(text)) {
    holder = XmlSafe(text);
    safe = holder;
  }
  const bool attribute = context == XmlContext::kAttribute;
  size_t run = 0;
  for (size_t i = 0; i < safe.size(); ++i) {
    const char* with = nullptr;
    switch (safe[i]) {
      case '&': with = "&amp;"; break;
      case '<': with = "&lt;"; break;
      case '>': with = "&gt;"; break;
      // Quotes need escaping only inside attribute values (always double-quoted here);
      // leaving them in text keeps JSON payloads readable.
      case '"': with = attribute ? "&quot;" : nullptr; break;
      case '\r': with = "&#xD;"; break;
      case '\t': with = attribute ? "&#x9;" : nullptr; break;
      case '\n': with = attribute ? "&#xA;" : nullptr; break;
      default: break;
    }
    if (!with) continue;
    out.append(safe.substr(run, i - run));
    out += with;
    run = i + 1;
  }
  out.append(safe.substr(run));
}

}  // namespace

std::string XmlSafe(std::string_view text) {
  std::string clean = KeepXmlChars(text);
  Result<std::string> nfc = ToNfc(clean);
  return nfc ? std::move(*nfc) : clean;
}

std::string XmlEscape(std::string_view text, XmlContext context) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  AppendEscaped(out, text, context);
  return out;
}

XmlBuilder& XmlBuilder::Declaration() {
  out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  return *this;
}

void XmlBuilder::OpenTag(std::string_view name, const Attributes& attributes) {
  out_ += '<';
  out_ += name;
  for (const auto& [key, value] : attributes) {
    out_ += ' ';
    out_ += key;
    out_ += "=\"";
    AppendEscaped(out_, value, XmlContext::kAttribute);
    out_ += '"';
  }
}

XmlBuilder& XmlBuilder::Start(std::string_view name, const Attributes& attributes) {
  OpenTag(name, attributes);
  out_ += '>';
  return *this;
}

XmlBuilder& XmlBuilder::End(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
  return *this;
}

XmlBuilder& XmlBuilder::Element(std::string_view name, std::string_view text,
                                const Attributes& attributes) {
  Start(name, attributes);
  AppendEscaped(out_, text, XmlContext::kText);
  return End(name);
}

XmlBuilder& XmlBuilder::Empty(std::string_view name, const Attributes& attributes) {
  OpenTag(name, attributes);
  out_ += "/>";
  return *this;
}

XmlBuilder& XmlBuilder::Text(std::string_view text) {
  AppendEscaped(out_, text, XmlContext::kText);
  return *this;
}

XmlBuilder& XmlBuilder::Raw(std::string_view markup) {
  out_ += markup;
  return *this;
}

XmlBuilder& XmlBuilder::Newline() {
  out_ += '\n';
  return *this;
}

}  // namespace disan::interop
