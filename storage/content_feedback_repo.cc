// SqliteEngagementStore: content and feedback.
#include <map>
#include <string>
#include <utility>

#include "storage/audit.h"
#include "storage/sqlite_engagement_store.h"

namespace qunying::storage {
namespace {

using community::Content;
using community::Feedback;

// With the members who opened each (their content_read events, through
// the partial index of migration 29).
constexpr char kContentSelect[] =
    "SELECT id, title, body, COALESCE(group_id, 0), COALESCE(series, ''),"
    " author_user_id, published_at_ms, (SELECT COUNT(DISTINCT member_id)"
    " FROM events WHERE type = 'content_read' AND page = '/contents/' ||"
    " contents.id)";
std::string ContentCols() {
  return std::string(kContentSelect) + " FROM contents ";
}
// Whether member ?1 can see the row of `contents`: content of a group they
// are enrolled in or were on a roster of, or of a series they enrolled in.
constexpr char kVisibleToMember[] =
    "(group_id IN (SELECT group_id FROM enrollments"
    "  WHERE member_id = ?1 AND refunded_at_ms IS NULL"
    "  UNION SELECT s.group_id FROM roster_entries e"
    "  JOIN roster_snapshots s ON s.id = e.snapshot_id"
    "  WHERE e.member_id = ?1)"
    " OR series IN (SELECT k.series FROM enrollments e JOIN campaigns k"
    "  ON k.id = e.campaign_id WHERE e.member_id = ?1"
    "  AND e.refunded_at_ms IS NULL))";
constexpr char kFeedbackCols[] =
    "SELECT id, member_id, kind, text, status, created_at_ms,"
    " COALESCE(first_reply_at_ms, 0), COALESCE(closed_at_ms, 0),"
    " (SELECT nickname FROM members m WHERE m.id = feedback.member_id)"
    " FROM feedback ";

Content ContentFromRow(const Statement& s) {
  return Content{s.Int(0),  s.Text(1), s.Text(2), s.Int(3),
                 s.Text(4), s.Int(5),  s.Int(6),  s.Int(7)};
}

Feedback FeedbackFromRow(const Statement& s) {
  Feedback f;
  f.id = s.Int(0);
  f.member_id = s.Int(1);
  f.kind = s.Text(2);
  f.text = s.Text(3);
  f.status = s.Text(4);
  f.created_at_ms = s.Int(5);
  f.first_reply_at_ms = s.Int(6);
  f.closed_at_ms = s.Int(7);
  f.nickname = s.Text(8);
  return f;
}

// A ticket's replies, oldest first (index feedback_replies_feedback).
Status LoadReplies(Connection& c, Feedback& f) {
  QY_ASSIGN_OR_RETURN(
      Statement * rep,
      c.Prepare("SELECT user_id, text, at_ms FROM feedback_replies"
                " WHERE feedback_id = ? ORDER BY id"));
  rep->Bind(1, f.id);
  return ForEachRow(rep, [&](const Statement& s) {
    f.replies.push_back({s.Int(0), s.Text(1), s.Int(2)});
  });
}

}  // namespace

Result<int64_t> SqliteEngagementStore::CreateContent(const Content& k) {
  int64_t id = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    if (k.group_id) {
      QY_ASSIGN_OR_RETURN(
          int64_t n,
          QueryInt(c, "SELECT COUNT(*) FROM chat_groups WHERE id = ?",
                   k.group_id, true));
      if (!n)
        return Status::InvalidArgument("group_id: group not found", "group_id");
    }
    if (!k.series.empty()) {  // A mistyped series would reach nobody.
      QY_ASSIGN_OR_RETURN(
          Statement * known,
          c.Prepare(
              "SELECT EXISTS (SELECT 1 FROM campaigns WHERE series = ?1)"
              " OR EXISTS (SELECT 1 FROM chat_groups WHERE series = ?1)"));
      known->Bind(1, k.series);
      QY_ASSIGN_OR_RETURN(bool row, known->Step());
      if (!row || known->Int(0) == 0) {
        return Status::InvalidArgument(
            "series: no campaign or group is in series '" + k.series + "'",
            "series");
      }
    }
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(
            "INSERT INTO contents (title, body, group_id, series,"
            " author_user_id, published_at_ms) VALUES (?, ?, ?, ?, ?, ?)"));
    st->Bind(1, k.title)
        .Bind(2, k.body)
        .BindOptional(4, k.series)
        .Bind(5, k.author_user_id)
        .Bind(6, k.published_at_ms);
    if (k.group_id)
      st->Bind(3, k.group_id);
    else
      st->BindNull(3);
    QY_RETURN_IF_ERROR(st->Run());
    id = c.LastInsertId();
    return Status::Ok();
  }));
  return id;
}

namespace {

// Fills each content's `audience`, counting each group or series once
// (a group's staff are not its audience: Member::staff).
Status FillAudience(Connection& c, std::vector<Content>& contents) {
  QY_ASSIGN_OR_RETURN(
      Statement * in_group,
      c.Prepare("SELECT COUNT(*) FROM (SELECT member_id FROM enrollments"
                " WHERE group_id = ?1 AND refunded_at_ms IS NULL UNION"
                " SELECT e.member_id FROM roster_entries e JOIN"
                " roster_snapshots s ON s.id = e.snapshot_id WHERE"
                " s.group_id = ?1) WHERE member_id NOT IN (SELECT id FROM"
                " members WHERE staff = 1)"));
  QY_ASSIGN_OR_RETURN(
      Statement * in_series,
      c.Prepare("SELECT COUNT(DISTINCT e.member_id) FROM enrollments e JOIN"
                " campaigns k ON k.id = e.campaign_id WHERE k.series = ? AND"
                " e.refunded_at_ms IS NULL"));
  std::map<std::pair<int64_t, std::string>, int64_t> counted;
  for (Content& k : contents) {
    auto key = std::make_pair(k.group_id, k.group_id ? "" : k.series);
    auto it = counted.find(key);
    if (it == counted.end()) {
      Statement* st = k.group_id ? in_group : in_series;
      st->Reset();
      if (k.group_id)
        st->Bind(1, k.group_id);
      else
        st->Bind(1, k.series);
      QY_ASSIGN_OR_RETURN(bool row, st->Step());
      it = counted.emplace(key, row ? st->Int(0) : 0).first;
      st->Reset();
    }
    k.audience = it->second;
  }
  return Status::Ok();
}

Result<Content> LoadContent(Connection& c, int64_t id) {
  QY_ASSIGN_OR_RETURN(Statement * st,
                      c.Prepare(ContentCols() + "WHERE id = ?"));
  st->Bind(1, id);
  QY_ASSIGN_OR_RETURN(bool found, st->Step());
  if (!found) return Status::NotFound("content not found");
  return ContentFromRow(*st);
}

}  // namespace

Result<Content> SqliteEngagementStore::GetContent(int64_t id) {
  std::vector<Content> out(1);
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(out[0], LoadContent(c, id));
    return FillAudience(c, out);
  }));
  return out[0];
}

Status SqliteEngagementStore::UpdateContent(int64_t id,
                                            const std::string& title,
                                            const std::string& body,
                                            int64_t actor, int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Content was, LoadContent(c, id));
    std::string changed = was.title != title ? "title" : "";
    if (was.body != body) changed += changed.empty() ? "body" : ",body";
    if (changed.empty()) return Status::Ok();
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("UPDATE contents SET title = ?, body = ? WHERE id = ?"));
    QY_RETURN_IF_ERROR(st->Bind(1, title).Bind(2, body).Bind(3, id).Run());
    return WriteAudit(c, actor, "content.update", std::to_string(id), changed,
                      now_ms);
  });
}

Status SqliteEngagementStore::DeleteContent(int64_t id, int64_t actor,
                                            int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Content was, LoadContent(c, id));
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare("DELETE FROM contents WHERE id = ?"));
    QY_RETURN_IF_ERROR(st->Bind(1, id).Run());
    return WriteAudit(c, actor, "content.delete", std::to_string(id), was.title,
                      now_ms);
  });
}

Result<std::vector<Content>> SqliteEngagementStore::ListContents(
    int64_t after_id, int limit) {
  std::vector<Content> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(ContentCols() + "WHERE id > ? ORDER BY id LIMIT ?"));
    st->Bind(1, after_id).Bind(2, limit);
    QY_RETURN_IF_ERROR(ForEachRow(
        st, [&](const Statement& s) { out.push_back(ContentFromRow(s)); }));
    return FillAudience(c, out);
  }));
  return out;
}

Result<std::vector<Content>> SqliteEngagementStore::ContentsFor(
    int64_t member_id, size_t limit) {
  std::vector<Content> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(
            // ContentCols(), and whether this member has opened it.
            std::string(kContentSelect) +
            ", EXISTS (SELECT 1 FROM events WHERE type = 'content_read'"
            " AND page = '/contents/' || contents.id AND member_id = ?1)"
            " FROM contents WHERE " +
            kVisibleToMember +
            " ORDER BY published_at_ms DESC, id DESC LIMIT ?2"));
    st->Bind(1, member_id).Bind(2, static_cast<int64_t>(limit));
    return ForEachRow(st, [&](const Statement& s) {
      out.push_back(ContentFromRow(s));
      out.back().read = s.Int(8) != 0;
    });
  }));
  return out;
}

Result<bool> SqliteEngagementStore::IsVisibleTo(int64_t content_id,
                                                int64_t member_id) {
  bool visible = false;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(std::string("SELECT EXISTS (SELECT 1 FROM contents WHERE"
                              " id = ?2 AND ") +
                  kVisibleToMember + ")"));
    st->Bind(1, member_id).Bind(2, content_id);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    visible = row && st->Int(0) != 0;
    return Status::Ok();
  }));
  return visible;
}

Result<int64_t> SqliteEngagementStore::CreateFeedback(int64_t member_id,
                                                      const std::string& kind,
                                                      const std::string& text,
                                                      int64_t now_ms) {
  int64_t id = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare("INSERT INTO feedback (member_id, kind, text,"
                                  " created_at_ms) VALUES (?, ?, ?, ?)"));
    QY_RETURN_IF_ERROR(st->Bind(1, member_id)
                           .Bind(2, kind)
                           .Bind(3, text)
                           .Bind(4, now_ms)
                           .Run());
    id = c.LastInsertId();
    return Status::Ok();
  }));
  return id;
}

Result<std::vector<Feedback>> SqliteEngagementStore::ListFeedback(
    const std::string& status, int64_t member_id, int64_t before_id,
    int limit) {
  std::vector<Feedback> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(
            std::string(kFeedbackCols) +
            "WHERE (?1 = '' OR status = ?1) AND (?2 = 0 OR member_id = ?2)"
            " AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?4"));
    st->Bind(1, status).Bind(2, member_id).Bind(3, before_id).Bind(4, limit);
    QY_RETURN_IF_ERROR(ForEachRow(
        st, [&](const Statement& s) { out.push_back(FeedbackFromRow(s)); }));
    // Each ticket with its replies: a list of closed tickets with none
    // shown told a participant nobody had answered.
    for (Feedback& f : out) QY_RETURN_IF_ERROR(LoadReplies(c, f));
    return Status::Ok();
  }));
  return out;
}

Result<Feedback> SqliteEngagementStore::GetFeedback(int64_t id) {
  Feedback f;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare(std::string(kFeedbackCols) + "WHERE id = ?"));
    st->Bind(1, id);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("feedback not found");
    f = FeedbackFromRow(*st);
    return LoadReplies(c, f);
  }));
  return f;
}

Status SqliteEngagementStore::ReplyFeedback(int64_t id, int64_t user_id,
                                            const std::string& text, bool close,
                                            int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        int64_t n,
        QueryInt(c, "SELECT COUNT(*) FROM feedback WHERE id = ?", id, true));
    if (!n) return Status::NotFound("feedback not found");
    if (!text.empty()) {
      QY_ASSIGN_OR_RETURN(
          Statement * ins,
          c.Prepare("INSERT INTO feedback_replies (feedback_id, user_id,"
                    " text, at_ms) VALUES (?, ?, ?, ?)"));
      QY_RETURN_IF_ERROR(ins->Bind(1, id)
                             .Bind(2, user_id)
                             .Bind(3, text)
                             .Bind(4, now_ms)
                             .Run());
    }
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare(
            "UPDATE feedback SET"
            " first_reply_at_ms = CASE WHEN ?2 = 1 THEN "
            "COALESCE(first_reply_at_ms, ?3)"
            "   ELSE first_reply_at_ms END,"
            " status = CASE WHEN ?4 = 1 THEN 'closed' WHEN ?2 = 1 THEN "
            "'answered'"
            "   ELSE status END,"
            " closed_at_ms = CASE WHEN ?4 = 1 THEN ?3 ELSE closed_at_ms END"
            " WHERE id = ?1"));
    return up->Bind(1, id)
        .Bind(2, text.empty() ? 0 : 1)
        .Bind(3, now_ms)
        .Bind(4, close ? 1 : 0)
        .Run();
  });
}

Result<community::FeedbackStats> SqliteEngagementStore::FeedbackSummary() {
  community::FeedbackStats st;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * s,
        c.Prepare("SELECT status, COUNT(*) FROM feedback GROUP BY status"));
    QY_RETURN_IF_ERROR(ForEachRow(s, [&](const Statement& r) {
      std::string status = r.Text(0);
      int64_t n = r.Int(1);
      st.total += n;
      if (status == "open")
        st.open = n;
      else if (status == "answered")
        st.answered = n;
      else
        st.closed = n;
    }));
    std::vector<int64_t> waits;
    QY_ASSIGN_OR_RETURN(
        Statement * w,
        c.Prepare("SELECT first_reply_at_ms - created_at_ms FROM feedback"
                  " WHERE first_reply_at_ms IS NOT NULL ORDER BY 1"));
    QY_RETURN_IF_ERROR(
        ForEachRow(w, [&](const Statement& r) { waits.push_back(r.Int(0)); }));
    if (!waits.empty()) {
      size_t m = waits.size() / 2;
      double ms = waits.size() % 2 ? waits[m] : (waits[m - 1] + waits[m]) / 2.0;
      st.median_response_s = ms / 1000.0;
    }
    return Status::Ok();
  }));
  return st;
}

}  // namespace qunying::storage
