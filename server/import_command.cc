#include "server/import_command.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "community/roster_csv.h"
#include "community/roster_xlsx.h"
#include "core/clock.h"
#include "core/time_util.h"
#include "server/progress_bar.h"
#include "storage/database.h"
#include "storage/sqlite_community_store.h"

namespace qunying::server {
namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "qunying import roster: %s\n", s.ToString().c_str());
  return 1;
}

// "[#########.........]  45%  22,500 / 50,000 rows" on one line.
}  // namespace

int RunImportRoster(const ImportRosterOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return Fail(Status::NotFound("cannot read " + o.file));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  bool xlsx = bytes.size() >= 4 && bytes.compare(0, 4, "PK\x03\x04") == 0;
  auto rows = xlsx ? community::ParseRosterXlsx(bytes)
                   : community::ParseRosterCsv(bytes);
  if (!rows.ok()) return Fail(rows.status());
  int64_t now = SystemClock::Default()->NowMillis();
  int64_t as_of = now;
  if (!o.as_of.empty()) {
    auto t = ParseRfc3339(o.as_of);
    if (!t.ok()) return Fail(t.status());
    as_of = *t;
  }
  storage::DatabaseOptions dbo;
  dbo.path = o.db_path;
  auto db = storage::Database::Open(dbo);
  if (!db.ok()) return Fail(db.status());
  storage::SqliteCommunityStore store(db->get());
  ProgressBar progress("rows");
  auto result = store.ImportRoster(
      o.group_id, as_of, *rows, now,
      [&](size_t done, size_t total) { progress.Update(done, total); });
  if (!result.ok()) return Fail(result.status());
  using community::MatchMethod;
  const auto& by = result->matched_by;
  std::printf(
      "snapshot %lld: %lld rows, %lld matched (unionid %lld, wechat_id %lld, "
      "nickname %lld, "
      "nickname_history %lld, fuzzy %lld, settled in review before %lld), "
      "%lld new, %lld to review; %lld joined, %lld left\n",
      (long long)result->snapshot_id, (long long)result->rows,
      (long long)result->matched, (long long)by[size_t(MatchMethod::kUnionid)],
      (long long)by[size_t(MatchMethod::kWechatId)],
      (long long)by[size_t(MatchMethod::kNickname)],
      (long long)by[size_t(MatchMethod::kNicknameHistory)],
      (long long)by[size_t(MatchMethod::kFuzzy)],
      (long long)by[size_t(MatchMethod::kReviewed)],
      (long long)result->unmatched, (long long)result->review,
      (long long)result->joined, (long long)result->left);
  return 0;
}

}  // namespace qunying::server
