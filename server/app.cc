#include "server/app.h"

#include "server/scoring_json.h"
#include "storage/file_util.h"
#include "storage/sqlite_account_store.h"
#include "storage/sqlite_community_store.h"
#include "storage/sqlite_engagement_store.h"
#include "storage/sqlite_identity_admin_store.h"
#include "storage/sqlite_lead_store.h"
#include "storage/sqlite_member_store.h"
#include "storage/sqlite_ocr_job_store.h"

namespace qunying::server {

Result<std::unique_ptr<App>> App::Create(
    AppOptions options, const Clock* clock,
    std::unique_ptr<auth::WeChatClient> wechat) {
  TuneMalloc(options.malloc_trim_threshold, options.malloc_mmap_threshold);
  std::unique_ptr<App> app(new App());
  app->options_ = options;
  app->logger_ = std::make_unique<Logger>(options.log_path, options.log_level);
  QY_RETURN_IF_ERROR(auth::InitCrypto());
  if (Status made = storage::CreateDirsDurably(options.data_dir); !made.ok())
    return Status::Unavailable("cannot create data dir: " + made.message());
  QY_ASSIGN_OR_RETURN(app->db_, storage::Database::Open(options.db));
  app->blobs_ =
      std::make_unique<storage::BlobStore>(options.data_dir + "/blobs");
  app->account_store_ =
      std::make_unique<storage::SqliteAccountStore>(app->db_.get());
  app->member_store_ =
      std::make_unique<storage::SqliteMemberStore>(app->db_.get());
  app->community_store_ =
      std::make_unique<storage::SqliteCommunityStore>(app->db_.get());
  app->engagement_store_ =
      std::make_unique<storage::SqliteEngagementStore>(app->db_.get());
  app->identity_store_ =
      std::make_unique<storage::SqliteIdentityAdminStore>(app->db_.get());
  app->ocr_jobs_ = std::make_unique<storage::SqliteOcrJobStore>(app->db_.get());
  app->ocr_workers_ = std::make_unique<OcrWorkerPool>(
      options.ocr, app->ocr_jobs_.get(), app->blobs_.get(), app->logger_.get(),
      clock);
  app->text_hints_ = std::make_unique<TextHintScanner>(
      options.text_hints, app->ocr_jobs_.get(), app->logger_.get(), clock);
  app->accounts_ = std::make_unique<auth::AccountService>(
      app->account_store_.get(), clock, options.accounts);
  // Signed-in users cost no session read per request after a restart.
  QY_ASSIGN_OR_RETURN(size_t warm, app->accounts_->WarmSessionCache());
  app->logger_->Info("sessions_cached", {{"count", warm}});
  app->wechat_ =
      wechat ? std::move(wechat)
             : std::make_unique<WeChatHttpClient>(options.wechat, clock);
  Services& s = app->services_;
  s.db = app->db_.get();
  s.accounts = app->accounts_.get();
  s.members = app->member_store_.get();
  s.community = app->community_store_.get();
  s.engagement = app->engagement_store_.get();
  s.identity = app->identity_store_.get();
  s.ocr_notify = [pool = app->ocr_workers_.get()] { pool->Notify(); };
  s.ocr_jobs = app->ocr_jobs_.get();
  QY_RETURN_IF_ERROR(app->InitLeads(clock));
  s.leads = app->lead_store_.get();
  s.lead_engine = app->lead_engine_.get();
  s.blobs = app->blobs_.get();
  s.wechat = app->wechat_.get();
  s.metrics = &app->metrics_;
  s.clock = clock;
  s.dev_login = options.dev_login;
  app->router_ = BuildRouter(&app->services_);
  app->AddGauges();
  app->http_ = std::make_unique<HttpServer>(options.http, &app->router_,
                                            app->accounts_.get(),
                                            &app->metrics_, app->logger_.get());
  return app;
}

void App::AddGauges() {
  storage::Database* db = db_.get();
  metrics_.AddGauge("qunying_db_write_queue_depth",
                    "Writes waiting for the writer thread.",
                    [db] { return double(db->Stats().queue_depth); });
  metrics_.AddGauge("qunying_db_writes_total", "Writes committed or failed.",
                    [db] { return double(db->Stats().writes); });
  metrics_.AddGauge("qunying_db_commits_total",
                    "Transactions committed (group commit: ≤ writes).",
                    [db] { return double(db->Stats().commits); });
  metrics_.AddGauge("qunying_db_write_failures_total", "Writes that failed.",
                    [db] { return double(db->Stats().write_failures); });
  metrics_.AddGauge("qunying_db_schema_version", "Applied schema version.",
                    [db] { return double(db->SchemaVersion()); });
  ocr::OcrJobStore* jobs = ocr_jobs_.get();
  const Clock* clock = services_.clock;
  metrics_.AddGauge("qunying_ocr_queue_depth",
                    "OCR jobs waiting (queued or running).", [jobs] {
                      auto st = jobs->Stats();
                      return st.ok() ? double(st->queued + st->running) : -1.0;
                    });
  metrics_.AddGauge("qunying_ocr_lag_seconds",
                    "Age of the oldest waiting OCR job.", [jobs, clock] {
                      auto st = jobs->Stats();
                      if (!st.ok() || !st->oldest_queued_ms) return 0.0;
                      return (clock->NowMillis() - st->oldest_queued_ms) /
                             1000.0;
                    });
  OcrWorkerPool* pool = ocr_workers_.get();
  metrics_.AddGauge("qunying_ocr_workers", "OCR workers configured.",
                    [pool] { return double(pool->workers()); });
  metrics_.AddGauge("qunying_ocr_workers_ready",
                    "OCR workers whose engine is initialised.",
                    [pool] { return double(pool->ready()); });
  metrics_.AddGauge("qunying_ocr_failed_jobs", "OCR jobs failed for good.",
                    [jobs] {
                      auto st = jobs->Stats();
                      return st.ok() ? double(st->failed) : -1.0;
                    });
}

// The lead store and engine, with the latest saved rules and model.
Status App::InitLeads(const Clock* clock) {
  storage::SqliteLeadStoreOptions store_options;
  // Beside the database: what the lead pass has read, for the first pass
  // after a restart (docs/leads.md).
  if (!options_.db.path.empty() && options_.db.path != ":memory:")
    store_options.state_path = options_.db.path + ".leadstate";
  lead_store_ =
      std::make_unique<storage::SqliteLeadStore>(db_.get(), store_options);
  lead_engine_ = std::make_unique<scoring::LeadEngine>(lead_store_.get(), clock,
                                                       options_.leads);
  QY_ASSIGN_OR_RETURN(auto saved, lead_store_->LatestRules());
  if (saved) {
    auto json = Json::parse(saved->second, nullptr, false);
    auto rules = RulesFromJson(json, scoring::ScoringRules::Defaults());
    if (rules.ok()) {
      rules->version = saved->first;
      lead_engine_->SetRules(*rules);
    } else {
      // Rules saved before a bound was added (or damaged by hand): the
      // server still starts, scoring with the shipped rules until an admin
      // saves new ones, and says so where operators look.
      logger_->Error("scoring_rules_unreadable",
                     {{"version", saved->first},
                      {"detail", rules.status().message()},
                      {"using", "the shipped defaults"}});
    }
  }
  QY_RETURN_IF_ERROR(lead_engine_->LoadModel());
  lead_scheduler_ = std::make_unique<LeadScheduler>(
      options_.lead_schedule, lead_engine_.get(), lead_store_.get(),
      logger_.get());
  return Status::Ok();
}

App::~App() { Stop(); }

community::CommunityStore& App::community() { return *community_store_; }
community::MemberStore& App::members() { return *member_store_; }
community::EngagementStore& App::engagement() { return *engagement_store_; }
ocr::OcrJobStore& App::ocr_jobs() { return *ocr_jobs_; }
scoring::LeadStore& App::lead_store() { return *lead_store_; }

void App::StartReportWarmer() {
  if (options_.warm_reports_s <= 0) return;
  // Half the campaigns the store keeps: the rest stay for those asked for.
  constexpr size_t kWarmed =
      storage::SqliteEngagementStore::kCachedCampaigns / 2;
  report_warmer_.Start(
      [this] {
        auto warmed = engagement_store_->WarmCampaigns(
            services_.clock->NowMillis(), kWarmed);
        if (!warmed.ok()) {
          logger_->Warn("campaign reports not warmed",
                        {{"error", warmed.status().message()}});
        }
        return std::chrono::milliseconds(int64_t{options_.warm_reports_s} *
                                         1000);
      },
      /*nice=*/10);
}

Result<int> App::Start() {
  QY_RETURN_IF_ERROR(ocr_workers_->Start());
  text_hints_->Start();
  lead_scheduler_->Start();
  StartReportWarmer();
  QY_ASSIGN_OR_RETURN(port_, http_->Bind());
  serve_thread_ = std::thread([this] { http_->Serve(); });
  logger_->Info("listening",
                {{"host", options_.http.host},
                 {"port", port_},
                 {"db_writer_nice_applied", db_->Stats().writer_nice_applied}});
  return port_;
}

void App::Stop() {
  if (serve_thread_.joinable()) {
    http_->Stop();
    serve_thread_.join();
    logger_->Info("stopped", {{"port", port_}});
  }
  if (ocr_workers_) ocr_workers_->Stop();
  if (text_hints_) text_hints_->Stop();
  if (lead_scheduler_) lead_scheduler_->Stop();
  report_warmer_.Stop();
  if (db_) db_->Close();
  logger_->Flush();
}

}  // namespace qunying::server
