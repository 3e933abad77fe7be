// App: one running Qunying server — database, stores, services, route table
// and HTTP server wired together. Used by `qunying serve/demo` and by the
// end-to-end tests, which start it on 127.0.0.1 with port 0.
// Start/Stop from one controlling thread; the services inside are
// thread-safe.
#ifndef QUNYING_SERVER_APP_H_
#define QUNYING_SERVER_APP_H_

#include <memory>
#include <string>
#include <thread>

#include "auth/account_service.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "core/startup_env.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/lead_scheduler.h"
#include "server/logger.h"
#include "server/ocr_worker.h"
#include "server/text_hint_scanner.h"
#include "server/wechat_http_client.h"
#include "storage/blob_store.h"
#include "storage/database.h"

namespace qunying::storage {
class SqliteAccountStore;
class SqliteMemberStore;
class SqliteCommunityStore;
class SqliteEngagementStore;
class SqliteIdentityAdminStore;
class SqliteOcrJobStore;
class SqliteLeadStore;
}  // namespace qunying::storage

namespace qunying::server {

struct AppOptions {
  storage::DatabaseOptions db;
  ServerOptions http;
  WeChatOptions wechat;
  auth::AccountOptions accounts;
  // Where uploaded files (check-in photos) are kept.
  std::string data_dir = "var/data";
  // OCR of check-in photos (workers: 0 turns it off).
  OcrWorkerOptions ocr;
  // Hints from what participants type into check-ins (poll_ms: 0 turns
  // it off).
  TextHintScannerOptions text_hints;
  // Lead scoring, claims and SLA, and when the loop runs by itself.
  scoring::LeadEngineOptions leads;
  LeadSchedulerOptions lead_schedule;
  // How often, in seconds, the kept reports of the campaigns running or
  // lately ended (leaderboard, check-ins per day, summary, dwell) are
  // brought up to date on a low-priority thread, so that requests find
  // them ready: after a start, a merge or a refund the first read of a
  // 100,000-member campaign takes 0.3-0.7 s. The first run comes at
  // Start; 0 turns it off.
  int warm_reports_s = 30;
  // Accept {"openid","nickname"} at /mp/login (demos and tests only).
  bool dev_login = false;
  // Log file; empty for standard error.
  std::string log_path;
  LogLevel log_level = LogLevel::kInfo;
  // glibc malloc, for the whole process (Create sets them; 0 keeps glibc's
  // own): a thread's arena gives free memory at its top back to the kernel
  // once it exceeds malloc_trim_threshold (M_TRIM_THRESHOLD), and blocks of
  // malloc_mmap_threshold bytes or more are mapped on their own
  // (M_MMAP_THRESHOLD). With glibc's 128 KiB the writer thread gave 24 KiB
  // back after nearly every claim (the freed SQLite savepoint) and faulted
  // it in again: an madvise and a TLB shootdown on every core each time,
  // which cost claims a third of their throughput (docs/benchmarks.md).
  // (core/startup_env.h: TuneMalloc.)
  size_t malloc_trim_threshold = kMallocTrimThreshold;
  size_t malloc_mmap_threshold = kMallocMmapThreshold;
};

class App {
 public:
  // Opens the database (migrating it) and builds everything. `clock` must
  // outlive the App; `wechat` replaces the HTTP client when given (tests).
  static Result<std::unique_ptr<App>> Create(
      AppOptions options, const Clock* clock = SystemClock::Default(),
      std::unique_ptr<auth::WeChatClient> wechat = nullptr);
  ~App();

  // Binds and serves on a background thread; returns the port.
  Result<int> Start();
  // Stops accepting, finishes in-flight requests, closes the database.
  void Stop();

  auth::AccountService& accounts() { return *accounts_; }
  storage::Database& db() { return *db_; }
  // Uploaded photos, under data_dir/blobs.
  storage::BlobStore& blobs() { return *blobs_; }
  community::CommunityStore& community();
  community::MemberStore& members();
  // Contents, feedback, calendars and the campaign views.
  community::EngagementStore& engagement();
  // The OCR job queue the workers take photos from.
  ocr::OcrJobStore& ocr_jobs();
  // Lead scoring: rescoring, training, claims.
  scoring::LeadEngine& leads() { return *lead_engine_; }
  // The leads as stored (the demo writes its sales history through it).
  scoring::LeadStore& lead_store();
  Logger& logger() { return *logger_; }
  // Every route the server answers (tests sweep them all).
  const Router& router() const { return router_; }
  int port() const { return port_; }

 private:
  App() = default;
  void AddGauges();
  Status InitLeads(const Clock* clock);
  void StartReportWarmer();

  AppOptions options_;
  std::unique_ptr<Logger> logger_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::BlobStore> blobs_;
  std::unique_ptr<storage::SqliteAccountStore> account_store_;
  std::unique_ptr<storage::SqliteMemberStore> member_store_;
  std::unique_ptr<storage::SqliteCommunityStore> community_store_;
  std::unique_ptr<storage::SqliteEngagementStore> engagement_store_;
  std::unique_ptr<storage::SqliteIdentityAdminStore> identity_store_;
  std::unique_ptr<storage::SqliteOcrJobStore> ocr_jobs_;
  std::unique_ptr<OcrWorkerPool> ocr_workers_;
  std::unique_ptr<TextHintScanner> text_hints_;
  std::unique_ptr<storage::SqliteLeadStore> lead_store_;
  std::unique_ptr<scoring::LeadEngine> lead_engine_;
  std::unique_ptr<LeadScheduler> lead_scheduler_;
  BackgroundLoop report_warmer_;
  std::unique_ptr<auth::AccountService> accounts_;
  std::unique_ptr<auth::WeChatClient> wechat_;
  Metrics metrics_;
  Services services_;
  Router router_;
  std::unique_ptr<HttpServer> http_;
  std::thread serve_thread_;
  int port_ = 0;
};

}  // namespace qunying::server

#endif  // QUNYING_SERVER_APP_H_
