// Claim latency with many reps claiming at once, over real HTTP on
// loopback against the real server (SQLite on disk), against a baseline in
// the same process: the same clients calling GET /healthz.
// Usage: lead_claim_bench [reps=20] [claims_per_rep=200] [pool=20000]
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/app.h"

using namespace qunying;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

void Die(const std::string& what) {
  std::fprintf(stderr, "lead_claim_bench: %s\n", what.c_str());
  std::exit(1);
}

json Call(httplib::Client& c, const std::string& method,
          const std::string& path, const json& body, const std::string& token) {
  httplib::Headers h{{"Authorization", "Bearer " + token}};
  auto r = method == "GET" ? c.Get(path, h)
                           : c.Post(path, h, body.dump(), "application/json");
  if (!r)
    Die(method + " " + path + ": no answer (" + httplib::to_string(r.error()) +
        ")");
  auto j = json::parse(r->body, nullptr, false);
  if (r->status >= 300) Die(method + " " + path + ": " + r->body);
  return j["data"];
}

struct Latencies {
  std::vector<double> ms;
  double Pct(double p) {
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
  }
};

// `reps` threads, each with its own keep-alive connection, `n` calls each.
template <typename Fn>
Latencies Run(int port, int reps, int n, Fn&& call) {
  std::vector<std::vector<double>> per(reps);
  std::vector<std::thread> threads;
  for (int i = 0; i < reps; ++i) {
    threads.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      for (int k = 0; k < n; ++k) {
        auto t0 = SteadyClock::now();
        call(c, i);
        per[i].push_back(
            std::chrono::duration<double, std::milli>(SteadyClock::now() - t0)
                .count());
      }
    });
  }
  for (auto& t : threads) t.join();
  Latencies all;
  for (auto& p : per) all.ms.insert(all.ms.end(), p.begin(), p.end());
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 20;
  int per_rep = argc > 2 ? std::atoi(argv[2]) : 200;
  int pool = argc > 3 ? std::atoi(argv[3]) : 20000;
  std::string dir = "/tmp/qunying-claim-bench-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  server::AppOptions o;
  o.db.path = dir + "/bench.db";
  o.data_dir = dir + "/data";
  o.log_path = dir + "/server.log";
  o.http.port = 0;
  o.http.threads = reps + 4;
  o.ocr.workers = 0;
  o.lead_schedule = {0, 0, 0};
  o.leads.claim.daily_cap = 1 << 30;
  o.leads.claim.open_cap = 1 << 30;
  o.accounts.hash_strength = auth::HashStrength::kTestOnly;
  auto app = server::App::Create(o);
  if (!app.ok()) Die(app.status().ToString());
  if (!(*app)->accounts().EnsureAdmin("admin", "admin-pass-123").ok())
    Die("admin");
  auto port = (*app)->Start();
  if (!port.ok()) Die(port.status().ToString());
  httplib::Client c("127.0.0.1", *port);
  std::string admin = Call(
      c, "POST", "/api/v1/auth/login",
      {{"username", "admin"}, {"password", "admin-pass-123"}}, "")["token"];
  for (int i = 0; i < pool; i += 500) {
    json rows = json::array();
    for (int k = i; k < std::min(pool, i + 500); ++k)
      rows.push_back({{"external_id", "L" + std::to_string(k)},
                      {"attributes", {{"visits", k % 17}, {"city", "上海"}}}});
    Call(c, "POST", "/api/v1/leads/import", {{"rows", rows}}, admin);
  }
  std::vector<std::string> tokens;
  for (int i = 0; i < reps; ++i) {
    std::string u = "rep" + std::to_string(i);
    Call(c, "POST", "/api/v1/users",
         {{"username", u}, {"password", u + "-pass-1"}, {"role", "sales"}},
         admin);
    tokens.push_back(Call(c, "POST", "/api/v1/auth/login",
                          {{"username", u}, {"password", u + "-pass-1"}},
                          "")["token"]);
  }
  std::printf("%d reps, %d claims each (count 1), pool of %d leads, %d cores\n",
              reps, per_rep, pool,
              static_cast<int>(std::thread::hardware_concurrency()));
  auto health = Run(*port, reps, per_rep, [&](httplib::Client& cl, int) {
    if (!cl.Get("/healthz")) Die("healthz");
  });
  std::vector<std::set<std::string>> got(reps);
  auto t0 = SteadyClock::now();
  auto claims = Run(*port, reps, per_rep, [&](httplib::Client& cl, int i) {
    json d = Call(cl, "POST", "/api/v1/leads/claim", {{"count", 1}}, tokens[i]);
    for (const auto& l : d["items"]) got[i].insert(l["id"].get<std::string>());
  });
  double secs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  std::set<std::string> all;
  size_t total = 0;
  for (const auto& g : got) total += g.size(), all.insert(g.begin(), g.end());
  std::printf("healthz (baseline): p50 %.2f ms  p99 %.2f ms\n", health.Pct(0.5),
              health.Pct(0.99));
  double p50 = claims.Pct(0.5), p99 = claims.Pct(0.99);
  std::printf(
      "claim: p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%.0f claims/s; p99 "
      "%.1fx the healthz p99); %zu leads claimed, %zu distinct%s\n",
      p50, p99, claims.Pct(1.0), claims.ms.size() / secs,
      p99 / health.Pct(0.99), total, all.size(),
      total == all.size() ? "" : "  DUPLICATES!");
  (*app)->Stop();
  std::filesystem::remove_all(dir);
  return total == all.size() ? 0 : 1;
}
