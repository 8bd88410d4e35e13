// ffprobe and ffmpeg as bounded subprocesses, poster frames and waveforms (av.h).
#include "media/derive/av.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vips/vips8>

extern char** environ;

namespace disan::media {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t kMaxErrors = 4096;

std::string FirstLine(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  return line.substr(0, 300);
}

std::unexpected<Error> Undecodable(const std::string& why) {
  std::string en = "the recording could not be decoded (" + why + ")";
  std::string vi = "không giải mã được tệp âm thanh/video (" + why + ")";
  return Fail(Error{ErrorCode::kInvalid, en, vi, {{"file", "undecodable_media", en, vi}}});
}

double Number(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return 0;
  const json& v = j[key];
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && std::isfinite(d)) return d;
  }
  return 0;
}

std::string Text(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// A fresh directory beside the final one; Commit renames it in place of Dir(id).
struct TempSet {
  const Derivatives& d;
  std::string id;
  fs::path dir;

  static Result<TempSet> Make(const Derivatives& d, const std::string& id) {
    static std::atomic<uint64_t> counter{0};
    std::error_code ec;
    fs::create_directories(d.root(), ec);
    fs::path dir = d.root() / (".tmp-" + id + "-" + std::to_string(getpid()) + "-av" +
                               std::to_string(counter.fetch_add(1)));
    fs::remove_all(dir, ec);
    if (!fs::create_directory(dir, ec)) {
      return Fail(ErrorCode::kUnavailable, "cannot create " + dir.string() + ": " + ec.message(),
                  "không tạo được " + dir.string() + ": " + ec.message());
    }
    return TempSet{d, id, dir};
  }
  void Discard() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  Status Commit() {
    std::error_code ec;
    fs::path final_dir = d.Dir(id);
    fs::path old =
        d.root() / (".old-" + id + "-" + std::to_string(getpid()) + "-" + dir.filename().string());
    bool had_old = fs::exists(final_dir, ec);
    if (had_old) fs::rename(final_dir, old, ec);
    fs::rename(dir, final_dir, ec);
    if (ec) {
      Discard();
      return Fail(
          ErrorCode::kUnavailable,
          "cannot move derivatives into " + final_dir.string() + ": " + ec.message(),
          "không chuyển được tệp phái sinh vào " + final_dir.string() + ": " + ec.message());
    }
    if (had_old) fs::remove_all(old, ec);
    return Ok();
  }
};

Status MakePoster(const std::string& master, const fs::path& out, double duration) {
  // A frame one second in (past a fade from black), or the first of a shorter video.
  std::string at = duration >= 2 ? "1" : "0";
  ToolRun run;
  run.argv = {"ffmpeg",
              "-nostdin",
              "-hide_banner",
              "-v",
              "error",
              "-ss",
              at,
              "-i",
              "file:" + master,
              "-frames:v",
              "1",
              "-an",
              "-vf",
              "scale=w=min(" + std::to_string(kPosterWidth) + "\\,iw):h=-2",
              "-q:v",
              "3",
              "-f",
              "image2",
              "-c:v",
              "mjpeg",
              "-y",
              "file:" + out.string()};
  run.timeout_seconds = 120;
  run.max_output = 64 << 10;
  ToolResult r = TRY(RunTool(run));
  std::error_code ec;
  if (r.exit_status != 0 || !fs::exists(out, ec) || fs::file_size(out, ec) == 0)
    return Undecodable(r.errors.empty() ? "no frame" : FirstLine(r.errors));
  return Ok();
}

Status MakeWaveform(const std::string& master, const fs::path& out, double duration) {
  const double expected = std::max(1.0, duration * kWaveformSampleRate);
  std::vector<float> peaks(kWaveformWidth, 0.0f);
  uint64_t n = 0;
  unsigned char carry = 0;
  bool has_carry = false;
  ToolRun run;
  run.argv = {"ffmpeg",
              "-nostdin",
              "-hide_banner",
              "-v",
              "error",
              "-i",
              "file:" + master,
              "-vn",
              "-ac",
              "1",
              "-ar",
              std::to_string(kWaveformSampleRate),
              "-f",
              "s16le",
              "-acodec",
              "pcm_s16le",
              "pipe:1"};
  // Decoding runs far faster than real time; a minute plus a tenth of the duration is ample.
  run.timeout_seconds = 60 + static_cast<int>(std::min(duration, 1e6) / 10);
  auto add = [&](int16_t sample) {
    size_t column = static_cast<size_t>(static_cast<double>(n) * kWaveformWidth / expected);
    if (column >= peaks.size()) column = peaks.size() - 1;
    float v = std::abs(static_cast<float>(sample)) / 32768.0f;
    if (v > peaks[column]) peaks[column] = v;
    ++n;
  };
  run.sink = [&](const char* data, size_t size) {
    size_t i = 0;
    if (has_carry && size > 0) {
      add(static_cast<int16_t>(carry | (static_cast<unsigned char>(data[0]) << 8)));
      has_carry = false;
      i = 1;
    }
    for (; i + 1 < size; i += 2) {
      add(static_cast<int16_t>(static_cast<unsigned char>(data[i]) |
                               (static_cast<unsigned char>(data[i + 1]) << 8)));
    }
    if (i < size) {
      carry = static_cast<unsigned char>(data[i]);
      has_carry = true;
    }
    return true;
  };
  ToolResult r = TRY(RunTool(run));
  if (r.exit_status != 0 || n == 0)
    return Undecodable(r.errors.empty() ? "no sound" : FirstLine(r.errors));
  std::vector<unsigned char> pixels = DrawWaveform(peaks, kWaveformHeight);
  try {
    vips::VImage img = vips::VImage::new_from_memory(pixels.data(), pixels.size(), kWaveformWidth,
                                                     kWaveformHeight, 3, VIPS_FORMAT_UCHAR);
    img.pngsave(out.c_str());
  } catch (const vips::VError& e) {
    return Fail(ErrorCode::kUnavailable,
                "cannot write " + out.string() + ": " + FirstLine(e.what()),
                "không ghi được " + out.string() + ": " + FirstLine(e.what()));
  }
  return Ok();
}

}  // namespace

namespace {
thread_local std::function<bool()> t_stop_tools;
}  // namespace

void StopToolsWhen(std::function<bool()> stop) { t_stop_tools = std::move(stop); }

Result<ToolResult> RunTool(const ToolRun& run) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    return Fail(ErrorCode::kUnavailable, "cannot create a pipe", "không tạo được ống dẫn");
  }
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return Fail(ErrorCode::kUnavailable, "cannot create a pipe", "không tạo được ống dẫn");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  std::vector<char*> argv;
  for (const std::string& a : run.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err[1]);
  if (spawned != 0) {
    close(out[0]);
    close(err[0]);
    const std::string& tool = run.argv[0];
    return Fail(
        ErrorCode::kUnavailable,
        "cannot run " + tool + " (" + std::strerror(spawned) + "): install the ffmpeg package",
        "không chạy được " + tool + " (" + std::strerror(spawned) + "): hãy cài gói ffmpeg");
  }

  ToolResult result;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(run.timeout_seconds);
  std::string why_stopped_en, why_stopped_vi;
  bool asked_to_stop = false;
  bool out_open = true, err_open = true;
  char buf[64 * 1024];
  while ((out_open || err_open) && why_stopped_en.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      why_stopped_en =
          run.argv[0] + " ran longer than " + std::to_string(run.timeout_seconds) + " s";
      why_stopped_vi = run.argv[0] + " chạy quá " + std::to_string(run.timeout_seconds) + " giây";
      break;
    }
    if (t_stop_tools && t_stop_tools()) {
      asked_to_stop = true;
      why_stopped_en = run.argv[0] + " was stopped: the server is stopping";
      why_stopped_vi = run.argv[0] + " bị dừng: máy chủ đang dừng";
      break;
    }
    pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
    int ready = poll(fds, 2, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    if (out_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t got = read(out[0], buf, sizeof buf);
      if (got <= 0 && !(got < 0 && errno == EINTR)) {
        out_open = false;
      } else if (got > 0) {
        if (run.sink) {
          if (!run.sink(buf, static_cast<size_t>(got))) {
            why_stopped_en = run.argv[0] + " was stopped by its reader";
            why_stopped_vi = run.argv[0] + " bị dừng bởi bên đọc";
          }
        } else if (result.output.size() + static_cast<size_t>(got) > run.max_output) {
          why_stopped_en =
              run.argv[0] + " wrote more than " + std::to_string(run.max_output) + " bytes";
          why_stopped_vi = run.argv[0] + " ghi ra quá " + std::to_string(run.max_output) + " byte";
        } else {
          result.output.append(buf, static_cast<size_t>(got));
        }
      }
    }
    if (err_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t got = read(err[0], buf, sizeof buf);
      if (got <= 0 && !(got < 0 && errno == EINTR)) {
        err_open = false;
      } else if (got > 0 && result.errors.size() < kMaxErrors) {
        result.errors.append(buf,
                             std::min(static_cast<size_t>(got), kMaxErrors - result.errors.size()));
      }
    }
  }
  close(out[0]);
  close(err[0]);
  if (!why_stopped_en.empty()) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (asked_to_stop) return Fail(ErrorCode::kUnavailable, why_stopped_en, why_stopped_vi);
  if (!why_stopped_en.empty()) {
    return Fail(Error{ErrorCode::kInvalid,
                      why_stopped_en,
                      why_stopped_vi,
                      {{"file", "tool_stopped", why_stopped_en, why_stopped_vi}}});
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

Result<json> ProbeAv(const std::string& path) {
  ToolRun run;
  run.argv = {"ffprobe",
              "-hide_banner",
              "-v",
              "error",
              "-show_entries",
              "format=duration,format_name:stream=codec_type,codec_name,width,height,sample_rate,"
              "channels,duration",
              "-of",
              "json",
              "file:" + path};
  run.timeout_seconds = 60;
  run.max_output = 1 << 20;
  ToolResult r = TRY(RunTool(run));
  if (r.exit_status != 0)
    return Undecodable(FirstLine(r.errors.empty() ? "ffprobe failed" : r.errors));
  json probe = json::parse(r.output, nullptr, false);
  if (probe.is_discarded() || !probe.is_object()) return Undecodable("unreadable ffprobe answer");
  json out = json::object();
  const json format = probe.value("format", json::object());
  double duration = Number(format, "duration");
  if (!Text(format, "format_name").empty()) out["container"] = Text(format, "format_name");
  for (const json& s : probe.value("streams", json::array())) {
    std::string type = Text(s, "codec_type");
    if (type == "video" && !out.contains("video_codec")) {
      // Cover art in an MP3 or M4A is a one-frame "video": it has no duration of its own.
      out["video_codec"] = Text(s, "codec_name");
      if (Number(s, "width") >= 1 && Number(s, "height") >= 1) {
        out["width"] = static_cast<int64_t>(Number(s, "width"));
        out["height"] = static_cast<int64_t>(Number(s, "height"));
      }
    } else if (type == "audio" && !out.contains("audio_codec")) {
      out["audio_codec"] = Text(s, "codec_name");
      if (Number(s, "sample_rate") > 0)
        out["sample_rate"] = static_cast<int64_t>(Number(s, "sample_rate"));
      if (Number(s, "channels") > 0) out["channels"] = static_cast<int64_t>(Number(s, "channels"));
    }
    if (duration <= 0) duration = std::max(duration, Number(s, "duration"));
  }
  if (!out.contains("video_codec") && !out.contains("audio_codec"))
    return Undecodable("no sound or video stream");
  if (duration > 0) out["duration"] = std::round(duration * 1000) / 1000;
  return out;
}

fs::path PosterPath(const Derivatives& d, const std::string& id) {
  return d.Dir(id) / "poster.jpg";
}
fs::path WaveformPath(const Derivatives& d, const std::string& id) {
  return d.Dir(id) / "waveform.png";
}

Status MakeTimeBased(const Derivatives& d, const std::string& id, const std::string& master,
                     json technical) {
  if (!technical.is_object() || !technical.contains("duration")) technical = TRY(ProbeAv(master));
  const double duration = Number(technical, "duration");
  const bool video = technical.contains("width") && technical.contains("height");
  if (!video && duration <= 0) return Undecodable("unknown duration");
  TempSet tmp = TRY(TempSet::Make(d, id));
  Status made = video ? MakePoster(master, tmp.dir / "poster.jpg", duration)
                      : MakeWaveform(master, tmp.dir / "waveform.png", duration);
  if (!made) {
    tmp.Discard();
    return made;
  }
  return tmp.Commit();
}

std::vector<unsigned char> DrawWaveform(const std::vector<float>& peaks, int height) {
  const int width = static_cast<int>(peaks.size());
  std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3, 255);
  const double mid = (height - 1) / 2.0;
  for (int x = 0; x < width; ++x) {
    double peak = std::clamp(static_cast<double>(peaks[static_cast<size_t>(x)]), 0.0, 1.0);
    int half = static_cast<int>(std::lround(peak * mid));
    for (int y = static_cast<int>(mid) - half; y <= static_cast<int>(std::ceil(mid)) + half; ++y) {
      if (y < 0 || y >= height) continue;
      // The centre line is always drawn, so silence shows as a thin line.
      if (half == 0 && y != static_cast<int>(mid)) continue;
      unsigned char* p = &pixels[(static_cast<size_t>(y) * width + x) * 3];
      p[0] = 38;
      p[1] = 84;
      p[2] = 124;
    }
  }
  return pixels;
}

}  // namespace disan::media
