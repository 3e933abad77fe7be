// MemberStore on the embedded SQLite Database. Thread-safe (Database is).
#ifndef QUNYING_STORAGE_SQLITE_MEMBER_STORE_H_
#define QUNYING_STORAGE_SQLITE_MEMBER_STORE_H_

#include "community/member.h"
#include "storage/database.h"

namespace qunying::storage {

class SqliteMemberStore : public community::MemberStore {
 public:
  explicit SqliteMemberStore(Database* db) : db_(db) {}

  Result<community::Member> FindOrCreateByOpenid(const std::string& openid,
                                                 const std::string& unionid,
                                                 const std::string& nickname,
                                                 int64_t now_ms) override;
  Result<community::Member> FindMember(int64_t id) override;
  Status RenameMember(int64_t id, const std::string& nickname,
                      community::NicknameSource source,
                      int64_t now_ms) override;
  Result<std::vector<community::NicknameChange>> NicknameHistory(
      int64_t id) override;
  // storage/member_search.cc.
  Result<int64_t> RecordOfPhone(const std::string& phone) override;
  Status SetPhone(int64_t id, const std::string& phone,
                  int64_t now_ms) override;
  Status SetStaff(int64_t id, bool staff, int64_t actor,
                  int64_t now_ms) override;
  Result<std::vector<community::MemberMatch>> SearchMembers(
      const community::MemberQuery& q, int64_t after_id, int limit) override;

 private:
  Database* db_;
};

// Reads one member by a column ("id" or "openid") on any connection.
// NotFound when absent. Shared with the demo loader and later stores.
Result<community::Member> LoadMember(Connection& c, const char* column,
                                     const std::string& text, int64_t id);

// The member `id` stands for now: itself, or the end of the chain of merges
// that joined it to others (a merged into b merged into c: c).
Result<int64_t> SurvivorOf(Connection& c, int64_t id);

// Whether member `id` signs in to the mini-program: it, or a record merged
// into it (at any depth), has an openid.
Result<bool> SignsIn(Connection& c, int64_t id);

// Inserts a member from whatever identifiers are known (empty ones stay
// NULL); returns the new id. Used by enrollments, rosters and reviews.
Result<int64_t> InsertMember(Connection& c, const community::Member& m,
                             int64_t now_ms);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_SQLITE_MEMBER_STORE_H_
