#include "workflow/contributions.h"

#include "catalogue/licences.h"

#include <algorithm>

#include "auth/self_service.h"
#include "core/pid.h"
#include "core/text.h"

namespace disan::workflow {
namespace {

using nlohmann::json;

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

Error FieldInvalid(const std::string& field, const std::string& keyword, const std::string& en,
                   const std::string& vi) {
  return Error{
      ErrorCode::kInvalid, field + ": " + en, field + ": " + vi, {{field, keyword, en, vi}}};
}

Result<std::string> TextMember(const json& body, const std::string& name, size_t max,
                               Presence presence) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (presence == Presence::kOptional) return std::string();
    return Fail(FieldInvalid(name, "required", "is required", "là trường bắt buộc"));
  }
  if (!it->is_string()) {
    return Fail(FieldInvalid(name, "type", "must be a string", "phải là chuỗi ký tự"));
  }
  const std::string& raw = it->get_ref<const std::string&>();
  if (raw.size() > max * 2) {  // before normalising: NFC never more than doubles a string
    return Fail(FieldInvalid(name, "max_length", "is longer than " + std::to_string(max) + " bytes",
                             "dài quá " + std::to_string(max) + " byte"));
  }
  Result<std::string> nfc = ToNfc(raw);
  if (!nfc) {
    return Fail(FieldInvalid(name, "encoding", "is not valid UTF-8 text",
                             "không phải văn bản UTF-8 hợp lệ"));
  }
  // Short fields are one line; long ones (reasons, comments) may break lines.
  for (unsigned char c : *nfc) {
    bool line_break = c == '\n' || c == '\r' || c == '\t';
    if ((c < 0x20 && (!line_break || max <= kMaxShortText)) || c == 0x7f) {
      return Fail(FieldInvalid(name, "control_character", "contains a control character",
                               "chứa ký tự điều khiển"));
    }
  }
  std::string text(Trim(*nfc));
  if (text.size() > max) {
    return Fail(FieldInvalid(name, "max_length", "is longer than " + std::to_string(max) + " bytes",
                             "dài quá " + std::to_string(max) + " byte"));
  }
  if (text.empty() && presence == Presence::kRequired) {
    return Fail(FieldInvalid(name, "required", "must not be empty", "không được để trống"));
  }
  return text;
}

bool CommercialUseNeedsPermission(std::string_view licence) {
  return disan::CommercialUseNeedsPermission(licence);
}

Result<Rights> ParseRights(const json& body, ConsentRule consent_rule) {
  Rights r;
  r.licence = TRY(TextMember(body, "licence", 64, Presence::kRequired));
  if (std::find(std::begin(kContributionLicences), std::end(kContributionLicences), r.licence) ==
      std::end(kContributionLicences)) {
    return Fail(FieldInvalid(
        "licence", "unknown_term",
        "must be one of cc0_1_0, cc_by_4_0, cc_by_sa_4_0, cc_by_nc_4_0, rs_inc (all rights "
        "reserved, commercial use by permission)",
        "phải là một trong cc0_1_0, cc_by_4_0, cc_by_sa_4_0, cc_by_nc_4_0, rs_inc (giữ mọi "
        "quyền, sử dụng thương mại phải xin phép)"));
  }
  r.rights_holder = TRY(TextMember(body, "rights_holder", kMaxShortText, Presence::kRequired));
  r.attribution = TRY(TextMember(body, "attribution", kMaxShortText, Presence::kRequired));
  auto it = body.find("consent");
  if (it == body.end() || it->is_null()) {
    if (consent_rule == ConsentRule::kRequired) {
      return Fail(
          FieldInvalid("consent", "required",
                       "is required for intangible heritage: who consented and when (YYYY-MM-DD)",
                       "là bắt buộc với di sản phi vật thể: ai đồng ý và ngày nào (YYYY-MM-DD)"));
    }
    return r;
  }
  if (!it->is_object()) {
    return Fail(FieldInvalid("consent", "type", "must be an object {who, date, document_media}",
                             "phải là đối tượng {who, date, document_media}"));
  }
  for (const auto& [key, value] : it->items()) {
    if (key != "who" && key != "date" && key != "document_media") {
      return Fail(FieldInvalid("consent/" + key.substr(0, 64), "unknown_field",
                               "is not a member of consent (who, date, document_media)",
                               "không phải thành phần của consent (who, date, document_media)"));
    }
  }
  Consent c;
  Result<std::string> who = TextMember(*it, "who", kMaxShortText, Presence::kRequired);
  if (!who)
    return Fail(FieldInvalid("consent/who", who.error().fields[0].problem,
                             who.error().fields[0].message_en, who.error().fields[0].message_vi));
  c.who = *who;
  Result<std::string> date = TextMember(*it, "date", 10, Presence::kRequired);
  if (!date || !IsDate(*date)) {
    return Fail(FieldInvalid("consent/date", "format", "must be a date YYYY-MM-DD",
                             "phải là ngày dạng YYYY-MM-DD"));
  }
  c.date = *date;
  Result<std::string> media = TextMember(*it, "document_media", 64, Presence::kOptional);
  if (!media || (!media->empty() && !ParsePid(*media))) {
    return Fail(FieldInvalid("consent/document_media", "pid",
                             "must be the media id of the signed consent document",
                             "phải là mã tệp của văn bản đồng ý đã ký"));
  }
  if (!media->empty()) c.document_media = *ParsePid(*media);
  r.consent = c;
  return r;
}

json RightsJson(const Rights& r) {
  json out = {
      {"licence", r.licence}, {"rights_holder", r.rights_holder}, {"attribution", r.attribution}};
  if (r.consent) {
    out["consent"] = {{"who", r.consent->who},
                      {"date", r.consent->date},
                      {"document_media", r.consent->document_media}};
  }
  return out;
}

json LicenceJson(const Schema& schema, std::string_view licence) {
  json out = {{"id", licence}};
  const Vocabulary* v = schema.FindVocabulary("licences");
  if (const Term* t = v ? v->FindId(licence) : nullptr) {
    if (!t->uri.empty()) out["uri"] = t->uri;
    out["label"] = {{"vi", t->label_vi}, {"en", t->label_en}};
  }
  out["commercial_use_by_request"] = CommercialUseNeedsPermission(licence);
  return out;
}

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kApprove:
      return "approve";
    case Decision::kReject:
      return "reject";
    case Decision::kRequestChanges:
      return "request_changes";
  }
  return "";
}

Result<ReviewAction> ParseReviewAction(const json& body) {
  ReviewAction a;
  std::string decision = TRY(TextMember(body, "action", 32, Presence::kRequired));
  if (decision == "approve") {
    a.decision = Decision::kApprove;
  } else if (decision == "reject") {
    a.decision = Decision::kReject;
  } else if (decision == "request_changes") {
    a.decision = Decision::kRequestChanges;
  } else {
    return Fail(FieldInvalid("action", "unknown_term", "must be approve, reject or request_changes",
                             "phải là approve, reject hoặc request_changes"));
  }
  a.reason =
      TRY(TextMember(body, "reason", kMaxLongText,
                     a.decision == Decision::kApprove ? Presence::kOptional : Presence::kRequired));
  auto it = body.find("comments");
  if (it != body.end() && !it->is_null()) {
    if (!it->is_array()) {
      return Fail(FieldInvalid("comments", "type", "must be a list of {field, text}",
                               "phải là danh sách {field, text}"));
    }
    if (it->size() > kMaxComments) {
      return Fail(FieldInvalid("comments", "max_items",
                               "has more than " + std::to_string(kMaxComments) + " comments",
                               "có hơn " + std::to_string(kMaxComments) + " nhận xét"));
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const json& c = (*it)[i];
      const std::string at = "comments/" + std::to_string(i);
      if (!c.is_object()) {
        return Fail(FieldInvalid(at, "type", "must be an object {field, text}",
                                 "phải là đối tượng {field, text}"));
      }
      Result<std::string> field = TextMember(c, "field", kMaxFieldPath, Presence::kRequired);
      if (!field || !field->starts_with("/")) {
        return Fail(FieldInvalid(at + "/field", "pointer",
                                 "must be a JSON pointer into the record, e.g. /names/0/value",
                                 "phải là con trỏ JSON vào bản ghi, ví dụ /names/0/value"));
      }
      Result<std::string> text = TextMember(c, "text", kMaxLongText, Presence::kRequired);
      if (!text) {
        const FieldError& f = text.error().fields[0];
        return Fail(FieldInvalid(at + "/text", f.problem, f.message_en, f.message_vi));
      }
      a.comments.push_back({*field, *text});
    }
  }
  if (a.decision == Decision::kRequestChanges && a.comments.empty()) {
    return Fail(FieldInvalid("comments", "required",
                             "name at least one field and what should change",
                             "hãy nêu ít nhất một trường và điều cần sửa"));
  }
  return a;
}

Result<UseRequestInput> ParseUseRequest(const json& body) {
  UseRequestInput r;
  r.name = TRY(TextMember(body, "name", kMaxShortText, Presence::kRequired));
  r.organisation = TRY(TextMember(body, "organisation", kMaxShortText, Presence::kOptional));
  r.email = TRY(TextMember(body, "email", 254, Presence::kRequired));
  if (!auth::IsEmailAddress(r.email)) {
    return Fail(FieldInvalid("email", "format", "must be an e-mail address like ten@example.vn",
                             "phải là địa chỉ thư điện tử dạng ten@example.vn"));
  }
  r.purpose = TRY(TextMember(body, "purpose", kMaxLongText, Presence::kRequired));
  return r;
}

Result<UseAnswer> ParseUseAnswer(const json& body) {
  UseAnswer a;
  std::string decision = TRY(TextMember(body, "decision", 16, Presence::kRequired));
  if (decision != "grant" && decision != "refuse") {
    return Fail(FieldInvalid("decision", "unknown_term", "must be grant or refuse",
                             "phải là grant hoặc refuse"));
  }
  a.granted = decision == "grant";
  a.text = TRY(TextMember(body, "answer", kMaxLongText, Presence::kRequired));
  return a;
}

}  // namespace disan::workflow
