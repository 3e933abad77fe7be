#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <span>

#include "scoring/lead_store.h"
#include "scoring/points.h"
#include "scoring/score_formula.h"
#include "scoring/synthetic.h"

namespace qunying::scoring {
namespace {

MemberFeatures Diligent() {
  MemberFeatures f;
  f.member_id = 1;
  f.campaign_days = 21;
  f.checkins = 21;
  f.longest_streak = 21;
  f.dwell_s_30d = 3600;
  f.content_reads_30d = 10;
  f.recency_days = 0;
  f.campaigns = 3;
  f.paid_fen = 50000;
  return f;
}

const PointsFactor* Find(const PointsScore& s, const std::string& name) {
  for (const auto& f : s.factors)
    if (f.name == name) return &f;
  return nullptr;
}

TEST(PointsTest, FullEngagementEarnsFullMarks) {
  auto s = ScorePoints(Diligent(), ScoringRules::Defaults());
  EXPECT_NEAR(s.engagement, 100, 1e-9);
  EXPECT_EQ(s.fit, 0);
  EXPECT_EQ(s.tier, "C1");
  ASSERT_NE(Find(s, "completion"), nullptr);
  EXPECT_EQ(Find(s, "completion")->label, "打卡完成率 100%");
}

TEST(PointsTest, FitTakesTheFirstMatchingRulePerField) {
  MemberFeatures f;
  f.facts = {{"grade", "四年级"}, {"city", "深圳"}, {"phone", "13812345678"}};
  auto s = ScorePoints(f, ScoringRules::Defaults());
  EXPECT_EQ(s.fit, 40 + 30 + 10);
  EXPECT_EQ(s.tier, "A3");
  ASSERT_NE(Find(s, "phone"), nullptr);
  // A rep's explanation never carries the number itself.
  EXPECT_EQ(Find(s, "phone")->label.find("138"), std::string::npos);
  f.facts["grade"] = "一年级";
  EXPECT_EQ(ScorePoints(f, ScoringRules::Defaults()).fit, 25 + 30 + 10);
}

TEST(PointsTest, IntentPhrasesMatchWithWildcardsButNotNegated) {
  auto dict = ScoringRules::Defaults().intent;
  auto names = [&](std::vector<std::string> texts) {
    std::vector<std::string> out;
    for (const auto& p : FindIntent(texts, dict)) out.push_back(p.phrase);
    return out;
  };
  EXPECT_EQ(names({"老师，有没有数学思维课？"}),
            std::vector<std::string>{"有没有*课"});
  EXPECT_TRUE(names({"暂时不想报下一期"}).empty());
  EXPECT_TRUE(names({"还没报名"}).empty());
  auto m = names({"想报下一期，多少钱"});
  EXPECT_EQ(std::count(m.begin(), m.end(), "想报下一期"), 1);
  EXPECT_EQ(std::count(m.begin(), m.end(), "多少钱"), 1);
  // "有没有" with the 课 too far away is not a course question.
  EXPECT_TRUE(
      names({"有没有人知道今天的作业是什么意思呀我还是没弄懂这节课"}).empty());
}

TEST(PointsTest, AWildcardPhraseReadsAsWordsLeftOut) {
  MemberFeatures f;
  f.texts = {"老师，有没有数学思维课？"};
  ScoringRules rules = ScoringRules::Defaults();
  rules.intent = {{"有没有*课", 25}, {"退*费", -10}};
  f.texts.push_back("可以退一部分费吗");
  std::vector<std::string> labels;
  for (const auto& k : ScorePoints(f, rules, /*explain=*/true).factors)
    if (k.part == "intent") labels.push_back(k.label);
  std::sort(labels.begin(), labels.end());
  EXPECT_EQ(labels,
            (std::vector<std::string>{"提到“退…费”", "说过“有没有…课”"}));
}

// The phrases FindIntent finds in `texts` with `dict`, by name.
std::vector<std::string> PhraseNames(const std::vector<std::string>& texts,
                                     const std::vector<IntentPhrase>& dict) {
  std::vector<std::string> out;
  for (const auto& p : FindIntent(texts, dict)) out.push_back(p.phrase);
  return out;
}

using Names = std::vector<std::string>;

TEST(PointsTest, APhraseInsideALongerOneCountsAsTheLongerAlone) {
  // A graded dictionary: the longer phrase is the stronger reading of the
  // same words, not three phrases said.
  std::vector<IntentPhrase> dict = {
      {"想报下一期", 45}, {"报下一期", 35}, {"下一期", 20}};
  EXPECT_EQ(PhraseNames({"孩子想报下一期"}, dict), Names{"想报下一期"});
  MemberFeatures f;
  f.texts = {"孩子想报下一期"};
  ScoringRules rules = ScoringRules::Defaults();
  rules.intent = dict;
  EXPECT_EQ(ScorePoints(f, rules).intent_raw, 45);
  // Said apart as well, the shorter one counts too (once per member).
  EXPECT_EQ(PhraseNames({"想报下一期，下一期几号开始？"}, dict),
            (Names{"想报下一期", "下一期"}));
  EXPECT_EQ(PhraseNames({"想报下一期", "下一期几号开始？"}, dict),
            (Names{"想报下一期", "下一期"}));
  // Starting at the same character: the longer.
  std::vector<IntentPhrase> fee = {{"报名", 15}, {"报名费", 25}};
  EXPECT_EQ(PhraseNames({"报名费多少"}, fee), Names{"报名费"});
  // Overlapping without one inside the other: both count.
  std::vector<IntentPhrase> overlap = {{"报下一期", 35}, {"下一期课", 10}};
  EXPECT_EQ(PhraseNames({"报下一期课"}, overlap),
            (Names{"报下一期", "下一期课"}));
}

TEST(PointsTest, ANegatedLongerPhraseStillCoversTheShorterOnes) {
  std::vector<IntentPhrase> dict = {
      {"想报下一期", 45}, {"报下一期", 35}, {"下一期", 20}};
  // 不 is within three characters of 想 but not of 下: 下一期 alone would
  // count, though the sentence says the opposite.
  EXPECT_TRUE(PhraseNames({"我不是很想报下一期"}, dict).empty());
  EXPECT_TRUE(PhraseNames({"暂时不想报下一期"}, dict).empty());
}

TEST(PointsTest, AWildcardPhraseCoversTheWordsInItsGap) {
  std::vector<IntentPhrase> dict = {{"数学课", 10}, {"有没有*课", 25}};
  EXPECT_EQ(PhraseNames({"有没有数学课"}, dict), Names{"有没有*课"});
  // The same bytes matched by two phrases: the earlier in the dictionary.
  std::vector<IntentPhrase> same = {{"有没有*课", 25}, {"有没有数学课", 30}};
  EXPECT_EQ(PhraseNames({"有没有数学课"}, same), Names{"有没有*课"});
  std::reverse(same.begin(), same.end());
  EXPECT_EQ(PhraseNames({"有没有数学课"}, same), Names{"有没有数学课"});
}

TEST(PointsTest, AWildcardAtAPhrasesEndMatchesAsWithoutIt) {
  // Validate refuses "*课" now, but a set saved before may hold one. Read
  // as written, it matched from any byte up to ten characters before 课 and
  // so covered the phrase said there.
  std::vector<IntentPhrase> dict = {{"想报下一期", 45}, {"*课", 10}};
  EXPECT_EQ(PhraseNames({"想报下一期的课"}, dict),
            (Names{"想报下一期", "*课"}));
  std::vector<IntentPhrase> trailing = {{"想报下一期", 45}, {"下一期*", 10}};
  EXPECT_EQ(PhraseNames({"想报下一期的课"}, trailing), Names{"想报下一期"});
  EXPECT_EQ(PhraseNames({"下一期的课"}, trailing), Names{"下一期*"});
  std::vector<IntentPhrase> stars = {{"**", 10}};
  EXPECT_TRUE(PhraseNames({"想报下一期"}, stars).empty());
}

TEST(PointsTest, ARepeatedPhraseCountsWhereverOneOccurrenceIsFree) {
  std::vector<IntentPhrase> dict = {{"想报下一期", 45}, {"下一期", 20}};
  std::string text;
  for (int i = 0; i < 300; ++i) text += "想报下一期";
  EXPECT_EQ(PhraseNames({text}, dict), Names{"想报下一期"});
  EXPECT_EQ(PhraseNames({text + "下一期"}, dict),
            (Names{"想报下一期", "下一期"}));
  EXPECT_EQ(PhraseNames({"下一期" + text}, dict),
            (Names{"想报下一期", "下一期"}));
}

// The rule, by brute force over every pair of occurrences, in texts
// without 不 or 没: a phrase counts if one of its occurrences is inside no
// occurrence of another phrase that is longer, or the same bytes and
// earlier in the dictionary. An occurrence of "a*b" runs from an `a` to the
// first `b` at most 30 bytes (10 Han characters) after it.
Names CoveredByBruteForce(const std::string& text,
                          const std::vector<IntentPhrase>& dict) {
  struct Occ {
    size_t phrase, begin, end;
  };
  std::vector<Occ> all;
  for (size_t i = 0; i < dict.size(); ++i) {
    const std::string& p = dict[i].phrase;
    size_t star = p.find('*');
    std::string a = p.substr(0, star);
    for (size_t at = text.find(a); at != std::string::npos;
         at = text.find(a, at + 1)) {
      if (star == std::string::npos) {
        all.push_back({i, at, at + a.size()});
        continue;
      }
      std::string b = p.substr(star + 1);
      size_t from = at + a.size(), next = text.find(b, from);
      if (next != std::string::npos && next - from <= 30)
        all.push_back({i, at, next + b.size()});
    }
  }
  Names out;
  for (size_t i = 0; i < dict.size(); ++i) {
    bool counts = false;
    for (const Occ& o : all) {
      if (o.phrase != i) continue;
      bool covered = false;
      for (const Occ& c : all) {
        if (c.phrase == i || c.begin > o.begin || c.end < o.end) continue;
        covered = covered || c.end - c.begin > o.end - o.begin || c.phrase < i;
      }
      counts = counts || !covered;
    }
    if (counts) out.push_back(dict[i].phrase);
  }
  return out;
}

TEST(PointsTest, CoveringAgreesWithBruteForceOnRandomTexts) {
  const std::vector<std::string> chars = {"想", "报", "下", "一", "期"};
  uint64_t seed = 12345;
  auto next = [&](size_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>((seed >> 33) % n);
  };
  auto word = [&](size_t len) {
    std::string w;
    for (size_t k = 0; k < len; ++k) w += chars[next(chars.size())];
    return w;
  };
  int with_several = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<IntentPhrase> dict;
    for (size_t k = 0, n = 2 + next(5); k < n; ++k) {
      std::string p = word(1 + next(3));
      if (next(3) == 0) p = word(1 + next(2)) + "*" + word(1 + next(2));
      bool dup = std::any_of(dict.begin(), dict.end(),
                             [&](const auto& d) { return d.phrase == p; });
      if (!dup) dict.push_back({p, 10});
    }
    std::string text = word(next(40));
    Names want = CoveredByBruteForce(text, dict);
    with_several += want.size() > 1;
    ASSERT_EQ(PhraseNames({text}, dict), want) << "text " << text;
  }
  EXPECT_GT(with_several, 200) << "the cases should often find several";
}

TEST(PointsTest, NegationStaysInItsClauseAndSkipsWordsThatDoNotNegate) {
  auto dict = ScoringRules::Defaults().intent;
  // Praise with 不 before the intent: 不错 is "good", and a comma ends the
  // clause.
  EXPECT_EQ(PhraseNames({"孩子表现不错，想报下一期"}, dict),
            Names{"想报下一期"});
  EXPECT_EQ(PhraseNames({"读得不错想报下一期"}, dict), Names{"想报下一期"});
  EXPECT_EQ(PhraseNames({"没问题！想报下一期"}, dict), Names{"想报下一期"});
  EXPECT_EQ(PhraseNames({"坚持不懈，想报下一期"}, dict), Names{"想报下一期"});
  EXPECT_EQ(PhraseNames({"不知道怎么报名"}, dict), Names{"怎么报名"});
  // Still negated in its own clause.
  EXPECT_TRUE(PhraseNames({"不错，但不想报下一期"}, dict).empty());
  EXPECT_TRUE(PhraseNames({"还没报名"}, dict).empty());
  EXPECT_TRUE(PhraseNames({"暂时不报名"}, dict).empty());
  // 不 in 不错 does not hide a second 不 that negates.
  EXPECT_TRUE(PhraseNames({"不错不报名"}, dict).empty());
}

TEST(PointsTest, IntentIsClampedAndNegativePhrasesLower) {
  MemberFeatures f;
  f.texts = {"想报下一期多少钱，有没有英语课，怎么报名，学费优惠"};
  auto s = ScorePoints(f, ScoringRules::Defaults());
  EXPECT_EQ(s.intent, 100);
  f.texts = {"太贵了，想退款"};
  EXPECT_EQ(ScorePoints(f, ScoringRules::Defaults()).intent, 0);
}

TEST(PointsTest, IndexedIntentScoresAsTheTextsDo) {
  auto rules = ScoringRules::Defaults();
  MemberFeatures texts = Diligent();
  texts.texts = {"有没有英语课", "太贵了", "暂时不想报下一期"};
  MemberFeatures indexed = Diligent();
  indexed.intent_indexed = true;
  for (const auto& t : texts.texts)
    FindIntentIn(t, rules.intent, &indexed.intent_found);
  std::sort(indexed.intent_found.begin(), indexed.intent_found.end());
  indexed.texts = {"想报下一期"};  // Ignored once indexed.
  auto a = ScorePoints(texts, rules);
  auto b = ScorePoints(indexed, rules);
  EXPECT_NE(a.intent_raw, 0);
  EXPECT_EQ(a.intent_raw, b.intent_raw);
  EXPECT_EQ(a.total, b.total);
  ASSERT_EQ(a.factors.size(), b.factors.size());
  for (size_t i = 0; i < a.factors.size(); ++i)
    EXPECT_EQ(a.factors[i].label, b.factors[i].label);
  EXPECT_EQ(ToAttributes(texts, rules).at("intent"),
            ToAttributes(indexed, rules).at("intent"));
  // A position past the dictionary (rules changed under it) is ignored.
  indexed.intent_found.push_back(60000);
  EXPECT_EQ(ScorePoints(indexed, rules).intent_raw, a.intent_raw);
}

TEST(FingerprintTest, ChangesWithEveryField) {
  MemberFeatures base = Diligent();
  base.facts = {{"grade", "三年级"}};
  base.intent_indexed = true;
  base.intent_found = {1, 4};
  uint64_t h = Fingerprint(base);
  EXPECT_EQ(Fingerprint(base), h);
  std::vector<std::function<void(MemberFeatures&)>> changes = {
      [](MemberFeatures& f) { f.member_id++; },
      [](MemberFeatures& f) { f.series += "x"; },
      [](MemberFeatures& f) { f.campaign_days++; },
      [](MemberFeatures& f) { f.checkins++; },
      [](MemberFeatures& f) { f.makeups++; },
      [](MemberFeatures& f) { f.longest_streak++; },
      [](MemberFeatures& f) { f.dwell_s_30d++; },
      [](MemberFeatures& f) { f.content_reads_30d++; },
      [](MemberFeatures& f) { f.recency_days += 1; },
      [](MemberFeatures& f) { f.campaigns++; },
      [](MemberFeatures& f) { f.paid_fen++; },
      [](MemberFeatures& f) { f.facts["grade"] = "四年级"; },
      [](MemberFeatures& f) { f.facts["city"] = "北京"; },
      [](MemberFeatures& f) { f.texts.push_back("多少钱"); },
      [](MemberFeatures& f) { f.intent_indexed = false; },
      [](MemberFeatures& f) { f.intent_found.back() = 5; },
      [](MemberFeatures& f) { f.intent_found.push_back(9); },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    MemberFeatures f = base;
    changes[i](f);
    EXPECT_NE(Fingerprint(f), h) << "change " << i;
  }
}

TEST(PointsTest, ActivityDecaysButHistoryDoesNot) {
  auto rules = ScoringRules::Defaults();
  MemberFeatures f = Diligent();
  f.recency_days = 14;  // One half-life.
  auto s = ScorePoints(f, rules);
  // Activity parts (35+15+15+10) halve; renewals and paid (25) stay.
  EXPECT_NEAR(s.engagement, 75 / 2.0 + 25, 1e-9);
  ASSERT_NE(Find(s, "recency"), nullptr);
  f.recency_days = -1;  // Never active.
  EXPECT_NEAR(ScorePoints(f, rules).engagement, 25, 1e-9);
}

TEST(PointsTest, MakeupsCountHalf) {
  MemberFeatures f = Diligent();
  f.campaigns = 1;
  f.paid_fen = 0;
  f.checkins = 20;
  f.makeups = 4;
  auto s = ScorePoints(f, ScoringRules::Defaults());
  EXPECT_NEAR(Find(s, "completion")->points, 35 * 18.0 / 21, 1e-9);
  EXPECT_NE(Find(s, "completion")->label.find("补卡 4 次"), std::string::npos);
}

TEST(PointsTest, TotalWeighsThePartsAndTiersFollowRules) {
  auto rules = ScoringRules::Defaults();
  MemberFeatures f = Diligent();
  f.facts = {{"grade", "三年级"}, {"city", "北京"}};
  f.texts = {"想报下一期"};  // 45 (报下一期 and 下一期 are inside it).
  auto s = ScorePoints(f, rules);
  EXPECT_NEAR(s.total, std::round((0.4 * 70 + 0.4 * 100 + 0.2 * 45) * 10) / 10,
              1e-9);
  EXPECT_EQ(s.tier, "A1");
  rules.tier_a = 80;
  EXPECT_EQ(ScorePoints(f, rules).tier, "B1");
}

TEST(ScoreFormulaTest, WeighsRoundsHalfUpAndTiersAtTheBounds) {
  ScoreFormula f = ScoreFormula::Of(ScoringRules::Defaults());
  EXPECT_EQ(f, ScoreFormula{});  // The defaults are the shipped rules'.
  // 0.4 · 50 + 0.4 · 50 + 0.2 · 0.25 = 40.05: half up to 40.1.
  EXPECT_EQ(f.Total(50, 50, 0.25), 40.1);
  EXPECT_EQ(f.Total(50, 50, 0.2), 40.0);
  EXPECT_EQ(f.Total(0, 0, 0), 0.0);
  EXPECT_EQ(f.Total(100, 100, 100), 100.0);
  f.weight_fit = 2;  // Weights are normalised by their sum.
  f.weight_engagement = f.weight_intent = 1;
  EXPECT_EQ(f.Total(80, 40, 0), 50.0);
  EXPECT_EQ(f.Tier(60, 50, 50), "A1");
  EXPECT_EQ(f.Tier(59.99, 50, 50), "B1");
  EXPECT_EQ(f.Tier(30, 0, 0), "B3");
  EXPECT_EQ(f.Tier(29.9, 0, 0), "C3");
  // Activity 0.7 · engagement + 0.3 · intent: 25 makes level 2.
  EXPECT_EQ(f.Tier(0, 25, 25), "C2");
  EXPECT_EQ(f.Tier(0, 20, 30), "C3");
  ScoringRules r = ScoringRules::Defaults();
  r.weight_intent = 0.9;
  r.level_2 = 10;
  ScoreFormula g = ScoreFormula::Of(r);
  EXPECT_EQ(g.weight_intent, 0.9);
  EXPECT_EQ(g.level_2, 10);
  EXPECT_FALSE(g == ScoreFormula{});
  // ScorePoints weighs with the same formula.
  MemberFeatures m = Diligent();
  auto p = ScorePoints(m, r);
  EXPECT_EQ(p.total, g.Total(p.fit, p.engagement, p.intent));
  EXPECT_EQ(p.tier, g.Tier(p.fit, p.engagement, p.intent));
}

TEST(RulesTest, ValidateNamesTheBadSetting) {
  auto rules = ScoringRules::Defaults();
  EXPECT_TRUE(rules.Validate().ok());
  EXPECT_GT(rules.intent.size(), 10u);
  rules.lead_threshold = 120;
  EXPECT_EQ(rules.Validate().field(), "lead_threshold");
  rules = ScoringRules::Defaults();
  rules.intent.push_back({"*", 5});
  EXPECT_EQ(rules.Validate().field(), "intent");
  for (const char* phrase : {"**", "*课", "有没有*", "*有没有*课*"}) {
    rules = ScoringRules::Defaults();
    rules.intent.push_back({phrase, 5});
    Status s = rules.Validate();
    EXPECT_EQ(s.field(), "intent") << phrase;
    if (std::string(phrase) != "**") {
      EXPECT_NE(s.message().find(phrase), std::string::npos) << s.message();
    }
  }
  rules = ScoringRules::Defaults();
  rules.intent.push_back({"有没有*班", 5});
  EXPECT_TRUE(rules.Validate().ok());
  rules = ScoringRules::Defaults();
  rules.engagement.half_life_days = 0;
  EXPECT_EQ(rules.Validate().field(), "engagement");
  rules = ScoringRules::Defaults();
  rules.auto_assign.push_back({});
  EXPECT_TRUE(rules.Validate().ok());
  rules.auto_assign.back().count = 0;
  EXPECT_EQ(rules.Validate().field(), "auto_assign");
  AssignRequest lottery;
  lottery.rule = "lottery";
  EXPECT_EQ(lottery.Validate().field(), "rule");
}

TEST(RulesTest, AbsurdSizesAndRangesAreRefused) {
  // Each change alone, from the defaults, and the field it names.
  auto refused = [](const std::function<void(ScoringRules&)>& change) {
    auto rules = ScoringRules::Defaults();
    change(rules);
    return rules.Validate().field();
  };
  // A make-up worth 10^300 check-ins reached the model's inputs.
  EXPECT_EQ(refused([](auto& r) { r.engagement.makeup_weight = 1e300; }),
            "engagement");
  EXPECT_EQ(refused([](auto& r) { r.engagement.makeup_weight = -0.5; }),
            "engagement");
  EXPECT_EQ(refused([](auto& r) { r.engagement.completion = 500; }),
            "engagement");
  EXPECT_EQ(refused([](auto& r) { r.tier_a = 1e300; }), "tiers");
  EXPECT_EQ(refused([](auto& r) { r.level_2 = -1; }), "tiers");
  // A label is copied into the words of every lead the rule matches.
  EXPECT_EQ(refused([](auto& r) {
              r.fit.push_back({"grade", {"三年级"}, 5, std::string(121, 'x')});
            }),
            "fit");
  EXPECT_EQ(refused([](auto& r) {
              r.fit.push_back({"grade", {std::string(121, 'x')}, 5, "x"});
            }),
            "fit");
  EXPECT_EQ(refused([](auto& r) {
              r.intent.push_back({std::string(121, 'x'), 5});
            }),
            "intent");
  EXPECT_EQ(refused([](auto& r) {
              r.fit.assign(kMaxFitRules + 1, {"grade", {"三年级"}, 5, "x"});
            }),
            "fit");
  // At the limits they pass.
  EXPECT_EQ(refused([](auto& r) {
              r.engagement.makeup_weight = 1;
              r.tier_a = 100;
              r.fit.assign(
                  kMaxFitRules,
                  {"grade", {std::string(120, 'v')}, 5, std::string(120, 'l')});
            }),
            "");
}

// One change to each setting of the rules, and whether it reaches the
// model's inputs (ToAttributes), a lead's texts (factors, attributes) and
// those texts other than the fit and intent factors (the engagement
// factors and the stored inputs).
struct SettingChange {
  std::function<void(ScoringRules&)> apply;
  bool inputs = false, texts = false, others = false;
};

std::vector<SettingChange> EverySettingChange() {
  return {
      {[](auto& r) { r.version++; }},
      {[](auto& r) { r.fit[0].field = "city"; }, false, true},
      {[](auto& r) { r.fit[0].values.pop_back(); }, false, true},
      {[](auto& r) { r.fit[0].points += 1; }, false, true},
      {[](auto& r) { r.fit[0].label += "!"; }, false, true},
      {[](auto& r) { r.engagement.completion += 1; }, false, true, true},
      {[](auto& r) { r.engagement.half_life_days += 1; }, false, true, true},
      {[](auto& r) { r.engagement.makeup_weight += 0.1; }, true, true, true},
      // The first phrase of the dictionary changed and a new one added
      // (a phrase no member wrote would leave every attribute alone).
      // Neither reaches the engagement factors or the stored inputs: the
      // intent factors and input are the row's.
      {[](auto& r) {
         r.intent[0].phrase += "吗";
         r.intent.push_back({"读", 5});
       },
       true, true, false},
      {[](auto& r) {
         for (auto& p : r.intent) p.weight += 1;
       },
       true, true, false},
      {[](auto& r) { r.weight_fit += 0.1; }},
      {[](auto& r) { r.weight_engagement += 0.1; }},
      {[](auto& r) { r.weight_intent += 0.1; }},
      {[](auto& r) { r.lead_threshold += 1; }},
      {[](auto& r) { r.lead_probability += 0.1; }},
      {[](auto& r) { r.tier_a += 1; }},
      {[](auto& r) { r.tier_b += 1; }},
      {[](auto& r) { r.level_1 += 1; }},
      {[](auto& r) { r.level_2 += 1; }},
      {[](auto& r) { r.auto_assign.emplace_back(); }},
  };
}

TEST(RulesFingerprintTest, EverySettingChangesIt) {
  const auto base = ScoringRules::Defaults();
  const uint64_t h = RulesFingerprint(base);
  EXPECT_EQ(RulesFingerprint(ScoringRules::Defaults()), h);
  const auto changes = EverySettingChange();
  for (size_t i = 0; i < changes.size(); ++i) {
    auto r = base;
    changes[i].apply(r);
    EXPECT_NE(RulesFingerprint(r), h) << "change " << i;
  }
}

// Members on whom every setting that reaches the texts shows.
std::vector<MemberFeatures> VariedMembers() {
  std::vector<MemberFeatures> members;
  for (auto& m : GenerateCommunity(300, 11)) {
    m.features.makeups = m.features.checkins > 2 ? 2 : 0;
    members.push_back(std::move(m.features));
  }
  members[0].texts = {"读完了，想报下一期"};
  return members;
}

std::string Texts(const MemberFeatures& f, const ScoringRules& r) {
  return EncodeFactors(ScorePoints(f, r).factors) + "|" + AttributesText(f, r);
}

// Expects `fingerprint` to change with exactly the changes flagged by
// `reaches`, and `seen` (what a member's fingerprinted part of the rules
// shows) of some member to change with exactly the same.
void ExpectChangesExactlyWith(
    uint64_t (*fingerprint)(const ScoringRules&), bool SettingChange::*reaches,
    const std::function<std::string(const MemberFeatures&,
                                    const ScoringRules&)>& seen) {
  const auto base = ScoringRules::Defaults();
  const uint64_t h = fingerprint(base);
  const auto members = VariedMembers();
  const auto changes = EverySettingChange();
  for (size_t i = 0; i < changes.size(); ++i) {
    auto r = base;
    changes[i].apply(r);
    EXPECT_EQ(fingerprint(r) != h, changes[i].*reaches) << "change " << i;
    bool differ = false;
    for (const auto& f : members)
      differ = differ || seen(f, r) != seen(f, base);
    EXPECT_EQ(differ, changes[i].*reaches) << "change " << i;
  }
}

// The same for a lead's texts (factors and attributes) and TextsFingerprint.
TEST(TextsFingerprintTest, ChangesExactlyWithTheTexts) {
  ExpectChangesExactlyWith(&TextsFingerprint, &SettingChange::texts, Texts);
}

// What a lead stores of a member's points: the parts and the texts.
std::string Stored(const MemberFeatures& f, const ScoringRules& r) {
  PointsScore p = ScorePoints(f, r);
  char parts[128];  // Four %.17g of up to 24 characters.
  std::snprintf(parts, sizeof parts, "%.17g %.17g %.17g %.17g|", p.fit,
                p.engagement, p.intent, p.intent_raw);
  return parts + Texts(f, r);
}

using MemberView =
    std::function<std::string(const MemberFeatures&, const ScoringRules&)>;
using MemberKey =
    std::function<uint64_t(const MemberFeatures&, const ScoringRules&)>;

// A lead is not rewritten while its key stays: `key` must change for a
// member whenever `stored` of it does. Where a change leaves `rest` (the
// settings every member reads) as it was, `key` changes for exactly those
// members, and such a change (there are `narrow` of those that reach
// `stored`) leaves some member as it was.
void ExpectKeyFollows(const MemberKey& key, const MemberView& stored,
                      uint64_t (*rest)(const ScoringRules&),
                      bool SettingChange::*reaches, size_t narrow) {
  const auto base = ScoringRules::Defaults();
  const auto members = VariedMembers();
  const auto changes = EverySettingChange();
  size_t narrow_seen = 0;
  for (size_t i = 0; i < changes.size(); ++i) {
    auto r = base;
    changes[i].apply(r);
    const bool same_rest = rest(r) == rest(base);
    narrow_seen += same_rest && changes[i].*reaches;
    size_t changed = 0;
    for (const auto& f : members) {
      const bool stored_differs = stored(f, r) != stored(f, base);
      const bool key_differs = key(f, r) != key(f, base);
      changed += stored_differs;
      SCOPED_TRACE("change " + std::to_string(i) + ", member " +
                   std::to_string(f.member_id));
      if (stored_differs) {
        EXPECT_TRUE(key_differs);
      }
      if (same_rest) {
        EXPECT_EQ(key_differs, stored_differs);
      }
    }
    EXPECT_EQ(changed > 0, changes[i].*reaches) << "change " << i;
    if (same_rest && changes[i].*reaches) {
      EXPECT_LT(changed, members.size()) << "change " << i;
    }
  }
  EXPECT_EQ(narrow_seen, narrow);
}

// Four edits of a fit rule, and new intent weights, reach some members'
// parts and texts only.
TEST(ContentKeyTest, ChangesExactlyWhereAFitRuleOrWeightEditScores) {
  ExpectKeyFollows(
      [](const MemberFeatures& f, const ScoringRules& r) {
        return ContentKey(Fingerprint(f), OtherTextsFingerprint(r),
                          ScorePoints(f, r, /*explain=*/false));
      },
      Stored, &OtherTextsFingerprint, &SettingChange::texts, 5);
}

// A lead's texts other than its fit and intent factors: the engagement
// factors, and the model inputs but the intent input.
std::string OtherTexts(const MemberFeatures& f, const ScoringRules& r) {
  return SplitFactors(ScorePoints(f, r).factors).engagement + "|" +
         AttributesText(f, r);
}

// Neither fit rule edits nor new intent weights reach any member's other
// texts, nor change its key; the settings every member reads do.
TEST(TextsKeyTest, ChangesExactlyWhereTheOtherTextsDo) {
  ExpectKeyFollows(
      [](const MemberFeatures& f, const ScoringRules& r) {
        return TextsKey(Fingerprint(f), OtherTextsFingerprint(r));
      },
      OtherTexts, &OtherTextsFingerprint, &SettingChange::others, 0);
}

// The fit factors alone, and the intent factors alone, are those
// ScorePoints explains, in its order.
TEST(FitFactorsTest, AreTheFitAndIntentPartsOfEveryFactor) {
  auto rules = ScoringRules::Defaults();
  // Equal points on two rules, and on every phrase: ties keep the order
  // of the rules and of the phrases.
  rules.fit.push_back({"school", {"*"}, rules.fit[0].points, "已知学校"});
  for (auto& p : rules.intent) p.weight = rules.fit[0].points;
  size_t with_two = 0, with_two_phrases = 0;
  for (const auto& f : VariedMembers()) {
    StoredFactors parts = SplitFactors(ScorePoints(f, rules).factors);
    const std::vector<PointsFactor> fit = FitFactors(f, rules);
    const std::vector<PointsFactor> intent = IntentFactors(f, rules);
    with_two += fit.size() >= 2;
    with_two_phrases += intent.size() >= 2;
    EXPECT_EQ(EncodeFactors(fit), parts.fit) << "member " << f.member_id;
    EXPECT_EQ(EncodeFactors(intent), parts.intent) << "member " << f.member_id;
  }
  EXPECT_GT(with_two, 10u);
  EXPECT_GT(with_two_phrases, 0u);
}

// What a rep sees of a pool lead's fit factor about the child: the rule
// without the value, as ScorePoints wrote the label.
TEST(FitFactorsTest, LabelWithoutValueIsTheRuleMet) {
  auto rules = ScoringRules::Defaults();
  size_t with_value = 0;
  for (const auto& f : VariedMembers()) {
    for (const PointsFactor& factor : ScorePoints(f, rules).factors) {
      std::string rule = LabelWithoutValue(factor);
      if (factor.part != "fit" || factor.value.empty()) {
        EXPECT_EQ(rule, factor.label);
        continue;
      }
      ++with_value;
      // (The rule may name the value itself: 三至六年级 holds 六年级.)
      EXPECT_EQ(rule + "：" + factor.value, factor.label);
    }
  }
  EXPECT_GT(with_value, 10u);
}

// New intent weights reach the model inputs of the members who wrote a
// phrase only.
TEST(InputsKeyTest, ChangesExactlyWhereNewIntentWeightsScore) {
  ExpectKeyFollows(
      [](const MemberFeatures& f, const ScoringRules& r) {
        return InputsKey(Fingerprint(f), OtherInputsFingerprint(r),
                         ScorePoints(f, r, /*explain=*/false));
      },
      [](const MemberFeatures& f, const ScoringRules& r) {
        return EncodeAttributes(ToAttributes(f, r));
      },
      &OtherInputsFingerprint, &SettingChange::inputs, 1);
}

}  // namespace
}  // namespace qunying::scoring
