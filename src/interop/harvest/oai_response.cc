#include "interop/harvest/oai_response.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <memory>

namespace disan::interop::harvest {
namespace {

constexpr std::string_view kOaiNs = "http://www.openarchives.org/OAI/2.0/";
constexpr std::string_view kOaiDcNs = "http://www.openarchives.org/OAI/2.0/oai_dc/";
constexpr std::string_view kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr std::string_view kDisanNs = "urn:disan:record:1";

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

std::string_view Name(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

bool Is(const xmlNode* n, std::string_view ns, std::string_view name) {
  return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
         reinterpret_cast<const char*>(n->ns->href) == ns && Name(n) == name;
}

std::string Content(const xmlNode* n) {
  xmlChar* c = xmlNodeGetContent(n);
  std::string out = c ? reinterpret_cast<const char*>(c) : "";
  xmlFree(c);
  return out;
}

std::string Trimmed(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Attribute(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string out = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

std::string Lang(const xmlNode* n) {
  xmlChar* v = xmlNodeGetLang(n);
  std::string out = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

template <typename F>
void Children(const xmlNode* n, F&& f) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) f(c);
  }
}

std::unexpected<Error> Refuse(const std::string& en, const std::string& vi) {
  return Fail(ErrorCode::kInvalid, "the source's answer is not usable: " + en,
              "câu trả lời của nguồn không dùng được: " + vi);
}

Result<OaiRecord> ParseRecord(const xmlNode* record, std::string_view format) {
  OaiRecord r;
  const xmlNode* header = Is(record, kOaiNs, "header") ? record : nullptr;
  const xmlNode* metadata = nullptr;
  if (!header) {
    Children(record, [&](const xmlNode* c) {
      if (Is(c, kOaiNs, "header")) header = c;
      if (Is(c, kOaiNs, "metadata")) metadata = c;
    });
  }
  if (!header) return Refuse("a record has no header", "một bản ghi không có phần đầu (header)");
  r.deleted = Attribute(header, "status") == "deleted";
  Children(header, [&](const xmlNode* c) {
    if (Is(c, kOaiNs, "identifier")) r.identifier = Trimmed(Content(c));
    if (Is(c, kOaiNs, "datestamp")) r.datestamp = Trimmed(Content(c));
    if (Is(c, kOaiNs, "setSpec")) r.sets.push_back(Trimmed(Content(c)));
  });
  if (r.identifier.empty() || r.datestamp.empty()) {
    return Refuse("a record header lacks its identifier or datestamp",
                  "phần đầu của một bản ghi thiếu định danh hoặc mốc thời gian");
  }
  if (r.identifier.size() > 1000) {
    return Refuse("an identifier is longer than 1000 characters",
                  "một định danh dài hơn 1000 ký tự");
  }
  if (!metadata || r.deleted) return r;
  Children(metadata, [&](const xmlNode* m) {
    if (format == "disan" && Is(m, kDisanNs, "record")) {
      Children(m, [&](const xmlNode* j) {
        if (Is(j, kDisanNs, "json")) {
          r.disan_json = Content(j);
          r.has_metadata = true;
        }
      });
    } else if (format == "oai_dc" && Is(m, kOaiDcNs, "dc")) {
      r.has_metadata = true;
      Children(m, [&](const xmlNode* e) {
        if (e->ns && e->ns->href && reinterpret_cast<const char*>(e->ns->href) == kDcNs) {
          std::string value = Trimmed(Content(e));
          if (!value.empty()) r.dc.push_back({std::string(Name(e)), std::move(value), Lang(e)});
        }
      });
    }
  });
  if (!r.has_metadata) {
    return Refuse("record " + r.identifier + " carries no " + std::string(format) + " metadata",
                  "bản ghi " + r.identifier + " không có siêu dữ liệu " + std::string(format));
  }
  return r;
}

}  // namespace

Result<OaiResponse> ParseOaiResponse(std::string_view xml, std::string_view format) {
  if (xml.size() > static_cast<size_t>(INT_MAX)) {
    return Refuse("the document is too large", "tài liệu quá lớn");
  }
  // No network, no entity substitution, no DTD loading; errors are read back, not printed.
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "oai.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA));
  if (!doc) {
    const xmlError* e = xmlGetLastError();
    std::string where =
        e ? "line " + std::to_string(e->line) + ": " + Trimmed(e->message ? e->message : "") : "";
    return Refuse("not well-formed XML (" + where + ")", "không phải XML hợp lệ (" + where + ")");
  }
  if (doc->intSubset || doc->extSubset) {
    return Refuse("the document declares a DTD, which OAI-PMH responses never do",
                  "tài liệu khai báo DTD, điều mà câu trả lời OAI-PMH không bao giờ có");
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!Is(root, kOaiNs, "OAI-PMH")) {
    return Refuse("the root element is not OAI-PMH 2.0's <OAI-PMH>",
                  "phần tử gốc không phải <OAI-PMH> của OAI-PMH 2.0");
  }
  OaiResponse out;
  Status status;
  Children(root, [&](const xmlNode* c) {
    if (!status) return;
    if (Is(c, kOaiNs, "responseDate"))
      out.response_date = Trimmed(Content(c));
    else if (Is(c, kOaiNs, "error")) {
      if (out.error_code.empty()) {
        out.error_code = Attribute(c, "code");
        out.error_message = Trimmed(Content(c));
        if (out.error_code.empty()) out.error_code = "unknown";
      }
    } else if (Is(c, kOaiNs, "Identify")) {
      Children(c, [&](const xmlNode* i) {
        if (Is(i, kOaiNs, "granularity")) out.granularity = Trimmed(Content(i));
        if (Is(i, kOaiNs, "repositoryName")) out.repository_name = Trimmed(Content(i));
      });
    } else if (Is(c, kOaiNs, "ListRecords") || Is(c, kOaiNs, "GetRecord") ||
               Is(c, kOaiNs, "ListIdentifiers")) {
      Children(c, [&](const xmlNode* r) {
        if (!status) return;
        if (Is(r, kOaiNs, "record") || Is(r, kOaiNs, "header")) {
          Result<OaiRecord> record = ParseRecord(r, format);
          if (!record) {
            status = std::unexpected(record.error());
            return;
          }
          out.records.push_back(std::move(*record));
        } else if (Is(r, kOaiNs, "resumptionToken")) {
          out.resumption_token = Trimmed(Content(r));
        }
      });
    }
  });
  if (!status) return std::unexpected(status.error());
  if (out.response_date.empty()) {
    return Refuse("the response has no responseDate", "câu trả lời không có responseDate");
  }
  return out;
}

}  // namespace disan::interop::harvest
