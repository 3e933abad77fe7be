#include "server/metrics.h"

#include <sstream>

namespace qunying::server {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::ObserveRequest(const std::string& route,
                             const std::string& method, int status,
                             double seconds) {
  std::lock_guard lock(mu_);
  ++counts_[{route, method, status}];
  Histogram& h = latency_[{route, method}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::AddGauge(std::string name, std::string help,
                       std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::Render() const {
  std::ostringstream out;
  std::lock_guard lock(mu_);
  out << "# HELP qunying_http_requests_total HTTP requests answered.\n"
         "# TYPE qunying_http_requests_total counter\n";
  for (const auto& [key, n] : counts_) {
    const auto& [route, method, status] = key;
    out << "qunying_http_requests_total{route=\"" << Escape(route)
        << "\",method=\"" << method << "\",status=\"" << status << "\"} " << n
        << "\n";
  }
  out << "# HELP qunying_http_request_duration_seconds Time to answer.\n"
         "# TYPE qunying_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    std::string labels =
        "route=\"" + Escape(key.first) + "\",method=\"" + key.second + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out << "qunying_http_request_duration_seconds_bucket{" << labels
          << ",le=\"" << kBuckets[i] << "\"} " << h.buckets[i] << "\n";
    }
    out << "qunying_http_request_duration_seconds_bucket{" << labels
        << ",le=\"+Inf\"} " << h.count << "\n";
    out << "qunying_http_request_duration_seconds_sum{" << labels << "} "
        << h.sum << "\n";
    out << "qunying_http_request_duration_seconds_count{" << labels << "} "
        << h.count << "\n";
  }
  for (const auto& g : gauges_) {
    out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name
        << " gauge\n"
        << g.name << " " << g.read() << "\n";
  }
  return out.str();
}

}  // namespace qunying::server
