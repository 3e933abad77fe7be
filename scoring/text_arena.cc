#include "scoring/text_arena.h"

#include <cstring>

namespace qunying::scoring {

std::string_view TextArena::Add(std::string_view text) {
  if (text.empty()) return {};
  if (text.size() > block_bytes_) {
    oversized_.push_back(std::make_unique<char[]>(text.size()));
    oversized_bytes_ += text.size();
    std::memcpy(oversized_.back().get(), text.data(), text.size());
    return {oversized_.back().get(), text.size()};
  }
  if (block_ == blocks_.size() || used_ + text.size() > block_bytes_) {
    if (block_ < blocks_.size()) ++block_;  // The current one is full.
    if (block_ == blocks_.size())
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_bytes_));
    used_ = 0;
  }
  char* at = blocks_[block_].get() + used_;
  std::memcpy(at, text.data(), text.size());
  used_ += text.size();
  return {at, text.size()};
}

void TextArena::Reset() {
  block_ = 0;
  used_ = 0;
  oversized_.clear();
  oversized_bytes_ = 0;
}

size_t TextArena::reserved_bytes() const {
  return blocks_.size() * block_bytes_ + oversized_bytes_;
}

}  // namespace qunying::scoring
