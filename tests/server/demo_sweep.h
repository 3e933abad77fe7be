// The fixture of the route sweeps (route_garbage_test.cc,
// route_privacy_test.cc): the real server on loopback with the demo
// community, and helpers that fill a route's ids, make garbage queries and
// bodies, send them and judge the answers. The route list is read from the
// server's own table, so a new route is swept without touching the tests.
#ifndef QUNYING_TESTS_SERVER_DEMO_SWEEP_H_
#define QUNYING_TESTS_SERVER_DEMO_SWEEP_H_

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>

#include "tests/server/demo_server_test.h"

namespace qunying::server {

// Names the replies may not show but request bodies use.
inline constexpr const char* kInputOnlyFields[] = {
    "password",     "current_password",
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

inline std::vector<nlohmann::json> GarbageValues() {
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
          nlohmann::json::array(),
          nlohmann::json::object(),
          nlohmann::json::array({1, "a"}),
          nlohmann::json{{"a", {{"b", nlohmann::json::array()}}}},
          "王小明妈妈🌸",
          "2026-03-01T20:15:00+08:00",
          1000000,
          "1"};
}

inline std::string UrlEncode(const std::string& s) {
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

inline void CollectKeys(const nlohmann::json& j, std::set<std::string>* keys) {
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

class DemoSweepTest : public DemoServerTest {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    DemoServerTest::SetUp();  // dev_login is on in every ServerTest.
    ASSERT_FALSE(HasFatalFailure());
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
    // The demo has no WeChat AppID: the routes that call WeChat answer 503
    // (Unavailable), as they should.
    bool calls_wechat = route.pattern == "/api/v1/mp/login" ||
                        route.pattern == "/api/v1/mp/phone";
    if (status >= 500 && !(status == 503 && calls_wechat)) {
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

}  // namespace qunying::server

#endif  // QUNYING_TESTS_SERVER_DEMO_SWEEP_H_
