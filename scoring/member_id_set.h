// MemberIdSet: the members with an open lead, as a pass looks them up —
// a sorted vector of ids, filled once per pass and read by every scoring
// thread, with a cursor that makes lookups in ascending order cheap.
// A pass builds it from ~300,000 leads and looks up a million members:
// as a std::unordered_set that took 50-100 ms of each pass to build (one
// allocation per id), where sorting a vector that is nearly in order
// already takes a few (docs/benchmarks.md, "Twenty-second session").
// Not thread-safe while filled; after Seal(), any number of threads may
// each look up through a Cursor of their own.
#ifndef QUNYING_SCORING_MEMBER_ID_SET_H_
#define QUNYING_SCORING_MEMBER_ID_SET_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace qunying::scoring {

class MemberIdSet {
 public:
  // Empties the set; its vector's capacity stays for the next fill.
  void Clear() { ids_.clear(); }
  // Adds `id`; Seal() must follow the last Add before any lookup.
  void Add(int64_t id) { ids_.push_back(id); }
  // Sorts the ids (unless they came in order) and drops repeats.
  void Seal();

  size_t size() const { return ids_.size(); }

  // Lookups that remember where the last one ended: ids looked up in
  // ascending order cost O(1) each, amortised (a gallop forward from the
  // last position); a smaller id than the last one searches the whole set
  // again. One per thread.
  class Cursor {
   public:
    explicit Cursor(const MemberIdSet& set) : ids_(&set.ids_) {}
    bool Contains(int64_t id);

   private:
    const std::vector<int64_t>* ids_;
    size_t at_ = 0;  // Every id before it is below the last looked up.
  };

 private:
  std::vector<int64_t> ids_;
};

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_MEMBER_ID_SET_H_
