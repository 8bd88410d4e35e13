// The record schema and controlled vocabularies, loaded from the data files in schema/.
//
// Validation is driven entirely by schema/record.json (fields per record class and kind) and
// schema/vocabularies/*.json: adding a field or a term needs no code change. Load compiles the
// field definitions into structs once, so that validating a record walks pointers instead of
// looking up JSON keys. A Schema is immutable after loading and safe to share between threads.
#pragma once

#include <map>
#include <memory>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/record.h"
#include "core/schema_files.h"

namespace disan {

struct Term {
  std::string id;
  std::string code;
  std::string label_vi;
  std::string label_en;
  std::vector<std::string> aliases;
  std::string uri;
  std::string maps_to;
  // Kinds (or record classes: "area", "organisation") the term may be used for; empty = all.
  std::vector<std::string> applies_to;
};

// A controlled vocabulary: an ordered list of terms with bilingual labels.
class Vocabulary {
 public:
  std::string id;
  std::string label_vi;
  std::string label_en;
  std::vector<Term> terms;

  const Term* FindId(std::string_view id) const;
  // Matches free text against ids, labels and aliases, ignoring case, diacritics and
  // punctuation ("quoc gia dac biet" finds special_national). nullptr when nothing matches.
  const Term* Match(std::string_view text) const;

  // Reads one schema/vocabularies/*.json file. kCorrupt when it is malformed.
  static Result<Vocabulary> Parse(std::string_view path, const nlohmann::json& j);

 private:
  std::map<std::string, size_t, std::less<>> by_id_;
  std::map<std::string, size_t, std::less<>> by_folded_;
};

// How strictly values are read. The JSON API is strict; spreadsheet import reads numbers,
// booleans and vocabulary labels written as text.
enum class InputLeniency { kStrict, kFromText };

// A reference from a validated record to another record, to be checked by the caller.
struct RecordRef {
  std::string path;
  RecordClass target;
  std::string pid;
};

struct Validated {
  nlohmann::json document;  // normalised: NFC, trimmed, defaults applied, empty values dropped
  std::vector<RecordRef> refs;
};

class Schema {
 public:
  Schema() = default;
  Schema(const Schema&) = delete;  // the compiled fields point into this object's maps
  Schema& operator=(const Schema&) = delete;

  // Loads from the given files (as embedded from schema/). Fails with kCorrupt when a file is
  // malformed or refers to a vocabulary that does not exist.
  static Result<std::shared_ptr<const Schema>> Load(const std::vector<EmbeddedFile>& files);
  // The schema compiled into this binary. Throws on a broken build (a start-up bug).
  static std::shared_ptr<const Schema> Builtin();

  const Vocabulary* FindVocabulary(std::string_view id) const;
  const std::map<std::string, Vocabulary, std::less<>>& vocabularies() const { return vocabularies_; }
  const nlohmann::json& record_schema() const { return record_; }
  // schema/places/communes-2025.json: pre-2025 communes and the 2025 communes they became.
  const nlohmann::json& communes_crosswalk() const { return crosswalk_; }

  // The vocabulary whose terms are the kinds of records of this class.
  const Vocabulary& KindVocabulary(RecordClass cls) const;

  // Validates a record document of the given class. Top-level keys named in `ignored` (system
  // fields such as pid or revision, which the caller reads itself) are passed over as if
  // absent. On failure the error is kInvalid and lists every problem with its JSON path.
  Result<Validated> Validate(RecordClass cls, const nlohmann::json& input,
                             InputLeniency leniency = InputLeniency::kStrict,
                             std::span<const std::string_view> ignored = {}) const;
  // The same, normalising `input` where it is (no second copy of the record is built): on
  // success it is the document; on failure it is left half-read.
  Result<Validated> Validate(RecordClass cls, nlohmann::json&& input,
                             InputLeniency leniency = InputLeniency::kStrict,
                             std::span<const std::string_view> ignored = {}) const;

 private:
  class Validator;
 public:
  struct Compiled;  // record.json's field definitions as structs (schema.cc)

 private:
  std::shared_ptr<const Compiled> compiled_;
  nlohmann::json record_;
  nlohmann::json crosswalk_;
  std::map<std::string, std::regex, std::less<>> patterns_;
  std::map<std::string, Vocabulary, std::less<>> vocabularies_;
};

}  // namespace disan
