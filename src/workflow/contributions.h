// What community contributors send, checked before anything is written: the licence they
// choose, who holds the rights, the name they want to be credited under, the consent of the
// community or practitioners for intangible heritage, a review action with its comments on
// fields, and a commercial-use request. Pure functions over JSON (no I/O); thread-safe.
// Every failure is kInvalid (or kTooLarge) naming the field in English and Vietnamese.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/schema.h"

namespace disan::workflow {

// The licences a contributor may choose (ids of schema/vocabularies/licences.json): CC0,
// CC BY 4.0, CC BY-SA 4.0, CC BY-NC 4.0, and all rights reserved (RightsStatements.org "In
// Copyright") with commercial use by permission.
inline constexpr std::string_view kContributionLicences[] = {"cc0_1_0", "cc_by_4_0", "cc_by_sa_4_0",
                                                             "cc_by_nc_4_0", "rs_inc"};

// Whether a licence leaves commercial use to the rights holder's permission (all rights
// reserved, and every non-commercial licence or statement): such items take requests.
bool CommercialUseNeedsPermission(std::string_view licence);

// Bounds on what a contributor writes.
inline constexpr size_t kMaxShortText = 500;  // rights holder, consent "who", names
inline constexpr size_t kMaxLongText = 4000;  // reasons, comments, purposes
inline constexpr size_t kMaxComments = 100;   // comments of one review action
inline constexpr size_t kMaxFieldPath = 300;  // a JSON pointer

// Consent of the community or practitioners to record intangible heritage.
struct Consent {
  std::string who;             // who consented (a community, a practitioner)
  std::string date;            // YYYY-MM-DD
  std::string document_media;  // the signed consent document: a media id, "" when none yet
};

// What a contributor chooses at submission.
struct Rights {
  std::string licence;        // one of kContributionLicences
  std::string rights_holder;  // who holds the rights
  std::string attribution;    // the name the contribution is credited to (stays after erasure)
  std::optional<Consent> consent;
};

enum class ConsentRule { kOptional, kRequired };

// Reads "licence", "rights_holder", "attribution" and "consent" of a submission body.
// `consent` kRequired: a new intangible heritage item must say who consented and when.
Result<Rights> ParseRights(const nlohmann::json& body, ConsentRule consent);
nlohmann::json RightsJson(const Rights& rights);
// The licence as the API shows it: id, URI and labels from the vocabulary.
nlohmann::json LicenceJson(const Schema& schema, std::string_view licence);

// A review action: approve, reject (a reason is required), or request changes (a reason and at
// least one comment on a field).
struct FieldComment {
  std::string field;  // a JSON pointer into the record, "/names/0/value"
  std::string text;
};
enum class Decision { kApprove, kReject, kRequestChanges };
std::string_view DecisionName(Decision decision);  // "request_changes"
struct ReviewAction {
  Decision decision = Decision::kApprove;
  std::string reason;
  std::vector<FieldComment> comments;
};
Result<ReviewAction> ParseReviewAction(const nlohmann::json& body);

// A commercial-use request: who asks, for which organisation, how to answer them, and why.
struct UseRequestInput {
  std::string name;
  std::string organisation;  // may be empty
  std::string email;
  std::string purpose;
};
Result<UseRequestInput> ParseUseRequest(const nlohmann::json& body);

// A curator's answer: grant or refuse, with a text for the requester.
struct UseAnswer {
  bool granted = false;
  std::string text;
};
Result<UseAnswer> ParseUseAnswer(const nlohmann::json& body);

// The error naming `field` (English and Vietnamese), for parsers beside these.
Error FieldInvalid(const std::string& field, const std::string& keyword, const std::string& en,
                   const std::string& vi);
// A string member of `body`: NFC, trimmed, at most `max` bytes; "" when absent and not required.
enum class Presence { kOptional, kRequired };
Result<std::string> TextMember(const nlohmann::json& body, const std::string& name, size_t max,
                               Presence presence);

}  // namespace disan::workflow
