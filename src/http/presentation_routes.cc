// IIIF Presentation 3.0 and media file handlers (presentation_routes.h).
#include "http/presentation_routes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "auth/audit_log.h"
#include "core/pid.h"
#include "http/byte_range.h"
#include "http/problem.h"
#include "http/render_cache.h"
#include "media/iiif/manifest.h"
#include "media/media_service.h"
#include "media/media_type.h"
#include "portal/i18n.h"
#include "portal/pages.h"
#include "preservation/digest.h"

namespace disan::http {
namespace {

using nlohmann::json;
namespace iiif = media::iiif;

// Manifests and collections are public documents: built as an anonymous reader sees the
// catalogue, whoever asks (a token holder gets the same document).
const Actor kReader{"iiif", Audience::kPublic};

void Cors(Response& r) { r.SetHeader("Access-Control-Allow-Origin", "*"); }

Response Problem(const Error& e, const Request& req, int status = 0) {
  Response r = ProblemResponse(e, req.path, json::object(), status);
  Cors(r);
  return r;
}

Response NotFound(const Request& req, const std::string& what_en, const std::string& what_vi,
                  const std::string& field) {
  std::string shown = req.params.count(field) ? req.params.at(field).substr(0, 80) : "";
  return Problem(Error{ErrorCode::kNotFound,
                       what_en + " '" + shown + "'",
                       what_vi + " '" + shown + "'",
                       {{field, "unknown", what_en, what_vi}}},
                 req);
}

std::string StrongEtag(std::string_view body) {
  std::optional<preservation::Hasher> h = preservation::Hasher::ForAlgorithm("sha256");
  h->Update(body.data(), body.size());
  return "\"" + h->FinishHex().substr(0, 32) + "\"";
}

bool EtagMatches(const std::string& if_none_match, const std::string& etag) {
  if (if_none_match.empty()) return false;
  if (if_none_match.find('*') != std::string::npos) return true;
  return if_none_match.find(etag) != std::string::npos;
}

// A JSON-LD document with the headers of the IIIF routes: CORS, a strong ETag over the body
// (304 when If-None-Match has it), public caching.
Response Document(std::string body, const std::string& etag, const Request& req) {
  Response r;
  Cors(r);
  r.SetHeader("ETag", etag);
  r.SetHeader("Cache-Control", "public, max-age=300");
  r.SetHeader("Vary", "Accept");
  if (EtagMatches(req.Header("If-None-Match").value_or(""), etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  // JSON-LD with the Presentation profile (Presentation API 3.0, 6.1), unless only plain JSON
  // is accepted.
  std::string accept = req.Header("Accept").value_or("");
  bool plain = accept.find("application/json") != std::string::npos &&
               accept.find("application/ld+json") == std::string::npos;
  r.content_type = plain ? "application/json"
                         : "application/ld+json;profile=\"http://iiif.io/api/presentation/3/"
                           "context.json\"";
  r.body = std::move(body);
  return r;
}

Response Document(const json& doc, const Request& req) {
  std::string body = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string etag = StrongEtag(body);
  return Document(std::move(body), etag, req);
}

iiif::PresentationAgent Instance(const std::string& site) {
  const portal::Translations& t = portal::Translations::Builtin();
  return {site + "/", site + "/", t.Get(portal::Lang::kVi, "site_name"),
          t.Get(portal::Lang::kEn, "site_name")};
}

std::pair<std::string, std::string> NamesOf(const json& document) {
  return {portal::DisplayName(document, portal::Lang::kVi),
          portal::DisplayName(document, portal::Lang::kEn)};
}

// The public media of an item the caller has already found public (Catalogue::Get with
// kReader): those MediaService::List gives an anonymous reader, without reading the item a
// second time.
Result<std::vector<MediaAsset>> PublicMedia(Context& ctx, const std::string& pid) {
  if (!ctx.media) return std::vector<MediaAsset>{};
  std::vector<MediaAsset> all = TRY(ctx.catalogue.store().ListMedia(pid));
  std::erase_if(all, [](const MediaAsset& a) { return a.visibility != "public"; });
  return all;
}

// A built manifest is kept (Services::render_cache) under a key naming what it was built from:
// the item's revision and its public media (media rows are only ever added, so their ids say
// which), and is used only while the custodian's revision, kept beside the body, is still the
// current one. An edit, a withdrawal, a new file or a renamed custodian
// is never answered from here, whichever process made it.
std::string ManifestKey(const std::string& site, const std::string& pid, int64_t revision,
                        const std::vector<MediaAsset>& media) {
  std::string key = "manifest|" + site + "|" + pid + "|" + std::to_string(revision) + "|" +
                    std::to_string(media.size());
  for (const MediaAsset& a : media) key += "|" + a.id;
  return key;
}

// The current revision of record `pid`, 0 when there is none (or no pid).
int64_t RevisionOrZero(Context& ctx, const std::string& pid) {
  if (pid.empty()) return 0;
  Result<int64_t> rev = ctx.catalogue.store().CurrentRevision(pid);
  return rev ? *rev : 0;
}

Response Manifest(const Request& req, Context& ctx) {
  Result<std::string> pid = ParsePid(req.params.at("pid"));
  if (!pid) return NotFound(req, "no heritage item", "không có di sản", "pid");
  const std::string site = SiteUrl(req, ctx.services);
  RenderCache* cache = ctx.services.render_cache;
  std::string key;
  if (cache) {
    Result<int64_t> revision = ctx.catalogue.store().CurrentRevision(*pid);
    Result<std::vector<MediaAsset>> listed = PublicMedia(ctx, *pid);
    if (revision && listed) {
      key = ManifestKey(site, *pid, *revision, *listed);
      if (std::optional<RenderCache::Entry> hit = cache->Find(key, *revision)) {
        if (RevisionOrZero(ctx, hit->also_pid) == hit->also_revision)
          return Document(std::move(hit->body), hit->etag, req);
      }
    }
  }
  Result<StoredRecord> item = ctx.catalogue.Get(RecordClass::kItem, *pid, kReader);
  if (!item && item.error().code != ErrorCode::kNotFound) return Problem(item.error(), req);
  if (!item || item->deleted) return NotFound(req, "no heritage item", "không có di sản", "pid");
  Result<std::vector<MediaAsset>> media = PublicMedia(ctx, *pid);
  if (!media) return Problem(media.error(), req);
  // Read again after the item: the key names what this build reads.
  if (cache) key = ManifestKey(site, *pid, item->revision, *media);
  iiif::ManifestInput in;
  in.schema = &ctx.catalogue.schema();
  in.item = &*item;
  in.media = std::move(*media);
  in.site_url = site;
  in.homepage_path = portal::RecordPath(*item);
  in.provider = Instance(site);
  // Stamped before its name is read: a rename in between makes the entry older, never newer,
  // than the stamp says, so it is rebuilt at the next request rather than served stale.
  const std::string custodian = item->document.value("custodian", "");
  const int64_t custodian_revision = cache ? RevisionOrZero(ctx, custodian) : 0;
  if (!custodian.empty()) {
    Result<StoredRecord> org = ctx.catalogue.Get(RecordClass::kOrganisation, custodian, kReader);
    if (org && !org->deleted) {
      auto [vi, en] = NamesOf(org->document);
      in.custodian = iiif::PresentationAgent{site + "/id/" + org->pid,
                                             site + portal::RecordPath(*org), vi, en};
    }
  }
  Result<json> manifest = iiif::BuildManifest(in);
  if (!manifest) return Problem(manifest.error(), req);
  std::string body = manifest->dump(-1, ' ', false, json::error_handler_t::replace);
  std::string etag = StrongEtag(body);
  if (cache && !key.empty())
    cache->Put(key, RenderCache::Entry{item->revision, body, etag, custodian, custodian_revision});
  return Document(std::move(body), etag, req);
}

Response TopCollection(const Request& req, Context& ctx) {
  return Document(iiif::BuildTopCollection(ctx.catalogue.schema(), SiteUrl(req, ctx.services)),
                  req);
}

// The public items of one kind that have a manifest (at least one public canvas), read page by
// page: memory grows with the number of entries (a pid and two names each), not with records.
Response KindCollection(const Request& req, Context& ctx) {
  const std::string& kind = req.params.at("kind");
  const Vocabulary* kinds = ctx.catalogue.schema().FindVocabulary("kinds");
  if (!kinds || !kinds->FindId(kind)) {
    return NotFound(req, "no collection of the kind", "không có bộ sưu tập loại", "kind");
  }
  std::vector<iiif::CollectionEntry> entries;
  ListFilters filters;
  filters.kinds = {kind};
  filters.limit = Catalogue::kMaxPageSize;
  while (true) {
    Result<RecordPage> page = ctx.catalogue.List(RecordClass::kItem, filters, kReader);
    if (!page) return Problem(page.error(), req);
    for (const StoredRecord& r : page->records) {
      if (r.deleted || !ctx.media) continue;
      Result<std::vector<MediaAsset>> media = PublicMedia(ctx, r.pid);
      if (!media) return Problem(media.error(), req);
      bool shown = false;
      for (const MediaAsset& a : *media) shown = shown || iiif::IsCanvasMedia(a);
      if (!shown) continue;
      auto [vi, en] = NamesOf(r.document);
      entries.push_back({r.pid, vi, en});
    }
    if (page->next_cursor.empty()) break;
    filters.cursor = page->next_cursor;
  }
  return Document(
      iiif::BuildKindCollection(ctx.catalogue.schema(), SiteUrl(req, ctx.services), kind, entries),
      req);
}

// RFC 5987 / RFC 6266: an ASCII fallback name and the UTF-8 name percent-encoded.
std::string ContentDisposition(const std::string& name) {
  std::string ascii, encoded;
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_';
    ascii +=
        c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' ? static_cast<char>(c) : '_';
    if (plain) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "inline; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

// Whether the public may download an image's original: only under a Creative Commons licence
// or public-domain tool. Other images are shown through IIIF (sized access copies) only.
bool OriginalIsOpen(const Schema& schema, const MediaAsset& a) {
  return iiif::RightsUri(schema, a.licence).starts_with("http://creativecommons.org/");
}

Response MediaFile(const Request& req, Context& ctx) {
  Result<std::string> id = ParsePid(req.params.at("id"));
  if (!id || !ctx.media) return NotFound(req, "no media file", "không có tệp", "id");
  Result<MediaAsset> asset = ctx.media->Get(*id, ctx.actor);
  if (!asset) {
    if (asset.error().code == ErrorCode::kNotFound)
      return NotFound(req, "no media file", "không có tệp", "id");
    return Problem(asset.error(), req);
  }
  const bool staff = ctx.actor.audience == Audience::kStaff;
  if (!staff && asset->media_type.starts_with("image/") &&
      !OriginalIsOpen(ctx.catalogue.schema(), *asset)) {
    return Problem(
        Error{ErrorCode::kForbidden,
              "the original of image " + *id +
                  " is not offered for download under its licence; view it through IIIF at "
                  "/iiif/3/" +
                  *id + "/info.json",
              "bản gốc của ảnh " + *id +
                  " không được cung cấp để tải về theo giấy phép của nó; xem ảnh qua IIIF tại "
                  "/iiif/3/" +
                  *id + "/info.json",
              {{"id", "licence", "the licence does not allow downloading the original",
                "giấy phép không cho phép tải bản gốc"}}},
        req);
  }
  Result<std::filesystem::path> path = ctx.media->ContentPath(*asset);
  if (!path) return Problem(path.error(), req);
  int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<int64_t>(st.st_size) != asset->size) {
    if (fd >= 0) ::close(fd);
    return Problem(
        Error{ErrorCode::kCorrupt,
              "the preserved file of " + *id + " cannot be read as recorded (run disan fsck)",
              "không đọc được tệp lưu trữ của " + *id + " như đã ghi nhận (hãy chạy disan fsck)"},
        req);
  }
  auto file_of = [&](uint64_t offset, uint64_t length) {
    return std::shared_ptr<const FileBody>(std::make_shared<FileBody>(fd, offset, length));
  };
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const std::string etag = "\"" + asset->sha256 + "\"";

  // Staff reading a file the public may not see leaves a trace.
  if (staff) {
    bool hidden = asset->visibility != "public";
    if (!hidden) {
      Result<StoredRecord> item = ctx.catalogue.Get(RecordClass::kItem, asset->record_pid, kReader);
      hidden = !item || item->deleted;
    }
    if (hidden) {
      Status audited = auth::AppendAudit(
          ctx.catalogue.store(),
          {ctx.actor.name,
           "media.download",
           *id,
           req.remote_address,
           {{"record", asset->record_pid}, {"range", req.Header("Range").value_or("")}}});
      if (!audited) {
        ::close(fd);
        return Problem(audited.error(), req);
      }
    }
  }

  Response r;
  Cors(r);
  r.SetHeader("Accept-Ranges", "bytes");
  r.SetHeader("ETag", etag);
  r.SetHeader("Cache-Control", staff ? "private, no-cache" : "public, max-age=3600");
  const media::MediaFormat* format = media::FindFormat(asset->format);
  std::string name = asset->original_name.empty()
                         ? *id + "." + (format ? std::string(format->extension) : "bin")
                         : asset->original_name;
  r.SetHeader("Content-Disposition", ContentDisposition(name));
  if (EtagMatches(req.Header("If-None-Match").value_or(""), etag)) {
    ::close(fd);
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = asset->media_type;
  ByteRangeAnswer range;
  range.length = size;
  std::optional<std::string> if_range = req.Header("If-Range");
  if (std::optional<std::string> header = req.Header("Range");
      header && (!if_range || *if_range == etag)) {
    range = ResolveByteRange(*header, size);
  }
  switch (range.kind) {
    case ByteRangeAnswer::Kind::kUnsatisfiable: {
      ::close(fd);
      Response p = Problem(Error{ErrorCode::kInvalid,
                                 "the range '" + req.Header("Range").value_or("").substr(0, 80) +
                                     "' is outside the file (" + std::to_string(size) + " bytes)",
                                 "khoảng '" + req.Header("Range").value_or("").substr(0, 80) +
                                     "' nằm ngoài tệp (" + std::to_string(size) + " byte)",
                                 {{"Range", "unsatisfiable", "no byte of the range is in the file",
                                   "không byte nào của khoảng nằm trong tệp"}}},
                           req, 416);
      p.SetHeader("Content-Range", "bytes */" + std::to_string(size));
      p.SetHeader("Accept-Ranges", "bytes");
      return p;
    }
    case ByteRangeAnswer::Kind::kPartial:
      r.status = 206;
      r.SetHeader("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                       std::to_string(range.first + range.length - 1) + "/" +
                                       std::to_string(size));
      r.file = file_of(range.first, range.length);
      return r;
    case ByteRangeAnswer::Kind::kWhole:
      break;
  }
  r.file = file_of(0, size);
  return r;
}

}  // namespace

void AddPresentationRoutes(std::vector<Route>& r) {
  r.push_back({"GET", "/iiif/3/manifests/{pid}", Access::kPublic, Manifest});
  r.push_back({"GET", "/iiif/3/collections", Access::kPublic, TopCollection});
  r.push_back({"GET", "/iiif/3/collections/{kind}", Access::kPublic, KindCollection});
  r.push_back({"GET", "/api/v1/media/{id}/file", Access::kPublic, MediaFile});
}

}  // namespace disan::http
