// What kind of file an upload is, decided from its content, never from its name: libmagic,
// plus checks of our own for the text formats libmagic does not tell apart (a glTF model is
// "JSON" to it, an OBJ model "ASCII text"). Only what heritage digitisation produces is
// accepted; anything else is refused with an error that names what the file was found to be.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace disan::media {

enum class MediaClass { kImage, kDocument, kAudio, kVideo, kModel };

struct MediaFormat {
  std::string_view id;         // "jpeg"; stored with each asset
  std::string_view mime;       // "image/jpeg"
  std::string_view extension;  // "jpg": the file's name in the preservation store ends with it
  MediaClass media_class;
  std::string_view label;  // "JPEG", for messages
};

// The accepted formats, in the order the documentation lists them.
const std::vector<MediaFormat>& AcceptedFormats();
const MediaFormat* FindFormat(std::string_view id);

// What libmagic says about a file.
struct MagicAnswer {
  std::string mime;         // "application/x-executable"
  std::string description;  // "ELF 64-bit LSB executable, x86-64, ..."
};

// The pure half of detection: the accepted format a libmagic answer and the first bytes of the
// file (up to 1 MiB) stand for. kInvalid, naming the detected type, when none.
Result<const MediaFormat*> ClassifyContent(const MagicAnswer& magic, std::string_view head);

// Reads the start of the file at `path` and decides. kInvalid (field "file") naming the
// detected type for anything not accepted, including an empty file; kUnavailable when the file
// cannot be read or libmagic cannot load its database. Thread-safe.
Result<const MediaFormat*> DetectFormat(const std::string& path);

}  // namespace disan::media
