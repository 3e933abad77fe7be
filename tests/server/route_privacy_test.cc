// Every GET, as each role, must show a member's phone only to whom it is
// for (admins; a rep on their own leads), in fields and in text, and the
// log none.
#include <fstream>
#include <sstream>

#include "server/api.h"
#include "tests/server/demo_sweep.h"

namespace qunying::server {
namespace {

using nlohmann::json;

// Who sees a member's phone (docs/leads.md, docs/community.md): admins, and
// a rep on their own leads. Operators, other reps and participants see it
// masked, in fields and in what members wrote, and the log never holds one.
TEST_F(DemoSweepTest, NoRouteShowsAPhoneToWhomItIsNotFor) {
  std::set<std::string> phones =
      Column("SELECT phone FROM members WHERE phone <> ''");
  ASSERT_GT(phones.size(), 50u);
  std::string rep = CreateStaff("rep-sweep", "sales");
  auto claim = client_->Post("/api/v1/leads/claim", {{"count", 3}}, rep);
  ASSERT_EQ(claim.status, 200) << claim.body.dump();
  std::set<std::string> own = Column(
      "SELECT m.phone FROM leads l JOIN members m ON m.id = l.member_id "
      "JOIN users u ON u.id = l.owner_id "
      "WHERE u.username = 'rep-sweep' AND m.phone <> ''");
  ASSERT_FALSE(own.empty()) << "the claimed leads have no phone";
  const std::string probe = *own.begin();

  // A participant with a phone who also writes phones into a check-in and
  // a feedback; the member routes show this member.
  std::string op = LoginAs("operator", "demo-operator-1");
  std::string campaign = CreateRunningCampaign(op, 2);
  auto enrolled =
      client_->Post("/api/v1/campaigns/" + campaign + "/enrollments",
                    {{"enrollments",
                      {{{"openid", "privacy-kid"},
                        {"nickname", "小红妈妈"},
                        {"phone", "13700001111"}}}}},
                    op);
  ASSERT_EQ(enrolled.status, 200) << enrolled.body.dump();
  std::string kid = ParticipantToken("privacy-kid", "小红妈妈");
  auto checkin = client_->Post("/api/v1/mp/checkins",
                               {{"campaign_id", campaign},
                                {"client_id", "privacy-1"},
                                {"text", "想报下一期，电话13700001111"}},
                               kid);
  ASSERT_EQ(checkin.status, 201) << checkin.body.dump();
  auto feedback = client_->Post(
      "/api/v1/mp/feedback",
      {{"kind", "question"}, {"text", "多少钱？请回电13700002222"}}, kid);
  ASSERT_EQ(feedback.status, 201) << feedback.body.dump();
  phones.insert({"13700001111", "13700002222"});
  ids_["/api/v1/members"] =
      *Column("SELECT id FROM members WHERE phone = '13700001111'").begin();
  ids_["/api/v1/checkins"] = checkin.data()["id"];
  ids_["/api/v1/feedback"] = feedback.data()["id"];

  struct Viewer {
    std::string name, token;
    std::set<std::string> allowed;
    size_t allowed_shown = 0;
  };
  std::vector<Viewer> viewers = {
      {"admin", AdminToken(), phones},
      {"operator", op, {}},
      {"rep", rep, own},
  };
  std::map<std::string, std::string> leaks;
  size_t requests = 0;
  for (Viewer& v : viewers) {
    staff_ = v.token;  // Participant routes go as the demo participant.
    for (const Route& route : app_->router().routes()) {
      if (route.method != "GET") continue;
      for (const std::string& path : Paths(route)) {
        for (const std::string& q :
             {std::string(), std::string("?format=csv"),
              std::string("?limit=500"), "?q=" + probe}) {
          auto res = Send(route, path + q, "", "");
          ++requests;
          if (!res) continue;
          for (const std::string& phone : phones) {
            if (res->body.find(phone) == std::string::npos) continue;
            bool allowed =
                route.access == Access::kStaff && v.allowed.count(phone) > 0;
            if (allowed) {
              ++v.allowed_shown;
            } else {
              // The phone masked, so that the failure does not print it.
              std::string where = MaskPhone(phone);
              where.append(" at ").append(path).append(q);
              leaks.emplace(v.name + " " + route.pattern, where);
            }
          }
        }
      }
    }
  }
  std::cout << "privacy sweep: " << requests << " requests, phones shown to "
            << "admin " << viewers[0].allowed_shown << " times, to the rep "
            << viewers[2].allowed_shown << " times\n";
  for (const auto& [where, what] : leaks)
    ADD_FAILURE() << where << ": " << what;
  // Controls: the sweep does find phones where they may be shown.
  EXPECT_GT(viewers[0].allowed_shown, 0u);
  EXPECT_GT(viewers[2].allowed_shown, 0u);

  app_->Stop();
  std::ifstream in(options_.log_path);
  std::stringstream log;
  log << in.rdbuf();
  ASSERT_GT(log.str().size(), 1000u);
  for (const std::string& phone : phones) {
    EXPECT_EQ(log.str().find(phone), std::string::npos)
        << "the log holds " << phone.substr(0, 3) << "****";
  }
}

}  // namespace
}  // namespace qunying::server
