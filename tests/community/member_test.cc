#include "community/member.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "community/demo_community.h"

namespace qunying::community {
namespace {

TEST(NicknameTest, AcceptsDecoratedChineseNicknames) {
  EXPECT_TRUE(CheckNickname("王小明妈妈🌸").ok());
  EXPECT_TRUE(CheckNickname("王小明妈妈（三年级）").ok());
}

TEST(NicknameTest, RefusesEmptyControlInvalidAndLong) {
  EXPECT_EQ(CheckNickname("   ").field(), "nickname");
  EXPECT_FALSE(CheckNickname("a\x07").ok());
  EXPECT_FALSE(CheckNickname("\xFF\xFE").ok());
  std::string long_name;
  for (int i = 0; i < 65; ++i) long_name += "王";
  EXPECT_FALSE(CheckNickname(long_name).ok());
  EXPECT_EQ(CheckNickname("", "group_nickname").field(), "group_nickname");
}

TEST(DemoCommunityTest, IsDeterministicForASeed) {
  DemoOptions o{20000, 7, 300};
  DemoCommunity a = GenerateDemoCommunity(o), b = GenerateDemoCommunity(o);
  ASSERT_EQ(a.members.size(), b.members.size());
  for (size_t i = 0; i < a.members.size(); ++i) {
    EXPECT_EQ(a.members[i].nickname, b.members[i].nickname);
  }
  EXPECT_EQ(a.checkins.size(), b.checkins.size());
}

TEST(DemoCommunityTest, TheOfferedParticipantCanCheckInToday) {
  const int64_t today = 20000;
  int others_today = 0;  // The generator does make check-ins for today.
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    DemoCommunity c = GenerateDemoCommunity({today, seed, 300});
    EXPECT_EQ(c.members[kDemoParticipant].openid, "demo-openid-1");
    int running = -1;
    for (size_t i = 0; i < c.campaigns.size(); ++i) {
      const auto& k = c.campaigns[i];
      if (k.starts_on <= today && today < k.starts_on + k.days)
        running = static_cast<int>(i);
    }
    ASSERT_GE(running, 0) << "the demo has a campaign running today";
    EXPECT_TRUE(std::any_of(c.enrollments.begin(), c.enrollments.end(),
                            [&](const DemoEnrollment& e) {
                              return e.member == kDemoParticipant &&
                                     e.campaign == running;
                            }))
        << "seed " << seed;
    const int day =
        static_cast<int>(today - c.campaigns[running].starts_on + 1);
    for (const auto& k : c.checkins) {
      if (k.campaign != running || k.day != day) continue;
      EXPECT_NE(k.member, kDemoParticipant)
          << "seed " << seed << ": today's check-in is left to the visitor";
      ++others_today;
    }
  }
  EXPECT_GT(others_today, 20 * 10);
}

TEST(DemoCommunityTest, TheShopBuyerHasOnlyWhatAnOrderListGives) {
  for (uint32_t seed : {20261122u, 7u, 99u}) {
    DemoCommunity c = GenerateDemoCommunity({20000, seed, 300});
    const DemoMember& b = c.members[kDemoBuyer];
    EXPECT_TRUE(b.openid.empty()) << seed;
    EXPECT_TRUE(b.unionid.empty()) << seed;
    EXPECT_EQ(b.phone, kDemoBuyerPhone);
    int holders = 0;
    for (const auto& m : c.members) holders += m.phone == kDemoBuyerPhone;
    EXPECT_EQ(holders, 1) << seed;
    const int running = 3;
    EXPECT_TRUE(std::any_of(c.enrollments.begin(), c.enrollments.end(),
                            [&](const auto& e) {
                              return e.member == kDemoBuyer &&
                                     e.campaign == running;
                            }))
        << seed;
    for (const auto& k : c.checkins) EXPECT_NE(k.member, kDemoBuyer) << seed;
    for (const auto& e : c.events) EXPECT_NE(e.member, kDemoBuyer) << seed;
    bool in_group = false;
    for (const auto& roster : c.rosters) {
      for (const auto& row : roster.rows) {
        in_group |= row.nickname.find(b.nickname) != std::string::npos;
        EXPECT_TRUE(
            row.unionid.empty() ||
            row.unionid.find("demo-unionid-" + std::to_string(kDemoBuyer)) ==
                std::string::npos);
      }
    }
    EXPECT_TRUE(in_group) << seed << ": the buyer joined the WeChat group";
    // Members enrolled as the buyer is do check in: theirs were taken out.
    EXPECT_TRUE(std::any_of(c.checkins.begin(), c.checkins.end(),
                            [](const auto& k) {
                              return k.member == kDemoBuyer - 1 &&
                                     k.campaign == 3;
                            }))
        << seed;
  }
}

// Lessons in each campaign's group while it runs, read before today only
// by members who could see them; feedback with answers after the question,
// the last days' still open.
TEST(DemoCommunityTest, PublishesLessonsMembersReadAndFeedbackSomeAnswered) {
  const int64_t today = 20000;
  DemoCommunity c = GenerateDemoCommunity({today, 20261122, 300});
  ASSERT_GE(c.contents.size(), 8u);
  std::set<int> groups_with;
  std::set<std::string> series_with;
  for (const auto& k : c.contents) {
    EXPECT_NE(k.group >= 0, !k.series.empty()) << k.title;
    if (k.group >= 0) groups_with.insert(k.group);
    if (!k.series.empty()) series_with.insert(k.series);
    EXPECT_LT(k.published_at_ms, today * 86400000LL) << k.title;
  }
  EXPECT_EQ(groups_with.size(), 4u);  // Every campaign's group.
  EXPECT_EQ(series_with.size(), 2u);
  ASSERT_GT(c.reads.size(), 100u);
  for (const auto& r : c.reads) {
    const DemoContent& k = c.contents[r.content];
    EXPECT_GE(r.at_ms, k.published_at_ms);
    EXPECT_LT(r.at_ms, today * 86400000LL - 8 * 3600 * 1000);
    EXPECT_NE(r.member, kDemoBuyer);
    bool sees = std::any_of(
        c.enrollments.begin(), c.enrollments.end(), [&](const auto& e) {
          return e.member == r.member &&
                 (k.group >= 0 ? c.groups[k.group].campaign == e.campaign
                               : c.campaigns[e.campaign].series == k.series);
        });
    EXPECT_TRUE(sees) << r.member << " read " << k.title;
  }
  int answered = 0, open = 0;
  for (const auto& f : c.feedback) {
    if (f.reply.empty()) {
      ++open;
      EXPECT_FALSE(f.closed);
    } else {
      ++answered;
      EXPECT_GT(f.reply_at_ms, f.at_ms);
    }
  }
  EXPECT_GE(open, 3);
  EXPECT_GT(answered, open);
}

TEST(DemoCommunityTest, HasTheShapeTheReadmePromises) {
  DemoCommunity c = GenerateDemoCommunity({20000, 20261122, 300});
  EXPECT_EQ(c.campaigns.size(), 4u);
  EXPECT_EQ(c.groups.size(), 6u);
  EXPECT_EQ(c.members.size(), 300u);
  std::set<std::string> series;
  for (const auto& k : c.campaigns) series.insert(k.series);
  EXPECT_EQ(series.size(), 2u);
  // Some members renewed into the next campaign of their series.
  std::set<int> in0, renewed;
  for (const auto& e : c.enrollments) {
    if (e.campaign == 0) in0.insert(e.member);
    if (e.campaign == 1 && in0.count(e.member)) renewed.insert(e.member);
  }
  EXPECT_GT(renewed.size(), 20u);
  EXPECT_LT(renewed.size(), in0.size());
  // Check-ins span about 60 days and stay inside their campaign.
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (const auto& k : c.checkins) {
    const auto& camp = c.campaigns[k.campaign];
    ASSERT_GE(k.day, 1);
    ASSERT_LE(k.day, camp.days);
    first = std::min(first, camp.starts_on + k.day - 1);
    last = std::max(last, camp.starts_on + k.day - 1);
  }
  EXPECT_GE(last - first, 55);
  EXPECT_LE(last, 20000);
  // Some members renamed themselves, and every nickname is valid.
  int renamed = 0;
  for (const auto& m : c.members) {
    renamed += !m.earlier_nicknames.empty();
    EXPECT_TRUE(CheckNickname(m.nickname).ok()) << m.nickname;
  }
  EXPECT_GT(renamed, 10);
}

}  // namespace
}  // namespace qunying::community
