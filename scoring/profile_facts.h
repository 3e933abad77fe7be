// ProfileFacts: a member's profile facts (field -> value), kept sorted by
// field in one vector, with the part of std::map's interface the scoring
// uses. A member has a handful of facts; a pass fills a million members'
// afresh, and as a std::map each fact was a node allocated and freed again
// every pass (docs/benchmarks.md, "Twenty-second session"). Cleared, the
// vector keeps its capacity. Iterates in field order, as the std::map did,
// so that fingerprints of the features do not change. Thread-compatible.
#ifndef QUNYING_SCORING_PROFILE_FACTS_H_
#define QUNYING_SCORING_PROFILE_FACTS_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qunying::scoring {

class ProfileFacts {
 public:
  using value_type = std::pair<std::string, std::string>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  ProfileFacts() = default;
  // The first value of a field repeated in `facts` counts, as in a map.
  ProfileFacts(std::initializer_list<value_type> facts);

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  // Forgets every fact; the storage stays for the next.
  void clear() { items_.clear(); }
  void swap(ProfileFacts& o) noexcept { items_.swap(o.items_); }

  iterator find(std::string_view field);
  const_iterator find(std::string_view field) const;
  size_t count(std::string_view field) const { return find(field) != end(); }
  // The value of `field`, added empty if there is none.
  std::string& operator[](std::string_view field);
  // Adds `field` with `value` unless the field is there already; returns
  // where it is and whether it was added.
  std::pair<iterator, bool> emplace(std::string_view field,
                                    std::string_view value);
  // Removes the fact at `it`; returns the one after it.
  iterator erase(const_iterator it) { return items_.erase(it); }

  bool operator==(const ProfileFacts& o) const { return items_ == o.items_; }

 private:
  // The first fact whose field is not below `field`.
  iterator LowerBound(std::string_view field);

  std::vector<value_type> items_;  // Sorted by field, fields unique.
};

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_PROFILE_FACTS_H_
