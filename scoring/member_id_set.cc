#include "scoring/member_id_set.h"

#include <algorithm>

namespace qunying::scoring {

void MemberIdSet::Seal() {
  if (!std::is_sorted(ids_.begin(), ids_.end()))
    std::sort(ids_.begin(), ids_.end());
  ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
}

bool MemberIdSet::Cursor::Contains(int64_t id) {
  const std::vector<int64_t>& v = *ids_;
  const size_t n = v.size();
  size_t lo = at_;
  if (lo > n || (lo > 0 && v[lo - 1] >= id)) lo = 0;  // Back: search all.
  // Every id before `lo` is below `id`; double the step until an id at
  // `hi` is not (or the end), then search between.
  size_t hi = lo, step = 1;
  while (hi < n && v[hi] < id) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = std::min(hi, n);
  at_ = static_cast<size_t>(
      std::lower_bound(v.begin() + static_cast<std::ptrdiff_t>(lo),
                       v.begin() + static_cast<std::ptrdiff_t>(hi), id) -
      v.begin());
  return at_ < n && v[at_] == id;
}

}  // namespace qunying::scoring
