#include "storage/sqlite_ocr_job_store.h"

#include "ocr/profile.h"
#include "storage/audit.h"
#include "storage/hint_rows.h"

namespace qunying::storage {
namespace {

// Stores `hints` found in check-in `checkin_id` (from its `source`) for the
// check-in's member, as it is now.
Status InsertHints(Connection& c, int64_t checkin_id,
                   const std::vector<ocr::Hint>& hints, const char* source,
                   int64_t now_ms) {
  QY_ASSIGN_OR_RETURN(
      Statement * hint,
      c.Prepare("INSERT INTO hints (checkin_id, member_id, field, value,"
                " confidence, line_no, created_at_ms, subject, source)"
                " SELECT id, member_id, ?, ?, ?, ?, ?, ?, ? FROM checkins"
                " WHERE id = ?"));
  for (const auto& h : hints) {
    hint->Reset();
    QY_RETURN_IF_ERROR(
        hint->Bind(1, h.field)
            .Bind(2, h.value)
            .Bind(3, h.confidence)
            .Bind(4, h.line)
            .Bind(5, now_ms)
            .Bind(6, ocr::IsAboutChild(h.field) ? "child" : "guardian")
            .Bind(7, source)
            .Bind(8, checkin_id)
            .Run());
  }
  return Status::Ok();
}

}  // namespace

Status QueueOcrJob(Connection& c, int64_t checkin_id, int64_t now_ms) {
  QY_ASSIGN_OR_RETURN(
      Statement * job,
      c.Prepare("INSERT INTO ocr_jobs (checkin_id, next_attempt_at_ms,"
                " created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?)"));
  return job->Bind(1, checkin_id)
      .Bind(2, now_ms)
      .Bind(3, now_ms)
      .Bind(4, now_ms)
      .Run();
}

Result<std::optional<ocr::OcrJob>> SqliteOcrJobStore::ClaimNext(
    int64_t now_ms) {
  std::optional<ocr::OcrJob> job;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    job.reset();
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(
            "SELECT j.id, j.checkin_id, k.photo_sha256, j.attempts FROM "
            "ocr_jobs j"
            " JOIN checkins k ON k.id = j.checkin_id WHERE j.status = 'queued'"
            " AND j.next_attempt_at_ms <= ? ORDER BY j.next_attempt_at_ms, "
            "j.id LIMIT 1"));
    st->Bind(1, now_ms);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::Ok();
    job = ocr::OcrJob{st->Int(0), st->Int(1), st->Text(2),
                      static_cast<int>(st->Int(3)) + 1};
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare("UPDATE ocr_jobs SET status = 'running', attempts = ?,"
                  " updated_at_ms = ? WHERE id = ?"));
    return up->Bind(1, job->attempts).Bind(2, now_ms).Bind(3, job->id).Run();
  }));
  return job;
}

Status SqliteOcrJobStore::Complete(const ocr::OcrJob& job,
                                   const std::string& text, double confidence,
                                   const std::vector<ocr::Hint>& hints,
                                   int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    // A photo read again replaces what was read from it, not what was
    // found in the check-in's text.
    QY_ASSIGN_OR_RETURN(Statement * clear,
                        c.Prepare("DELETE FROM hints WHERE checkin_id = ? AND"
                                  " source = 'photo'"));
    QY_RETURN_IF_ERROR(clear->Bind(1, job.checkin_id).Run());
    QY_RETURN_IF_ERROR(InsertHints(c, job.checkin_id, hints, "photo", now_ms));
    QY_ASSIGN_OR_RETURN(
        Statement * res,
        c.Prepare("INSERT INTO ocr_results (checkin_id, text, confidence,"
                  " created_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT"
                  " (checkin_id) DO UPDATE SET text = excluded.text,"
                  " confidence = excluded.confidence"));
    QY_RETURN_IF_ERROR(res->Bind(1, job.checkin_id)
                           .Bind(2, text)
                           .Bind(3, confidence)
                           .Bind(4, now_ms)
                           .Run());
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare("UPDATE ocr_jobs SET status = 'done', last_error = '',"
                  " updated_at_ms = ? WHERE id = ?"));
    return up->Bind(1, now_ms).Bind(2, job.id).Run();
  });
}

Status SqliteOcrJobStore::Fail(const ocr::OcrJob& job, const std::string& error,
                               int64_t retry_at_ms, int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * up,
                        c.Prepare("UPDATE ocr_jobs SET status = ?, last_error "
                                  "= ?, next_attempt_at_ms = ?,"
                                  " updated_at_ms = ? WHERE id = ?"));
    return up->Bind(1, retry_at_ms > 0 ? "queued" : "failed")
        .Bind(2, error.substr(0, 500))
        .Bind(3, retry_at_ms > 0 ? retry_at_ms : now_ms)
        .Bind(4, now_ms)
        .Bind(5, job.id)
        .Run();
  });
}

Result<ocr::OcrRecovery> SqliteOcrJobStore::RecoverRunning(int64_t now_ms,
                                                           int max_attempts) {
  ocr::OcrRecovery out;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * fail,
        c.Prepare("UPDATE ocr_jobs SET status = 'failed', last_error = 'the"
                  " server stopped while reading this photo, ' || attempts ||"
                  " ' times (a crash or a kill); not tried again',"
                  " updated_at_ms = ?1 WHERE status = 'running' AND"
                  " attempts >= ?2"));
    QY_RETURN_IF_ERROR(fail->Bind(1, now_ms).Bind(2, max_attempts).Run());
    out.failed = c.Changes();
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare("UPDATE ocr_jobs SET status = 'queued', updated_at_ms = ?,"
                  " next_attempt_at_ms = ? WHERE status = 'running'"));
    QY_RETURN_IF_ERROR(up->Bind(1, now_ms).Bind(2, now_ms).Run());
    out.requeued = c.Changes();
    return Status::Ok();
  }));
  return out;
}

Result<ocr::OcrQueueStats> SqliteOcrJobStore::Stats() {
  ocr::OcrQueueStats st;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * s,
        c.Prepare("SELECT status, COUNT(*), MIN(created_at_ms) FROM ocr_jobs"
                  " GROUP BY status"));
    return ForEachRow(s, [&](const Statement& r) {
      std::string status = r.Text(0);
      int64_t n = r.Int(1);
      if (status == "queued") {
        st.queued = n;
        st.oldest_queued_ms = r.Int(2);
      } else if (status == "running") {
        st.running = n;
      } else if (status == "done") {
        st.done = n;
      } else {
        st.failed = n;
      }
    });
  }));
  return st;
}

Result<std::vector<ocr::StoredHint>> SqliteOcrJobStore::HintsFor(
    int64_t checkin_id, int64_t member_id) {
  std::vector<ocr::StoredHint> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(std::string(kHintCols) +
                  "WHERE (?1 > 0 AND checkin_id = ?1) OR (?1 = 0 AND"
                  " member_id = ?2) ORDER BY field, confidence DESC, id"
                  " LIMIT 500"));
    st->Bind(1, checkin_id).Bind(2, member_id);
    return ForEachRow(
        st, [&](const Statement& s) { out.push_back(HintFromRow(s)); });
  }));
  return out;
}

Result<std::vector<ocr::HintDecision>> SqliteOcrJobStore::DecisionsFor(
    int64_t member_id) {
  std::vector<ocr::HintDecision> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare(std::string(kDecisionCols) +
                                  "WHERE member_id = ? ORDER BY id"));
    st->Bind(1, member_id);
    return ForEachRow(
        st, [&](const Statement& s) { out.push_back(DecisionFromRow(s)); });
  }));
  return out;
}

Status SqliteOcrJobStore::Decide(int64_t member_id, const ocr::HintDecision& d,
                                 int64_t user_id, int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * seen,
        c.Prepare("SELECT COUNT(*) FROM hints WHERE member_id = ? AND"
                  " field = ? AND value = ?"));
    seen->Bind(1, member_id).Bind(2, d.field).Bind(3, d.value);
    QY_ASSIGN_OR_RETURN(bool row, seen->Step());
    if (!row || seen->Int(0) == 0) {
      return Status::NotFound("member " + std::to_string(member_id) +
                              " has no " + d.field + " hint with that value");
    }
    QY_ASSIGN_OR_RETURN(
        Statement * ins,
        c.Prepare("INSERT INTO hint_reviews (member_id, field, value,"
                  " decision, final_value, by_user_id, at_ms)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?)"));
    QY_RETURN_IF_ERROR(ins->Bind(1, member_id)
                           .Bind(2, d.field)
                           .Bind(3, d.value)
                           .Bind(4, d.accepted ? "accepted" : "rejected")
                           .Bind(5, d.accepted ? d.final_value : "")
                           .Bind(6, user_id)
                           .Bind(7, now_ms)
                           .Run());
    // The audit names the field, never the value: values are personal data.
    std::string action = !d.accepted                ? "hint.reject"
                         : d.final_value == d.value ? "hint.accept"
                                                    : "hint.edit";
    return WriteAudit(c, user_id, action, "member:" + std::to_string(member_id),
                      "field=" + d.field, now_ms);
  });
}

Result<std::vector<int64_t>> SqliteOcrJobStore::MembersWithHints(
    int64_t after_id, int limit) {
  std::vector<int64_t> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT DISTINCT member_id FROM hints WHERE member_id > ?"
                  " ORDER BY member_id LIMIT ?"));
    st->Bind(1, after_id).Bind(2, static_cast<int64_t>(limit));
    return ForEachRow(st, [&](const Statement& s) { out.push_back(s.Int(0)); });
  }));
  return out;
}

// Reads in a pooled transaction, finds the hints on this thread, and
// writes them with the scan's new position in one write (if the position
// is still where the read found it), so that the writer thread, which
// every check-in waits on, does none of the matching.
Result<size_t> SqliteOcrJobStore::ReadTypedTexts(size_t limit, int64_t now_ms) {
  struct Typed {
    int64_t id;
    std::string text;
  };
  std::vector<Typed> rows;
  int64_t from = 0;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(from, QueryInt(c,
                                       "SELECT through_id FROM"
                                       " text_hint_scan WHERE id = 1"));
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare("SELECT id, text FROM checkins WHERE id > ?"
                                  " ORDER BY id LIMIT ?"));
    st->Bind(1, from).Bind(2, static_cast<int64_t>(limit));
    return ForEachRow(st, [&](const Statement& s) {
      rows.push_back({s.Int(0), s.Text(1)});
    });
  }));
  if (rows.empty()) return size_t{0};
  std::vector<std::pair<int64_t, std::vector<ocr::Hint>>> found;
  for (const Typed& r : rows) {
    auto hints = ocr::HintsInTypedText(r.text);
    if (!hints.empty()) found.emplace_back(r.id, std::move(hints));
  }
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * move,
        c.Prepare("UPDATE text_hint_scan SET through_id = ? WHERE id = 1 AND"
                  " through_id = ?"));
    QY_RETURN_IF_ERROR(move->Bind(1, rows.back().id).Bind(2, from).Run());
    if (c.Changes() == 0) return Status::Ok();  // Read by another caller.
    for (const auto& [id, hints] : found)
      QY_RETURN_IF_ERROR(InsertHints(c, id, hints, "text", now_ms));
    return Status::Ok();
  }));
  return rows.size();
}

}  // namespace qunying::storage
