#include "archive/ordered_pool.h"

#include <cassert>

namespace tseq::archive {

OrderedPool::OrderedPool(size_t threads, size_t capacity, Function function)
    : capacity_(capacity), function_(std::move(function)) {
  assert(threads >= 1 && capacity >= 1);
  workers_.reserve(threads);
  for (size_t worker = 0; worker < threads; ++worker) {
    workers_.emplace_back([this, worker] { WorkerLoop(worker); });
  }
}

OrderedPool::~OrderedPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  work_available_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void OrderedPool::Submit(std::string input, uint64_t tag, std::string output) {
  auto slot = std::make_shared<Slot>();
  slot->item.input = std::move(input);
  slot->item.output = std::move(output);
  slot->item.tag = tag;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    assert(slots_.size() < capacity_);
    slots_.push_back(slot);
    queue_.push_back(std::move(slot));
  }
  work_available_.notify_one();
}

bool OrderedPool::Full() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return slots_.size() >= capacity_;
}

bool OrderedPool::Empty() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return slots_.empty();
}

OrderedPool::Item OrderedPool::Next() {
  std::unique_lock<std::mutex> lock(mutex_);
  assert(!slots_.empty());
  work_done_.wait(lock, [this] { return slots_.front()->done; });
  std::shared_ptr<Slot> slot = std::move(slots_.front());
  slots_.pop_front();
  return std::move(slot->item);
}

void OrderedPool::WorkerLoop(size_t worker) {
  while (true) {
    std::shared_ptr<Slot> slot;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_available_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      slot = std::move(queue_.front());
      queue_.pop_front();
    }
    // The item is this worker's alone until `done` is set under the lock.
    Status status = function_(worker, slot->item);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slot->item.status = std::move(status);
      slot->done = true;
    }
    work_done_.notify_all();
  }
}

}  // namespace tseq::archive
