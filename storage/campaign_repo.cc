// SqliteCommunityStore: campaigns, groups and enrollments.
#include <string_view>
#include <unordered_map>

#include "community/nickname.h"
#include "storage/audit.h"
#include "storage/sqlite_community_store.h"
#include "storage/sqlite_member_store.h"

namespace qunying::storage {

using community::Campaign;
using community::Group;

namespace {

constexpr char kCampaignCols[] =
    "SELECT id, name, theme, series, starts_on, days, price_fen, timezone,"
    " created_at_ms FROM campaigns ";
constexpr char kGroupCols[] =
    "SELECT id, name, theme, series, COALESCE(campaign_id, 0), created_at_ms"
    " FROM chat_groups ";

Campaign CampaignFromRow(const Statement& st) {
  Campaign c;
  c.id = st.Int(0);
  c.name = st.Text(1);
  c.theme = st.Text(2);
  c.series = st.Text(3);
  c.starts_on = st.Int(4);
  c.days = static_cast<int>(st.Int(5));
  c.price_fen = st.Int(6);
  c.timezone = st.Text(7);
  c.created_at_ms = st.Int(8);
  return c;
}

Group GroupFromRow(const Statement& st) {
  Group g;
  g.id = st.Int(0);
  g.name = st.Text(1);
  g.theme = st.Text(2);
  g.series = st.Text(3);
  g.campaign_id = st.Int(4);
  g.created_at_ms = st.Int(5);
  return g;
}

// How many rows of a batch carry each nickname. A member is found by
// nickname alone only for a nickname on one row: two rows "王芳" without a
// phone are two payers as likely as one, and a member the batch itself
// made (for a row of the same nickname) is never another row's match.
using NicknameCounts = std::unordered_map<std::string_view, int>;

NicknameCounts CountNicknames(
    const std::vector<community::EnrollmentInput>& rows) {
  NicknameCounts n;
  for (const auto& e : rows) ++n[e.nickname];
  return n;
}

// The one member that goes by `e.nickname` — now, or if none does now,
// earlier — and whose phone and openid do not contradict the row's; 0
// when there is none or more than one (precision before recall: an
// operator can merge a duplicate, not untangle two payers).
Result<int64_t> MemberByNickname(Connection& c,
                                 const community::EnrollmentInput& e,
                                 const NicknameCounts& batch) {
  if (e.nickname.empty() || e.nickname == community::kPlaceholderNickname ||
      batch.at(e.nickname) != 1)
    return 0;
  static constexpr const char* kByName[] = {
      "SELECT id, COALESCE(phone, ''), COALESCE(openid, '') FROM members"
      " WHERE nickname = ? AND merged_into IS NULL LIMIT 2",
      "SELECT DISTINCT m.id, COALESCE(m.phone, ''), COALESCE(m.openid, '')"
      " FROM nickname_history h JOIN members m ON m.id = h.member_id"
      " WHERE h.nickname = ? AND m.merged_into IS NULL LIMIT 2"};
  struct Candidate {
    int64_t id;
    std::string phone, openid;
  };
  for (const char* sql : kByName) {
    QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(sql));
    st->Bind(1, e.nickname);
    std::vector<Candidate> found;
    QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
      found.push_back({s.Int(0), s.Text(1), s.Text(2)});
    }));
    if (found.empty()) continue;
    if (found.size() > 1) return 0;
    const Candidate& m = found[0];
    bool contradicts =
        (!e.phone.empty() && !m.phone.empty() && e.phone != m.phone) ||
        (!e.openid.empty() && !m.openid.empty() && e.openid != m.openid);
    return contradicts ? 0 : m.id;
  }
  return 0;
}

// Adds the row's identifiers the member `id` did not have.
Status LearnIdentifiers(Connection& c, const community::EnrollmentInput& e,
                        int64_t id) {
  QY_ASSIGN_OR_RETURN(
      Statement * up,
      c.Prepare("UPDATE members SET openid = COALESCE(openid, ?),"
                " phone = COALESCE(phone, ?) WHERE id = ?"));
  up->BindOptional(1, e.openid).BindOptional(2, e.phone).Bind(3, id);
  Status learned = up->Run();
  // Another member holds it (a phone two WeChat accounts share; see
  // MemberForEnrollment): it stays theirs.
  if (!learned.ok() && learned.code() != StatusCode::kConflict) return learned;
  return Status::Ok();
}

// How MemberForEnrollment found a row's member.
enum class EnrollMatch { kCreated, kIdentifier, kNickname };

// The member (followed through merges) that order `order_no` of campaign
// `campaign` went to when imported before; 0 if it was not.
Result<int64_t> MemberOfOrder(Connection& c, int64_t campaign,
                              const std::string& order_no) {
  if (order_no.empty()) return 0;
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT member_id FROM enrollment_orders WHERE campaign_id = ?"
                " AND order_no = ?"));
  st->Bind(1, campaign).Bind(2, order_no);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  int64_t member = row ? st->Int(0) : 0;
  st->Reset();
  if (!member) return 0;
  return SurvivorOf(c, member);
}

// Finds the member an enrollment row belongs to — by its order imported
// before, openid, phone, then nickname (MemberByNickname) — or creates
// one, and says which.
Result<int64_t> MemberForEnrollment(Connection& c, int64_t campaign,
                                    const community::EnrollmentInput& e,
                                    const NicknameCounts& batch, int64_t now_ms,
                                    EnrollMatch* how) {
  *how = EnrollMatch::kIdentifier;
  QY_ASSIGN_OR_RETURN(int64_t ordered, MemberOfOrder(c, campaign, e.order_no));
  if (ordered) return ordered;
  for (auto [column, value] :
       {std::pair{"openid", &e.openid}, std::pair{"phone", &e.phone}}) {
    if (value->empty()) continue;
    // A phone never joins a row to a member with another openid: that is
    // another WeChat account (a family sharing a number, say), and an
    // operator who knows it is one person can merge them.
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(std::string("SELECT id FROM members WHERE ") + column +
                  " = ?1 AND (?2 = '' OR openid IS NULL OR openid = ?2)"
                  " ORDER BY id LIMIT 1"));
    st->Bind(1, *value).Bind(2, e.openid);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (row) {
      // A record an operator merged away enrolls the member it joined.
      QY_ASSIGN_OR_RETURN(int64_t id, SurvivorOf(c, st->Int(0)));
      QY_RETURN_IF_ERROR(LearnIdentifiers(c, e, id));
      return id;
    }
  }
  // An order list often has only the buyer's WeChat nickname: without
  // this, each import of it made the renewing member anew (a renewal
  // uncounted) and importing the same list again doubled it.
  QY_ASSIGN_OR_RETURN(int64_t by_name, MemberByNickname(c, e, batch));
  if (by_name) {
    *how = EnrollMatch::kNickname;
    QY_RETURN_IF_ERROR(LearnIdentifiers(c, e, by_name));
    return by_name;
  }
  community::Member m;
  m.openid = e.openid;
  m.phone = e.phone;
  m.nickname = e.nickname;
  *how = EnrollMatch::kCreated;
  return InsertMember(c, m, now_ms);
}

// Binds a campaign's editable fields to parameters 1–7 (name, theme,
// series, starts_on, days, price_fen, timezone).
Statement& BindCampaign(Statement& st, const Campaign& k) {
  return st.Bind(1, k.name)
      .Bind(2, k.theme)
      .Bind(3, k.series)
      .Bind(4, k.starts_on)
      .Bind(5, k.days)
      .Bind(6, k.price_fen)
      .Bind(7, k.timezone);
}

}  // namespace

Result<Campaign> LoadCampaign(Connection& c, int64_t id) {
  QY_ASSIGN_OR_RETURN(Statement * st,
                      c.Prepare(std::string(kCampaignCols) + "WHERE id = ?"));
  st->Bind(1, id);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row)
    return Status::NotFound("campaign " + std::to_string(id) + " not found");
  return CampaignFromRow(*st);
}

Result<Group> LoadGroup(Connection& c, int64_t id) {
  QY_ASSIGN_OR_RETURN(Statement * st,
                      c.Prepare(std::string(kGroupCols) + "WHERE id = ?"));
  st->Bind(1, id);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row)
    return Status::NotFound("group " + std::to_string(id) + " not found");
  return GroupFromRow(*st);
}

Result<int64_t> SqliteCommunityStore::CreateCampaign(const Campaign& k) {
  int64_t id = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("INSERT INTO campaigns (name, theme, series, starts_on, days,"
                  " price_fen, timezone, created_at_ms)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    QY_RETURN_IF_ERROR(BindCampaign(*st, k).Bind(8, k.created_at_ms).Run());
    id = c.LastInsertId();
    return Status::Ok();
  }));
  return id;
}

Result<Campaign> SqliteCommunityStore::GetCampaign(int64_t id) {
  Campaign out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(out, LoadCampaign(c, id));
    return Status::Ok();
  }));
  return out;
}

Status SqliteCommunityStore::UpdateCampaign(const Campaign& k, int64_t actor,
                                            int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Campaign old, LoadCampaign(c, k.id));
    std::string changed;  // "name,days": the audit's detail.
    auto note = [&](bool differs, const char* field) {
      if (differs) changed += (changed.empty() ? "" : ",") + std::string(field);
      return differs;
    };
    note(old.name != k.name, "name");
    note(old.theme != k.theme, "theme");
    note(old.series != k.series, "series");
    note(old.price_fen != k.price_fen, "price_fen");
    // `|`, not `||`: every changed field is noted.
    bool dates = note(old.starts_on != k.starts_on, "starts_on") |
                 note(old.days != k.days, "days") |
                 note(old.timezone != k.timezone, "timezone");
    if (changed.empty()) return Status::Ok();
    if (dates) {
      QY_ASSIGN_OR_RETURN(
          Statement * any,
          c.Prepare("SELECT 1 FROM checkins WHERE campaign_id = ? LIMIT 1"));
      any->Bind(1, k.id);
      QY_ASSIGN_OR_RETURN(bool has, any->Step());
      if (has) {
        return Status::Conflict(
            "the campaign has check-ins: its start, length and time zone "
            "can no longer change");
      }
    }
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("UPDATE campaigns SET name = ?, theme = ?, series = ?,"
                  " starts_on = ?, days = ?, price_fen = ?, timezone = ?"
                  " WHERE id = ?"));
    QY_RETURN_IF_ERROR(BindCampaign(*st, k).Bind(8, k.id).Run());
    return WriteAudit(c, actor, "campaign.update", std::to_string(k.id),
                      changed, now_ms);
  });
}

Result<std::vector<Campaign>> SqliteCommunityStore::ListCampaigns(
    int64_t after_id, int limit) {
  std::vector<Campaign> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare(std::string(kCampaignCols) +
                                  "WHERE id > ? ORDER BY id LIMIT ?"));
    st->Bind(1, after_id).Bind(2, limit);
    return ForEachRow(
        st, [&](const Statement& s) { out.push_back(CampaignFromRow(s)); });
  }));
  return out;
}

Status SqliteCommunityStore::SetRefunded(int64_t campaign_id, int64_t member_id,
                                         bool refunded,
                                         const std::string& reason,
                                         int64_t actor, int64_t now) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT refunded_at_ms IS NOT NULL FROM enrollments"
                  " WHERE campaign_id = ? AND member_id = ?"));
    st->Bind(1, campaign_id).Bind(2, member_id);
    QY_ASSIGN_OR_RETURN(bool found, st->Step());
    if (!found)
      return Status::NotFound("member is not enrolled in this campaign");
    if ((st->Int(0) != 0) == refunded) {
      return Status::Conflict(refunded ? "this enrollment is refunded already"
                                       : "this enrollment is not refunded");
    }
    st->Reset();
    QY_ASSIGN_OR_RETURN(Statement * up,
                        c.Prepare("UPDATE enrollments SET refunded_at_ms = ?1,"
                                  " refund_reason = ?2 WHERE campaign_id = ?3"
                                  " AND member_id = ?4"));
    if (refunded)
      up->Bind(1, now);
    else
      up->BindNull(1);
    QY_RETURN_IF_ERROR(up->Bind(2, refunded ? reason : "")
                           .Bind(3, campaign_id)
                           .Bind(4, member_id)
                           .Run());
    return WriteAudit(c, actor,
                      refunded ? "enrollment.refund" : "enrollment.restore",
                      "campaign " + std::to_string(campaign_id) + " member " +
                          std::to_string(member_id),
                      reason, now);
  });
}

Result<std::vector<Campaign>> SqliteCommunityStore::MemberCampaigns(
    int64_t member_id) {
  std::vector<Campaign> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(std::string(kCampaignCols) +
                  "WHERE id IN (SELECT campaign_id FROM enrollments WHERE"
                  " member_id = ? AND refunded_at_ms IS NULL)"
                  " ORDER BY starts_on DESC, id DESC"));
    st->Bind(1, member_id);
    return ForEachRow(
        st, [&](const Statement& s) { out.push_back(CampaignFromRow(s)); });
  }));
  return out;
}

Result<int64_t> SqliteCommunityStore::CreateGroup(const Group& g) {
  int64_t id = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    if (g.campaign_id != 0) {
      auto camp = LoadCampaign(c, g.campaign_id);
      if (!camp.ok()) {
        return Status(camp.status().code(), camp.status().message(),
                      "campaign_id");
      }
    }
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("INSERT INTO chat_groups (name, campaign_id, theme, series,"
                  " created_at_ms) VALUES (?, ?, ?, ?, ?)"));
    st->Bind(1, g.name)
        .Bind(3, g.theme)
        .Bind(4, g.series)
        .Bind(5, g.created_at_ms);
    if (g.campaign_id)
      st->Bind(2, g.campaign_id);
    else
      st->BindNull(2);
    QY_RETURN_IF_ERROR(st->Run());
    id = c.LastInsertId();
    return Status::Ok();
  }));
  return id;
}

Status SqliteCommunityStore::UpdateGroup(const Group& g, int64_t actor,
                                         int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Group old, LoadGroup(c, g.id));
    std::string changed;  // "name,series": the audit's detail.
    for (auto [differs, field] :
         {std::pair{old.name != g.name, "name"},
          std::pair{old.theme != g.theme, "theme"},
          std::pair{old.series != g.series, "series"}}) {
      if (differs) changed += (changed.empty() ? "" : ",") + std::string(field);
    }
    if (changed.empty()) return Status::Ok();
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("UPDATE chat_groups SET name = ?, theme = ?, series = ?"
                  " WHERE id = ?"));
    QY_RETURN_IF_ERROR(st->Bind(1, g.name)
                           .Bind(2, g.theme)
                           .Bind(3, g.series)
                           .Bind(4, g.id)
                           .Run());
    return WriteAudit(c, actor, "group.update", std::to_string(g.id), changed,
                      now_ms);
  });
}

Result<Group> SqliteCommunityStore::GetGroup(int64_t id) {
  Group out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(out, LoadGroup(c, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Group>> SqliteCommunityStore::ListGroups(int64_t after_id,
                                                            int limit) {
  std::vector<Group> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare(std::string(kGroupCols) +
                                  "WHERE id > ? ORDER BY id LIMIT ?"));
    st->Bind(1, after_id).Bind(2, limit);
    return ForEachRow(
        st, [&](const Statement& s) { out.push_back(GroupFromRow(s)); });
  }));
  return out;
}

Result<community::EnrollResult> SqliteCommunityStore::Enroll(
    int64_t campaign_id, const std::vector<community::EnrollmentInput>& rows,
    int64_t now_ms) {
  community::EnrollResult result;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    result = {};
    QY_RETURN_IF_ERROR(LoadCampaign(c, campaign_id).status());
    const NicknameCounts batch = CountNicknames(rows);
    QY_ASSIGN_OR_RETURN(
        Statement * order,
        c.Prepare("INSERT INTO enrollment_orders (campaign_id, order_no,"
                  " member_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
    QY_ASSIGN_OR_RETURN(
        Statement * ins,
        c.Prepare(
            "INSERT INTO enrollments (campaign_id, member_id, group_id,"
            " paid_fen, channel, enrolled_at_ms) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (campaign_id, member_id) DO NOTHING"));
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& e = rows[i];
      if (e.group_id) {
        std::string at = "enrollments[" + std::to_string(i) + "].group_id";
        auto g = LoadGroup(c, e.group_id);
        if (!g.ok())
          return Status::InvalidArgument(at + ": " + g.status().message(), at);
        QY_RETURN_IF_ERROR(community::CheckEnrollGroup(*g, campaign_id, at));
      }
      EnrollMatch how = EnrollMatch::kCreated;
      QY_ASSIGN_OR_RETURN(
          int64_t member,
          MemberForEnrollment(c, campaign_id, e, batch, now_ms, &how));
      if (!e.order_no.empty()) {
        order->Reset();
        QY_RETURN_IF_ERROR(order->Bind(1, campaign_id)
                               .Bind(2, e.order_no)
                               .Bind(3, member)
                               .Run());
      }
      if (how == EnrollMatch::kNickname) ++result.matched_by_nickname;
      ins->Reset();
      ins->Bind(1, campaign_id)
          .Bind(2, member)
          .Bind(4, e.paid_fen)
          .Bind(5, e.channel)
          .Bind(6, now_ms);
      if (e.group_id)
        ins->Bind(3, e.group_id);
      else
        ins->BindNull(3);
      QY_RETURN_IF_ERROR(ins->Run());
      if (c.Changes() == 0) {
        ++result.already_enrolled;
        if (e.group_id) {
          QY_ASSIGN_OR_RETURN(
              Statement * regroup,
              c.Prepare("UPDATE enrollments SET group_id = ?1 WHERE"
                        " campaign_id = ?2 AND member_id = ?3 AND group_id"
                        " IS NOT ?1"));
          QY_RETURN_IF_ERROR(regroup->Bind(1, e.group_id)
                                 .Bind(2, campaign_id)
                                 .Bind(3, member)
                                 .Run());
          result.regrouped += c.Changes();
        }
      } else if (how == EnrollMatch::kCreated)
        ++result.created;
      else
        ++result.matched_existing;
    }
    return Status::Ok();
  }));
  return result;
}

}  // namespace qunying::storage
