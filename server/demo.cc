#include "server/demo.h"

#include <chrono>
#include <map>
#include <thread>

#include "community/demo_community.h"
#include "ocr/photo_renderer.h"
#include "storage/demo_loader.h"

namespace qunying::server {
namespace {

// The demo's lessons, who read them, and its feedback, through the stores
// the API uses, as `author` (an operator).
Status PublishEngagement(App& app, const community::DemoCommunity& demo,
                         const storage::DemoIds& ids, int64_t author,
                         int64_t now_ms) {
  std::vector<int64_t> contents;
  for (const auto& k : demo.contents) {
    community::Content c;
    c.title = k.title;
    c.body = k.body;
    c.group_id = k.group >= 0 ? ids.groups[k.group] : 0;
    c.series = k.series;
    c.author_user_id = author;
    c.published_at_ms = k.published_at_ms;
    QY_ASSIGN_OR_RETURN(int64_t id, app.engagement().CreateContent(c));
    contents.push_back(id);
  }
  // Each member's reads in one write.
  std::map<int, std::vector<community::EventInput>> reads;
  for (size_t i = 0; i < demo.reads.size(); ++i) {
    const community::DemoRead& r = demo.reads[i];
    reads[r.member].push_back(
        {"content_read", "/contents/" + std::to_string(contents[r.content]),
         "demo-read-" + std::to_string(i), 0, r.at_ms});
  }
  for (const auto& [member, events] : reads) {
    QY_RETURN_IF_ERROR(app.community()
                           .AddEvents(ids.members[member], events, now_ms)
                           .status());
  }
  for (const auto& f : demo.feedback) {
    QY_ASSIGN_OR_RETURN(
        int64_t id, app.engagement().CreateFeedback(ids.members[f.member],
                                                    f.kind, f.text, f.at_ms));
    if (f.reply.empty()) continue;
    QY_RETURN_IF_ERROR(app.engagement().ReplyFeedback(id, author, f.reply,
                                                      f.closed, f.reply_at_ms));
  }
  return Status::Ok();
}

// The class teacher the rosters list is the company's: marked as staff by
// the operator, as one would on the member page.
Status MarkTeacher(App& app, int64_t operator_id, int64_t now_ms) {
  QY_ASSIGN_OR_RETURN(
      auto found,
      app.members().SearchMembers({community::kDemoTeacherWechatId, ""}, 0, 2));
  if (found.size() != 1 || found[0].matched_on != "wechat_id")
    return Status::Internal("the demo's rosters lost their class teacher");
  return app.members().SetStaff(found[0].id, true, operator_id, now_ms);
}

}  // namespace

Result<DemoSummary> SeedDemo(App& app, const Clock& clock) {
  int64_t today =
      (clock.NowSeconds() + int64_t{8} * 3600) / 86400;  // China date.
  community::DemoOptions options;
  options.today = today;
  community::DemoCommunity demo = community::GenerateDemoCommunity(options);
  DemoSummary summary{demo.members.size(), demo.campaigns.size(),
                      demo.groups.size(), demo.checkins.size(), 0};
  uint32_t seed = 1;
  for (auto& checkin : demo.checkins) {
    if (checkin.photo_lines.empty()) continue;
    ocr::RenderOptions render;
    render.seed = seed++;
    render.blue_ink = seed % 3 == 0;
    render.paper = seed % 2 ? ocr::Paper::kRuled : ocr::Paper::kSquared;
    render.rotation_deg = static_cast<double>(seed % 7) - 3.0;
    render.noise_sigma = 4;
    QY_ASSIGN_OR_RETURN(std::string jpeg,
                        ocr::RenderPhotoJpeg(checkin.photo_lines, render));
    QY_ASSIGN_OR_RETURN(checkin.photo_sha256, app.blobs().Put(jpeg));
    ++summary.photos;
  }
  QY_ASSIGN_OR_RETURN(
      storage::DemoIds ids,
      storage::LoadDemoCommunity(app.db(), demo, clock.NowMillis()));
  // Rosters go through the real import, identity resolution included.
  for (const auto& roster : demo.rosters) {
    QY_ASSIGN_OR_RETURN(
        auto imported,
        app.community().ImportRoster(ids.groups[roster.group], roster.as_of_ms,
                                     roster.rows, clock.NowMillis()));
    summary.roster_rows += imported.rows;
  }
  int64_t operator_id = 0;
  std::vector<int64_t> reps;
  for (const DemoStaff& s : kDemoStaff) {
    auto id = app.accounts().CreateUser(
        {s.username, s.password, s.role, s.display_name});
    if (!id.ok()) return id.status();
    if (s.role == std::string("operator") && !operator_id) operator_id = *id;
    if (s.role == std::string("sales")) reps.push_back(*id);
  }
  QY_RETURN_IF_ERROR(
      PublishEngagement(app, demo, ids, operator_id, clock.NowMillis()));
  QY_RETURN_IF_ERROR(MarkTeacher(app, operator_id, clock.NowMillis()));
  // What the members typed, read before the first pass (the scanner,
  // started later, finds nothing left); OCR facts arrive later, and the
  // rescoring after them picks them up.
  for (;;) {
    QY_ASSIGN_OR_RETURN(size_t read,
                        app.ocr_jobs().ReadTypedTexts(1000, clock.NowMillis()));
    if (read == 0) break;
  }
  // The leads of three weeks ago, and what the reps did with them since;
  // then today's pass (the leads as they are now, and new ones for the
  // reps to claim), and a model learnt from the reps' outcomes, which
  // gives the open leads their probability.
  QY_ASSIGN_OR_RETURN(
      summary.sales,
      SeedSalesHistory(app.lead_store(), app.leads(), reps, clock));
  QY_ASSIGN_OR_RETURN(auto rescored, app.leads().Rescore());
  summary.leads = summary.sales.leads_created + rescored.created;
  QY_ASSIGN_OR_RETURN(scoring::TrainReport trained, app.leads().Train());
  summary.model_kind = trained.kind;
  summary.model_rows = trained.n_train;
  summary.model_auc = trained.auc_cv;
  return summary;
}

Result<scoring::RescoreReport> RescoreWhenOcrIsDone(
    App& app, const std::atomic<bool>& stop, int poll_ms, int64_t timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (stop.load()) return Status::Unavailable("stopped before OCR was done");
    QY_ASSIGN_OR_RETURN(ocr::OcrQueueStats q, app.ocr_jobs().Stats());
    if (q.queued == 0 && q.running == 0) break;
    if (Clock::now() >= deadline) {
      return Status::Unavailable(std::to_string(q.queued + q.running) +
                                 " photos still unread after " +
                                 std::to_string(timeout_ms / 1000) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
  return app.leads().Rescore();
}

}  // namespace qunying::server
