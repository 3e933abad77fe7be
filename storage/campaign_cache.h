// PerCampaign<State>: one State per campaign, made on first use, for
// caches of a campaign's figures kept in memory between requests
// (storage/campaign_tally.h, storage/campaign_dwell.h). At most
// `max_campaigns` are kept: the least recently used beyond that are
// dropped, and made again from the database when next asked for.
//
// Thread-safe: Get may be called from any thread; each State is used
// under its own mutex (Slot::mu), so one campaign's refresh does not hold
// up another's.
#ifndef QUNYING_STORAGE_CAMPAIGN_CACHE_H_
#define QUNYING_STORAGE_CAMPAIGN_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace qunying::storage {

template <typename State>
class PerCampaign {
 public:
  struct Slot {
    std::mutex mu;  // Held while State is refreshed and read.
    State state;
  };

  explicit PerCampaign(size_t max_campaigns) : max_(max_campaigns) {}

  // The slot of `campaign_id`, made empty on first use; dropping it from
  // the cache later does not invalidate the pointer.
  std::shared_ptr<Slot> Get(int64_t campaign_id) {
    std::lock_guard lock(mu_);
    auto it = index_.find(campaign_id);
    if (it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return it->second->second;
    }
    order_.emplace_front(campaign_id, std::make_shared<Slot>());
    index_[campaign_id] = order_.begin();
    while (order_.size() > max_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    return order_.front().second;
  }

 private:
  using Entry = std::pair<int64_t, std::shared_ptr<Slot>>;
  std::mutex mu_;
  const size_t max_;
  std::list<Entry> order_;  // Most recently used first.
  std::unordered_map<int64_t, typename std::list<Entry>::iterator> index_;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_CAMPAIGN_CACHE_H_
