#include "scoring/synthetic.h"

#include <cmath>
#include <random>

namespace qunying::scoring {
namespace {

const char* const kGrades[] = {"大班",   "一年级", "二年级", "三年级",
                               "四年级", "五年级", "六年级", "初一"};
const char* const kCities[] = {"北京", "上海", "深圳", "成都", "杭州",
                               "洛阳", "绵阳", "赣州", "湛江"};
const char* const kJobs[] = {"医生", "教师", "会计", "销售", "司机", "工程师"};
const char* const kIntentTexts[] = {"想报下一期，多少钱？", "有没有数学课",
                                    "孩子想继续学"};
const char* const kPlainTexts[] = {"今天读了二十分钟", "打卡", "坚持就是胜利",
                                   "第一次自己读完一本书"};

template <size_t N>
const char* Pick(const char* const (&a)[N], std::mt19937& rng) {
  return a[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

bool IsTargetGrade(const std::string& g) {
  return g == "三年级" || g == "四年级" || g == "五年级" || g == "六年级";
}

bool IsTier1(const std::string& c) {
  return c == "北京" || c == "上海" || c == "深圳";
}

}  // namespace

std::vector<std::string> SyntheticDrivers() {
  return {"completion_rate", "grade", "city", "intent"};
}

std::vector<SyntheticMember> GenerateCommunity(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<SyntheticMember> out(n);
  for (size_t i = 0; i < n; ++i) {
    MemberFeatures& f = out[i].features;
    f.member_id = static_cast<int64_t>(i + 1);
    f.series = "阅读";
    f.campaign_days = 21;
    double diligence = u(rng);
    f.checkins =
        static_cast<int>(std::round(21 * diligence * (0.6 + 0.4 * u(rng))));
    f.makeups = f.checkins > 3 && u(rng) < 0.2 ? 2 : 0;
    f.longest_streak = std::max(0, f.checkins - static_cast<int>(u(rng) * 8));
    f.dwell_s_30d = static_cast<int64_t>(u(rng) * 5000);
    f.content_reads_30d = static_cast<int>(u(rng) * 12);
    f.recency_days = f.checkins ? u(rng) * 10 : -1;
    f.campaigns = 1 + (u(rng) < 0.3) + (u(rng) < 0.1);
    f.paid_fen = f.campaigns * 9900;
    if (u(rng) < 0.7) f.facts["grade"] = Pick(kGrades, rng);
    if (u(rng) < 0.6) f.facts["city"] = Pick(kCities, rng);
    if (u(rng) < 0.4) f.facts["occupation"] = Pick(kJobs, rng);
    bool intent = u(rng) < 0.2;
    f.texts.push_back(intent ? Pick(kIntentTexts, rng)
                             : Pick(kPlainTexts, rng));
    double completion = f.checkins / 21.0;
    double logit = -3.2 + 3.0 * completion +
                   1.2 * IsTargetGrade(f.facts["grade"]) +
                   0.9 * IsTier1(f.facts["city"]) + 1.6 * intent;
    // Looking up an absent fact above inserted ""; drop those again.
    for (auto it = f.facts.begin(); it != f.facts.end();)
      it = it->second.empty() ? f.facts.erase(it) : std::next(it);
    out[i].propensity = 1 / (1 + std::exp(-logit));
    out[i].won = u(rng) < out[i].propensity;
  }
  return out;
}

}  // namespace qunying::scoring
