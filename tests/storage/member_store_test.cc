#include "storage/sqlite_member_store.h"

#include <gtest/gtest.h>

#include "community/demo_community.h"
#include "storage/demo_loader.h"
#include "storage/sqlite_identity_admin_store.h"
#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

using community::NicknameSource;

TEST(SqliteMemberStoreTest, FindOrCreateIsIdempotentPerOpenid) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("m.db"));
  SqliteMemberStore store(db.get());
  auto a = store.FindOrCreateByOpenid("o1", "", "王小明妈妈", 1);
  auto b = store.FindOrCreateByOpenid("o1", "u1", "别的名字", 2);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->id, b->id);
  EXPECT_EQ(b->nickname, "王小明妈妈");  // Login does not rename.
  EXPECT_EQ(b->unionid, "u1");           // But learns the unionid.
}

TEST(SqliteMemberStoreTest, RenameKeepsEveryEarlierNicknameInOrder) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("m.db"));
  SqliteMemberStore store(db.get());
  auto m = store.FindOrCreateByOpenid("o1", "", "王小明妈妈", 1);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(
      store.RenameMember(m->id, "王小明妈妈🌸", NicknameSource::kMiniProgram, 2)
          .ok());
  ASSERT_TRUE(
      store.RenameMember(m->id, "小明妈", NicknameSource::kMiniProgram, 3)
          .ok());
  ASSERT_TRUE(
      store.RenameMember(m->id, "小明妈", NicknameSource::kMiniProgram, 4)
          .ok());
  auto hist = store.NicknameHistory(m->id);
  ASSERT_TRUE(hist.ok());
  ASSERT_EQ(hist->size(), 2u);
  EXPECT_EQ((*hist)[0].nickname, "王小明妈妈");
  EXPECT_EQ((*hist)[1].nickname, "王小明妈妈🌸");
  EXPECT_EQ(store.FindMember(m->id)->nickname, "小明妈");
}

TEST(SqliteMemberStoreTest, UnknownMemberIsNotFound) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("m.db"));
  SqliteMemberStore store(db.get());
  EXPECT_EQ(store.FindMember(999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store.RenameMember(999, "x", NicknameSource::kOperator, 1).code(),
            StatusCode::kNotFound);
}

// Two people of one family prove the phone an order list gave, at once:
// both find the shop's record unclaimed, and only the first joins it. (The
// second would otherwise sign in as the first, and see their check-ins.)
TEST(SqliteMemberStoreTest, OnlyTheFirstSignInJoinsARecordFoundByPhone) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("m.db"));
  SqliteMemberStore members(db.get());
  SqliteIdentityAdminStore identity(db.get());
  int64_t shop = 0;
  ASSERT_TRUE(db->Write([&](Connection& c) -> Status {
                  community::Member m;
                  m.nickname = "王小明妈妈";
                  m.phone = "13800138000";
                  QY_ASSIGN_OR_RETURN(shop, InsertMember(c, m, 1));
                  return Status::Ok();
                }).ok());
  auto mum = members.FindOrCreateByOpenid("o-mum", "", "小明妈", 2);
  auto dad = members.FindOrCreateByOpenid("o-dad", "", "小明爸", 3);
  ASSERT_TRUE(mum.ok() && dad.ok());
  auto found = members.RecordOfPhone("13800138000");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(*found, shop);  // What both of them read.
  ASSERT_TRUE(identity.JoinSignIn(mum->id, shop, "phone", 4).ok());
  auto late = identity.JoinSignIn(dad->id, shop, "phone", 5);
  EXPECT_EQ(late.status().code(), StatusCode::kConflict);
  EXPECT_EQ(members.FindMember(dad->id)->merged_into, 0);
  EXPECT_EQ(members.FindMember(mum->id)->merged_into, shop);
  EXPECT_EQ(*members.RecordOfPhone("13800138000"), 0);  // Claimed now.
}

TEST(DemoLoaderTest, LoadsEverythingOnceAndRefusesASecondLoad) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("demo.db"));
  auto demo = community::GenerateDemoCommunity({20000, 1, 300});
  ASSERT_TRUE(LoadDemoCommunity(*db, demo, 5).ok());
  EXPECT_FALSE(demo.rosters.empty());
  int64_t members = 0, checkins = 0, enrollments = 0;
  ASSERT_TRUE(
      db->Read([&](Connection& c) -> Status {
          for (auto [sql, out] :
               {std::pair{"SELECT COUNT(*) FROM members", &members},
                std::pair{"SELECT COUNT(*) FROM checkins", &checkins},
                std::pair{"SELECT COUNT(*) FROM enrollments", &enrollments}}) {
            QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(sql));
            QY_ASSIGN_OR_RETURN(bool row, st->Step());
            *out = row ? st->Int(0) : -1;
          }
          return Status::Ok();
        }).ok());
  EXPECT_EQ(members, 300);
  EXPECT_EQ(checkins, static_cast<int64_t>(demo.checkins.size()));
  EXPECT_EQ(enrollments, static_cast<int64_t>(demo.enrollments.size()));
  EXPECT_EQ(LoadDemoCommunity(*db, demo, 6).status().code(),
            StatusCode::kConflict);
}

TEST(RosterAliasMigrationTest, ReviewsSettledBeforeTheUpgradeAreRemembered) {
  // Group 1's row "阳光" was settled twice (member 2, then 3: the later
  // counts), "小雨" was dismissed, "晴天" is still open, and "双胞胎" was
  // two rows of one snapshot, settled as two members.
  TempDir dir;
  auto db = UpgradedTestDb(dir.File("old.db"), 29, R"sql(
INSERT INTO chat_groups VALUES (1, 'g', NULL, 't', 's', 0);
INSERT INTO members (id, nickname, created_at_ms, updated_at_ms) VALUES
  (2, '阳光', 0, 0), (3, '阳光', 0, 0);
INSERT INTO roster_snapshots VALUES (1, 1, 0, 1, 0), (2, 1, 9, 5, 9);
INSERT INTO roster_entries (id, snapshot_id, row_no, member_id, nickname,
  method) VALUES (1, 1, 0, 2, '阳光', 'review'), (2, 2, 0, 3, '阳光', 'review'),
  (3, 2, 1, NULL, '小雨', 'review'), (4, 2, 2, NULL, '晴天', 'review'),
  (5, 2, 3, 2, '双胞胎', 'review'), (6, 2, 4, 3, '双胞胎', 'review');
INSERT INTO identity_reviews (id, entry_id, candidates, reason, status,
  resolved_member_id, created_at_ms) VALUES
  (1, 1, '2,3', 'x', 'resolved', 2, 0), (2, 2, '2,3', 'x', 'resolved', 3, 9),
  (3, 3, '2,3', 'x', 'dismissed', NULL, 9), (4, 4, '2,3', 'x', 'open', NULL, 9),
  (5, 5, '2,3', 'x', 'resolved', 2, 9), (6, 6, '2,3', 'x', 'resolved', 3, 9);
)sql");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountOf(db.get(), "SELECT COUNT(*) FROM roster_aliases"), 1);
  EXPECT_EQ(CountOf(db.get(),
                    "SELECT member_id * 10 + review_id FROM roster_aliases"
                    " WHERE group_id = 1 AND nickname = '阳光'"),
            32);
}

}  // namespace
}  // namespace qunying::storage
