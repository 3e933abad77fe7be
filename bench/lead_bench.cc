// Lead scoring at scale, each against a baseline in the same process:
//  1. rescoring N members in memory (points score, model inputs, the
//     model's probability) with the trained model, vs the points score
//     alone (the part every deployment runs, model or not);
//  2. the same end to end on a SQLite database of M members (features
//     read from the community tables: 5 check-ins, 6.7 events and 1.9
//     OCR hints per member on average; scores written to leads), first
//     pass (creates leads), with a new model (only probabilities change),
//     again (nothing changed: unchanged leads are not rewritten), after 1%
//     of the members checked in, with new rules (every lead's scores
//     and words change), and after two restarts (a new store and engine
//     on the same database, same rules): one with the state file pass 5
//     left (<db>.leadstate), one without; vs a bare COUNT(*) scan of the
//     same check-ins;
//  3. training on T synthetic outcomes (cross-validated AUC against the
//     oracle's, i.e. the hidden true propensity's).
// Last, what training does to the open leads (LeadEngine::Train: every
// probability from the stored inputs).
// Beside each database pass a thread writes an event every 2 ms and
// prints how long those writes waited (the pass's writes hold the single
// writer). SLICE_MS and SLICE_N set SqliteLeadStoreOptions'
// write_slice_ms and write_slice_members, to weigh that wait against the
// write phase; POOL_REBUILD its rebuild_pool_index_leads (0: never drop
// the pool index during a pass). TREE_SHAPES ("8:300:0.05") replaces the
// trainer's candidate tree shapes, to time passes with a deeper model.
// PASS5_RULES (weights, fit, fit_one, intent) picks what pass 5's new rules
// change. malloc runs with the server's thresholds (core/startup_env.h,
// TuneMalloc); LEAD_BENCH_GLIBC_MALLOC=1 keeps glibc's own.
// Usage: lead_bench [members=1000000] [db_members=200000] [train=20000]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "core/startup_env.h"
#include "scoring/lead_engine.h"
#include "scoring/open_lead_predictions.h"
#include "scoring/points.h"
#include "scoring/synthetic.h"
#include "scoring/trainer.h"
#include "storage/database.h"
#include "storage/sqlite_lead_store.h"

using namespace qunying;
using SteadyClock = std::chrono::steady_clock;

namespace {

double Ms(SteadyClock::time_point a) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - a)
      .count();
}

using bench::Check;

std::shared_ptr<scoring::TrainedModel> TrainOn(size_t n) {
  auto rules = scoring::ScoringRules::Defaults();
  auto members = scoring::GenerateCommunity(n, 99);
  std::vector<scoring::Attributes> x;
  std::vector<bool> y;
  std::vector<double> oracle;
  std::vector<float> yf;
  for (const auto& m : members) {
    x.push_back(scoring::ToAttributes(m.features, rules));
    y.push_back(m.won);
    oracle.push_back(m.propensity);
    yf.push_back(m.won);
  }
  scoring::TrainOptions options;
  if (const char* v = std::getenv("TREE_SHAPES"); v && *v) {
    auto shapes = scoring::ParseTreeCandidates(v);
    Check(shapes.status());
    options.tree_candidates = *shapes;
  }
  auto t0 = SteadyClock::now();
  auto t = scoring::Train(x, y, options);
  Check(t.status());
  std::printf(
      "train: %zu outcomes, %s (%s), 5-fold CV AUC %.4f (oracle %.4f), %.0f"
      " ms\n",
      n, t->model->Kind().c_str(), t->settings.c_str(), t->auc_cv,
      scoring::Auc(oracle, yf), Ms(t0));
  return std::make_shared<scoring::TrainedModel>(std::move(t).value());
}

void InMemory(size_t n, std::shared_ptr<scoring::TrainedModel> model) {
  auto rules = scoring::ScoringRules::Defaults();
  auto members = scoring::GenerateCommunity(n, 7);
  std::vector<scoring::MemberFeatures> features;
  features.reserve(n);
  for (auto& m : members) features.push_back(std::move(m.features));
  // Baseline: the points score alone, no words, one core.
  auto t0 = SteadyClock::now();
  double sink = 0;
  for (const auto& f : features)
    sink += scoring::ScorePoints(f, rules, false).total;
  double points_ms = Ms(t0);
  // The engine's pass: points on every core, model rows, one batched
  // prediction, and words and inputs for members at the threshold.
  // Words and inputs are built only for leads, so the share of members at
  // the threshold matters: the default 45 and a stricter 55.
  for (double threshold : {45.0, 55.0}) {
    scoring::LeadEngine engine(nullptr, SystemClock::Default(), {});
    rules.lead_threshold = threshold;
    engine.SetRules(rules);
    engine.SetModel(model, 1);
    for (int run = 1; run <= 2; ++run) {
      t0 = SteadyClock::now();
      auto scored = engine.ScoreAll(features, {});
      Check(scored.status());
      double total = Ms(t0);
      size_t kept = 0;
      for (const auto& part : *scored) kept += part.members.size();
      std::printf(
          "in memory, threshold %.0f, run %d, %zu members: points + model +"
          " words for %zu leads (%.1f%%) %.0f ms (%.2f µs/member); baseline"
          " points only, one core %.0f ms (%.2fx)%s\n",
          threshold, run, n, kept, 100.0 * kept / n, total, total * 1000 / n,
          points_ms, total / points_ms, sink < 0 ? "!" : "");
    }
  }
}

constexpr char kInsertEvent[] =
    "INSERT OR IGNORE INTO events (member_id, type, dwell_ms, ts_ms,"
    " client_id, received_at_ms) VALUES (?, ?, ?, ?, ?, 0)";

constexpr char kInsertHint[] =
    "INSERT INTO hints (checkin_id, member_id, field, value, confidence,"
    " line_no, created_at_ms) VALUES (?, ?, ?, ?, ?, 0, 0)";

// What OCR read in member `i`'s check-in `checkin`: a grade, and a city
// when `city`.
Status AddHints(storage::Statement* hint, int64_t checkin, int i, bool city) {
  for (int k = 0; k < (city ? 2 : 1); ++k) {
    hint->Reset();
    QY_RETURN_IF_ERROR(hint->Bind(1, checkin)
                           .Bind(2, i)
                           .Bind(3, k ? "city" : "grade")
                           .Bind(4, k ? "上海" : "三年级")
                           .Bind(5, k ? 0.85 : 0.7)
                           .Run());
  }
  return Status::Ok();
}

// Member `i`'s events of day `d`: a page view, and every third member a
// content read.
Status AddEvents(storage::Statement* ev, int i, int d, int64_t at) {
  for (int k = 0; k < (i % 3 ? 1 : 2); ++k) {
    ev->Reset();
    QY_RETURN_IF_ERROR(ev->Bind(1, i)
                           .Bind(2, k ? "content_read" : "page_view")
                           .Bind(3, (i % 97) * 1000)
                           .Bind(4, at + 60000 * k)
                           .Bind(5, (k ? "r" : "v") + std::to_string(d))
                           .Run());
  }
  return Status::Ok();
}

// M members in a running campaign (c2) after an earlier one (c1), with
// check-ins (stored day by day, interleaved across members, as they arrive),
// a few intent phrases, and mini-program events: a page view with each
// check-in, and a content read with every third member's.
void Populate(storage::Database& db, int m, int64_t today) {
  Check(db.Write([&](storage::Connection& c) -> Status {
    QY_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO campaigns (id, name, theme, series, starts_on, days,"
        " created_at_ms) VALUES (1, 'A', '阅读', '阅读', " +
        std::to_string(today - 40) + ", 21, 0), (2, 'B', '阅读', '阅读', " +
        std::to_string(today - 10) + ", 21, 0)"));
    QY_ASSIGN_OR_RETURN(
        auto* mem, c.Prepare("INSERT INTO members (id, nickname, phone,"
                             " created_at_ms, updated_at_ms) VALUES (?, ?, ?,"
                             " 0, 0)"));
    QY_ASSIGN_OR_RETURN(
        auto* enr,
        c.Prepare("INSERT INTO enrollments (campaign_id, member_id,"
                  " paid_fen, enrolled_at_ms) VALUES (?, ?, 9900, 0)"));
    QY_ASSIGN_OR_RETURN(
        auto* chk,
        c.Prepare("INSERT INTO checkins (member_id, campaign_id, day, text,"
                  " client_id, created_at_ms) VALUES (?, 2, ?, ?, ?, ?)"));
    QY_ASSIGN_OR_RETURN(auto* ev, c.Prepare(kInsertEvent));
    QY_ASSIGN_OR_RETURN(auto* hint, c.Prepare(kInsertHint));
    for (int i = 1; i <= m; ++i) {
      mem->Reset();
      QY_RETURN_IF_ERROR(mem->Bind(1, i)
                             .Bind(2, "m" + std::to_string(i))
                             .Bind(3, i % 3 ? "" : "13800000000")
                             .Run());
      for (int k : {1, 2}) {
        if (k == 1 && i % 2) continue;
        enr->Reset();
        QY_RETURN_IF_ERROR(enr->Bind(1, k).Bind(2, i).Run());
      }
    }
    // Day by day, as check-ins arrive: the table's order is not members'.
    for (int d = 1; d <= 10; ++d) {
      for (int i = 1; i <= m; ++i) {
        int days = i % 11;
        if (d > days) continue;
        chk->Reset();
        std::string text = d == days && i % 7 == 0 ? "想报下一期" : "打卡";
        int64_t at = (today - 10 + d - 1) * 86400000LL;
        QY_RETURN_IF_ERROR(chk->Bind(1, i)
                               .Bind(2, d)
                               .Bind(3, text)
                               .Bind(4, "c" + std::to_string(d))
                               .Bind(5, at)
                               .Run());
        // Every fourth member's photos show a grade, every eighth's a city.
        if (i % 4 == 0) {
          QY_RETURN_IF_ERROR(AddHints(hint, c.LastInsertId(), i, i % 8 == 0));
        }
        QY_RETURN_IF_ERROR(AddEvents(ev, i, d, at));
      }
    }
    return Status::Ok();
  }));
}

// Check-ins (and their events and hints) today (campaign 2's day 11) by
// `k` members spread over all, 100 to a transaction, as the server's group
// commits would write them (one transaction of them all left a WAL of
// 300 MB that slowed the pass after it).
// On a kept database (LEAD_BENCH_DB) each run takes the next k members
// (for 60 runs, then they repeat): the last run's have checked in today
// already.
void AddCheckins(storage::Database& db, int k, int64_t today) {
  int64_t before = 0;
  Check(db.Read([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(before, storage::QueryInt(c,
                                                  "SELECT COUNT(*) FROM"
                                                  " checkins WHERE client_id"
                                                  " = 'c11'"));
    return Status::Ok();
  }));
  const int shift = static_cast<int>(before / std::max(k, 1) % 60);
  for (int from = 1; from <= k; from += 100) {
    Check(db.Write([&](storage::Connection& c) -> Status {
      QY_ASSIGN_OR_RETURN(
          auto* chk,
          c.Prepare("INSERT OR IGNORE INTO checkins (member_id, campaign_id,"
                    " day, text, client_id, created_at_ms) VALUES (?, 2, 11,"
                    " '打卡', 'c11', ?)"));
      QY_ASSIGN_OR_RETURN(auto* ev, c.Prepare(kInsertEvent));
      QY_ASSIGN_OR_RETURN(auto* hint, c.Prepare(kInsertHint));
      for (int i = from; i < from + 100 && i <= k; ++i) {
        chk->Reset();
        const int member = i * 100 - 37 - shift;
        QY_RETURN_IF_ERROR(
            chk->Bind(1, member).Bind(2, today * 86400000LL).Run());
        if (c.Changes() == 0) continue;  // Checked in today already.
        QY_RETURN_IF_ERROR(AddHints(hint, c.LastInsertId(), member, false));
        QY_RETURN_IF_ERROR(AddEvents(ev, member, 11, today * 86400000LL));
      }
      return Status::Ok();
    }));
  }
}

// Pages this process has faulted in without reading a disk (fresh memory,
// or the page cache).
long MinorFaults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// CPU time this process has used, user and system, in ms: steadier than
// a pass's wall time on a machine whose other load comes and goes.
double CpuMs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

// Bytes this process has passed to write calls (/proc/self/io's wchar:
// the WAL, the checkpoints into the database, SQLite's temporary files),
// or -1. Its write_bytes, counted at writeback, lands in whichever pass
// happens to flush.
int64_t WrittenBytes() {
  std::ifstream io("/proc/self/io");
  std::string key;
  int64_t value = 0;
  while (io >> key >> value)
    if (key == "wchar:") return value;
  return -1;
}

// Small writes beside a pass, as check-ins and claims would come: one
// event every 2 ms, each timed from Write to its commit. The pass's own
// write transactions hold the single writer, so these wait behind them.
// Also counts what the process wrote meanwhile.
class WriteProbe {
 public:
  explicit WriteProbe(storage::Database* db, int64_t now)
      : faults_at_start_(MinorFaults()),
        disk_at_start_(WrittenBytes()),
        cpu_at_start_(CpuMs()),
        thread_([this, db, now] { Run(db, now); }) {}
  // Stops and prints how long the writes waited.
  void Report() {
    stop_ = true;
    thread_.join();
    std::printf(
        "  %.0f MB through write calls, %ld minor page faults, %.0f ms of"
        " CPU (the process)\n",
        (WrittenBytes() - disk_at_start_) / 1e6,
        MinorFaults() - faults_at_start_, CpuMs() - cpu_at_start_);
    std::sort(ms_.begin(), ms_.end());
    auto at = [&](double q) {
      return ms_.empty() ? 0.0 : ms_[static_cast<size_t>(q * (ms_.size() - 1))];
    };
    std::printf(
        "  %zu small writes beside it: median %.1f ms, p99 %.1f ms, max %.1f"
        " ms\n",
        ms_.size(), at(0.5), at(0.99), ms_.empty() ? 0.0 : ms_.back());
  }

 private:
  void Run(storage::Database* db, int64_t now) {
    while (!stop_) {
      auto t0 = SteadyClock::now();
      // Outside the 30-day window of a member's dwell, and older than
      // their last event: the passes' features do not change.
      Check(db->Write([&](storage::Connection& c) -> Status {
        QY_ASSIGN_OR_RETURN(
            auto* st,
            c.Prepare("INSERT INTO events (member_id, type, page, dwell_ms,"
                      " ts_ms, client_id, received_at_ms) VALUES (1,"
                      " 'probe', '', 0, ?, ?, ?)"));
        return st->Bind(1, now - 40 * 86400000LL)
            .Bind(2, "probe-" + std::to_string(getpid()) + "-" +
                         std::to_string(++sent_))
            .Bind(3, now)
            .Run();
      }));
      ms_.push_back(Ms(t0));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  const long faults_at_start_;
  const int64_t disk_at_start_;
  const double cpu_at_start_;
  std::atomic<bool> stop_{false};
  static inline int64_t sent_ = 0;  // Unique client ids across probes.
  std::vector<double> ms_;
  std::thread thread_;
};

// The database passes' clock, and their rules: pass 5 and after raise the
// intent weight (every lead's words change).
constexpr int64_t kBenchNow = 1'800'000'000'000;
// Pass 5's new rules are new weights (the scores change, not the words
// nor the probability); PASS5_RULES=fit changes every fit rule's points
// instead (the words change too); PASS5_RULES=fit_one the tier-1 city
// rule's alone (only the members it scores change: here the eighth whose
// photos show 上海); PASS5_RULES=intent the intent dictionary's weights
// (the words, the model's inputs and the probability).
scoring::ScoringRules BenchRules(bool from_pass5) {
  auto rules = scoring::ScoringRules::Defaults();
  rules.lead_threshold = 30;
  if (!from_pass5) return rules;
  const char* change = std::getenv("PASS5_RULES");
  std::string_view what = change ? change : "weights";
  if (what == "fit") {
    for (auto& fit : rules.fit) fit.points += 5;
  } else if (what == "fit_one") {
    for (auto& fit : rules.fit)
      if (fit.label == "一线城市") fit.points += 5;
  } else if (what == "intent") {
    for (auto& phrase : rules.intent) phrase.weight *= 1.5;
  } else {
    rules.weight_intent *= 1.5;
  }
  return rules;
}

// What LeadEngine::Train does once a model is trained: every open lead's
// probability from its stored model inputs (PredictOpenLeads, as model 2),
// written before the call returns, while check-ins and claims keep
// writing (the probe). PART_LEADS sets its part size.
void TrainedProbabilities(storage::Database* db,
                          storage::SqliteLeadStore& store,
                          const scoring::TrainedModel& model, int64_t now) {
  scoring::OpenLeadPredictionOptions options;
  if (const char* v = std::getenv("PART_LEADS"))
    options.part_leads = std::atoi(v);
  WriteProbe probe(db, now);
  auto t0 = SteadyClock::now();
  auto n = scoring::PredictOpenLeads(store, model, 2, now, options);
  Check(n.status());
  std::printf(
      "after training: %zu open leads' probabilities from their inputs, in"
      " parts of %zu: %.0f ms\n",
      *n, options.part_leads, Ms(t0));
  probe.Report();
}

void ClearProbabilities(storage::Database& db) {
  auto at = SteadyClock::now();
  Check(db.Write([](storage::Connection& c) -> Status {
    return c.Exec(
        "DELETE FROM lead_probabilities WHERE lead_id IN (SELECT id FROM"
        " leads WHERE source = 'score')");
  }));
  std::printf("  before pass 2: stored probabilities cleared in %.0f ms\n",
              Ms(at));
}

// LEAD_BENCH_DB=path keeps the database there and, when it exists
// already, skips populating it (for profiling the passes; its leads are
// then those of the last run).
void OnDisk(int m, std::shared_ptr<scoring::TrainedModel> model) {
  const char* keep = std::getenv("LEAD_BENCH_DB");
  std::string dir = "/tmp/qunying-lead-bench-" + std::to_string(getpid());
  storage::DatabaseOptions o;
  o.path = keep ? keep : dir + "/bench.db";
  bool fresh = !std::filesystem::exists(o.path);
  if (!keep) std::filesystem::create_directories(dir);
  auto db = storage::Database::Open(o);
  Check(db.status());
  int64_t now = kBenchNow;
  int64_t today = (now + 8 * 3600000LL) / 86400000;
  auto t0 = SteadyClock::now();
  if (fresh) Populate(**db, m, today);
  std::printf("database: %d members populated in %.0f ms\n", m, Ms(t0));

  t0 = SteadyClock::now();
  int64_t n = 0;
  Check((*db)->Read([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        n, storage::QueryInt(c,
                             "SELECT COUNT(*) FROM (SELECT member_id,"
                             " campaign_id, day FROM checkins)"));
    return Status::Ok();
  }));
  double scan_ms = Ms(t0);

  storage::SqliteLeadStoreOptions so;
  if (const char* v = std::getenv("SLICE_MS")) so.write_slice_ms = std::atoi(v);
  if (const char* v = std::getenv("POOL_REBUILD"))
    so.rebuild_pool_index_leads = std::atoll(v);
  if (const char* v = std::getenv("SLICE_N"))
    so.write_slice_members = std::strtoul(v, nullptr, 10);
  so.state_path = o.path + ".leadstate";
  auto store = std::make_unique<storage::SqliteLeadStore>(db->get(), so);
  FakeClock clock(now);
  auto engine = std::make_unique<scoring::LeadEngine>(
      store.get(), &clock, scoring::LeadEngineOptions{});
  auto rules = BenchRules(false);
  engine->SetRules(rules);
  for (int pass = 1; pass <= 7; ++pass) {
    if (pass == 2) {
      engine->SetModel(model, 1);
      // A kept database's leads carry the probabilities of its last run,
      // from this same model, so pass 2 would find them as stored and
      // write none. Clear them as a fresh database has them after pass 1,
      // so that every probability changes (not timed).
      if (!fresh) ClearProbabilities(**db);
    }
    if (pass == 4) {
      auto at = SteadyClock::now();
      int64_t disk = WrittenBytes();
      AddCheckins(**db, m / 100, today);
      std::printf(
          "  before pass 4: 1%% of members checked in, in transactions of 100: "
          "%.0f ms, %.0f MB through write calls\n",
          Ms(at), (WrittenBytes() - disk) / 1e6);
    }
    if (pass == 5) {
      // Before saving pass 5's rules, an admin's preview of them, and of
      // other fit points (every member scored again); nothing is written.
      for (const char* what : {"pass 5's rules", "fit points + 5"}) {
        auto proposed = what[0] == 'p' ? BenchRules(true) : rules;
        if (what[0] == 'f')
          for (auto& fit : proposed.fit) fit.points += 5;
        auto at = SteadyClock::now();
        auto preview = engine->PreviewRules(proposed);
        Check(preview.status());
        std::printf(
            "  preview of %s: %.0f ms, %zu new leads, %zu open below the"
            " threshold\n",
            what, Ms(at), preview->new_leads, preview->open_below);
      }
      rules = BenchRules(true);
      engine->SetRules(rules);
    }
    if (pass >= 6) {
      // A restart: a new store and engine on the same database, with the
      // same rules and model as pass 5 (nothing to write). Pass 6 finds
      // the state file pass 5's store saved; pass 7 has none.
      if (pass == 6) {
        auto at = SteadyClock::now();
        long faults = MinorFaults();
        auto bytes = engine->SaveState();
        Check(bytes.status());
        std::printf(
            "  state file saved after pass 5: %.0f MB in %.0f ms, %ld minor"
            " page faults\n",
            *bytes / 1e6, Ms(at), MinorFaults() - faults);
        if (std::getenv("STALE_STATE")) {
          // As after kill -9 an hour after the last save: check-ins and a
          // pass that wrote leads since, so that the file's digests are
          // used but not the engine's memory.
          AddCheckins(**db, m / 100, today);
          auto r = engine->Rescore();
          Check(r.status());
          std::printf(
              "  STALE_STATE: after the save, 1%% of members checked in and"
              " a pass scored %zu of them again\n",
              r->members - r->reused);
        }
      } else {
        so.state_path.clear();
      }
      engine.reset();
      store = std::make_unique<storage::SqliteLeadStore>(db->get(), so);
      engine = std::make_unique<scoring::LeadEngine>(
          store.get(), &clock, scoring::LeadEngineOptions{});
      engine->SetRules(rules);
      engine->SetModel(model, 1);
    }
    WriteProbe probe(db->get(), now);
    auto r = engine->Rescore();
    Check(r.status());
    double total = r->load_ms + r->score_ms + r->write_ms;
    std::printf(
        "database pass %d (%s): %zu members (%zu scores reused), %d leads"
        " created, %zu unchanged, %zu probability only, %zu with their other"
        " texts kept, %zu predicted; load "
        "%.0f ms + score %.0f ms + write %.0f ms = %.0f ms "
        "(%.2f"
        " µs/member); baseline scan of %lld check-ins %.0f ms (%.1fx)\n",
        pass,
        pass == 1   ? "first after start, points only"
        : pass == 2 ? "a new model, every probability changes"
        : pass == 3 ? "again, nothing changed"
        : pass == 4 ? "after 1% of members checked in"
        : pass == 5 ? "new rules (PASS5_RULES, default weights)"
        : pass == 6 ? (std::getenv("STALE_STATE")
                           ? "after a restart, with a state file older than "
                             "the last pass"
                           : "after a restart, with the state file")
                    : "after a restart, without a state file",
        r->members, r->reused, r->created, r->unchanged, r->probability_only,
        r->texts_kept, r->predicted, r->load_ms, r->score_ms, r->write_ms,
        total, total * 1000 / r->members, static_cast<long long>(n), scan_ms,
        total / scan_ms);
    probe.Report();
    const auto w = store->last_write_stats();
    std::printf(
        "  the writer: %d transactions, %.0f ms (reading their leads %.0f ms,"
        " writing what changed %.0f ms); the pool index %.0f ms; the"
        " checkpoint after it %.0f ms; waiting for scored parts %.0f ms\n",
        w.transactions, w.transactions_ms, w.read_ms, w.apply_ms, w.index_ms,
        w.checkpoint_ms, w.wait_ms);
    std::printf(
        "  %.0f MB of lead texts held for the next pass%s\n",
        r->text_bytes / 1e6,
        store->pool_index_rebuilt() ? "; pool index created again" : "");
    if (pass == 1 || pass >= 6)
      std::printf("  state file: %s\n", store->state_outcome().c_str());
  }
  TrainedProbabilities(db->get(), *store, *model, now);
  (*db)->Close();
  if (!keep) std::filesystem::remove_all(dir);
}

// LEAD_BENCH_RESTART_ONLY=1 with LEAD_BENCH_DB: one pass in this fresh
// process, with pass 5's rules, over the kept database and whatever state
// file lies beside it, then saves the state again. Run it twice: the
// second run is a restart as a server meets it (nothing of the process's
// memory left from earlier passes, unlike pass 6 above).
void RestartOnly(std::shared_ptr<scoring::TrainedModel> model) {
  storage::DatabaseOptions o;
  o.path = std::getenv("LEAD_BENCH_DB");
  auto db = storage::Database::Open(o);
  Check(db.status());
  storage::SqliteLeadStoreOptions so;
  so.state_path = o.path + ".leadstate";
  storage::SqliteLeadStore store(db->get(), so);
  FakeClock clock(kBenchNow);
  scoring::LeadEngine engine(&store, &clock, scoring::LeadEngineOptions{});
  engine.SetRules(BenchRules(true));
  engine.SetModel(model, 1);
  long faults = MinorFaults();
  auto r = engine.Rescore();
  Check(r.status());
  std::printf(
      "restart in a fresh process: %zu members (%zu scores reused), %zu"
      " unchanged; load %.0f ms + score %.0f ms + write %.0f ms = %.0f ms;"
      " %ld minor page faults; state file: %s\n",
      r->members, r->reused, r->unchanged, r->load_ms, r->score_ms, r->write_ms,
      r->load_ms + r->score_ms + r->write_ms, MinorFaults() - faults,
      store.state_outcome().c_str());
  auto at = SteadyClock::now();
  faults = MinorFaults();
  auto bytes = engine.SaveState();
  Check(bytes.status());
  std::printf("  state file saved: %.0f MB in %.0f ms, %ld minor page faults\n",
              *bytes / 1e6, Ms(at), MinorFaults() - faults);
}

}  // namespace

int main(int argc, char** argv) {
  // As the server runs (server/main.cc): GLIBC_TUNABLES=glibc.malloc.hugetlb=0
  // measures without huge pages.
  ReexecWithEnvDefaults(argv, {{"GLIBC_TUNABLES", kHugePageMalloc}});
  // And malloc's thresholds as the server sets them (server/app.cc).
  // Until the twenty-second session the bench kept glibc's, which map a
  // large block afresh less often than the server's: the passes that
  // allocated one each time ran faster here than in the server.
  if (!std::getenv("LEAD_BENCH_GLIBC_MALLOC"))
    TuneMalloc(kMallocTrimThreshold, kMallocMmapThreshold);
  size_t members = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  int db_members = argc > 2 ? std::atoi(argv[2]) : 200000;
  size_t train = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 20000;
  auto model = TrainOn(train);
  if (std::getenv("LEAD_BENCH_RESTART_ONLY") && std::getenv("LEAD_BENCH_DB")) {
    RestartOnly(model);
    return 0;
  }
  InMemory(members, model);
  OnDisk(db_members, model);
  return 0;
}
