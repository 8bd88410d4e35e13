// Sound and video: technical metadata (ffprobe) at upload, and the derivatives that stand for
// them as pictures (ffmpeg): a poster frame JPEG for a video, a waveform PNG for a sound, kept
// under DATA/derivatives/<id>/ like the images' pyramids and served as the media's thumbnail.
//
// ffprobe and ffmpeg (Debian package ffmpeg) run as subprocesses: argv, never a shell; standard
// input closed; each with a time limit (killed past it) and bounded output. File names are
// given as "file:<path>", so no name is ever read as another protocol or an option. A missing
// tool is kUnavailable (the job retries, and the message says to install ffmpeg). Thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "media/derive/derivatives.h"

namespace disan::media {

inline constexpr int kPosterWidth = 400;
inline constexpr int kWaveformWidth = 800;
inline constexpr int kWaveformHeight = 160;
inline constexpr int kWaveformSampleRate = 4000;  // what the waveform is drawn from (mono)

// One run of a tool. Standard output is kept (up to max_output bytes: past that the tool is
// stopped and the run fails) unless `sink` is set, which then receives it piece by piece
// (returning false stops the tool). Standard error is kept up to 4 KiB, for messages.
struct ToolRun {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  int timeout_seconds = 60;
  size_t max_output = size_t{1} << 20;
  std::function<bool(const char* data, size_t size)> sink;
};

struct ToolResult {
  int exit_status = -1;  // the exit status (0 = success); -1 when a signal ended it
  std::string output;    // standard output (empty when a sink took it)
  std::string errors;    // the start of standard error
};

// kUnavailable when the tool cannot be started (not installed) or the thread's stop request
// (StopToolsWhen) stopped it; kInvalid when it runs past its time or its output limit, or the
// sink stopped it. A tool that is stopped is killed.
Result<ToolResult> RunTool(const ToolRun& run);

// Tools that this thread runs from now on are killed, within a second, once `stop()` returns
// true: the job runner's thread asks this, so that a server told to stop does not wait for a
// long transcode of a 2 GB recording. An empty function: never.
void StopToolsWhen(std::function<bool()> stop);

// Reads a sound or video file's streams with ffprobe: {"duration" (seconds), "container",
// "audio_codec", "sample_rate", "channels", and for a video stream "video_codec", "width",
// "height"}. kInvalid when ffprobe cannot read it (damaged, not audio/video).
Result<nlohmann::json> ProbeAv(const std::string& path);

// Where the picture of a time-based media is: poster.jpg (video) or waveform.png (sound).
std::filesystem::path PosterPath(const Derivatives& d, const std::string& id);
std::filesystem::path WaveformPath(const Derivatives& d, const std::string& id);

// Makes the picture of sound or video `id` from `master`, replacing any earlier one (written in
// a temporary directory and renamed in, like the image derivatives): a poster frame when the
// file has a video stream, else a waveform. `technical` is what ProbeAv said at upload (it is
// read again when it lacks a duration). kInvalid when the file cannot be decoded;
// kUnavailable when ffmpeg is missing or the disk fails. Nothing is left behind on failure.
Status MakeTimeBased(const Derivatives& d, const std::string& id, const std::string& master,
                     nlohmann::json technical);

// The pure half of the waveform: peaks (0..1) of `columns` columns drawn as an RGB image of
// width columns x height, centred bars on white. Exposed for tests.
std::vector<unsigned char> DrawWaveform(const std::vector<float>& peaks, int height);

}  // namespace disan::media
