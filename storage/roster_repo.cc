// SqliteCommunityStore: roster snapshots with identity resolution, and the
// joins and leaves they imply.
#include <unordered_map>

#include "core/time_util.h"
#include "storage/group_events.h"
#include "storage/sqlite_community_store.h"
#include "storage/sqlite_member_store.h"

namespace qunying::storage {
namespace {

using community::KnownMember;
using community::MatchMethod;
using community::RosterRow;
using community::RowMatch;

// Every member who can be matched. A record merged into another is not a
// candidate itself (its nickname is already in the survivor's history); its
// unionid and wechat_id lead to the member at the end of its merges.
Result<std::vector<KnownMember>> LoadKnownMembers(Connection& c) {
  std::vector<KnownMember> members;
  std::unordered_map<int64_t, size_t> at;
  std::unordered_map<int64_t, int64_t> merged_into;
  std::vector<KnownMember> merged;
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT id, COALESCE(unionid, ''), COALESCE(wechat_id, ''),"
                " nickname, COALESCE(merged_into, 0) FROM members"));
  QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
    KnownMember m{s.Int(0), s.Text(1), s.Text(2), s.Text(3), {}};
    if (int64_t into = s.Int(4)) {
      merged_into[m.id] = into;
      m.nickname.clear();
      if (!m.unionid.empty() || !m.wechat_id.empty())
        merged.push_back(std::move(m));
      return;
    }
    at[m.id] = members.size();
    members.push_back(std::move(m));
  }));
  for (KnownMember& m : merged) {
    int64_t id = m.id;
    for (int hops = 0; hops < 1000 && merged_into.count(id); ++hops)
      id = merged_into[id];
    if (!at.count(id)) continue;  // A broken chain: match nobody.
    m.id = id;
    members.push_back(std::move(m));
  }
  QY_ASSIGN_OR_RETURN(
      Statement * hist,
      c.Prepare(
          "SELECT member_id, nickname FROM nickname_history ORDER BY id"));
  QY_RETURN_IF_ERROR(ForEachRow(hist, [&](const Statement& s) {
    auto it = at.find(s.Int(0));
    if (it != at.end())
      members[it->second].earlier_nicknames.push_back(s.Text(1));
  }));
  return members;
}

Result<int64_t> CreateRosterMember(Connection& c, const RosterRow& row,
                                   int64_t now_ms) {
  community::Member m;
  m.unionid = row.unionid;
  m.wechat_id = row.wechat_id;
  m.nickname = row.nickname;
  return InsertMember(c, m, now_ms);
}

std::string CandidateList(const std::vector<int64_t>& ids) {
  std::string s;
  for (int64_t id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s;
}

}  // namespace

Result<std::vector<community::SettledNameEntry>> LoadSettledNameEntries(
    Connection& c, int64_t group_id) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT nickname, member_id, review_id, created_at_ms"
                " FROM roster_aliases WHERE group_id = ?"
                " ORDER BY created_at_ms DESC, nickname"));
  st->Bind(1, group_id);
  std::vector<community::SettledNameEntry> out;
  QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& row) {
    out.push_back({row.Text(0), row.Int(1), "", row.Int(2), row.Int(3)});
  }));
  for (auto& e : out) {
    QY_ASSIGN_OR_RETURN(e.member_id, SurvivorOf(c, e.member_id));
  }
  return out;
}

namespace {

// The names settled for the group in review, for the resolver.
Result<community::SettledNames> LoadSettledNames(Connection& c,
                                                 int64_t group_id) {
  QY_ASSIGN_OR_RETURN(auto entries, LoadSettledNameEntries(c, group_id));
  community::SettledNames out;
  for (const auto& e : entries) out[e.nickname] = {e.member_id, e.review_id};
  return out;
}

}  // namespace

Result<community::RosterImport> SqliteCommunityStore::ImportRoster(
    int64_t group_id, int64_t as_of_ms, const std::vector<RosterRow>& rows,
    int64_t now_ms, const std::function<void(size_t, size_t)>& progress) {
  if (as_of_ms > now_ms + community::kRosterClockSkewMs) {
    return Status::InvalidArgument(
        "as_of is more than a day ahead of the server's clock (" +
            FormatRfc3339(now_ms) +
            "); a snapshot records who was in the group"
            " at as_of",
        "as_of");
  }
  community::RosterImport out;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    out = {};
    QY_RETURN_IF_ERROR(LoadGroup(c, group_id).status());
    if (rows.empty()) {
      // It would mark everyone as gone; a WeChat group always has its owner,
      // so an empty roster is a wrong or empty export, not a snapshot.
      return Status::InvalidArgument(
          "the roster has no members: a WeChat group always has at least its "
          "owner, so check that this is the right export",
          "members");
    }
    QY_ASSIGN_OR_RETURN(std::vector<KnownMember> known, LoadKnownMembers(c));
    QY_ASSIGN_OR_RETURN(community::SettledNames settled,
                        LoadSettledNames(c, group_id));
    community::IdentityIndex index(std::move(known));
    std::vector<RowMatch> matches = index.ResolveSnapshot(rows, settled);

    QY_ASSIGN_OR_RETURN(
        Statement * snap,
        c.Prepare("INSERT INTO roster_snapshots (group_id, as_of_ms, row_count,"
                  " created_at_ms) VALUES (?, ?, ?, ?)"));
    QY_RETURN_IF_ERROR(snap->Bind(1, group_id)
                           .Bind(2, as_of_ms)
                           .Bind(3, static_cast<int64_t>(rows.size()))
                           .Bind(4, now_ms)
                           .Run());
    out.snapshot_id = c.LastInsertId();
    out.rows = static_cast<int64_t>(rows.size());

    QY_ASSIGN_OR_RETURN(
        Statement * entry,
        c.Prepare(
            "INSERT INTO roster_entries (snapshot_id, row_no, member_id,"
            " nickname, wechat_id, unionid, joined_at_ms, method, evidence)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    QY_ASSIGN_OR_RETURN(
        Statement * review,
        c.Prepare("INSERT INTO identity_reviews (entry_id, candidates, reason,"
                  " created_at_ms) VALUES (?, ?, ?, ?)"));
    for (size_t i = 0; i < rows.size(); ++i) {
      const RosterRow& row = rows[i];
      const RowMatch& m = matches[i];
      int64_t member = m.member_id;
      std::string method(community::MatchMethodName(m.method));
      if (m.review) {
        ++out.review;
        method = "review";
      } else if (member == 0) {
        ++out.unmatched;
        QY_ASSIGN_OR_RETURN(member, CreateRosterMember(c, row, now_ms));
        method = "new";
      } else {
        ++out.matched;
        ++out.matched_by[static_cast<size_t>(m.method)];
      }
      entry->Reset();
      entry->Bind(1, out.snapshot_id)
          .Bind(2, static_cast<int64_t>(i))
          .Bind(4, row.nickname)
          .BindOptional(5, row.wechat_id)
          .BindOptional(6, row.unionid)
          .Bind(8, method)
          .Bind(9, m.evidence);
      if (member)
        entry->Bind(3, member);
      else
        entry->BindNull(3);
      if (row.joined_at_ms)
        entry->Bind(7, row.joined_at_ms);
      else
        entry->BindNull(7);
      QY_RETURN_IF_ERROR(entry->Run());
      if (m.review) {
        review->Reset();
        QY_RETURN_IF_ERROR(review->Bind(1, c.LastInsertId())
                               .Bind(2, CandidateList(m.candidates))
                               .Bind(3, m.evidence)
                               .Bind(4, now_ms)
                               .Run());
      }
      if (progress && (i % 1000 == 999 || i + 1 == rows.size()))
        progress(i + 1, rows.size());
    }

    // Against the snapshot before it; and the one after it, if this one
    // came in out of date order, against this one.
    QY_ASSIGN_OR_RETURN(GroupEventCounts events,
                        RecomputeGroupEventsAround(c, out.snapshot_id));
    out.joined = events.joined;
    out.left = events.left;
    return Status::Ok();
  }));
  return out;
}

Result<community::GroupTimeline> SqliteCommunityStore::GetGroupTimeline(
    int64_t group_id, int limit, int64_t before_at_ms, int64_t before_id) {
  community::GroupTimeline out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_RETURN_IF_ERROR(LoadGroup(c, group_id).status());
    QY_ASSIGN_OR_RETURN(
        Statement * snaps,
        // One pass over the group's events (group_events_group), not one
        // per snapshot.
        c.Prepare("SELECT s.id, s.as_of_ms, s.row_count,"
                  " COALESCE(e.joins, 0), COALESCE(e.leaves, 0)"
                  " FROM roster_snapshots s LEFT JOIN"
                  " (SELECT snapshot_id, SUM(kind = 'join') AS joins,"
                  "  SUM(kind = 'leave') AS leaves FROM group_events"
                  "  WHERE group_id = ?1 GROUP BY snapshot_id) e"
                  " ON e.snapshot_id = s.id WHERE s.group_id = ?1"
                  " ORDER BY s.as_of_ms DESC, s.id DESC"));
    snaps->Bind(1, group_id);
    QY_RETURN_IF_ERROR(ForEachRow(snaps, [&](const Statement& s) {
      out.snapshots.push_back(
          {s.Int(0), s.Int(1), s.Int(2), s.Int(3), s.Int(4)});
    }));
    QY_ASSIGN_OR_RETURN(
        Statement * events,
        c.Prepare("SELECT e.id, e.member_id, e.at_ms, e.snapshot_id, e.kind,"
                  " m.nickname FROM group_events e JOIN members m ON"
                  " m.id = e.member_id WHERE e.group_id = ?1 AND (?3 = 0 OR"
                  " e.at_ms < ?4 OR (e.at_ms = ?4 AND e.id < ?3))"
                  " ORDER BY e.at_ms DESC, e.id DESC LIMIT ?2"));
    events->Bind(1, group_id).Bind(2, limit);
    events->Bind(3, before_id).Bind(4, before_at_ms);
    return ForEachRow(events, [&](const Statement& s) {
      out.events.push_back(
          {s.Int(0), s.Int(1), s.Int(2), s.Int(3), s.Text(4), s.Text(5)});
    });
  }));
  return out;
}

}  // namespace qunying::storage
