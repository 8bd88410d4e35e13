#include "auth/audit_log.h"

#include "auth/credentials.h"
#include "core/clock.h"

namespace disan::auth {
namespace {

constexpr size_t kMaxField = 256;

// Cuts to at most `max` bytes without splitting a UTF-8 sequence.
std::string Cut(const std::string& s, size_t max = kMaxField) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end) + "…";
}

}  // namespace

std::string AuditHash(const AuditEntry& e) {
  std::string bytes;
  for (const std::string* f :
       {&e.prev_hash, &e.at, &e.actor, &e.action, &e.target, &e.address, &e.detail}) {
    bytes += std::to_string(f->size()) + ":" + *f + ";";
  }
  bytes = std::to_string(e.seq) + ";" + bytes;
  return Sha256Hex(bytes);
}

Status AppendAudit(StoreWriter& writer, const AuditEvent& event) {
  std::optional<AuditEntry> last = TRY(writer.LastAuditEntry());
  AuditEntry e;
  e.seq = last ? last->seq + 1 : 1;
  e.at = NowRfc3339();
  e.actor = Cut(event.actor);
  e.action = Cut(event.action, 64);
  e.target = Cut(event.target);
  e.address = Cut(event.address, 64);
  e.detail = event.detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (e.detail.size() > 4096) e.detail = nlohmann::json{{"truncated", Cut(e.detail, 4000)}}.dump();
  e.prev_hash = last ? last->hash : kAuditGenesis;
  e.hash = AuditHash(e);
  TRY(writer.PutAuditEntry(e));
  // The head, kept apart from the chain: removing the last entries leaves no gap in the chain
  // itself, but leaves the chain short of its head.
  return writer.PutSetting("audit_head", std::to_string(e.seq) + " " + e.hash);
}

Status AppendAudit(MetadataStore& store, const AuditEvent& event) {
  return store.Write([&](StoreWriter& w) { return AppendAudit(w, event); });
}

Result<AuditReport> VerifyAudit(MetadataStore& store) {
  AuditReport report;
  std::string prev = kAuditGenesis;
  int64_t expected_seq = 1;
  TRY(store.ForEachAudit([&](const AuditEntry& e) -> Status {
    ++report.entries;
    const std::string n = std::to_string(e.seq);
    const std::string pos = std::to_string(report.entries);
    auto problem = [&](std::string en, std::string vi) {
      report.problems.push_back({report.entries, e.seq, "entry " + pos + " (seq " + n + "): " + en,
                                 "mục " + pos + " (số " + n + "): " + vi});
    };
    if (e.seq != expected_seq) {
      problem("expected seq " + std::to_string(expected_seq) +
                  ": an entry before it was removed, or entries were reordered",
              "lẽ ra là số " + std::to_string(expected_seq) +
                  ": một mục trước nó đã bị xóa, hoặc các mục bị đảo thứ tự");
    }
    if (e.prev_hash != prev) {
      problem("its prev_hash is not the hash of the entry before it (removed or reordered)",
              "prev_hash không phải mã băm của mục liền trước (bị xóa hoặc đảo thứ tự)");
    }
    if (AuditHash(e) != e.hash) {
      problem("its content does not match its hash: the entry was edited",
              "nội dung không khớp mã băm: mục đã bị sửa");
    }
    prev = e.hash;
    expected_seq = e.seq + 1;
    return Ok();
  }));
  std::string head =
      TRY(store.GetSetting("audit_head")).value_or("0 " + std::string(kAuditGenesis));
  std::string end = std::to_string(expected_seq - 1) + " " + prev;
  if (head != end) {
    std::string last = std::to_string(expected_seq - 1);
    std::string want = head.substr(0, head.find(' '));
    report.problems.push_back(
        {report.entries + 1, expected_seq,
         "the log ends at seq " + last + " but its head is seq " + want + ": entries after seq " +
             last + " were removed (or the last one was edited)",
         "nhật ký kết thúc ở số " + last + " nhưng đầu chuỗi là số " + want + ": các mục sau số " +
             last + " đã bị xóa (hoặc mục cuối bị sửa)"});
  }
  return report;
}

}  // namespace disan::auth
