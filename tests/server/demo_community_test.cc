// The demo community as an operator meets it through the API.
#include "community/demo_community.h"
#include "tests/server/demo_server_test.h"

namespace qunying::server {
namespace {

using json = nlohmann::json;

class DemoCommunityTest : public DemoServerTest {
 protected:
  void SetUp() override {
    DemoServerTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    op_ = LoginAs("operator", "demo-operator-1");
  }
  std::string op_;
};

TEST_F(DemoCommunityTest,
       TheClassTeacherInEveryRosterIsStaffNotADormantMember) {
  auto found = client_->Get(
      std::string("/api/v1/members?q=") + community::kDemoTeacherWechatId, op_);
  ASSERT_EQ(found.status, 200) << found.body.dump();
  ASSERT_EQ(found.data()["items"].size(), 1u) << found.body.dump();
  const json teacher = found.data()["items"][0];
  EXPECT_EQ(teacher["staff"], true);
  const json groups = client_->Get("/api/v1/groups?limit=100", op_).data();
  ASSERT_FALSE(groups["items"].empty());
  for (const json& g : groups["items"]) {
    const std::string id = g["id"];
    // In the group's latest roster, matched to the one member …
    const json t =
        client_->Get("/api/v1/groups/" + id + "/timeline", op_).data();
    bool joined = false;
    for (const json& e : t["events"])
      joined =
          joined || (e["member_id"] == teacher["id"] && e["kind"] == "join");
    EXPECT_TRUE(joined) << id;
    // … but never among those the operators would try to win back.
    auto dormant = client_->Get(
        "/api/v1/groups/" + id + "/dormant?days=365&limit=500", op_);
    ASSERT_EQ(dormant.status, 200) << dormant.body.dump();
    EXPECT_GT(dormant.data()["count"].get<int>(), 0) << id;
    for (const json& m : dormant.data()["items"])
      EXPECT_NE(m["member_id"], teacher["id"]) << id;
  }
}

}  // namespace
}  // namespace qunying::server
