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

}  // namespace

std::string XmlSafe(std::string_view text) {
  std::string clean = KeepXmlChars(text);
  Result<std::string> nfc = ToNfc(clean);
  return nfc ? std::move(*nfc) : clean;
}

std::string XmlEscape(std::string_view text, XmlContext context) {
  std::string safe = XmlSafe(text);
  std::string out;
  out.reserve(safe.size() + safe.size() / 8);
  for (char c : safe) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      // Quotes need escaping only inside attribute values (always double-quoted here);
      // leaving them in text keeps JSON payloads readable.
      case '"': out += context == XmlContext::kAttribute ? "&quot;" : "\""; break;
      case '\r': out += "&#xD;"; break;
      case '\t': out += context == XmlContext::kAttribute ? "&#x9;" : "\t"; break;
      case '\n': out += context == XmlContext::kAttribute ? "&#xA;" : "\n"; break;
      default: out += c;
    }
  }
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
    out_ += XmlEscape(value, XmlContext::kAttribute);
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
  out_ += XmlEscape(text);
  return End(name);
}

XmlBuilder& XmlBuilder::Empty(std::string_view name, const Attributes& attributes) {
  OpenTag(name, attributes);
  out_ += "/>";
  return *this;
}

XmlBuilder& XmlBuilder::Text(std::string_view text) {
  out_ += XmlEscape(text);
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
