// Writing XML: escaping and a small element builder. No parsing here.
//
// Every string that goes into an XML document passes through XmlEscape: it is made NFC, the
// characters with a meaning in markup are escaped, and characters XML 1.0 forbids
// (control characters other than tab, newline and carriage return; U+FFFE, U+FFFF; invalid
// UTF-8) are dropped, so that no record, however odd its text, can break a harvest.
// Pure functions and a value type; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace disan::interop {

// Where escaped text goes: attribute values are always written in double quotes.
enum class XmlContext { kText, kAttribute };

// Text escaped for `context`: & < > become entities, and " too in attributes; CR, and in attributes also tab and
// newline, become character references so that parsers do not normalise them away; forbidden
// characters are dropped; the result is NFC.
std::string XmlEscape(std::string_view text, XmlContext context = XmlContext::kText);

// Drops what XML 1.0 forbids and makes the text NFC, without escaping markup characters
// (for text that is escaped by other means, e.g. a JSON payload before XmlEscape).
std::string XmlSafe(std::string_view text);

// Builds a document by appending to one string. Start() and End() must pair up; the builder
// does not check, the tests of its callers do (every response is validated against its XSD).
class XmlBuilder {
 public:
  using Attributes = std::vector<std::pair<std::string, std::string>>;

  XmlBuilder& Declaration();
  XmlBuilder& Start(std::string_view name, const Attributes& attributes = {});
  XmlBuilder& End(std::string_view name);
  // <name attributes>escaped text</name>
  XmlBuilder& Element(std::string_view name, std::string_view text, const Attributes& attributes = {});
  // <name attributes/>
  XmlBuilder& Empty(std::string_view name, const Attributes& attributes = {});
  XmlBuilder& Text(std::string_view text);
  // Appends markup written by another builder.
  XmlBuilder& Raw(std::string_view markup);
  XmlBuilder& Newline();

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void OpenTag(std::string_view name, const Attributes& attributes);
  std::string out_;
};

}  // namespace disan::interop
