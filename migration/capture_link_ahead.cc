#include "migration/capture_link_ahead.h"

#include <algorithm>
#include <cassert>
#include <system_error>
#include <utility>

namespace tseq {
namespace {

// How far the workers may run ahead of the collector: enough to keep them busy while it records
// a few slow entries, few enough that the results waiting stay small.
constexpr size_t kWindow = 1024;
// Each worker takes this many files at a time: neighbours in walk order, mostly of one folder,
// whose links go to one folder of the store. Workers taking turns file by file would link into
// the same folder at once and wait on its lock in the kernel.
constexpr size_t kChunk = 32;

}  // namespace

LinkedFile LinkWalkedFile(const CaptureItem& item, uint32_t root, CaptureDestination& destination,
                          const ProfileWalker& walker) {
  archive::CatalogEntry entry = item.entry;
  entry.root = root;
  entry.type = archive::EntryType::kFile;
  entry.link_entry = 0;
  LinkedFile linked;
  linked.link = destination.LinkByPath(entry, item.host_path);
  if (linked.link.ok()) linked.description = walker.DescribeLinked(item, *linked.link);
  return linked;
}

bool LinkAhead::Links(const CaptureItem& item) {
  return item.entry.type == archive::EntryType::kFile && !item.hard_link_of;
}

LinkAhead::LinkAhead(const std::vector<CaptureItem>& items, uint32_t root,
                     CaptureDestination& destination, const ProfileWalker& walker, size_t threads)
    : items_(items), root_(root), destination_(destination), walker_(walker), slots_(kWindow) {
  for (size_t index = 0; index < items.size(); ++index) {
    if (Links(items[index])) order_.push_back(index);
  }
  if (order_.empty()) return;
  const size_t count = std::min(threads, order_.size());
  workers_.reserve(count);
  for (size_t worker = 0; worker < count; ++worker) {
    try {
      workers_.emplace_back([this] { Work(); });
    } catch (const std::system_error&) {
      // No thread to spare (a process limit): the workers started do the work; with none, Take
      // links each file itself.
      break;
    }
  }
}

LinkAhead::~LinkAhead() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  slot_free_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  for (size_t position = taken_; position < next_claim_; ++position) {
    const std::optional<LinkedFile>& left = slots_[position % kWindow];
    // Nothing to report to: the capture has stopped, and a link left behind only makes the
    // unfinished store larger.
    if (left && left->link.ok()) (void)destination_.RemoveLinked(*left->link);
  }
}

LinkedFile LinkAhead::Take(size_t index) {
  std::unique_lock lock(mutex_);
  assert(taken_ < order_.size() && order_[taken_] == index);
  if (workers_.empty()) {
    ++taken_;
    next_claim_ = taken_;
    return LinkWalkedFile(items_[index], root_, destination_, walker_);
  }
  std::optional<LinkedFile>& slot = slots_[taken_ % kWindow];
  result_ready_.wait(lock, [&slot] { return slot.has_value(); });
  LinkedFile result = std::move(*slot);
  slot.reset();
  ++taken_;
  lock.unlock();
  slot_free_.notify_one();
  return result;
}

void LinkAhead::Work() {
  while (true) {
    size_t first = 0;
    size_t end = 0;
    {
      std::unique_lock lock(mutex_);
      slot_free_.wait(lock, [this] {
        return stopping_ || next_claim_ >= order_.size() || next_claim_ < taken_ + kWindow;
      });
      if (stopping_ || next_claim_ >= order_.size()) return;
      first = next_claim_;
      end = std::min({first + kChunk, order_.size(), taken_ + kWindow});
      next_claim_ = end;
    }
    for (size_t position = first; position < end; ++position) {
      LinkedFile linked = LinkWalkedFile(items_[order_[position]], root_, destination_, walker_);
      {
        const std::lock_guard lock(mutex_);
        slots_[position % kWindow] = std::move(linked);
      }
      result_ready_.notify_one();
    }
  }
}

}  // namespace tseq
