#include "storage/demo_loader.h"
#include "storage/sqlite_member_store.h"
#include "storage/sqlite_ocr_job_store.h"

#include <vector>

namespace qunying::storage {
namespace {

using community::DemoCommunity;

Status InsertCampaignsAndGroups(Connection& c, const DemoCommunity& demo,
                                int64_t now_ms, std::vector<int64_t>* camp_ids,
                                std::vector<int64_t>* group_ids) {
  QY_ASSIGN_OR_RETURN(
      Statement * camp,
      c.Prepare("INSERT INTO campaigns (name, theme, series, starts_on, days,"
                " price_fen, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  for (const auto& k : demo.campaigns) {
    camp->Reset();
    QY_RETURN_IF_ERROR(camp->Bind(1, k.name)
                           .Bind(2, k.theme)
                           .Bind(3, k.series)
                           .Bind(4, k.starts_on)
                           .Bind(5, k.days)
                           .Bind(6, k.price_fen)
                           .Bind(7, now_ms)
                           .Run());
    camp_ids->push_back(c.LastInsertId());
  }
  QY_ASSIGN_OR_RETURN(
      Statement * grp,
      c.Prepare("INSERT INTO chat_groups (name, campaign_id, theme, series,"
                " created_at_ms) VALUES (?, ?, ?, ?, ?)"));
  for (const auto& g : demo.groups) {
    grp->Reset();
    grp->Bind(1, g.name).Bind(3, g.theme).Bind(4, g.series).Bind(5, now_ms);
    if (g.campaign >= 0)
      grp->Bind(2, (*camp_ids)[g.campaign]);
    else
      grp->BindNull(2);
    QY_RETURN_IF_ERROR(grp->Run());
    group_ids->push_back(c.LastInsertId());
  }
  return Status::Ok();
}

Status InsertMembers(Connection& c, const DemoCommunity& demo, int64_t now_ms,
                     std::vector<int64_t>* ids) {
  QY_ASSIGN_OR_RETURN(
      Statement * hist,
      c.Prepare("INSERT INTO nickname_history (member_id, nickname, source,"
                " changed_at_ms) VALUES (?, ?, 'mini_program', ?)"));
  for (const auto& m : demo.members) {
    community::Member row;
    row.openid = m.openid;
    row.unionid = m.unionid;
    row.wechat_id = m.wechat_id;
    row.phone = m.phone;
    row.nickname = m.nickname;
    QY_ASSIGN_OR_RETURN(int64_t id, InsertMember(c, row, now_ms));
    ids->push_back(id);
    for (const auto& old : m.earlier_nicknames) {
      hist->Reset();
      QY_RETURN_IF_ERROR(
          hist->Bind(1, ids->back()).Bind(2, old).Bind(3, now_ms).Run());
    }
  }
  return Status::Ok();
}

}  // namespace

Result<DemoIds> LoadDemoCommunity(Database& db, const DemoCommunity& demo,
                                  int64_t now_ms) {
  DemoIds ids;
  QY_RETURN_IF_ERROR(db.Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * count,
                        c.Prepare("SELECT COUNT(*) FROM members"));
    QY_ASSIGN_OR_RETURN(bool row, count->Step());
    if (row && count->Int(0) > 0) {
      return Status::Conflict("the database already holds members");
    }
    std::vector<int64_t>& camps = ids.campaigns;
    std::vector<int64_t>& groups = ids.groups;
    std::vector<int64_t>& members = ids.members;
    QY_RETURN_IF_ERROR(
        InsertCampaignsAndGroups(c, demo, now_ms, &camps, &groups));
    QY_RETURN_IF_ERROR(InsertMembers(c, demo, now_ms, &members));
    QY_ASSIGN_OR_RETURN(
        Statement * enr,
        c.Prepare("INSERT INTO enrollments (campaign_id, member_id, group_id,"
                  " paid_fen, channel, enrolled_at_ms)"
                  " VALUES (?, ?, ?, ?, ?, ?)"));
    for (const auto& e : demo.enrollments) {
      enr->Reset();
      QY_RETURN_IF_ERROR(enr->Bind(1, camps[e.campaign])
                             .Bind(2, members[e.member])
                             .Bind(3, groups[e.group])
                             .Bind(4, e.paid_fen)
                             .Bind(5, e.channel)
                             .Bind(6, e.enrolled_at_ms)
                             .Run());
    }
    QY_ASSIGN_OR_RETURN(
        Statement * ck,
        c.Prepare("INSERT INTO checkins (member_id, campaign_id, day, text,"
                  " duration_s, client_id, makeup, created_at_ms,"
                  " photo_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (size_t i = 0; i < demo.checkins.size(); ++i) {
      const auto& k = demo.checkins[i];
      ck->Reset();
      QY_RETURN_IF_ERROR(ck->Bind(1, members[k.member])
                             .Bind(2, camps[k.campaign])
                             .Bind(3, k.day)
                             .Bind(4, k.text)
                             .Bind(5, k.duration_s)
                             .Bind(6, "demo-" + std::to_string(i))
                             .Bind(7, k.makeup ? 1 : 0)
                             .Bind(8, k.at_ms)
                             .BindOptional(9, k.photo_sha256)
                             .Run());
      if (!k.photo_sha256.empty()) {  // Waits for the OCR workers.
        QY_RETURN_IF_ERROR(QueueOcrJob(c, c.LastInsertId(), now_ms));
      }
    }
    QY_ASSIGN_OR_RETURN(
        Statement * ev,
        c.Prepare("INSERT INTO events (member_id, type, page, dwell_ms, ts_ms,"
                  " client_id, received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    for (size_t i = 0; i < demo.events.size(); ++i) {
      const auto& e = demo.events[i];
      ev->Reset();
      QY_RETURN_IF_ERROR(ev->Bind(1, members[e.member])
                             .Bind(2, e.type)
                             .Bind(3, e.page)
                             .Bind(4, e.dwell_ms)
                             .Bind(5, e.ts_ms)
                             .Bind(6, "demo-ev-" + std::to_string(i))
                             .Bind(7, e.ts_ms)
                             .Run());
    }
    return Status::Ok();
  }));
  return ids;
}

}  // namespace qunying::storage
