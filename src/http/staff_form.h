// The record edit form, generated from the field definitions of schema/record.json: which
// inputs a record of a class and kind has, how they are drawn, and how a posted form becomes
// the document the catalogue validates. Every input is named by the JSON pointer of its value
// ("/names/0/value"), so the catalogue's validation messages (which name JSON pointers) land
// next to the input they are about. Pure functions of the schema; no HTTP, no store.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/schema.h"
#include "http/staff_page.h"

namespace disan::http::staff {

// Fields of a record that the form does not show: the lifecycle moves records between states
// (workflow/lifecycle.h), so the form keeps the stored status as it is.
bool FormSkipsField(const std::string& name);

// The top-level fields the form of a record of `cls` and `kind` shows, in its order.
std::vector<std::string> FormFieldNames(const Schema& schema, RecordClass cls,
                                        const std::string& kind);

// The document a posted form describes: the schema's fields are walked and each input read
// by its name. Empty inputs, entries and objects are left out; list entries are taken in the
// order of their indices (so entries removed in the browser leave no hole). A number that does
// not read as one stays text, for the catalogue's validation to name. Inputs the schema does
// not know are ignored. `kind` must be one of the class's kinds.
nlohmann::json DocumentFromForm(const Schema& schema, RecordClass cls, const std::string& kind,
                                const Form& form);

// The rows the form template draws for `document` (flat: groups open and close around their
// inputs): labels in `lang`, vocabulary choices with the labels of `lang`, each list with its
// entries, one empty entry (to add one without JavaScript) and a template entry (for the
// script's "add" button), and every error of `errors` beside the input or group it names.
nlohmann::json FormRows(const Schema& schema, RecordClass cls, const std::string& kind,
                        const nlohmann::json& document, const std::vector<FieldError>& errors,
                        portal::Lang lang);

// A record link of a form (a "ref" field: custodian, areas, related items...): where it is,
// the class of record it names, and what was typed there (a PID or a record's name).
struct RefInput {
  std::string path;  // JSON pointer, "/custodian", "/related/0/target"
  RecordClass cls = RecordClass::kItem;
  std::string text;
};
// Every record link of `document` (as DocumentFromForm made it), in form order.
std::vector<RefInput> RefInputs(const Schema& schema, RecordClass cls, const std::string& kind,
                                const nlohmann::json& document);

// The id of the input for JSON pointer `path` ("/names/0/value" -> "f-names-0-value").
std::string InputId(const std::string& path);

}  // namespace disan::http::staff
