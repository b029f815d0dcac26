// OrderedPool: runs one function over a stream of items on several worker threads and gives the
// results back in the order the items were submitted, with a bound on how many are in memory.
// The store writer uses it to compress and seal blocks on all cores; the reader to open them.
//
//   OrderedPool pool(threads, capacity, [&](size_t worker, OrderedPool::Item& item) { ... });
//   while (more) {
//     if (pool.Full()) Consume(pool.Next());
//     pool.Submit(std::move(input), tag);
//   }
//   while (!pool.Empty()) Consume(pool.Next());
//
// Submit, Next, Full and Empty are for one thread (the owner); the function runs on the workers,
// each call with its own worker index (0 .. threads-1) so it can use per-worker state.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"

namespace tseq::archive {

class OrderedPool {
 public:
  struct Item {
    uint64_t tag = 0;  // the caller's label, e.g. a block index
    std::string input;
    std::string output;
    Status status;  // what the function returned
  };
  using Function = std::function<Status(size_t worker, Item& item)>;

  // REQUIRES: threads >= 1, capacity >= 1.
  OrderedPool(size_t threads, size_t capacity, Function function);
  // Stops the workers; items not yet taken by Next are discarded.
  ~OrderedPool();
  OrderedPool(const OrderedPool&) = delete;
  OrderedPool& operator=(const OrderedPool&) = delete;

  // Queues an item. `output` starts as the item's output, so that a caller can hand back the
  // buffer of an item it has finished with and spare the function an allocation.
  // REQUIRES: !Full().
  void Submit(std::string input, uint64_t tag, std::string output = {});
  bool Full() const;
  bool Empty() const;
  // Waits for the oldest submitted item to finish and returns it. REQUIRES: !Empty().
  Item Next();

 private:
  struct Slot {
    Item item;
    bool done = false;
  };
  void WorkerLoop(size_t worker);

  const size_t capacity_;
  Function function_;
  mutable std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable work_done_;
  std::deque<std::shared_ptr<Slot>> slots_;  // submission order; the front is the oldest
  std::deque<std::shared_ptr<Slot>> queue_;  // not yet started
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace tseq::archive
