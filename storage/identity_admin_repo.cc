// SqliteIdentityAdminStore: review queue, merges, timelines, audit log.
#include <array>
#include <sstream>
#include <vector>

#include "storage/sqlite_identity_admin_store.h"

#include "storage/audit.h"
#include "storage/group_events.h"
#include "storage/sqlite_community_store.h"
#include "storage/sqlite_member_store.h"

namespace qunying::storage {
namespace {

using community::IdentityReview;

// Tables whose member column moves in a merge (table, column, extra filter).
struct Moved {
  const char* table;
  const char* column;
  const char* filter;
  // At most one row per member: when the member merged into has one, the
  // merged record keeps its own.
  bool one_per_member = false;
  // Copied to the member merged into, as new rows, and deleted from the
  // record once it is marked merged (CopyEvents); an undo moves the copies
  // back.
  bool copied = false;
};
constexpr Moved kMovedTables[] = {
    {"enrollments", "member_id", ""},
    {"checkins", "member_id", ""},
    {"events", "member_id", "", false, true},
    {"roster_entries", "member_id", ""},
    {"nickname_history", "member_id", ""},
    // Not group_events: they are derived from the roster entries and
    // written afresh after a merge or its undo (storage/group_events.h).
    // Merges recorded before list theirs, which an undo now skips.
    {"feedback", "member_id", ""},
    // An operator's decisions on the person's facts. (Hints are not listed:
    // they follow their check-ins, HintsFollowCheckins.)
    {"hint_reviews", "member_id", ""},
    {"sessions", "subject_id", " AND kind = 'participant'"},
    // The merged record's lead goes with it, so that one person is not two
    // leads, unless the member it joins is a lead already.
    {"leads", "member_id", "", true},
};

std::vector<int64_t> ParseIds(const std::string& s) {
  std::vector<int64_t> ids;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) ids.push_back(std::stoll(item));
  }
  return ids;
}

// Gives the hints of members `a` and `b` the member of the check-in each
// was read from, once check-ins have moved between them: a merge's facts
// are the survivor's, and an undo takes them back. Returns the hints moved.
Result<int64_t> HintsFollowCheckins(Connection& c, int64_t a, int64_t b) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("UPDATE hints SET member_id = k.member_id FROM checkins k"
                " WHERE k.id = hints.checkin_id AND hints.member_id IN (?, ?)"
                " AND k.member_id != hints.member_id"));
  QY_RETURN_IF_ERROR(st->Bind(1, a).Bind(2, b).Run());
  return c.Changes();
}

// sessions' key is token_hash, the rest have integer ids.
const char* KeyOf(const Moved& m) {
  return std::string(m.table) == "sessions" ? "token_hash" : "id";
}

// A merge's move of `from`'s events to `into`, once `from` is marked
// merged: as copies with new ids, which whatever reads events by id takes
// for new ones, and without the epoch bump a move by UPDATE makes, which
// had every campaign's dwell and the lead pass's digest read all events
// again (migration 34). The copies are made first, so no event deleted
// holds the highest id, which the next event would be given again under
// the readers' noses. Appends "events:<the copies' ids>;" to `moved` for
// an undo, and counts them in `rows`.
Status CopyEvents(Connection& c, int64_t from, int64_t into, std::string* moved,
                  int64_t* rows) {
  QY_ASSIGN_OR_RETURN(int64_t before,
                      QueryInt(c, "SELECT COALESCE(MAX(id), 0) FROM events"));
  QY_ASSIGN_OR_RETURN(
      Statement * copy,
      c.Prepare("INSERT INTO events (member_id, type, page, dwell_ms, ts_ms,"
                " client_id, received_at_ms) SELECT ?, type, page, dwell_ms,"
                " ts_ms, client_id, received_at_ms FROM events"
                " WHERE member_id = ? ORDER BY id"));
  Status s = copy->Bind(1, into).Bind(2, from).Run();
  if (s.code() == StatusCode::kConflict) {
    return Status::Conflict(
        "cannot merge: both members have events that collide (same client "
        "id)");
  }
  QY_RETURN_IF_ERROR(s);
  std::string ids;
  QY_ASSIGN_OR_RETURN(
      Statement * sel,
      c.Prepare("SELECT id FROM events WHERE id > ? ORDER BY id"));
  sel->Bind(1, before);
  QY_RETURN_IF_ERROR(ForEachRow(sel, [&](const Statement& st) {
    ids += (ids.empty() ? "" : ",") + st.Text(0);
    ++*rows;
  }));
  *moved += "events:" + ids + ";";
  QY_ASSIGN_OR_RETURN(Statement * del,
                      c.Prepare("DELETE FROM events WHERE member_id = ?"));
  return del->Bind(1, from).Run();
}

}  // namespace

namespace {

// Member `id` as a review candidate: what tells two of one nickname apart.
// One not found (members are not deleted, so never in practice) is just
// its id, as the list showed it before.
Result<community::ReviewCandidate> LoadCandidate(Connection& c, int64_t id) {
  community::ReviewCandidate out;
  out.member_id = id;
  auto m = LoadMember(c, "id", "", id);
  if (!m.ok()) {  // A failed read is an error, not an anonymous candidate.
    if (m.status().code() == StatusCode::kNotFound) return out;
    return m.status();
  }
  out.nickname = m->nickname;
  out.phone = m->phone;
  out.wechat_id = m->wechat_id;
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT k.name FROM enrollments e JOIN campaigns k"
                " ON k.id = e.campaign_id WHERE e.member_id = ?"
                " AND e.refunded_at_ms IS NULL"
                " ORDER BY k.starts_on DESC, k.id DESC LIMIT 3"));
  st->Bind(1, id);
  QY_RETURN_IF_ERROR(ForEachRow(
      st, [&](const Statement& s) { out.campaigns.push_back(s.Text(0)); }));
  QY_ASSIGN_OR_RETURN(out.last_checkin_ms,
                      QueryInt(c,
                               "SELECT COALESCE(MAX(created_at_ms), 0) FROM"
                               " checkins WHERE member_id = ?",
                               id, true));
  return out;
}

}  // namespace

Result<std::vector<IdentityReview>> SqliteIdentityAdminStore::ListReviews(
    const std::string& status, int64_t after_id, int limit) {
  std::vector<IdentityReview> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT r.id, s.group_id, s.id, e.id, s.as_of_ms, e.nickname,"
                  " COALESCE(e.wechat_id, ''), COALESCE(e.unionid, ''), "
                  "r.reason, r.status,"
                  " COALESCE(r.resolved_member_id, 0), r.candidates, g.name"
                  " FROM identity_reviews r JOIN roster_entries e ON e.id = "
                  "r.entry_id"
                  " JOIN roster_snapshots s ON s.id = e.snapshot_id"
                  " JOIN chat_groups g ON g.id = s.group_id"
                  " WHERE (?1 = '' OR r.status = ?1) AND r.id > ?2 ORDER BY "
                  "r.id LIMIT ?3"));
    st->Bind(1, status).Bind(2, after_id).Bind(3, limit);
    std::vector<std::string> candidates;
    QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
      IdentityReview r;
      r.id = s.Int(0);
      r.group_id = s.Int(1);
      r.snapshot_id = s.Int(2);
      r.entry_id = s.Int(3);
      r.as_of_ms = s.Int(4);
      r.nickname = s.Text(5);
      r.wechat_id = s.Text(6);
      r.unionid = s.Text(7);
      r.reason = s.Text(8);
      r.status = s.Text(9);
      r.resolved_member_id = s.Int(10);
      candidates.push_back(s.Text(11));
      r.group_name = s.Text(12);
      out.push_back(std::move(r));
    }));
    for (size_t i = 0; i < out.size(); ++i) {
      for (int64_t id : ParseIds(candidates[i])) {
        QY_ASSIGN_OR_RETURN(auto candidate, LoadCandidate(c, id));
        out[i].candidates.push_back(std::move(candidate));
      }
    }
    return Status::Ok();
  }));
  return out;
}

namespace {

// Whether `member_id` is already a row of the snapshot.
Result<bool> InSnapshot(Connection& c, int64_t snapshot, int64_t member_id) {
  QY_ASSIGN_OR_RETURN(Statement * dup,
                      c.Prepare("SELECT COUNT(*) FROM roster_entries WHERE "
                                "snapshot_id = ? AND member_id = ?"));
  dup->Bind(1, snapshot).Bind(2, member_id);
  QY_ASSIGN_OR_RETURN(bool has, dup->Step());
  return has && dup->Int(0) > 0;
}

// Marks review `review_id` settled as `status` with `member_id` (0: none)
// and, with a member, its roster entry as that member: the snapshot's
// joins and leaves, and the next one's, change with it. Audited.
Status SettleReview(Connection& c, int64_t review_id, int64_t entry,
                    int64_t snapshot, const std::string& status,
                    int64_t member_id, int64_t user_id, int64_t now_ms) {
  if (member_id) {
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare("UPDATE roster_entries SET member_id = ?, method = 'review',"
                  " evidence = evidence || ' — settled by an operator'"
                  " WHERE id = ?"));
    QY_RETURN_IF_ERROR(up->Bind(1, member_id).Bind(2, entry).Run());
    QY_RETURN_IF_ERROR(RecomputeGroupEventsAround(c, snapshot).status());
  }
  QY_ASSIGN_OR_RETURN(Statement * rv,
                      c.Prepare("UPDATE identity_reviews SET status = ?,"
                                " resolved_member_id = ? WHERE id = ?"));
  rv->Bind(1, status).Bind(3, review_id);
  if (member_id)
    rv->Bind(2, member_id);
  else
    rv->BindNull(2);
  QY_RETURN_IF_ERROR(rv->Run());
  return WriteAudit(c, user_id, "identity_review." + status,
                    "review:" + std::to_string(review_id),
                    member_id ? "member:" + std::to_string(member_id) : "",
                    now_ms);
}

// Remembers that the group's rows called `nickname` are `member_id`
// (roster_aliases), and settles the group's other open reviews of rows so
// called the same way, but in a snapshot that has the member already.
// Unless two rows of `snapshot` go by the name: then two people in the
// group do, the name says nothing of which, and nothing is remembered
// (an earlier settlement of it is forgotten).
Result<std::vector<int64_t>> SettleNameInGroup(
    Connection& c, int64_t group, int64_t snapshot, const std::string& nickname,
    int64_t member_id, int64_t review_id, int64_t user_id, int64_t now_ms) {
  QY_ASSIGN_OR_RETURN(
      Statement * named,
      c.Prepare("SELECT COUNT(*) FROM roster_entries WHERE snapshot_id = ?"
                " AND nickname = ?"));
  named->Bind(1, snapshot).Bind(2, nickname);
  QY_ASSIGN_OR_RETURN(bool counted, named->Step());
  if (counted && named->Int(0) > 1) {
    QY_ASSIGN_OR_RETURN(
        Statement * forget,
        c.Prepare("DELETE FROM roster_aliases WHERE group_id = ?"
                  " AND nickname = ?"));
    QY_RETURN_IF_ERROR(forget->Bind(1, group).Bind(2, nickname).Run());
    return std::vector<int64_t>{};
  }
  QY_ASSIGN_OR_RETURN(
      Statement * alias,
      c.Prepare("INSERT INTO roster_aliases (group_id, nickname, member_id,"
                " review_id, created_at_ms) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (group_id, nickname) DO UPDATE SET"
                " member_id = excluded.member_id,"
                " review_id = excluded.review_id,"
                " created_at_ms = excluded.created_at_ms"));
  QY_RETURN_IF_ERROR(alias->Bind(1, group)
                         .Bind(2, nickname)
                         .Bind(3, member_id)
                         .Bind(4, review_id)
                         .Bind(5, now_ms)
                         .Run());
  QY_ASSIGN_OR_RETURN(
      Statement * same,
      c.Prepare("SELECT r.id, e.id, e.snapshot_id FROM identity_reviews r"
                " JOIN roster_entries e ON e.id = r.entry_id"
                " JOIN roster_snapshots s ON s.id = e.snapshot_id"
                " WHERE r.status = 'open' AND s.group_id = ?"
                " AND e.nickname = ? ORDER BY r.id"));
  same->Bind(1, group).Bind(2, nickname);
  std::vector<std::array<int64_t, 3>> open;
  QY_RETURN_IF_ERROR(ForEachRow(same, [&](const Statement& st) {
    open.push_back({st.Int(0), st.Int(1), st.Int(2)});
  }));
  std::vector<int64_t> settled;
  for (const auto& [id, entry, in_snapshot] : open) {
    QY_ASSIGN_OR_RETURN(bool there, InSnapshot(c, in_snapshot, member_id));
    if (there) continue;
    QY_RETURN_IF_ERROR(SettleReview(c, id, entry, in_snapshot, "resolved",
                                    member_id, user_id, now_ms));
    settled.push_back(id);
  }
  return settled;
}

}  // namespace

Result<std::vector<community::SettledNameEntry>>
SqliteIdentityAdminStore::SettledNames(int64_t group_id) {
  std::vector<community::SettledNameEntry> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_RETURN_IF_ERROR(LoadGroup(c, group_id).status());
    QY_ASSIGN_OR_RETURN(out, LoadSettledNameEntries(c, group_id));
    for (auto& e : out) {
      QY_ASSIGN_OR_RETURN(community::Member m,
                          LoadMember(c, "id", "", e.member_id));
      e.member_nickname = m.nickname;
    }
    return Status::Ok();
  }));
  return out;
}

Status SqliteIdentityAdminStore::ForgetSettledName(int64_t group_id,
                                                   const std::string& nickname,
                                                   int64_t user_id,
                                                   int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_RETURN_IF_ERROR(LoadGroup(c, group_id).status());
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("DELETE FROM roster_aliases WHERE group_id = ?"
                  " AND nickname = ? RETURNING member_id"));
    st->Bind(1, group_id).Bind(2, nickname);
    QY_ASSIGN_OR_RETURN(bool found, st->Step());
    if (!found) return Status::NotFound("the group remembers no such name");
    int64_t member = st->Int(0);
    st->Reset();
    // Which name, and whom it was: a later audit must tell what changed.
    return WriteAudit(
        c, user_id, "roster_alias.forget", "group:" + std::to_string(group_id),
        "member:" + std::to_string(member) + " " + nickname, now_ms);
  });
}

Result<std::vector<int64_t>> SqliteIdentityAdminStore::ResolveReview(
    int64_t review_id, community::ReviewAction action, int64_t member_id,
    int64_t user_id, int64_t now_ms) {
  std::vector<int64_t> also;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    also.clear();
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT r.status, e.id, e.snapshot_id, e.nickname,"
                  " COALESCE(e.wechat_id, ''), COALESCE(e.unionid, ''),"
                  " s.group_id FROM identity_reviews r JOIN roster_entries e"
                  " ON e.id = r.entry_id JOIN roster_snapshots s"
                  " ON s.id = e.snapshot_id WHERE r.id = ?"));
    st->Bind(1, review_id);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("review not found");
    if (st->Text(0) != "open")
      return Status::Conflict("this review is already settled");
    int64_t entry = st->Int(1), snapshot = st->Int(2), group = st->Int(6);
    std::string nickname = st->Text(3), wechat = st->Text(4),
                unionid = st->Text(5);
    if (action == community::ReviewAction::kDismiss) {
      return SettleReview(c, review_id, entry, snapshot, "dismissed", 0,
                          user_id, now_ms);
    }
    if (action == community::ReviewAction::kNew) {
      community::Member m;
      m.nickname = nickname;
      m.wechat_id = wechat;
      m.unionid = unionid;
      QY_ASSIGN_OR_RETURN(member_id, InsertMember(c, m, now_ms));
    } else {
      QY_ASSIGN_OR_RETURN(community::Member target,
                          LoadMember(c, "id", "", member_id));
      if (target.merged_into) {
        QY_ASSIGN_OR_RETURN(int64_t survivor, SurvivorOf(c, member_id));
        return Status::Conflict(
            "member " + std::to_string(member_id) + " was merged into member " +
                std::to_string(survivor) + "; match that one",
            "member_id");
      }
      QY_ASSIGN_OR_RETURN(bool there, InSnapshot(c, snapshot, member_id));
      if (there) {
        return Status::Conflict(
            "that member is already another row of the same roster",
            "member_id");
      }
    }
    QY_RETURN_IF_ERROR(SettleReview(c, review_id, entry, snapshot, "resolved",
                                    member_id, user_id, now_ms));
    QY_ASSIGN_OR_RETURN(
        also, SettleNameInGroup(c, group, snapshot, nickname, member_id,
                                review_id, user_id, now_ms));
    return Status::Ok();
  }));
  return also;
}

namespace {

// Member `member`'s lead if it sits in the pool never claimed (new, no
// owner, no event but its making), else 0.
Result<int64_t> UnclaimedLeadOf(Connection& c, int64_t member) {
  return QueryInt(c,
                  "SELECT COALESCE(MAX(l.id), 0) FROM leads l WHERE"
                  " l.member_id = ?1 AND l.status = 'new' AND l.owner_id IS"
                  " NULL AND NOT EXISTS (SELECT 1 FROM lead_events e WHERE"
                  " e.lead_id = l.id AND e.kind NOT IN ('created', 'import'))",
                  member, true);
}

// When both records are leads, one person would be two in the pool: two
// reps could call the same parent. If one of the two leads was never
// claimed, it goes (its rows with it), and the other is the person's (the
// merge moves it to `into` if it was the merged record's). Leads both
// worked on stay apart, for an admin to see. Returns "deleted_lead:<id>;"
// for the merge's record, or "". An undo does not bring it back: the next
// rescoring pass makes a lead for the member again if it qualifies.
Result<std::string> DropDuplicateLead(Connection& c, int64_t from,
                                      int64_t into) {
  QY_ASSIGN_OR_RETURN(
      Statement * count,
      c.Prepare("SELECT COUNT(*) FROM leads WHERE member_id IN (?, ?)"));
  count->Bind(1, from).Bind(2, into);
  QY_ASSIGN_OR_RETURN(bool row, count->Step());
  const int64_t both = row ? count->Int(0) : 0;
  count->Reset();
  if (both < 2) return std::string();
  QY_ASSIGN_OR_RETURN(int64_t lead, UnclaimedLeadOf(c, from));
  if (!lead) {
    QY_ASSIGN_OR_RETURN(
        int64_t open_from,
        QueryInt(c,
                 "SELECT COUNT(*) FROM leads WHERE member_id = ? AND status"
                 " NOT IN ('won', 'lost')",
                 from, true));
    if (open_from) {
      QY_ASSIGN_OR_RETURN(lead, UnclaimedLeadOf(c, into));
    }
  }
  if (!lead) return std::string();
  for (const char* table :
       {"lead_events", "lead_texts", "lead_intent", "lead_probabilities"}) {
    QY_ASSIGN_OR_RETURN(
        Statement * del,
        c.Prepare(std::string("DELETE FROM ") + table + " WHERE lead_id = ?"));
    QY_RETURN_IF_ERROR(del->Bind(1, lead).Run());
  }
  QY_ASSIGN_OR_RETURN(Statement * del,
                      c.Prepare("DELETE FROM leads WHERE id = ?"));
  QY_RETURN_IF_ERROR(del->Bind(1, lead).Run());
  return "deleted_lead:" + std::to_string(lead) + ";";
}

// Merge's work, in the caller's transaction; the merge's id in *merge_id.
Status MergeIn(Connection& c, int64_t from, int64_t into, int64_t user_id,
               const std::string& reason, int64_t now_ms, int64_t* merge_id) {
  if (from == into)
    return Status::InvalidArgument("cannot merge a member into itself", "into");
  for (int64_t id : {from, into}) {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT merged_into FROM members WHERE id = ?"));
    st->Bind(1, id);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row)
      return Status::NotFound("member " + std::to_string(id) + " not found");
    if (!st->IsNull(0))
      return Status::Conflict("member " + std::to_string(id) +
                              " is already merged");
  }
  QY_ASSIGN_OR_RETURN(
      Statement * together,
      c.Prepare("SELECT COUNT(*) FROM roster_entries a JOIN roster_entries b"
                " ON a.snapshot_id = b.snapshot_id WHERE a.member_id = ? AND "
                "b.member_id = ?"));
  together->Bind(1, from).Bind(2, into);
  QY_ASSIGN_OR_RETURN(bool row, together->Step());
  if (row && together->Int(0) > 0) {
    return Status::Conflict(
        "these two were seen together in one roster: two people");
  }
  QY_ASSIGN_OR_RETURN(std::string moved, DropDuplicateLead(c, from, into));
  int64_t rows = 0;
  for (const Moved& m : kMovedTables) {
    if (m.copied) continue;  // Once `from` is marked merged, below.
    if (m.one_per_member) {
      QY_ASSIGN_OR_RETURN(
          int64_t has, QueryInt(c,
                                std::string("SELECT COUNT(*) FROM ") + m.table +
                                    " WHERE " + m.column + " = ?" + m.filter,
                                into, true));
      if (has) continue;
    }
    std::string ids;
    QY_ASSIGN_OR_RETURN(
        Statement * sel,
        c.Prepare(std::string("SELECT ") + KeyOf(m) + " FROM " + m.table +
                  " WHERE " + m.column + " = ?" + m.filter));
    sel->Bind(1, from);
    QY_RETURN_IF_ERROR(ForEachRow(sel, [&](const Statement& s) {
      ids += (ids.empty() ? "" : ",") + s.Text(0);
      ++rows;
    }));
    moved += std::string(m.table) + ":" + ids + ";";
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare(std::string("UPDATE ") + m.table + " SET " + m.column +
                  " = ? WHERE " + m.column + " = ?" + m.filter));
    Status s = up->Bind(1, into).Bind(2, from).Run();
    if (s.code() == StatusCode::kConflict) {
      return Status::Conflict(
          std::string("cannot merge: both members have ") + m.table +
          " that collide (same campaign, day or client id)");
    }
    QY_RETURN_IF_ERROR(s);
  }
  QY_ASSIGN_OR_RETURN(int64_t hints, HintsFollowCheckins(c, from, into));
  rows += hints;
  QY_ASSIGN_OR_RETURN(community::Member from_member,
                      LoadMember(c, "id", "", from));
  QY_ASSIGN_OR_RETURN(
      Statement * hist,
      c.Prepare("INSERT INTO nickname_history (member_id, nickname, source,"
                " changed_at_ms) VALUES (?, ?, 'operator', ?)"));
  QY_RETURN_IF_ERROR(
      hist->Bind(1, into).Bind(2, from_member.nickname).Bind(3, now_ms).Run());
  int64_t hist_id = c.LastInsertId();
  QY_RETURN_IF_ERROR(RecomputeGroupEventsOfMembers(c, {from, into}));
  QY_ASSIGN_OR_RETURN(
      Statement * mark,
      c.Prepare("UPDATE members SET merged_into = ? WHERE id = ?"));
  QY_RETURN_IF_ERROR(mark->Bind(1, into).Bind(2, from).Run());
  QY_RETURN_IF_ERROR(CopyEvents(c, from, into, &moved, &rows));
  QY_ASSIGN_OR_RETURN(
      Statement * rec,
      c.Prepare("INSERT INTO member_merges (from_member_id, into_member_id,"
                " moved, by_user_id, at_ms) VALUES (?, ?, ?, ?, ?)"));
  QY_RETURN_IF_ERROR(
      rec->Bind(1, from)
          .Bind(2, into)
          .Bind(3, moved + "added_history:" + std::to_string(hist_id) + ";")
          .Bind(4, user_id)
          .Bind(5, now_ms)
          .Run());
  *merge_id = c.LastInsertId();
  return WriteAudit(c, user_id, "member.merge",
                    "member:" + std::to_string(from),
                    "into member:" + std::to_string(into) + " (" +
                        std::to_string(rows) + " rows) " + reason,
                    now_ms);
}

}  // namespace

Result<int64_t> SqliteIdentityAdminStore::Merge(int64_t from, int64_t into,
                                                int64_t user_id,
                                                const std::string& reason,
                                                int64_t now_ms) {
  int64_t merge_id = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) {
    return MergeIn(c, from, into, user_id, reason, now_ms, &merge_id);
  }));
  return merge_id;
}

Result<int64_t> SqliteIdentityAdminStore::JoinSignIn(int64_t from, int64_t into,
                                                     const std::string& reason,
                                                     int64_t now_ms) {
  int64_t merge_id = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    // Checked in the merge's transaction: two people of one family proving
    // the same phone at once must not both become the record.
    QY_ASSIGN_OR_RETURN(bool claimed, SignsIn(c, into));
    if (claimed) {
      return Status::Conflict("someone else signs in with member " +
                              std::to_string(into) + " now");
    }
    return MergeIn(c, from, into, /*user_id=*/0, reason, now_ms, &merge_id);
  }));
  return merge_id;
}

Status SqliteIdentityAdminStore::Unmerge(int64_t merge_id, int64_t user_id,
                                         int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT from_member_id, into_member_id, moved, undone_at_ms"
                  " FROM member_merges WHERE id = ?"));
    st->Bind(1, merge_id);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("merge not found");
    if (!st->IsNull(3))
      return Status::Conflict("this merge was already undone");
    int64_t from = st->Int(0), into = st->Int(1);
    std::string moved = st->Text(2);
    // The rows went on with `into` when it was merged in turn; undoing this
    // merge first would leave them listed in that later merge, whose undo
    // would then hand them to the wrong member.
    QY_ASSIGN_OR_RETURN(
        int64_t later,
        QueryInt(c,
                 "SELECT COALESCE(MAX(id), 0) FROM member_merges WHERE"
                 " from_member_id = ? AND undone_at_ms IS NULL",
                 into, true));
    if (later) {
      return Status::Conflict("member " + std::to_string(into) +
                              " has since been merged into another (merge " +
                              std::to_string(later) +
                              "); undo that merge first");
    }
    std::stringstream parts(moved);
    std::string part;
    while (std::getline(parts, part, ';')) {
      auto colon = part.find(':');
      if (colon == std::string::npos) continue;
      std::string table = part.substr(0, colon), ids = part.substr(colon + 1);
      if (table == "added_history") {
        QY_ASSIGN_OR_RETURN(
            Statement * del,
            c.Prepare("DELETE FROM nickname_history WHERE id = ?"));
        QY_RETURN_IF_ERROR(del->Bind(1, std::stoll(ids)).Run());
        continue;
      }
      for (const Moved& m : kMovedTables) {
        if (table != m.table) continue;
        QY_ASSIGN_OR_RETURN(
            Statement * up,
            c.Prepare(std::string("UPDATE ") + m.table + " SET " + m.column +
                      " = ? WHERE " + KeyOf(m) + " = ? AND " + m.column +
                      " = ?"));
        std::stringstream idlist(ids);
        std::string id;
        while (std::getline(idlist, id, ',')) {
          if (id.empty()) continue;
          up->Reset();
          up->Bind(1, from).Bind(3, into);  // Only rows still with `into`.
          if (std::string(KeyOf(m)) == "id")
            up->Bind(2, std::stoll(id));
          else
            up->Bind(2, id);
          QY_RETURN_IF_ERROR(up->Run());
        }
      }
    }
    QY_RETURN_IF_ERROR(HintsFollowCheckins(c, from, into).status());
    QY_RETURN_IF_ERROR(RecomputeGroupEventsOfMembers(c, {from, into}));
    QY_ASSIGN_OR_RETURN(
        Statement * clear,
        c.Prepare("UPDATE members SET merged_into = NULL WHERE id = ?"));
    QY_RETURN_IF_ERROR(clear->Bind(1, from).Run());
    QY_ASSIGN_OR_RETURN(
        Statement * done,
        c.Prepare("UPDATE member_merges SET undone_at_ms = ? WHERE id = ?"));
    QY_RETURN_IF_ERROR(done->Bind(1, now_ms).Bind(2, merge_id).Run());
    return WriteAudit(c, user_id, "member.unmerge",
                      "merge:" + std::to_string(merge_id),
                      "member:" + std::to_string(from) +
                          " back out of member:" + std::to_string(into),
                      now_ms);
  });
}

Result<community::MergeRecord> SqliteIdentityAdminStore::GetMerge(
    int64_t merge_id) {
  community::MergeRecord m;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(
            "SELECT id, from_member_id, into_member_id, by_user_id, at_ms,"
            " COALESCE(undone_at_ms, 0), moved FROM member_merges"
            " WHERE id = ?"));
    st->Bind(1, merge_id);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("merge not found");
    m = {st->Int(0), st->Int(1), st->Int(2), st->Int(3),
         st->Int(4), st->Int(5), 0};
    for (char ch : st->Text(6)) m.rows_moved += ch == ',';
    return Status::Ok();
  }));
  return m;
}

namespace {

// Every branch of the timeline gives: at, kind, ref_id, item_id, number,
// makeup, name, text (community::TimelineEntry says what each holds).
constexpr char kTimelineSql[] =
    "SELECT * FROM ("
    " SELECT e.enrolled_at_ms AS at, 'enrolled', k.id, 0, e.paid_fen, 0,"
    "  k.name, '' FROM enrollments e JOIN campaigns k ON k.id = e.campaign_id"
    "  WHERE e.member_id = ?1"
    " UNION ALL SELECT e.refunded_at_ms, 'refunded', k.id, 0, 0, 0, k.name,"
    "  e.refund_reason FROM enrollments e JOIN campaigns k"
    "  ON k.id = e.campaign_id"
    "  WHERE e.member_id = ?1 AND e.refunded_at_ms IS NOT NULL"
    " UNION ALL SELECT c.created_at_ms, 'checkin', k.id, c.id, c.day,"
    "  c.makeup, k.name, '' FROM checkins c JOIN campaigns k"
    "  ON k.id = c.campaign_id WHERE c.member_id = ?1"
    " UNION ALL SELECT g.at_ms, CASE g.kind WHEN 'join' THEN 'joined'"
    "  ELSE 'left' END, cg.id, 0, 0, 0, cg.name, '' FROM group_events g"
    "  JOIN chat_groups cg ON cg.id = g.group_id WHERE g.member_id = ?1"
    " UNION ALL SELECT h.changed_at_ms, 'renamed', 0, 0, 0, 0, '',"
    "  h.nickname FROM nickname_history h WHERE h.member_id = ?1"
    " UNION ALL SELECT f.created_at_ms, 'feedback', 0, f.id, 0, 0, f.kind,"
    "  substr(f.text, 1, 60) FROM feedback f WHERE f.member_id = ?1"
    ") ORDER BY at DESC LIMIT ?2";

// The entry's one line in English, as the API has always answered it.
std::string TimelineDetail(const community::TimelineEntry& e) {
  const std::string& k = e.kind;
  if (k == "enrolled") {
    return e.name +
           (e.number > 0 ? " (" + std::to_string(e.number) + " fen)" : "");
  }
  if (k == "refunded") return e.name + (e.text.empty() ? "" : ": " + e.text);
  if (k == "checkin") {
    return e.name + " day " + std::to_string(e.number) +
           (e.makeup ? " (make-up)" : "");
  }
  if (k == "renamed") return "was " + e.text;
  if (k == "feedback") return e.name + ": " + e.text;
  return e.name;  // joined, left
}

}  // namespace

Result<std::vector<community::TimelineEntry>>
SqliteIdentityAdminStore::Timeline(int64_t member_id, int limit) {
  std::vector<community::TimelineEntry> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_RETURN_IF_ERROR(LoadMember(c, "id", "", member_id).status());
    QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(kTimelineSql));
    st->Bind(1, member_id).Bind(2, limit);
    return ForEachRow(st, [&](const Statement& s) {
      community::TimelineEntry e;
      e.at_ms = s.Int(0);
      e.kind = s.Text(1);
      e.ref_id = s.Int(2);
      e.item_id = s.Int(3);
      e.number = s.Int(4);
      e.makeup = s.Int(5) != 0;
      e.name = s.Text(6);
      e.text = s.Text(7);
      e.detail = TimelineDetail(e);
      out.push_back(std::move(e));
    });
  }));
  return out;
}

Result<std::vector<community::AuditEntry>> SqliteIdentityAdminStore::Audit(
    int64_t before_id, int limit) {
  std::vector<community::AuditEntry> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(
            "SELECT id, at_ms, COALESCE(actor_user_id, 0), action, target,"
            " detail FROM audit_log WHERE (?1 = 0 OR id < ?1)"
            " ORDER BY id DESC LIMIT ?2"));
    st->Bind(1, before_id).Bind(2, limit);
    return ForEachRow(st, [&](const Statement& s) {
      out.push_back(
          {s.Int(0), s.Int(1), s.Int(2), s.Text(3), s.Text(4), s.Text(5)});
    });
  }));
  return out;
}

}  // namespace qunying::storage
