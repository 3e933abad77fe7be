#include "server/demo_sales.h"

#include <cmath>
#include <queue>
#include <random>
#include <string>

namespace qunying::server {
namespace {

constexpr int64_t kMinuteMs = 60000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kChinaOffsetMs = 8 * kHourMs;

const char* const kContactNotes[] = {
    "电话沟通：家长关心下一期的上课时间",
    "加了微信，发了课程介绍和往期学员的打卡记录",
    "家长说孩子很喜欢每天打卡，想了解进阶课",
    "问了价格，发了老学员续报的优惠",
    "孩子在上网课，约了晚上八点再打",
};
const char* const kQualifyNotes[] = {
    "确认有报名意向，约了周末和孩子爸爸一起商量",
    "试听了一节进阶课，家长满意",
};
const char* const kLostReasons[] = {
    "价格太高", "时间冲突", "孩子不感兴趣", "已报其他机构", "联系不上",
};
struct Product {
  const char* name;
  int64_t fen;
};
const Product kProducts[] = {
    {"下一期打卡营", 19900},
    {"进阶课一学期", 128000},
    {"亲子阅读年卡", 39800},
};

enum class StepKind { kClaim, kContact, kQualify, kWin, kLose };

// One thing a rep does at `at`: a claim (of `count` leads), or a step on
// `lead`.
struct Step {
  int64_t at = 0;
  uint64_t seq = 0;  // Order of making, to break ties.
  StepKind kind = StepKind::kClaim;
  int64_t rep = 0, lead = 0;
  int count = 0;       // kClaim.
  bool closes = true;  // kContact: the lead will be closed, not followed up.
  bool wins = false;
  bool operator>(const Step& o) const {
    return at != o.at ? at > o.at : seq > o.seq;
  }
};

class HistoryWriter {
 public:
  HistoryWriter(scoring::LeadStore& store, scoring::LeadEngine& past,
                FakeClock& clock, int64_t now, int64_t today_start,
                const DemoSalesOptions& o)
      : store_(store),
        past_(past),
        clock_(clock),
        now_(now),
        today_start_(today_start),
        options_(o),
        rng_(o.seed) {}

  void Plan(const std::vector<int64_t>& reps, int64_t first_day) {
    for (int d = 0; d < options_.days - 1; ++d) {
      for (size_t r = 0; r < reps.size(); ++r) {
        Step s;
        s.kind = StepKind::kClaim;
        s.rep = reps[r];
        s.at = first_day + d * kDayMs + 9 * kHourMs + 30 * kMinuteMs +
               static_cast<int64_t>(r) * 25 * kMinuteMs + Minutes(20);
        s.count = 1 + static_cast<int>(rng_() % options_.max_claims_per_day);
        // Leads claimed in the last days are still being worked.
        s.closes = d < options_.days - 1 - options_.open_days;
        Push(s);
      }
    }
  }

  Status Run(DemoSalesReport* report) {
    while (!steps_.empty()) {
      Step s = steps_.top();
      steps_.pop();
      clock_.Set(s.at);
      QY_RETURN_IF_ERROR(Do(s, report));
    }
    return Status::Ok();
  }

 private:
  int64_t Minutes(int up_to) { return (rng_() % up_to) * kMinuteMs; }
  double Uniform() { return std::uniform_real_distribution<>(0, 1)(rng_); }
  template <size_t N>
  const char* Pick(const char* const (&list)[N]) {
    return list[rng_() % N];
  }

  // Steps at or after now are left out: what a rep has not done yet.
  void Push(Step s) {
    if (s.at >= now_) return;
    s.seq = seq_++;
    steps_.push(s);
  }

  Status Do(const Step& s, DemoSalesReport* report) {
    switch (s.kind) {
      case StepKind::kClaim:
        return Claim(s, report);
      case StepKind::kContact:
        return Contact(s, report);
      case StepKind::kQualify:
        return Set(s, {"qualified", Pick(kQualifyNotes), "", 0, {}});
      case StepKind::kWin: {
        const Product& p = kProducts[rng_() % std::size(kProducts)];
        ++report->won;
        report->revenue_fen += p.fen;
        return Set(s, {"won", std::string("报名") + p.name, "", p.fen, {}});
      }
      case StepKind::kLose:
        ++report->lost;
        return Set(s, {"lost", "", Pick(kLostReasons), 0, {}});
    }
    return Status::Internal("unknown demo sales step");
  }

  Status Set(const Step& s, const scoring::StatusChange& change) {
    return store_.SetStatus(s.lead, change, s.rep, s.at);
  }

  // The rep takes the best of the pool (leads left uncontacted for a day
  // go back to it first, by the SLA) and plans each one's calls.
  Status Claim(const Step& s, DemoSalesReport* report) {
    QY_ASSIGN_OR_RETURN(auto leads, past_.Claim(s.rep, s.count));
    for (const scoring::Lead& l : leads) {
      ++report->claimed;
      if (Uniform() < 0.12) continue;  // Not called in time: back it goes.
      Step c = s;
      c.kind = StepKind::kContact;
      c.lead = l.id;
      c.at = s.at + (1 + rng_() % 6) * kHourMs + Minutes(50);
      c.wins = Uniform() < DemoWinChance(l.fit, l.engagement, l.intent);
      Push(c);
    }
    return Status::Ok();
  }

  // The first call; then the lead is closed in the days after, or, if it
  // was claimed lately, followed up after today.
  Status Contact(const Step& s, DemoSalesReport* report) {
    ++report->contacted;
    scoring::StatusChange change{"contacted", Pick(kContactNotes), "", 0, {}};
    Step next = s;
    if (!s.closes) {
      change.follow_up_at_ms = today_start_ + (1 + rng_() % 3) * kDayMs +
                               10 * kHourMs + Minutes(120);
      QY_RETURN_IF_ERROR(Set(s, change));
      if (Uniform() < 0.4) {
        next.kind = StepKind::kQualify;
        next.at = s.at + kDayMs + Minutes(180);
        Push(next);
      }
      return Status::Ok();
    }
    QY_RETURN_IF_ERROR(Set(s, change));
    if (s.wins && Uniform() < 0.6) {
      next.kind = StepKind::kQualify;
      next.at = s.at + kDayMs + Minutes(300);
      Push(next);
    }
    next.kind = s.wins ? StepKind::kWin : StepKind::kLose;
    next.at = s.at + (2 + rng_() % 4) * kDayMs + Minutes(300);
    Push(next);
    return Status::Ok();
  }

  scoring::LeadStore& store_;
  scoring::LeadEngine& past_;
  FakeClock& clock_;
  const int64_t now_, today_start_;
  const DemoSalesOptions options_;
  std::mt19937 rng_;
  std::priority_queue<Step, std::vector<Step>, std::greater<Step>> steps_;
  uint64_t seq_ = 0;
};

}  // namespace

double DemoWinChance(double fit, double engagement, double intent) {
  double z = -9.5 + 0.08 * intent + 0.03 * fit + 0.01 * engagement;
  return 1 / (1 + std::exp(-z));
}

Result<DemoSalesReport> SeedSalesHistory(scoring::LeadStore& store,
                                         const scoring::LeadEngine& engine,
                                         const std::vector<int64_t>& reps,
                                         const Clock& clock,
                                         const DemoSalesOptions& options) {
  const int64_t now = clock.NowMillis();
  const int64_t today_start =
      (now + kChinaOffsetMs) / kDayMs * kDayMs - kChinaOffsetMs;
  const int64_t first_day = today_start - options.days * kDayMs;
  FakeClock past_clock(first_day + 9 * kHourMs);
  scoring::LeadEngine past(&store, &past_clock, engine.options());
  past.SetRules(engine.rules());
  DemoSalesReport report;
  QY_ASSIGN_OR_RETURN(auto pass, past.Rescore());
  report.leads_created = pass.created;
  // That pass read the community as it is today: check-ins of days that
  // had not come yet, counted against the days gone by then (a completion
  // rate of 150%). The leads take today's figures before the reps freeze
  // them by calling, from a pass that makes no new lead.
  {
    FakeClock today_clock(now);
    scoring::LeadEngine today(&store, &today_clock, engine.options());
    scoring::ScoringRules rules = engine.rules();
    rules.lead_threshold = 101;  // Above any score.
    today.SetRules(rules);
    QY_RETURN_IF_ERROR(today.Rescore().status());
  }
  HistoryWriter writer(store, past, past_clock, now, today_start, options);
  writer.Plan(reps, first_day + kDayMs);
  QY_RETURN_IF_ERROR(writer.Run(&report));
  return report;
}

}  // namespace qunying::server
