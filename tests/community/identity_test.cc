#include "community/identity.h"

#include <gtest/gtest.h>

namespace qunying::community {
namespace {

KnownMember M(int64_t id, std::string nick, std::vector<std::string> old = {},
              std::string unionid = "", std::string wechat = "") {
  return KnownMember{id, std::move(unionid), std::move(wechat), std::move(nick),
                     std::move(old)};
}
RosterRow R(std::string nick, std::string wechat = "",
            std::string unionid = "") {
  return RosterRow{std::move(nick), std::move(wechat), std::move(unionid), 0};
}

TEST(IdentityResolverTest, MatchesRenamedMemberThroughHistory) {
  IdentityIndex index({M(1, "小明妈妈-新名字", {"王小明妈妈"})});
  auto m = index.ResolveSnapshot({R("王小明妈妈")});
  EXPECT_EQ(m[0].member_id, 1);
  EXPECT_EQ(m[0].method, MatchMethod::kNicknameHistory);
  EXPECT_NE(m[0].evidence.find("王小明妈妈"), std::string::npos);
}

TEST(IdentityResolverTest, MatchesDecoratedGroupNicknamesFuzzily) {
  IdentityIndex index({M(1, "王小明妈妈"), M(2, "李欣怡"), M(3, "张子涵妈妈"),
                       M(4, "陈浩然妈妈")});
  auto m =
      index.ResolveSnapshot({R("A王小明妈妈"), R("李欣怡🌸"),
                             R("张子涵妈妈-北京"), R("陈浩然妈妈（三年级）")});
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(m[i].member_id, i + 1) << i;
    EXPECT_EQ(m[i].method, MatchMethod::kFuzzy);
  }
}

TEST(IdentityResolverTest, LookAlikeStrangersAreNotMatched) {
  IdentityIndex index({M(1, "王小明妈妈")});
  auto m = index.ResolveSnapshot({R("王小明爸爸"), R("王小明奶奶🌸")});
  EXPECT_EQ(m[0].member_id, 0);
  EXPECT_FALSE(m[0].review);
  EXPECT_EQ(m[1].member_id, 0);
}

TEST(IdentityResolverTest, ANameSettledInReviewIsNotAskedAgain) {
  // Three members go by "阳光"; an operator settled the group's row as
  // member 2 (review 7). Row 1 carries member 3's wechat id, which wins.
  IdentityIndex index({M(1, "阳光"), M(2, "阳光"), M(3, "阳光", {}, "", "wx-3"),
                       M(4, "小红妈妈")});
  SettledNames settled = {{"阳光", {2, 7}}, {"小红妈妈", {4, 8}}};
  auto m = index.ResolveSnapshot({R("阳光"), R("别名", "wx-3")}, settled);
  EXPECT_FALSE(m[0].review);
  EXPECT_EQ(m[0].member_id, 2);
  EXPECT_EQ(m[0].method, MatchMethod::kReviewed);
  EXPECT_NE(m[0].evidence.find("review #7"), std::string::npos);
  EXPECT_EQ(m[1].member_id, 3);
  EXPECT_EQ(m[1].method, MatchMethod::kWechatId);
  // Without the settlement the row is as ambiguous as before.
  EXPECT_TRUE(index.ResolveSnapshot({R("阳光")})[0].review);
  // Two rows with the settled name still compete for one member; a
  // settled member another row holds by wechat id is not taken again.
  auto two = index.ResolveSnapshot({R("阳光"), R("阳光")}, settled);
  EXPECT_TRUE(two[0].review && two[1].review);
  auto held =
      index.ResolveSnapshot({R("x", "wx-3"), R("阳光")}, {{"阳光", {3, 9}}});
  EXPECT_EQ(held[0].member_id, 3);
  EXPECT_NE(held[1].member_id, 3);
  // A name settled as a member the index does not hold counts for nothing.
  auto gone = index.ResolveSnapshot({R("小红妈妈")}, {{"小红妈妈", {99, 1}}});
  EXPECT_EQ(gone[0].member_id, 4);
  EXPECT_EQ(gone[0].method, MatchMethod::kNickname);
}

TEST(IdentityResolverTest, StrongIdentifiersWinAndClaimTheMember) {
  IdentityIndex index(
      {M(1, "小明妈妈", {}, "u-1"), M(2, "别人", {}, "", "wx-2")});
  // Row 0 calls itself "别人" but carries member 1's unionid; row 1 has the
  // wechat id of member 2; row 2 has member 1's nickname but member 1 is
  // already in this snapshot, so row 2 is somebody else.
  auto m = index.ResolveSnapshot(
      {R("别人", "", "u-1"), R("x", "wx-2"), R("小明妈妈")});
  EXPECT_EQ(m[0].member_id, 1);
  EXPECT_EQ(m[0].method, MatchMethod::kUnionid);
  EXPECT_EQ(m[1].member_id, 2);
  EXPECT_EQ(m[1].method, MatchMethod::kWechatId);
  EXPECT_EQ(m[2].member_id, 0);
}

TEST(IdentityResolverTest, NeverTwoRowsToOneMember) {
  IdentityIndex index({M(1, "王小明妈妈")});
  auto m = index.ResolveSnapshot({R("王小明妈妈🌸"), R("A王小明妈妈")});
  EXPECT_EQ(m[0].member_id, 0);
  EXPECT_EQ(m[1].member_id, 0);
  EXPECT_TRUE(m[0].review);
  EXPECT_TRUE(m[1].review);
}

TEST(IdentityResolverTest, WeChatsPlaceholderNicknameIdentifiesNobody) {
  // Signed in without sharing a nickname: "微信用户", like thousands.
  IdentityIndex index({M(1, "微信用户"), M(2, "王小明妈妈")});
  auto m =
      index.ResolveSnapshot({R("微信用户"), R("微信用户🌸"), R("王小明妈妈")});
  for (int i : {0, 1}) {
    EXPECT_EQ(m[i].member_id, 0) << i;
    EXPECT_FALSE(m[i].review) << i;
  }
  EXPECT_EQ(m[2].member_id, 2);
}

TEST(IdentityResolverTest, AReviewsReasonReadsBackIntoItsParts) {
  IdentityIndex index({M(1, "小雨"), M(2, "小雨"), M(3, "王小明妈妈")});
  auto m = index.ResolveSnapshot(
      {R("小雨"), R("王小明妈妈🌸"), R("A王小明妈妈"), R("★王小明妈妈")});
  ReviewReason ambiguous = ParseReviewReason(m[0].evidence);
  EXPECT_EQ(ambiguous.kind, ReviewReason::Kind::kAmbiguous) << m[0].evidence;
  EXPECT_EQ(ambiguous.method, MatchMethod::kNickname);
  EXPECT_EQ(ambiguous.count, 2);
  ReviewReason contested = ParseReviewReason(m[1].evidence);
  EXPECT_EQ(contested.kind, ReviewReason::Kind::kContested) << m[1].evidence;
  EXPECT_EQ(contested.count, 3);
  for (MatchMethod method :
       {MatchMethod::kUnionid, MatchMethod::kWechatId, MatchMethod::kNickname,
        MatchMethod::kNicknameHistory, MatchMethod::kFuzzy}) {
    ReviewReason r{ReviewReason::Kind::kAmbiguous, method, 12};
    ReviewReason back = ParseReviewReason(ReviewReasonText(r));
    EXPECT_EQ(back.method, method);
    EXPECT_EQ(back.count, 12);
  }
  for (const char* other :
       {"", "fits", "nickname fits  members", "nickname fits x members",
        "cousin fits 2 members", " rows of this snapshot point at one member",
        "-1 rows of this snapshot point at one member", "nickname fits 2"}) {
    EXPECT_EQ(ParseReviewReason(other).kind, ReviewReason::Kind::kOther)
        << other;
  }
}

TEST(IdentityResolverTest, AnExactRowBeatsAFuzzyCompetitor) {
  IdentityIndex index({M(1, "王小明妈妈")});
  auto m = index.ResolveSnapshot({R("王小明妈妈🌸"), R("王小明妈妈")});
  EXPECT_EQ(m[1].member_id, 1);
  EXPECT_EQ(m[1].method, MatchMethod::kNickname);
  EXPECT_EQ(m[0].member_id, 0);  // The decorated one is someone else.
  EXPECT_FALSE(m[0].review);
}

TEST(IdentityResolverTest, SeveralEquallyGoodCandidatesGoToReview) {
  IdentityIndex index({M(1, "小雨"), M(2, "小雨")});
  auto m = index.ResolveSnapshot({R("小雨")});
  EXPECT_EQ(m[0].member_id, 0);
  EXPECT_TRUE(m[0].review);
  EXPECT_EQ(m[0].candidates.size(), 2u);
  auto f = IdentityIndex({M(1, "小雨-北京"), M(2, "小雨（二年级）")})
               .ResolveSnapshot({R("小雨🌸")});
  EXPECT_TRUE(f[0].review);
}

TEST(IdentityResolverTest, CurrentNicknameFuzzyBeatsAnOldOne) {
  // Member 2 was "王小明妈妈" long ago; member 1 is it now (decorated).
  IdentityIndex index({M(1, "王小明妈妈🌸"), M(2, "晨曦", {"王小明妈妈-旧"})});
  auto m = index.ResolveSnapshot({R("A王小明妈妈")});
  EXPECT_EQ(m[0].member_id, 1);
}

}  // namespace
}  // namespace qunying::community
