// Sweeps of every route of the real server on the demo community. The route
// list is read from the server's own table, so a new route is swept without
// touching these tests.
// - Garbage: malformed JSON, wrong types, unknown and unparsable ids,
//   garbage queries and an over-long URL. Each answer must be an honest
//   envelope (no 5xx, the code's first three digits equal to the status, a
//   message on every error), the server must keep serving, and what was
//   acknowledged before must still be there.
// - Privacy: every GET, as each role, must show a member's phone only to
//   whom it is for (admins; a rep on their own leads), and the log none.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "server/demo.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

using nlohmann::json;

// Names the replies may not show but request bodies use.
const char* const kInputOnlyFields[] = {"password",     "current_password",
                                        "new_password", "username",
                                        "role",         "rows",
                                        "csv",          "format",
                                        "decision",     "into",
                                        "weights",      "tiers",
                                        "enrollments",  "events",
                                        "code",         "openid",
                                        "unionid",      "client_id",
                                        "makeup_day",   "outcome",
                                        "lost_reason",  "limit",
                                        "cursor",       "q"};

std::vector<json> GarbageValues() {
  return {nullptr,
          true,
          false,
          0,
          -1,
          1.5,
          1e300,
          std::numeric_limits<int64_t>::min(),
          std::numeric_limits<uint64_t>::max(),
          "",
          "x",
          "-1",
          "1e3",
          "2026-13-45",
          std::string("a\0b", 3),
          std::string(5000, 'A'),
          json::array(),
          json::object(),
          json::array({1, "a"}),
          json{{"a", {{"b", json::array()}}}},
          "王小明妈妈🌸",
          "2026-03-01T20:15:00+08:00",
          1000000,
          "1"};
}

std::string UrlEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void CollectKeys(const json& j, std::set<std::string>* keys) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (!k.empty() && k.size() <= 32 &&
          k.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") ==
              std::string::npos) {
        keys->insert(k);
      }
      CollectKeys(v, keys);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) CollectKeys(v, keys);
  }
}

class DemoSweepTest : public ServerTest {
 protected:
  void SetUp() override {
    options_.dev_login = true;
    Start();
    ASSERT_FALSE(HasFatalFailure());
    auto seeded = SeedDemo(*app_, clock_);
    ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
    if (const char* s = std::getenv("QY_SWEEP_SEED")) seed_ = std::atoi(s);
    rng_.seed(seed_);
    staff_ = AdminToken();
    participant_ = ParticipantToken("demo-openid-1", "sweep");
  }

  const std::string& TokenFor(const Route& route) {
    static const std::string kNone;
    if (route.access == Access::kStaff) return staff_;
    if (route.access == Access::kParticipant) return participant_;
    return kNone;
  }

  // The first item's id of the list at `prefix`, or "1".
  std::string RealId(const Route& route, const std::string& prefix,
                     const std::string& param) {
    auto r = client_->Get(prefix + "?limit=1", TokenFor(route));
    if (r.status == 200 && r.data().is_object() && r.data().contains("items") &&
        !r.data()["items"].empty()) {
      const json& item = r.data()["items"][0];
      for (const char* key : {param.c_str(), "id"}) {
        if (item.contains(key) && item[key].is_string())
          return item[key].get<std::string>();
      }
    }
    return "1";
  }

  // The route's path with its parameters filled: first with ids that exist
  // (so handlers go on to read the body), then with unknown and unparsable
  // ones.
  std::vector<std::string> Paths(const Route& route) {
    std::vector<std::string> segments = SplitPath(route.pattern);
    bool has_param = std::any_of(segments.begin(), segments.end(),
                                 [](auto& s) { return s[0] == '{'; });
    std::vector<std::string> out;
    for (const char* variant :
         {"", "999999999", "abc", "-1", "99999999999999999999999"}) {
      std::string path;
      for (const std::string& s : segments) {
        std::string part = s;
        if (s[0] == '{') {
          std::string param = s.substr(1, s.size() - 2);
          if (*variant) {
            part = variant;
          } else if (path.rfind("/api/v1/users", 0) == 0) {
            part = throwaway_user_;  // Never the admin the sweep signs in as.
          } else if (ids_.count(path)) {
            part = ids_[path];
          } else {
            part = RealId(route, path, param);
          }
        }
        path += "/" + part;
      }
      out.push_back(path);
      if (!has_param) break;
    }
    return out;
  }

  json RandomObject() {
    json o = json::object();
    std::uniform_int_distribution<size_t> count(1, 10);
    std::uniform_int_distribution<size_t> field(0, fields_.size() - 1);
    std::uniform_int_distribution<size_t> value(0, garbage_.size() - 1);
    for (size_t n = count(rng_); n > 0; --n)
      o[fields_[field(rng_)]] = garbage_[value(rng_)];
    return o;
  }

  std::vector<std::string> Queries() {
    std::vector<std::string> qs = {"",
                                   "?limit=abc",
                                   "?limit=-5&cursor=%FF%FE",
                                   "?limit=100000",
                                   "?limit=0&cursor=abc",
                                   "?format=xml&q=%00",
                                   "?q=" + std::string(9000, 'A')};
    for (int i = 0; i < 8; ++i) {
      std::string q;
      json o = RandomObject();
      for (const auto& [k, v] : o.items()) {
        q += (q.empty() ? "?" : "&") + k + "=" +
             UrlEncode(v.is_string() ? v.get<std::string>() : v.dump());
      }
      qs.push_back(q);
    }
    return qs;
  }

  std::vector<std::pair<std::string, std::string>> Bodies() {
    std::vector<std::pair<std::string, std::string>> bodies;
    const std::string kJson = "application/json";
    for (std::string b : std::vector<std::string>{
             "", "{", "[]", "null", "\"s\"", "{}", "{\"a\":1,}", "1",
             "{\"name\":\"\xff\xfe\"}", "{\"limit\": 1e999}",
             std::string(3000, '[')}) {
      bodies.emplace_back(b, kJson);
    }
    for (const json& v : garbage_) {
      json all = json::object();
      for (const auto& f : fields_) all[f] = v;
      bodies.emplace_back(all.dump(), kJson);
    }
    for (int i = 0; i < 8; ++i)
      bodies.emplace_back(RandomObject().dump(), kJson);
    bodies.emplace_back("名字,手机\n\"unclosed,1\n", "text/csv");
    bodies.emplace_back("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n",
                        "multipart/form-data; boundary=x");
    return bodies;
  }

  struct Probe {
    std::string target, body, type;
  };
  // What the sweep sends to one path: garbage queries to a GET, garbage
  // bodies to anything else.
  std::vector<Probe> Probes(const Route& route, const std::string& path) {
    std::vector<Probe> probes;
    if (route.method == "GET") {
      for (const std::string& q : Queries())
        probes.push_back({path + q, "", ""});
    } else {
      for (auto& [body, type] : Bodies()) probes.push_back({path, body, type});
    }
    return probes;
  }

  // Checks one answer; returns what is wrong with it, or "".
  static std::string Problem(const Route& route, const httplib::Result& res) {
    if (!res) return "no answer: " + httplib::to_string(res.error());
    int status = res->status;
    if (status >= 500 &&
        !(status == 503 && route.pattern == "/api/v1/mp/login")) {
      return "status " + std::to_string(status) + ": " +
             res->body.substr(0, 200);
    }
    if (res->get_header_value("Content-Type").find("json") ==
        std::string::npos) {
      return status >= 400 ? "an error without the JSON envelope" : "";
    }
    json body = json::parse(res->body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("code") ||
        !body["code"].is_number_integer() || !body.contains("msg") ||
        !body["msg"].is_string() || !body.contains("request_id")) {
      return "not an envelope: " + res->body.substr(0, 200);
    }
    int code = body["code"].get<int>();
    if (status >= 400 &&
        (code / 100 != status || body["msg"].get<std::string>().empty())) {
      return "status " + std::to_string(status) + " with " + body.dump();
    }
    if (status < 400 && code != 0) return "success with code " + body.dump();
    return "";
  }

  // The first column of every row `sql` returns, as text.
  std::set<std::string> Column(const std::string& sql) {
    std::set<std::string> out;
    Status read = app_->db().Read([&](storage::Connection& c) -> Status {
      QY_ASSIGN_OR_RETURN(auto* st, c.Prepare(sql));
      return storage::ForEachRow(
          st, [&](const storage::Statement& row) { out.insert(row.Text(0)); });
    });
    EXPECT_TRUE(read.ok()) << read.ToString();
    return out;
  }

  // Sends every probe to each staff route `role` may call (as an admin, to
  // every route), signing in again with `sign_in` should the session end;
  // records one problem per route and status. Returns the requests sent.
  size_t Sweep(auth::Role role, const std::function<std::string()>& sign_in,
               std::map<std::string, std::string>* problems) {
    size_t requests = 0;
    for (const Route& route : app_->router().routes()) {
      bool allowed = route.roles.empty() ||
                     std::find(route.roles.begin(), route.roles.end(), role) !=
                         route.roles.end();
      if (role != auth::Role::kAdmin &&
          (route.access != Access::kStaff || !allowed)) {
        continue;
      }
      // Signing out or changing the password would end the sweep's session.
      if (route.pattern == "/api/v1/auth/logout" ||
          route.pattern == "/api/v1/auth/password") {
        continue;
      }
      for (const std::string& path : Paths(route)) {
        for (const auto& [target, body, type] : Probes(route, path)) {
          auto res = Send(route, target, body, type);
          ++requests;
          std::string problem = Problem(route, res);
          std::string where = std::string(auth::RoleName(role)) + " " +
                              route.method + " " + route.pattern + " ";
          if (!problem.empty()) {
            problems->emplace(where + std::to_string(res ? res->status : -1),
                              problem + " [" + target.substr(0, 80) + " body " +
                                  body.substr(0, 80) + "]");
          }
          if (res && res->status == 401 && route.access != Access::kPublic) {
            problems->emplace(where + "401", "the sweep's session ended");
            staff_ = sign_in();
            participant_ = ParticipantToken("demo-openid-1", "sweep");
          }
        }
      }
    }
    return requests;
  }

  // "checkins 17", "members 3", …: the rows no route may delete.
  std::set<std::string> AcknowledgedRows() {
    std::set<std::string> rows;
    Status read = app_->db().Read([&](storage::Connection& c) -> Status {
      for (const char* table : {"checkins", "members", "campaigns"}) {
        QY_ASSIGN_OR_RETURN(auto* st,
                            c.Prepare(std::string("SELECT id FROM ") + table));
        QY_RETURN_IF_ERROR(
            storage::ForEachRow(st, [&](const storage::Statement& row) {
              rows.insert(std::string(table) + " " +
                          std::to_string(row.Int(0)));
            }));
      }
      return Status::Ok();
    });
    EXPECT_TRUE(read.ok()) << read.ToString();
    return rows;
  }

  httplib::Result Send(const Route& route, const std::string& path,
                       const std::string& body, const std::string& type) {
    httplib::Headers headers;
    const std::string& token = TokenFor(route);
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    auto& http = client_->raw();
    if (route.method == "GET") return http.Get(path, headers);
    if (route.method == "POST") return http.Post(path, headers, body, type);
    if (route.method == "PUT") return http.Put(path, headers, body, type);
    if (route.method == "PATCH") return http.Patch(path, headers, body, type);
    return http.Delete(path, headers, body, type);
  }

  int seed_ = 20261206;
  std::mt19937 rng_;
  std::string staff_, participant_, throwaway_user_ = "1";
  std::vector<std::string> fields_;
  // Ids to fill in after a path prefix ("/api/v1/members" → "17").
  std::map<std::string, std::string> ids_;
  std::vector<json> garbage_ = GarbageValues();
};

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
              leaks.emplace(v.name + " " + route.pattern,
                            phone.substr(0, 3) + "****" + phone.substr(7) +
                                " at " + path + q);
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
