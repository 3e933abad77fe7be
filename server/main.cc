// qunying: the server binary. Subcommands: serve, demo, migrate.
// Every flag can also be set through a QUNYING_* environment variable.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "auth/token.h"
#include "core/startup_env.h"
#include "server/app.h"
#include "server/demo.h"
#include "server/import_command.h"
#include "server/ocr_command.h"

namespace qy = qunying;
using qunying::server::App;
using qunying::server::AppOptions;

namespace {

struct Flags {
  AppOptions app;
  std::string listen = "127.0.0.1:8080";
  std::string admin_user = "admin";
  std::string admin_password;
  std::string log_level = "info";
  std::string db_sync = "full";
};

void AddServeFlags(CLI::App* cmd, Flags* f) {
  f->app.ocr.workers =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cmd->add_option("--db", f->app.db.path, "SQLite database file")
      ->envname("QUNYING_DB")
      ->capture_default_str();
  cmd->add_option("--listen", f->listen, "HOST:PORT to listen on")
      ->envname("QUNYING_LISTEN")
      ->capture_default_str();
  cmd->add_option("--data-dir", f->app.data_dir, "Directory for uploaded files")
      ->envname("QUNYING_DATA_DIR")
      ->capture_default_str();
  cmd->add_flag("--dev-login", f->app.dev_login,
                "Accept {openid,nickname} at /mp/login (never in production)")
      ->envname("QUNYING_DEV_LOGIN");
  cmd->add_option("--threads", f->app.http.threads,
                  "HTTP worker threads = keep-alive connections served at once")
      ->envname("QUNYING_THREADS")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", f->app.http.max_body_bytes,
                  "Largest request body accepted")
      ->envname("QUNYING_MAX_BODY_BYTES")
      ->capture_default_str();
  cmd->add_flag("--trust-proxy", f->app.http.trust_proxy,
                "Take the client address from X-Forwarded-For")
      ->envname("QUNYING_TRUST_PROXY");
  cmd->add_option("--db-sync", f->db_sync,
                  "full: a commit is fsynced before it is acknowledged "
                  "(survives power loss); normal: survives a crash or kill -9, "
                  "not power loss, and commits faster")
      ->envname("QUNYING_DB_SYNC")
      ->check(CLI::IsMember({"full", "normal"}))
      ->capture_default_str();
  cmd->add_option("--ocr-workers", f->app.ocr.workers,
                  "OCR threads, one Tesseract engine each (0: no OCR)")
      ->envname("QUNYING_OCR_WORKERS")
      ->capture_default_str();
  cmd->add_option("--ocr-deadline-ms", f->app.ocr.deadline_ms,
                  "Time one photo's recognition may take")
      ->envname("QUNYING_OCR_DEADLINE_MS")
      ->capture_default_str();
  cmd->add_option("--warm-reports-s", f->app.warm_reports_s,
                  "Seconds between background refreshes of running campaigns'"
                  " leaderboards and dwell reports (0: off)")
      ->envname("QUNYING_WARM_REPORTS_S")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--db-readers", f->app.db.readers, "Pooled read connections")
      ->envname("QUNYING_DB_READERS")
      ->capture_default_str();
  cmd->add_option("--db-writer-nice", f->app.db.writer_nice,
                  "The database writer thread's nice, relative to the"
                  " process's (0: unchanged; lowering needs CAP_SYS_NICE)")
      ->envname("QUNYING_DB_WRITER_NICE")
      ->check(CLI::Range(-20, 19))
      ->capture_default_str();
  cmd->add_option("--wechat-base-url", f->app.wechat.base_url,
                  "Base URL of WeChat's API (jscode2session)")
      ->envname("QUNYING_WECHAT_BASE_URL")
      ->capture_default_str();
  cmd->add_option("--wechat-appid", f->app.wechat.appid, "Mini-program AppID")
      ->envname("QUNYING_WECHAT_APPID");
  cmd->add_option("--wechat-secret", f->app.wechat.secret,
                  "Mini-program AppSecret (prefer the environment variable)")
      ->envname("QUNYING_WECHAT_SECRET");
  cmd->add_option("--admin-user", f->admin_user, "Username of the first admin")
      ->envname("QUNYING_ADMIN_USER")
      ->capture_default_str();
  cmd->add_option("--admin-password", f->admin_password,
                  "Password of the first admin (generated and printed once "
                  "if unset)")
      ->envname("QUNYING_ADMIN_PASSWORD");
  cmd->add_option("--log-file", f->app.log_path,
                  "JSON-lines log file "
                  "(default: standard error)")
      ->envname("QUNYING_LOG_FILE");
  cmd->add_option("--log-level", f->log_level, "debug, info, warn or error")
      ->envname("QUNYING_LOG_LEVEL")
      ->capture_default_str();
  cmd->add_option("--web-dir", f->app.http.web_dir,
                  "The built web console served at / (empty: off)")
      ->envname("QUNYING_WEB_DIR")
      ->capture_default_str();
}

bool ParseListen(Flags* f) {
  auto colon = f->listen.rfind(':');
  if (colon == std::string::npos) return false;
  f->app.http.host = f->listen.substr(0, colon);
  try {
    f->app.http.port = std::stoi(f->listen.substr(colon + 1));
  } catch (...) {
    return false;
  }
  return f->app.http.port >= 0 && f->app.http.port < 65536;
}

int Fail(const qy::Status& s) {
  std::fprintf(stderr, "qunying: %s\n", s.ToString().c_str());
  return 1;
}

// Waits for SIGINT or SIGTERM (blocked in every thread, see main).
void WaitForSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
}

int Serve(Flags& f, bool demo) {
  if (!ParseListen(&f))
    return Fail(qy::Status::InvalidArgument("bad --listen"));
  f.app.log_level = qy::server::ParseLogLevel(f.log_level);
  f.app.db.synchronous_full = f.db_sync == "full";
  bool generated = f.admin_password.empty();
  if (generated) f.admin_password = "qy-" + qy::auth::RandomHex(9);
  auto app = App::Create(f.app);
  if (!app.ok()) return Fail(app.status());
  auto created = (*app)->accounts().EnsureAdmin(f.admin_user, f.admin_password);
  if (!created.ok()) return Fail(created.status());
  if (demo) {
    auto seeded = qy::server::SeedDemo(**app, *qy::SystemClock::Default());
    if (!seeded.ok()) return Fail(seeded.status());
    std::printf(
        "Demo community: %zu members, %zu campaigns, %zu groups, "
        "%zu check-ins (%zu with photos), %d sales leads.\n",
        seeded->members, seeded->campaigns, seeded->groups, seeded->checkins,
        seeded->photos, seeded->leads);
    const auto& sales = seeded->sales;
    std::printf(
        "Its last three weeks of sales: %d leads claimed, %d called, %d won "
        "(¥%.2f), %d lost; a %s model learnt from those %zu outcomes "
        "(cross-validated AUC %.2f).\n",
        sales.claimed, sales.contacted, sales.won, sales.revenue_fen / 100.0,
        sales.lost, seeded->model_kind.c_str(), seeded->model_rows,
        seeded->model_auc);
  }
  auto port = (*app)->Start();
  if (!port.ok()) return Fail(port.status());
  std::printf("Qunying is serving on http://%s:%d/\n", f.app.http.host.c_str(),
              *port);
  if (*created) {
    std::printf("First admin: %s / %s%s\n", f.admin_user.c_str(),
                generated ? f.admin_password.c_str() : "(the password you set)",
                generated ? "   <- shown once; change it" : "");
  }
  if (demo) {
    std::printf("Demo sign-ins:");
    for (const auto& staff : qy::server::kDemoStaff) {
      std::printf(" %s / %s (%s);", staff.username, staff.password, staff.role);
    }
    std::printf(
        "\nParticipants: POST /api/v1/mp/login with "
        "{\"openid\":\"demo-openid-1\",\"nickname\":\"...\"}\n");
  }
  std::fflush(stdout);
  // The demo's photos are read after the start; its leads take up the
  // facts read from them as soon as that is done.
  std::atomic<bool> stop_demo{false};
  std::thread demo_ocr;
  if (demo) {
    demo_ocr = std::thread([&app, &stop_demo] {
      auto r = qy::server::RescoreWhenOcrIsDone(**app, stop_demo);
      if (r.ok()) {
        std::printf(
            "Demo photos read; leads rescored with the facts found in them "
            "(%d new leads).\n",
            r->created);
      } else if (!stop_demo.load()) {
        std::printf("Demo leads not rescored after OCR: %s\n",
                    r.status().message().c_str());
      }
      std::fflush(stdout);
    });
  }
  WaitForSignal();
  stop_demo = true;
  if (demo_ocr.joinable()) demo_ocr.join();
  std::printf("Shutting down: finishing requests, closing the database.\n");
  (*app)->Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // OCR workers (the server's and `qunying ocr`'s) need OpenMP at one
  // thread, and the lead pass huge pages from malloc: libgomp and glibc
  // take both only from the environment, at load (core/startup_env.h).
  qy::ReexecWithEnvDefaults(argv, {{"OMP_THREAD_LIMIT", "1"},
                                   {"GLIBC_TUNABLES", qy::kHugePageMalloc}});
  // Block the stop signals in every thread; WaitForSignal takes them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  CLI::App cli{"Qunying: community operations and sales-lead mining server"};
  cli.require_subcommand(1);
  Flags flags;
  auto* serve = cli.add_subcommand("serve", "Run the server");
  AddServeFlags(serve, &flags);
  auto* demo = cli.add_subcommand(
      "demo", "Run the server on a fresh database with a demo community");
  Flags demo_flags;
  demo_flags.app.db.path = "var/demo/qunying.db";
  demo_flags.app.data_dir = "var/demo/data";
  demo_flags.app.dev_login = true;
  AddServeFlags(demo, &demo_flags);
  auto* migrate = cli.add_subcommand("migrate", "Apply database migrations");
  std::string migrate_db = "var/qunying.db";
  migrate->add_option("--db", migrate_db, "SQLite database file")
      ->envname("QUNYING_DB")
      ->capture_default_str();
  auto* import = cli.add_subcommand("import", "Import data into the database");
  import->require_subcommand(1);
  auto* roster = import->add_subcommand(
      "roster", "Import a group roster export (CSV in UTF-8/GB18030, or XLSX)");
  qy::server::ImportRosterOptions import_roster;
  roster->add_option("--db", import_roster.db_path, "SQLite database file")
      ->envname("QUNYING_DB")
      ->capture_default_str();
  roster->add_option("--group", import_roster.group_id, "Group id")->required();
  roster->add_option("--as-of", import_roster.as_of,
                     "When the export was taken (RFC 3339; default: now)");
  roster->add_option("file", import_roster.file, "The .csv or .xlsx export")
      ->required()
      ->check(CLI::ExistingFile);
  auto* ocr_cmd = cli.add_subcommand("ocr",
                                     "Read photos with the check-in OCR "
                                     "pipeline (preprocess, Tesseract, hints)");
  qy::server::OcrCommandOptions ocr_options;
  ocr_options.workers =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ocr_cmd->add_flag("--json", ocr_options.json, "One JSON object per line");
  ocr_cmd
      ->add_option("--workers", ocr_options.workers,
                   "Parallel Tesseract engines")
      ->capture_default_str();
  ocr_cmd
      ->add_option("--deadline-ms", ocr_options.deadline_ms,
                   "Time allowed per photo")
      ->capture_default_str();
  ocr_cmd->add_option("files", ocr_options.files, "Photos (JPEG, PNG, WebP)")
      ->required();
  CLI11_PARSE(cli, argc, argv);
  if (*roster) return qy::server::RunImportRoster(import_roster);
  if (*ocr_cmd) return qy::server::RunOcrCommand(ocr_options);

  if (*serve) return Serve(flags, false);
  if (*demo) {
    for (const char* suffix : {"", "-wal", "-shm", ".leadstate"}) {
      std::filesystem::remove(demo_flags.app.db.path + suffix);
    }
    return Serve(demo_flags, true);
  }
  if (*migrate) {
    qy::storage::DatabaseOptions o;
    o.path = migrate_db;
    auto db = qy::storage::Database::Open(o);
    if (!db.ok()) return Fail(db.status());
    std::printf("schema version %d\n", (*db)->SchemaVersion());
    return 0;
  }
  return 0;
}
