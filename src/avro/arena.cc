#include "avro/arena.h"

#include <algorithm>

namespace sluice::avro {

namespace {
constexpr std::size_t kMaxGrowBlock = std::size_t{1} << 20;
}

void* Arena::allocate_slow(std::size_t size, std::size_t align) {
  allocated_before_ += cursor_ - block_begin_;
  std::size_t want = std::max(next_block_, size + align);
  // Uninitialised, as allocate() promises: zero-filling a 1 MiB block per batch cost
  // more than decoding into it.
  blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(want));
  block_sizes_.push_back(want);
  next_block_ = std::min(next_block_ * 2, std::max(kMaxGrowBlock, next_block_));
  block_begin_ = reinterpret_cast<std::uintptr_t>(blocks_.back().get());
  end_ = block_begin_ + want;
  auto p = (block_begin_ + (align - 1)) & ~static_cast<std::uintptr_t>(align - 1);
  cursor_ = p + size;
  return reinterpret_cast<void*>(p);
}

void Arena::reset() {
  if (blocks_.empty()) return;
  // Keep only the largest block: a steady workload then never allocates again.
  auto largest = std::max_element(block_sizes_.begin(), block_sizes_.end()) - block_sizes_.begin();
  std::unique_ptr<std::byte[]> keep = std::move(blocks_[largest]);
  std::size_t keep_size = block_sizes_[largest];
  blocks_.clear();
  block_sizes_.clear();
  blocks_.push_back(std::move(keep));
  block_sizes_.push_back(keep_size);
  block_begin_ = reinterpret_cast<std::uintptr_t>(blocks_.back().get());
  cursor_ = block_begin_;
  end_ = block_begin_ + keep_size;
  allocated_before_ = 0;
}

}  // namespace sluice::avro
