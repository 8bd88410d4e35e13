// The public answer of GET /api/v1/{collection}/{pid}, built from the stored document's text
// without parsing it.
//
// A public read used to parse the stored JSON into a tree, redact it, add the envelope
// (pid, class, revision, dates, links) and print it again: two thirds of the request where
// the render cache missed. The stored text is already what nlohmann::json::dump() prints:
// compact, with an object's keys in byte order. So for a record whose members the public sees
// as stored or not at all (Catalogue::PublicMemberAsStored), the answer is the document's
// members as they are, less the hidden ones, with the envelope's members put in their places.
// RenderPublicText gives exactly the bytes of Json(RenderRecord(...)) for such a record; for
// anything else (not public, a generalised location, a deleted record, a shape it does not expect)
// it gives nullopt, and the caller takes the parsed path, which decides.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/schema.h"
#include "store/store.h"

namespace disan::http {

// `record`: the row (its document unused); `document`: the stored text; `collection`: the
// API collection of the record's class ("items").
std::optional<std::string> RenderPublicText(const StoredRecord& record, std::string_view document,
                                            std::string_view collection, const Schema& schema);

// The members RenderRecord puts around a record's document: revision, created_at,
// updated_at and links (with the licence's URI when `licence`, the document's own value, names
// one), and pid and class where the document has none of its own (`has_pid`, `has_class`).
nlohmann::json RecordEnvelope(const StoredRecord& record, std::string_view collection,
                              const Schema& schema, const nlohmann::json* licence, bool has_pid,
                              bool has_class);

// links.licence: the URI of the record's or file's licence (the vocabulary's `uri`), as
// the API, IIIF and JSON-LD give licences; nothing when there is no licence or URI.
void AddLicenceLink(nlohmann::json& links, const Schema& schema, const nlohmann::json& licence);

}  // namespace disan::http
