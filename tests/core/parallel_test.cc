// ParallelFor: every index exactly once, the caller's thread among the workers, and a failure
// in any item reaches the caller after the others have run.
#include "core/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace disan {
namespace {

TEST(ParallelFor, CallsEveryIndexExactlyOnce) {
  for (size_t n : {0u, 1u, 15u, 16u, 17u, 1000u}) {
    std::vector<std::atomic<int>> calls(n);
    ParallelFor(n, 1, [&](size_t i) { calls[i].fetch_add(1); });
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(calls[i].load(), 1) << "n " << n << ", index " << i;
  }
}

TEST(ParallelFor, SmallLoopsStayOnTheCallingThread) {
  std::set<std::thread::id> seen;
  ParallelFor(10, 16, [&](size_t) { seen.insert(std::this_thread::get_id()); });
  EXPECT_EQ(seen, std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST(ParallelFor, LargeLoopsUseTheMachinesCores) {
  std::mutex mu;
  std::set<std::thread::id> seen;
  ParallelFor(64, 1, [&](size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // long enough for helpers to start
    std::lock_guard lock(mu);
    seen.insert(std::this_thread::get_id());
  });
  EXPECT_TRUE(seen.count(std::this_thread::get_id())) << "the caller works too";
  if (std::thread::hardware_concurrency() > 1) {
    EXPECT_GT(seen.size(), 1u);
    EXPECT_LE(seen.size(), std::thread::hardware_concurrency());
  } else {
    EXPECT_EQ(seen.size(), 1u);
  }
}

TEST(ParallelFor, AFailureReachesTheCallerAfterTheRestRan) {
  std::vector<std::atomic<int>> calls(200);
  EXPECT_THROW(ParallelFor(calls.size(), 1,
                           [&](size_t i) {
                             calls[i].fetch_add(1);
                             if (i == 7) throw std::runtime_error("item 7");
                           }),
               std::runtime_error);
  for (size_t i = 0; i < calls.size(); ++i) EXPECT_EQ(calls[i].load(), 1) << i;
}

}  // namespace
}  // namespace disan
