// Prepares a database for the check-in ingest benchmark: K running
// campaigns (ids 1..K, one per measuring round, since a participant checks
// in once a day per campaign), N participants enrolled in all of them, and
// a signed-in session for each, whose tokens are written one per line to
// TOKENS_FILE. With PHOTO_OUT set (not empty), also writes a check-in photo
// there (a phone-sized JPEG of Chinese text, as ocr::RenderPhotoJpeg makes
// them) for PHOTO=1 bench/checkin_bench.sh.
// Usage: checkin_setup DB TOKENS_FILE [participants=150000] [campaigns=1]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "auth/token.h"
#include "core/clock.h"
#include "ocr/photo_renderer.h"
#include "storage/database.h"

using namespace qunying;

// Each participant last used the app this long ago, as a participant who
// checks in once a day did: their first request writes the session's
// last-seen time (AccountService touches it at most once a minute).
constexpr int64_t kSeenAgoMs = 3600 * 1000;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: checkin_setup DB TOKENS_FILE [participants]"
                 " [campaigns]\n");
    return 2;
  }
  const char* out = std::getenv("PHOTO_OUT");
  if (out != nullptr && *out != '\0') {
    ocr::RenderOptions r;
    r.width = 720;
    r.height = 960;
    auto jpeg = ocr::RenderPhotoJpeg(
        {"第12天打卡", "今天和孩子读了二十分钟", "三年级二班 王小明"}, r);
    if (!jpeg.ok()) {
      std::fprintf(stderr, "%s\n", jpeg.status().ToString().c_str());
      return 1;
    }
    std::ofstream file(out, std::ios::binary);
    file << *jpeg;
    if (!file.flush()) {
      std::fprintf(stderr, "cannot write the photo to %s\n", out);
      return 1;
    }
  }
  int n = argc > 3 ? std::atoi(argv[3]) : 150000;
  int campaigns = argc > 4 ? std::atoi(argv[4]) : 1;
  storage::DatabaseOptions o;
  o.path = argv[1];
  auto db = storage::Database::Open(o);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 1;
  }
  int64_t now = SystemClock::Default()->NowMillis();
  int64_t today = (now / 1000 + 8 * 3600) / 86400;
  std::ofstream tokens(argv[2]);
  Status s = (*db)->Write([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        auto* camp,
        c.Prepare(
            "INSERT INTO campaigns (name, theme, series, starts_on,"
            " days, created_at_ms) VALUES ('bench', 't', 's', ?, 21, 0)"));
    for (int k = 0; k < campaigns; ++k) {
      camp->Reset();
      QY_RETURN_IF_ERROR(camp->Bind(1, today - 2).Run());
    }
    QY_ASSIGN_OR_RETURN(
        auto* m,
        c.Prepare("INSERT INTO members (openid, nickname,"
                  " created_at_ms, updated_at_ms) VALUES (?, ?, 0, 0)"));
    QY_ASSIGN_OR_RETURN(
        auto* e, c.Prepare("INSERT INTO enrollments (campaign_id, member_id,"
                           " enrolled_at_ms) VALUES (?, ?, 0)"));
    QY_ASSIGN_OR_RETURN(
        auto* sess,
        c.Prepare("INSERT INTO sessions (token_hash, kind, subject_id,"
                  " created_at_ms, last_seen_ms, expires_at_ms)"
                  " VALUES (?, 'participant', ?, ?, ?, ?)"));
    for (int i = 1; i <= n; ++i) {
      m->Reset();
      QY_RETURN_IF_ERROR(m->Bind(1, "bench-" + std::to_string(i))
                             .Bind(2, "学员" + std::to_string(i))
                             .Run());
      int64_t id = c.LastInsertId();
      for (int k = 1; k <= campaigns; ++k) {
        e->Reset();
        QY_RETURN_IF_ERROR(e->Bind(1, int64_t{k}).Bind(2, id).Run());
      }
      std::string token = auth::NewToken();
      sess->Reset();
      QY_RETURN_IF_ERROR(sess->Bind(1, auth::TokenHash(token))
                             .Bind(2, id)
                             .Bind(3, now - kSeenAgoMs)
                             .Bind(4, now - kSeenAgoMs)
                             .Bind(5, now + int64_t{86400000})
                             .Run());
      tokens << token << "\n";
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
