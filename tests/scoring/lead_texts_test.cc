#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "scoring/lead_store.h"
#include "scoring/points.h"
#include "scoring/synthetic.h"

namespace qunying::scoring {
namespace {

// AttributesText writes a lead's stored inputs: all but the intent
// input, which the lead keeps in its row.
TEST(LeadTextsTest, AttributesTextIsTheEncodedMapWithoutBuildingIt) {
  ScoringRules rules = ScoringRules::Defaults();
  auto members = GenerateCommunity(2000, 11);
  // The generator leaves some fields alone; vary them too.
  for (size_t i = 0; i < members.size(); ++i) {
    MemberFeatures& f = members[i].features;
    if (i % 3 == 0) f.facts["occupation"] = "教师\t(兼职)\\n";
    if (i % 5 == 0) f.facts["phone"] = "13800138000";
    if (i % 7 == 0) f.facts["school"] = "实验小学";
    if (i % 4 == 0) f.recency_days = -1;       // Never active.
    if (i % 11 == 0) f.paid_fen = 12345678;    // 123,456.78 yuan.
    if (i % 13 == 0) f.dwell_s_30d = 6000000;  // 100,000 minutes.
    // The intent input is the row's: the text holds the others, and with
    // it appended reads back as every input.
    Attributes inputs = ToAttributes(f, rules);
    const double intent = std::get<double>(inputs.at("intent"));
    ASSERT_EQ(intent, ScorePoints(f, rules, false).intent_raw);
    Attributes others = inputs;
    others.erase("intent");
    std::string text = AttributesText(f, rules);
    ASSERT_EQ(text, EncodeAttributes(others)) << "member " << i;
    AppendIntentInput(text, intent);
    ASSERT_EQ(DecodeAttributes(text), inputs) << "member " << i;
  }
}

TEST(LeadTextsTest, NumbersReadBackAsTheSameDouble) {
  const double numbers[] = {
      0,       1,     -1,  99999, 100000,  -99999, -100000,
      123456,  1e20,  0.5, -0.0,  1.0 / 3, 2.5e-7, 4503599627370496.0,
      99999.5, -12.25};
  Attributes a;
  for (size_t i = 0; i < std::size(numbers); ++i)
    a["n" + std::to_string(i)] = numbers[i];
  Attributes back = DecodeAttributes(EncodeAttributes(a));
  ASSERT_EQ(back.size(), a.size());
  for (size_t i = 0; i < std::size(numbers); ++i) {
    double got = std::get<double>(back.at("n" + std::to_string(i)));
    EXPECT_EQ(got, numbers[i]) << i;
    EXPECT_EQ(std::signbit(got), std::signbit(numbers[i])) << i;
  }
}

TEST(LeadTextsTest, EscapedTextsReadBackWhole) {
  Attributes a = {{"name\twith\ttabs", std::string("a\\b\nc\td\\")},
                  {"plain", std::string("三年级")},
                  {"empty", std::string()},
                  {"missing", std::monostate{}}};
  EXPECT_EQ(DecodeAttributes(EncodeAttributes(a)), a);
  std::vector<PointsFactor> factors = {
      {"fit", "grade\\", "三年级\n", "年级：三\t年级", 40},
      {"intent", "多少钱", "", "说过“多少钱”", -2.5}};
  auto round = DecodeFactors(EncodeFactors(factors));
  ASSERT_EQ(round.size(), factors.size());
  for (size_t i = 0; i < factors.size(); ++i) {
    EXPECT_EQ(round[i].part, factors[i].part);
    EXPECT_EQ(round[i].name, factors[i].name);
    EXPECT_EQ(round[i].value, factors[i].value);
    EXPECT_EQ(round[i].label, factors[i].label);
    EXPECT_EQ(round[i].points, factors[i].points);
  }
}

// A lead's factors are stored in three texts by part and read back
// joined: as ScorePoints explained them, in its order, ties between parts
// included; so are the texts of leads stored before the parts were split.
TEST(LeadTextsTest, SplitFactorsReadBackJoinedInTheirOrder) {
  ScoringRules rules = ScoringRules::Defaults();
  // Fit points that tie with intent phrases' (a fifth of the generated
  // members say one).
  ASSERT_FALSE(rules.intent.empty());
  for (size_t i = 0; i < rules.fit.size(); ++i)
    rules.fit[i].points = rules.intent[i % rules.intent.size()].weight;
  auto members = GenerateCommunity(2000, 12);
  size_t mixed = 0, ties = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    MemberFeatures& f = members[i].features;
    if (i % 5 == 0) f.facts["phone"] = "13800138000";
    PointsScore p = ScorePoints(f, rules, /*explain=*/true);
    const std::string whole = EncodeFactors(p.factors);
    StoredFactors parts = SplitFactors(p.factors);
    for (const auto& [text, part] : {std::pair{&parts.fit, "fit"},
                                     {&parts.intent, "intent"},
                                     {&parts.engagement, "engagement"}}) {
      for (const PointsFactor& x : DecodeFactors(*text))
        ASSERT_EQ(x.part, part);
    }
    mixed += !parts.fit.empty() && !parts.intent.empty();
    for (const PointsFactor& x : p.factors) {
      for (const PointsFactor& y : p.factors)
        ties += x.part < y.part && x.points == y.points;
    }
    EXPECT_EQ(
        EncodeFactors(JoinFactors({parts.fit, parts.engagement, parts.intent})),
        whole)
        << "member " << i;
    // A lead stored before any split: every factor in lead_texts.
    EXPECT_EQ(EncodeFactors(JoinFactors({"", whole})), whole);
    // Stored under schema 21: the fit factors apart, the others together.
    std::vector<PointsFactor> others;
    for (const PointsFactor& x : p.factors)
      if (x.part != "fit") others.push_back(x);
    EXPECT_EQ(EncodeFactors(JoinFactors({parts.fit, EncodeFactors(others)})),
              whole);
  }
  EXPECT_GT(mixed, members.size() / 20);
  EXPECT_GT(ties, 50u);
}

// Ties between factors of every part, each part in a text of its own,
// come back in ScorePoints' order: by size, then fit, engagement, intent.
TEST(LeadTextsTest, JoinedFactorsTieAsScorePointsOrdersThem) {
  std::vector<PointsFactor> scored;  // In ScorePoints' order of adding.
  for (const char* part : {"fit", "engagement", "intent"}) {
    for (int i = 0; i < 4; ++i) {
      scored.push_back(
          {part, part + std::to_string(i), "v", "l", i % 2 == 0 ? 10.0 : -5.0});
    }
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const PointsFactor& a, const PointsFactor& b) {
                     return std::abs(a.points) > std::abs(b.points);
                   });
  StoredFactors parts = SplitFactors(scored);
  // In any order of the texts.
  EXPECT_EQ(
      EncodeFactors(JoinFactors({parts.intent, parts.fit, parts.engagement})),
      EncodeFactors(scored));
  EXPECT_EQ(
      EncodeFactors(JoinFactors({parts.fit, parts.engagement, parts.intent})),
      EncodeFactors(scored));
}

// No factors: 0, which the store keeps in no bytes; any: not 0, and
// another text another digest.
TEST(LeadTextsTest, FactorsDigestIsZeroForNoFactorsAlone) {
  EXPECT_EQ(FactorsDigest(""), 0);
  const std::string one = EncodeFactors(
      {{"intent", "想报下一期", "想报下一期", "说过“想报下一期”", 45}});
  const std::string two = EncodeFactors(
      {{"intent", "想报下一期", "想报下一期", "说过“想报下一期”", 67.5}});
  EXPECT_NE(FactorsDigest(one), 0);
  EXPECT_NE(FactorsDigest(one), FactorsDigest(two));
  EXPECT_EQ(FactorsDigest(one), FactorsDigest(std::string(one)));
}

TEST(LeadTextsTest, TextsDigestCoversBothTextsAndWhereOneEnds) {
  const int64_t d = TextsDigest("a\tn\t1\n", "engagement\tx");
  EXPECT_EQ(d, TextsDigest("a\tn\t1\n", "engagement\tx"));
  EXPECT_NE(d, TextsDigest("a\tn\t2\n", "engagement\tx"));
  EXPECT_NE(d, TextsDigest("a\tn\t1\n", "engagement\ty"));
  EXPECT_NE(TextsDigest("ab", "c"), TextsDigest("a", "bc"));
  EXPECT_NE(TextsDigest("12345678x", ""), TextsDigest("12345678y", ""));
}

TEST(LeadTextsTest, DigestChangesWithEveryPartItCovers) {
  PointsScore p;
  p.total = 61.5;
  p.fit = 40;
  p.engagement = 70.25;
  p.intent = 12;
  p.tier = "A2";
  const uint64_t texts = 0x5eed;  // ScoredMember::texts.
  int64_t h = ScoreDigest(p, texts);
  EXPECT_EQ(ScoreDigest(p, texts), h);
  p.factors.push_back({"fit", "grade", "三年级", "年级：三年级", 40});
  EXPECT_EQ(ScoreDigest(p, texts), h) << "the factors are hashed by `texts`";
  // The total and tier follow from the parts by the formula in force,
  // which the lead row does not hold: new weights must not change it.
  PointsScore reweighed = p;
  reweighed.total = 70;
  reweighed.tier = "C1";
  EXPECT_EQ(ScoreDigest(reweighed, texts), h);
  using Change = std::function<void(PointsScore&, uint64_t&)>;
  std::vector<Change> changes = {
      [](PointsScore& s, uint64_t&) { s.fit = 0; },
      [](PointsScore& s, uint64_t&) { s.fit = 40.000000001; },
      [](PointsScore& s, uint64_t&) { s.engagement = 70; },
      [](PointsScore& s, uint64_t&) { s.intent = 13; },
      [](PointsScore& s, uint64_t&) { std::swap(s.fit, s.intent); },
      [](PointsScore&, uint64_t& t) { t ^= 1; },
      [](PointsScore&, uint64_t& t) { t = 0; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    PointsScore q = p;
    uint64_t t = texts;
    changes[i](q, t);
    EXPECT_NE(ScoreDigest(q, t), h) << "change " << i;
  }
}

}  // namespace
}  // namespace qunying::scoring
