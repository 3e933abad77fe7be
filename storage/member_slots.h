// MemberSlots: a value per member id, for digests that keep something for
// most of a million members between scoring passes. Ids below kMaxDense
// find their value through a 4-byte slot in an array indexed by id; larger
// ids (rare) through a hash map; the values sit in a compact array in the
// order first seen, so one stray large id costs no memory per smaller id.
// Not thread-safe.
#ifndef QUNYING_STORAGE_MEMBER_SLOTS_H_
#define QUNYING_STORAGE_MEMBER_SLOTS_H_

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace qunying::storage {

template <typename T>
class MemberSlots {
 public:
  static constexpr int64_t kMaxDense = 16'000'000;

  // Null when `member_id` has no value.
  const T* Find(int64_t member_id) const {
    int32_t slot = -1;
    if (member_id >= 0 && member_id < static_cast<int64_t>(slot_.size())) {
      slot = slot_[member_id];
    } else if (auto it = sparse_.find(member_id); it != sparse_.end()) {
      slot = it->second;
    }
    return slot < 0 ? nullptr : &values_[slot];
  }

  // The member's value, default-constructed the first time.
  T& At(int64_t member_id) {
    int32_t* slot;
    if (member_id >= 0 && member_id < kMaxDense) {
      if (member_id >= static_cast<int64_t>(slot_.size())) {
        slot_.resize(std::max<size_t>(member_id + 1, slot_.size() * 3 / 2), -1);
      }
      slot = &slot_[member_id];
    } else {
      slot = &sparse_.try_emplace(member_id, -1).first->second;
    }
    if (*slot < 0) {
      *slot = static_cast<int32_t>(values_.size());
      values_.emplace_back();
    }
    return values_[*slot];
  }

  // Calls fn(member_id, value) for every member with a value: ids below
  // kMaxDense in ascending order, then the others.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t id = 0; id < slot_.size(); ++id)
      if (slot_[id] >= 0) fn(static_cast<int64_t>(id), values_[slot_[id]]);
    for (const auto& [id, slot] : sparse_) fn(id, values_[slot]);
  }
  size_t size() const { return values_.size(); }

  void Clear() {
    slot_.clear();
    sparse_.clear();
    values_.clear();
  }

 private:
  std::vector<int32_t> slot_;  // Member id -> position in values_, or -1.
  std::unordered_map<int64_t, int32_t> sparse_;  // The same, ids ≥ kMaxDense.
  std::vector<T> values_;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_MEMBER_SLOTS_H_
