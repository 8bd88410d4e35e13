// Reading OAI-PMH responses in tests: libxml2 XPath with the protocol's namespaces bound
// (oai, oai_dc, dc, disan, id), and validation of whole responses against the schemas in
// tests/interop/xsd (metadata included: the OAI-PMH schema validates it strictly).
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace disan::testing {

class XmlDoc {
 public:
  explicit XmlDoc(const std::string& text)
      : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()), "response.xml", nullptr,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) {}
  ~XmlDoc() {
    if (doc_) xmlFreeDoc(doc_);
  }
  XmlDoc(const XmlDoc&) = delete;
  XmlDoc& operator=(const XmlDoc&) = delete;

  bool ok() const { return doc_ != nullptr; }
  xmlDocPtr get() const { return doc_; }

  // The string value of every node the XPath selects.
  std::vector<std::string> Texts(const std::string& xpath) const {
    std::vector<std::string> out;
    if (!doc_) return out;
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc_);
    const char* ns[][2] = {{"oai", "http://www.openarchives.org/OAI/2.0/"},
                           {"oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc/"},
                           {"dc", "http://purl.org/dc/elements/1.1/"},
                           {"disan", "urn:disan:record:1"},
                           {"id", "http://www.openarchives.org/OAI/2.0/oai-identifier"}};
    for (auto& [prefix, uri] : ns) {
      xmlXPathRegisterNs(ctx, reinterpret_cast<const xmlChar*>(prefix), reinterpret_cast<const xmlChar*>(uri));
    }
    xmlXPathObjectPtr result = xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), ctx);
    if (result && result->nodesetval) {
      for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
        xmlChar* s = xmlXPathCastNodeToString(result->nodesetval->nodeTab[i]);
        out.emplace_back(reinterpret_cast<const char*>(s));
        xmlFree(s);
      }
    } else if (result && result->type == XPATH_STRING) {
      out.emplace_back(reinterpret_cast<const char*>(result->stringval));
    } else if (result && result->type == XPATH_NUMBER) {
      out.push_back(std::to_string(static_cast<long long>(result->floatval)));
    }
    xmlXPathFreeObject(result);
    xmlXPathFreeContext(ctx);
    return out;
  }
  std::string Text(const std::string& xpath) const {
    std::vector<std::string> all = Texts(xpath);
    return all.empty() ? "" : all[0];
  }
  size_t Count(const std::string& xpath) const { return Texts(xpath).size(); }

 private:
  xmlDocPtr doc_;
};

// Validates responses against tests/interop/xsd plus the disan schema as the server serves it.
class OaiSchemas {
 public:
  explicit OaiSchemas(const std::string& disan_xsd) {
    std::filesystem::copy(SourceDir() + "/tests/interop/xsd", dir_.path(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
    WriteFile(dir_.File("disan.xsd"), disan_xsd);
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(dir_.File("harvest.xsd").c_str());
    xmlSchemaSetParserStructuredErrors(parser, Collect, &load_errors_);
    schema_ = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
  }
  ~OaiSchemas() {
    if (schema_) xmlSchemaFree(schema_);
  }
  // "" when the schemas loaded.
  const std::string& load_errors() const { return load_errors_; }

  // "" when `xml` is a valid response; otherwise what is wrong.
  std::string Validate(const std::string& xml) const {
    if (!schema_) return "schemas did not load: " + load_errors_;
    XmlDoc doc(xml);
    if (!doc.ok()) return "not well-formed XML";
    std::string errors;
    xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema_);
    xmlSchemaSetValidStructuredErrors(v, Collect, &errors);
    int rc = xmlSchemaValidateDoc(v, doc.get());
    xmlSchemaFreeValidCtxt(v);
    if (rc != 0 && errors.empty()) errors = "invalid (code " + std::to_string(rc) + ")";
    return errors;
  }

 private:
  static void Collect(void* sink, xmlErrorPtr e) {
    auto* out = static_cast<std::string*>(sink);
    if (e && e->message) *out += "line " + std::to_string(e->line) + ": " + e->message;
  }

  TempDir dir_;
  std::string load_errors_;
  xmlSchemaPtr schema_ = nullptr;
};

}  // namespace disan::testing
