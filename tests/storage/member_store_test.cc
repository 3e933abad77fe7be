#include "storage/sqlite_member_store.h"

#include <gtest/gtest.h>

#include "community/demo_community.h"
#include "storage/demo_loader.h"
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

}  // namespace
}  // namespace qunying::storage
