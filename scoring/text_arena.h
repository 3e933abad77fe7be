// TextArena: append-only storage for many short texts that live and die
// together (one rescoring pass's factors and model inputs), in blocks that
// stay allocated across Reset(). A pass that writes as much text as the one
// before touches no new memory, so it faults no pages in, and the texts are
// not freed one by one. (Each text is still built in a std::string first
// and copied in.) The memory is held until the arena goes: at most the
// largest pass's texts.
// Not thread-safe: one arena per scoring thread.
#ifndef QUNYING_SCORING_TEXT_ARENA_H_
#define QUNYING_SCORING_TEXT_ARENA_H_

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace qunying::scoring {

class TextArena {
 public:
  // Texts are packed into blocks of `block_bytes` (default 1 MiB); a text
  // longer than that gets a block of its own, freed at the next Reset().
  explicit TextArena(size_t block_bytes = size_t{1} << 20)
      : block_bytes_(block_bytes) {}
  TextArena(TextArena&&) = default;
  TextArena& operator=(TextArena&&) = default;

  // Copies `text` in and returns a view of the copy, valid until the next
  // Reset() or the arena's end (moving the arena keeps it valid).
  std::string_view Add(std::string_view text);
  // Forgets every text; keeps the standard blocks for the next ones.
  void Reset();
  // Bytes held in blocks, used or not.
  size_t reserved_bytes() const;

 private:
  size_t block_bytes_;
  std::vector<std::unique_ptr<char[]>> blocks_;     // Each block_bytes_.
  std::vector<std::unique_ptr<char[]>> oversized_;  // One text each.
  size_t oversized_bytes_ = 0;
  size_t block_ = 0;  // The block being filled (== size(): none yet).
  size_t used_ = 0;   // Bytes used in blocks_[block_].
};

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_TEXT_ARENA_H_
