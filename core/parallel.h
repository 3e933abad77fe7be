// Running one piece of work on several threads at once, the calling thread
// among them: the plumbing the model's training, its prediction and the
// prediction of stored inputs share. Thread-safe as `work` is.
#ifndef QUNYING_CORE_PARALLEL_H_
#define QUNYING_CORE_PARALLEL_H_

#include <cstddef>
#include <functional>

#include "core/status.h"

namespace qunying {

// Calls work(0) on this thread and work(1) … work(threads - 1) on threads
// of their own (none when `threads` is 0 or 1), waits for all of them, and
// returns the first error by thread index, or Ok.
[[nodiscard]] Status RunOnThreads(size_t threads,
                                  const std::function<Status(size_t)>& work);

}  // namespace qunying

#endif  // QUNYING_CORE_PARALLEL_H_
