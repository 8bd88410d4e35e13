// Running one loop on the machine's cores: for work that a single request or command must
// finish soon and that splits into independent items (parsing a page of stored documents,
// rendering a page of harvest records).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace disan {

// Calls fn(i) for every i in [0, n), on the calling thread and on up to (cores - 1) more
// threads, each taking the next unclaimed index. Fewer than `min_per_thread` items per thread
// stay on the calling thread, where starting a thread would cost more than it saves. fn must
// be safe to call concurrently for different i; ParallelFor returns when every call has, and
// then rethrows the first exception any call threw (the other items still ran).
template <typename Fn>
void ParallelFor(size_t n, size_t min_per_thread, Fn&& fn) {
  const size_t cores = std::max<size_t>(1, std::thread::hardware_concurrency());
  const size_t threads = std::min(cores, n / std::max<size_t>(1, min_per_thread));
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::mutex failed_mu;
  std::exception_ptr failed;
  auto work = [&] {
    for (size_t i = next.fetch_add(1, std::memory_order_relaxed); i < n;
         i = next.fetch_add(1, std::memory_order_relaxed)) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard lock(failed_mu);
        if (!failed) failed = std::current_exception();
      }
    }
  };
  {
    std::vector<std::jthread> helpers;
    helpers.reserve(threads - 1);
    for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
  }
  if (failed) std::rethrow_exception(failed);
}

// Workers for a pipeline stage between one reading and one writing thread (the import, the
// reindex): one per core, at most `most`.
inline size_t PipelineWorkers(size_t most = 4) {
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, most);
}

}  // namespace disan
