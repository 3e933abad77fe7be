#include "core/parallel.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace qunying {

Status RunOnThreads(size_t threads, const std::function<Status(size_t)>& work) {
  threads = std::max<size_t>(threads, 1);
  std::vector<Status> status(threads);
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t)
    pool.emplace_back([&, t] { status[t] = work(t); });
  status[0] = work(0);
  for (auto& th : pool) th.join();
  for (const Status& s : status) QY_RETURN_IF_ERROR(s);
  return Status::Ok();
}

}  // namespace qunying
