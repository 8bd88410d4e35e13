// JSON text of a document, byte for byte what nlohmann's json::dump() prints (compact, UTF-8
// kept, the same escapes and numbers), in about half the time: strings are copied in runs
// instead of decoded one code point at a time. Stored records are this text, and the public
// answer is spliced from it (http/record_text.h), so the two must never differ: a string
// that is not valid UTF-8, or anything unusual, is left to dump() itself, which throws the
// same error it always did.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace disan {

std::string DumpJson(const nlohmann::json& j);

}  // namespace disan
