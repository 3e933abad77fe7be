// Every route against malformed JSON, wrong types, unknown and unparsable
// ids, garbage queries and an over-long URL: each answer must be an honest
// envelope (no 5xx, the code's first three digits equal to the status, a
// message on every error), the server must keep serving, and what was
// acknowledged before must still be there.
#include "tests/server/demo_sweep.h"

namespace qunying::server {
namespace {

TEST_F(DemoSweepTest, EveryRouteAnswersGarbageHonestlyAndLosesNothing) {
  // What was acknowledged before the sweep: no route deletes check-ins,
  // members or campaigns, so every one of them must still be there after it.
  std::set<std::string> before = AcknowledgedRows();
  ASSERT_GT(before.size(), 4000u);
  auto user = client_->Post(
      "/api/v1/users",
      {{"username", "sweep"}, {"password", "sweep-pass-1"}, {"role", "sales"}},
      staff_);
  ASSERT_EQ(user.status, 201) << user.body.dump();
  throwaway_user_ = user.data()["id"].get<std::string>();

  // Field names: every key the replies show, and those only requests use.
  std::set<std::string> keys(std::begin(kInputOnlyFields),
                             std::end(kInputOnlyFields));
  const auto& routes = app_->router().routes();
  for (const Route& route : routes) {
    if (route.method != "GET" || route.pattern.find('{') != std::string::npos)
      continue;
    auto r = client_->Get(route.pattern, TokenFor(route));
    if (r.status == 200) CollectKeys(r.body, &keys);
  }
  fields_.assign(keys.begin(), keys.end());
  ASSERT_GT(fields_.size(), 60u) << "the replies show too few field names";

  // As an admin every route; as a rep again those a rep may call, whose
  // handlers take other branches for a rep.
  std::map<std::string, std::string> problems;
  size_t requests = Sweep(
      auth::Role::kAdmin, [&] { return AdminToken(); }, &problems);
  std::string rep = CreateStaff("rep-sweep", "sales");
  staff_ = rep;
  requests += Sweep(
      auth::Role::kSales,
      [&] { return LoginAs("rep-sweep", "rep-sweep-pass-1"); }, &problems);
  std::cout << "swept " << routes.size() << " routes with " << requests
            << " requests (seed " << seed_ << ", " << fields_.size()
            << " field names)\n";
  EXPECT_GT(requests, routes.size() * 15);
  size_t shown = 0;
  for (const auto& [where, what] : problems) {
    if (++shown > 25) break;
    ADD_FAILURE() << where << ": " << what;
  }
  EXPECT_TRUE(problems.empty()) << problems.size() << " problems";

  EXPECT_EQ(client_->Get("/healthz").status, 200);
  std::set<std::string> after = AcknowledgedRows();
  std::vector<std::string> lost;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(lost));
  EXPECT_TRUE(lost.empty()) << lost.size() << " rows lost, first " << lost[0];
}

}  // namespace
}  // namespace qunying::server
