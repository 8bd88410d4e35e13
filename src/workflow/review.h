// Community contributions and their multi-step review (docs/review.md).
//
// A contributor submits a new item (written as a draft record, invisible to the public) or a
// correction to a published record (a JSON merge patch held beside the official record, which
// the public keeps seeing unchanged). Each kind has ordered review steps (schema/review.json),
// each taken by a role; the last approval accepts: a new item is published, a correction is
// applied to the official record as a normal revision naming who accepted it and why. Every
// action is written to the audit log and notifies the contributor, in the same transaction as
// the change it records. Also here: commercial-use requests and their answers.
//
// Rules kept here, not in the permission table (which says who may act on review at all):
// nobody reviews their own submission; a person acts on a step only when they hold the step's
// role (an administrator holds every role; a unit editor only for records of their unit); the
// same person never approves the same step twice, nor two steps of one submission when the
// kind's steps ask for distinct people. Thread-safe: no mutable state; the store serialises.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "auth/permissions.h"
#include "catalogue/catalogue.h"
#include "workflow/contributions.h"

namespace disan::workflow {

// The review steps of each kind, read from schema/review.json.
struct ReviewSteps {
  std::vector<std::string> roles;  // the role of each step, in order
  bool distinct_people = true;
};

class ReviewConfig {
 public:
  // Reads schema/review.json as compiled in; kCorrupt when it is malformed or names a role
  // that cannot review (only reviewer, curator and unit_editor can).
  static Result<std::shared_ptr<const ReviewConfig>> Parse(const nlohmann::json& j);
  static std::shared_ptr<const ReviewConfig> Builtin();  // throws on a broken build
  const ReviewSteps& StepsFor(const std::string& kind) const;

 private:
  ReviewSteps default_;
  std::map<std::string, ReviewSteps, std::less<>> kinds_;
};

// Who is acting: their roles (for the review rules) and the catalogue actor (name, address).
struct Person {
  auth::Principal principal;
  Actor actor;
};

// Filters of the review queue.
struct QueueFilter {
  std::string unit;             // "" = every unit
  std::string kind;             // "" = every kind
  int64_t older_than_days = 0;  // 0 = any age
  int64_t after_id = 0;
  size_t limit = 50;
};

struct SubmissionPage {
  std::vector<Submission> submissions;
  int64_t next_after = 0;  // 0 when this is the last page
};

// How much of a submission a reader sees: the contributor sees the record as the public does
// (no internal note); reviewers see everything.
enum class View { kContributor, kReviewer };

// Commercial-use requests allowed per hour from one account, and from one address.
inline constexpr int kMaxUseRequestsPerAccountPerHour = 10;
inline constexpr int kMaxUseRequestsPerAddressPerHour = 30;

// A commercial-use request stored, or refused for retry_after_seconds (too many asked).
struct UseRequestOutcome {
  std::optional<UsageRequest> request;
  int64_t retry_after_seconds = 0;
};

class Review {
 public:
  Review(Catalogue& catalogue, std::shared_ptr<const ReviewConfig> config);

  // A new item: `record` is validated as any item; it is written as a draft with the chosen
  // licence and rights holder, owned by the contributor. Consent is required for intangible
  // heritage.
  Result<Submission> SubmitNewItem(const Person& who, const nlohmann::json& body);
  // A correction of a published item: body {patch, reason, licence, rights_holder,
  // attribution, consent?}. The patch may not change status, custodian or the internal note,
  // and the record it makes must be valid.
  Result<Submission> SubmitCorrection(const Person& who, const std::string& pid,
                                      const nlohmann::json& body);
  // A file (photograph, recording) for a published item, held until its review publishes it
  // (docs/review.md). CheckMediaTarget is asked before the file is read (kNotFound unless
  // `pid` is a published item); SubmitMediaIn runs inside the transaction that records the
  // held asset (MediaService::AddHeld) and returns the submission's id.
  Status CheckMediaTarget(const std::string& pid);
  Result<int64_t> SubmitMediaIn(StoreWriter& w, const Person& who, const std::string& pid,
                                const Rights& rights, const std::string& note,
                                const MediaAsset& asset);
  // The steps of a submission: its kind's, and for a file a curator's last (who publishes it).
  ReviewSteps StepsOf(const Submission& s) const;

  // The contributor answers a request for changes: body {record} (new item) or {patch}
  // (correction), and optionally new rights; the review starts again at its first step.
  Result<Submission> Revise(const Person& who, int64_t id, const nlohmann::json& body);
  // Approve, reject or request changes at the submission's current step.
  Result<Submission> Act(const Person& who, int64_t id, const ReviewAction& action);

  // A submission its contributor, or someone who may review it, may read (kNotFound to
  // anyone else, so that ids reveal nothing), and the view they get.
  Result<std::pair<Submission, View>> Read(const Person& who, int64_t id);
  // The submission as the API shows it: state, steps, licence URI, history and comments, and
  // for a correction the field-by-field diff against the official record as it is now.
  Result<nlohmann::json> Render(const Submission& s, View view);

  Result<SubmissionPage> Mine(const Person& who, int64_t after_id, size_t limit);
  // The submissions in review whose current step the person may take.
  Result<SubmissionPage> Queue(const Person& who, const QueueFilter& filter);

  // Commercial-use requests: anyone may ask about a public item whose licence needs
  // permission (kConflict otherwise); curators answer once (kConflict when answered).
  // At most kMaxUseRequestsPerAccountPerHour from one account and
  // kMaxUseRequestsPerAddressPerHour from one address (who.actor.address): past either, the
  // outcome holds no request but the seconds to wait, and nothing is stored.
  Result<UseRequestOutcome> RequestUse(const Person& who, const std::string& pid,
                                       const UseRequestInput& input);
  Result<UsageRequest> AnswerUse(const Person& who, int64_t id, const UseAnswer& answer);

  const ReviewConfig& config() const { return *config_; }

  // Whether `who` may act on the current step of `s` (not their own submission, the step's
  // role, not approved by them already): the review screen shows why not instead of the forms.
  Status CheckMayAct(const Person& who, const Submission& s, Decision decision) const;

 private:
  Status Notify(StoreWriter& w, const Submission& s, const std::string& event,
                const std::string& en, const std::string& vi);

  Catalogue& catalogue_;
  std::shared_ptr<const ReviewConfig> config_;
};

}  // namespace disan::workflow
