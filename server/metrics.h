// Prometheus metrics: request counts by route, method and status, latency
// histograms by route and method, and gauges read at scrape time (database,
// queues). Thread-safe.
#ifndef QUNYING_SERVER_METRICS_H_
#define QUNYING_SERVER_METRICS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace qunying::server {

class Metrics {
 public:
  // Upper bounds (seconds) of the latency histogram buckets.
  static constexpr std::array<double, 12> kBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  // `route` is the pattern ("/api/v1/users/{id}"), never the raw path, so the
  // label set stays bounded.
  void ObserveRequest(const std::string& route, const std::string& method,
                      int status, double seconds);

  // A gauge whose value is read when /metrics is scraped.
  void AddGauge(std::string name, std::string help,
                std::function<double()> read);

  // The Prometheus text exposition format.
  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> counts_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
  std::vector<Gauge> gauges_;
};

}  // namespace qunying::server

#endif  // QUNYING_SERVER_METRICS_H_
