// AccountService over the real SQLite store.
#include "auth/account_service.h"

#include <gtest/gtest.h>

#include <future>

#include "storage/sqlite_account_store.h"
#include "tests/storage/test_db.h"

namespace qunying::auth {
namespace {

using storage::OpenTestDb;
using storage::SqliteAccountStore;
using storage::TempDir;

constexpr int64_t kHour = 3600 * 1000;

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDb(dir_.File("acc.db"));
    store_ = std::make_unique<SqliteAccountStore>(db_.get());
    AccountOptions o;
    o.hash_strength = HashStrength::kTestOnly;
    o.rate_limits.max_failures_per_account = 3;
    service_ = std::make_unique<AccountService>(store_.get(), &clock_, o);
    ASSERT_TRUE(
        service_->CreateUser({"alice", "alice-pass-1", "operator", ""}).ok());
  }

  TempDir dir_;
  FakeClock clock_{1'800'000'000'000};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<SqliteAccountStore> store_;
  std::unique_ptr<AccountService> service_;
};

TEST_F(AccountServiceTest, LoginReturnsATokenThatAuthenticates) {
  auto login = service_->Login("alice", "alice-pass-1", "1.2.3.4");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->role, Role::kOperator);
  auto who = service_->Authenticate(login->token, SessionKind::kStaff);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->id, login->user_id);
  EXPECT_EQ(who->role, Role::kOperator);
}

TEST_F(AccountServiceTest, OnlyTheTokenHashIsStored) {
  auto login = service_->Login("alice", "alice-pass-1", "1.2.3.4");
  ASSERT_TRUE(login.ok());
  int found = 0;
  ASSERT_TRUE(
      db_->Read([&](storage::Connection& c) -> Status {
           QY_ASSIGN_OR_RETURN(
               storage::Statement * st,
               c.Prepare("SELECT COUNT(*) FROM sessions WHERE token_hash = ?"));
           st->Bind(1, login->token);
           QY_ASSIGN_OR_RETURN(bool row, st->Step());
           found = row ? static_cast<int>(st->Int(0)) : -1;
           return Status::Ok();
         })
          .ok());
  EXPECT_EQ(found, 0);
}

TEST_F(AccountServiceTest, WrongPasswordAndUnknownUserLookTheSame) {
  auto wrong = service_->Login("alice", "nope-nope-1", "1.2.3.4");
  auto unknown = service_->Login("mallory", "nope-nope-1", "1.2.3.4");
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
}

TEST_F(AccountServiceTest,
       RepeatedFailuresAreRateLimitedEvenWithTheRightPassword) {
  for (int i = 0; i < 3; ++i) {
    (void)service_->Login("alice", "wrong-pass-1", "1.2.3.4");
  }
  EXPECT_EQ(service_->Login("alice", "alice-pass-1", "1.2.3.4").status().code(),
            StatusCode::kRateLimited);
  clock_.Advance(16 * 60 * 1000);
  EXPECT_TRUE(service_->Login("alice", "alice-pass-1", "1.2.3.4").ok());
}

TEST_F(AccountServiceTest, IdleSessionsExpireButActiveOnesLiveOn) {
  auto login = service_->Login("alice", "alice-pass-1", "1.2.3.4");
  ASSERT_TRUE(login.ok());
  for (int i = 0; i < 5; ++i) {  // Used every 7 h: never idle for 8 h.
    clock_.Advance(7 * kHour);
    ASSERT_TRUE(service_->Authenticate(login->token, SessionKind::kStaff).ok())
        << "hour " << (i + 1) * 7;
  }
  clock_.Advance(8 * kHour);
  EXPECT_EQ(
      service_->Authenticate(login->token, SessionKind::kStaff).status().code(),
      StatusCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, ATouchNotYetCommittedStillKeepsTheSessionAlive) {
  auto login = service_->Login("alice", "alice-pass-1", "1.2.3.4");
  ASSERT_TRUE(login.ok());
  // Hold the writer, so that every touch from here on waits in its queue.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ASSERT_TRUE(db_->Submit([released](storage::Connection&) {
                   released.wait();
                   return Status::Ok();
                 })
                  .ok());
  clock_.Advance(7 * kHour);
  auto first = service_->Authenticate(login->token, SessionKind::kStaff);
  clock_.Advance(7 * kHour);  // 14 h after sign-in, 7 h after the last use.
  auto second = service_->Authenticate(login->token, SessionKind::kStaff);
  release.set_value();
  EXPECT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(second.ok()) << second.status().ToString();
}

TEST_F(AccountServiceTest, ATouchByRowIdMovesOnlyItsOwnSession) {
  int64_t now = clock_.NowMillis();
  for (const char* hash : {"hash-a", "hash-b"}) {
    SessionRecord s;
    s.token_hash = hash;
    s.kind = SessionKind::kParticipant;
    s.subject_id = 7;
    s.created_at_ms = s.last_seen_ms = now;
    s.expires_at_ms = now + 100 * kHour;
    ASSERT_TRUE(store_->CreateSession(s).ok());
  }
  auto a = store_->FindSession("hash-a");
  auto b = store_->FindSession("hash-b");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_GT(a->row_id, 0);
  ASSERT_NE(a->row_id, b->row_id);
  ASSERT_TRUE(store_->TouchSession("hash-a", a->row_id, now + 1000).ok());
  // A row id that is not the token's own changes nothing.
  ASSERT_TRUE(store_->TouchSession("hash-b", a->row_id, now + 5000).ok());
  // Without a row id, the token hash finds the row.
  ASSERT_TRUE(store_->TouchSession("hash-b", 0, now + 2000).ok());
  // Queued touches commit before a write queued after them returns.
  ASSERT_TRUE(
      db_->Write([](storage::Connection&) { return Status::Ok(); }).ok());
  EXPECT_EQ(store_->FindSession("hash-a")->last_seen_ms, now + 1000);
  EXPECT_EQ(store_->FindSession("hash-b")->last_seen_ms, now + 2000);
}

TEST_F(AccountServiceTest, SessionsDieAtTheAbsoluteLimitHoweverUsed) {
  auto login = service_->Login("alice", "alice-pass-1", "1.2.3.4");
  ASSERT_TRUE(login.ok());
  for (int h = 0; h < 7 * 24 - 1; h += 6) {
    clock_.Advance(6 * kHour);
    if (!service_->Authenticate(login->token, SessionKind::kStaff).ok()) break;
  }
  clock_.Advance(6 * kHour);
  EXPECT_FALSE(service_->Authenticate(login->token, SessionKind::kStaff).ok());
}

TEST_F(AccountServiceTest, LogoutRevokesTheToken) {
  auto login = service_->Login("alice", "alice-pass-1", "1.2.3.4");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(service_->Logout(login->token).ok());
  EXPECT_FALSE(service_->Authenticate(login->token, SessionKind::kStaff).ok());
}

TEST_F(AccountServiceTest, ParticipantAndStaffTokensDoNotCross) {
  auto p = service_->StartParticipantSession(42);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(service_->Authenticate(*p, SessionKind::kParticipant).ok());
  EXPECT_FALSE(service_->Authenticate(*p, SessionKind::kStaff).ok());
  auto s = service_->Login("alice", "alice-pass-1", "1.2.3.4");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(
      service_->Authenticate(s->token, SessionKind::kParticipant).ok());
}

TEST_F(AccountServiceTest, TheSessionCacheKeepsRolesAndForgetsOnLogout) {
  auto login = service_->Login("alice", "alice-pass-1", "1.2.3.4");
  ASSERT_TRUE(login.ok());
  // Tried first as a participant token (refused), then as staff: the
  // cached entry must still carry the staff role.
  EXPECT_FALSE(
      service_->Authenticate(login->token, SessionKind::kParticipant).ok());
  auto who = service_->Authenticate(login->token, SessionKind::kStaff);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->role, Role::kOperator);
  ASSERT_TRUE(service_->Logout(login->token).ok());
  EXPECT_FALSE(service_->Authenticate(login->token, SessionKind::kStaff).ok());
}

TEST_F(AccountServiceTest, WarmingLoadsOnlyLiveSessionsAndTheyStillExpire) {
  auto live = service_->StartParticipantSession(7);
  auto revoked = service_->StartParticipantSession(8);
  auto staff = service_->Login("alice", "alice-pass-1", "1.2.3.4");
  ASSERT_TRUE(live.ok() && revoked.ok() && staff.ok());
  ASSERT_TRUE(service_->Logout(*revoked).ok());
  clock_.Advance(kHour);
  auto later = service_->StartParticipantSession(9);
  ASSERT_TRUE(later.ok());
  // A restarted server: a new service over the same database.
  AccountOptions o;
  o.hash_strength = HashStrength::kTestOnly;
  AccountService restarted(store_.get(), &clock_, o);
  auto warm = restarted.WarmSessionCache();
  ASSERT_TRUE(warm.ok()) << warm.status().ToString();
  EXPECT_EQ(*warm, 2u);  // 7 and 9: not the revoked one, nor staff.
  EXPECT_EQ(restarted.Authenticate(*live, SessionKind::kParticipant)->id, 7);
  EXPECT_FALSE(
      restarted.Authenticate(*revoked, SessionKind::kParticipant).ok());
  auto who = restarted.Authenticate(staff->token, SessionKind::kStaff);
  ASSERT_TRUE(who.ok());  // Read from the store on first use.
  EXPECT_EQ(who->role, Role::kOperator);
  // Cached or not, a session still dies at its staff idle limit.
  clock_.Advance(8 * kHour);
  EXPECT_FALSE(restarted.Authenticate(staff->token, SessionKind::kStaff).ok());
  EXPECT_TRUE(restarted.Authenticate(*later, SessionKind::kParticipant).ok());
}

TEST_F(AccountServiceTest, ForgettingASubjectRereadsItsMovedSessions) {
  auto token = service_->StartParticipantSession(42);
  ASSERT_TRUE(token.ok());
  ASSERT_EQ(service_->Authenticate(*token, SessionKind::kParticipant)->id, 42);
  // What a member merge does to the sessions table, outside the service.
  ASSERT_TRUE(db_->Write([&](storage::Connection& c) -> Status {
                   QY_ASSIGN_OR_RETURN(
                       storage::Statement * st,
                       c.Prepare("UPDATE sessions SET subject_id = 43"));
                   return st->Run();
                 })
                  .ok());
  EXPECT_EQ(service_->Authenticate(*token, SessionKind::kParticipant)->id, 42)
      << "served from the cache until told";
  service_->ForgetSessionsOf(SessionKind::kParticipant, 42);
  EXPECT_EQ(service_->Authenticate(*token, SessionKind::kParticipant)->id, 43);
}

TEST_F(AccountServiceTest, CreateUserValidatesEveryField) {
  EXPECT_EQ(service_->CreateUser({"alice", "alice-pass-2", "sales", ""})
                .status()
                .code(),
            StatusCode::kConflict);
  EXPECT_EQ(
      service_->CreateUser({"b", "valid-pass-1", "sales", ""}).status().field(),
      "username");
  EXPECT_EQ(service_->CreateUser({"bob", "valid-pass-1", "boss", ""})
                .status()
                .field(),
            "role");
  EXPECT_EQ(
      service_->CreateUser({"bob", "short", "sales", ""}).status().field(),
      "password");
  EXPECT_EQ(service_->CreateUser({"bob", "valid-pass-1", "participant", ""})
                .status()
                .field(),
            "role");
}

TEST_F(AccountServiceTest, EnsureAdminCreatesOnlyTheFirst) {
  auto first = service_->EnsureAdmin("root", "root-pass-12");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  auto second = service_->EnsureAdmin("root2", "root-pass-12");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  EXPECT_EQ(*store_->CountUsersWithRole(Role::kAdmin), 1);
}

}  // namespace
}  // namespace qunying::auth
